//go:build linux

package shm

import "golang.org/x/sys/unix"

// shmat and shmdt are the bare system calls: x/sys/unix's SysvShmAttach sizes its slice
// from an int conversion of the size that panics, leaving the segment attached, where
// a 32-bit process attaches a segment of 2 GiB or more. Attach sizes the slice itself.

func shmat(id int, addr uintptr, flag int) (uintptr, error) {
	p, _, errno := unix.Syscall(unix.SYS_SHMAT, uintptr(id), addr, uintptr(flag))
	if errno != 0 {
		return 0, errno
	}
	return p, nil
}

func shmdt(addr uintptr) error {
	_, _, errno := unix.Syscall(unix.SYS_SHMDT, addr, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
