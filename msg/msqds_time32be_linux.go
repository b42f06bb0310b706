//go:build linux && mips

package msg

import "golang.org/x/sys/unix"

// msqidDS is the kernel's struct msqid64_ds on 32-bit big-endian mips
// (arch/mips/include/uapi/asm/msgbuf.h): each time is split in two words, the high
// word first.
type msqidDS struct {
	perm                 unix.SysvIpcPerm
	stimeHigh, stime     uint32
	rtimeHigh, rtime     uint32
	ctimeHigh, ctime     uint32
	cbytes, qnum, qbytes uint32
	lspid, lrpid         int32
	_, _                 uint32
}

func (d *msqidDS) times() (stime, rtime, ctime int64) {
	return join(d.stime, d.stimeHigh), join(d.rtime, d.rtimeHigh), join(d.ctime, d.ctimeHigh)
}

func join(lo, hi uint32) int64 { return int64(uint64(hi)<<32 | uint64(lo)) }
