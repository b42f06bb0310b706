//go:build linux

package shm

import "golang.org/x/sys/unix"

func lock(id int, on bool) error {
	cmd := shmUnlock
	if on {
		cmd = shmLock
	}
	_, err := unix.SysvShmCtl(id, cmd, nil)
	return err
}
