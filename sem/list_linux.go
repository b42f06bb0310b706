//go:build linux

package sem

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctable"
	"github.com/go-sysv/shm/internal/sysv"
)

func list() ([]Info, error) {
	var si seminfo
	semctlInfo(semInfo, &si) // a hint for the size of the list only
	infos, err := proctable.ReadFile("/proc/sysvipc/sem", semColumns, colNsems+1, int(max(si.semusz, 0)), semRow)
	if errors.Is(err, fs.ErrNotExist) {
		return listStat()
	}
	sysv.SortByID(infos, infoID)
	return infos, err
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

// parseProcSem reads a table of /proc/sysvipc/sem, sized for about n sets, in semid
// order.
func parseProcSem(r io.Reader, n int) ([]Info, error) {
	infos, err := proctable.Parse(r, "/proc/sysvipc/sem", semColumns, colNsems+1, n, semRow)
	sysv.SortByID(infos, infoID)
	return infos, err
}

// semRow makes the Info of a row of /proc/sysvipc/sem.
func semRow(t *proctable.Reader) (Info, error) {
	id, nsems := t.Int(colSemid), t.Int(colNsems)
	if id < 0 || id > math.MaxInt32 || nsems < 0 || nsems > math.MaxInt32 {
		return Info{}, fmt.Errorf("semid %d or nsems %d is out of range", id, nsems)
	}
	return Info{
		Key:        shm.Key(uint32(t.Int(colKey))),
		ID:         int(id),
		Len:        int(nsems),
		Mode:       fs.FileMode(t.Int(colPerms) & 0o777),
		UID:        t.Small(colUID),
		GID:        t.Small(colGID),
		CUID:       t.Small(colCUID),
		CGID:       t.Small(colCGID),
		LastOp:     sysv.Time(t.Int(colOtime)),
		LastChange: sysv.Time(t.Int(colCtime)),
	}, nil
}

// listStat walks the kernel's table of sets with SEM_STAT_ANY, or with SEM_STAT where
// the kernel is older than 4.17 and answers EINVAL to every SEM_STAT_ANY.
func listStat() ([]Info, error) {
	var si seminfo
	maxIndex, err := semctlInfo(semInfo, &si)
	if err != nil {
		return nil, err
	}
	return sysv.ListByIndex(maxIndex, si.semusz > 0, statIndex(semStatAny), statIndex(semStat), infoID)
}

func infoID(info Info) int { return info.ID }

// statIndex returns the stat of one index of the kernel's table with cmd.
func statIndex(cmd int) func(index int) (Info, error) {
	return func(index int) (Info, error) {
		var d semidDS
		id, err := semctlStat(index, cmd, &d)
		if err != nil {
			return Info{}, err
		}
		return infoOf(id, &d), nil
	}
}
