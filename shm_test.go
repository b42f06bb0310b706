//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

func TestMain(m *testing.M) {
	proctest.Main(m, children)
}

// children are the parts a re-executed test binary can play; see process_test.go.
var children = map[string]func() int{
	"readwrite":     childReadWrite,
	"hold":          childHold,
	"rowrite":       childReadOnlyWrite,
	"nobody":        childNobody,
	"shmmax":        childShmmax,
	"usage":         childUsage,
	"reuse":         childReuse,
	"churn":         childChurn,
	"unmapped":      childUnmapped,
	"limits":        childLimits,
	"ownernoread":   childOwnerNoRead,
	"overflowchmod": childOverflowChmod,
}

// newSegment creates a segment that is removed when the test ends, however it ends.
func newSegment(t testing.TB, key shm.Key, size int, perm fs.FileMode, opts ...shm.CreateOption) *shm.Segment {
	t.Helper()
	seg, err := shm.Create(key, size, perm, opts...)
	if err != nil {
		t.Fatalf("Create(%v, %d, %v): %v", key, size, perm, err)
	}
	removeAtEnd(t, seg)
	return seg
}

// removeAtEnd removes seg when the test ends, unless the test removed it already.
func removeAtEnd(t testing.TB, seg *shm.Segment) {
	t.Cleanup(func() {
		if err := seg.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("cleanup: %v", err)
		}
	})
}

// attach attaches seg and detaches it when the test ends, unless the test did.
func attach(t testing.TB, seg *shm.Segment, opts ...shm.AttachOption) []byte {
	t.Helper()
	b, err := seg.Attach(opts...)
	if err != nil {
		t.Fatalf("Attach: %v", err)
	}
	t.Cleanup(func() { shm.Detach(b) })
	return b
}

// freeKey returns a key that names no segment now. Keys in the 0x7e5xxxxx range are
// ours; a random one is taken only if shm.Get says it is free.
func freeKey(t testing.TB) shm.Key {
	t.Helper()
	for range 100 {
		k := shm.Key(0x7e500000 | rand.Uint32N(0x100000))
		if _, err := shm.Get(k); errors.Is(err, fs.ErrNotExist) {
			return k
		}
	}
	t.Fatal("no free key found")
	return 0
}

// checkKernelTime fails the test unless got, a time the kernel recorded in whole seconds,
// falls between before and after, read from time.Now around the event. The kernel stamps
// with its coarse clock (ktime_get_real_seconds), which a tick after a second begins can
// still be in the second before, so both ends are taken to the second and widened by one.
func checkKernelTime(t testing.TB, what string, got, before, after time.Time) {
	t.Helper()
	lo := before.Truncate(time.Second).Add(-time.Second)
	hi := after.Truncate(time.Second).Add(time.Second)
	if got.Before(lo) || got.After(hi) {
		t.Errorf("%s = %v, want between %v and %v (the event's second, give or take one)", what, got, lo, hi)
	}
}

func mustStat(t testing.TB, seg *shm.Segment) shm.Info {
	t.Helper()
	info, err := seg.Stat()
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	return info
}

// sysctlOptIn names the environment variable with which whoever runs the tests lets them
// change machine-wide settings (sysctls outside an IPC namespace of the test's own),
// which the tests restore when they end. CONTRIBUTING.md names it; CI sets it.
const sysctlOptIn = "SHM_TEST_SYSCTL"

// needSysctlOptIn skips the test, saying which variable to set, unless whoever runs it
// let tests change machine-wide settings such as the sysctl named.
func needSysctlOptIn(t testing.TB, sysctl string) {
	t.Helper()
	if os.Getenv(sysctlOptIn) != "1" {
		t.Skipf("changes the machine-wide %s; set %s=1 to let it (it restores the setting)", sysctl, sysctlOptIn)
	}
}
