//go:build linux

package shm_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/go-sysv/shm"
)

// mapping describes the entry of /proc/self/smaps for the mapping that starts at b.
type mapping struct {
	perms    string // as in /proc/self/maps: "rw-s"
	rss      int    // resident bytes mapped into this process
	pageSize int    // the kernel's page size for it, in bytes
}

func mappingOf(t *testing.T, b []byte) mapping {
	t.Helper()
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	start := fmt.Sprintf("%x-", uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	var m mapping
	found := false
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) > 1 && strings.HasPrefix(fields[0], start):
			found, m.perms = true, fields[1]
		case !found || len(fields) != 3 || fields[2] != "kB":
		case fields[0] == "KernelPageSize:": // comes before Rss
			kb, _ := strconv.Atoi(fields[1])
			m.pageSize = kb << 10
		case fields[0] == "Rss:":
			kb, _ := strconv.Atoi(fields[1])
			m.rss = kb << 10
			return m
		}
	}
	t.Fatalf("no mapping at %s in /proc/self/smaps", start)
	return m
}

func TestAttachOptionsMapAsAsked(t *testing.T) {
	// Exec (SHM_EXEC) needs the x bit, as a file does; root's CAP_IPC_OWNER skips the
	// check, so a segment without it would pass as root only.
	seg := newSegment(t, shm.Private, 4096, 0o700)
	tests := []struct {
		opts  []shm.AttachOption
		perms string
	}{
		{nil, "rw-s"},
		{[]shm.AttachOption{shm.ReadOnly}, "r--s"},
		{[]shm.AttachOption{shm.Exec}, "rwxs"},
		{[]shm.AttachOption{shm.ReadOnly, shm.Exec}, "r-xs"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.perms), func(t *testing.T) {
			b := attach(t, seg, tt.opts...)
			if got := mappingOf(t, b).perms; got != tt.perms {
				t.Fatalf("mapping is %s, want %s", got, tt.perms)
			}
		})
	}
}

// SHM_EXEC is refused to a user without the x bit, as shmat(2) says. Root is exempt
// (CAP_IPC_OWNER); TestPermissionsForAnotherUser checks the x bit as uid 65534 from root.
func TestExecNeedsTheXBit(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root attaches with SHM_EXEC whatever the mode (CAP_IPC_OWNER); TestPermissionsForAnotherUser checks the x bit as uid 65534")
	}
	seg := newSegment(t, shm.Private, 4096, 0o600)
	for _, opts := range [][]shm.AttachOption{{shm.Exec}, {shm.ReadOnly, shm.Exec}} {
		b, err := seg.Attach(opts...)
		if err == nil {
			shm.Detach(b)
		}
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Attach(%v) of a 0600 segment: %v, want fs.ErrPermission", opts, err)
		}
	}
	if err := seg.Chmod(0o500); err != nil {
		t.Fatal(err)
	}
	if b := attach(t, seg, shm.ReadOnly, shm.Exec); mappingOf(t, b).perms != "r-xs" {
		t.Fatalf("Attach(ReadOnly, Exec) of a 0500 segment maps %s, want r-xs", mappingOf(t, b).perms)
	}
}

func TestPopulatePrefaults(t *testing.T) {
	const size = 4 << 20
	seg := newSegment(t, shm.Private, size, 0o600)
	for _, opts := range [][]shm.AttachOption{{shm.Populate}, {shm.Populate, shm.ReadOnly}} {
		b := attach(t, seg)
		if rss := mappingOf(t, b).rss; rss != 0 {
			t.Fatalf("plain attach has %d bytes resident before any touch, want 0", rss)
		}
		p := attach(t, seg, opts...)
		if rss := mappingOf(t, p).rss; rss != size {
			t.Fatalf("Attach(%v) has %d bytes resident, want all %d", opts, rss, size)
		}
		shm.Detach(b)
		shm.Detach(p)
	}
}

// threadMinorFaults returns the minor page faults of the calling thread so far.
func threadMinorFaults(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile("/proc/thread-self/stat")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 8 {
		t.Fatalf("cannot parse /proc/thread-self/stat: %q", data)
	}
	n, err := strconv.Atoi(fields[7]) // minflt, the 10th field of the line
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Populate must leave every page mapped for writing too: a write to each page after it
// must not fault, where it faults once a page without it.
func TestPopulateLeavesPagesWritable(t *testing.T) {
	const size = 4 << 20
	page := os.Getpagesize()
	seg := newSegment(t, shm.Private, size, 0o600)
	fill := attach(t, seg)
	for i := 0; i < size; i += page {
		fill[i] = 1 // the pages exist, as a writer left them
	}
	runtime.LockOSThread() // the fault counts are this thread's
	defer runtime.UnlockOSThread()
	// The runtime can take a few faults of its own on this thread meanwhile, so the
	// bounds are far apart: about none with Populate, one a page without it.
	pages := size / page
	for _, tc := range []struct {
		name      string
		opts      []shm.AttachOption
		maxFaults int
	}{
		{"Populate", []shm.AttachOption{shm.Populate}, pages / 16},
		{"Plain", nil, 2 * pages},
	} {
		b := attach(t, seg, tc.opts...)
		before := threadMinorFaults(t)
		for i := 0; i < size; i += page {
			b[i] = 2
		}
		faults := threadMinorFaults(t) - before
		if faults > tc.maxFaults || tc.opts == nil && faults < pages/2 {
			t.Errorf("%s: writing %d pages took %d faults", tc.name, pages, faults)
		}
		shm.Detach(b)
	}
}

func TestAttachAt(t *testing.T) {
	seg := newSegment(t, shm.Private, 8192, 0o600)
	other := newSegment(t, shm.Private, 8192, 0o600)
	first := attach(t, seg)
	addr := uintptr(unsafe.Pointer(&first[0]))
	first[0] = 'A'
	if err := shm.Detach(first); err != nil {
		t.Fatal(err)
	}

	b, err := seg.AttachAt(addr)
	if err != nil {
		t.Fatal(err)
	}
	if got := uintptr(unsafe.Pointer(&b[0])); got != addr || b[0] != 'A' {
		t.Fatalf("AttachAt(%#x) attached at %#x with b[0]=%q", addr, got, b[0])
	}

	if _, err := other.AttachAt(addr); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("AttachAt over a mapping without Remap: %v, want fs.ErrInvalid", err)
	}
	if _, err := other.AttachAt(addr + 1); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("AttachAt an unaligned address without Round: %v, want fs.ErrInvalid", err)
	}
	if err := shm.Detach(b); err != nil {
		t.Fatal(err)
	}

	r, err := seg.AttachAt(addr+1, shm.Round)
	if err != nil {
		t.Fatal(err)
	}
	if got := uintptr(unsafe.Pointer(&r[0])); got != addr {
		t.Fatalf("AttachAt(%#x, Round) attached at %#x, want %#x", addr+1, got, addr)
	}
	m, err := other.AttachAt(addr, shm.Remap)
	if err != nil {
		t.Fatalf("AttachAt with Remap: %v", err)
	}
	m[0] = 'M'
	if r[0] != 'M' {
		t.Fatalf("after Remap the old slice sees %q, want the new segment's 'M'", r[0])
	}
	if n := mustStat(t, seg).Attached; n != 0 {
		t.Fatalf("the remapped-over segment has %d attachments, want 0", n)
	}
	if err := shm.Detach(m[:0]); err != nil {
		t.Fatalf("Detach of b[:0]: %v", err)
	}
	if err := shm.Detach(r); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("Detach of the replaced attachment: %v, want fs.ErrInvalid", err)
	}
}

func TestConcurrentAttachDetach(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	const goroutines, rounds = 16, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for range rounds {
				b, err := seg.Attach()
				if err != nil {
					errs <- err
					return
				}
				b[g*8]++ // each goroutine owns its own bytes
				if _, err := seg.Stat(); err != nil {
					errs <- err
				}
				if err := shm.Detach(b); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	b := attach(t, seg)
	for g := range goroutines {
		if b[g*8] != byte(rounds%256) {
			t.Errorf("goroutine %d's counter is %d, want %d", g, b[g*8], rounds%256)
		}
	}
	if n := mustStat(t, seg).Attached; n != 1 {
		t.Fatalf("Attached = %d after all goroutines detached, want 1", n)
	}
}
