package shm

import (
	"fmt"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// Error records a failed operation on a segment: what was done, to which key, id or
// address, and why. Like [fs.PathError] it unwraps to the cause, usually a
// [syscall.Errno], so errors.Is(err, unix.EEXIST) and errors.Is(err, fs.ErrExist) both
// work.
type Error struct {
	// Op is the operation: "ftok", "create", "get", "open", "attach", "detach", "stat",
	// "remove", "chmod", "chown", "lock", "unlock", "list", "limits" or "usage". Create,
	// get and open call shmget(2); attach shmat(2); detach shmdt(2); the rest shmctl(2).
	Op string
	// Key is the key the operation was asked for, when it was asked by key.
	Key Key
	// ID is the segment's shmid, or -1 when the operation had none.
	ID int
	// Addr is the address given to detach, or 0.
	Addr uintptr
	// Path is the file given to Ftok, or "".
	Path string
	// Err is the cause: a syscall.Errno from the kernel, or an error of this package
	// that wraps fs.ErrInvalid, fs.ErrNotExist or errors.ErrUnsupported.
	Err error
}

// Error formats the error as "shm: OP SUBJECT: CAUSE".
func (e *Error) Error() string {
	subject := "" // detach of nil, limits, usage, list, a zero Segment
	switch {
	case e.Path != "":
		subject = "path " + e.Path
	case e.ID >= 0:
		subject = fmt.Sprintf("id %d", e.ID)
	case e.Addr != 0:
		subject = fmt.Sprintf("address %#x", e.Addr)
	case e.Op == "create" || e.Op == "open" || e.Op == "get":
		subject = "key " + e.Key.String()
	}
	if subject == "" {
		return "shm: " + e.Op + ": " + e.Err.Error()
	}
	return "shm: " + e.Op + " " + subject + ": " + e.Err.Error()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

func keyError(op string, key Key, err error) error {
	return &Error{Op: op, Key: key, ID: -1, Err: err}
}

// idError wraps err from an operation on segment id; an EINVAL is taken to mean that
// the id names nothing only once an IPC_STAT of it agrees.
func idError(op string, id int, err error) error {
	return &Error{Op: op, ID: id, Err: ipcerr.Gone(err, "segment", func() bool { return exists(id) })}
}

// errReused is the cause of an error from a handle whose id names another segment now.
var errReused = ipcerr.Reused("segment")

func invalid(format string, args ...any) error { return ipcerr.Invalid(format, args...) }
