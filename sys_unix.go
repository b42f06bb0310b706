//go:build linux || (darwin && !ios)

package shm

import (
	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

const (
	ipcCreat = unix.IPC_CREAT
	ipcExcl  = unix.IPC_EXCL
	ipcRmid  = unix.IPC_RMID
)

func shmget(key Key, size, flag int) (int, error) {
	// key_t is a C int: pass the key's bits as one, sign and all.
	return unix.SysvShmGet(int(int32(key)), size, flag)
}

func shmctl(id, cmd int) error {
	_, err := unix.SysvShmCtl(id, cmd, nil)
	return err
}

func stat(id int) (info Info, err error) {
	err = statInto(&info, id, false)
	return info, err
}

// ipcSet sets the owner, group and permission bits of segment id at once, as IPC_SET
// takes them: the kernel reads only these fields of the struct it is given.
func ipcSet(id int, uid, gid uint32, perm uint32) error {
	var d unix.SysvShmDesc
	d.Perm.Uid, d.Perm.Gid = uid, gid
	sysv.SetPermBits(&d.Perm.Mode, perm)
	_, err := unix.SysvShmCtl(id, unix.IPC_SET, &d)
	return err
}
