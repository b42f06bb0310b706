//go:build linux

package shm

import "golang.org/x/sys/unix"

// Exported for tests only.
var (
	ParseProcShm = parseProcShm
	ListStat     = listStat
	Touch        = touch
)

// StatAny and StatProc are the two ways statInto reads a segment that IPC_STAT refuses.
func StatAny(id int) (Info, error) {
	var d unix.SysvShmDesc
	if err := statAny(id, &d); err != nil {
		return Info{}, err
	}
	var info Info
	descInto(&info, &d)
	info.ID = id
	return info, nil
}

func StatProc(id int) (Info, error) {
	var info Info
	err := statProc(&info, id, nil)
	return info, err
}
