package shm

import (
	"os"

	"github.com/go-sysv/shm/internal/sysv"
)

// identityOf returns what the kernel reports of a segment that never changes while it
// exists: its size, its creator's pid, user and group, and its key until it is marked
// for removal (see [Segment]).
func identityOf(info *Info) sysv.Identity {
	return sysv.Identity{Key: uint32(info.Key), Size: info.Size, CPID: info.CreatorPID, CUID: info.CUID, CGID: info.CGID}
}

// created is the identity of a segment this process has just made: the kernel records
// the caller's pid and effective ids as its creator.
func created(key Key, size int) sysv.Identity {
	return sysv.Identity{Key: uint32(key), Size: int64(size), CPID: os.Getpid(), CUID: os.Geteuid(), CGID: os.Getegid()}
}

// current fills *info with what the kernel knows of the segment now, and checks that
// its id still names the segment the handle was made for; whole as for statInto.
func (s *Segment) current(info *Info, whole bool) error {
	if err := statInto(info, s.id, whole); err != nil {
		return err
	}
	if !s.ident.Names(identityOf(info), info.Removed) {
		return errReused
	}
	return nil
}
