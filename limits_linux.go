//go:build linux

package shm

import "golang.org/x/sys/unix"

// shmctl(2) commands that x/sys/unix does not name (linux/ipc.h, linux/shm.h).
const (
	ipcInfo    = 3
	shmLock    = 11
	shmUnlock  = 12
	shmStat    = 13
	shmInfo    = 14
	shmStatAny = 15
)

// shminfo64 is the kernel's struct shminfo64, which IPC_INFO writes. C's unsigned long
// is Go's uint on every Linux architecture.
type shminfo64 struct {
	shmmax, shmmin, shmmni, shmseg, shmall uint
	_                                      [4]uint
}

// shmInfoDesc is the kernel's struct shm_info, which SHM_INFO writes.
type shmInfoDesc struct {
	usedIDs                int32
	shmTot, shmRss, shmSwp uint
	_, _                   uint // swap_attempts, swap_successes
}

func limits() (LimitInfo, error) {
	var l shminfo64
	if _, err := unix.SysvShmCtl(0, ipcInfo, descOf(&l)); err != nil {
		return LimitInfo{}, err
	}
	return LimitInfo{
		MaxSize:       uint64(l.shmmax),
		MinSize:       uint64(l.shmmin),
		MaxSegments:   clampInt(uint64(l.shmmni)),
		MaxPerProcess: clampInt(uint64(l.shmseg)),
		MaxTotalPages: uint64(l.shmall),
	}, nil
}

func usage() (UsageInfo, error) {
	var u shmInfoDesc
	if _, err := unix.SysvShmCtl(0, shmInfo, descOf(&u)); err != nil {
		return UsageInfo{}, err
	}
	return UsageInfo{
		Segments:      int(u.usedIDs),
		Pages:         uint64(u.shmTot),
		ResidentPages: uint64(u.shmRss),
		SwappedPages:  uint64(u.shmSwp),
	}, nil
}
