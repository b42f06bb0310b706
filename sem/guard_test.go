//go:build linux

package sem

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
)

// GETALL and SETALL with a buffer for fewer semaphores than the set has, as on a handle
// whose id was given to a bigger set after its identity was checked: the kernel stops at
// the guard page with EFAULT, which says the id names another set, and the set is left
// as it was. The sizes span the pooled one-page buffer and bigger mappings.
func TestGuardedBufferStopsTheKernel(t *testing.T) {
	for _, n := range []int{4000} {
		if l, err := readLimits(); err == nil && n > l.perSet {
			t.Skipf("SEMMSL (kernel.sem) is %d, below the %d semaphores this test needs", l.perSet, n)
		}
		values := make([]int, n)
		for i := range values {
			values[i] = 0x4141
		}
		s, err := Create(shm.Private, n, 0o600, values...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Remove() })
		for _, small := range []int{1, 3, 2047, 2048, 2049, n - 1} {
			if _, err := getall(s.id, small); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, syscall.EIDRM) {
				t.Errorf("GETALL of %d semaphores into a buffer for %d: %v, want the error of a reused id", n, small, err)
			}
			if err := setall(s.id, make([]int, small)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("SETALL of %d semaphores from a buffer for %d: %v, want the error of a reused id", n, small, err)
			}
		}
		got, err := getall(s.id, n)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != 0x4141 {
				t.Fatalf("%d semaphores: semaphore %d is %#x after the failed SETALLs, want 0x4141", n, i, v)
			}
		}
	}
}
