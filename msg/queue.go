package msg

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
	"github.com/go-sysv/shm/internal/sysv"
)

// Queue is a handle on one System V message queue: its id and the key it was found or
// created by. It holds no resources (there is nothing to close) and is safe to copy
// and to share between goroutines. The queue itself lives in the kernel until
// [Queue.Remove]; a Queue value can outlive it, and then its methods return errors
// wrapping fs.ErrNotExist.
//
// The kernel gives a removed queue's id to a later one. A handle therefore remembers
// what the kernel reported of its queue that never changes (its key and its creator's
// user and group), and before every Send, Recv (and their Try forms), Stat, Remove,
// SetMaxBytes, Chmod and Chown it reads them again (IPC_STAT) and refuses, with an error wrapping
// fs.ErrNotExist, to act on another queue that now has the id. Two windows remain: a
// queue removed and its id reused between that check and the call that follows it
// (microseconds; reuse of an id takes tens of thousands of new queues, or a privileged
// write to kernel.msg_next_id), and a new queue made with the same key by the same user
// and group, which the kernel reports exactly as the old one: queues of the same key and
// creator ids are indistinguishable, and a handle acts on whichever has the id.
type Queue struct {
	id    int
	key   shm.Key
	ident sysv.Identity
	valid bool // false in the zero Queue, which names no queue (not msqid 0)
}

// ID returns the queue's msqid, the number ipcs -q prints and [FromID] takes. A zero or
// nil Queue, which names no queue, has ID -1; its other methods return errors wrapping
// fs.ErrInvalid rather than act on msqid 0.
func (q *Queue) ID() int {
	if q == nil || !q.valid {
		return -1
	}
	return q.id
}

// usable returns an error for a nil or zero Queue.
func (q *Queue) usable(op string) error {
	if q == nil || !q.valid {
		return &shm.Error{Pkg: "msg", Op: op, ID: -1, Err: invalid("zero Queue: get one from Create, Get, Open or FromID")}
	}
	return nil
}

// Key returns the key the queue was created or found with (shm.Private for one created
// with IPC_PRIVATE).
func (q *Queue) Key() shm.Key {
	if q == nil {
		return shm.Private
	}
	return q.key
}

// String describes the queue for logs, for example "msg queue id 32768 key 0x66001234".
func (q *Queue) String() string {
	return fmt.Sprintf("msg queue id %d key %v", q.ID(), q.Key())
}

// Create makes a new queue with permission bits perm (0o600 lets only this user in:
// read to receive, write to send; x is ignored), failing with an error wrapping
// fs.ErrExist if key is taken. It is msgget(2) with IPC_CREAT|IPC_EXCL. With key
// shm.Private it always makes a new queue that has no key. The queue holds at most
// MSGMNB bytes of messages (see [Limits] and [Queue.SetMaxBytes]).
//
// Perm bits outside 0o777 are an error wrapping fs.ErrInvalid; ENOSPC means the system
// has MSGMNI queues already (sysctl kernel.msgmni).
func Create(key shm.Key, perm os.FileMode) (*Queue, error) {
	return create("create", key, perm, ipcCreat|ipcExcl)
}

// Open returns the queue of key, making it as [Create] does if it does not exist: it is
// msgget(2) with IPC_CREAT. Opening an existing queue checks perm against its
// permissions as a request: asking for 0o600 on a queue this user may only write fails
// with fs.ErrPermission, where [Get] succeeds.
func Open(key shm.Key, perm os.FileMode) (*Queue, error) {
	return create("open", key, perm, ipcCreat)
}

func create(op string, key shm.Key, perm os.FileMode, flag int) (*Queue, error) {
	if perm&^0o777 != 0 {
		return nil, keyError(op, key, invalid("permission %O has bits outside 0o777", uint32(perm)))
	}
	// Open tries to create, then to open what exists; another process can remove the
	// queue between the two, and then it tries again. Each turn ends in a queue made or
	// found unless a queue of key is removed within every one of them.
	const tries = 1000
	for range tries {
		id, err := msgget(key, flag|ipcExcl|int(perm))
		if err == nil {
			return &Queue{id: id, key: key, ident: created(key), valid: true}, nil
		}
		if err != syscall.EEXIST || flag&ipcExcl != 0 {
			return nil, keyError(op, key, explainGet(err))
		}
		// The queue exists: open it, asking for perm as access, as msgget does.
		id, err = msgget(key, int(perm))
		if err == syscall.ENOENT {
			continue
		}
		if err != nil {
			return nil, keyError(op, key, err)
		}
		q, err := stated(op, id, key)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return q, err
	}
	return nil, keyError(op, key, ipcerr.Explain(syscall.ENOENT, fs.ErrNotExist, "a queue of this key was removed each time it was opened, %d times", tries))
}

// explainGet turns the ENOSPC of a msgget that creates into an error that names the
// limit.
func explainGet(err error) error {
	if err != syscall.ENOSPC {
		return err
	}
	if lim, lerr := Limits(); lerr == nil {
		return ipcerr.Explain(syscall.ENOSPC, nil, "all %d message queue ids are in use (MSGMNI, sysctl kernel.msgmni)", lim.MaxQueues)
	}
	return ipcerr.Explain(syscall.ENOSPC, nil, "the system is out of message queue ids (MSGMNI, sysctl kernel.msgmni)")
}

// Get returns the existing queue of key: msgget(2) with no flags, then IPC_STAT (or,
// where the caller may not read the queue, MSG_STAT_ANY or /proc/sysvipc/msg) to learn
// its identity. A key with no queue is an error wrapping fs.ErrNotExist. Get asks for no
// access: the permissions are checked by each Send and Recv.
func Get(key shm.Key) (*Queue, error) {
	if key == shm.Private {
		return nil, keyError("get", key, invalid("the Private key names no queue; use Create or FromID"))
	}
	for {
		id, err := msgget(key, 0)
		if err != nil {
			return nil, keyError("get", key, err)
		}
		q, err := stated("get", id, key)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since msgget: the key may name a new one, or nothing
		}
		return q, err
	}
}

// FromID returns the queue whose msqid is id, as ipcs -q and ipcmk -Q print it or as
// another process passes it on. It checks that the queue exists (an error wrapping
// fs.ErrNotExist if not). Ids are from 0 to 2^31-1; any other is an error wrapping
// fs.ErrInvalid.
func FromID(id int) (*Queue, error) {
	if id < 0 || id > math.MaxInt32 {
		return nil, &shm.Error{Pkg: "msg", Op: "fromid", ID: -1, Err: invalid("id %d is outside 0..%d", id, math.MaxInt32)}
	}
	return stated("fromid", id, shm.Private)
}

// stated makes the handle of queue id from what the kernel says of it now.
func stated(op string, id int, key shm.Key) (*Queue, error) {
	var info Info
	if err := statInto(&info, id); err != nil {
		return nil, idError(op, id, err)
	}
	if key != shm.Private && info.Key != key {
		// msgget gave id for key, and the id names another queue now: the one of key
		// was removed and the id reused in between.
		return nil, idError(op, id, errReused)
	}
	return &Queue{id: id, key: info.Key, ident: identityOf(&info), valid: true}, nil
}

// Remove destroys the queue and every message in it at once (msgctl(2) IPC_RMID).
// Processes waiting in Send or Recv wake with an error wrapping fs.ErrNotExist. Removing
// a queue that is already gone is an error wrapping fs.ErrNotExist. Only the owner, the
// creator and a privileged process may remove it (fs.ErrPermission otherwise).
func (q *Queue) Remove() error {
	if err := q.usable("remove"); err != nil {
		return err
	}
	var info Info
	if err := q.current(&info); err != nil {
		return idError("remove", q.id, err)
	}
	if err := rmid(q.id); err != nil {
		return idError("remove", q.id, err)
	}
	return nil
}
