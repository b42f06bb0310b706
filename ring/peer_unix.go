//go:build unix && !linux

package ring

import "golang.org/x/sys/unix"

// watch follows one process with kill(pid, 0), which fails with ESRCH once the process
// is gone (and reaped). Without a pidfd or a start time to compare, a pid that the
// system gave to a new process passes for the old one.
type watch struct {
	pid   int
	start uint64
	dead  bool
}

func (w *watch) alive(pid int, start uint64) bool {
	if w.pid != pid || w.start != start {
		*w = watch{pid: pid, start: start}
	}
	if !w.dead && (pid <= 0 || unix.Kill(pid, 0) == unix.ESRCH) {
		w.dead = true
	}
	return !w.dead
}

func (w *watch) close() {}

func startTime(int) (uint64, bool) { return 0, false }
