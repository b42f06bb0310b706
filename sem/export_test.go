//go:build linux

package sem

// Exported for tests only.
var (
	ParseProcSem = parseProcSem
	ListStat     = listStat
)
