//go:build darwin && !ios

package shm

import (
	"encoding/binary"
	"os"

	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

// statInto reads segment id with IPC_STAT, which needs read permission: darwin has no
// SHM_STAT_ANY and no /proc.
func statInto(info *Info, id int, _ bool) error {
	var d unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &d); err != nil {
		return err
	}
	descInto(info, &d)
	info.ID = id
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
		Size:       int64(d.Segsz),
		Attached:   int(d.Nattch),
		Mode:       os.FileMode(d.Perm.Mode & 0o777),
		UID:        int(d.Perm.Uid),
		GID:        int(d.Perm.Gid),
		CUID:       int(d.Perm.Cuid),
		CGID:       int(d.Perm.Cgid),
		CreatorPID: int(d.Cpid),
		LastPID:    int(d.Lpid),
		LastAttach: sysv.Time(int64(le.Uint64(raw[44:]))),
		LastDetach: sysv.Time(int64(le.Uint64(raw[52:]))),
		LastChange: sysv.Time(int64(le.Uint64(raw[60:]))),
		Removed:    d.Perm.Mode&0o1000 != 0,
		Resident:   -1,
		Swapped:    -1,
	}
}
