package sem

import (
	"context"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
)

// Mutex is a lock shared between processes: a binary semaphore, 1 when unlocked, taken
// and given back with SEM_UNDO, so that the kernel unlocks it when a process that holds
// it dies, even by SIGKILL. Guard a shared segment with it:
//
//	key, _ := shm.Ftok("/etc/myapp.conf", 'A')
//	seg, _ := shm.Open(key, 4096, 0o600)
//	mu, _ := sem.OpenMutex(key, 0o600) // the same key names the segment and its lock
//	b, _ := seg.Attach()
//
//	if err := mu.Lock(ctx); err != nil { ... }
//	counter := binary.LittleEndian.Uint64(b)
//	binary.LittleEndian.PutUint64(b, counter+1)
//	mu.Unlock()
//
// A Mutex value records that it holds the lock: Unlock must go through the Mutex value
// that locked it (any goroutine may call it; the lock is not tied to a goroutine or
// thread). Unlock through any other value, in this process or another, returns an
// error wrapping [ErrNotLocked] and changes nothing, and so does an Unlock too many:
// otherwise the unlocking process's undo record would later let two processes in. Do
// not copy a Mutex; share the pointer.
//
// A process that dies while holding the lock releases it, but leaves what it was doing
// half done: keep the guarded data valid at every step, or check it after Lock.
// [Set.SetValue] and [Set.SetValues] on the mutex's set clear the undo records, and so
// void every hold: use them only to repair a set no process uses.
type Mutex struct {
	set *Set
	i   int // the semaphore of set
	// held counts the Lock and TryLock calls through this value that no Unlock has
	// given back: 0 or 1, unless the set's value was raised by other means.
	held atomic.Int64
}

// OpenMutex opens the mutex of key: the one semaphore of the set of key, created at 1
// (unlocked) if the set does not exist (see [Open] for how creation is made safe
// against a process opening it at the same time). A set of key with more than one
// semaphore is an error wrapping fs.ErrInvalid: use [NewMutex] on a semaphore of it.
func OpenMutex(key shm.Key, perm os.FileMode) (*Mutex, error) {
	s, err := open("openmutex", key, 1, perm, []int{1}, true)
	if err != nil {
		return nil, err
	}
	return &Mutex{set: s}, nil
}

// NewMutex returns a mutex on semaphore i of set, for a set made by other means: a
// Private set whose id a parent passed to its child ([FromID]), or one of several
// semaphores of a set. The semaphore must be 1 (unlocked) or 0 (locked) and used only
// as a mutex. NewMutex changes nothing in the kernel.
func NewMutex(set *Set, i int) (*Mutex, error) {
	if err := set.usable("newmutex"); err != nil {
		return nil, err
	}
	if err := set.checkOpIndex(i); err != nil {
		return nil, idError("newmutex", set.id, err)
	}
	return &Mutex{set: set, i: i}, nil
}

// Set returns the semaphore set behind the mutex, whose semaphore [Mutex.Index] it is.
// A zero or nil Mutex has a nil Set, whose methods return errors.
func (m *Mutex) Set() *Set {
	if m == nil {
		return nil
	}
	return m.set
}

// Index returns the number of the mutex's semaphore in its set.
func (m *Mutex) Index() int {
	if m == nil {
		return 0
	}
	return m.i
}

// Lock takes the mutex, waiting while another process (or goroutine) holds it, until ctx
// is done: then it returns an error wrapping ctx.Err().
func (m *Mutex) Lock(ctx context.Context) error {
	s := m.Set()
	if err := s.usable("lock"); err != nil {
		return err
	}
	if err := s.verify("lock"); err != nil {
		return err
	}
	op := [1]sembuf{{uint16(m.i), -1, semUndo}}
	if err := semop(ctx, s, op[:]); err != nil {
		return idError("lock", s.id, explainOp(err))
	}
	m.held.Add(1)
	return nil
}

// TryLock takes the mutex if it is free and reports whether it did.
func (m *Mutex) TryLock() (bool, error) {
	s := m.Set()
	if err := s.usable("trylock"); err != nil {
		return false, err
	}
	ok, err := s.try("trylock", []sembuf{{uint16(m.i), -1, semUndo | ipcNowait}})
	if ok {
		m.held.Add(1)
	}
	return ok, err
}

// Unlock gives the mutex back. It fails with an error wrapping [ErrNotLocked], and
// changes nothing, unless this Mutex value holds the lock. In one atomic operation it
// also checks that the semaphore is 0 (held) as it sets it to 1.
func (m *Mutex) Unlock() error {
	s := m.Set()
	if err := s.usable("unlock"); err != nil {
		return err
	}
	// Claim the hold before the system call, so that two Unlocks of one Lock cannot both
	// pass; give it back if the call fails for another reason than the lock not being
	// held.
	for {
		h := m.held.Load()
		if h <= 0 {
			return idError("unlock", s.id, ErrNotLocked)
		}
		if m.held.CompareAndSwap(h, h-1) {
			break
		}
	}
	err := s.recheck()
	if err == nil {
		err = semtimedop(s.id, []sembuf{{uint16(m.i), 0, ipcNowait}, {uint16(m.i), 1, semUndo}}, nil)
	}
	switch err {
	case nil:
		return nil
	case syscall.EAGAIN:
		// The semaphore is not 0: a SETVAL or SETALL unlocked it while this value held
		// it, and cleared the undo records; the hold is gone, so it is not given back.
		return idError("unlock", s.id, ipcerr.Explain(syscall.EAGAIN, ErrNotLocked, "the mutex is not locked: its value was set while this Mutex held it"))
	}
	m.held.Add(1)
	return idError("unlock", s.id, err)
}

// Remove destroys the mutex's semaphore set; processes waiting in Lock get an error
// wrapping fs.ErrNotExist.
func (m *Mutex) Remove() error { return m.Set().Remove() }
