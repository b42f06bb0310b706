//go:build linux && (386 || arm || mips || mipsle)

package shm

import "golang.org/x/sys/unix"

// On 32-bit Linux the kernel splits each time into a low and a high word (y2038).
func descTimes(d *unix.SysvShmDesc) (atime, dtime, ctime int64) {
	join := func(lo uint32, hi uint64) int64 { return int64(hi<<32 | uint64(lo)) }
	return join(d.Atime, uint64(d.Atime_high)), join(d.Dtime, uint64(d.Dtime_high)), join(d.Ctime, uint64(d.Ctime_high))
}
