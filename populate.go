package shm

import (
	"os"
	"runtime"
)

// touch reads one byte of every page of b, so that each page is faulted in now. On a
// shared mapping a read fault maps the page writable too, so later writes do not fault.
func touch(b []byte) {
	page := os.Getpagesize()
	var sum byte
	for i := 0; i < len(b); i += page {
		sum += b[i]
	}
	runtime.KeepAlive(sum)
}
