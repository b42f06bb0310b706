// Package sysv holds what the module's packages (shm, sem, msg) share about System V
// IPC objects as the kernel reports them: the identity a handle checks before it acts,
// and the conversion of the kernel's times.
package sysv

import (
	"math"
	"os"
	"syscall"
	"time"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// Identity is what the kernel reports of an object that never changes while the object
// exists. The kernel gives a removed object's id to a later one, so a handle records
// the identity of its object and compares it with what the id names now before it acts.
type Identity struct {
	Key  uint32 // the key; 0 (IPC_PRIVATE) for an object made without one
	Size int64  // bytes of a segment, semaphores of a set; 0 for a queue
	CPID int    // the creator's pid where the kernel keeps it (segments), else 0
	CUID int    // the creator's user and group, which IPC_SET does not change
	CGID int
}

// Names reports whether now, just read from the kernel, describes the object of
// identity id. An object marked for removal (a segment still attached somewhere) has
// lost its key: the kernel reports 0 then, which still matches.
func (id Identity) Names(now Identity, marked bool) bool {
	if now.Size != id.Size || now.CPID != id.CPID || now.CUID != id.CUID || now.CGID != id.CGID {
		return false
	}
	return now.Key == id.Key || now.Key == 0 && marked
}

// Time converts a kernel time in seconds to a time.Time, keeping 0, the kernel's
// "never", as the zero Time.
func Time(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}

// CheckOwner checks the ids given to a Chown: each is -1 (unchanged) or a uid_t, 0 to
// 2^32-2 (the kernel's ids are 32 bits, and all ones means none).
func CheckOwner(uid, gid int) error {
	for _, id := range []int{uid, gid} {
		if id < -1 || id != -1 && uint64(id) >= math.MaxUint32 {
			return ipcerr.Invalid("uid %d, gid %d: ids are -1 (unchanged) or 0..%d", uid, gid, uint32(math.MaxUint32-1))
		}
	}
	return nil
}

// Owner returns the owner, group and mode to give IPC_SET, which takes all three at
// once: the new ones where they are not -1, the current ones otherwise.
func Owner(curUID, curGID int, curMode os.FileMode, uid, gid, mode int) (newUID, newGID, newMode uint32) {
	newUID, newGID, newMode = uint32(curUID), uint32(curGID), uint32(curMode&0o777)
	if uid >= 0 {
		newUID = uint32(uid)
	}
	if gid >= 0 {
		newGID = uint32(gid)
	}
	if mode >= 0 {
		newMode = uint32(mode) & 0o777
	}
	return newUID, newGID, newMode
}

// SetPermBits sets the low 9 bits of a struct ipc_perm mode field, which is 16 or 32
// bits wide depending on the platform.
func SetPermBits[T uint16 | uint32](m *T, perm uint32) {
	*m = *m&^0o777 | T(perm&0o777)
}

// Walk calls stat on each index of the kernel's table of one kind of object, 0 to
// maxIndex (as IPC_INFO or *_INFO returns it), with *_STAT_ANY or *_STAT, and returns
// what it found. An unused index (EINVAL), an object the caller may not read (EACCES)
// and one removed meanwhile (EIDRM) are passed over; any other error ends the walk.
func Walk[T any](maxIndex int, stat func(index int) (T, error)) ([]T, error) {
	var found []T
	for index := 0; index <= maxIndex; index++ {
		v, err := stat(index)
		switch err {
		case nil:
			found = append(found, v)
		case syscall.EINVAL, syscall.EACCES, syscall.EIDRM:
		default:
			return nil, err
		}
	}
	return found, nil
}
