package main

import (
	"fmt"
	"math"
	"os"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctable"
)

// setInfo is what ipcs -s prints of a semaphore set.
type setInfo struct {
	Key  shm.Key
	ID   int
	Mode uint32 // permission bits
	UID  int
	Len  int // semaphores in the set
}

// listSets reads /proc/sysvipc/sem, which lists every semaphore set of this IPC
// namespace whatever its permissions, in the kernel's order. The sem package has no List of its own yet; when
// it has, this is the one place to change.
func listSets() ([]setInfo, error) {
	f, err := os.Open("/proc/sysvipc/sem")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := proctable.NewReader(f, "/proc/sysvipc/sem", []string{"key", "semid", "perms", "nsems", "uid"}, 5)
	if err != nil {
		return nil, err
	}
	var infos []setInfo
	for {
		ok, err := t.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		id := t.Int(1)
		if id < 0 || id > math.MaxInt32 {
			return nil, fmt.Errorf("/proc/sysvipc/sem: semid %d is out of range", id)
		}
		infos = append(infos, setInfo{
			Key:  shm.Key(uint32(t.Int(0))),
			ID:   int(id),
			Mode: uint32(t.Int(2) & 0o777),
			Len:  int(min(max(t.Int(3), 0), math.MaxInt32)),
			UID:  int(min(max(t.Int(4), 0), math.MaxUint32&math.MaxInt)),
		})
	}
	return infos, nil
}
