//go:build linux

package msg_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/msg"
	"golang.org/x/sys/unix"
)

func TestCreateGetOpen(t *testing.T) {
	key := freeKey(t)
	before := time.Now().Add(-time.Second)
	q := newQueue(t, key, 0o640)
	if q.Key() != key || q.ID() < 0 {
		t.Fatalf("Create gave %v", q)
	}
	got, err := msg.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *q {
		t.Fatalf("Get gave %v, want %v", got, q)
	}
	opened, err := msg.Open(key, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if *opened != *q {
		t.Fatalf("Open of the existing queue gave %v, want %v", opened, q)
	}
	byID, err := msg.FromID(q.ID())
	if err != nil {
		t.Fatal(err)
	}
	if *byID != *q {
		t.Fatalf("FromID gave %v, want %v", byID, q)
	}
	lim, err := msg.Limits()
	if err != nil {
		t.Fatal(err)
	}
	info := mustStat(t, q)
	want := msg.Info{Key: key, ID: q.ID(), Mode: 0o640, UID: os.Getuid(), GID: os.Getgid(),
		CUID: os.Getuid(), CGID: os.Getgid(), MaxBytes: int64(lim.MaxQueueBytes)}
	change := info.LastChange
	info.LastChange = time.Time{}
	if info != want {
		t.Fatalf("Stat = %+v\nwant   %+v", info, want)
	}
	if change.Before(before) || change.After(time.Now().Add(time.Second)) {
		t.Fatalf("LastChange = %v, want about now", change)
	}

	ctx := context.Background()
	if err := q.Send(ctx, 7, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := q.Send(ctx, 8, nil); err != nil {
		t.Fatal(err)
	}
	info = mustStat(t, q)
	if info.Messages != 2 || info.Bytes != 5 || info.LastSendPID != os.Getpid() || info.LastSend.Before(before) || !info.LastRecv.IsZero() {
		t.Fatalf("after two sends: %+v", info)
	}
	buf := make([]byte, 100)
	n, typ, err := q.Recv(ctx, 0, buf)
	if err != nil || typ != 7 || string(buf[:n]) != "hello" {
		t.Fatalf("Recv = %d, %d, %v (%q), want 5, 7, nil (hello)", n, typ, err, buf[:n])
	}
	n, typ, err = q.Recv(ctx, 0, buf)
	if err != nil || typ != 8 || n != 0 {
		t.Fatalf("Recv of an empty body = %d, %d, %v", n, typ, err)
	}
	info = mustStat(t, q)
	if info.Messages != 0 || info.Bytes != 0 || info.LastRecvPID != os.Getpid() || info.LastRecv.IsZero() {
		t.Fatalf("after two receives: %+v", info)
	}
}

func TestString(t *testing.T) {
	key := freeKey(t)
	q := newQueue(t, key, 0o600)
	if got, want := q.String(), fmt.Sprintf("msg queue id %d key %#08x", q.ID(), uint32(key)); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	var zero *msg.Queue
	if got := zero.String(); got != "msg queue id -1 key 0x00000000" {
		t.Fatalf("String() of nil = %q", got)
	}
}

func TestOpenCreatesWhenMissing(t *testing.T) {
	key := freeKey(t)
	q, err := msg.Open(key, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	removeAtEnd(t, q)
	if q.Key() != key {
		t.Fatalf("Open gave %v", q)
	}
}

func TestPrivateQueuesAreDistinct(t *testing.T) {
	a := newQueue(t, shm.Private, 0o600)
	b := newQueue(t, shm.Private, 0o600)
	if a.ID() == b.ID() || a.Key() != shm.Private {
		t.Fatalf("two Private queues: %v and %v", a, b)
	}
}

// send puts messages of the given types, each with its type and position as body.
func send(t *testing.T, q *msg.Queue, types ...int64) {
	t.Helper()
	for i, typ := range types {
		if err := q.Send(context.Background(), typ, []byte{byte(typ), byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSelectionRules(t *testing.T) {
	// Each case sends messages of these types, in this order (position i has body
	// {type, i}), then receives with typ and opts and wants the message at position.
	types := []int64{3, 1, 2, 1, 5, 2}
	tests := []struct {
		name string
		typ  int64
		opts []msg.RecvOption
		want int // position, -1 for none
	}{
		{"ZeroTakesTheFirst", 0, nil, 0},
		{"PositiveTakesTheFirstOfType", 2, nil, 2},
		{"PositiveOfNoMessage", 4, nil, -1},
		{"NegativeTakesTheLowestTypeAtMost", -2, nil, 1},
		{"NegativeBelowEveryType", -0, nil, 0},
		{"NegativeAboveEveryType", -100, nil, 1},
		{"NegativeNoneLowEnough", -0 - 0, nil, 0},
		{"ExceptTakesTheFirstOfAnotherType", 3, []msg.RecvOption{msg.Except}, 1},
		{"ExceptWithNoOtherType", 1, []msg.RecvOption{msg.Except}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQueue(t, shm.Private, 0o600)
			send(t, q, types...)
			buf := make([]byte, 10)
			n, typ, err := q.TryRecv(tt.typ, buf, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want < 0 {
				if n != 0 || typ != 0 {
					t.Fatalf("TryRecv took a message of type %d, want none", typ)
				}
				return
			}
			if n != 2 || typ != types[tt.want] || buf[1] != byte(tt.want) {
				t.Fatalf("TryRecv = %d bytes of type %d at position %d, want type %d at %d", n, typ, buf[1], types[tt.want], tt.want)
			}
			if got := mustStat(t, q).Messages; got != len(types)-1 {
				t.Fatalf("%d messages left, want %d", got, len(types)-1)
			}
		})
	}
}

func TestNegativeTypeIsAPriorityQueue(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	send(t, q, 5, 3, 9, 3, 1)
	var got []int64
	buf := make([]byte, 10)
	for {
		_, typ, err := q.TryRecv(-10, buf)
		if err != nil {
			t.Fatal(err)
		}
		if typ == 0 {
			break
		}
		got = append(got, typ)
	}
	if want := []int64{1, 3, 3, 5, 9}; !slicesEqual(got, want) {
		t.Fatalf("received types %v, want %v", got, want)
	}
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTooLongStaysQueued(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	ctx := context.Background()
	send(t, q, 1) // 2 bytes, before the long one: selection must skip it for type 2
	long := bytes.Repeat([]byte("x"), 300)
	if err := q.Send(ctx, 2, long); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []int64{2, -2} {
		buf := make([]byte, 100)
		if typ < 0 {
			// The lowest type first: type 1 fits and is taken; then type 2 is next.
			if _, got, err := q.TryRecv(typ, buf); err != nil || got != 1 {
				t.Fatalf("TryRecv(%d) = type %d, %v", typ, got, err)
			}
		}
		_, _, err := q.Recv(ctx, typ, buf)
		if !errors.Is(err, syscall.E2BIG) || !strings.Contains(err.Error(), "message of 300 bytes is longer than the buffer of 100 bytes; it stays in the queue") {
			t.Fatalf("Recv(%d) into 100 bytes: %v, want E2BIG naming 300 and 100", typ, err)
		}
	}
	if info := mustStat(t, q); info.Messages != 1 || info.Bytes != 300 {
		t.Fatalf("after the refused receives: %d messages of %d bytes, want the long one", info.Messages, info.Bytes)
	}
	buf := make([]byte, 100)
	n, typ, err := q.Recv(ctx, 0, buf, msg.NoError)
	if err != nil || n != 100 || typ != 2 || !bytes.Equal(buf, long[:100]) {
		t.Fatalf("Recv with NoError = %d, %d, %v", n, typ, err)
	}
	if info := mustStat(t, q); info.Messages != 0 {
		t.Fatalf("NoError left %d messages", info.Messages)
	}
}

func TestLargeBufferTakesSmallAndLargeMessages(t *testing.T) {
	lim, err := msg.Limits()
	if err != nil {
		t.Fatal(err)
	}
	q := newQueue(t, shm.Private, 0o600)
	body := bytes.Repeat([]byte("y"), lim.MaxMessage)
	if err := q.Send(context.Background(), 1, body); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20) // longer than any pooled buffer
	n, _, err := q.Recv(context.Background(), 0, buf)
	if err != nil || !bytes.Equal(buf[:n], body) {
		t.Fatalf("Recv of %d bytes into 1 MiB: %d, %v", len(body), n, err)
	}
}

func TestCopyLeavesTheMessage(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	send(t, q, 4, 6)
	buf := make([]byte, 10)
	n, typ, err := q.TryRecv(1, buf, msg.Copy)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("no MSG_COPY here: %v", err)
	}
	if err != nil || n != 2 || typ != 6 || buf[1] != 1 {
		t.Fatalf("TryRecv(1, Copy) = %d, %d, %v, body %v; want the second message", n, typ, err, buf[:n])
	}
	if _, typ, err := q.TryRecv(2, buf, msg.Copy); err != nil || typ != 0 {
		t.Fatalf("TryRecv(2, Copy) of a queue of two = type %d, %v; want none", typ, err)
	}
	if _, _, err := q.TryRecv(0, buf[:1], msg.Copy); !errors.Is(err, syscall.E2BIG) || !strings.Contains(err.Error(), "message of 2 bytes is longer than the buffer of 1 bytes") {
		t.Fatalf("Copy into too short a buffer: %v", err)
	}
	if n, _, err := q.TryRecv(0, buf[:1], msg.Copy, msg.NoError); err != nil || n != 1 {
		t.Fatalf("Copy with NoError into 1 byte: %d, %v", n, err)
	}
	if got := mustStat(t, q).Messages; got != 2 {
		t.Fatalf("%d messages after copies, want 2", got)
	}
}

func TestTryOnEmptyAndFull(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	if n, typ, err := q.TryRecv(0, make([]byte, 10)); n != 0 || typ != 0 || err != nil {
		t.Fatalf("TryRecv of an empty queue = %d, %d, %v", n, typ, err)
	}
	if err := q.SetMaxBytes(10); err != nil {
		t.Fatal(err)
	}
	if ok, err := q.TrySend(1, make([]byte, 10)); !ok || err != nil {
		t.Fatalf("TrySend of 10 bytes into room for 10 = %v, %v", ok, err)
	}
	if ok, err := q.TrySend(1, []byte{1}); ok || err != nil {
		t.Fatalf("TrySend into a full queue = %v, %v; want false, nil", ok, err)
	}
	if ok, err := q.TrySend(1, make([]byte, 11)); ok || !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "never fits") {
		t.Fatalf("TrySend of more than the queue holds = %v, %v", ok, err)
	}
}

// waitingInRecv reports whether a thread of this process is blocked in msgrcv.
func waitingInRecv() bool { return waitingIn(os.Getpid(), unix.SYS_MSGRCV) }

// TestWaitEndsWithContext proves that a receive or send blocked in the kernel wakes
// when its context is cancelled or its deadline passes: it checks that a thread is in
// msgrcv (or msgsnd) before it cancels.
func TestWaitEndsWithContext(t *testing.T) {
	for _, tc := range []struct {
		name string
		send bool
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"RecvCancel", false, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, context.Canceled},
		{"SendCancel", true, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, context.Canceled},
		{"RecvDeadline", false, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := newQueue(t, shm.Private, 0o600)
			nr := uintptr(unix.SYS_MSGRCV)
			if tc.send {
				nr = unix.SYS_MSGSND
				if err := q.SetMaxBytes(2); err != nil {
					t.Fatal(err)
				}
				send(t, q, 1) // 2 bytes: the queue is full
			}
			ctx, cancel := tc.ctx()
			defer cancel()
			done := make(chan error, 1)
			go func() {
				var err error
				if tc.send {
					err = q.Send(ctx, 1, []byte{1})
				} else {
					_, _, err = q.Recv(ctx, 0, make([]byte, 10))
				}
				done <- err
			}()
			if tc.want == context.Canceled {
				proctest.Poll(t, "a thread waiting in the call", func() bool { return waitingIn(os.Getpid(), nr) })
				cancel()
			}
			select {
			case err := <-done:
				var e *shm.Error
				if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Pkg != "msg" {
					t.Fatalf("the wait ended with %v, want a msg error wrapping %v", err, tc.want)
				}
			case <-time.After(proctest.Deadline):
				t.Fatal("the wait did not end with its context")
			}
		})
	}
}

func TestRemoveWakesWaiters(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	done := make(chan error, 1)
	go func() {
		_, _, err := q.Recv(context.Background(), 0, make([]byte, 10))
		done <- err
	}()
	proctest.Poll(t, "a thread waiting in msgrcv", waitingInRecv)
	if err := q.Remove(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, syscall.EIDRM) {
			t.Fatalf("Recv on a removed queue ended with %v, want fs.ErrNotExist (EIDRM)", err)
		}
	case <-time.After(proctest.Deadline):
		t.Fatal("Recv did not wake when the queue was removed")
	}
}

// The steady path (a message there to take, room to send) allocates nothing, whether
// the context can end or not.
func TestSendRecvDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop buffers on purpose")
	}
	q := newQueue(t, shm.Private, 0o600)
	body := make([]byte, 4096)
	buf := make([]byte, 4096)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	allocs := testing.AllocsPerRun(100, func() {
		if err := q.Send(ctx, 1, body); err != nil {
			t.Fatal(err)
		}
		if _, _, err := q.Recv(ctx, 0, buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Send and Recv allocate %v times per message, want 0", allocs)
	}
}

func TestChmodChownSetMaxBytes(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	if err := q.Chmod(0o620); err != nil {
		t.Fatal(err)
	}
	if err := q.SetMaxBytes(1000); err != nil {
		t.Fatal(err)
	}
	info := mustStat(t, q)
	if info.Mode != 0o620 || info.MaxBytes != 1000 || info.UID != os.Getuid() {
		t.Fatalf("after Chmod 0620 and SetMaxBytes 1000: %+v", info)
	}
	if os.Getuid() != 0 {
		return
	}
	if err := q.Chown(54321, 54322); err != nil {
		t.Fatal(err)
	}
	info = mustStat(t, q)
	if info.UID != 54321 || info.GID != 54322 || info.CUID != 0 || info.Mode != 0o620 || info.MaxBytes != 1000 {
		t.Fatalf("after Chown: %+v", info)
	}
}

func TestZeroQueueIsUseless(t *testing.T) {
	var nilQueue *msg.Queue
	for _, q := range []*msg.Queue{{}, nilQueue} {
		if q.ID() != -1 || q.Key() != shm.Private {
			t.Fatalf("zero Queue: ID %d key %v", q.ID(), q.Key())
		}
		ctx := context.Background()
		buf := make([]byte, 1)
		for name, err := range map[string]error{
			"Send":        q.Send(ctx, 1, nil),
			"Remove":      q.Remove(),
			"Chmod":       q.Chmod(0o600),
			"Chown":       q.Chown(-1, -1),
			"SetMaxBytes": q.SetMaxBytes(1),
			"Stat":        func() error { _, err := q.Stat(); return err }(),
			"Recv":        func() error { _, _, err := q.Recv(ctx, 0, buf); return err }(),
			"TryRecv":     func() error { _, _, err := q.TryRecv(0, buf); return err }(),
			"TrySend":     func() error { _, err := q.TrySend(1, nil); return err }(),
		} {
			var e *shm.Error
			if !errors.Is(err, fs.ErrInvalid) || !errors.As(err, &e) || e.ID != -1 || e.Pkg != "msg" {
				t.Errorf("%s of a zero Queue: %v, want a msg error wrapping fs.ErrInvalid", name, err)
			}
		}
	}
}
