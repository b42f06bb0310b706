package msg

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
	"github.com/go-sysv/shm/internal/sysv"
)

// SetMaxBytes sets the most bytes of message bodies the queue holds (msg_qbytes, by
// msgctl(2) IPC_SET); senders wait, or TrySend fails, while a message does not fit. A
// new queue starts at MSGMNB ([Limits]). Lowering it needs to be the owner, the creator
// or privileged; raising it above MSGMNB also needs CAP_SYS_RESOURCE, and the error
// says so (fs.ErrPermission). A negative n is an error wrapping fs.ErrInvalid.
func (q *Queue) SetMaxBytes(n int) error {
	if err := q.usable("setmaxbytes"); err != nil {
		return err
	}
	if n < 0 {
		return idError("setmaxbytes", q.id, invalid("limit %d is negative", n))
	}
	err := q.set("setmaxbytes", -1, -1, -1, int64(n))
	if errors.Is(err, syscall.EPERM) {
		if lim, lerr := Limits(); lerr == nil && n > lim.MaxQueueBytes {
			return idError("setmaxbytes", q.id, ipcerr.Explain(syscall.EPERM, fs.ErrPermission,
				"raising a queue's limit to %d bytes, above MSGMNB (%d bytes, sysctl kernel.msgmnb), needs CAP_SYS_RESOURCE", n, lim.MaxQueueBytes))
		}
	}
	return err
}

// Chmod sets the queue's permission bits (msgctl(2) IPC_SET), leaving its owner as it
// is: read lets a process receive and stat, write lets it send. Only the owner, the
// creator or a privileged process may (fs.ErrPermission otherwise); bits outside 0o777
// are an error wrapping fs.ErrInvalid.
func (q *Queue) Chmod(mode os.FileMode) error {
	if err := q.usable("chmod"); err != nil {
		return err
	}
	if mode&^0o777 != 0 {
		return idError("chmod", q.id, invalid("permission %O has bits outside 0o777", uint32(mode)))
	}
	return q.set("chmod", -1, -1, int(mode), -1)
}

// Chown sets the queue's owner and group (msgctl(2) IPC_SET); -1 leaves either as it
// is, as with os.Chown. The creator's ids (CUID, CGID) never change. The caller must be
// the owner, the creator or privileged (CAP_SYS_ADMIN): fs.ErrPermission otherwise. Ids
// are -1 or 0 to 4294967294 (uid_t is 32 bits, and its all-ones value means none): any
// other is an error wrapping fs.ErrInvalid, and so is an id the kernel cannot map in
// the caller's user namespace.
func (q *Queue) Chown(uid, gid int) error {
	if err := q.usable("chown"); err != nil {
		return err
	}
	if err := sysv.CheckOwner(uid, gid); err != nil {
		return idError("chown", q.id, err)
	}
	return q.set("chown", uid, gid, -1, -1)
}

// set changes the owner, group, mode and byte limit of the queue with IPC_SET, keeping
// what is -1. The kernel takes all four at once, so the others are read first; a
// concurrent IPC_SET by another process between the two can be lost.
func (q *Queue) set(op string, uid, gid, mode int, maxBytes int64) error {
	var info Info
	if err := q.current(&info); err != nil {
		return idError(op, q.id, err)
	}
	if info.MaxBytes < 0 {
		// Read from /proc/sysvipc/msg, which lacks the limit: IPC_SET would change it.
		return idError(op, q.id, ipcerr.Explain(syscall.EACCES, fs.ErrPermission, "the queue's byte limit, which IPC_SET rewrites, cannot be read without read permission on this kernel"))
	}
	newUID, newGID, newMode, err := sysv.Owner(info.UID, info.GID, info.Mode, uid, gid, mode)
	if err != nil {
		return idError(op, q.id, err)
	}
	next := perm{uid: newUID, gid: newGID, mode: newMode, maxBytes: uint64(info.MaxBytes)}
	if maxBytes >= 0 {
		next.maxBytes = uint64(maxBytes)
	}
	if err := ipcSet(q.id, next); err != nil {
		return idError(op, q.id, err)
	}
	return nil
}

// perm is what IPC_SET changes.
type perm struct {
	uid, gid, mode uint32
	maxBytes       uint64
}
