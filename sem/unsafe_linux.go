//go:build linux

package sem

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file and unsafe_darwin.go hold every use of unsafe in the package: the system
// calls that take a pointer to Go memory or to a guarded buffer.
//
// Each pointer stays a typed pointer, or a slice, until the unix.Syscall6 call
// expression itself, where it is written uintptr(unsafe.Pointer(p)). Only there does
// the compiler keep the memory alive and in place until the call returns (the rule for
// assembly functions in the unsafe package's documentation; unix.Syscall6 is one, as in
// x/sys/unix's ioctlPtr). A uintptr made any earlier is just a number: a goroutine's
// stack moves to a new address whenever it grows, and a call between the conversion and
// the system call can grow it, so the kernel would read or write the old stack.

// semctlStat is semctl(id, 0, cmd, d) for IPC_STAT, SEM_STAT and SEM_STAT_ANY: the
// kernel writes one struct semid64_ds to d and returns 0, or for the last two, which
// take an index, the set's id.
func semctlStat(id, cmd int, d *semidDS) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), 0, uintptr(semctlCmd(cmd)), uintptr(unsafe.Pointer(d)), 0, 0)
	return int(r), errnoErr(errno)
}

// semctlInfo is semctl(0, 0, cmd, info) for IPC_INFO and SEM_INFO: the kernel writes
// one struct seminfo, and returns the highest index in use of its table of sets.
func semctlInfo(cmd int, info *seminfo) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_SEMCTL, 0, 0, uintptr(semctlCmd(cmd)), uintptr(unsafe.Pointer(info)), 0, 0)
	return int(r), errnoErr(errno)
}

// semctlSet is semctl(id, 0, IPC_SET, d): the kernel reads the owner, group and mode of
// one struct semid64_ds from d.
func semctlSet(id int, d *semidDS) error {
	_, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), 0, uintptr(semctlCmd(ipcSetCmd)), uintptr(unsafe.Pointer(d)), 0, 0)
	return errnoErr(errno)
}

// semctlArray is semctl(id, 0, GETALL or SETALL, buf): the kernel writes or reads two
// bytes for each semaphore of the set that has the id at that moment. buf is a guarded
// buffer (see guarded), so a set bigger than buf ends in EFAULT, not past buf.
func semctlArray(id, cmd int, buf []byte) error {
	_, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), 0, uintptr(semctlCmd(cmd)), uintptr(unsafe.Pointer(unsafe.SliceData(buf))), 0, 0)
	return errnoErr(errno)
}

// semtimedop performs ops, waiting at most *timeout if timeout is not nil. The error is
// the bare errno: EAGAIN when the timeout passed or an IPC_NOWAIT op would wait, EINTR
// when a signal arrived.
func semtimedop(id int, ops []sembuf, timeout *kernelTimespec) error {
	_, _, errno := unix.Syscall6(sysSemtimedop, uintptr(id), uintptr(unsafe.Pointer(unsafe.SliceData(ops))), uintptr(len(ops)), uintptr(unsafe.Pointer(timeout)), 0, 0)
	return errnoErr(errno)
}
