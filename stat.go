package shm

import (
	"os"
	"syscall"
	"time"
)

// Info is what the kernel knows of a segment: struct shmid_ds from shmctl(2) IPC_STAT.
// Its user and group ids are the kernel's 32-bit uid_t and gid_t: where int is 32 bits
// wide, one of 2^31 or more reads as a negative number, and uint32(id) gives it back.
type Info struct {
	Key  Key   // the key, or Private once the segment is marked for removal
	ID   int   // the shmid
	Size int64 // size in bytes, as created; int64 so that 32-bit processes see it whole

	Attached int         // processes (attachments) mapping it now (shm_nattch)
	Mode     os.FileMode // permission bits (the low 9 bits of shm_perm.mode)
	UID, GID int         // owner, as changed by Chown
	CUID     int         // creator's user id
	CGID     int         // creator's group id

	CreatorPID int // process that created it (shm_cpid)
	LastPID    int // process of the last shmat or shmdt (shm_lpid)

	LastAttach time.Time // last shmat; zero if never
	LastDetach time.Time // last shmdt; zero if never
	LastChange time.Time // creation or last IPC_SET; zero if never

	Removed bool // marked for removal (SHM_DEST): gone with the last detach
	Locked  bool // locked in memory (SHM_LOCKED), see Segment.LockMemory

	// Resident and Swapped are the bytes of the segment in memory and in swap. Only
	// List fills them in (from /proc/sysvipc/shm); Stat leaves them -1.
	Resident, Swapped int64
}

// Stat returns what the kernel knows of the segment now (shmctl(2) IPC_STAT). Where the
// caller may not read the segment, Linux answers the same with SHM_STAT_ANY or
// /proc/sysvipc/shm, which any user may read; darwin answers fs.ErrPermission. A
// removed segment is an error wrapping fs.ErrNotExist, and so is one whose id now
// names another segment (see [Segment]); one only marked for removal is reported with
// Removed set.
func (s *Segment) Stat() (info Info, err error) {
	if err := s.usable("stat"); err != nil {
		return Info{}, err
	}
	if err = s.current(&info, true); err != nil {
		return Info{}, idError("stat", s.id, err)
	}
	return info, nil
}

// exists reports whether IPC_STAT finds a segment of this id (one the caller may not
// read exists too).
func exists(id int) bool {
	_, err := stat(id)
	return err == nil || err == syscall.EACCES
}
