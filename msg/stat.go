package msg

import (
	"os"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
)

// Info is what the kernel knows of a queue: struct msqid_ds from msgctl(2) IPC_STAT.
type Info struct {
	Key  shm.Key     // the key, or shm.Private
	ID   int         // the msqid
	Mode os.FileMode // permission bits (the low 9 bits of msg_perm.mode)
	// UID and GID are the owner, as changed by Chown; CUID and CGID the creator's,
	// which never change.
	UID, GID, CUID, CGID int

	Messages int   // messages in the queue now (msg_qnum)
	Bytes    int64 // bytes of their bodies (msg_cbytes, "used-bytes" in ipcs -q)
	// MaxBytes is the most bytes of bodies the queue holds (msg_qbytes), see
	// SetMaxBytes. List leaves it -1: /proc/sysvipc/msg does not print it.
	MaxBytes int64

	// LastSendPID and LastRecvPID are the callers of the last msgsnd and msgrcv
	// (msg_lspid, msg_lrpid), 0 if none. Linux records the thread, not the process:
	// for a multithreaded program such as any Go program, a thread id of it.
	LastSendPID int
	LastRecvPID int

	LastSend   time.Time // last msgsnd (msg_stime); zero if never
	LastRecv   time.Time // last msgrcv (msg_rtime); zero if never
	LastChange time.Time // creation or last IPC_SET (msg_ctime)
}

// Stat returns what the kernel knows of the queue now (msgctl(2) IPC_STAT). Where the
// caller may not read the queue, Linux answers the same with MSG_STAT_ANY or
// /proc/sysvipc/msg, which any user may read. A removed queue is an error wrapping
// fs.ErrNotExist, and so is one whose id now names another queue (see [Queue]).
func (q *Queue) Stat() (info Info, err error) {
	if err := q.usable("stat"); err != nil {
		return Info{}, err
	}
	if err = q.current(&info); err != nil {
		return Info{}, idError("stat", q.id, err)
	}
	return info, nil
}

// exists reports whether the kernel finds a queue of this id (one the caller may not
// read exists too).
func exists(id int) bool {
	var info Info
	err := statInto(&info, id)
	return err == nil || err == syscall.EACCES
}
