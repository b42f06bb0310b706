package ring_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"syscall"
	"testing"

	"github.com/go-sysv/shm/ring"
)

// FuzzRing plays a program of sends, receives, zero-copy calls and corruptions of the
// shared bytes against one ring, in one process. Whatever the other side writes into
// the segment, every call returns (the blocking ones with a context that is already
// done), none panics or reads out of range, and every error is one the package
// documents. While nothing was corrupted, the messages received are the ones sent,
// in order. One iteration costs a few microseconds: the segment is made once.
func FuzzRing(f *testing.F) {
	f.Add([]byte{0, 10, 1, 64, 0, 200, 0, 255, 1, 255, 1, 255})
	f.Add([]byte{3, 40, 20, 4, 1, 0, 5, 5, 100, 1, 255})
	f.Add([]byte{0, 255, 0, 255, 0, 255, 0, 255, 1, 255, 1, 255, 1, 255})
	// A corruption is 2, the offset's two bytes, and the value's top and bottom bytes.
	f.Add([]byte{0, 30, 2, 0, 128, 0, 77, 1, 255})  // the tail
	f.Add([]byte{0, 30, 2, 2, 8, 0, 200, 1, 255})   // the first message's length
	f.Add([]byte{0, 30, 2, 2, 12, 128, 16, 1, 255}) // its length from here, as a continuation
	f.Add([]byte{0, 30, 2, 1, 196, 0, 3, 1, 255})   // the writer's state
	f.Add([]byte{0, 30, 2, 1, 0, 0, 8, 0, 30, 255}) // the head
	rg := newRing(f, ring.MinCapacity)
	if err := rg.Remove(); err != nil { // now, so that a fuzz worker killed leaves nothing
		f.Fatal(err)
	}
	mem := rg.Mem()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	buf := make([]byte, rg.Capacity()+8)
	f.Fuzz(func(t *testing.T, prog []byte) {
		rg.Reset()
		w, err := rg.Writer()
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		r, err := rg.Reader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var queue [][]byte // sent and not yet received, while nothing is corrupt
		spoilt := false
		next := func() int {
			if len(prog) == 0 {
				return 0
			}
			b := int(prog[0])
			prog = prog[1:]
			return b
		}
		check := func(what string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			expected := errors.Is(err, io.ErrShortBuffer) ||
				errors.Is(err, context.Canceled) || errors.Is(err, syscall.EMSGSIZE)
			if !spoilt && !expected && !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%s on an intact ring: %v", what, err)
			}
			if spoilt && !expected && !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, io.EOF) &&
				!errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.ErrClosedPipe) && !errors.Is(err, syscall.EBUSY) {
				t.Fatalf("%s on a corrupt ring: undocumented error %v", what, err)
			}
		}
		got := func(what string, p []byte) {
			t.Helper()
			if spoilt {
				return
			}
			if len(queue) == 0 {
				t.Fatalf("%s returned %d bytes, but nothing was sent", what, len(p))
			}
			if !bytes.Equal(p, queue[0]) {
				t.Fatalf("%s returned %d bytes, want the %d of the next message sent", what, len(p), len(queue[0]))
			}
			queue = queue[1:]
		}
		for len(prog) > 0 {
			switch next() % 6 {
			case 0: // send: TrySend, or Send that may not wait
				n := next() * 5 % (rg.Capacity() + 1)
				msg := bytes.Repeat([]byte{byte(n)}, n)
				sent, err := true, error(nil)
				if n%2 == 0 {
					sent, err = w.TrySend(msg)
				} else {
					err = w.Send(canceled, msg)
				}
				check("send", err)
				if sent && err == nil {
					queue = append(queue, msg)
				}
			case 1: // receive into a buffer of some size
				size := next() * 5
				n, ok, err := r.TryRecv(buf[:size%len(buf)])
				check("tryrecv", err)
				if ok && err == nil {
					got("tryrecv", buf[:n])
				}
			case 2: // corrupt a word of the segment
				off := (next()<<8 | next()) % (len(mem) - 3)
				binary.LittleEndian.PutUint32(mem[off:], uint32(next())<<24|uint32(next()))
				spoilt = true
			case 3: // reserve and commit
				n, m := next()*3, next()*3
				b, err := w.Reserve(canceled, n)
				check("reserve", err)
				if err == nil {
					m = min(m, len(b))
					for i := range m {
						b[i] = byte(m)
					}
					err = w.Commit(m)
					check("commit", err)
					if err == nil {
						queue = append(queue, bytes.Repeat([]byte{byte(m)}, m))
					}
				}
			case 4: // peek and release
				p, err := r.Peek(canceled)
				check("peek", err)
				if err == nil {
					got("peek", p)
					check("release", r.Release())
				}
			case 5: // receive, without waiting
				n, err := r.Recv(canceled, buf)
				check("recv", err)
				if err == nil {
					got("recv", buf[:n])
				}
			}
		}
	})
}
