package shm

import "os"

// Chmod sets the segment's permission bits (shmctl(2) IPC_SET), leaving its owner as it
// is. Only the owner, the creator or a privileged process may (fs.ErrPermission
// otherwise); bits outside 0o777 are an error wrapping fs.ErrInvalid. Processes already
// attached keep their access: permissions are checked at attach time.
func (s *Segment) Chmod(mode os.FileMode) error {
	if err := s.usable("chmod"); err != nil {
		return err
	}
	if mode&^0o777 != 0 {
		return idError("chmod", s.id, invalid("permission %v has bits outside 0o777", mode))
	}
	if err := setPerm(s.id, -1, -1, int(mode)); err != nil {
		return idError("chmod", s.id, err)
	}
	return nil
}

// Chown sets the segment's owner and group (shmctl(2) IPC_SET); -1 leaves either as it
// is, as with os.Chown. The creator's ids (CUID, CGID) never change. The caller must be
// the owner, the creator or privileged (CAP_SYS_ADMIN): fs.ErrPermission otherwise; an
// owner may give the segment away but not take another's.
func (s *Segment) Chown(uid, gid int) error {
	if err := s.usable("chown"); err != nil {
		return err
	}
	if uid < -1 || gid < -1 {
		return idError("chown", s.id, invalid("uid %d, gid %d: ids are -1 (unchanged) or more", uid, gid))
	}
	if err := setPerm(s.id, uid, gid, -1); err != nil {
		return idError("chown", s.id, err)
	}
	return nil
}

// Lock keeps the segment's pages in memory, never swapped (shmctl(2) SHM_LOCK; Linux
// only). Pages are not faulted in by locking: attach with Populate for that. It needs
// CAP_IPC_LOCK, or to be the owner or creator with RLIMIT_MEMLOCK room for the segment
// (fs.ErrPermission otherwise, ENOMEM when over the limit). Stat reports Locked.
func (s *Segment) Lock() error {
	if err := s.usable("lock"); err != nil {
		return err
	}
	if err := lock(s.id, true); err != nil {
		return idError("lock", s.id, err)
	}
	return nil
}

// Unlock lets the segment's pages be swapped again (shmctl(2) SHM_UNLOCK; Linux only).
func (s *Segment) Unlock() error {
	if err := s.usable("unlock"); err != nil {
		return err
	}
	if err := lock(s.id, false); err != nil {
		return idError("unlock", s.id, err)
	}
	return nil
}
