//go:build linux

package sem

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

// x/sys/unix wraps none of semget, semop, semtimedop and semctl; these are the raw
// system calls, with the constants of linux/ipc.h and linux/sem.h.
const (
	ipcCreat  = unix.IPC_CREAT
	ipcExcl   = unix.IPC_EXCL
	ipcNowait = unix.IPC_NOWAIT
	ipcRmid   = unix.IPC_RMID
	ipcStat   = unix.IPC_STAT
	semUndo   = 0x1000
	sysSemget = unix.SYS_SEMGET

	getpid    = 11
	getval    = 12
	getallCmd = 13
	getncnt   = 14
	getzcnt   = 15
	setval    = 16
	setallCmd = 17
	semInfo   = 19

	semStatAny = 20 // SEM_STAT_ANY, Linux 4.17
	semStat    = 18 // SEM_STAT
	ipcInfoCmd = 3  // IPC_INFO
	ipcSetCmd  = unix.IPC_SET
)

// semctlCmd adds IPC_64 where the system call needs it to use the 64-bit layouts.
func semctlCmd(cmd int) int { return cmd | semctlVersion }

// semctl makes the semctl calls whose fourth argument is a number, not a pointer.
func semctl(id, num, cmd int, arg uintptr) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), uintptr(num), uintptr(semctlCmd(cmd)), arg, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

// kernelTimespec is struct __kernel_timespec: 64-bit seconds on every architecture.
type kernelTimespec struct {
	sec, nsec int64
}

const forever = time.Duration(1<<63 - 1)

// waitSlice is the longest a wait sleeps in the kernel between looks at its context
// when no signal can interrupt it (SIGURG ignored).
const waitSlice = 4 * time.Millisecond

// semop performs ops on s, waiting as long as ctx allows; ops is the caller's own
// slice, whose flags it changes and restores. Go's runtime signals its threads often
// (preemption, profiling), and semop is never restarted after a signal, so EINTR is
// retried with what is left of the deadline; before each retry the set's identity is
// checked again, since the id may have been reused while nothing held it.
//
// Most calls need not wait, so the first try has IPC_NOWAIT and costs neither a timeout
// nor a watcher. A call that must wait with a context that can be cancelled gets a
// watcher that, once ctx is done, interrupts the waiting thread with SIGURG (which the
// runtime ignores) until the wait has ended. If the program has made the process ignore
// SIGURG (signal.Ignore), that signal is discarded, so the wait is made of slices of
// waitSlice instead, with a look at ctx between them.
func semop(ctx context.Context, s *Set, ops []sembuf) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := ctx.Done()
	deadline, hasDeadline := ctx.Deadline()
	if done == nil && !hasDeadline {
		for { // nothing can end this wait but the kernel: wait there
			err := semtimedop(s.id, ops, nil)
			if err != syscall.EINTR {
				return err
			}
			if err := s.recheck(); err != nil {
				return err
			}
		}
	}
	setNowait(ops, ipcNowait)
	err := semtimedop(s.id, ops, nil)
	setNowait(ops, 0)
	if err != syscall.EAGAIN && err != syscall.EINTR { // done, or failed
		return err
	}

	// The call must wait.
	sliced := done != nil && signal.Ignored(syscall.SIGURG)
	if done != nil && !sliced {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		stop := sysv.InterruptOnDone(ctx, unix.Gettid())
		defer stop()
	}
	for {
		var ts kernelTimespec
		left := forever
		if hasDeadline {
			left = time.Until(deadline)
			if left <= 0 {
				return context.DeadlineExceeded
			}
		}
		if sliced {
			left = min(left, waitSlice)
		}
		timeout := &ts
		if left == forever {
			timeout = nil
		} else {
			ts = kernelTimespec{int64(left / time.Second), int64(left % time.Second)}
		}
		err := semtimedop(s.id, ops, timeout)
		switch {
		case err == nil:
			return nil
		case err == syscall.EINTR, err == syscall.EAGAIN && timeout != nil:
			// A signal, or the end of a slice or of the deadline: look at ctx, and at
			// whether the id still names the set, before waiting again.
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.recheck(); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// stat reads set id with IPC_STAT, which needs read permission. Where that is refused
// (EACCES), it reads the same with SEM_STAT_ANY (Linux 4.17), which needs none, as
// /proc/sysvipc/sem shows the same to every user, so that a handle can check its set
// whatever the set's mode.
func stat(id int) (Info, error) {
	var d semidDS
	_, err := semctlStat(id, ipcStat, &d)
	if err == syscall.EACCES && statAny(id, &d) {
		err = nil
	}
	if err != nil {
		return Info{}, err
	}
	return infoOf(id, &d), nil
}

// infoOf converts the kernel's struct semid64_ds of set id.
func infoOf(id int, d *semidDS) Info {
	otime, ctime := d.times()
	return Info{
		Key:        shm.Key(uint32(d.perm.Key)),
		ID:         id,
		Len:        int(d.nsems),
		Mode:       os.FileMode(uint32(d.perm.Mode) & 0o777),
		UID:        int(d.perm.Uid),
		GID:        int(d.perm.Gid),
		CUID:       int(d.perm.Cuid),
		CGID:       int(d.perm.Cgid),
		LastOp:     sysv.Time(otime),
		LastChange: sysv.Time(ctime),
	}
}

// statAny reads set id with SEM_STAT_ANY, which takes an index into the kernel's table:
// the low 15 bits of the id, or the low 24 with the ipcmni_extend boot option. The id
// the call returns says which.
func statAny(id int, d *semidDS) bool {
	for _, mask := range []int{1<<15 - 1, 1<<24 - 1} {
		if got, err := semctlStat(id&mask, semStatAny, d); err == nil && got == id {
			return true
		}
	}
	return false
}

// seminfo is struct seminfo of linux/sem.h, which SEM_INFO fills with the limits of
// kernel.sem and, in semusz and semaem, the sets and semaphores in use.
type seminfo struct {
	semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem int32
}

// readLimits returns the limits that semget enforces, and what is in use, from
// semctl(2) SEM_INFO, which needs no permission.
func readLimits() (limits, error) {
	var si seminfo
	if _, err := semctlInfo(semInfo, &si); err != nil {
		return limits{}, err
	}
	return limits{
		perSet: int(si.semmsl), semaphores: int(si.semmns), sets: int(si.semmni),
		usedSemaphores: int(si.semaem), usedSets: int(si.semusz),
		sysctl: "sysctl kernel.sem",
	}, nil
}

// ipcSet sets the owner, group and permission bits of set id at once, as IPC_SET takes
// them: the kernel reads only these fields of the struct it is given.
func ipcSet(id int, uid, gid, perm uint32) error {
	var d semidDS
	d.perm.Uid, d.perm.Gid = uid, gid
	sysv.SetPermBits(&d.perm.Mode, perm)
	return semctlSet(id, &d)
}

func limitInfo() (LimitInfo, error) {
	var si seminfo
	if _, err := semctlInfo(ipcInfoCmd, &si); err != nil {
		return LimitInfo{}, err
	}
	return LimitInfo{
		MaxSets:       int(si.semmni),
		MaxPerSet:     int(si.semmsl),
		MaxSemaphores: int(si.semmns),
		MaxOpsPerCall: int(si.semopm),
		MaxValue:      int(si.semvmx),
	}, nil
}

func usageInfo() (UsageInfo, error) {
	var si seminfo
	if _, err := semctlInfo(semInfo, &si); err != nil {
		return UsageInfo{}, err
	}
	return UsageInfo{Sets: int(si.semusz), Semaphores: int(si.semaem)}, nil
}
