//go:build linux

package ring

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// watch follows one process through a pidfd (pidfd_open(2), Linux 5.3): a file
// descriptor for the process itself rather than for its number, which polls readable
// once the process has exited, even as an unreaped zombie. To be sure the pidfd names
// the process that wrote the owner record and not a later one given the same pid, the
// process's start time (field 22 of /proc/PID/stat, in clock ticks since boot) is
// compared with the one in the record, after the pidfd is open. Without pidfd_open,
// watch falls back to kill(pid, 0) and the start time on every check.
type watch struct {
	pid   int
	start uint64
	fd    int
	known bool // pid and start are the ones followed
	dead  bool
}

// alive reports whether the process pid, started at start (0: unknown), still runs.
func (w *watch) alive(pid int, start uint64) bool {
	if !w.known || w.pid != pid || w.start != start {
		w.close()
		w.pid, w.start, w.known = pid, start, true
		w.open()
	}
	if w.dead {
		return false
	}
	if w.fd < 0 {
		if err := unix.Kill(pid, 0); err == unix.ESRCH || !sameStart(pid, start) {
			w.dead = true
		}
		return !w.dead
	}
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		if err == nil && n > 0 {
			w.dead = true // readable: the process has exited
		}
		return !w.dead
	}
}

func (w *watch) open() {
	w.fd, w.dead = -1, false
	if w.pid <= 0 {
		w.dead = true
		return
	}
	fd, err := unix.PidfdOpen(w.pid, 0)
	switch err {
	case nil:
		w.fd = fd
		unix.CloseOnExec(fd)
	case unix.ESRCH:
		// No such process (also a pid of another pid namespace).
		w.dead = true
		return
	default:
		// ENOSYS before Linux 5.3, EMFILE: fall back to kill(pid, 0).
	}
	if !sameStart(w.pid, w.start) {
		w.dead = true
	}
}

func (w *watch) close() {
	if w.known && w.fd >= 0 {
		unix.Close(w.fd)
	}
	w.known, w.fd = false, -1
}

// sameStart reports whether process pid started at start, as far as /proc can tell:
// a start of 0, or no /proc, proves nothing either way.
func sameStart(pid int, start uint64) bool {
	if start == 0 {
		return true
	}
	now, err := procStart(pid)
	if err == nil {
		return now == start
	}
	return !os.IsNotExist(err) && err != syscall.ESRCH
}

// startTime returns the start time of process pid, 0 and false if /proc cannot say.
func startTime(pid int) (uint64, bool) {
	t, err := procStart(pid)
	return t, err == nil
}

func procStart(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// "pid (comm) state ppid ...": comm can hold anything, so split after its last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, syscall.EINVAL
	}
	f := bytes.Fields(b[i+1:])
	const field = 22 - 3 // starttime is field 22; the fields after comm start at 3
	if len(f) <= field {
		return 0, syscall.EINVAL
	}
	return strconv.ParseUint(string(f[field]), 10, 64)
}
