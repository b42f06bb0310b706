package ring

import (
	"sync/atomic"
	"unsafe"
)

// This file holds every use of unsafe in the package.

// wordAt returns the four bytes b[off:off+4] as a word for atomic operations. The
// slicing checks the bounds; callers pass offsets that are multiples of 4 into an
// attachment, which starts on a page boundary, so the word is aligned as sync/atomic
// requires on every architecture. The memory is a shared mapping outside the Go heap:
// the garbage collector neither scans nor moves it, and it stays valid until the ring
// is closed, which the Ring refuses while a Writer or Reader is open.
func wordAt(b []byte, off int) *atomic.Uint32 {
	return (*atomic.Uint32)(unsafe.Pointer(&b[off : off+4][0]))
}

// wordAddr returns the address of a word for futex(2), which the callers convert to
// uintptr in the Syscall call expression itself. The word lies in a shared mapping,
// not in Go memory, so nothing can move it while the kernel uses the address.
func wordAddr(w *atomic.Uint32) unsafe.Pointer { return unsafe.Pointer(w) }

// timespecAddr returns the address of a timeout for futex(2), converted to uintptr in
// the Syscall call expression, which keeps the variable in place for the call.
func timespecAddr[T any](ts *T) unsafe.Pointer { return unsafe.Pointer(ts) }
