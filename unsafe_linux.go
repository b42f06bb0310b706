//go:build linux

package shm

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file and unsafe.go hold every use of unsafe in the package.

// descOf hands a buffer of another kernel struct (struct shminfo64 for IPC_INFO, struct
// shm_info for SHM_INFO) to unix.SysvShmCtl, whose parameter is typed
// *unix.SysvShmDesc. x/sys passes the pointer to the kernel untouched, and the kernel
// writes only the struct the command defines, which is what v points to, so nothing is
// read or written past v.
func descOf[T shminfo64 | shmInfoDesc](v *T) *unix.SysvShmDesc {
	return (*unix.SysvShmDesc)(unsafe.Pointer(v))
}
