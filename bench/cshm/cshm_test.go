//go:build cbench && cgo && linux

package cshm_test

import (
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/bench/cshm"
)

func segment(b *testing.B) *shm.Segment {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { seg.Remove() })
	return seg
}

// Each C benchmark runs its b.N iterations in one call. The shm figures beside them come
// from the same process in the same run.

func BenchmarkAttachDetach(b *testing.B) {
	seg := segment(b)
	b.Run("c", func(b *testing.B) {
		b.ReportAllocs()
		if err := cshm.AttachDetach(seg.ID(), b.N); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("c+stat", func(b *testing.B) {
		b.ReportAllocs()
		if err := cshm.AttachStatDetach(seg.ID(), b.N); err != nil {
			b.Fatal(err)
		}
	})
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
}

func BenchmarkCreateRemove(b *testing.B) {
	b.Run("c", func(b *testing.B) {
		b.ReportAllocs()
		if err := cshm.CreateRemove(b.N); err != nil {
			b.Fatal(err)
		}
	})
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
}

func BenchmarkStat(b *testing.B) {
	seg := segment(b)
	b.Run("c", func(b *testing.B) {
		b.ReportAllocs()
		if err := cshm.Stat(seg.ID(), b.N); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("shm", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := seg.Stat(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
