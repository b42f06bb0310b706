//go:build !linux

package msg

import (
	"context"
	"errors"

	"github.com/go-sysv/shm"
)

// Message queues are implemented for Linux only. darwin has msgget and its kin as system
// calls, but its struct msqid_ds and message limits differ and nothing here tests them;
// there, as on every other system, each function returns an error wrapping
// errors.ErrUnsupported.

const (
	ipcCreat  = 0o1000
	ipcExcl   = 0o2000
	ipcNowait = 0o4000

	msgNoerror = 0o10000
	msgExcept  = 0o20000
	msgCopy    = 0o40000
)

func msgget(shm.Key, int) (int, error)                 { return -1, errors.ErrUnsupported }
func msgsnd(int, []byte, int, int) error               { return errors.ErrUnsupported }
func msgrcv(int, []byte, int, int64, int) (int, error) { return 0, errors.ErrUnsupported }
func rmid(int) error                                   { return errors.ErrUnsupported }
func statInto(*Info, int) error                        { return errors.ErrUnsupported }
func ipcSet(int, perm) error                           { return errors.ErrUnsupported }
func limits() (LimitInfo, error)                       { return LimitInfo{}, errors.ErrUnsupported }
func usage() (UsageInfo, error)                        { return UsageInfo{}, errors.ErrUnsupported }
func list() ([]Info, error)                            { return nil, errors.ErrUnsupported }
func (c *call) wait(context.Context) (int, error)      { return 0, errors.ErrUnsupported }
