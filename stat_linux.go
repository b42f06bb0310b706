//go:build linux

package shm

import (
	"os"

	"golang.org/x/sys/unix"
)

// Bits of shm_perm.mode above the permissions (linux/shm.h).
const (
	shmDest   = 0o1000 // SHM_DEST: marked for removal
	shmLocked = 0o2000 // SHM_LOCKED: locked in memory
)

func descInto(info *Info, d *unix.SysvShmDesc) {
	atime, dtime, ctime := descTimes(d)
	mode := uint32(d.Perm.Mode)
	*info = Info{
		Key:        Key(uint32(d.Perm.Key)),
		Size:       clampInt(uint64(d.Segsz)),
		Attached:   clampInt(uint64(d.Nattch)),
		Mode:       os.FileMode(mode & 0o777),
		UID:        int(d.Perm.Uid),
		GID:        int(d.Perm.Gid),
		CUID:       int(d.Perm.Cuid),
		CGID:       int(d.Perm.Cgid),
		CreatorPID: int(d.Cpid),
		LastPID:    int(d.Lpid),
		LastAttach: unixTime(atime),
		LastDetach: unixTime(dtime),
		LastChange: unixTime(ctime),
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
