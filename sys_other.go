//go:build !linux && !(darwin && !ios)

package shm

import (
	"errors"
	"syscall"
)

const (
	ipcCreat = 0o1000
	ipcExcl  = 0o2000
	ipcRmid  = 0
)

func shmget(Key, int, int) (int, error)        { return 0, errors.ErrUnsupported }
func shmat(int, uintptr, int) (uintptr, error) { return 0, errors.ErrUnsupported }
func shmdt(uintptr) error                      { return errors.ErrUnsupported }
func shmctl(int, int) error                    { return errors.ErrUnsupported }
func stat(int) (Info, error)                   { return Info{}, errors.ErrUnsupported }
func statInto(*Info, int, bool) error          { return errors.ErrUnsupported }
func attachFlags(AttachOption) (int, error)    { return 0, errors.ErrUnsupported }
func createFlags(CreateOption) (int, error)    { return 0, errors.ErrUnsupported }
func populate([]byte) error                    { return errors.ErrUnsupported }
func hugeHint(int, syscall.Errno) error        { return errors.ErrUnsupported }
func limits() (LimitInfo, error)               { return LimitInfo{}, errors.ErrUnsupported }
func usage() (UsageInfo, error)                { return UsageInfo{}, errors.ErrUnsupported }
func lock(int, bool) error                     { return errors.ErrUnsupported }
func list() ([]Info, error)                    { return nil, errors.ErrUnsupported }
func ipcSet(int, uint32, uint32, uint32) error { return errors.ErrUnsupported }
