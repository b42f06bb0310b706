//go:build linux

package shm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"

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
	return parseProcShm(f)
}

// parseProcShm reads the table of /proc/sysvipc/shm. Columns are found by the names in
// its header line, so older kernels without rss and swap, or newer ones with more
// columns, read as well; key, shmid, perms and size must be there.
func parseProcShm(r io.Reader) ([]Info, error) {
	sc := bufio.NewScanner(r)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("/proc/sysvipc/shm: empty")
	}
	col := make(map[string]int)
	for i, name := range strings.Fields(sc.Text()) {
		col[name] = i
	}
	for _, name := range []string{"key", "shmid", "perms", "size"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("/proc/sysvipc/shm: no %q column in the header %q", name, sc.Text())
		}
	}
	var infos []Info
	for line := 2; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		var bad error
		num := func(name string, base int, missing int64) int64 {
			i, ok := col[name]
			if !ok || i >= len(fields) {
				return missing
			}
			v, err := strconv.ParseInt(fields[i], base, 64)
			if err != nil {
				if u, uerr := strconv.ParseUint(fields[i], base, 64); uerr == nil {
					return int64(min(u, 1<<63-1))
				}
				bad = fmt.Errorf("/proc/sysvipc/shm line %d: column %s: %w", line, name, err)
			}
			return v
		}
		perms := num("perms", 8, 0)
		info := Info{
			Key:        Key(uint32(num("key", 10, 0))),
			ID:         int(num("shmid", 10, 0)),
			Size:       max(num("size", 10, 0), 0),
			Mode:       fs.FileMode(perms & 0o777),
			Removed:    perms&shmDest != 0,
			Locked:     perms&shmLocked != 0,
			CreatorPID: int(num("cpid", 10, 0)),
			LastPID:    int(num("lpid", 10, 0)),
			Attached:   int(num("nattch", 10, 0)),
			UID:        int(num("uid", 10, 0)),
			GID:        int(num("gid", 10, 0)),
			CUID:       int(num("cuid", 10, 0)),
			CGID:       int(num("cgid", 10, 0)),
			LastAttach: unixTime(num("atime", 10, 0)),
			LastDetach: unixTime(num("dtime", 10, 0)),
			LastChange: unixTime(num("ctime", 10, 0)),
			Resident:   max(num("rss", 10, -1), -1),
			Swapped:    max(num("swap", 10, -1), -1),
		}
		for _, name := range []string{"key", "shmid", "perms", "size"} {
			if col[name] >= len(fields) {
				bad = fmt.Errorf("/proc/sysvipc/shm line %d: no %s in %q", line, name, sc.Text())
			}
		}
		if bad == nil && info.ID < 0 {
			bad = fmt.Errorf("/proc/sysvipc/shm line %d: negative shmid in %q", line, sc.Text())
		}
		if bad != nil {
			return nil, bad
		}
		infos = append(infos, info)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].ID < infos[j].ID })
	return infos, nil
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
