package shm

// LimitInfo holds the kernel's limits on shared memory, as ipcs -l prints them. A 32-bit
// process on a 64-bit Linux kernel sees them as the kernel gives them to it: SHMMAX
// clamped to 2^31-1, the others cut to 32 bits.
type LimitInfo struct {
	MaxSize       uint64 // largest segment in bytes (SHMMAX, sysctl kernel.shmmax)
	MinSize       uint64 // smallest segment in bytes (SHMMIN, always 1 on Linux)
	MaxSegments   int    // segments in the system (SHMMNI, sysctl kernel.shmmni)
	MaxPerProcess int    // attachments per process (SHMSEG; Linux has no such limit and reports SHMMNI)
	MaxTotalPages uint64 // pages of all segments together (SHMALL, sysctl kernel.shmall)
}

// UsageInfo is what all segments in the system use now (shmctl(2) SHM_INFO on Linux).
type UsageInfo struct {
	Segments      int    // segments that exist (used_ids)
	Pages         uint64 // pages of all segments (shm_tot), counted against MaxTotalPages
	ResidentPages uint64 // pages in memory (shm_rss)
	SwappedPages  uint64 // pages in swap (shm_swp)
}

// Limits returns the kernel's limits on shared memory: shmctl(2) IPC_INFO on Linux, the
// kern.sysv.shm* sysctls on darwin. Root changes them with sysctl(8).
func Limits() (LimitInfo, error) {
	l, err := limits()
	if err != nil {
		return LimitInfo{}, &Error{Op: "limits", ID: -1, Err: err}
	}
	return l, nil
}

// Usage returns how many segments exist and how many pages they use, system wide
// (shmctl(2) SHM_INFO; Linux only, errors.ErrUnsupported elsewhere).
func Usage() (UsageInfo, error) {
	u, err := usage()
	if err != nil {
		return UsageInfo{}, &Error{Op: "usage", ID: -1, Err: err}
	}
	return u, nil
}
