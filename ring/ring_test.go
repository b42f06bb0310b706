package ring_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/ring"
)

func TestMain(m *testing.M) {
	proctest.Main(m, children)
}

// newRing makes a private ring of size bytes, removed and detached when the test ends.
func newRing(t testing.TB, size int) *ring.Ring {
	t.Helper()
	rg, err := ring.Create(shm.Private, size, 0o600)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() {
		rg.Remove()
		if err := rg.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return rg
}

// ends claims both ends of rg, closed when the test ends (before the ring is).
func ends(t testing.TB, rg *ring.Ring) (*ring.Writer, *ring.Reader) {
	t.Helper()
	w, err := rg.Writer()
	if err != nil {
		t.Fatalf("Writer: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	r, err := rg.Reader()
	if err != nil {
		t.Fatalf("Reader: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return w, r
}

// message returns message i of a test stream: its length cycles through sizes, and
// each byte depends on i and its index, so a torn or misplaced message shows.
func message(i int, sizes []int) []byte {
	b := make([]byte, sizes[i%len(sizes)])
	for j := range b {
		b[j] = byte(i*31 + j*7 + j>>8)
	}
	return b
}

var testSizes = []int{0, 1, 7, 8, 63, 64, 100, 1000, 4096, 5000, 16 << 10, 65 << 10, 100, 3}

func TestSendRecvInOrder(t *testing.T) {
	for _, capacity := range []int{1 << 10, 4 << 10, 64 << 10, 1 << 20} {
		rg := newRing(t, capacity)
		w, r := ends(t, rg)
		var sizes []int
		for _, s := range testSizes {
			if s <= capacity {
				sizes = append(sizes, s)
			}
		}
		sizes = append(sizes, capacity) // the longest message there is
		const count = 300
		done := make(chan error, 1)
		go func() {
			ctx := context.Background()
			for i := range count {
				if err := w.Send(ctx, message(i, sizes)); err != nil {
					done <- err
					return
				}
			}
			done <- w.Close()
		}()
		buf := make([]byte, capacity)
		for i := range count {
			n, err := r.Recv(context.Background(), buf)
			if err != nil {
				t.Fatalf("capacity %d: Recv %d: %v", capacity, i, err)
			}
			if want := message(i, sizes); !bytes.Equal(buf[:n], want) {
				t.Fatalf("capacity %d: message %d: got %d bytes, want %d (or its bytes differ)", capacity, i, n, len(want))
			}
		}
		if n, err := r.Recv(context.Background(), buf); err != io.EOF {
			t.Fatalf("capacity %d: Recv after the last message = %d, %v; want io.EOF itself", capacity, n, err)
		}
		if err := <-done; err != nil {
			t.Fatalf("capacity %d: writer: %v", capacity, err)
		}
	}
}

func TestTrySendTryRecv(t *testing.T) {
	rg := newRing(t, 4<<10)
	w, r := ends(t, rg)
	buf := make([]byte, 4<<10)
	if n, ok, err := r.TryRecv(buf); n != 0 || ok || err != nil {
		t.Fatalf("TryRecv on an empty ring = %d, %v, %v; want 0, false, nil", n, ok, err)
	}
	if ok, err := w.TrySend(nil); !ok || err != nil {
		t.Fatalf("TrySend of an empty message = %v, %v; want true, nil", ok, err)
	}
	if n, ok, err := r.TryRecv(buf); n != 0 || !ok || err != nil {
		t.Fatalf("TryRecv of an empty message = %d, %v, %v; want 0, true, nil", n, ok, err)
	}
	// 4 KiB holds four frames of 1008 bytes after the reset frame and the empty one.
	if sent := fill(t, w, 1000); sent != 4 {
		t.Errorf("TrySend sent %d messages of 1000 bytes into 4 KiB, want 4", sent)
	}
	for i := range 4 {
		if n, ok, err := r.TryRecv(buf); n != 1000 || !ok || err != nil {
			t.Fatalf("TryRecv %d = %d, %v, %v", i, n, ok, err)
		}
	}
	if n, ok, err := r.TryRecv(buf); n != 0 || ok || err != nil {
		t.Fatalf("TryRecv on a drained ring = %d, %v, %v; want 0, false, nil", n, ok, err)
	}
	// Send takes a message as long as the ring, in pieces; TrySend cannot, ever.
	if ok, err := w.TrySend(make([]byte, 4<<10)); ok || !errors.Is(err, fs.ErrInvalid) || !errors.Is(err, syscall.EMSGSIZE) {
		t.Fatalf("TrySend of a message as long as the ring = %v, %v; want false, fs.ErrInvalid and EMSGSIZE", ok, err)
	}
	w.Close()
	if n, ok, err := r.TryRecv(buf); n != 0 || ok || err != io.EOF {
		t.Fatalf("TryRecv after Close = %d, %v, %v; want 0, false, io.EOF", n, ok, err)
	}
}

// fill sends messages of n bytes with TrySend until the ring is full, and returns how
// many it sent.
func fill(t testing.TB, w *ring.Writer, n int) int {
	t.Helper()
	for sent := 0; ; sent++ {
		ok, err := w.TrySend(make([]byte, n))
		if err != nil {
			t.Fatalf("TrySend %d: %v", sent, err)
		}
		if !ok {
			return sent
		}
	}
}

// A writer that finds the ring full waits for the reader to free a chunk of room, but
// not for ever: a reader that frees one message and stops still lets a Send of the same
// size through.
func TestWriterGathersRoomButNotForEver(t *testing.T) {
	rg := newRing(t, 64<<10) // chunk: 4 KiB
	w, r := ends(t, rg)
	fill(t, w, 100)
	if _, err := r.Recv(context.Background(), make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	if err := w.Send(ctx, make([]byte, 100)); err != nil {
		t.Fatalf("Send into the room of one message: %v", err)
	}
	if ok, err := w.TrySend(make([]byte, 100)); ok || err != nil {
		t.Fatalf("TrySend into a full ring again = %v, %v; want false, nil", ok, err)
	}
}

// A message in pieces that TryRecv meets half sent is continued by the next call with
// the same buffer.
func TestTryRecvContinuesPieces(t *testing.T) {
	rg := newRing(t, 64<<10)
	w, r := ends(t, rg)
	msg := message(5, []int{60 << 10}) // pieces of 16 KiB
	done := make(chan error, 1)
	go func() { done <- w.Send(context.Background(), msg) }()
	buf := make([]byte, 64<<10)
	for {
		n, ok, err := r.TryRecv(buf)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		if !bytes.Equal(buf[:n], msg) {
			t.Fatalf("got %d bytes, want the %d sent", n, len(msg))
		}
		break
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestShortBuffer(t *testing.T) {
	rg := newRing(t, 4<<10)
	w, r := ends(t, rg)
	ctx := context.Background()
	if err := w.Send(ctx, []byte("hello, world")); err != nil {
		t.Fatal(err)
	}
	small := make([]byte, 5)
	if _, err := r.Recv(ctx, small); !errors.Is(err, io.ErrShortBuffer) {
		t.Fatalf("Recv into 5 bytes: %v; want io.ErrShortBuffer", err)
	}
	buf := make([]byte, 64)
	if n, err := r.Recv(ctx, buf); err != nil || string(buf[:n]) != "hello, world" {
		t.Fatalf("Recv after the short buffer = %q, %v; the message should have stayed", buf[:n], err)
	}
}

func TestZeroCopy(t *testing.T) {
	rg := newRing(t, 4<<10)
	w, r := ends(t, rg)
	ctx := context.Background()
	for i := range 50 { // many times round the ring
		b, err := w.Reserve(ctx, 1000)
		if err != nil {
			t.Fatalf("Reserve %d: %v", i, err)
		}
		if len(b) != 1000 || cap(b) != 1000 {
			t.Fatalf("Reserve returned len %d cap %d, want 1000", len(b), cap(b))
		}
		n := copy(b, message(i, []int{999}))
		if err := w.Commit(n); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		p, err := r.Peek(ctx)
		if err != nil {
			t.Fatalf("Peek %d: %v", i, err)
		}
		if !bytes.Equal(p, message(i, []int{999})) {
			t.Fatalf("Peek %d: got %d bytes, not the ones committed", i, len(p))
		}
		if p2, err := r.Peek(ctx); err != nil || len(p2) != len(p) {
			t.Fatalf("a second Peek = %d bytes, %v; want the same message", len(p2), err)
		}
		if err := r.Release(); err != nil {
			t.Fatalf("Release: %v", err)
		}
	}
	if err := r.Release(); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Release without Peek: %v; want fs.ErrInvalid", err)
	}
	if err := w.Commit(1); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Commit without Reserve: %v; want fs.ErrInvalid", err)
	}
	if _, err := w.Reserve(ctx, 2<<10); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Reserve of half the ring: %v; want fs.ErrInvalid", err)
	}
	// A message sent in pieces cannot be peeked; Recv reads it.
	long := message(1, []int{3 << 10})
	if err := w.Send(ctx, long); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Peek(ctx); !errors.Is(err, syscall.EMSGSIZE) {
		t.Errorf("Peek of a message in pieces: %v; want EMSGSIZE", err)
	}
	buf := make([]byte, 4<<10)
	if n, err := r.Recv(ctx, buf); err != nil || !bytes.Equal(buf[:n], long) {
		t.Errorf("Recv after Peek refused = %d, %v", n, err)
	}
}

func TestContext(t *testing.T) {
	rg := newRing(t, 1<<10)
	w, r := ends(t, rg)
	buf := make([]byte, 1<<10)

	expired, cancel := context.WithTimeout(context.Background(), -1)
	defer cancel()
	if _, err := r.Recv(expired, buf); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Recv with an expired context on an empty ring: %v", err)
	}

	// Cancel a Recv that sleeps.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := r.Recv(ctx, buf); done <- err }()
	proctest.Poll(t, "the reader to sleep", rg.ReaderAsleep)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Recv cancelled while asleep: %v", err)
	}

	// Fill the ring; a Send that must wait gives up with its context.
	fill(t, w, 100)
	if err := w.Send(expired, make([]byte, 100)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send with an expired context on a full ring: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go func() { done <- w.Send(ctx, make([]byte, 100)) }()
	proctest.Poll(t, "the writer to sleep", rg.WriterAsleep)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Send cancelled while asleep: %v", err)
	}
}

// A Send cut short by its context in the middle of a long message leaves nothing the
// reader takes for a message.
func TestSendCutShort(t *testing.T) {
	rg := newRing(t, 4<<10)
	w, r := ends(t, rg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Send(ctx, message(0, []int{4 << 10})) }()
	proctest.Poll(t, "the writer to sleep", rg.WriterAsleep)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Send: %v", err)
	}
	go func() { done <- w.Send(context.Background(), []byte("next")) }()
	buf := make([]byte, 4<<10)
	n, err := r.Recv(context.Background(), buf)
	if err != nil || string(buf[:n]) != "next" {
		t.Fatalf("Recv after a Send cut short = %q, %v; want the next message", buf[:n], err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestClaims(t *testing.T) {
	rg := newRing(t, 1<<10)
	w, err := rg.Writer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rg.Writer(); !errors.Is(err, syscall.EBUSY) {
		t.Errorf("a second Writer: %v; want EBUSY", err)
	}
	if err := rg.Close(); !errors.Is(err, syscall.EBUSY) {
		t.Errorf("Ring.Close with a Writer open: %v; want EBUSY", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("closing twice: %v; want fs.ErrClosed", err)
	}
	if err := w.Send(context.Background(), nil); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Send after Close: %v; want fs.ErrClosed", err)
	}
	w2, err := rg.Writer()
	if err != nil {
		t.Fatalf("Writer after Close: %v", err)
	}
	w2.Close()
}

func TestReaderClosed(t *testing.T) {
	rg := newRing(t, 1<<10)
	w, r := ends(t, rg)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// Messages wait for the next reader while there is room; then Send fails.
	for range 3 {
		if err := w.Send(context.Background(), make([]byte, 300)); err != nil {
			t.Fatalf("Send with room, after the reader closed: %v", err)
		}
	}
	if err := w.Send(context.Background(), make([]byte, 300)); !errors.Is(err, io.ErrClosedPipe) || !errors.Is(err, syscall.EPIPE) {
		t.Errorf("Send into a full ring after the reader closed: %v; want io.ErrClosedPipe and EPIPE", err)
	}
	if ok, err := w.TrySend(make([]byte, 300)); ok || !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("TrySend into a full ring after the reader closed = %v, %v; want false, io.ErrClosedPipe", ok, err)
	}
}

func TestZeroValues(t *testing.T) {
	ctx := context.Background()
	var zr *ring.Ring
	var w ring.Writer
	var r ring.Reader
	calls := map[string]func() error{
		"Ring.Writer":    func() error { _, err := zr.Writer(); return err },
		"Ring.Reader":    func() error { _, err := new(ring.Ring).Reader(); return err },
		"Ring.Remove":    func() error { return zr.Remove() },
		"Ring.Close":     func() error { return new(ring.Ring).Close() },
		"Writer.Send":    func() error { return w.Send(ctx, nil) },
		"Writer.TrySend": func() error { _, err := w.TrySend(nil); return err },
		"Writer.Reserve": func() error { _, err := w.Reserve(ctx, 1); return err },
		"Writer.Commit":  func() error { return w.Commit(0) },
		"Writer.Close":   func() error { return w.Close() },
		"Reader.Recv":    func() error { _, err := r.Recv(ctx, nil); return err },
		"Reader.TryRecv": func() error { _, _, err := r.TryRecv(nil); return err },
		"Reader.Peek":    func() error { _, err := r.Peek(ctx); return err },
		"Reader.Release": func() error { return r.Release() },
		"Reader.Close":   func() error { return r.Close() },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("%s on a zero value: %v; want fs.ErrInvalid", name, err)
		}
	}
	if zr.ID() != -1 || zr.Capacity() != 0 || zr.Segment() != nil {
		t.Errorf("nil Ring: ID %d, Capacity %d, Segment %v", zr.ID(), zr.Capacity(), zr.Segment())
	}
}

func TestCreateOpenErrors(t *testing.T) {
	for _, size := range []int{0, -1, 1000, 512, 3 << 10, 1<<30 + 1, 1 << 30 * 3 / 2} {
		if _, err := ring.Create(shm.Private, size, 0o600); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Create of %d bytes: %v; want fs.ErrInvalid", size, err)
		}
	}
	key := freeKey(t)
	rg, err := ring.Create(key, 1<<10, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rg.Remove(); rg.Close() })
	if _, err := ring.Create(key, 1<<10, 0o600); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create of a taken key: %v; want fs.ErrExist", err)
	}
	other, err := ring.Open(key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if other.Capacity() != 1<<10 || other.ID() != rg.ID() || other.Segment().ID() != rg.ID() {
		t.Errorf("Open found capacity %d id %d; want %d, %d", other.Capacity(), other.ID(), 1<<10, rg.ID())
	}
	other.Close()
	if _, err := ring.FromID(rg.ID()); err != nil {
		t.Errorf("FromID: %v", err)
	}
	if _, err := ring.Open(freeKey(t)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a free key: %v; want fs.ErrNotExist", err)
	}

	// Segments that hold no ring, or a ring this package cannot read.
	le := binary.LittleEndian
	cases := []struct {
		name  string
		size  int
		spoil func(b []byte)
	}{
		{"zeros", 4096, func(b []byte) { clear(b) }},
		{"too small", 100, func(b []byte) { copy(b, "SYSVRING") }},
		{"bad magic", 4096, func(b []byte) { b[3] = 'x' }},
		{"other version", 4096, func(b []byte) { le.PutUint32(b[8:], 2) }},
		{"other header size", 4096, func(b []byte) { le.PutUint32(b[12:], 256) }},
		{"capacity not a power of two", 4096, func(b []byte) { le.PutUint32(b[16:], 3000) }},
		{"capacity beyond the segment", 4096, func(b []byte) { le.PutUint32(b[16:], 8192) }},
		{"capacity huge", 4096, func(b []byte) { le.PutUint32(b[16:], 1<<31) }},
	}
	for _, c := range cases {
		seg, err := shm.Create(shm.Private, max(c.size, ring.HeaderSize+1<<10), 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { seg.Remove() })
		if c.size < ring.HeaderSize {
			seg.Remove()
			if seg, err = shm.Create(shm.Private, c.size, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { seg.Remove() })
		}
		b, err := seg.Attach()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) >= ring.HeaderSize+1<<10 {
			copy(b, rg.Mem()[:ring.HeaderSize]) // a good header, then spoilt
		}
		c.spoil(b)
		shm.Detach(b)
		if _, err := ring.FromID(seg.ID()); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("%s: FromID: %v; want fs.ErrInvalid", c.name, err)
		}
	}
}

// Corrupt shared words make errors wrapping fs.ErrInvalid, and stay errors.
func TestCorrupt(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		name  string
		spoil func(mem []byte)
		read  bool // receive the message before spoiling
	}{
		{"tail far ahead", func(m []byte) { le.PutUint32(m[ring.OffTail:], 1<<20) }, false},
		{"tail unaligned", func(m []byte) { le.PutUint32(m[ring.OffTail:], le.Uint32(m[ring.OffTail:])+3) }, false},
		{"length beyond the ring", func(m []byte) { le.PutUint32(m[ring.HeaderSize+8:], 1<<30) }, false},
		{"length beyond what was written", func(m []byte) {
			le.PutUint32(m[ring.HeaderSize+8:], 200)
			le.PutUint32(m[ring.HeaderSize+12:], 200)
		}, false},
		{"message length below frame", func(m []byte) { le.PutUint32(m[ring.HeaderSize+12:], 2) }, false},
		{"continuation without start", func(m []byte) { le.PutUint32(m[ring.HeaderSize+12:], 1<<31|16) }, false},
		{"wrap marker mid-ring", func(m []byte) { le.PutUint32(m[ring.HeaderSize+8:], 0xffffffff) }, false},
		{"empty piece", func(m []byte) {
			le.PutUint32(m[ring.HeaderSize+12:], 32) // the 16 bytes are the first piece of 32,
			le.PutUint32(m[ring.HeaderSize+32:], 0)  // then comes a piece of none
			le.PutUint32(m[ring.HeaderSize+36:], 1<<31|16)
			le.PutUint32(m[ring.OffTail:], le.Uint32(m[ring.OffTail:])+8)
		}, false},
		{"writer state unknown", func(m []byte) { le.PutUint32(m[ring.OffWriter+4:], 3) }, true},
		{"writer pid beyond int32", func(m []byte) { le.PutUint32(m[ring.OffWriter:], 1<<31) }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rg := newRing(t, 1<<10)
			w, r := ends(t, rg)
			if err := w.Send(context.Background(), make([]byte, 16)); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 1<<10)
			if c.read {
				if _, err := r.Recv(context.Background(), buf); err != nil {
					t.Fatal(err)
				}
			}
			c.spoil(rg.Mem())
			for range 2 {
				ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
				_, err := r.Recv(ctx, buf)
				cancel()
				if !errors.Is(err, fs.ErrInvalid) {
					t.Fatalf("Recv: %v; want fs.ErrInvalid", err)
				}
			}
		})
	}
	t.Run("closed twice after corruption", func(t *testing.T) {
		rg := newRing(t, 1<<10)
		_, r := ends(t, rg)
		le.PutUint32(rg.Mem()[ring.OffTail:], 3)
		if _, _, err := r.TryRecv(make([]byte, 8)); !errors.Is(err, fs.ErrInvalid) {
			t.Fatalf("TryRecv: %v", err)
		}
		if err := r.Close(); err != nil {
			t.Fatalf("Close of a corrupt ring's Reader: %v", err)
		}
		if err := r.Close(); !errors.Is(err, fs.ErrClosed) {
			t.Fatalf("second Close: %v; want fs.ErrClosed", err)
		}
	})
	// A reader that moves its head back and forth must not keep a writer waiting for
	// room looking at it for ever, its context ignored.
	t.Run("head moved back", func(t *testing.T) {
		rg := newRing(t, 1<<10)
		w, _ := ends(t, rg)
		fill(t, w, 100)
		head := rg.Mem()[ring.OffHead:]
		le.PutUint32(head, le.Uint32(head)+8) // forward: the reset frame is read
		expired, cancel := context.WithCancel(context.Background())
		cancel()
		if err := w.Send(expired, make([]byte, 100)); !errors.Is(err, context.Canceled) {
			t.Fatalf("Send with a cancelled context, 8 bytes freed: %v; want context.Canceled", err)
		}
		le.PutUint32(head, le.Uint32(head)-8)
		ctx, stop := context.WithTimeout(context.Background(), proctest.Deadline)
		defer stop()
		if err := w.Send(ctx, make([]byte, 100)); !errors.Is(err, fs.ErrInvalid) {
			t.Fatalf("Send after the head moved back: %v; want fs.ErrInvalid", err)
		}
	})
	t.Run("head far behind", func(t *testing.T) {
		rg := newRing(t, 1<<10)
		w, _ := ends(t, rg)
		le.PutUint32(rg.Mem()[ring.OffHead:], 1<<20)
		for i := 0; i < 10; i++ { // 1 KiB holds 9
			if ok, _ := w.TrySend(make([]byte, 100)); !ok {
				break
			}
		}
		if err := w.Send(context.Background(), make([]byte, 100)); !errors.Is(err, fs.ErrInvalid) {
			t.Fatalf("Send: %v; want fs.ErrInvalid", err)
		}
	})
}

func freeKey(t testing.TB) shm.Key {
	t.Helper()
	for range 100 {
		k := shm.Key(0x7e600000 | rand.Uint32N(0x100000))
		if _, err := shm.Get(k); errors.Is(err, fs.ErrNotExist) {
			return k
		}
	}
	t.Fatal("no free key found")
	return 0
}

// The writer clears the flag of a reader asleep on an empty ring when it sends: the
// wake-up is not left to the sleeper's periodic check.
func TestSendWakesSleeper(t *testing.T) {
	rg := newRing(t, 1<<10)
	w, r := ends(t, rg)
	for i := range 20 {
		done := make(chan error, 1)
		go func() { _, err := r.Recv(context.Background(), make([]byte, 8)); done <- err }()
		proctest.Poll(t, "the reader to sleep", rg.ReaderAsleep)
		if err := w.Send(context.Background(), []byte("wake")); err != nil {
			t.Fatal(err)
		}
		if rg.ReaderAsleep() {
			t.Fatalf("round %d: the reader's wait flag is still set after Send", i)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
