//go:build linux || (darwin && !ios)

package sem

import "unsafe"

// This file holds every use of unsafe in the package. Each returns the address of Go
// memory for a system call argument. The callers pass the result straight to
// unix.Syscall as uintptr(p) or keep the memory alive with runtime.KeepAlive until the
// call returns, so the memory stays valid while the kernel reads or writes it; Go's
// garbage collector does not move heap or stack memory that a system call is using.

func sembufs(ops []sembuf) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(ops)) }

func uint16s(v []uint16) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(v)) }

func dsPtr(d *semidDS) unsafe.Pointer { return unsafe.Pointer(d) }

func timespecPtr(t *kernelTimespec) unsafe.Pointer { return unsafe.Pointer(t) }

// setvalArg passes an int as semctl's fourth argument, union semun, whose int member
// sits in the high half of the register on 64-bit big-endian machines.
func setvalArg(v int) uintptr {
	one := uint16(1)
	bigEndian := *(*byte)(unsafe.Pointer(&one)) == 0
	if bigEndian && unsafe.Sizeof(uintptr(0)) == 8 {
		return uintptr(uint64(uint32(v)) << 32)
	}
	return uintptr(uint32(v))
}
