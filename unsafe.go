package shm

import "unsafe"

// This file holds every use of unsafe in the package.

// firstByte returns a one-byte slice at the start of b's backing array, even when len(b)
// is 0, so that shmdt gets the attachment's address from b[:0] too. Only the address is
// used (unix.SysvShmDetach takes &s[0]); nothing is read or written through it, so it
// is sound even if the memory is no longer mapped.
func firstByte(b []byte) []byte {
	return unsafe.Slice(unsafe.SliceData(b), 1)
}

// sliceAddr returns the address of b's backing array, for error messages only.
func sliceAddr(b []byte) uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b)))
}

// viewAt returns b[off:] as a *T. View has checked that the T lies inside b and is
// aligned, and that T holds no Go pointers, so the garbage collector has nothing to
// find in it and the memory is as valid as b.
func viewAt[T any](b []byte, off int) *T {
	return (*T)(unsafe.Pointer(unsafe.SliceData(b[off:])))
}
