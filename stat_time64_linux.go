//go:build linux && (amd64 || arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x || sparc64)

package shm

import "golang.org/x/sys/unix"

func descTimes(d *unix.SysvShmDesc) (atime, dtime, ctime int64) {
	return d.Atime, d.Dtime, d.Ctime
}
