//go:build linux && !(386 || arm || mips || mipsle || ppc)

// (The bare calls use semtimedop, which 32-bit Linux has only as semtimedop_time64.)

package sem_test

import (
	"context"
	"testing"
	"time"
	"unsafe"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/sem"
	"golang.org/x/sys/unix"
)

// Each benchmark puts the same work done with bare system calls (x/sys/unix) beside
// ours: the difference is what the package's checks cost.

// BenchmarkMutexLock locks and unlocks a free mutex: with context.Background(), with a
// context that has a deadline (a wait that could be cancelled, which needs no watcher
// unless it must wait), and as the two bare semtimedop calls that Lock and Unlock end in.
// Run it with -count to alternate the variants.
func BenchmarkMutexLock(b *testing.B) {
	mu, err := sem.OpenMutex(shm.Private, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	removeAtEnd(b, mu.Set())
	timeout, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for _, v := range []struct {
		name string
		ctx  context.Context
	}{{"Background", context.Background()}, {"WithTimeout", timeout}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := mu.Lock(v.ctx); err != nil {
					b.Fatal(err)
				}
				if err := mu.Unlock(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("unix", func(b *testing.B) {
		b.ReportAllocs()
		id := mu.Set().ID()
		lock := [1]sembufC{{0, -1, 0x1000}}
		unlock := [2]sembufC{{0, 0, unix.IPC_NOWAIT}, {0, 1, 0x1000}}
		for b.Loop() {
			if _, _, errno := unix.Syscall6(unix.SYS_SEMTIMEDOP, uintptr(id), uintptr(unsafe.Pointer(&lock[0])), 1, 0, 0, 0); errno != 0 {
				b.Fatal(errno)
			}
			if _, _, errno := unix.Syscall6(unix.SYS_SEMTIMEDOP, uintptr(id), uintptr(unsafe.Pointer(&unlock[0])), 2, 0, 0, 0); errno != 0 {
				b.Fatal(errno)
			}
		}
	})
}

type sembufC struct {
	num uint16
	op  int16
	flg int16
}

// BenchmarkValues reads the 16 values of a set: Values checks the set's identity with
// IPC_STAT and has the kernel write into a guarded mapping; the bare GETALL writes into a
// Go array.
func BenchmarkValues(b *testing.B) {
	s := newSet(b, shm.Private, 16)
	b.Run("sem", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Values(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unix", func(b *testing.B) {
		b.ReportAllocs()
		var v [16]uint16
		for b.Loop() {
			if _, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(s.ID()), 0, 13, uintptr(unsafe.Pointer(&v[0])), 0, 0); errno != 0 {
				b.Fatal(errno)
			}
		}
	})
}
