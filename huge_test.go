//go:build linux

package shm_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm"
)

const nrHugepages = "/proc/sys/vm/nr_hugepages"

// setHugePages sets the pool of default-size huge pages, restoring it when the test ends.
func setHugePages(t *testing.T, n int) {
	t.Helper()
	old, err := os.ReadFile(nrHugepages)
	if err != nil {
		t.Skipf("no huge pages here: %v", err)
	}
	if err := os.WriteFile(nrHugepages, []byte(strconv.Itoa(n)), 0); err != nil {
		t.Skipf("cannot change %s (needs root): %v", nrHugepages, err)
	}
	t.Cleanup(func() {
		if err := os.WriteFile(nrHugepages, old, 0); err != nil {
			t.Errorf("restoring %s: %v", nrHugepages, err)
		}
	})
	// The kernel reserves what free memory allows, which can be fewer pages.
	b, err := os.ReadFile(nrHugepages)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := strconv.Atoi(strings.TrimSpace(string(b))); got != n {
		t.Skipf("asked the kernel for %d huge pages, it reserved %d", n, got)
	}
}

func hugePageSize(t *testing.T) int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Hugepagesize:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb * 1024
		}
	}
	t.Skip("no Hugepagesize in /proc/meminfo")
	return 0
}

func TestHugePages(t *testing.T) {
	needSysctlOptIn(t, "vm.nr_hugepages")
	if os.Getuid() != 0 {
		t.Skip("needs root to reserve huge pages through " + nrHugepages)
	}
	if hugePageSize(t) != 2<<20 {
		t.Skip("the default huge page size is not 2 MiB")
	}

	setHugePages(t, 0)
	_, err := shm.Create(shm.Private, 4<<20, 0o600, shm.HugePages2MB)
	if err == nil || !strings.Contains(err.Error(), "no huge pages are reserved") || !strings.Contains(err.Error(), "vm.nr_hugepages") {
		t.Fatalf("Create of huge pages with none reserved: %v, want an error that says how to reserve them", err)
	}

	setHugePages(t, 4)
	for _, opts := range [][]shm.CreateOption{{shm.HugePages}, {shm.HugePages2MB, shm.NoReserve}} {
		seg := newSegment(t, shm.Private, 4<<20, 0o600, opts...)
		b := attach(t, seg)
		for i := 0; i < len(b); i += 4096 {
			b[i] = byte(i / 4096 % 251)
		}
		for i := 0; i < len(b); i += 4096 {
			if b[i] != byte(i/4096%251) {
				t.Fatalf("huge page segment lost the write at %d", i)
			}
		}
		if m := mappingOf(t, b); m.perms != "rw-s" || m.pageSize != 2<<20 {
			t.Fatalf("mapping %+v is not of 2 MiB pages", m)
		}
		if err := shm.Detach(b); err != nil {
			t.Fatal(err)
		}
		if err := seg.Remove(); err != nil {
			t.Fatal(err)
		}
	}

	// The kernel rounds a huge page segment up to whole huge pages; the size stays.
	seg := newSegment(t, shm.Private, 4097, 0o600, shm.HugePages2MB)
	if b := attach(t, seg); len(b) != 4097 {
		t.Fatalf("len = %d, want 4097", len(b))
	}
}
