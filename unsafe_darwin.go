//go:build darwin && !ios

package shm

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// descBytes returns *d as bytes, to read the fields x/sys/unix leaves unnamed. Sound: d
// points to a whole SysvShmDesc, which is only read, while d is alive.
func descBytes(d *unix.SysvShmDesc) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(d)), unsafe.Sizeof(*d))
}
