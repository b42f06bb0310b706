//go:build linux

package msg

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
)

func list() ([]Info, error) {
	infos, err := listProc()
	if errors.Is(err, fs.ErrNotExist) {
		return listStat()
	}
	return infos, err
}

func listProc() ([]Info, error) {
	f, err := os.Open("/proc/sysvipc/msg")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var use msginfo
	info(msgInfo, &use) // a hint for the size of the list only
	return parseProcMsg(f, int(max(use.msgpool, 0)))
}

// The columns of /proc/sysvipc/msg that Info holds; the first three must be there.
var msgColumns = []string{"key", "msqid", "perms", "cbytes", "qnum", "lspid", "lrpid",
	"uid", "gid", "cuid", "cgid", "stime", "rtime", "ctime"}

const (
	colKey = iota
	colMsqid
	colPerms
	colCbytes
	colQnum
	colLspid
	colLrpid
	colUID
	colGID
	colCUID
	colCGID
	colStime
	colRtime
	colCtime
)

// parseProcMsg reads the table of /proc/sysvipc/msg, sized for about n queues.
func parseProcMsg(r io.Reader, n int) ([]Info, error) {
	t, err := proctable.NewReader(r, "/proc/sysvipc/msg", msgColumns, colPerms+1)
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
		id := t.Int(colMsqid)
		if id < 0 || id > math.MaxInt32 {
			return nil, fmt.Errorf("/proc/sysvipc/msg: msqid %d is out of range", id)
		}
		infos = append(infos, Info{
			Key:         shm.Key(uint32(t.Int(colKey))),
			ID:          int(id),
			Mode:        fs.FileMode(t.Int(colPerms) & 0o777),
			Bytes:       max(t.Int(colCbytes), 0),
			Messages:    clampID(t.Int(colQnum)),
			MaxBytes:    -1,
			LastSendPID: clampID(t.Int(colLspid)),
			LastRecvPID: clampID(t.Int(colLrpid)),
			UID:         clampID(t.Int(colUID)),
			GID:         clampID(t.Int(colGID)),
			CUID:        clampID(t.Int(colCUID)),
			CGID:        clampID(t.Int(colCGID)),
			LastSend:    unixTime(t.Int(colStime)),
			LastRecv:    unixTime(t.Int(colRtime)),
			LastChange:  unixTime(t.Int(colCtime)),
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

// listStat walks the kernel's table of queues with MSG_STAT_ANY, or with MSG_STAT where
// the kernel is older than 4.17 and answers EINVAL to every MSG_STAT_ANY.
func listStat() ([]Info, error) {
	var use msginfo
	maxIndex, err := info(msgInfo, &use)
	if err != nil {
		return nil, err
	}
	infos, err := walk(maxIndex, msgStatAny)
	if err == nil && len(infos) == 0 && use.msgpool > 0 {
		infos, err = walk(maxIndex, msgStat)
	}
	return infos, err
}

func walk(maxIndex, cmd int) ([]Info, error) {
	var infos []Info
	for index := 0; index <= maxIndex; index++ {
		var d msqidDS
		id, err := statDS(index, cmd, &d)
		switch err {
		case nil:
			var in Info
			descInto(&in, &d)
			in.ID = id
			infos = append(infos, in)
		case syscall.EINVAL, syscall.EACCES, syscall.EIDRM:
			// An unused index, a queue we may not read, or one just removed.
		default:
			return nil, err
		}
	}
	return infos, nil
}
