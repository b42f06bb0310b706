//go:build linux && (arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x || sparc64)

package sem

import "golang.org/x/sys/unix"

// semidDS is struct semid64_ds of include/uapi/asm-generic/sembuf.h for 64-bit
// architectures (mips64, powerpc64 and sparc64 have their own headers with the same
// layout).
type semidDS struct {
	perm  unix.SysvIpcPerm
	otime int64
	ctime int64
	nsems uint64
	_     [2]uint64
}

func (d *semidDS) times() (otime, ctime int64) { return d.otime, d.ctime }
