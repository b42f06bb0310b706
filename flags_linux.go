//go:build linux

package shm

import (
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
	"golang.org/x/sys/unix"
)

// Flags of shmget(2) and shmat(2) that x/sys/unix does not name (linux/shm.h).
const (
	shmHugeTLB   = 0o4000
	shmNoReserve = 0o10000
	shmHugeShift = 26
	shmRemap     = 0o40000
	shmExec      = 0o100000
)

func createFlags(o CreateOption) (int, error) {
	var flag int
	if o&anyHugePages != 0 {
		flag |= shmHugeTLB
	}
	if o&HugePages2MB != 0 {
		flag |= 21 << shmHugeShift
	}
	if o&HugePages1GB != 0 {
		flag |= 30 << shmHugeShift
	}
	if o&NoReserve != 0 {
		flag |= shmNoReserve
	}
	return flag, nil
}

func attachFlags(o AttachOption) (int, error) {
	var flag int
	if o&ReadOnly != 0 {
		flag |= unix.SHM_RDONLY
	}
	if o&Exec != 0 {
		flag |= shmExec
	}
	if o&Round != 0 {
		flag |= unix.SHM_RND
	}
	if o&Remap != 0 {
		flag |= shmRemap
	}
	return flag, nil
}

// hugeHint explains a failed shmget of a huge page segment.
func hugeHint(size int, errno syscall.Errno) error {
	switch errno {
	case syscall.EPERM:
		return ipcerr.Explain(errno, nil, "huge page segments need CAP_IPC_LOCK or the group in vm.hugetlb_shm_group")
	case syscall.EINVAL:
		return ipcerr.Explain(errno, fs.ErrInvalid, "size %d is not a multiple of the huge page size, or that page size is not supported", size)
	}
	free, total := hugePagesFree()
	if total == 0 {
		return ipcerr.Explain(errno, nil, "no huge pages are reserved: reserve some as root with sysctl vm.nr_hugepages=N (or echo N > /proc/sys/vm/nr_hugepages)")
	}
	return ipcerr.Explain(errno, nil, "not enough free huge pages (%d of %d free): raise vm.nr_hugepages", free, total)
}

// hugePagesFree reads the default-size huge page pool from /proc/meminfo.
func hugePagesFree() (free, total int) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return -1, -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.TrimSpace(value))
		switch name {
		case "HugePages_Total":
			total = n
		case "HugePages_Free":
			free = n
		}
	}
	return free, total
}
