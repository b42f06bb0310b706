//go:build linux

package bench_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/sem"
)

// A link carries messages both ways between the benchmark and its child process. send
// returns once the message is in the link; recv fills p with the next message.
type link interface {
	send(p []byte) error
	recv(p []byte) error
}

// The kinds of link measured.
const (
	shmSem   = "shm+sem"  // a ring of slots in a segment, handed over with semaphores
	shmSpin  = "shm+spin" // the same ring, handed over by spinning on atomic counters
	pipe     = "pipe"     // os.Pipe, one each way
	unixSock = "unix"     // a Unix stream socket pair
	tcp      = "tcp"      // loopback TCP
)

// ring is one direction of a shared memory link: slots of size bytes after a header
// page holding the counters of messages written (head) and read (tail).
type ring struct {
	data  []byte
	hdr   *ringHeader
	slots int
	size  int
	spin  bool
	set   *sem.Set
	full  int // semaphore counting written slots; full+1 counts free ones
	n     uint64
}

type ringHeader struct {
	head atomic.Uint64
	_    [56]byte // keep head and tail on separate cache lines
	tail atomic.Uint64
}

const ringHeaderSize = 4096

func (r *ring) send(p []byte) error {
	if r.spin {
		for r.n-r.hdr.tail.Load() >= uint64(r.slots) {
		}
	} else if err := r.set.Acquire(context.Background(), r.full+1, 1, sem.NoUndo); err != nil {
		return err
	}
	slot := ringHeaderSize + int(r.n%uint64(r.slots))*r.size
	copy(r.data[slot:slot+r.size], p)
	r.n++
	if r.spin {
		r.hdr.head.Store(r.n)
		return nil
	}
	return r.set.Release(r.full, 1, sem.NoUndo)
}

func (r *ring) recv(p []byte) error {
	if r.spin {
		for r.hdr.head.Load() == r.n {
		}
	} else if err := r.set.Acquire(context.Background(), r.full, 1, sem.NoUndo); err != nil {
		return err
	}
	slot := ringHeaderSize + int(r.n%uint64(r.slots))*r.size
	copy(p, r.data[slot:slot+r.size])
	r.n++
	if r.spin {
		r.hdr.tail.Store(r.n)
		return nil
	}
	return r.set.Release(r.full+1, 1, sem.NoUndo)
}

// duplex is a link made of a ring each way.
type duplex struct{ tx, rx *ring }

func (d duplex) send(p []byte) error { return d.tx.send(p) }
func (d duplex) recv(p []byte) error { return d.rx.recv(p) }

// streams is a link over byte streams: one each way, or one socket both ways.
type streams struct {
	w io.Writer
	r io.Reader
}

func (s streams) send(p []byte) error { _, err := s.w.Write(p); return err }
func (s streams) recv(p []byte) error { _, err := io.ReadFull(s.r, p); return err }

// slotsFor makes a ring of 4 MiB, within 4 to 1024 slots (a semaphore counts them).
func slotsFor(size int) int { return max(4, min(1024, (4<<20)/size)) }

// newLink makes a link of kind for messages of size bytes and returns the parent's end
// and how to start the child's: environment and files (fd 3 on).
func newLink(b *testing.B, kind string, size int) (link, []string, []*os.File) {
	env := []string{"LINK_KIND=" + kind, "LINK_SIZE=" + strconv.Itoa(size)}
	switch kind {
	case shmSem, shmSpin:
		slots := slotsFor(size)
		set, err := sem.Create(shm.Private, 4, 0o600, 0, slots, 0, slots)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { set.Remove() })
		var rings [2]*ring
		for i := range rings {
			seg, err := shm.Create(shm.Private, ringHeaderSize+slots*size, 0o600)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { seg.Remove() })
			r, detach, err := attachRing(seg, kind, size, set, 2*i)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(detach)
			rings[i] = r
			env = append(env, fmt.Sprintf("LINK_SHM%d=%d", i, seg.ID()))
		}
		env = append(env, fmt.Sprintf("LINK_SEM=%d", set.ID()))
		return duplex{tx: rings[0], rx: rings[1]}, env, nil
	case pipe:
		toR, toW, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		fromR, fromW, err := os.Pipe()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { toW.Close(); fromR.Close() })
		return streams{w: toW, r: fromR}, env, []*os.File{toR, fromW}
	case unixSock:
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		ours, theirs := os.NewFile(uintptr(fds[0]), "unix"), os.NewFile(uintptr(fds[1]), "unix")
		b.Cleanup(func() { ours.Close() })
		return streams{w: ours, r: ours}, env, []*os.File{theirs}
	case tcp:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { ln.Close() })
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}()
		return &lazyConn{accepted: accepted, b: b}, append(env, "LINK_ADDR="+ln.Addr().String()), nil
	}
	b.Fatalf("unknown link %q", kind)
	return nil, nil, nil
}

// lazyConn is the parent's end of a TCP link, accepted when first used (the child
// connects after it starts).
type lazyConn struct {
	accepted chan net.Conn
	c        net.Conn
	b        *testing.B
}

func (l *lazyConn) conn() net.Conn {
	if l.c == nil {
		c, ok := <-l.accepted
		if !ok {
			l.b.Fatal("accept failed")
		}
		l.c = c
		l.b.Cleanup(func() { c.Close() })
	}
	return l.c
}

func (l *lazyConn) send(p []byte) error { _, err := l.conn().Write(p); return err }
func (l *lazyConn) recv(p []byte) error { _, err := io.ReadFull(l.conn(), p); return err }

// attachRing attaches seg as one direction of a link; detach undoes it.
func attachRing(seg *shm.Segment, kind string, size int, set *sem.Set, full int) (r *ring, detach func(), err error) {
	data, err := seg.Attach()
	if err != nil {
		return nil, nil, err
	}
	hdr, err := shm.View[ringHeader](data, 0)
	if err != nil {
		shm.Detach(data)
		return nil, nil, err
	}
	r = &ring{data: data, hdr: hdr, slots: (len(data) - ringHeaderSize) / size, size: size,
		spin: kind == shmSpin, set: set, full: full}
	return r, func() { shm.Detach(data) }, nil
}

// childLink opens the child's end of the link the environment describes.
func childLink() (link, int, error) {
	kind := os.Getenv("LINK_KIND")
	size, err := strconv.Atoi(os.Getenv("LINK_SIZE"))
	if err != nil {
		return nil, 0, err
	}
	switch kind {
	case shmSem, shmSpin:
		id := func(name string) int { n, _ := strconv.Atoi(os.Getenv(name)); return n }
		set, err := sem.FromID(id("LINK_SEM"))
		if err != nil {
			return nil, 0, err
		}
		var rings [2]*ring
		for i := range rings {
			seg, err := shm.FromID(id(fmt.Sprintf("LINK_SHM%d", i)))
			if err != nil {
				return nil, 0, err
			}
			if rings[i], _, err = attachRing(seg, kind, size, set, 2*i); err != nil {
				return nil, 0, err
			} // the child's attachments go with it when it exits
		}
		return duplex{tx: rings[1], rx: rings[0]}, size, nil
	case pipe:
		return streams{w: os.NewFile(4, "pipe"), r: os.NewFile(3, "pipe")}, size, nil
	case unixSock:
		f := os.NewFile(3, "unix")
		return streams{w: f, r: f}, size, nil
	case tcp:
		c, err := net.Dial("tcp", os.Getenv("LINK_ADDR"))
		if err != nil {
			return nil, 0, err
		}
		return streams{w: c, r: c}, size, nil
	}
	return nil, 0, fmt.Errorf("unknown link %q", kind)
}
