package msg

import (
	"os"

	"github.com/go-sysv/shm"
)

// identity is what the kernel reports of a queue that never changes while it exists: its
// key and its creator's user and group (msg_perm.key, cuid, cgid). msg_ctime changes
// with every IPC_SET, and the kernel records no creator pid for a queue, so these three
// are all there is. Ids are reused once a queue is removed, and a handle compares the
// identity it was made with against the one its id names now before it acts (see
// [Queue]).
type identity struct {
	key        shm.Key
	cuid, cgid int
}

func identityOf(info *Info) identity {
	return identity{key: info.Key, cuid: info.CUID, cgid: info.CGID}
}

// created is the identity of a queue this process has just made: the kernel records the
// caller's effective ids as its creator.
func created(key shm.Key) identity {
	return identity{key: key, cuid: os.Geteuid(), cgid: os.Getegid()}
}

// names reports whether info, read now, describes the queue of identity id. Unlike a
// segment, a queue is destroyed at once by IPC_RMID, so its key never changes.
func (id identity) names(info *Info) bool {
	return info.Key == id.key && info.CUID == id.cuid && info.CGID == id.cgid
}

// current fills *info with what the kernel knows of the queue now, and checks that its
// id still names the queue the handle was made for.
func (q *Queue) current(info *Info) error {
	if err := statInto(info, q.id); err != nil {
		return err
	}
	if !q.ident.names(info) {
		return errReused
	}
	return nil
}
