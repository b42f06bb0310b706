//go:build linux

package sem

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

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctable"
	"github.com/go-sysv/shm/internal/sysv"
)

func list() ([]Info, error) {
	f, err := os.Open("/proc/sysvipc/sem")
	if errors.Is(err, fs.ErrNotExist) {
		return listStat()
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var si seminfo
	semctlInfo(semInfo, &si) // a hint for the size of the list only
	return parseProcSem(f, int(max(si.semusz, 0)))
}

// The columns of /proc/sysvipc/sem that Info holds; the first four must be there.
var semColumns = []string{"key", "semid", "perms", "nsems", "uid", "gid", "cuid", "cgid", "otime", "ctime"}

const (
	colKey = iota
	colSemid
	colPerms
	colNsems
	colUID
	colGID
	colCUID
	colCGID
	colOtime
	colCtime
)

// parseProcSem reads the table of /proc/sysvipc/sem, sized for about n sets.
func parseProcSem(r io.Reader, n int) ([]Info, error) {
	t, err := proctable.NewReader(r, "/proc/sysvipc/sem", semColumns, colNsems+1)
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
		id, nsems := t.Int(colSemid), t.Int(colNsems)
		if id < 0 || id > math.MaxInt32 || nsems < 0 || nsems > math.MaxInt32 {
			return nil, fmt.Errorf("/proc/sysvipc/sem: semid %d or nsems %d is out of range", id, nsems)
		}
		infos = append(infos, Info{
			Key:        shm.Key(uint32(t.Int(colKey))),
			ID:         int(id),
			Len:        int(nsems),
			Mode:       fs.FileMode(t.Int(colPerms) & 0o777),
			UID:        clampID(t.Int(colUID)),
			GID:        clampID(t.Int(colGID)),
			CUID:       clampID(t.Int(colCUID)),
			CGID:       clampID(t.Int(colCGID)),
			LastOp:     sysv.Time(t.Int(colOtime)),
			LastChange: sysv.Time(t.Int(colCtime)),
		})
	}
	slices.SortFunc(infos, func(a, b Info) int { return cmp.Compare(a.ID, b.ID) })
	return infos, nil
}

// clampID converts an id of the table, which the kernel keeps in 32 bits, to int,
// saturating where int is narrower than the text.
func clampID(v int64) int {
	return int(min(max(v, math.MinInt32), math.MaxUint32&math.MaxInt))
}

// listStat walks the kernel's table of sets with SEM_STAT_ANY, or with SEM_STAT where
// the kernel is older than 4.17 and answers EINVAL to every SEM_STAT_ANY.
func listStat() ([]Info, error) {
	var si seminfo
	maxIndex, err := semctlInfo(semInfo, &si)
	if err != nil {
		return nil, err
	}
	infos, err := walk(maxIndex, semStatAny)
	if err == nil && len(infos) == 0 && si.semusz > 0 {
		infos, err = walk(maxIndex, semStat)
	}
	return infos, err
}

func walk(maxIndex, cmd int) ([]Info, error) {
	var infos []Info
	for index := 0; index <= maxIndex; index++ {
		var d semidDS
		id, err := semctlStat(index, cmd, &d)
		switch err {
		case nil:
			infos = append(infos, infoOf(id, &d))
		case syscall.EINVAL, syscall.EACCES, syscall.EIDRM:
			// An unused index, a set we may not read, or one just removed.
		default:
			return nil, err
		}
	}
	return infos, nil
}
