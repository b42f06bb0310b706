//go:build linux && amd64

package sem

import "golang.org/x/sys/unix"

// semidDS is struct semid64_ds of arch/x86/include/uapi/asm/sembuf.h for x86-64, which
// has padding after each time that the generic 64-bit layout lacks.
type semidDS struct {
	perm  unix.SysvIpcPerm
	otime int64
	_     uint64
	ctime int64
	_     uint64
	nsems uint64
	_     [2]uint64
}

func (d *semidDS) times() (otime, ctime int64) { return d.otime, d.ctime }
