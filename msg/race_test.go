//go:build race

package msg_test

// raceEnabled: the race detector makes sync.Pool drop a share of what is put in it on
// purpose, so allocation counts mean nothing under it.
const raceEnabled = true
