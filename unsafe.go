package shm

import "unsafe"

// This file holds every use of unsafe in the package.

// bytesAt returns the n bytes at addr, an address shmat(2) returned, as a slice. The
// memory is a shared mapping outside the Go heap, which the garbage collector neither
// scans nor frees; it stays valid until it is detached. Reading the address through
// &addr rather than converting the uintptr keeps vet's unsafeptr check meaningful for
// the rest of the package.
func bytesAt(addr uintptr, n int) []byte {
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), n)
}

// sliceAddr returns the address of b's backing array: for shmdt(2), which takes an
// address and unmaps only an attachment that starts there, and for error messages.
func sliceAddr(b []byte) uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b)))
}

// viewAt returns b[off:] as a *T. View has checked that the T lies inside b and is
// aligned, and that T holds no Go pointers, so the garbage collector has nothing to
// find in it and the memory is as valid as b.
func viewAt[T any](b []byte, off int) *T {
	return (*T)(unsafe.Pointer(unsafe.SliceData(b[off:])))
}
