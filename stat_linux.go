//go:build linux

package shm

import (
	"os"
	"syscall"

	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

// Bits of shm_perm.mode above the permissions (linux/shm.h).
const (
	shmDest   = 0o1000 // SHM_DEST: marked for removal
	shmLocked = 0o2000 // SHM_LOCKED: locked in memory
)

// intIs32 is true where int, and so a slice length, is 32 bits wide: there the kernel's
// struct shmid64_ds carries the size in 32 bits and cuts what does not fit.
const intIs32 = ^uint(0)>>32 == 0

// statInto fills *info with what the kernel knows of segment id. IPC_STAT needs read
// permission; where it is refused (EACCES) the same record is read with SHM_STAT_ANY
// or from /proc/sysvipc/shm, which any user may read, so that the owner of a segment
// whose mode denies the owner read, or a process checking a handle, still learns it.
// On 32-bit systems, where IPC_STAT cuts a size of 4 GiB or more, whole asks for the
// size from /proc/sysvipc/shm, which prints it whole: for the Info a user sees and for
// making a handle, not for the checks before each call, which compare with a handle's
// size, always below 2 GiB there, that IPC_STAT gives exactly.
func statInto(info *Info, id int, whole bool) error {
	var d unix.SysvShmDesc
	_, err := unix.SysvShmCtl(id, unix.IPC_STAT, &d)
	if err == syscall.EACCES {
		if statAny(id, &d) != nil {
			return statProc(info, id, err)
		}
		err = nil
	}
	if err != nil {
		return err
	}
	descInto(info, &d)
	info.ID = id
	if intIs32 && whole {
		var whole Info
		if statProc(&whole, id, nil) == nil && whole.CreatorPID == info.CreatorPID {
			info.Size = whole.Size
		}
	}
	return nil
}

// statAny reads segment id with SHM_STAT_ANY (Linux 4.17), which takes an index into
// the kernel's table rather than an id and needs no permission. The index is the low
// 15 bits of the id, or the low 24 with the ipcmni_extend boot option; the id the call
// returns tells which.
func statAny(id int, d *unix.SysvShmDesc) error {
	for _, mask := range []int{1<<15 - 1, 1<<24 - 1} {
		got, err := unix.SysvShmCtl(id&mask, shmStatAny, d)
		if err == nil && got == id {
			return nil
		}
	}
	return syscall.EACCES
}

// statProc fills *info from the line of /proc/sysvipc/shm for id. Without /proc, or
// with no such line, it returns orig if that is not nil, else EINVAL: no such segment.
func statProc(info *Info, id int, orig error) error {
	infos, err := list()
	if err == nil {
		for _, in := range infos {
			if in.ID == id {
				*info = in
				return nil
			}
		}
		if orig == nil {
			orig = syscall.EINVAL
		}
	}
	if orig == nil {
		return err
	}
	return orig
}

func descInto(info *Info, d *unix.SysvShmDesc) {
	atime, dtime, ctime := descTimes(d)
	mode := uint32(d.Perm.Mode)
	*info = Info{
		Key:        Key(uint32(d.Perm.Key)),
		Size:       int64(d.Segsz),
		Attached:   clampInt(uint64(d.Nattch)),
		Mode:       os.FileMode(mode & 0o777),
		UID:        int(d.Perm.Uid),
		GID:        int(d.Perm.Gid),
		CUID:       int(d.Perm.Cuid),
		CGID:       int(d.Perm.Cgid),
		CreatorPID: int(d.Cpid),
		LastPID:    int(d.Lpid),
		LastAttach: sysv.Time(atime),
		LastDetach: sysv.Time(dtime),
		LastChange: sysv.Time(ctime),
		Removed:    mode&shmDest != 0,
		Locked:     mode&shmLocked != 0,
		Resident:   -1,
		Swapped:    -1,
	}
}

// clampInt converts a kernel count to int, saturating where int is 32 bits wide.
func clampInt(v uint64) int {
	const maxInt = int(^uint(0) >> 1)
	if v > uint64(maxInt) {
		return maxInt
	}
	return int(v)
}
