//go:build darwin && !ios

package shm

import "errors"

func list() ([]Info, error) { return nil, errors.ErrUnsupported }
