//go:build linux

package shm

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"syscall"

	"github.com/go-sysv/shm/internal/proctable"
	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

func list() ([]Info, error) {
	f, err := os.Open("/proc/sysvipc/shm")
	if errors.Is(err, fs.ErrNotExist) {
		return listStat()
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var use shmInfoDesc
	unix.SysvShmCtl(0, shmInfo, descOf(&use)) // a hint for the size of the list only
	return parseProcShm(f, int(max(use.usedIDs, 0)))
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

// parseProcShm reads the table of /proc/sysvipc/shm, sized for about n segments.
// Older kernels without rss and swap read as well (Resident and Swapped are then -1).
func parseProcShm(r io.Reader, n int) ([]Info, error) {
	t, err := proctable.NewReader(r, "/proc/sysvipc/shm", shmColumns, colSize+1)
	if err != nil {
		return nil, err
	}
	infos := make([]Info, 0, n+n/8+4)
	for {
		ok, err := t.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		id, perms := t.Int(colShmid), t.Int(colPerms)
		if id < 0 || id > math.MaxInt32 {
			return nil, fmt.Errorf("/proc/sysvipc/shm: shmid %d is out of range", id)
		}
		rss, swap := int64(-1), int64(-1)
		if t.Has(colRss) {
			rss = max(t.Int(colRss), -1)
		}
		if t.Has(colSwap) {
			swap = max(t.Int(colSwap), -1)
		}
		infos = append(infos, Info{
			Key:        Key(uint32(t.Int(colKey))),
			ID:         int(id),
			Size:       max(t.Int(colSize), 0),
			Mode:       fs.FileMode(perms & 0o777),
			Removed:    perms&shmDest != 0,
			Locked:     perms&shmLocked != 0,
			CreatorPID: clampID(t.Int(colCpid)),
			LastPID:    clampID(t.Int(colLpid)),
			Attached:   clampID(t.Int(colNattch)),
			UID:        clampID(t.Int(colUID)),
			GID:        clampID(t.Int(colGID)),
			CUID:       clampID(t.Int(colCUID)),
			CGID:       clampID(t.Int(colCGID)),
			LastAttach: sysv.Time(t.Int(colAtime)),
			LastDetach: sysv.Time(t.Int(colDtime)),
			LastChange: sysv.Time(t.Int(colCtime)),
			Resident:   rss,
			Swapped:    swap,
		})
	}
	slices.SortFunc(infos, func(a, b Info) int { return cmp.Compare(a.ID, b.ID) })
	return infos, nil
}

// clampID converts a number of the table that the kernel keeps in 32 bits (a pid, uid
// or count) to int, saturating where int is narrower than the text.
func clampID(v int64) int {
	return int(min(max(v, math.MinInt32), math.MaxUint32&math.MaxInt))
}

// listStat walks the kernel's table of segments with SHM_STAT_ANY, or with SHM_STAT
// where the kernel is older than 4.17 and answers EINVAL to every SHM_STAT_ANY.
func listStat() ([]Info, error) {
	var usage shmInfoDesc
	maxIndex, err := unix.SysvShmCtl(0, shmInfo, descOf(&usage))
	if err != nil {
		return nil, err
	}
	infos, err := walk(maxIndex, shmStatAny)
	if err == nil && len(infos) == 0 && usage.usedIDs > 0 {
		infos, err = walk(maxIndex, shmStat)
	}
	return infos, err
}

func walk(maxIndex, cmd int) ([]Info, error) {
	var infos []Info
	for index := 0; index <= maxIndex; index++ {
		var d unix.SysvShmDesc
		id, err := unix.SysvShmCtl(index, cmd, &d)
		switch err {
		case nil:
			var info Info
			descInto(&info, &d)
			info.ID = id
			infos = append(infos, info)
		case syscall.EINVAL, syscall.EACCES, syscall.EIDRM:
			// An unused index, a segment we may not read, or one just removed.
		default:
			return nil, err
		}
	}
	return infos, nil
}
