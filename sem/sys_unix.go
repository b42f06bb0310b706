//go:build linux || (darwin && !ios)

package sem

import (
	"runtime"

	"github.com/go-sysv/shm"
	"golang.org/x/sys/unix"
)

// What Linux and darwin share: struct sembuf, semget, and the array calls of semctl.

// sembuf is struct sembuf.
type sembuf struct {
	num uint16
	op  int16
	flg int16
}

func semget(key shm.Key, n, flag int) (int, error) {
	// key_t is a C int: pass the key's bits as one.
	id, _, errno := unix.Syscall(sysSemget, uintptr(int(int32(key))), uintptr(n), uintptr(flag))
	if errno != 0 {
		return -1, errno
	}
	return int(id), nil
}

func setall(id int, values []int) error {
	v := make([]uint16, len(values))
	for i, x := range values {
		v[i] = uint16(x)
	}
	_, err := semctl(id, 0, setallCmd, uintptr(uint16s(v)))
	runtime.KeepAlive(v)
	return err
}

func getall(id, n int) ([]int, error) {
	v := make([]uint16, n)
	_, err := semctl(id, 0, getallCmd, uintptr(uint16s(v)))
	runtime.KeepAlive(v)
	if err != nil {
		return nil, err
	}
	values := make([]int, n)
	for i, x := range v {
		values[i] = int(x)
	}
	return values, nil
}
