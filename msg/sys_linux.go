//go:build linux

package msg

import (
	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

// x/sys/unix wraps none of msgget, msgsnd, msgrcv and msgctl; these are the raw system
// calls, with the constants of linux/ipc.h and linux/msg.h.
const (
	ipcCreat  = unix.IPC_CREAT
	ipcExcl   = unix.IPC_EXCL
	ipcNowait = unix.IPC_NOWAIT
	ipcRmid   = unix.IPC_RMID
	ipcSetCmd = unix.IPC_SET
	ipcStat   = unix.IPC_STAT
	ipcInfo   = 3

	msgStat    = 11
	msgInfo    = 12
	msgStatAny = 13 // Linux 4.17

	msgNoerror = 0o10000
	msgExcept  = 0o20000
	msgCopy    = 0o40000 // Linux 3.8, with CONFIG_CHECKPOINT_RESTORE
)

func msgget(key shm.Key, flag int) (int, error) {
	// key_t is a C int: pass the key's bits as one.
	r, _, errno := unix.Syscall(unix.SYS_MSGGET, uintptr(uint32(key)), uintptr(flag), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

// msgsnd sends the message in b, a C long type followed by size bytes of body. The
// error is the bare errno: EAGAIN when IPC_NOWAIT is set and the queue is full, EINTR
// when a signal arrived while it waited (msgsnd is never restarted).
func msgsnd(id int, b []byte, size, flag int) error {
	_, _, errno := unix.Syscall6(unix.SYS_MSGSND, uintptr(id), uintptr(bufPtr(b)), uintptr(size), uintptr(flag), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// msgrcv receives into b, room for a C long type followed by size bytes of body, and
// returns the length of the body. typ has been checked to fit a C long. The error is
// the bare errno: ENOMSG when IPC_NOWAIT is set and no message is selected, E2BIG when
// the message is longer than size, EINTR as for msgsnd.
func msgrcv(id int, b []byte, size int, typ int64, flag int) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_MSGRCV, uintptr(id), uintptr(bufPtr(b)), uintptr(size), uintptr(typ), uintptr(flag), 0)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// statDS reads queue id (IPC_STAT) or table index id (MSG_STAT, MSG_STAT_ANY) into *d and
// returns the msqid the call reports (for IPC_STAT, 0).
func statDS(id, cmd int, d *msqidDS) (int, error) {
	r, _, errno := unix.Syscall(unix.SYS_MSGCTL, uintptr(id), uintptr(cmd|ipc64), uintptr(dsPtr(d)))
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

// setDS changes the queue's owner, group, mode and byte limit, the fields of *d that
// IPC_SET reads.
func setDS(id int, d *msqidDS) error {
	_, _, errno := unix.Syscall(unix.SYS_MSGCTL, uintptr(id), uintptr(ipcSetCmd|ipc64), uintptr(dsPtr(d)))
	if errno != 0 {
		return errno
	}
	return nil
}

// info asks IPC_INFO or MSG_INFO into *m and returns the highest index in use.
func info(cmd int, m *msginfo) (int, error) {
	r, _, errno := unix.Syscall(unix.SYS_MSGCTL, 0, uintptr(cmd|ipc64), uintptr(infoPtr(m)))
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

func rmid(id int) error {
	_, _, errno := unix.Syscall(unix.SYS_MSGCTL, uintptr(id), uintptr(ipcRmid|ipc64), 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// msginfo is the kernel's struct msginfo, which IPC_INFO and MSG_INFO write: seven C
// ints and an unsigned short on every architecture. MSG_INFO puts the queues in use in
// msgpool, the messages in msgmap and their bytes in msgtql.
type msginfo struct {
	msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql int32
	msgseg                                                  uint16
}

// ipcSet sets the owner, group, permission bits and byte limit of queue id at once, as
// IPC_SET takes them: the kernel reads only these fields of the struct it is given.
func ipcSet(id int, p perm) error {
	var d msqidDS
	d.perm.Uid, d.perm.Gid = p.uid, p.gid
	sysv.SetPermBits(&d.perm.Mode, p.mode)
	d.qbytes = setQbytes(d.qbytes, p.maxBytes)
	return setDS(id, &d)
}

// setQbytes converts a byte limit to msg_qbytes, a C unsigned long, saturating where
// that is 32 bits wide.
func setQbytes[T uint32 | uint64](_ T, n uint64) T {
	return T(min(n, uint64(^T(0))))
}
