//go:build linux

package msg_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/msg"
)

// These tests prove cross-process behaviour with a second process: the test binary
// started again as one of the children in msg_test.go (see proctest).

// childEcho takes messages of type 1 off the queue and puts each back as type 2 with
// its body reversed, until a message of type 3.
func childEcho() int {
	q, err := childQueue()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	ctx := context.Background()
	buf := make([]byte, 8192)
	proctest.Say("ready")
	for {
		n, typ, err := q.Recv(ctx, 2, buf, msg.Except) // 1 or 3, never its own answers
		if err != nil {
			return proctest.Fail("recv: %v", err)
		}
		if typ == 3 {
			return 0
		}
		if typ != 1 {
			return proctest.Fail("got type %d, want 1 or 3", typ)
		}
		body := buf[:n]
		for i, j := 0, len(body)-1; i < j; i, j = i+1, j-1 {
			body[i], body[j] = body[j], body[i]
		}
		if err := q.Send(ctx, 2, body); err != nil {
			return proctest.Fail("send: %v", err)
		}
	}
}

func TestEchoAcrossProcesses(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	c := proctest.Start(t, "echo", idEnv(q))
	c.Expect("ready")
	ctx := context.Background()
	buf := make([]byte, 8192)
	for _, size := range []int{0, 1, 64, 4096, 8192} {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte(i * 7)
		}
		if err := q.Send(ctx, 1, body); err != nil {
			t.Fatal(err)
		}
		n, typ, err := q.Recv(ctx, 2, buf)
		if err != nil || typ != 2 || n != size {
			t.Fatalf("echo of %d bytes: %d bytes of type %d, %v", size, n, typ, err)
		}
		for i := range n {
			if buf[i] != body[size-1-i] {
				t.Fatalf("echo of %d bytes: byte %d is %d, want %d", size, i, buf[i], body[size-1-i])
			}
		}
	}
	info := mustStat(t, q)
	// The kernel records the thread that sent or received, not the process.
	if !isThreadOf(c.Pid(), info.LastSendPID) || !isThreadOf(os.Getpid(), info.LastRecvPID) {
		t.Errorf("Stat says last send by %d and receive by %d, want threads of %d (child) and %d", info.LastSendPID, info.LastRecvPID, c.Pid(), os.Getpid())
	}
	if err := q.Send(ctx, 3, nil); err != nil {
		t.Fatal(err)
	}
	c.WaitOK()
}

// childSend sends the messages MSG_TYPES names (comma-separated types, body "tN") to
// the queue of key MSG_KEY, creating it, and says "sent".
func childSend() int {
	key, err := strconv.ParseUint(os.Getenv("MSG_KEY"), 0, 32)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	q, err := msg.Open(shm.Key(key), 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	for _, f := range strings.Split(os.Getenv("MSG_TYPES"), ",") {
		typ, _ := strconv.ParseInt(f, 10, 64)
		if err := q.Send(context.Background(), typ, []byte("t"+f)); err != nil {
			return proctest.Fail("%v", err)
		}
	}
	proctest.Say("sent")
	return 0
}

func TestReceiveWhatAChildSent(t *testing.T) {
	key := freeKey(t)
	removeKeyAtEnd(t, key)
	c := proctest.Start(t, "send", fmt.Sprintf("MSG_KEY=%#x", uint32(key)), "MSG_TYPES=4,2,9,2")
	c.Expect("sent")
	c.WaitOK()
	q, err := msg.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	var got []string
	for {
		n, typ, err := q.TryRecv(-100, buf)
		if err != nil {
			t.Fatal(err)
		}
		if typ == 0 {
			break
		}
		got = append(got, fmt.Sprintf("%d:%s", typ, buf[:n]))
	}
	if want := "2:t2 2:t2 4:t4 9:t9"; strings.Join(got, " ") != want {
		t.Fatalf("received %q, want %q", strings.Join(got, " "), want)
	}
}

// childWait waits in Recv on the queue until it is removed, and says how that ended.
func childWait() int {
	q, err := childQueue()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("waiting")
	_, _, err = q.Recv(context.Background(), 0, make([]byte, 10))
	proctest.Say("woken: notexist=%v eidrm=%v", errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.EIDRM))
	return 0
}

func TestRemoveWakesAnotherProcess(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	c := proctest.Start(t, "wait", idEnv(q))
	c.Expect("waiting")
	proctest.Poll(t, "the child waiting in msgrcv", func() bool { return waitingIn(c.Pid(), sysMsgrcv) })
	if err := q.Remove(); err != nil {
		t.Fatal(err)
	}
	c.Expect("woken: notexist=true eidrm=true")
	c.WaitOK()
}

// childIgnoreURG ignores SIGURG, which the package sends to interrupt a wait, and
// checks that a receive still ends with its deadline.
func childIgnoreURG() int {
	signal.Ignore(syscall.SIGURG)
	q, err := childQueue()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err = q.Recv(ctx, 0, make([]byte, 10))
	if !errors.Is(err, context.DeadlineExceeded) {
		return proctest.Fail("Recv with SIGURG ignored ended with %v, want the deadline", err)
	}
	// And a message that comes while it polls is taken.
	proctest.Say("ready")
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	n, typ, err := q.Recv(ctx2, 0, make([]byte, 10))
	if err != nil || n != 2 || typ != 5 {
		return proctest.Fail("Recv while polling = %d, %d, %v", n, typ, err)
	}
	proctest.Say("done")
	return 0
}

func TestWaitWithSIGURGIgnored(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	c := proctest.Start(t, "ignoreurg", idEnv(q))
	c.Expect("ready")
	if err := q.Send(context.Background(), 5, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	c.Expect("done")
	c.WaitOK()
}

// dropToNobody makes this process uid and gid 65534 with no other groups.
func dropToNobody() error {
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(65534); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := syscall.Setuid(65534); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	return nil
}

// childNobody drops to uid and gid 65534 and checks what that user may do with the
// queues MSG_PRIVATE_ID (0600, root's), MSG_WRITEONLY_ID (0622, root's) and
// MSG_OWNED_ID (0600, nobody's).
func childNobody() int {
	if err := dropToNobody(); err != nil {
		return proctest.Fail("%v", err)
	}
	failed := 0
	expect := func(what string, err error, want error) {
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			proctest.Fail("%s: got %v, want %v", what, err, want)
			failed = 1
		}
	}
	ctx := context.Background()
	buf := make([]byte, 10)
	// What IPC_STAT says is public (/proc/sysvipc/msg): FromID and Stat read it with
	// MSG_STAT_ANY; sending and receiving are what is refused.
	priv, err := msg.FromID(mustAtoi(os.Getenv("MSG_PRIVATE_ID")))
	expect("FromID of a 0600 queue", err, nil)
	if err == nil {
		info, err := priv.Stat()
		expect("Stat of a 0600 queue", err, nil)
		if err == nil && (info.Mode != 0o600 || info.UID != 0 || info.MaxBytes <= 0) {
			proctest.Fail("Stat of the 0600 queue says %+v", info)
			failed = 1
		}
		expect("Send to a 0600 queue", priv.Send(ctx, 1, nil), fs.ErrPermission)
		_, _, err = priv.TryRecv(0, buf)
		expect("TryRecv from a 0600 queue", err, fs.ErrPermission)
		expect("Chmod of root's queue", priv.Chmod(0o666), fs.ErrPermission)
		expect("Remove of root's queue", priv.Remove(), fs.ErrPermission)
	}
	wo, err := msg.FromID(mustAtoi(os.Getenv("MSG_WRITEONLY_ID")))
	expect("FromID of a 0622 queue", err, nil)
	if err == nil {
		expect("Send to a 0622 queue", wo.Send(ctx, 1, []byte("w")), nil)
		_, _, err = wo.TryRecv(0, buf)
		expect("TryRecv from a 0622 queue", err, fs.ErrPermission)
	}
	owned, err := msg.FromID(mustAtoi(os.Getenv("MSG_OWNED_ID")))
	expect("FromID of nobody's queue", err, nil)
	if err == nil {
		lim, err := msg.Limits()
		expect("Limits", err, nil)
		err = owned.SetMaxBytes(lim.MaxQueueBytes + 1)
		expect("SetMaxBytes above MSGMNB", err, fs.ErrPermission)
		if err != nil && !strings.Contains(err.Error(), "CAP_SYS_RESOURCE") {
			proctest.Fail("SetMaxBytes above MSGMNB: %q does not name CAP_SYS_RESOURCE", err)
			failed = 1
		}
		expect("SetMaxBytes to lower it", owned.SetMaxBytes(100), nil)
		expect("Chmod of one's queue", owned.Chmod(0o640), nil)
	}
	proctest.Say("checked")
	return failed
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func TestPermissionsOfAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to start a child as another user (nobody)")
	}
	priv := newQueue(t, shm.Private, 0o600)
	wo := newQueue(t, shm.Private, 0o622)
	owned := newQueue(t, shm.Private, 0o600)
	if err := owned.Chown(65534, 65534); err != nil {
		t.Fatal(err)
	}
	c := proctest.Start(t, "nobody", fmt.Sprintf("MSG_PRIVATE_ID=%d", priv.ID()),
		fmt.Sprintf("MSG_WRITEONLY_ID=%d", wo.ID()), fmt.Sprintf("MSG_OWNED_ID=%d", owned.ID()))
	c.Expect("checked")
	c.WaitOK()
	if info := mustStat(t, owned); info.MaxBytes != 100 || info.Mode != 0o640 {
		t.Errorf("nobody's changes to its queue: %+v", info)
	}
	if info := mustStat(t, wo); info.Messages != 1 || info.Bytes != 1 {
		t.Errorf("nobody's message to the 0622 queue: %+v", info)
	}
}

// Raising a queue's limit above MSGMNB takes CAP_SYS_RESOURCE, which a root in a
// container may lack too.
func TestSetMaxBytesAboveMSGMNB(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	lim, err := msg.Limits()
	if err != nil {
		t.Fatal(err)
	}
	err = q.SetMaxBytes(lim.MaxQueueBytes + 1)
	if hasCapability(capSysResource) {
		if err != nil {
			t.Fatalf("SetMaxBytes above MSGMNB with CAP_SYS_RESOURCE: %v", err)
		}
		return
	}
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "CAP_SYS_RESOURCE") {
		t.Fatalf("SetMaxBytes above MSGMNB without CAP_SYS_RESOURCE: %v, want fs.ErrPermission naming it", err)
	}
}

const capSysResource = 24

// hasCapability reports whether this process has capability bit c in effect.
func hasCapability(c uint) bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if hex, ok := strings.CutPrefix(line, "CapEff:"); ok {
			v, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return err == nil && v&(1<<c) != 0
		}
	}
	return false
}

// isThreadOf reports whether tid is a thread of process pid.
func isThreadOf(pid, tid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", pid, tid))
	return err == nil
}

// childReuse runs in an IPC namespace of its own, where it may choose the next id
// (kernel.msg_next_id) and so reuse the id of a removed queue at once. It checks that
// a handle on the removed queue acts on nothing that has its id now.
func childReuse() int {
	failed := 0
	check := func(what string, err error) {
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "now names another message queue") {
			proctest.Fail("%s through a stale handle: %v, want fs.ErrNotExist saying the id names another queue", what, err)
			failed = 1
		}
	}
	ctx := context.Background()
	buf := make([]byte, 10)
	for _, tc := range []struct {
		name           string
		oldKey, newKey shm.Key
		newGID         int
	}{
		{"OtherKey", 0x7e6e0001, shm.Private, 0},
		{"PrivateToKey", shm.Private, 0x7e6e0002, 0},
		{"OtherCreatorGroup", shm.Private, shm.Private, 54321},
	} {
		old, err := msg.Create(tc.oldKey, 0o600)
		if err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if err := old.Remove(); err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if err := os.WriteFile("/proc/sys/kernel/msg_next_id", []byte(strconv.Itoa(old.ID())), 0); err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if err := syscall.Setegid(tc.newGID); err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		q, err := msg.Create(tc.newKey, 0o666)
		syscall.Setegid(0)
		if err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if q.ID() != old.ID() {
			return proctest.Fail("%s: the kernel gave id %d, not the old id %d", tc.name, q.ID(), old.ID())
		}
		if err := q.Send(ctx, 1, []byte("new")); err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		check(tc.name+": Send", old.Send(ctx, 2, []byte("stale")))
		_, err = old.TrySend(2, []byte("stale"))
		check(tc.name+": TrySend", err)
		_, _, err = old.Recv(ctx, 0, buf)
		check(tc.name+": Recv", err)
		_, _, err = old.TryRecv(0, buf)
		check(tc.name+": TryRecv", err)
		_, err = old.Stat()
		check(tc.name+": Stat", err)
		check(tc.name+": Chmod", old.Chmod(0o600))
		check(tc.name+": Chown", old.Chown(1, 1))
		check(tc.name+": SetMaxBytes", old.SetMaxBytes(1))
		check(tc.name+": Remove", old.Remove())

		info, err := q.Stat()
		if err != nil {
			return proctest.Fail("%s: the new queue is gone: %v", tc.name, err)
		}
		if info.Messages != 1 || info.Bytes != 3 || info.Mode != 0o666 || info.UID != 0 || info.MaxBytes == 1 {
			proctest.Fail("%s: the new queue was changed through the stale handle: %+v", tc.name, info)
			failed = 1
		}
		q.Remove()
	}
	proctest.Say("checked")
	return failed
}

func TestStaleHandleNeverActsOnAReusedID(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for an IPC namespace of its own, where kernel.msg_next_id can reuse an id at once")
	}
	c := proctest.StartWith(t, "reuse", newIPCNamespace)
	c.Expect("checked")
	c.WaitOK()
}

// childUsage runs in an IPC namespace of its own, empty at first, so that Usage and
// List count exactly what it makes, and so that it may lower MSGMNI (a setting of the
// namespace) to meet it.
func childUsage() int {
	u, err := msg.Usage()
	if err != nil || u != (msg.UsageInfo{}) {
		return proctest.Fail("Usage of a new namespace = %+v, %v", u, err)
	}
	var qs []*msg.Queue
	for range 2 {
		q, err := msg.Create(shm.Private, 0o600)
		if err != nil {
			return proctest.Fail("%v", err)
		}
		qs = append(qs, q)
	}
	ctx := context.Background()
	for i, size := range []int{10, 20, 30} {
		if err := qs[i%2].Send(ctx, 1, bytes.Repeat([]byte{1}, size)); err != nil {
			return proctest.Fail("%v", err)
		}
	}
	u, err = msg.Usage()
	if want := (msg.UsageInfo{Queues: 2, Messages: 3, Bytes: 60}); err != nil || u != want {
		return proctest.Fail("Usage = %+v, %v; want %+v", u, err, want)
	}
	infos, err := msg.List()
	if err != nil || len(infos) != 2 || infos[0].ID != qs[0].ID() || infos[0].Messages != 2 || infos[0].Bytes != 40 ||
		infos[1].Messages != 1 || infos[1].Bytes != 20 {
		return proctest.Fail("List = %+v, %v", infos, err)
	}
	// With MSGMNI at the queues there are, a new one fails with an error that names it.
	if err := os.WriteFile("/proc/sys/kernel/msgmni", []byte("2"), 0); err != nil {
		return proctest.Fail("%v", err)
	}
	_, err = msg.Create(shm.Private, 0o600)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "all 2 message queue ids are in use (MSGMNI, sysctl kernel.msgmni)") {
		return proctest.Fail("Create beyond MSGMNI: %v", err)
	}
	proctest.Say("counted")
	return 0
}

func TestUsageCountsQueuesMessagesBytes(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for an IPC namespace of its own, where nothing else makes queues")
	}
	c := proctest.StartWith(t, "usage", newIPCNamespace)
	c.Expect("counted")
	c.WaitOK()
}
