//go:build darwin && !ios

package shm

import (
	"errors"

	"golang.org/x/sys/unix"
)

func limits() (LimitInfo, error) {
	var l LimitInfo
	for _, f := range []struct {
		name string
		set  func(uint64)
	}{
		{"kern.sysv.shmmax", func(v uint64) { l.MaxSize = v }},
		{"kern.sysv.shmmin", func(v uint64) { l.MinSize = v }},
		{"kern.sysv.shmmni", func(v uint64) { l.MaxSegments = int(v) }},
		{"kern.sysv.shmseg", func(v uint64) { l.MaxPerProcess = int(v) }},
		{"kern.sysv.shmall", func(v uint64) { l.MaxTotalPages = v }},
	} {
		v, err := unix.SysctlUint64(f.name)
		if err != nil {
			return LimitInfo{}, err
		}
		f.set(v)
	}
	return l, nil
}

func usage() (UsageInfo, error) { return UsageInfo{}, errors.ErrUnsupported }
