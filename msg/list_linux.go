//go:build linux

package msg

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
	var use msginfo
	info(msgInfo, &use) // a hint for the size of the list only
	infos, err := proctable.ReadFile("/proc/sysvipc/msg", msgColumns, colPerms+1, int(max(use.msgpool, 0)), msgRow)
	if errors.Is(err, fs.ErrNotExist) {
		return listStat()
	}
	sysv.SortByID(infos, infoID)
	return infos, err
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

// parseProcMsg reads a table of /proc/sysvipc/msg, sized for about n queues, in msqid
// order.
func parseProcMsg(r io.Reader, n int) ([]Info, error) {
	infos, err := proctable.Parse(r, "/proc/sysvipc/msg", msgColumns, colPerms+1, n, msgRow)
	sysv.SortByID(infos, infoID)
	return infos, err
}

// msgRow makes the Info of a row of /proc/sysvipc/msg. The table has no msg_qbytes:
// MaxBytes is -1.
func msgRow(t *proctable.Reader) (Info, error) {
	id := t.Int(colMsqid)
	if id < 0 || id > math.MaxInt32 {
		return Info{}, fmt.Errorf("msqid %d is out of range", id)
	}
	return Info{
		Key:         shm.Key(uint32(t.Int(colKey))),
		ID:          int(id),
		Mode:        fs.FileMode(t.Int(colPerms) & 0o777),
		Bytes:       max(t.Int(colCbytes), 0),
		Messages:    t.Small(colQnum),
		MaxBytes:    -1,
		LastSendPID: t.Small(colLspid),
		LastRecvPID: t.Small(colLrpid),
		UID:         t.Small(colUID),
		GID:         t.Small(colGID),
		CUID:        t.Small(colCUID),
		CGID:        t.Small(colCGID),
		LastSend:    sysv.Time(t.Int(colStime)),
		LastRecv:    sysv.Time(t.Int(colRtime)),
		LastChange:  sysv.Time(t.Int(colCtime)),
	}, nil
}

// listStat walks the kernel's table of queues with MSG_STAT_ANY, or with MSG_STAT where
// the kernel is older than 4.17 and answers EINVAL to every MSG_STAT_ANY.
func listStat() ([]Info, error) {
	var use msginfo
	maxIndex, err := info(msgInfo, &use)
	if err != nil {
		return nil, err
	}
	return sysv.ListByIndex(maxIndex, use.msgpool > 0, statIndex(msgStatAny), statIndex(msgStat), infoID)
}

func infoID(info Info) int { return info.ID }

// statIndex returns the stat of one index of the kernel's table with cmd.
func statIndex(cmd int) func(index int) (Info, error) {
	return func(index int) (Info, error) {
		var d msqidDS
		id, err := statDS(index, cmd, &d)
		if err != nil {
			return Info{}, err
		}
		var in Info
		descInto(&in, &d)
		in.ID = id
		return in, nil
	}
}
