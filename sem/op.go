package sem

import (
	"context"
	"io/fs"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// sembuf is struct sembuf of sys/sem.h, one operation of semop(2), the same on every
// system.
type sembuf struct {
	num uint16
	op  int16
	flg int16
}

// OpOption changes one semaphore operation.
type OpOption int

const (
	// NoUndo leaves the operation out of the process's undo record: when the process
	// exits, the kernel does not reverse it. By default every Acquire, Release and Op is
	// recorded (SEM_UNDO), so that a process that dies, even by SIGKILL, gives back what
	// it took. Use NoUndo for a semaphore that counts events rather than guards a
	// resource, where one process releases what another acquired.
	NoUndo OpOption = 1 << iota
)

// Op is one operation of an atomic group given to [Set.Do] or [Set.TryDo]: Delta added
// to semaphore Index. A negative Delta waits until the value is at least -Delta and
// subtracts it; a positive Delta adds it (and wakes waiters); a zero Delta waits until
// the value is 0.
type Op struct {
	Index   int
	Delta   int
	Options OpOption // NoUndo, or 0
}

// Acquire subtracts n (> 0) from semaphore i, first waiting while its value is below n
// (semop(2) with sem_op = -n and SEM_UNDO unless [NoUndo] is given). It waits until it
// succeeds, ctx is done, or the set is removed (an error wrapping fs.ErrNotExist). A
// deadline in ctx becomes the kernel's timeout (semtimedop(2)); a cancellation wakes the
// wait at once. When ctx ends the error wraps ctx.Err().
func (s *Set) Acquire(ctx context.Context, i, n int, opts ...OpOption) error {
	if err := s.usable("acquire"); err != nil {
		return err
	}
	op, err := s.one(i, -n, n, opts)
	if err != nil {
		return idError("acquire", s.id, err)
	}
	if err := s.verify("acquire"); err != nil {
		return err
	}
	if err := semop(ctx, s, op[:]); err != nil {
		return idError("acquire", s.id, explainOp(err))
	}
	return nil
}

// TryAcquire is Acquire without waiting (IPC_NOWAIT): it reports whether it took n.
func (s *Set) TryAcquire(i, n int, opts ...OpOption) (bool, error) {
	if err := s.usable("tryacquire"); err != nil {
		return false, err
	}
	op, err := s.one(i, -n, n, opts)
	if err != nil {
		return false, idError("tryacquire", s.id, err)
	}
	setNowait(op[:], ipcNowait)
	return s.try("tryacquire", op[:])
}

// try performs ops, which have IPC_NOWAIT, and reports whether they happened.
func (s *Set) try(name string, ops []sembuf) (bool, error) {
	if err := s.verify(name); err != nil {
		return false, err
	}
	switch err := semtimedop(s.id, ops, nil); err {
	case nil:
		return true, nil
	case syscall.EAGAIN:
		return false, nil
	default:
		return false, idError(name, s.id, explainOp(err))
	}
}

// Release adds n (> 0) to semaphore i and wakes the processes it satisfies (semop(2)
// with sem_op = n and SEM_UNDO unless [NoUndo] is given). It never waits. A value above
// [MaxValue] is an error wrapping fs.ErrInvalid (ERANGE), and changes nothing.
func (s *Set) Release(i, n int, opts ...OpOption) error {
	if err := s.usable("release"); err != nil {
		return err
	}
	op, err := s.one(i, n, n, opts)
	if err != nil {
		return idError("release", s.id, err)
	}
	if err := s.verify("release"); err != nil {
		return err
	}
	if err := semtimedop(s.id, op[:], nil); err != nil {
		return idError("release", s.id, explainOp(err))
	}
	return nil
}

// Do applies ops as one atomic semop(2): either all of them happen or, while any of them
// would have to wait, none does. It waits like [Set.Acquire].
func (s *Set) Do(ctx context.Context, ops ...Op) error {
	if err := s.usable("do"); err != nil {
		return err
	}
	bufs, err := s.group(ops)
	if err != nil {
		return idError("do", s.id, err)
	}
	if err := s.verify("do"); err != nil {
		return err
	}
	if err := semop(ctx, s, bufs); err != nil {
		return idError("do", s.id, explainOp(err))
	}
	return nil
}

// TryDo is Do without waiting (IPC_NOWAIT): it applies ops if none of them has to wait,
// and reports whether it did.
func (s *Set) TryDo(ops ...Op) (bool, error) {
	if err := s.usable("trydo"); err != nil {
		return false, err
	}
	bufs, err := s.group(ops)
	if err != nil {
		return false, idError("trydo", s.id, err)
	}
	setNowait(bufs, ipcNowait)
	return s.try("trydo", bufs)
}

// group checks ops and builds the struct sembuf of each.
func (s *Set) group(ops []Op) ([]sembuf, error) {
	if len(ops) == 0 {
		return nil, invalid("no operations")
	}
	bufs := make([]sembuf, len(ops))
	for k, o := range ops {
		if err := s.checkOpIndex(o.Index); err != nil {
			return nil, err
		}
		if o.Delta < -MaxValue || o.Delta > MaxValue {
			return nil, invalid("delta %d is outside -%d..%d", o.Delta, MaxValue, MaxValue)
		}
		if o.Options&^NoUndo != 0 {
			return nil, invalid("unknown option %#x", int(o.Options))
		}
		bufs[k] = sembuf{uint16(o.Index), int16(o.Delta), opFlags(o.Options)}
	}
	return bufs, nil
}

// one builds the single operation of Acquire, TryAcquire and Release with the options
// opts.
func (s *Set) one(i, delta, n int, opts []OpOption) ([1]sembuf, error) {
	if err := s.checkOpIndex(i); err != nil {
		return [1]sembuf{}, err
	}
	if n <= 0 || n > MaxValue {
		return [1]sembuf{}, invalid("count %d is outside 1..%d", n, MaxValue)
	}
	var o OpOption
	for _, opt := range opts {
		if opt&^NoUndo != 0 {
			return [1]sembuf{}, invalid("unknown option %#x", int(opt))
		}
		o |= opt
	}
	return [1]sembuf{{uint16(i), int16(delta), opFlags(o)}}, nil
}

func opFlags(o OpOption) int16 {
	var f int16
	if o&NoUndo == 0 {
		f |= semUndo
	}
	return f
}

// checkIndex checks semaphore number i for semctl(2), which takes it as an int.
func (s *Set) checkIndex(i int) error {
	if s.zero() {
		return invalid("zero Set: get one from Create, Get, Open or FromID")
	}
	if i < 0 || i >= s.n {
		return invalid("semaphore %d is outside the set's 0..%d", i, s.n-1)
	}
	return nil
}

// checkOpIndex checks semaphore number i for semop(2), whose struct sembuf holds it in
// 16 bits: in a set of more semaphores, the ones beyond cannot be operated on.
func (s *Set) checkOpIndex(i int) error {
	if err := s.checkIndex(i); err != nil {
		return err
	}
	if i > maxIndex {
		return invalid("semaphore %d is beyond %d, the last one a semaphore operation can name (sem_num is 16 bits)", i, maxIndex)
	}
	return nil
}

// setNowait sets IPC_NOWAIT in every op if flag is ipcNowait, and clears it if flag is 0.
func setNowait(ops []sembuf, flag int16) {
	for i := range ops {
		ops[i].flg = ops[i].flg&^ipcNowait | flag
	}
}

// explainOp names the errnos of semop that say little on their own.
func explainOp(err error) error {
	errno, ok := err.(syscall.Errno)
	if !ok {
		return err
	}
	switch errno {
	case syscall.ERANGE:
		return ipcerr.Explain(errno, fs.ErrInvalid, "a value would go above %d (SEMVMX), or an undo record out of range", MaxValue)
	case syscall.E2BIG:
		return ipcerr.Explain(errno, fs.ErrInvalid, "more operations than SEMOPM allows in one call")
	case syscall.EFBIG:
		return ipcerr.Explain(errno, fs.ErrInvalid, "semaphore number out of range")
	}
	return err
}
