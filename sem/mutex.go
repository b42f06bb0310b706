package sem

import (
	"context"
	"errors"
	"os"
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
// A Mutex is not tied to a goroutine or thread: any goroutine of the process that locked
// it may unlock it. Unlocking a mutex that is not locked is an error (it would otherwise
// let two processes in). A process that dies while holding the lock releases it, but
// leaves what it was doing half done: keep the guarded data valid at every step, or
// check it after Lock.
type Mutex struct {
	set *Set
}

// OpenMutex opens the mutex of key: semaphore 0 of the set of key, created with one
// semaphore at 1 (unlocked) if it does not exist (see [Open] for how creation is made
// safe against a process opening it at the same time).
func OpenMutex(key shm.Key, perm os.FileMode) (*Mutex, error) {
	s, err := Open(key, 1, perm, 1)
	if err != nil {
		return nil, err
	}
	return &Mutex{s}, nil
}

// Set returns the semaphore set behind the mutex.
// A zero or nil Mutex has a nil Set, whose methods return errors.
func (m *Mutex) Set() *Set {
	if m == nil {
		return nil
	}
	return m.set
}

// Lock takes the mutex, waiting while another process (or goroutine) holds it, until ctx
// is done: then it returns an error wrapping ctx.Err().
func (m *Mutex) Lock(ctx context.Context) error {
	if err := m.Set().usable("lock"); err != nil {
		return err
	}
	if err := m.set.verify("lock"); err != nil {
		return err
	}
	op := [1]sembuf{{0, -1, semUndo}}
	if err := semop(ctx, m.set, op[:]); err != nil {
		return idError("lock", m.set.id, explainOp(err))
	}
	return nil
}

// TryLock takes the mutex if it is free and reports whether it did.
func (m *Mutex) TryLock() (bool, error) {
	return m.Set().TryAcquire(0, 1)
}

// Unlock gives the mutex back. In one atomic operation it checks that the mutex is held
// (value 0) and sets it to 1, so an Unlock too many is an error and never lets two
// holders in.
func (m *Mutex) Unlock() error {
	if err := m.Set().usable("unlock"); err != nil {
		return err
	}
	err := m.set.recheck()
	if err == nil {
		err = semtimedop(m.set.id, []sembuf{{0, 0, ipcNowait}, {0, 1, semUndo}}, nil)
	}
	if errors.Is(err, syscall.EAGAIN) {
		err = ipcerr.Explain(syscall.EAGAIN, nil, "the mutex is not locked")
	}
	if err != nil {
		return idError("unlock", m.set.id, err)
	}
	return nil
}

// Remove destroys the mutex's semaphore set; processes waiting in Lock get an error
// wrapping fs.ErrNotExist.
func (m *Mutex) Remove() error { return m.Set().Remove() }
