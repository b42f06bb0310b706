//go:build unix

package shm

import (
	"errors"
	"io/fs"
	"syscall"
)

func devIno(fi fs.FileInfo) (dev, ino uint64, err error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, errors.New("file system gives no device and inode")
	}
	return uint64(st.Dev), uint64(st.Ino), nil
}
