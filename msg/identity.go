package msg

import (
	"os"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/sysv"
)

// identityOf returns what the kernel reports of a queue that never changes while it
// exists: its key and its creator's user and group (msg_perm.key, cuid, cgid).
// msg_ctime changes with every IPC_SET, and the kernel records no creator pid for a
// queue, so these three are all there is (see [Queue]).
func identityOf(info *Info) sysv.Identity {
	return sysv.Identity{Key: uint32(info.Key), CUID: info.CUID, CGID: info.CGID}
}

// created is the identity of a queue this process has just made: the kernel records the
// caller's effective ids as its creator.
func created(key shm.Key) sysv.Identity {
	return sysv.Identity{Key: uint32(key), CUID: os.Geteuid(), CGID: os.Getegid()}
}

// current fills *info with what the kernel knows of the queue now, and checks that its
// id still names the queue the handle was made for. A queue is destroyed at once by
// IPC_RMID: it has no state in which the kernel hides its key.
func (q *Queue) current(info *Info) error {
	if err := statInto(info, q.id); err != nil {
		return err
	}
	if !q.ident.Names(identityOf(info), false) {
		return errReused
	}
	return nil
}
