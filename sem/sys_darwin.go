//go:build darwin && !ios

//lint:file-ignore SA1019 x/sys/unix has no libSystem wrappers for semget, semop and semctl

package sem

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

// Darwin has semget, semop and semctl (sys/sem.h) but no semtimedop: a wait with a
// context that can end is made of IPC_NOWAIT attempts with a growing pause (up to 10
// ms), so it is less prompt and less fair than on Linux, and such a waiter is not
// counted by Waiting. x/sys/unix has no libSystem wrappers for these calls, so they go
// through libSystem's syscall(2) entry, which Apple deprecates but still serves. This
// file is compiled by CI but not run: the project's tests run on Linux.

const (
	ipcCreat  = unix.IPC_CREAT
	ipcExcl   = unix.IPC_EXCL
	ipcNowait = unix.IPC_NOWAIT
	ipcRmid   = unix.IPC_RMID
	ipcStat   = unix.IPC_STAT
	semUndo   = 0o10000

	getncnt   = 3
	getpid    = 4
	getval    = 5
	getallCmd = 6
	getzcnt   = 7
	setval    = 8
	setallCmd = 9

	sysSemget = unix.SYS_SEMGET
)

// kernelTimespec stands for the timeout darwin's semop does not take.
type kernelTimespec struct{}

// semidDS is darwin's struct semid_ds as bytes, read by offset in stat.
type semidDS = [72]byte

// semctl makes the semctl calls whose fourth argument is a number, not a pointer.
func semctl(id, num, cmd int, arg uintptr) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_SEMCTL, uintptr(id), uintptr(num), uintptr(cmd), arg, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

// semop performs ops on s as the Linux version does, polling for waits that can end.
func semop(ctx context.Context, s *Set, ops []sembuf) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if ctx.Done() == nil {
		for {
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
	defer setNowait(ops, 0)
	var t *time.Timer
	pause := 50 * time.Microsecond
	for {
		err := semtimedop(s.id, ops, nil)
		if err != syscall.EAGAIN && err != syscall.EINTR {
			return err
		}
		if t == nil { // only a call that must wait pays for a timer
			t = time.NewTimer(pause)
			defer t.Stop()
		} else {
			t.Reset(pause)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if err := s.recheck(); err != nil {
			return err
		}
		pause = min(2*pause, 10*time.Millisecond)
	}
}

// stat reads darwin's struct semid_ds (sys/sem.h, packed to 4 bytes, 72 bytes): the
// ipc_perm (uid, gid, cuid, cgid, mode, seq, key) at 0, sem_nsems at 28, sem_otime at
// 32 and sem_ctime at 44 (64-bit time_t; both darwin architectures are little-endian).
func stat(id int) (Info, error) {
	var raw semidDS
	if err := semctlStat(id, &raw); err != nil {
		return Info{}, err
	}
	le := binary.LittleEndian
	return Info{
		Key:        shm.Key(le.Uint32(raw[20:])),
		ID:         id,
		Len:        int(le.Uint16(raw[28:])),
		Mode:       os.FileMode(le.Uint16(raw[16:]) & 0o777),
		UID:        int(le.Uint32(raw[0:])),
		GID:        int(le.Uint32(raw[4:])),
		CUID:       int(le.Uint32(raw[8:])),
		CGID:       int(le.Uint32(raw[12:])),
		LastOp:     sysv.Time(int64(le.Uint64(raw[32:]))),
		LastChange: sysv.Time(int64(le.Uint64(raw[44:]))),
	}, nil
}

// readLimits is not implemented on darwin, whose limits are the sysctls kern.sysv.sem*.
func readLimits() (limits, error) { return limits{}, errors.ErrUnsupported }

// ipcSet sets the owner, group and permission bits of set id with IPC_SET, writing
// them at their offsets in darwin's struct semid_ds (uid at 0, gid at 4, mode at 16).
func ipcSet(id int, uid, gid, perm uint32) error {
	var raw semidDS
	le := binary.LittleEndian
	le.PutUint32(raw[0:], uid)
	le.PutUint32(raw[4:], gid)
	le.PutUint16(raw[16:], uint16(perm&0o777))
	return semctlSet(id, &raw)
}

func limitInfo() (LimitInfo, error) { return LimitInfo{}, errors.ErrUnsupported }
func usageInfo() (UsageInfo, error) { return UsageInfo{}, errors.ErrUnsupported }
func list() ([]Info, error)         { return nil, errors.ErrUnsupported }
