//go:build linux

package shm

// Exported for tests only.
var (
	ParseProcShm = parseProcShm
	ListStat     = listStat
)
