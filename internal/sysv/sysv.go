// Package sysv holds what the module's packages (shm, sem, msg) share about System V
// IPC objects as the kernel reports them: the identity a handle checks before it acts,
// and the conversion of the kernel's times.
package sysv

import (
	"cmp"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
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
//
// In a user namespace the kernel reports an id it cannot map into it as the overflow
// id (kernel.overflowuid, overflowgid: 65534), and writing that back would give the
// object away. So where this process is not in the initial user namespace, keeping a
// current id equal to the overflow id is refused with an error wrapping fs.ErrInvalid
// that says to name both ids.
func Owner(curUID, curGID int, curMode os.FileMode, uid, gid, mode int) (newUID, newGID, newMode uint32, err error) {
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
	if (uid < 0 || gid < 0) && !initialUserNS() {
		for _, k := range []struct {
			kept   bool
			id     uint32
			name   string
			sysctl string
		}{{uid < 0, newUID, "owner", "overflowuid"}, {gid < 0, newGID, "group", "overflowgid"}} {
			if k.kept && k.id == overflowID(k.sysctl) {
				return 0, 0, 0, ipcerr.Invalid("the %s reads as %d, the id the kernel shows for one this user namespace cannot name: keeping it would give the object to %d; name both the owner and the group", k.name, k.id, k.id)
			}
		}
	}
	return newUID, newGID, newMode, nil
}

// initialUserNS reports whether this process is in the initial user namespace, where
// every id maps to itself and none is shown as the overflow id.
func initialUserNS() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return true // no /proc, or no user namespaces: nothing to map
	}
	f := strings.Fields(string(b))
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

// overflowID reads kernel.overflowuid or overflowgid, 65534 where it cannot.
func overflowID(name string) uint32 {
	b, err := os.ReadFile("/proc/sys/kernel/" + name)
	if err != nil {
		return 65534
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
	if err != nil {
		return 65534
	}
	return uint32(v)
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

// ListByIndex lists one kind of object by walking the kernel's table, 0 to maxIndex,
// with statAny (*_STAT_ANY, Linux 4.17, which sees every object); where that finds
// nothing although inUse says objects exist (older kernels answer EINVAL to it), with
// stat (*_STAT, which leaves out the objects the caller may not read). The result is
// in id order, as the packages' List functions promise.
func ListByIndex[T any](maxIndex int, inUse bool, statAny, stat func(index int) (T, error), id func(T) int) ([]T, error) {
	found, err := Walk(maxIndex, statAny)
	if err == nil && len(found) == 0 && inUse {
		found, err = Walk(maxIndex, stat)
	}
	SortByID(found, id)
	return found, err
}

// SortByID sorts objects by their id.
func SortByID[T any](objects []T, id func(T) int) {
	slices.SortFunc(objects, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
}
