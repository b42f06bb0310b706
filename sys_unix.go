//go:build linux || (darwin && !ios)

package shm

import (
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

// shmat attaches with x/sys/unix, which reads the size back with IPC_STAT, so the
// slice has the size the kernel has, whatever the caller believed.
func shmat(id int, addr uintptr, flag int) ([]byte, error) {
	return unix.SysvShmAttach(id, addr, flag)
}

func shmdt(b []byte) error {
	return unix.SysvShmDetach(firstByte(b))
}

func shmctl(id, cmd int) error {
	_, err := unix.SysvShmCtl(id, cmd, nil)
	return err
}

func stat(id int) (Info, error) {
	var d unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &d); err != nil {
		return Info{}, err
	}
	info := descInfo(&d)
	info.ID = id
	return info, nil
}
