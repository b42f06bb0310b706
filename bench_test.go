//go:build linux

package shm_test

import (
	"os"
	"testing"

	"github.com/go-sysv/shm"
	"golang.org/x/sys/unix"
)

// The control path, each operation beside the same system calls made directly with
// golang.org/x/sys/unix in the same run. bench/run.sh turns them into ratios.

func BenchmarkAttachDetach(b *testing.B) {
	seg := newSegment(b, shm.Private, 4096, 0o600)
	b.Run("shm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m, err := seg.Attach()
			if err != nil {
				b.Fatal(err)
			}
			if err := shm.Detach(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unix", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m, err := unix.SysvShmAttach(seg.ID(), 0, 0)
			if err != nil {
				b.Fatal(err)
			}
			if err := unix.SysvShmDetach(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCreateRemove(b *testing.B) {
	b.Run("shm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			seg, err := shm.Create(shm.Private, 4096, 0o600)
			if err != nil {
				b.Fatal(err)
			}
			if err := seg.Remove(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unix", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			id, err := unix.SysvShmGet(unix.IPC_PRIVATE, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := unix.SysvShmCtl(id, unix.IPC_RMID, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkStat(b *testing.B) {
	seg := newSegment(b, shm.Private, 4096, 0o600)
	b.Run("shm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := seg.Stat(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unix", func(b *testing.B) {
		b.ReportAllocs()
		var d unix.SysvShmDesc
		for b.Loop() {
			if _, err := unix.SysvShmCtl(seg.ID(), unix.IPC_STAT, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFirstTouch attaches a 64 MiB segment and writes one byte per page, as a
// reader does with what a writer filled ("resident": the pages exist already) and as a
// writer does with a new segment ("fresh": the kernel must also zero every page), with
// and without Populate.
func BenchmarkFirstTouch(b *testing.B) {
	const size = 64 << 20
	page := os.Getpagesize()
	touch := func(b *testing.B, seg *shm.Segment, opts ...shm.AttachOption) {
		m, err := seg.Attach(opts...)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(m); i += page {
			m[i] = 1
		}
		if err := shm.Detach(m); err != nil {
			b.Fatal(err)
		}
	}
	for _, mode := range []struct {
		name string
		opts []shm.AttachOption
	}{{"pagewise", nil}, {"populate", []shm.AttachOption{shm.Populate}}} {
		b.Run("resident/"+mode.name, func(b *testing.B) {
			seg := newSegment(b, shm.Private, size, 0o600)
			touch(b, seg) // fill it, as the writer did
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				touch(b, seg, mode.opts...)
			}
		})
		b.Run("fresh/"+mode.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				seg, err := shm.Create(shm.Private, size, 0o600)
				if err != nil {
					b.Fatal(err)
				}
				touch(b, seg, mode.opts...)
				if err := seg.Remove(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPopulateAdvice compares the two advices Populate could use on a read-write
// attachment of a resident 64 MiB segment, each followed by a write to every page: the
// advice must leave the pages writable without a further fault. The two alternate,
// five rounds each in one run, so that a busy machine slows both alike; Populate uses
// the faster.
func BenchmarkPopulateAdvice(b *testing.B) {
	const size = 64 << 20
	page := os.Getpagesize()
	seg := newSegment(b, shm.Private, size, 0o600)
	fill, err := seg.Attach()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < size; i += page {
		fill[i] = 1
	}
	shm.Detach(fill)
	for range 5 {
		for _, advice := range []struct {
			name   string
			advice int
		}{{"read", unix.MADV_POPULATE_READ}, {"write", unix.MADV_POPULATE_WRITE}} {
			b.Run(advice.name, func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					m, err := seg.Attach()
					if err != nil {
						b.Fatal(err)
					}
					if err := unix.Madvise(m, advice.advice); err != nil {
						b.Fatal(err)
					}
					for i := 0; i < len(m); i += page {
						m[i] = 2
					}
					shm.Detach(m)
				}
			})
		}
	}
}

// BenchmarkList lists 1000 segments (and whatever else the machine has), the size of
// a busy database server's table.
func BenchmarkList(b *testing.B) {
	for range 1000 {
		newSegment(b, shm.Private, 4096, 0o600)
	}
	b.ReportAllocs()
	for b.Loop() {
		infos, err := shm.List()
		if err != nil || len(infos) < 1000 {
			b.Fatalf("List: %d segments, %v", len(infos), err)
		}
	}
}

// BenchmarkHugePagesFirstTouch makes a 64 MiB segment, attaches it, writes every 4 KiB
// and removes it, with base pages and with 2 MiB huge pages, alternating three rounds.
// It needs 32 free 2 MiB pages, which it does not reserve itself: as root, run
// sysctl vm.nr_hugepages=40 first (and set it back after).
func BenchmarkHugePagesFirstTouch(b *testing.B) {
	const size = 64 << 20
	probe, err := shm.Create(shm.Private, size, 0o600, shm.HugePages2MB)
	if err != nil {
		b.Skipf("no 64 MiB of free 2 MiB huge pages: %v", err)
	}
	probe.Remove()
	for range 3 {
		for _, v := range []struct {
			name string
			opts []shm.CreateOption
		}{{"base", nil}, {"huge2MB", []shm.CreateOption{shm.HugePages2MB}}} {
			b.Run(v.name, func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					seg, err := shm.Create(shm.Private, size, 0o600, v.opts...)
					if err != nil {
						b.Fatal(err)
					}
					m, err := seg.Attach()
					if err != nil {
						seg.Remove()
						b.Fatal(err)
					}
					for i := 0; i < size; i += 4096 {
						m[i] = 1
					}
					shm.Detach(m)
					if err := seg.Remove(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
