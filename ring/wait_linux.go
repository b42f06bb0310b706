//go:build linux

package ring

import (
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// futex(2) operations, without FUTEX_PRIVATE_FLAG: the word is shared between
// processes, so the kernel must key the wait on the page, not on this address space.
const (
	futexWait = 0 // FUTEX_WAIT
	futexWake = 1 // FUTEX_WAKE
)

// alarmed says that wake reaches a sleeper, so that a Go timer can end a sleep.
const alarmed = true

// sleep sleeps until the word no longer holds raw, something wakes it, or d passes (0:
// no timeout): FUTEX_WAIT, which returns at once (EAGAIN) if the word has already
// changed. Spurious returns are harmless: the caller looks again.
func sleep(w *atomic.Uint32, raw uint32, d time.Duration) {
	if d == 0 {
		unix.Syscall6(unix.SYS_FUTEX, uintptr(wordAddr(w)), futexWait, uintptr(raw), 0, 0, 0)
		return
	}
	ts := unix.NsecToTimespec(int64(d))
	unix.Syscall6(unix.SYS_FUTEX, uintptr(wordAddr(w)), futexWait, uintptr(raw), uintptr(timespecAddr(&ts)), 0, 0)
}

// wake wakes whoever sleeps on the word: at most one process waits on each counter.
func wake(w *atomic.Uint32) {
	unix.Syscall6(unix.SYS_FUTEX, uintptr(wordAddr(w)), futexWake, 1<<30, 0, 0, 0)
}
