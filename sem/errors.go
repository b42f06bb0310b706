package sem

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
)

// Error records a failed operation on a semaphore set: what was done, to which key or
// id, and why. It unwraps to the cause, usually a syscall.Errno, so errors.Is works with
// the errno (unix.EEXIST) and with the io/fs sentinels: fs.ErrExist for a taken key,
// fs.ErrNotExist for a missing key or a removed id (EIDRM, also when a set is removed
// while a process waits on it, or when the id now names another set: see [Set]), fs.ErrPermission for EACCES and EPERM, fs.ErrInvalid
// for bad arguments. A wait that ends with its context ends with ctx.Err()
// (context.Canceled or context.DeadlineExceeded) as the cause.
type Error struct {
	// Op is the operation: "create", "get", "open" (semget(2)); "acquire",
	// "release", "do", "lock", "unlock" (semop(2) and semtimedop(2)); "remove",
	// "stat", "value", "setvalue", "values", "setvalues", "waiting", "lastpid"
	// (semctl(2)).
	Op string
	// Key is the key the operation was asked for, when it was asked by key.
	Key shm.Key
	// ID is the set's semid, or -1 when the operation had none.
	ID int
	// Err is the cause.
	Err error
}

// Error formats the error as "sem: OP id N: CAUSE" or "sem: OP key K: CAUSE".
func (e *Error) Error() string {
	if e.ID < 0 && e.Key == 0 && e.Op != "create" && e.Op != "open" && e.Op != "get" {
		return fmt.Sprintf("sem: %s: %v", e.Op, e.Err) // a zero Set
	}
	if e.ID >= 0 {
		return fmt.Sprintf("sem: %s id %d: %v", e.Op, e.ID, e.Err)
	}
	return fmt.Sprintf("sem: %s key %v: %v", e.Op, e.Key, e.Err)
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// ErrNotLocked is the cause of the error of [Mutex.Unlock] when the Mutex value does not
// hold the lock: it was never locked through it, or is unlocked already, or was locked
// through another Mutex value or by another process. Such an Unlock changes nothing.
var ErrNotLocked = errors.New("the mutex is not locked by this Mutex")

func keyError(op string, key shm.Key, err error) error {
	return &Error{Op: op, Key: key, ID: -1, Err: err}
}

func idError(op string, id int, err error) error {
	return &Error{Op: op, ID: id, Err: ipcerr.Gone(err, "semaphore set", func() bool { _, err := stat(id); return err == nil || err == syscall.EACCES })}
}

func invalid(format string, args ...any) error { return ipcerr.Invalid(format, args...) }
