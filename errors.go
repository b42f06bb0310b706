package shm

import (
	"fmt"
	"io/fs"
	"syscall"
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

func (e *Error) Error() string {
	var subject string
	switch {
	case e.Path != "":
		subject = "path " + e.Path
	case e.ID >= 0:
		subject = fmt.Sprintf("id %d", e.ID)
	case e.Addr != 0:
		subject = fmt.Sprintf("address %#x", e.Addr)
	case e.Op == "detach" || e.Op == "limits" || e.Op == "usage" || e.Op == "list":
		subject = ""
	default:
		subject = "key " + e.Key.String()
	}
	if subject == "" {
		return "shm: " + e.Op + ": " + e.Err.Error()
	}
	return "shm: " + e.Op + " " + subject + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

func keyError(op string, key Key, err error) error {
	return &Error{Op: op, Key: key, ID: -1, Err: err}
}

func idError(op string, id int, err error) error {
	return &Error{Op: op, ID: id, Err: gone(err)}
}

// gone translates the errnos that, for an operation on an id, mean that no such segment
// exists: the kernel says EIDRM for an id removed under us and EINVAL for an id that was
// never valid. The errno stays in the chain for errors.Is.
func gone(err error) error {
	errno, ok := err.(syscall.Errno)
	if !ok {
		return err // already explained
	}
	switch errno {
	case syscall.EIDRM:
		return kindError{"segment was removed", errno, fs.ErrNotExist}
	case syscall.EINVAL:
		return kindError{"no such segment", errno, fs.ErrNotExist}
	}
	return err
}

// kindError explains an errno whose own text misleads here and makes it match one of
// the io/fs sentinels, keeping the errno in the chain.
type kindError struct {
	msg   string
	errno syscall.Errno
	kind  error
}

func (e kindError) Error() string        { return e.msg + " (" + e.errno.Error() + ")" }
func (e kindError) Unwrap() error        { return e.errno }
func (e kindError) Is(target error) bool { return target == e.kind }

// invalid returns an error for a bad argument that wraps fs.ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), fs.ErrInvalid)
}
