//go:build linux

package shm

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/go-sysv/shm/internal/proctable"
	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

func list() ([]Info, error) {
	var use shmInfoDesc
	unix.SysvShmCtl(0, shmInfo, descOf(&use)) // a hint for the size of the list only
	infos, err := proctable.ReadFile("/proc/sysvipc/shm", shmColumns, colSize+1, int(max(use.usedIDs, 0)), shmRow)
	if errors.Is(err, fs.ErrNotExist) {
		return listStat()
	}
	sysv.SortByID(infos, infoID)
	return infos, err
}

// The columns of /proc/sysvipc/shm that Info holds; the first four must be there.
var shmColumns = []string{"key", "shmid", "perms", "size", "cpid", "lpid", "nattch",
	"uid", "gid", "cuid", "cgid", "atime", "dtime", "ctime", "rss", "swap"}

const (
	colKey = iota
	colShmid
	colPerms
	colSize
	colCpid
	colLpid
	colNattch
	colUID
	colGID
	colCUID
	colCGID
	colAtime
	colDtime
	colCtime
	colRss
	colSwap
)

// parseProcShm reads a table of /proc/sysvipc/shm, sized for about n segments, in
// shmid order. Older kernels without rss and swap read as well (Resident and Swapped
// are then -1).
func parseProcShm(r io.Reader, n int) ([]Info, error) {
	infos, err := proctable.Parse(r, "/proc/sysvipc/shm", shmColumns, colSize+1, n, shmRow)
	sysv.SortByID(infos, infoID)
	return infos, err
}

// shmRow makes the Info of a row of /proc/sysvipc/shm.
func shmRow(t *proctable.Reader) (Info, error) {
	id, perms := t.Int(colShmid), t.Int(colPerms)
	if id < 0 || id > math.MaxInt32 {
		return Info{}, fmt.Errorf("shmid %d is out of range", id)
	}
	rss, swap := int64(-1), int64(-1)
	if t.Has(colRss) {
		rss = max(t.Int(colRss), -1)
	}
	if t.Has(colSwap) {
		swap = max(t.Int(colSwap), -1)
	}
	return Info{
		Key:        Key(uint32(t.Int(colKey))),
		ID:         int(id),
		Size:       max(t.Int(colSize), 0),
		Mode:       fs.FileMode(perms & 0o777),
		Removed:    perms&shmDest != 0,
		Locked:     perms&shmLocked != 0,
		CreatorPID: t.Small(colCpid),
		LastPID:    t.Small(colLpid),
		Attached:   t.Small(colNattch),
		UID:        t.Small(colUID),
		GID:        t.Small(colGID),
		CUID:       t.Small(colCUID),
		CGID:       t.Small(colCGID),
		LastAttach: sysv.Time(t.Int(colAtime)),
		LastDetach: sysv.Time(t.Int(colDtime)),
		LastChange: sysv.Time(t.Int(colCtime)),
		Resident:   rss,
		Swapped:    swap,
	}, nil
}

// listStat walks the kernel's table of segments with SHM_STAT_ANY, or with SHM_STAT
// where the kernel is older than 4.17 and answers EINVAL to every SHM_STAT_ANY.
func listStat() ([]Info, error) {
	var usage shmInfoDesc
	maxIndex, err := unix.SysvShmCtl(0, shmInfo, descOf(&usage))
	if err != nil {
		return nil, err
	}
	return sysv.ListByIndex(maxIndex, usage.usedIDs > 0, statIndex(shmStatAny), statIndex(shmStat), infoID)
}

func infoID(info Info) int { return info.ID }

// statIndex returns the stat of one index of the kernel's table with cmd.
func statIndex(cmd int) func(index int) (Info, error) {
	return func(index int) (Info, error) {
		var d unix.SysvShmDesc
		id, err := unix.SysvShmCtl(index, cmd, &d)
		if err != nil {
			return Info{}, err
		}
		var info Info
		descInto(&info, &d)
		info.ID = id
		return info, nil
	}
}
