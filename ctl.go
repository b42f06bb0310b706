package shm

import (
	"os"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
	"github.com/go-sysv/shm/internal/sysv"
)

// Chmod sets the segment's permission bits (shmctl(2) IPC_SET), leaving its owner as it
// is. Only the owner, the creator or a privileged process may (fs.ErrPermission
// otherwise); on Linux also where the mode denies the owner read, but not on darwin,
// where the owner and group to keep can then not be read. Bits outside 0o777 are an
// error wrapping fs.ErrInvalid. Processes already attached keep their access: permissions are
// checked at attach time.
func (s *Segment) Chmod(mode os.FileMode) error {
	if err := s.usable("chmod"); err != nil {
		return err
	}
	if mode&^0o777 != 0 {
		return idError("chmod", s.id, invalid("permission %O has bits outside 0o777", uint32(mode)))
	}
	return s.setPerm("chmod", -1, -1, int(mode))
}

// Chown sets the segment's owner and group (shmctl(2) IPC_SET); -1 leaves either as it
// is, as with os.Chown. The creator's ids (CUID, CGID) never change. The caller must be
// the owner, the creator or privileged (CAP_SYS_ADMIN): fs.ErrPermission otherwise; an
// owner may give the segment away but not take another's. Ids are -1 or 0 to
// 4294967294 (uid_t is 32 bits, and its all-ones value means none): any other is an
// error wrapping fs.ErrInvalid, and so is an id the kernel cannot map in the caller's
// user namespace.
func (s *Segment) Chown(uid, gid int) error {
	if err := s.usable("chown"); err != nil {
		return err
	}
	if err := sysv.CheckOwner(uid, gid); err != nil {
		return idError("chown", s.id, err)
	}
	return s.setPerm("chown", uid, gid, -1)
}

// setPerm changes the owner, group and mode of the segment with IPC_SET, keeping what is
// -1. The kernel takes all three at once, so the others are read first (with
// SHM_STAT_ANY where IPC_STAT needs a read permission the owner may have taken from
// itself); a concurrent IPC_SET by another process between the two can be lost.
func (s *Segment) setPerm(op string, uid, gid, mode int) error {
	var info Info
	if err := s.current(&info, false); err != nil {
		return idError(op, s.id, err)
	}
	newUID, newGID, newMode, err := sysv.Owner(info.UID, info.GID, info.Mode, uid, gid, mode)
	if err != nil {
		return idError(op, s.id, err)
	}
	if err := ipcSet(s.id, newUID, newGID, newMode); err != nil {
		return idError(op, s.id, err)
	}
	return nil
}

// LockMemory pins the segment's pages in memory, so they are never swapped out
// (shmctl(2) SHM_LOCK; Linux only, errors.ErrUnsupported elsewhere). It is not mutual
// exclusion: for that, see the sem package's Mutex. Pages are not faulted in by
// locking: attach with Populate for that. It needs CAP_IPC_LOCK, or to be the owner or
// creator with RLIMIT_MEMLOCK room for the segment (fs.ErrPermission otherwise, ENOMEM
// when over the limit). Stat reports Locked.
func (s *Segment) LockMemory() error {
	return s.lock("lockmemory", true)
}

// UnlockMemory lets the segment's pages be swapped again (shmctl(2) SHM_UNLOCK; Linux
// only, errors.ErrUnsupported elsewhere).
func (s *Segment) UnlockMemory() error {
	return s.lock("unlockmemory", false)
}

func (s *Segment) lock(op string, on bool) error {
	if err := s.usable(op); err != nil {
		return err
	}
	var info Info
	if err := s.current(&info, false); err != nil {
		return idError(op, s.id, err)
	}
	if err := lock(s.id, on); err != nil {
		if err == syscall.ENOMEM {
			err = ipcerr.Explain(syscall.ENOMEM, nil, "locking %d bytes would pass this process's RLIMIT_MEMLOCK (ulimit -l): raise it, or lock with CAP_IPC_LOCK", s.size)
		}
		return idError(op, s.id, err)
	}
	return nil
}
