//go:build darwin && !ios

package shm

import "golang.org/x/sys/unix"

// darwin's shmat and shmdt are reached through x/sys/unix's libSystem wrappers, which
// take and give slices; darwin is 64-bit only, so their int sizes always fit.

func shmat(id int, addr uintptr, flag int) (uintptr, error) {
	b, err := unix.SysvShmAttach(id, addr, flag)
	if err != nil {
		return 0, err
	}
	return sliceAddr(b), nil
}

func shmdt(addr uintptr) error {
	return unix.SysvShmDetach(bytesAt(addr, 1))
}
