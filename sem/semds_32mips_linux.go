//go:build linux && (mips || mipsle)

package sem

import "golang.org/x/sys/unix"

// semidDS is struct semid64_ds of arch/mips/include/uapi/asm/sembuf.h for 32-bit MIPS,
// with the high words of the times after the count.
type semidDS struct {
	perm      unix.SysvIpcPerm
	otime     uint32
	ctime     uint32
	nsems     uint32
	otimeHigh uint32
	ctimeHigh uint32
}

func (d *semidDS) times() (otime, ctime int64) {
	return int64(uint64(d.otimeHigh)<<32 | uint64(d.otime)), int64(uint64(d.ctimeHigh)<<32 | uint64(d.ctime))
}
