//go:build linux && (amd64 || arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x)

package msg

import "golang.org/x/sys/unix"

// msqidDS is the kernel's struct msqid64_ds on 64-bit Linux: C longs of 64 bits, whole
// times (asm-generic/msgbuf.h, and the same in the mips and powerpc headers).
type msqidDS struct {
	perm                 unix.SysvIpcPerm
	stime, rtime, ctime  int64
	cbytes, qnum, qbytes uint64
	lspid, lrpid         int32
	_, _                 uint64
}

func (d *msqidDS) times() (stime, rtime, ctime int64) { return d.stime, d.rtime, d.ctime }
