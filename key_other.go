//go:build !unix

package shm

import (
	"errors"
	"io/fs"
)

func devIno(fs.FileInfo) (dev, ino uint64, err error) {
	return 0, 0, errors.ErrUnsupported
}
