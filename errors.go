package shm

import (
	"fmt"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// Error is the error of every package of this module (shm, sem, msg and ring): what
// was done, in which package, to which key, id, address or path, and why. Like
// [fs.PathError] it unwraps to the cause, so errors.Is matches both the errno
// (unix.EEXIST) and the io/fs sentinel it stands for:
//
//   - fs.ErrExist: the key is taken (EEXIST).
//   - fs.ErrNotExist: no object has the key (ENOENT), or the id names none (EINVAL
//     once an IPC_STAT agrees, EIDRM), or the id now names another object than the
//     handle was made for.
//   - fs.ErrPermission: the caller lacks the permission or the privilege (EACCES,
//     EPERM).
//   - fs.ErrInvalid: an argument is out of range or unknown (EINVAL, also for the
//     ones this module rejects before any system call).
//   - errors.ErrUnsupported: the system lacks the call or the option.
//
// Causes the kernel gives that need explaining (a limit that was met, a size that
// does not fit) carry a sentence that says which, and how to raise it, before the
// errno in parentheses: "shm: create key 0x00000000: all 4096 segment ids are in use
// (SHMMNI, sysctl kernel.shmmni) (no space left on device)".
type Error struct {
	// Pkg is the package whose function failed: "shm", "sem", "msg" or "ring"; ""
	// reads as "shm".
	Pkg string
	// Op is the function or method that failed, in lower case: "create", "get",
	// "open" and "fromid", "attach", "stat", "remove", "chmod", "lockmemory", and so on
	// ("trylock" for Mutex.TryLock, "setvalue" for Set.SetValue).
	Op string
	// Key is the key asked for by create, open and get, which name objects by key.
	Key Key
	// ID is the object's id (shmid, semid, msqid), or -1 when the operation had none.
	ID int
	// Addr is the address given to Detach, or 0.
	Addr uintptr
	// Path is the file given to Ftok, or "".
	Path string
	// Err is the cause: a syscall.Errno, or an error that wraps one or an io/fs or
	// context sentinel.
	Err error
}

// Error formats the error as "PKG: OP SUBJECT: CAUSE", the subject being the path,
// the id, the address or the key, whichever the operation was given.
func (e *Error) Error() string {
	pkg := e.Pkg
	if pkg == "" {
		pkg = "shm"
	}
	subject := "" // detach of nil, limits, usage, list, a zero handle
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
		return pkg + ": " + e.Op + ": " + e.Err.Error()
	}
	return pkg + ": " + e.Op + " " + subject + ": " + e.Err.Error()
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
