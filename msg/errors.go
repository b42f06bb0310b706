package msg

import (
	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
)

// Errors of this package are [*shm.Error] values with Pkg "msg", as in every package of
// the module: "msg: send id 32768: message queue was removed (identifier removed)".

func keyError(op string, key shm.Key, err error) error {
	return &shm.Error{Pkg: "msg", Op: op, Key: key, ID: -1, Err: err}
}

// idError wraps err from an operation on queue id; an EINVAL is taken to mean that the
// id names nothing only once an IPC_STAT of it agrees.
func idError(op string, id int, err error) error {
	return &shm.Error{Pkg: "msg", Op: op, ID: id, Err: ipcerr.Gone(err, "message queue", func() bool { return exists(id) })}
}

// plainError wraps err from an operation with neither key nor id (limits, usage, list).
func plainError(op string, err error) error {
	return &shm.Error{Pkg: "msg", Op: op, ID: -1, Err: err}
}

// errReused is the cause of an error from a handle whose id names another queue now.
var errReused = ipcerr.Reused("message queue")

func invalid(format string, args ...any) error { return ipcerr.Invalid(format, args...) }
