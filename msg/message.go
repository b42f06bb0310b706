package msg

import (
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"math/bits"
	"sync"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// RecvOption changes how [Queue.Recv] and [Queue.TryRecv] select and take a message.
type RecvOption int

const (
	// NoError truncates a message longer than the buffer to the buffer's length, and
	// the rest is lost (MSG_NOERROR). Without it such a message is an error that
	// says both lengths, wraps E2BIG, and leaves the message in the queue.
	NoError RecvOption = 1 << iota
	// Except turns a positive typ around: the first message whose type is not typ is
	// taken (MSG_EXCEPT; Linux only).
	Except
	// Copy copies a message without taking it off the queue (MSG_COPY; Linux 3.8 with
	// CONFIG_CHECKPOINT_RESTORE, errors.ErrUnsupported otherwise). typ is then the
	// message's position in the queue, 0 for the first, whatever its type. It never
	// waits, so it is for TryRecv only, and not with Except.
	Copy

	allRecvOptions = NoError | Except | Copy
)

// longSize is the size of a C long, the message type that comes before the body in the
// buffer msgsnd(2) and msgrcv(2) take: a Go int on every Linux port (ILP32 and LP64).
const longSize = bits.UintSize / 8

// poolBody is the most body bytes a pooled buffer holds. Linux's default MSGMAX is
// 8 KiB; larger messages, possible only where root raised kernel.msgmax, use a buffer
// made for the call.
const poolBody = 64 << 10

// buffers holds message buffers (a C long then poolBody bytes) between calls, so that
// sending and receiving allocate nothing once the pool is warm. It is a cache, not
// state: any buffer is as good as any other.
var buffers = sync.Pool{New: func() any { return &buffer{b: make([]byte, longSize+poolBody)} }}

type buffer struct{ b []byte }

// getBuffer returns a buffer for a body of n bytes.
func getBuffer(n int) *buffer {
	if n > poolBody {
		return &buffer{b: make([]byte, longSize+n)}
	}
	return buffers.Get().(*buffer)
}

func putBuffer(b *buffer) {
	if len(b.b) == longSize+poolBody {
		buffers.Put(b)
	}
}

func putType(b []byte, typ int64) {
	if longSize == 8 {
		binary.NativeEndian.PutUint64(b, uint64(typ))
	} else {
		binary.NativeEndian.PutUint32(b, uint32(typ))
	}
}

func getType(b []byte) int64 {
	if longSize == 8 {
		return int64(binary.NativeEndian.Uint64(b))
	}
	return int64(int32(binary.NativeEndian.Uint32(b)))
}

// Send puts a message of type typ (> 0) with a copy of body on the queue (msgsnd(2)).
// If the queue is full (its MaxBytes, or as many messages as that many bytes) it waits
// until there is room, ctx is done, or the queue is removed (an error wrapping
// fs.ErrNotExist). When ctx ends first the error wraps ctx.Err() and nothing was sent.
// A typ of 0 or less, or above what a C long holds, is an error wrapping fs.ErrInvalid,
// and so is a body longer than MSGMAX or than the queue can ever hold. An empty body is
// a message too.
func (q *Queue) Send(ctx context.Context, typ int64, body []byte) error {
	_, err := q.send(ctx, "send", typ, body, true)
	return err
}

// TrySend is Send without waiting (IPC_NOWAIT): it reports false, and sends nothing,
// when the queue is full.
func (q *Queue) TrySend(typ int64, body []byte) (bool, error) {
	return q.send(context.Background(), "trysend", typ, body, false)
}

func (q *Queue) send(ctx context.Context, op string, typ int64, body []byte, wait bool) (bool, error) {
	if err := q.usable(op); err != nil {
		return false, err
	}
	if err := checkSend(ctx, typ, body, wait); err != nil {
		return false, idError(op, q.id, err)
	}
	var info Info
	if err := q.current(&info); err != nil {
		return false, idError(op, q.id, err)
	}
	if info.MaxBytes >= 0 && int64(len(body)) > info.MaxBytes {
		return false, idError(op, q.id, ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid,
			"a message of %d bytes never fits in the queue, which holds %d (see SetMaxBytes)", len(body), info.MaxBytes))
	}
	b := getBuffer(len(body))
	defer putBuffer(b)
	putType(b.b, typ)
	copy(b.b[longSize:], body)
	c := call{q: q, send: true, id: q.id, b: b.b, size: len(body)}
	var err error
	if wait {
		_, err = c.wait(ctx)
	} else {
		_, err = c.try(ipcNowait)
		if err == syscall.EAGAIN {
			return false, nil
		}
	}
	if err != nil {
		return false, idError(op, q.id, explainSend(err, len(body)))
	}
	return true, nil
}

func checkSend(ctx context.Context, typ int64, body []byte, wait bool) error {
	if wait && ctx == nil {
		return invalid("nil Context")
	}
	if typ <= 0 || typ > math.MaxInt {
		return invalid("message type %d is outside 1..%d", typ, math.MaxInt)
	}
	if len(body) > math.MaxInt-longSize {
		return invalid("body of %d bytes is too long", len(body))
	}
	return nil
}

// explainSend explains the EINVAL of msgsnd for a queue that exists: the message is
// longer than MSGMAX.
func explainSend(err error, n int) error {
	if err != syscall.EINVAL {
		return err
	}
	if lim, lerr := Limits(); lerr == nil && n > lim.MaxMessage {
		return ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid, "a message of %d bytes is above the kernel's MSGMAX of %d bytes (sysctl kernel.msgmax)", n, lim.MaxMessage)
	}
	return err
}

// Recv takes a message off the queue into buf and returns the length of its body and
// its type (msgrcv(2)). typ selects the message as the kernel does: 0 takes the first
// message, a positive typ the first message of that type, a negative typ the first of
// the lowest type at most -typ. If none is there it waits until one comes, ctx is done,
// or the queue is removed (an error wrapping fs.ErrNotExist). When ctx ends first the
// error wraps ctx.Err() and nothing was taken.
//
// A message longer than buf is an error that says both lengths and wraps E2BIG, and
// the message stays in the queue; with [NoError] it is truncated instead. The kernel's
// E2BIG does not tell the length: it is found by copying the queue's messages with
// MSG_COPY, without taking any, and where the kernel lacks MSG_COPY it is given only
// when the message is the queue's only one.
func (q *Queue) Recv(ctx context.Context, typ int64, buf []byte, opts ...RecvOption) (n int, gotType int64, err error) {
	return q.recv(ctx, "recv", typ, buf, opts, true)
}

// TryRecv is Recv without waiting (IPC_NOWAIT). When no message is selected it returns
// 0, 0 and no error: a message's type is never 0. With [Copy] it copies the message at
// position typ without taking it.
func (q *Queue) TryRecv(typ int64, buf []byte, opts ...RecvOption) (n int, gotType int64, err error) {
	return q.recv(context.Background(), "tryrecv", typ, buf, opts, false)
}

func (q *Queue) recv(ctx context.Context, op string, typ int64, buf []byte, opts []RecvOption, wait bool) (int, int64, error) {
	if err := q.usable(op); err != nil {
		return 0, 0, err
	}
	o, err := checkRecv(ctx, typ, buf, opts, wait)
	if err != nil {
		return 0, 0, idError(op, q.id, err)
	}
	var info Info
	if err := q.current(&info); err != nil {
		return 0, 0, idError(op, q.id, err)
	}
	if o&Copy != 0 {
		n, t, err := q.copyAt(typ, buf, o)
		if err == syscall.ENOMSG {
			return 0, 0, nil // no message at that position
		}
		if err != nil {
			return 0, 0, idError(op, q.id, err)
		}
		return n, t, nil
	}
	// A buffer longer than a pooled one is first tried at the pooled length, which
	// holds any message of Linux's default MSGMAX, and at its own on E2BIG.
	size := len(buf)
	if size > poolBody && o&NoError == 0 {
		size = poolBody
	}
	for {
		b := getBuffer(size)
		c := call{q: q, id: q.id, b: b.b, size: size, typ: typ, flag: recvFlags(o)}
		var n int
		if wait {
			n, err = c.wait(ctx)
		} else {
			n, err = c.try(ipcNowait)
		}
		if err == nil {
			// The kernel returns at most size bytes; check it rather than trust it.
			n = min(max(n, 0), size)
			t := getType(b.b)
			copy(buf, b.b[longSize:longSize+n])
			putBuffer(b)
			return n, t, nil
		}
		putBuffer(b)
		if err == syscall.E2BIG && size < len(buf) {
			size = len(buf)
			continue
		}
		break
	}
	switch {
	case err == syscall.ENOMSG && !wait:
		return 0, 0, nil
	case err == syscall.E2BIG:
		err = q.tooBig(typ, o, len(buf))
	}
	return 0, 0, idError(op, q.id, err)
}

func checkRecv(ctx context.Context, typ int64, buf []byte, opts []RecvOption, wait bool) (RecvOption, error) {
	var o RecvOption
	for _, opt := range opts {
		if opt&^allRecvOptions != 0 {
			return 0, invalid("unknown receive option %#x", int(opt))
		}
		o |= opt
	}
	switch {
	case wait && ctx == nil:
		return 0, invalid("nil Context")
	case typ < math.MinInt || typ > math.MaxInt:
		return 0, invalid("message type %d is outside %d..%d", typ, math.MinInt, math.MaxInt)
	case len(buf) > math.MaxInt-longSize:
		return 0, invalid("buffer of %d bytes is too long", len(buf))
	case o&Copy != 0 && wait:
		return 0, invalid("Copy never waits: use TryRecv")
	case o&Copy != 0 && o&Except != 0:
		return 0, invalid("Copy takes a position, not a type: it cannot be used with Except")
	case o&Copy != 0 && typ < 0:
		return 0, invalid("position %d is negative", typ)
	}
	return o, nil
}

func recvFlags(o RecvOption) int {
	var flag int
	if o&NoError != 0 {
		flag |= msgNoerror
	}
	if o&Except != 0 {
		flag |= msgExcept
	}
	return flag
}

// call is one msgsnd or msgrcv, kept in a struct so that waiting for it needs no
// closure (and no allocation).
type call struct {
	q    *Queue // whose identity is checked again before each retry
	send bool
	id   int
	b    []byte // the C long type, then room for size bytes of body
	size int
	typ  int64
	flag int
}

func (c *call) try(flag int) (int, error) {
	if c.send {
		return 0, msgsnd(c.id, c.b, c.size, c.flag|flag)
	}
	return msgrcv(c.id, c.b, c.size, c.typ, c.flag|flag)
}

// recheck checks, before a retry, that the queue's id still names the handle's queue:
// it may have been removed and its id reused since the check before the first try.
func (c *call) recheck() error {
	var info Info
	return c.q.current(&info)
}

// wouldWait reports whether err is what the call answers with IPC_NOWAIT when it
// would have to wait: EAGAIN for a full queue, ENOMSG for no message.
func (c *call) wouldWait(err error) bool {
	if c.send {
		return err == syscall.EAGAIN
	}
	return err == syscall.ENOMSG
}

// copyAt copies the message at position pos into buf with MSG_COPY, into a buffer long
// enough for any message (MSGMAX), so that its whole length is known.
func (q *Queue) copyAt(pos int64, buf []byte, o RecvOption) (int, int64, error) {
	n, t, whole, err := q.peek(pos, buf)
	if err != nil {
		return 0, 0, err
	}
	if whole > len(buf) && o&NoError == 0 {
		return 0, 0, errTooBig(whole, len(buf))
	}
	return n, t, nil
}

// peek copies the message at position pos into buf as far as it fits, and returns the
// bytes copied, its type and its whole length. ENOMSG means there is no such message.
func (q *Queue) peek(pos int64, buf []byte) (n int, typ int64, whole int, err error) {
	lim, err := limits()
	if err != nil {
		return 0, 0, 0, err
	}
	size := max(len(buf), lim.MaxMessage)
	b := getBuffer(size)
	defer putBuffer(b)
	// The kernel reads size bytes of the buffer before it writes the copy: give it the
	// buffer as long as that.
	whole, err = msgrcv(q.id, b.b[:longSize+size], size, pos, msgCopy|ipcNowait)
	switch err {
	case nil:
	case syscall.ENOSYS:
		return 0, 0, 0, ipcerr.Explain(syscall.ENOSYS, errors.ErrUnsupported, "this kernel has no MSG_COPY (it needs CONFIG_CHECKPOINT_RESTORE)")
	default:
		return 0, 0, 0, err
	}
	whole = min(max(whole, 0), size)
	n = copy(buf, b.b[longSize:longSize+whole])
	return n, getType(b.b), whole, nil
}

// tooBig is the error for the E2BIG of a receive into a buffer of n bytes. It finds the
// message the kernel selected for typ, without taking any, to say its length.
func (q *Queue) tooBig(typ int64, o RecvOption, n int) error {
	best, bestType := -1, int64(0)
	for pos := int64(0); ; pos++ {
		_, t, whole, err := q.peek(pos, nil)
		if err != nil {
			break
		}
		var selected bool
		switch {
		case typ == 0:
			selected = best < 0
		case typ > 0 && o&Except != 0:
			selected = best < 0 && t != typ
		case typ > 0:
			selected = best < 0 && t == typ
		default: // the lowest type at most -typ, the first of its type
			selected = t <= -typ && (best < 0 || t < bestType)
		}
		if selected {
			best, bestType = whole, t
		}
		if best >= 0 && typ >= 0 {
			break
		}
	}
	if best > n {
		return errTooBig(best, n)
	}
	var info Info
	if statInto(&info, q.id) == nil && info.Messages == 1 && info.Bytes > int64(n) {
		return errTooBig(int(min(info.Bytes, math.MaxInt)), n)
	}
	return ipcerr.Explain(syscall.E2BIG, nil, "the message is longer than the buffer of %d bytes; it stays in the queue (NoError truncates it)", n)
}

func errTooBig(whole, n int) error {
	return ipcerr.Explain(syscall.E2BIG, nil, "the message of %d bytes is longer than the buffer of %d bytes; it stays in the queue (NoError truncates it)", whole, n)
}
