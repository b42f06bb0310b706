//go:build linux || (darwin && !ios)

package sem

import (
	"encoding/binary"
	"syscall"

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

func errnoErr(errno syscall.Errno) error {
	if errno != 0 {
		return errno
	}
	return nil
}

func setall(id int, values []int) error {
	buf := make([]byte, 2*len(values))
	for i, v := range values {
		binary.NativeEndian.PutUint16(buf[2*i:], uint16(v))
	}
	return semctlArray(id, setallCmd, buf)
}

func getall(id, n int) ([]int, error) {
	buf := make([]byte, 2*n)
	if err := semctlArray(id, getallCmd, buf); err != nil {
		return nil, err
	}
	values := make([]int, n)
	for i := range values {
		values[i] = int(binary.NativeEndian.Uint16(buf[2*i:]))
	}
	return values, nil
}

// is64bit is true where uintptr, and so a register, has 64 bits.
const is64bit = ^uintptr(0)>>63 == 1

// setvalArg passes an int as semctl's fourth argument, union semun, whose int member
// sits in the high half of the register on 64-bit big-endian machines.
func setvalArg(v int) uintptr {
	if isBigEndian && is64bit {
		return uintptr(uint64(uint32(v)) << 32)
	}
	return uintptr(uint32(v))
}
