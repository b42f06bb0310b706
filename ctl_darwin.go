//go:build darwin && !ios

package shm

import "errors"

func lock(int, bool) error { return errors.ErrUnsupported }
