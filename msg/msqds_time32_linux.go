//go:build linux && (386 || arm || mipsle)

package msg

import "golang.org/x/sys/unix"

// msqidDS is the kernel's struct msqid64_ds on 32-bit little-endian Linux
// (asm-generic/msgbuf.h): each time is split into a low word and, after it, a high
// word (y2038).
type msqidDS struct {
	perm                 unix.SysvIpcPerm
	stime, stimeHigh     uint32
	rtime, rtimeHigh     uint32
	ctime, ctimeHigh     uint32
	cbytes, qnum, qbytes uint32
	lspid, lrpid         int32
	_, _                 uint32
}

func (d *msqidDS) times() (stime, rtime, ctime int64) {
	return join(d.stime, d.stimeHigh), join(d.rtime, d.rtimeHigh), join(d.ctime, d.ctimeHigh)
}

func join(lo, hi uint32) int64 { return int64(uint64(hi)<<32 | uint64(lo)) }
