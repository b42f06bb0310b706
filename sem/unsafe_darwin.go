//go:build darwin && !ios

//lint:file-ignore SA1019 x/sys/unix has no libSystem wrappers for semop and semctl

package sem

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file and unsafe_linux.go hold every use of unsafe in the package: the system
// calls that take a pointer. As unsafe_linux.go explains, each pointer stays one until
// the unix.Syscall call expression itself.

// semctlStat is semctl(id, 0, IPC_STAT, d): the kernel writes one struct semid_ds to d.
func semctlStat(id int, d *semidDS) error {
	_, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), 0, ipcStat, uintptr(unsafe.Pointer(d)), 0, 0)
	return errnoErr(errno)
}

// semctlSet is semctl(id, 0, IPC_SET, d): the kernel reads one struct semid_ds from d.
func semctlSet(id int, d *semidDS) error {
	_, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), 0, unix.IPC_SET, uintptr(unsafe.Pointer(d)), 0, 0)
	return errnoErr(errno)
}

// semctlArray is semctl(id, 0, GETALL or SETALL, buf): the kernel writes or reads two
// bytes for each semaphore of the set that has the id at that moment. buf is a guarded
// buffer (see guarded), so a set bigger than buf ends in EFAULT, not past buf.
func semctlArray(id, cmd int, buf []byte) error {
	_, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), 0, uintptr(cmd), uintptr(unsafe.Pointer(unsafe.SliceData(buf))), 0, 0)
	return errnoErr(errno)
}

// semtimedop is semop: darwin has no timeout, and callers pass none.
func semtimedop(id int, ops []sembuf, _ *kernelTimespec) error {
	_, _, errno := unix.Syscall(unix.SYS_SEMOP, uintptr(id), uintptr(unsafe.Pointer(unsafe.SliceData(ops))), uintptr(len(ops)))
	return errnoErr(errno)
}
