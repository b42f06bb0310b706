//go:build linux

package shm

import (
	"fmt"
	"github.com/go-sysv/shm/internal/ipcerr"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"

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

const (
	// HugePages makes the segment of huge pages of the system's default huge page size
	// (SHM_HUGETLB, Linux only). The size must be a multiple of it, and huge pages must be
	// reserved first (sysctl vm.nr_hugepages=N as root); without them Create fails with an
	// error that says so. Needs CAP_IPC_LOCK or membership of vm.hugetlb_shm_group.
	HugePages CreateOption = shmHugeTLB
	// HugePages2MB is HugePages with 2 MiB pages (SHM_HUGETLB|SHM_HUGE_2MB).
	HugePages2MB CreateOption = shmHugeTLB | 21<<shmHugeShift
	// HugePages1GB is HugePages with 1 GiB pages (SHM_HUGETLB|SHM_HUGE_1GB).
	HugePages1GB CreateOption = shmHugeTLB | 30<<shmHugeShift
	// NoReserve reserves no swap space for the segment (SHM_NORESERVE): with memory
	// overcommitted, a write can then fail with SIGSEGV or wake the OOM killer
	// instead of Create failing.
	NoReserve CreateOption = shmNoReserve
)

func createFlags(opts []CreateOption) (int, error) {
	const sizeMask = 0x3f << shmHugeShift
	var flag int
	for _, o := range opts {
		switch o {
		case HugePages, HugePages2MB, HugePages1GB, NoReserve:
		default:
			return 0, invalid("unknown create option %#x", int(o))
		}
		if size := uint32(o) & sizeMask; size != 0 && uint32(flag)&sizeMask != 0 && uint32(flag)&sizeMask != size {
			return 0, invalid("two different huge page sizes")
		}
		flag |= int(o)
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

// hugeHint explains a failed shmget of a huge page segment. Without SHM_HUGETLB it
// returns err as it is.
func hugeHint(flag, size int, err error) error {
	errno, ok := err.(syscall.Errno)
	if !ok || flag&shmHugeTLB == 0 {
		return err
	}
	switch errno {
	case syscall.EPERM:
		return fmt.Errorf("huge page segments need CAP_IPC_LOCK or the group in vm.hugetlb_shm_group: %w", errno)
	case syscall.EINVAL:
		return ipcerr.Explain(errno, fs.ErrInvalid, "size %d is not a multiple of the huge page size, or that page size is not supported", size)
	}
	free, total := hugePagesFree()
	if total == 0 {
		return fmt.Errorf("no huge pages are reserved: reserve some as root with sysctl vm.nr_hugepages=N (or echo N > /proc/sys/vm/nr_hugepages): %w", errno)
	}
	return fmt.Errorf("not enough free huge pages (%d of %d free): raise vm.nr_hugepages: %w", free, total, errno)
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
