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

func stat(id int) (info Info, err error) {
	err = statInto(&info, id)
	return info, err
}

// statInto fills *info in place: Stat is called in loops, and Info is large to copy.
func statInto(info *Info, id int) error {
	var d unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &d); err != nil {
		return err
	}
	descInto(info, &d)
	info.ID = id
	return nil
}

// setPerm changes the owner, group and mode of a segment with IPC_SET, keeping what is
// -1. The kernel takes all three at once, so the others are read first with IPC_STAT; a
// concurrent IPC_SET by another process between the two can be lost.
func setPerm(id, uid, gid, mode int) error {
	var d unix.SysvShmDesc
	if _, err := unix.SysvShmCtl(id, unix.IPC_STAT, &d); err != nil {
		return err
	}
	if uid >= 0 {
		d.Perm.Uid = uint32(uid)
	}
	if gid >= 0 {
		d.Perm.Gid = uint32(gid)
	}
	if mode >= 0 {
		setPermBits(&d.Perm.Mode, mode)
	}
	_, err := unix.SysvShmCtl(id, unix.IPC_SET, &d)
	return err
}

// setPermBits sets the low 9 bits of a mode field, which is 16 or 32 bits wide depending
// on the platform.
func setPermBits[T uint16 | uint32](m *T, perm int) {
	*m = *m&^0o777 | T(perm&0o777)
}
