package ring

import (
	"errors"
	"io"
	"io/fs"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
)

// errWouldBlock is what TrySend and TryRecv turn into false: the call would have
// waited. It never reaches a caller.
var errWouldBlock = errors.New("would block")

var errInvalid = fs.ErrInvalid

func opError(op string, id int, err error) error {
	return &shm.Error{Pkg: "ring", Op: op, ID: id, Err: err}
}

func keyError(op string, key shm.Key, err error) error {
	return &shm.Error{Pkg: "ring", Op: op, Key: key, ID: -1, Err: err}
}

// cause drops the *shm.Error of the shm package around err: the ring's own error names
// the operation, key and id.
func cause(err error) error {
	var se *shm.Error
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

func errClosed(end string) error {
	return ipcerr.Explain(syscall.EBADF, fs.ErrClosed, "the %s end is closed", end)
}

func errZero(what string) error {
	return ipcerr.Invalid("zero %s: get one from Ring.%s", what, what)
}

// errWriterDied is the reader's error once the writer has died without closing: what
// it had finished sending has been read, and what it had not is dropped.
func errWriterDied(pid int) error {
	return ipcerr.Explain(syscall.EOWNERDEAD, io.ErrUnexpectedEOF, "the writer, pid %d, died without closing its end", pid)
}

// errReaderGone is the writer's error once no reader will read what it sends.
func errReaderGone(pid int, died bool) error {
	if died {
		return ipcerr.Explain(syscall.EPIPE, io.ErrClosedPipe, "the reader, pid %d, died", pid)
	}
	return ipcerr.Explain(syscall.EPIPE, io.ErrClosedPipe, "the reader closed its end")
}

func errBusy(end string, pid int) error {
	return ipcerr.Explain(syscall.EBUSY, nil, "the %s end is held by pid %d, which is alive", end, pid)
}
