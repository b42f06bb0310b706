//go:build linux

package shm

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// populate pre-faults b with MADV_POPULATE_READ, which maps every page in one call
// instead of one fault per page. A read fault on a shared mapping of a segment maps the
// page writable where the attachment is, so writes after it do not fault either, and it
// is faster than MADV_POPULATE_WRITE (BENCHMARKS.md). Kernels before 5.14 do not know
// the advice (EINVAL); there the pages are touched instead.
func populate(b []byte) error {
	for {
		err := unix.Madvise(b, unix.MADV_POPULATE_READ)
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
