package sem

import (
	"errors"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
)

// ErrNotLocked is the cause of the error of [Mutex.Unlock] when the Mutex value does not
// hold the lock: it was never locked through it, or is unlocked already, or was locked
// through another Mutex value or by another process. Such an Unlock changes nothing.
var ErrNotLocked = errors.New("the mutex is not locked by this Mutex")

// Errors of this package are *shm.Error values with Pkg "sem", as those of every
// package of the module: see the package documentation.

func keyError(op string, key shm.Key, err error) error {
	return &shm.Error{Pkg: "sem", Op: op, Key: key, ID: -1, Err: err}
}

// idError wraps err from an operation on set id; an EINVAL is taken to mean that the id
// names nothing only once an IPC_STAT of it agrees.
func idError(op string, id int, err error) error {
	return &shm.Error{Pkg: "sem", Op: op, ID: id, Err: ipcerr.Gone(err, "semaphore set", func() bool { _, err := stat(id); return err == nil || err == syscall.EACCES })}
}

// noneError is the error of a call that had no set to act on.
func noneError(op string, err error) error {
	return &shm.Error{Pkg: "sem", Op: op, ID: -1, Err: err}
}

func invalid(format string, args ...any) error { return ipcerr.Invalid(format, args...) }
