//go:build darwin && !ios

package shm

import (
	"encoding/binary"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Darwin offers System V shared memory without the Linux extensions: no SHM_EXEC,
// SHM_REMAP, huge pages, SHM_INFO or SHM_LOCK.

func createFlags(opts []CreateOption) (int, error) {
	if len(opts) > 0 {
		return 0, errors.ErrUnsupported
	}
	return 0, nil
}

func attachFlags(o AttachOption) (int, error) {
	if o&(Exec|Remap) != 0 {
		return 0, errors.ErrUnsupported
	}
	var flag int
	if o&ReadOnly != 0 {
		flag |= unix.SHM_RDONLY
	}
	if o&Round != 0 {
		flag |= unix.SHM_RND
	}
	return flag, nil
}

func hugeHint(_, _ int, err error) error { return err }

func populate(b []byte, _ bool) error {
	touch(b)
	return nil
}

// descInto reads darwin's struct shmid_ds (sys/shm.h, packed to 4 bytes). x/sys/unix
// names only some of its fields; the key and the times are read at their offsets:
// ipc_perm._key at 20, shm_atime at 44, shm_dtime at 52, shm_ctime at 60 (time_t is 64
// bits on both darwin architectures, which are little-endian).
func descInto(info *Info, d *unix.SysvShmDesc) {
	raw := descBytes(d)
	le := binary.LittleEndian
	*info = Info{
		Key:        Key(le.Uint32(raw[20:])),
		Size:       int(d.Segsz),
		Attached:   int(d.Nattch),
		Mode:       os.FileMode(d.Perm.Mode & 0o777),
		UID:        int(d.Perm.Uid),
		GID:        int(d.Perm.Gid),
		CUID:       int(d.Perm.Cuid),
		CGID:       int(d.Perm.Cgid),
		CreatorPID: int(d.Cpid),
		LastPID:    int(d.Lpid),
		LastAttach: unixTime(int64(le.Uint64(raw[44:]))),
		LastDetach: unixTime(int64(le.Uint64(raw[52:]))),
		LastChange: unixTime(int64(le.Uint64(raw[60:]))),
		Removed:    d.Perm.Mode&0o1000 != 0,
		Resident:   -1,
		Swapped:    -1,
	}
}

func limits() (LimitInfo, error) {
	var l LimitInfo
	for _, f := range []struct {
		name string
		set  func(uint64)
	}{
		{"kern.sysv.shmmax", func(v uint64) { l.MaxSize = v }},
		{"kern.sysv.shmmin", func(v uint64) { l.MinSize = v }},
		{"kern.sysv.shmmni", func(v uint64) { l.MaxSegments = int(v) }},
		{"kern.sysv.shmseg", func(v uint64) { l.MaxPerProcess = int(v) }},
		{"kern.sysv.shmall", func(v uint64) { l.MaxTotalPages = v }},
	} {
		v, err := unix.SysctlUint64(f.name)
		if err != nil {
			return LimitInfo{}, err
		}
		f.set(v)
	}
	return l, nil
}

func usage() (UsageInfo, error) { return UsageInfo{}, errors.ErrUnsupported }

func lock(int, bool) error { return errors.ErrUnsupported }

func list() ([]Info, error) { return nil, errors.ErrUnsupported }
