//go:build !linux && !(darwin && !ios)

package sem

import (
	"context"
	"errors"

	"github.com/go-sysv/shm"
)

// System V semaphores are implemented for Linux and darwin only; elsewhere every
// function returns an error wrapping errors.ErrUnsupported.

const (
	ipcCreat  = 0o1000
	ipcExcl   = 0o2000
	ipcNowait = 0o4000
	ipcRmid   = 0
	semUndo   = 0x1000
	getpid    = 0
	getval    = 0
	getncnt   = 0
	getzcnt   = 0
	setval    = 0
)

type kernelTimespec struct{}

func semget(shm.Key, int, int) (int, error)           { return -1, errors.ErrUnsupported }
func semctl(int, int, int, uintptr) (int, error)      { return -1, errors.ErrUnsupported }
func semtimedop(int, []sembuf, *kernelTimespec) error { return errors.ErrUnsupported }
func semop(context.Context, *Set, []sembuf) error     { return errors.ErrUnsupported }
func setall(int, []int) error                         { return errors.ErrUnsupported }
func getall(int, int) ([]int, error)                  { return nil, errors.ErrUnsupported }
func stat(int) (Info, error)                          { return Info{}, errors.ErrUnsupported }
func setvalArg(int) uintptr                           { return 0 }
func readLimits() (limits, error)                     { return limits{}, errors.ErrUnsupported }
func ipcSet(int, uint32, uint32, uint32) error        { return errors.ErrUnsupported }
func limitInfo() (LimitInfo, error)                   { return LimitInfo{}, errors.ErrUnsupported }
func usageInfo() (UsageInfo, error)                   { return UsageInfo{}, errors.ErrUnsupported }
func list() ([]Info, error)                           { return nil, errors.ErrUnsupported }
