//go:build linux || (darwin && !ios)

package sem

import (
	"encoding/binary"
	"os"
	"runtime"
	"sync"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
	"golang.org/x/sys/unix"
)

// What Linux and darwin share: semget, and the array calls of semctl.

func semget(key shm.Key, n, flag int) (int, error) {
	// key_t is a C int: pass the key's bits as one.
	id, _, errno := unix.Syscall(sysSemget, uintptr(int(int32(key))), uintptr(n), uintptr(flag))
	if errno != 0 {
		return -1, errno
	}
	return int(id), nil
}

func errnoErr(errno syscall.Errno) error {
	if errno != 0 {
		return errno
	}
	return nil
}

// getall returns the values of the n semaphores of set id (GETALL). The kernel writes
// as many values as the set that has the id at that moment holds, so the buffer it
// writes is guarded: if the id was given to a bigger set since the caller learnt n, the
// kernel fails with EFAULT at the end of the buffer instead of writing past it.
func getall(id, n int) ([]int, error) {
	g, buf, err := guardedBuffer(2 * n)
	if err != nil {
		return nil, err
	}
	defer g.release()
	if err := semctlArray(id, getallCmd, buf); err != nil {
		return nil, arrayErr(err)
	}
	values := make([]int, n)
	for i := range values {
		values[i] = int(binary.NativeEndian.Uint16(buf[2*i:]))
	}
	return values, nil
}

// setall sets the semaphores of set id to values (SETALL), through a guarded buffer as
// getall does: the kernel reads as many values as the set has, and must not read, and
// give a set it was not meant for, whatever lies after ours.
func setall(id int, values []int) error {
	g, buf, err := guardedBuffer(2 * len(values))
	if err != nil {
		return err
	}
	defer g.release()
	for i, v := range values {
		binary.NativeEndian.PutUint16(buf[2*i:], uint16(v))
	}
	return arrayErr(semctlArray(id, setallCmd, buf))
}

// arrayErr explains EFAULT from GETALL and SETALL: the buffer is exactly as long as the
// set the handle names, so the kernel reached its end only because the id now names a
// bigger set.
func arrayErr(err error) error {
	if err == syscall.EFAULT {
		return ipcerr.Reused("semaphore set")
	}
	return err
}

// guarded is a mapping of whole pages followed at once by a page that can be neither
// read nor written. It is outside the Go heap, so nothing but its user lies in it.
type guarded struct {
	mapping []byte
	usable  int // bytes before the guard page
}

// guardedPages holds guarded mappings of one usable page, free for reuse: making and
// removing a mapping costs several microseconds (most of it the page fault that
// allocates and zeroes the fresh page), against a fraction of one for GETALL itself.
// A mapping the pool drops is unmapped by its cleanup. The pool is a cache of free
// memory; no caller sees its state.
var guardedPages sync.Pool

// guardedBuffer returns a buffer of size bytes that ends where a guard page begins, and
// the mapping to release when done with it.
func guardedBuffer(size int) (*guarded, []byte, error) {
	page := os.Getpagesize()
	g, _ := guardedPages.Get().(*guarded)
	if g == nil || size > g.usable {
		if g != nil {
			guardedPages.Put(g)
		}
		usable := max(1, (size+page-1)/page) * page
		mapping, err := unix.Mmap(-1, 0, usable+page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			return nil, nil, ipcerr.Because(err, "mapping a buffer for %d semaphore values", size/2)
		}
		if err := unix.Mprotect(mapping[usable:], unix.PROT_NONE); err != nil {
			unix.Munmap(mapping)
			return nil, nil, ipcerr.Because(err, "protecting the page after a buffer of %d semaphore values", size/2)
		}
		g = &guarded{mapping, usable}
		if usable == page {
			runtime.AddCleanup(g, func(m []byte) { unix.Munmap(m) }, mapping)
		}
	}
	return g, g.mapping[g.usable-size : g.usable], nil
}

// release gives the mapping back to the pool, or unmaps it if it is bigger than a page.
// Only then may nothing use the buffer any more: until then g, and so the mapping, is
// kept alive.
func (g *guarded) release() {
	if g.usable == os.Getpagesize() {
		guardedPages.Put(g)
		return
	}
	unix.Munmap(g.mapping)
}

// is64bit is true where uintptr, and so a register, has 64 bits.
const is64bit = ^uintptr(0)>>63 == 1

// setvalArg passes an int as semctl's fourth argument, union semun, whose int member
// sits in the high half of the register on 64-bit big-endian machines.
func setvalArg(v int) uintptr {
	if isBigEndian && is64bit {
		return uintptr(uint64(uint32(v)) << 32)
	}
	return uintptr(uint32(v))
}
