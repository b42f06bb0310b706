// Package ipcerr holds the errno translations that shm and sem share: System V IPC
// reports a missing or removed id as EINVAL or EIDRM, which say nothing to a user and
// match no io/fs sentinel, so they are explained here and made to match fs.ErrNotExist,
// with the errno kept in the chain for errors.Is.
package ipcerr

import (
	"fmt"
	"io/fs"
	"syscall"
)

// Gone translates the errnos that, for an operation on an id, can mean that no object
// of that id exists, naming the object ("segment", "semaphore set"). EIDRM always means
// it. EINVAL means it only if exists, which asks the kernel again (IPC_STAT), says the
// id names nothing: the kernel also answers EINVAL to arguments it refuses (a uid it
// cannot map, a value out of range), and then the object is there. Any other error is
// returned as it is.
func Gone(err error, object string, exists func() bool) error {
	errno, ok := err.(syscall.Errno)
	if !ok {
		return err // a bare errno only: anything else is explained already
	}
	switch errno {
	case syscall.EIDRM:
		return Explain(errno, fs.ErrNotExist, "%s was removed", object)
	case syscall.EINVAL:
		if exists != nil && exists() {
			return Explain(errno, fs.ErrInvalid, "the %s exists, but the kernel refused the request", object)
		}
		return Explain(errno, fs.ErrNotExist, "no such %s", object)
	}
	return err
}

// Key explains the errnos of a lookup or creation by key: ENOENT, no object has the key;
// EEXIST, one has it already. Any other error is returned as it is.
func Key(err error, object string) error {
	switch err {
	case syscall.ENOENT:
		return Explain(syscall.ENOENT, fs.ErrNotExist, "no %s has this key", object)
	case syscall.EEXIST:
		return Explain(syscall.EEXIST, fs.ErrExist, "a %s has this key already", object)
	}
	return err
}

// Reused is the error of a handle whose id now names another object than the one the
// handle was made for: that one was removed, and the kernel gave its id to a new one.
// It wraps EIDRM and matches fs.ErrNotExist.
func Reused(object string) error {
	return Explain(syscall.EIDRM, fs.ErrNotExist, "the %s this handle named was removed; its id now names another %s", object, object)
}

// Explain returns errno with a message that says what it means where it occurs, made to
// match kind (one of the io/fs sentinels, or nil for none). The errno stays in the chain.
// Every explained cause of the module reads "sentence (cause)".
func Explain(errno syscall.Errno, kind error, format string, args ...any) error {
	return explained{fmt.Sprintf(format, args...), errno, kind}
}

// Because is Explain for a cause that is not an errno (a context's error, a deadline):
// "sentence (cause)", unwrapping to cause.
func Because(cause error, format string, args ...any) error {
	return explained{fmt.Sprintf(format, args...), cause, nil}
}

type explained struct {
	msg  string
	err  error
	kind error
}

func (e explained) Error() string        { return e.msg + " (" + e.err.Error() + ")" }
func (e explained) Unwrap() error        { return e.err }
func (e explained) Is(target error) bool { return e.kind != nil && target == e.kind }

// Invalid returns the error for an argument rejected before any system call: EINVAL
// as the kernel would have said, explained, matching fs.ErrInvalid.
func Invalid(format string, args ...any) error {
	return Explain(syscall.EINVAL, fs.ErrInvalid, format, args...)
}
