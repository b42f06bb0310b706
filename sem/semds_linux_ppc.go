//go:build linux && ppc

package sem

import "golang.org/x/sys/unix"

// semidDS is struct semid64_ds of arch/powerpc/include/uapi/asm/sembuf.h for 32-bit
// PowerPC, with the high word of each time first.
type semidDS struct {
	perm      unix.SysvIpcPerm
	otimeHigh uint32
	otime     uint32
	ctimeHigh uint32
	ctime     uint32
	nsems     uint32
	_         [2]uint32
}

func (d *semidDS) times() (otime, ctime int64) {
	return int64(uint64(d.otimeHigh)<<32 | uint64(d.otime)), int64(uint64(d.ctimeHigh)<<32 | uint64(d.ctime))
}
