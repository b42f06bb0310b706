//go:build darwin && !ios

package shm

// populate touches every page: darwin has no MADV_POPULATE_*.
func populate(b []byte) error {
	touch(b)
	return nil
}
