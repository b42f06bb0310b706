package shm

import "os"

// identity is what the kernel reports of a segment that never changes while it exists:
// its size, its creator's pid, user and group, and its key until it is marked for
// removal. Ids are reused once a segment is gone, and a handle compares the identity
// it was made with against the one its id names now before it acts (see [Segment]).
type identity struct {
	key        Key
	size       int64
	cpid       int
	cuid, cgid int
}

func identityOf(info *Info) identity {
	return identity{key: info.Key, size: info.Size, cpid: info.CreatorPID, cuid: info.CUID, cgid: info.CGID}
}

// created is the identity of a segment this process has just made: the kernel records
// the caller's pid and effective ids as its creator.
func created(key Key, size int) identity {
	return identity{key: key, size: int64(size), cpid: os.Getpid(), cuid: os.Geteuid(), cgid: os.Getegid()}
}

// names reports whether info, read now, describes the segment of identity id. A
// segment marked for removal has lost its key (the kernel sets it to IPC_PRIVATE), so
// a key that became Private still matches; a handle made for a Private segment, or
// from the id of a marked one, has no key to compare.
func (id identity) names(info *Info) bool {
	if info.Size != id.size || info.CreatorPID != id.cpid || info.CUID != id.cuid || info.CGID != id.cgid {
		return false
	}
	return id.key == Private || info.Key == id.key || info.Key == Private && info.Removed
}

// current fills *info with what the kernel knows of the segment now, and checks that
// its id still names the segment the handle was made for.
func (s *Segment) current(info *Info) error {
	if err := statInto(info, s.id); err != nil {
		return err
	}
	if !s.ident.names(info) {
		return errReused
	}
	return nil
}
