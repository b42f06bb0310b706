package sem

import (
	"os"

	"github.com/go-sysv/shm/internal/sysv"
)

// Chmod sets the set's permission bits (semctl(2) IPC_SET), leaving its owner as it is.
// Only the owner, the creator or a privileged process may (fs.ErrPermission otherwise),
// even where the mode denies the owner read; bits outside 0o777 are an error wrapping
// fs.ErrInvalid. Processes waiting on the set go on waiting: permissions are checked at
// each call.
func (s *Set) Chmod(mode os.FileMode) error {
	if err := s.usable("chmod"); err != nil {
		return err
	}
	if mode&^0o777 != 0 {
		return idError("chmod", s.id, invalid("permission %O has bits outside 0o777", uint32(mode)))
	}
	return s.setPerm("chmod", -1, -1, int(mode))
}

// Chown sets the set's owner and group (semctl(2) IPC_SET); -1 leaves either as it is,
// as with os.Chown. The creator's ids (CUID, CGID) never change. The caller must be the
// owner, the creator or privileged (CAP_SYS_ADMIN): fs.ErrPermission otherwise. Ids
// are -1 or 0 to 4294967294: any other is an error wrapping fs.ErrInvalid, and so is an
// id the kernel cannot map in the caller's user namespace.
func (s *Set) Chown(uid, gid int) error {
	if err := s.usable("chown"); err != nil {
		return err
	}
	if err := sysv.CheckOwner(uid, gid); err != nil {
		return idError("chown", s.id, err)
	}
	return s.setPerm("chown", uid, gid, -1)
}

// setPerm changes the owner, group and mode with IPC_SET, keeping what is -1. The kernel
// takes all three at once, so the others are read first (IPC_STAT, or SEM_STAT_ANY
// where the owner's mode denies it read); a concurrent IPC_SET by another process
// between the two can be lost.
func (s *Set) setPerm(op string, uid, gid, mode int) error {
	info, err := s.check()
	if err != nil {
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
