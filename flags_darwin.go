//go:build darwin && !ios

package shm

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// Darwin offers System V shared memory without the Linux extensions: no huge pages,
// SHM_NORESERVE, SHM_EXEC or SHM_REMAP.

func createFlags(o CreateOption) (int, error) {
	if o != 0 {
		return 0, errors.ErrUnsupported
	}
	return 0, nil
}

func attachFlags(o AttachOption) (int, error) {
	if o&(Exec|Remap) != 0 {
		return 0, errors.ErrUnsupported
	}
	var flag int
	if o&ReadOnly != 0 {
		flag |= unix.SHM_RDONLY
	}
	if o&Round != 0 {
		flag |= unix.SHM_RND
	}
	return flag, nil
}

func hugeHint(_ int, errno syscall.Errno) error { return errno }
