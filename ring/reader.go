package ring

import (
	"context"
	"encoding/binary"
	"io"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// Reader is the receiving end of a ring, held by one process. It is not safe for
// concurrent use. The zero Reader is useless: its methods return errors wrapping
// fs.ErrInvalid.
type Reader struct {
	rg       *Ring
	data     []byte
	capacity uint32
	mask     uint32

	head    uint32 // this side's counter; the segment's copy is only ever written
	tail    uint32 // the writer's counter, as last read
	inMsg   bool   // in the middle of a message sent in pieces
	skip    bool   // ... which is being dropped
	total   uint32 // its length
	got     uint32 // bytes of it received
	resync  bool   // pieces of a message whose start an earlier reader took may come first
	partial []byte // the buffer a message in pieces is being received into
	peeked  uint32 // bytes Release consumes, or 0
	peekLen uint32 // the peeked message's length
	touch   byte   // what the early read of the next cache line read
	err     error  // a corrupt ring: every later call fails with it
	closed  bool
	spin    spinner
	sleeper sleeper
	idle    bool // the last wait slept to its end: the writer is not busy, do not spin
	peer    peer
}

// Reader claims the reading end of the ring for this process. It fails with an error
// wrapping EBUSY if a live process holds it, this one included; a holder that died is
// replaced, and the new Reader starts where it stopped.
func (rg *Ring) Reader() (*Reader, error) {
	if err := rg.usable("reader"); err != nil {
		return nil, err
	}
	if err := rg.open("reader"); err != nil {
		return nil, err
	}
	if _, err := rg.reader.claim("reading"); err != nil {
		rg.closeEnd()
		return nil, opError("reader", rg.ID(), err)
	}
	tail, head, err := rg.positions()
	if err != nil {
		rg.reader.release()
		rg.closeEnd()
		return nil, opError("reader", rg.ID(), err)
	}
	return &Reader{
		rg: rg, data: rg.data, capacity: rg.capacity, mask: rg.capacity - 1,
		head: head, tail: tail, resync: true, spin: newSpinner(), peer: peer{words: rg.writer},
		sleeper: sleeper{counter: rg.tail, flag: rg.tailWait},
	}, nil
}

// Close releases the reading end. Messages not yet read stay in the ring for the next
// Reader; the writer's Send fails with io.ErrClosedPipe until one comes. Closing twice
// is an error wrapping fs.ErrClosed.
func (r *Reader) Close() error {
	if r == nil || r.rg == nil || r.closed {
		return r.usable("close") // a corrupt ring's Reader is still closed
	}
	r.closed = true
	r.rg.reader.release()
	wake(r.rg.head) // a writer asleep on a full ring looks again and finds it closed
	r.peer.w.close()
	r.sleeper.close()
	r.rg.closeEnd()
	return nil
}

func (r *Reader) usable(op string) error {
	switch {
	case r == nil || r.rg == nil:
		return opError(op, -1, errZero("Reader"))
	case r.closed:
		return opError(op, r.rg.ID(), errClosed("reading"))
	case r.err != nil:
		return opError(op, r.rg.ID(), r.err)
	}
	return nil
}

// Recv copies the next message into buf and returns its length, waiting for one as
// long as ctx allows. A message longer than buf is left in the ring, and the error
// wraps io.ErrShortBuffer and says its length. Once the writer has closed its end and
// every message is read, Recv returns io.EOF itself; if the writer died instead, an
// error wrapping io.ErrUnexpectedEOF. buf holds the message only when err is nil.
//
// If Recv returns early (ctx ended) with part of a message sent in pieces received,
// the next Recv or TryRecv continues it when given the same buf, and drops it when
// given another.
func (r *Reader) Recv(ctx context.Context, buf []byte) (int, error) {
	return r.recv(ctx, "recv", buf, true)
}

// TryRecv is Recv without waiting: it reports ok and the message's length, or, with no
// whole message in the ring now, false and no error: what would have waited is not an
// error, as with sem's TryAcquire and msg's TryRecv. io.EOF and the other errors are
// as for Recv. Of a message sent in pieces it takes what has come, and the next call
// continues it when given the same buf, as after Recv.
func (r *Reader) TryRecv(buf []byte) (n int, ok bool, err error) {
	n, err = r.recv(context.Background(), "tryrecv", buf, false) // never waits
	switch err {
	case nil:
		return n, true, nil
	case errWouldBlock:
		return 0, false, nil
	}
	return 0, false, err
}

func (r *Reader) recv(ctx context.Context, op string, buf []byte, block bool) (int, error) {
	if err := r.usable(op); err != nil {
		return 0, err
	}
	r.peeked = 0
	n, err := r.next(ctx, buf, block, false)
	if err != nil {
		if err == io.EOF || err == errWouldBlock {
			return 0, err
		}
		return 0, opError(op, r.rg.ID(), err)
	}
	return n, nil
}

// Peek returns the next message where it lies in the ring, waiting for one as long as
// ctx allows, without consuming it: [Reader.Release] does. The slice is shared memory
// that the writer could change if it broke the rules; it is valid until the next call
// on r. A message that the writer sent in pieces (longer than 64 KiB, or than a quarter
// of the capacity) cannot be peeked: Peek returns an error wrapping EMSGSIZE, and
// Recv reads it. io.EOF and errors are as for Recv.
func (r *Reader) Peek(ctx context.Context) ([]byte, error) {
	if err := r.usable("peek"); err != nil {
		return nil, err
	}
	r.peeked = 0
	_, err := r.next(ctx, nil, true, true)
	if err != nil {
		if err == io.EOF {
			return nil, err
		}
		return nil, opError("peek", r.rg.ID(), err)
	}
	off := (r.head & r.mask) + frameHeader
	return r.data[off : off+r.peekLen : off+r.peekLen], nil
}

// Release consumes the message that [Reader.Peek] returned; the slice must not be used
// after. Without one it is an error wrapping fs.ErrInvalid.
func (r *Reader) Release() error {
	if err := r.usable("release"); err != nil {
		return err
	}
	if r.peeked == 0 {
		return opError("release", r.rg.ID(), ipcerr.Invalid("no message was peeked"))
	}
	r.publish(r.head + r.peeked)
	r.peeked = 0
	return nil
}

// next receives the next message into buf, or with peek finds it and records its frame
// in r.peeked without consuming it.
func (r *Reader) next(ctx context.Context, buf []byte, block, peek bool) (n int, err error) {
	if r.inMsg && !r.skip && !sameBuffer(buf, r.partial) {
		r.skip = true // the start of the message went into another buffer: drop it
	}
	for {
		if r.head == r.tail {
			if err := r.loadTail(); err != nil {
				return 0, err
			}
			if r.head == r.tail {
				if err := r.wait(ctx, block); err != nil {
					return 0, err
				}
				continue
			}
		}
		off := r.head & r.mask
		toEnd, avail := r.capacity-off, r.tail-r.head
		if avail > 64 && toEnd > 64 {
			// Read the frame's second cache line now, so that its miss overlaps the
			// header's instead of following it (a 64-byte message and its header
			// take two lines).
			r.touch += r.data[off+64]
		}
		h := r.data[off : off+frameHeader]
		size, m := binary.LittleEndian.Uint32(h), binary.LittleEndian.Uint32(h[4:])
		switch size {
		case wrapMark:
			if toEnd > avail || m != 0 {
				return 0, r.fail(corrupt("wrap marker at %d with %d bytes to the end, %d written", r.head, toEnd, avail))
			}
			r.publish(r.head + toEnd)
			continue
		case resetMark:
			r.inMsg, r.skip, r.resync, r.partial = false, false, false, nil
			r.publish(r.head + frameHeader)
			continue
		}
		fs := uint64(frameHeader) + (uint64(size)+7)&^7
		cont, rest := m&contBit != 0, m&^contBit
		if size > r.capacity || fs > uint64(toEnd) || fs > uint64(avail) || rest < size || rest > r.capacity || size == 0 && rest != 0 {
			return 0, r.fail(corrupt("frame at %d of %d bytes (%d of the message from here) with %d to the end and %d written", r.head, size, rest, toEnd, avail))
		}
		switch {
		case !r.inMsg && cont:
			if !r.resync {
				return 0, r.fail(corrupt("frame at %d continues no message", r.head))
			}
			r.publish(r.head + uint32(fs)) // the rest of a message an earlier reader began
			continue
		case !r.inMsg:
			r.resync = false
			if peek {
				if rest != size {
					return 0, ipcerr.Explain(syscall.EMSGSIZE, nil, "the next message, of %d bytes, was sent in pieces: read it with Recv", rest)
				}
				r.peeked, r.peekLen = uint32(fs), size
				return int(size), nil
			}
			if uint64(rest) > uint64(len(buf)) {
				return 0, ipcerr.Explain(syscall.EMSGSIZE, io.ErrShortBuffer, "the next message has %d bytes, more than the buffer's %d", rest, len(buf))
			}
			r.inMsg, r.skip, r.total, r.got, r.partial = true, false, rest, 0, buf
		case !cont || rest != r.total-r.got:
			return 0, r.fail(corrupt("frame at %d: %d bytes of a %d-byte message left, after %d received", r.head, rest, r.total, r.got))
		}
		if !r.skip {
			if uint64(r.got)+uint64(size) > uint64(len(buf)) {
				return 0, r.fail(corrupt("frame at %d overruns its message", r.head))
			}
			copy(buf[r.got:r.got+size], r.data[off+frameHeader:off+frameHeader+size])
		}
		r.got += size
		r.publish(r.head + uint32(fs))
		if rest == size {
			r.inMsg, r.partial = false, nil
			if r.skip {
				r.skip = false
				continue
			}
			return int(r.total), nil
		}
	}
}

func (r *Reader) fail(err error) error {
	r.err = err
	return err
}

// publish moves the head to pos, which gives the frames before it back to the writer.
func (r *Reader) publish(pos uint32) {
	r.head = pos
	r.rg.head.Store(le(pos))
	notify(r.rg.head, r.rg.headWait, pos)
}

// loadTail reads the writer's counter, which must lie within the capacity ahead of the
// head, at a frame boundary. It is called only when the head has caught up with the
// last reading, so a tail that moved back is caught too.
func (r *Reader) loadTail() error {
	t := le(r.rg.tail.Load())
	if t%8 != 0 || t-r.head > r.capacity {
		return r.fail(corrupt("tail %d is not 8-aligned within %d bytes ahead of head %d", t, r.capacity, r.head))
	}
	r.tail = t
	return nil
}

// wait waits for the writer to send more, on an empty ring; it returns io.EOF if the
// writer has closed, and an error if it died.
func (r *Reader) wait(ctx context.Context, block bool) error {
	off := r.head & r.mask
	if block && !r.idle && ctx.Err() == nil && r.spin.spin(r.rg.tail, le(r.tail), r.data[off:min(off+128, r.capacity)]) {
		return nil
	}
	st, err := r.peer.state(true)
	if err != nil {
		return r.fail(err)
	}
	if st == peerClosed || st == peerDead {
		// The writer moved its tail before it closed, or before it died: look again.
		old := r.tail
		if err := r.loadTail(); err != nil || r.tail != old {
			return err
		}
		r.inMsg, r.skip, r.partial = false, false, nil // a message left unfinished is dropped
		if st == peerClosed {
			return io.EOF
		}
		return errWriterDied(r.peer.pid)
	}
	if !block {
		return errWouldBlock
	}
	moved, err := r.sleeper.await(ctx, le(r.tail), r.idle)
	r.idle = !moved
	return err
}

// sameBuffer reports whether a and b are the same slice of the same array.
func sameBuffer(a, b []byte) bool {
	return len(a) == len(b) && cap(a) == cap(b) && (cap(a) == 0 || &a[:1][0] == &b[:1][0])
}
