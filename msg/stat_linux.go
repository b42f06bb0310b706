//go:build linux

package msg

import (
	"os"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctable"
	"github.com/go-sysv/shm/internal/sysv"
)

// statInto fills *info with what the kernel knows of queue id. IPC_STAT needs read
// permission; where it is refused (EACCES) the same record is read with MSG_STAT_ANY
// or from /proc/sysvipc/msg, which any user may read, so that a process that may only
// send still checks its handle.
func statInto(info *Info, id int) error {
	var d msqidDS
	_, err := statDS(id, ipcStat, &d)
	if err == syscall.EACCES {
		if statAny(id, &d) != nil {
			return statProc(info, id, err)
		}
		err = nil
	}
	if err != nil {
		return err
	}
	descInto(info, &d)
	info.ID = id
	return nil
}

// statAny reads queue id with MSG_STAT_ANY (Linux 4.17), which takes an index into the
// kernel's table rather than an id and needs no permission. The index is the low 15
// bits of the id, or the low 24 with the ipcmni_extend boot option; the id the call
// returns tells which.
func statAny(id int, d *msqidDS) error {
	for _, mask := range [...]int{1<<15 - 1, 1<<24 - 1} {
		got, err := statDS(id&mask, msgStatAny, d)
		if err == nil && got == id {
			return nil
		}
	}
	return syscall.EACCES
}

// statProc fills *info from the line of /proc/sysvipc/msg for id. Without /proc, or with
// no such line, it returns orig if that is not nil, else EINVAL: no such queue.
func statProc(info *Info, id int, orig error) error {
	infos, err := proctable.ReadFile("/proc/sysvipc/msg", msgColumns, colPerms+1, 0, msgRow)
	if err == nil {
		for _, in := range infos {
			if in.ID == id {
				*info = in
				return nil
			}
		}
		if orig == nil {
			orig = syscall.EINVAL
		}
	}
	if orig == nil {
		return err
	}
	return orig
}

func descInto(info *Info, d *msqidDS) {
	stime, rtime, ctime := d.times()
	*info = Info{
		Key:         shm.Key(uint32(d.perm.Key)),
		Mode:        os.FileMode(uint32(d.perm.Mode) & 0o777),
		UID:         int(d.perm.Uid),
		GID:         int(d.perm.Gid),
		CUID:        int(d.perm.Cuid),
		CGID:        int(d.perm.Cgid),
		Messages:    clampInt(uint64(d.qnum)),
		Bytes:       int64(min(uint64(d.cbytes), 1<<63-1)),
		MaxBytes:    int64(min(uint64(d.qbytes), 1<<63-1)),
		LastSendPID: int(d.lspid),
		LastRecvPID: int(d.lrpid),
		LastSend:    sysv.Time(stime),
		LastRecv:    sysv.Time(rtime),
		LastChange:  sysv.Time(ctime),
	}
}

// clampInt converts a kernel count to int, saturating where int is 32 bits wide.
func clampInt(v uint64) int {
	const maxInt = int(^uint(0) >> 1)
	if v > uint64(maxInt) {
		return maxInt
	}
	return int(v)
}
