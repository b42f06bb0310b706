//go:build linux

package shm

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// populate pre-faults b with MADV_POPULATE_WRITE (READ for a read-only attachment), which
// maps every page in one call instead of one fault per page. Kernels before 5.14 do not
// know the advice (EINVAL); there we touch the pages instead.
func populate(b []byte, readOnly bool) error {
	advice := unix.MADV_POPULATE_WRITE
	if readOnly {
		advice = unix.MADV_POPULATE_READ
	}
	for {
		err := unix.Madvise(b, advice)
		switch err {
		case nil:
			return nil
		case syscall.EINTR:
			continue
		case syscall.EINVAL:
			touch(b)
			return nil
		}
		return err
	}
}
