//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/go-sysv/shm"
)

// FuzzOptions feeds arbitrary option values and permission bits to Create and Attach:
// each call either works or fails with a *shm.Error, and never panics, crashes or leaks.
func FuzzOptions(f *testing.F) {
	f.Add(uint32(0o600), int64(shm.NoReserve), int64(shm.ReadOnly|shm.Populate), 4096)
	f.Add(uint32(0o7777), int64(-1), int64(shm.Round), 1)
	f.Add(uint32(0o644), int64(shm.HugePages1GB), int64(shm.Exec|shm.Remap), 0)
	f.Fuzz(func(t *testing.T, perm uint32, createOpt, attachOpt int64, size int) {
		size = size%(1<<20) + 1 // stay small: the fuzzer runs this millions of times
		if size <= 0 {
			size += 1 << 20
		}
		seg, err := shm.Create(shm.Private, size, fs.FileMode(perm), shm.CreateOption(createOpt))
		if err != nil {
			var e *shm.Error
			if !errors.As(err, &e) {
				t.Fatalf("Create error %v is not a *shm.Error", err)
			}
			return
		}
		defer seg.Remove()
		if perm&^0o777 != 0 {
			t.Fatalf("Create accepted permission %#o", perm)
		}
		b, err := seg.Attach(shm.AttachOption(attachOpt))
		if err != nil {
			var e *shm.Error
			if !errors.As(err, &e) {
				t.Fatalf("Attach error %v is not a *shm.Error", err)
			}
			return
		}
		if len(b) != size {
			t.Fatalf("Attach gave %d bytes of a %d byte segment", len(b), size)
		}
		if err := shm.Detach(b); err != nil {
			t.Fatal(err)
		}
	})
}
