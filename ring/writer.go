package ring

import (
	"context"
	"encoding/binary"
	"io/fs"
	"syscall"
	"time"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// fragment is the most payload Send puts in one frame of a long message: pieces this
// size stay in the CPU's cache between the writer's copy and the reader's.
const fragment = 64 << 10

// Writer is the sending end of a ring, held by one process. It is not safe for
// concurrent use. The zero Writer is useless: its methods return errors wrapping
// fs.ErrInvalid.
type Writer struct {
	rg       *Ring
	data     []byte
	capacity uint32
	mask     uint32
	frag     uint32 // the longest piece of a message Send writes in one frame
	chunk    uint32 // the room gather waits for: min(16 KiB, capacity/16)

	tail    uint32 // this side's counter; the segment's copy is only ever written
	head    uint32 // the reader's counter, as last read
	reset   bool   // a reset frame must go before the next message
	reserve int    // payload bytes reserved by Reserve, or -1
	err     error  // a corrupt ring: every later call fails with it
	closed  bool
	spin    spinner
	sleeper sleeper
	idle    bool // the last wait slept to its end: the reader is not busy, do not spin
	peer    peer
}

// Writer claims the writing end of the ring for this process. It fails with an error
// wrapping EBUSY if a live process holds it, this one included; a holder that died is
// replaced, and a message it left unfinished is dropped.
func (rg *Ring) Writer() (*Writer, error) {
	if err := rg.usable("writer"); err != nil {
		return nil, err
	}
	if err := rg.open("writer"); err != nil {
		return nil, err
	}
	if _, err := rg.writer.claim("writing"); err != nil {
		rg.closeEnd()
		return nil, opError("writer", rg.ID(), err)
	}
	tail, head, err := rg.positions()
	if err != nil {
		rg.writer.release()
		rg.closeEnd()
		return nil, opError("writer", rg.ID(), err)
	}
	return &Writer{
		rg: rg, data: rg.data, capacity: rg.capacity, mask: rg.capacity - 1,
		frag: min(fragment, rg.capacity/4), chunk: min(16<<10, rg.capacity/16), tail: tail, head: head, reset: true, reserve: -1,
		spin: newSpinner(), peer: peer{words: rg.reader},
		sleeper: sleeper{counter: rg.head, flag: rg.headWait},
	}, nil
}

// Close releases the writing end. The reader reads what was sent, then io.EOF. A
// message being built with Reserve is dropped. Closing twice is an error wrapping
// fs.ErrClosed.
func (w *Writer) Close() error {
	if w == nil || w.rg == nil || w.closed {
		return w.usable("close") // a corrupt ring's Writer is still closed
	}
	w.closed = true
	w.rg.writer.release()
	wake(w.rg.tail) // a reader asleep on an empty ring looks again and finds it closed
	w.peer.w.close()
	w.sleeper.close()
	w.rg.closeEnd()
	return nil
}

func (w *Writer) usable(op string) error {
	switch {
	case w == nil || w.rg == nil:
		return opError(op, -1, errZero("Writer"))
	case w.closed:
		return opError(op, w.rg.ID(), errClosed("writing"))
	case w.err != nil:
		return opError(op, w.rg.ID(), w.err)
	}
	return nil
}

// Send copies msg into the ring as one message, waiting for room as long as ctx
// allows. msg may be as long as the ring's capacity (fs.ErrInvalid beyond); a long
// message is streamed in pieces as the reader frees room. If ctx ends with part of a
// message sent, the reader drops that part. Messages wait in the ring for a reader to
// come, but a Send that must wait for room while the reader has closed its end, or
// died, fails with an error wrapping io.ErrClosedPipe.
func (w *Writer) Send(ctx context.Context, msg []byte) error {
	return w.send(ctx, "send", msg, true)
}

// TrySend is Send without waiting: it sends all of msg and reports true, or, if the
// ring has no room for it now, sends nothing and reports false with no error, as
// sem's TryAcquire and msg's TrySend report what would have waited. Errors are as for
// Send: a ring without room whose reader has closed or died gives one wrapping
// io.ErrClosedPipe. A message that even the empty ring could not hold at once (a
// message is sent from where the last one ended, and one that must wrap around the
// end of the ring takes a header more) is an error wrapping fs.ErrInvalid and
// syscall.EMSGSIZE: Send sends it in pieces.
func (w *Writer) TrySend(msg []byte) (bool, error) {
	switch err := w.send(context.Background(), "trysend", msg, false); err { // never waits
	case nil:
		return true, nil
	case errWouldBlock:
		return false, nil
	default:
		return false, err
	}
}

func (w *Writer) send(ctx context.Context, op string, msg []byte, block bool) error {
	if err := w.usable(op); err != nil {
		return err
	}
	if uint64(len(msg)) > uint64(w.capacity) {
		return opError(op, w.rg.ID(), ipcerr.Invalid("a message of %d bytes is longer than the ring's capacity of %d", len(msg), w.capacity))
	}
	w.reserve = -1
	rest := uint32(len(msg))
	if !block && !w.fits(rest) {
		if err := w.loadHead(); err != nil {
			return opError(op, w.rg.ID(), err)
		}
		if !w.fits(rest) {
			if err := w.readerGone(); err != nil {
				return opError(op, w.rg.ID(), err)
			}
			if !w.fitsIn(rest, w.capacity) {
				// Not even the empty ring holds it at once, from where the tail is: a
				// TrySend that reported false would report it for ever.
				return opError(op, w.rg.ID(), ipcerr.Explain(syscall.EMSGSIZE, fs.ErrInvalid,
					"a message of %d bytes does not fit at once in this ring of %d; Send sends it in pieces as the reader frees room", len(msg), w.capacity))
			}
			return errWouldBlock
		}
	}
	first := true
	for {
		if w.reset && !w.putReset() {
			if err := w.wait(ctx, block); err != nil {
				return opError(op, w.rg.ID(), err)
			}
			continue
		}
		kind, n := w.step(w.tail, w.capacity-(w.tail-w.head), rest, true)
		switch kind {
		case stepFrame:
			off := w.tail & w.mask
			cont := uint32(contBit)
			if first {
				cont = 0
			}
			w.putHeader(off, n, rest|cont)
			copy(w.data[off+frameHeader:off+frameHeader+n], msg[:n])
			msg, rest, first = msg[n:], rest-n, false
			w.publish(w.tail + frameSize(n))
			if rest == 0 {
				return nil
			}
		case stepWrap:
			w.putWrap()
		case stepWait:
			if err := w.wait(ctx, block); err != nil {
				if !first {
					w.reset = true // the reader drops the pieces sent
				}
				return opError(op, w.rg.ID(), err)
			}
		}
	}
}

type stepKind int

const (
	stepFrame stepKind = iota // write a frame of n payload bytes at pos
	stepWrap                  // write a wrap marker at pos
	stepWait                  // wait for room
)

// step decides what to write at position pos, with free bytes of room, for the rest
// bytes of a message still to send; split lets a message go in several frames. A
// message of up to the capacity (split) or half of it always fits in the empty ring.
func (w *Writer) step(pos, free, rest uint32, split bool) (stepKind, uint32) {
	toEnd := w.capacity - pos&w.mask
	want := rest
	if split {
		want = min(rest, w.frag)
	}
	need := frameSize(want)
	switch {
	case need <= toEnd && need <= free:
		return stepFrame, want
	case need > toEnd && toEnd <= free:
		if split && toEnd > frameHeader {
			return stepFrame, toEnd - frameHeader // fill the area up to its end
		}
		return stepWrap, 0
	}
	return stepWait, 0
}

// fits reports whether a message of n bytes fits in the room the writer knows of now.
func (w *Writer) fits(n uint32) bool { return w.fitsIn(n, w.capacity-(w.tail-w.head)) }

// fitsIn reports whether a message of n bytes, sent from the tail, fits in free bytes.
func (w *Writer) fitsIn(n, free uint32) bool {
	pos := w.tail
	if w.reset {
		if free < frameHeader {
			return false
		}
		pos, free = pos+frameHeader, free-frameHeader
	}
	for {
		kind, k := w.step(pos, free, n, true)
		switch kind {
		case stepWait:
			return false
		case stepWrap:
			k = w.capacity - pos&w.mask
		case stepFrame:
			n -= k
			k = frameSize(k)
		}
		pos, free = pos+k, free-k
		if kind == stepFrame && n == 0 {
			return true
		}
	}
}

func (w *Writer) putHeader(off, n, m uint32) {
	h := w.data[off : off+frameHeader]
	binary.LittleEndian.PutUint32(h, n)
	binary.LittleEndian.PutUint32(h[4:], m)
}

func (w *Writer) putWrap() {
	off := w.tail & w.mask
	w.putHeader(off, wrapMark, 0)
	w.publish(w.tail + (w.capacity - off))
}

// putReset writes the reset frame, if there is room.
func (w *Writer) putReset() bool {
	if w.capacity-(w.tail-w.head) < frameHeader {
		return false
	}
	w.putHeader(w.tail&w.mask, resetMark, 0)
	w.publish(w.tail + frameHeader)
	w.reset = false
	return true
}

// publish moves the tail to pos, which makes the frames before it the reader's.
func (w *Writer) publish(pos uint32) {
	w.tail = pos
	w.rg.tail.Store(le(pos))
	notify(w.rg.tail, w.rg.tailWait, pos)
}

// loadHead reads the reader's counter, which must lie at a frame boundary between its
// last reading and the tail: the head never moves back. (A reader that moved it back
// and forth could otherwise keep a waiting writer looking for ever.)
func (w *Writer) loadHead() error {
	h := le(w.rg.head.Load())
	if h%8 != 0 || w.tail-h > w.capacity || h-w.head > w.tail-w.head {
		w.err = corrupt("head %d is not 8-aligned between the last head %d and the tail %d", h, w.head, w.tail)
		return w.err
	}
	w.head = h
	return nil
}

// readerGone returns an error if the reader has closed or died.
func (w *Writer) readerGone() error {
	st, err := w.peer.state(true)
	if err != nil {
		w.err = err
		return err
	}
	switch st {
	case peerClosed:
		return errReaderGone(0, false)
	case peerDead:
		return errReaderGone(w.peer.pid, true)
	}
	return nil
}

// wait waits for the reader to free some room: it returns at once if the reader has
// moved since the writer last looked, and otherwise spins, then sleeps. Once a spin
// sees the reader move, or the writer finds it moving, it lets the reader free a
// chunk before it writes again ([Writer.gather]).
func (w *Writer) wait(ctx context.Context, block bool) error {
	old := w.head
	if err := w.loadHead(); err != nil {
		return err
	}
	if w.head == old && block && !w.idle && ctx.Err() == nil && w.spin.spin(w.rg.head, le(old), nil) {
		if err := w.loadHead(); err != nil {
			return err
		}
	}
	if w.head != old {
		// The reader moved: the caller looks at the room again. When spinning pays, let
		// the reader free a chunk first; not once ctx is done, so that a Send with an
		// expired context goes on only while the reader keeps freeing room.
		if block && w.spin.on && !w.idle && w.spin.budget > 0 && w.head-old < w.chunk && ctx.Err() == nil {
			return w.gather(old)
		}
		return nil
	}
	if err := w.readerGone(); err != nil {
		return err
	}
	if !block {
		return errWouldBlock
	}
	moved, err := w.sleeper.await(ctx, le(old), w.idle)
	w.idle = !moved
	return err
}

// gather waits, for gatherTime at most, until the reader has freed chunk bytes since
// the head was at old, reading the head a fraction of a microsecond apart. On a full
// ring that the reader empties as fast as it can, the writer would otherwise take each
// message's room as soon as it was freed, and read the head's cache line after every
// message: each of the reader's stores to its head would then first have to take that
// line back from the writer's CPU. Reading it once per chunk took a stream of 64-byte
// messages between two goroutines from 40-70 ns a message to 23-25.
func (w *Writer) gather(old uint32) error {
	start := time.Now()
	for {
		w.spin.pause()
		if err := w.loadHead(); err != nil {
			return err
		}
		if w.head-old >= w.chunk || time.Since(start) > gatherTime {
			return nil
		}
	}
}

// gatherTime bounds gather: a reader that frees room this slowly is not emptying a
// full ring as fast as it can.
const gatherTime = 16 * time.Microsecond

// Reserve returns n bytes of the ring for the next message, waiting for room as long
// as ctx allows, so that it can be built in place; [Writer.Commit] sends it. n may be
// up to half the capacity, less 8 (fs.ErrInvalid beyond). The slice is shared memory:
// it is valid until the next call on w, and the reader sees nothing of it before
// Commit. A Send or another Reserve drops the reservation.
func (w *Writer) Reserve(ctx context.Context, n int) ([]byte, error) {
	if err := w.usable("reserve"); err != nil {
		return nil, err
	}
	if n < 0 || n > int(w.capacity/2-frameHeader) {
		return nil, opError("reserve", w.rg.ID(), ipcerr.Invalid("cannot reserve %d bytes in a ring of %d: at most half of it less 8", n, w.capacity))
	}
	w.reserve = -1
	for {
		if w.reset && !w.putReset() {
			if err := w.wait(ctx, true); err != nil {
				return nil, opError("reserve", w.rg.ID(), err)
			}
			continue
		}
		kind, _ := w.step(w.tail, w.capacity-(w.tail-w.head), uint32(n), false)
		switch kind {
		case stepFrame:
			off := (w.tail & w.mask) + frameHeader
			w.reserve = n
			return w.data[off : off+uint32(n) : off+uint32(n)], nil
		case stepWrap:
			w.putWrap()
		case stepWait:
			if err := w.wait(ctx, true); err != nil {
				return nil, opError("reserve", w.rg.ID(), err)
			}
		}
	}
}

// Commit sends the first n bytes of the space that [Writer.Reserve] returned as one
// message. Without a reservation, or with n beyond it, it is an error wrapping
// fs.ErrInvalid.
func (w *Writer) Commit(n int) error {
	if err := w.usable("commit"); err != nil {
		return err
	}
	if w.reserve < 0 || n < 0 || n > w.reserve {
		return opError("commit", w.rg.ID(), ipcerr.Invalid("commit of %d bytes with %d reserved (-1: none)", n, w.reserve))
	}
	w.reserve = -1
	off := w.tail & w.mask
	w.putHeader(off, uint32(n), uint32(n))
	w.publish(w.tail + frameSize(uint32(n)))
	return nil
}
