// Package ring is a channel of messages from one process to another over one System V
// shared memory segment: a single-producer, single-consumer queue of variable-length
// messages that moves them at memory speed, with no system call per message while both
// sides are busy, and sleeps in the kernel (futex(2) on Linux) when one side waits.
//
//	rg, err := ring.Create(key, 1<<20, 0o600) // 1 MiB of message space
//	if err != nil { ... }
//	defer rg.Remove()
//	w, err := rg.Writer()
//	if err != nil { ... }
//	err = w.Send(ctx, []byte("hello"))
//	err = w.Close() // the reader gets io.EOF once it has read everything
//
// and in the other process:
//
//	rg, err := ring.Open(key)
//	r, err := rg.Reader()
//	buf := make([]byte, 64<<10)
//	for {
//		n, err := r.Recv(ctx, buf)
//		if err == io.EOF { break }
//		if err != nil { ... }
//		use(buf[:n])
//	}
//
// One process (one [Writer]) sends and one (one [Reader]) receives; each end is held by
// at most one live process at a time. Several goroutines or processes that want to send
// must take turns holding one Writer, with a sync.Mutex or, across processes, a
// sem.Mutex around Send. A Writer and a Reader are not safe for concurrent use; a
// [Ring] is.
//
// # Copying and zero-copy
//
// [Writer.Send] copies a message in and [Reader.Recv] copies it out. A message may be
// as long as the ring's capacity; longer ones are an error wrapping fs.ErrInvalid.
// Send streams a message longer than 64 KiB (or a quarter of the capacity) in pieces,
// which the reader copies out while the writer writes the next: a message does not
// have to fit in the free space at once, and the pieces in flight can stay in the
// CPUs' caches.
// [Writer.Reserve] and [Writer.Commit] let a producer build a message in the ring
// itself, and [Reader.Peek] and [Reader.Release] let a consumer use it there, for
// messages of up to half the capacity. TrySend and TryRecv never wait: where Send or
// Recv would, they report false, with no error. TrySend sends only what fits in the
// ring at once: a message that even the empty ring cannot hold at once, as one near
// the capacity may not, is an error wrapping fs.ErrInvalid.
//
// # Waiting
//
// A side that must wait (the ring is full, or empty) first reads the counter it waits
// on for up to 50 µs, when another CPU can run the other side (never with GOMAXPROCS
// or the machine at one CPU), and for less, down to not at all, while such spins keep
// failing, as they do when other processes keep every CPU busy; then it sleeps in
// FUTEX_WAIT on the counter word, shared between processes, after setting a wait flag
// that names the counter value it sleeps on. The other side, after moving its counter, wakes it only
// if that flag names an older value, so each sleep costs at most one FUTEX_WAKE and no
// wake-up is lost. A sleeper uses no CPU but for a check of its peer every 20 ms, or
// every 50 ms once a whole sleep has passed with nothing happening.
// A writer that may spin and finds the ring full while the reader is emptying it waits,
// for about 16 µs at most, until the reader has freed 16 KiB (or a sixteenth of the
// capacity) before it writes again, so that the two do not pass the head's cache line
// back and forth after every message.
// Every blocking call returns when its context is done. On systems without futex
// (darwin), a sleeper polls the counter with pauses growing to 1 ms instead.
//
// # The other end's death
//
// Each end records the pid and start time of the process holding it. A Reader whose
// Writer closed gets io.EOF once it has read every message; a Reader whose writer died
// without closing, even by SIGKILL in the middle of a message, reads every message the
// writer finished, never part of one, and then gets an error wrapping
// io.ErrUnexpectedEOF (and syscall.EOWNERDEAD) within about 60 ms. A Writer that must
// wait for room while its reader has closed or died gets an error wrapping
// io.ErrClosedPipe (and EPIPE); until then, messages wait in the ring for the next
// reader. On Linux the check is a pidfd (pidfd_open(2)), which polls readable when the
// process exits, opened and then checked against the start time recorded, so that a
// pid the kernel has given to a new process is not taken for the old one; elsewhere it
// is kill(pid, 0). Both processes must see each other's pids: the same pid namespace.
// An end whose holder died can be claimed again by a new process; a new Writer drops
// whatever message the dead one left unfinished.
//
// # Trust
//
// The other process can write anything into the segment. Every counter, length and
// header read from it is checked before use: a ring whose shared bytes break the rules
// below gives errors wrapping fs.ErrInvalid (and EBADMSG), never a panic, a slice out
// of range, or a wait that the other side's death or the context does not end. The
// contents of messages are the sender's to choose, and a slice from Peek or Reserve is
// shared memory that the other process can change while it is used.
//
// # Layout
//
// A ring is a segment of 512 + capacity bytes. Every word is an unsigned 32-bit
// integer in little-endian byte order, on every machine, and nothing depends on the
// word size, so 32- and 64-bit processes of any byte order (one of them emulated) and
// C programs (examples/c/ring.h) share a ring. Offsets in bytes:
//
//	0    magic "SYSVRING" (8 bytes); the first 4 are written last, when the ring is ready
//	8    layout version: 1
//	12   header size: 512
//	16   capacity C: bytes of message space, a power of two from 1 KiB to 1 GiB
//	20   zero up to 128
//	128  tail: bytes ever written, modulo 2^32; written only by the writer,
//	     with release semantics after the frame it completes; alone in 128 bytes
//	256  head: bytes ever read, modulo 2^32; written only by the reader; alone too
//	384  reader's wait flag: 0, or 1<<31 | the low 31 bits of the tail it sleeps on
//	388  writer's wait flag: the same for the head it sleeps on
//	448  writer's owner record: pid, state, start time low and high words
//	464  reader's owner record, the same
//	480  zero up to 512
//	512  data: C bytes; the frame at counter value x starts at 512 + x mod C
//
// An owner record's state word holds 0 (never claimed), 1 (held by pid) or 2 (closed)
// in its low 2 bits and a count of changes above; the start time is field 22 of
// /proc/PID/stat (0 where unknown). A claim compares and swaps the pid word from 0, or
// from a holder known dead, to the claimant's pid, then writes the start time, then the
// state.
//
// tail - head, modulo 2^32, is the number of bytes in use: a multiple of 8 from 0 to
// C. Neither counter ever moves back. Each side keeps its own counter, and its last reading of the other's, in its own
// memory: it reads the other side's counter only when its copy says the ring is full
// or empty, so the two cache lines move between CPUs once per batch, not per message.
//
// Frames start at multiples of 8 and never cross the end of the data area. A frame is
// an 8-byte header, two words n and m, then n bytes of payload, padded to a multiple of
// 8 with bytes of no meaning. n is the payload length and m the number of bytes of the
// message from this frame on (n in its last frame), with 1<<31 set in every frame but a
// message's first; only a whole empty message has n = 0. n = 0xffffffff (wrap marker, m = 0) says the rest of the data area up to its
// end is unused and the next frame starts at offset 0; n = 0xfffffffe (reset, m = 0),
// which a new writer sends before anything else, says to drop a message its
// predecessor left unfinished. A message fits in one frame unless it is sent in pieces.
package ring

import (
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
)

// Ring is one ring buffer in a System V segment, attached to this process. It is safe
// for concurrent use. Close detaches it; the segment lasts until [Ring.Remove].
type Ring struct {
	seg      *shm.Segment
	mem      []byte // the attachment: header, then data
	data     []byte // the data area, capacity bytes
	capacity uint32

	tail, head         *atomic.Uint32
	tailWait, headWait *atomic.Uint32
	writer, reader     endWords

	mu     sync.Mutex
	ends   int // Writers and Readers of this Ring not yet closed
	closed bool
}

// Create makes a new segment of key (or, with [shm.Private], one with no key) holding
// an empty ring with size bytes of message space, a power of two from [MinCapacity] to
// [MaxCapacity] (an error wrapping fs.ErrInvalid otherwise). The segment takes 512
// bytes more than size. A key that is taken is an error wrapping fs.ErrExist. perm is
// the segment's permission bits; both processes need read and write permission.
func Create(key shm.Key, size int, perm os.FileMode) (*Ring, error) {
	if err := checkCapacity(size); err != nil {
		return nil, keyError("create", key, err)
	}
	seg, err := shm.Create(key, headerSize+size, perm)
	if err != nil {
		return nil, keyError("create", key, cause(err))
	}
	mem, err := seg.Attach()
	if err != nil {
		seg.Remove()
		return nil, keyError("create", key, cause(err))
	}
	initHeader(mem, uint32(size))
	return newRing(seg, mem, uint32(size)), nil
}

// Open attaches the existing ring of key: an error wrapping fs.ErrNotExist if no
// segment has the key, fs.ErrInvalid if the segment holds no ring of this layout (or
// is still being created), fs.ErrPermission without read and write permission.
func Open(key shm.Key) (*Ring, error) {
	seg, err := shm.Get(key)
	if err != nil {
		return nil, keyError("open", key, cause(err))
	}
	rg, err := attach(seg)
	if err != nil {
		return nil, keyError("open", key, err)
	}
	return rg, nil
}

// FromID attaches the ring in segment id, as a parent passes a [shm.Private] ring to
// its child; errors as for [Open].
func FromID(id int) (*Ring, error) {
	seg, err := shm.FromID(id)
	if err != nil {
		return nil, opError("fromid", id, cause(err))
	}
	rg, err := attach(seg)
	if err != nil {
		return nil, opError("fromid", id, err)
	}
	return rg, nil
}

func attach(seg *shm.Segment) (*Ring, error) {
	mem, err := seg.Attach()
	if err != nil {
		return nil, cause(err)
	}
	c, err := parseHeader(mem)
	if err != nil {
		shm.Detach(mem)
		return nil, err
	}
	return newRing(seg, mem, c), nil
}

func newRing(seg *shm.Segment, mem []byte, capacity uint32) *Ring {
	return &Ring{
		seg:      seg,
		mem:      mem,
		data:     mem[headerSize : headerSize+int(capacity) : headerSize+int(capacity)],
		capacity: capacity,
		tail:     wordAt(mem, offTail),
		head:     wordAt(mem, offHead),
		tailWait: wordAt(mem, offTailWait),
		headWait: wordAt(mem, offHeadWait),
		writer:   endAt(mem, offWriter),
		reader:   endAt(mem, offReader),
	}
}

// usable returns an error for a nil or zero Ring, or one already closed.
func (rg *Ring) usable(op string) error {
	if rg == nil || rg.seg == nil {
		return opError(op, -1, ipcerr.Invalid("zero Ring: get one from Create, Open or FromID"))
	}
	return nil
}

// ID returns the ring's segment's shmid, for [FromID]; -1 for a zero Ring.
func (rg *Ring) ID() int {
	if rg == nil || rg.seg == nil {
		return -1
	}
	return rg.seg.ID()
}

// Capacity returns the ring's message space in bytes, which is also the longest message
// [Writer.Send] takes; 0 for a zero Ring.
func (rg *Ring) Capacity() int {
	if rg == nil {
		return 0
	}
	return int(rg.capacity)
}

// Segment returns the segment the ring lives in; nil for a zero Ring.
func (rg *Ring) Segment() *shm.Segment {
	if rg == nil {
		return nil
	}
	return rg.seg
}

// Remove removes the ring's segment ([shm.Segment.Remove]): its key is free at once,
// and the memory goes when the last process detaches. Processes attached keep using
// the ring.
func (rg *Ring) Remove() error {
	if err := rg.usable("remove"); err != nil {
		return err
	}
	if err := rg.seg.Remove(); err != nil {
		return opError("remove", rg.seg.ID(), cause(err))
	}
	return nil
}

// Close detaches the ring from this process. It fails, with an error wrapping EBUSY,
// while a Writer or Reader of it is open here: close them first. It does not remove
// the segment.
func (rg *Ring) Close() error {
	if err := rg.usable("close"); err != nil {
		return err
	}
	rg.mu.Lock()
	defer rg.mu.Unlock()
	switch {
	case rg.closed:
		return opError("close", rg.ID(), errClosed("ring's"))
	case rg.ends > 0:
		return opError("close", rg.ID(), ipcerr.Explain(syscall.EBUSY, nil, "%d writers or readers of the ring are open; close them first", rg.ends))
	}
	rg.closed = true
	if err := shm.Detach(rg.mem); err != nil {
		return opError("close", rg.ID(), cause(err))
	}
	return nil
}

// open counts a new end of this Ring, unless it is closed.
func (rg *Ring) open(op string) error {
	rg.mu.Lock()
	defer rg.mu.Unlock()
	if rg.closed {
		return opError(op, rg.ID(), errClosed("ring's"))
	}
	rg.ends++
	return nil
}

func (rg *Ring) closeEnd() {
	rg.mu.Lock()
	rg.ends--
	rg.mu.Unlock()
}

// positions reads both counters and checks them against each other, for a new end.
func (rg *Ring) positions() (tail, head uint32, err error) {
	tail, head = le(rg.tail.Load()), le(rg.head.Load())
	if tail%8 != 0 || head%8 != 0 || tail-head > rg.capacity {
		return 0, 0, corrupt("tail %d and head %d are not 8-aligned within %d bytes of each other", tail, head, rg.capacity)
	}
	return tail, head, nil
}
