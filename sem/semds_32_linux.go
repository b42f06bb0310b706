//go:build linux && (386 || arm)

package sem

import "golang.org/x/sys/unix"

// semidDS is struct semid64_ds for 32-bit x86 and arm, where each time is split into a
// low and a high word (y2038).
type semidDS struct {
	perm      unix.SysvIpcPerm
	otime     uint32
	otimeHigh uint32
	ctime     uint32
	ctimeHigh uint32
	nsems     uint32
	_         [2]uint32
}

func (d *semidDS) times() (otime, ctime int64) {
	return int64(uint64(d.otimeHigh)<<32 | uint64(d.otime)), int64(uint64(d.ctimeHigh)<<32 | uint64(d.ctime))
}
