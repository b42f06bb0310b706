package sem

import (
	"io/fs"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// limits are the system's limits on semaphores (SEMMSL, SEMMNS, SEMMNI) and how much of
// them is in use, for the errors of semget.
type limits struct {
	perSet, semaphores, sets int // SEMMSL, SEMMNS, SEMMNI
	usedSemaphores, usedSets int
	sysctl                   string // where they are set, "sysctl kernel.sem"
}

// explainCreate says which limit semget hit in making a set of n semaphores.
func explainCreate(n int, err error) error {
	errno, ok := err.(syscall.Errno)
	if !ok {
		return err
	}
	if errno == syscall.EEXIST {
		return ipcerr.Key(errno, "semaphore set")
	}
	lim, lerr := readLimits()
	where := ""
	if lerr == nil {
		where = ", " + lim.sysctl
	}
	switch errno {
	case syscall.EINVAL:
		// With IPC_CREAT|IPC_EXCL, and n at least 1, the only EINVAL of semget is a
		// count above SEMMSL.
		if lerr == nil {
			return ipcerr.Explain(errno, fs.ErrInvalid, "%d semaphores is more than a set may hold: %d (SEMMSL, the 1st field of %s)", n, lim.perSet, lim.sysctl)
		}
		return ipcerr.Explain(errno, fs.ErrInvalid, "%d semaphores is more than a set may hold (SEMMSL)", n)
	case syscall.ENOSPC:
		// The semaphores of all sets together would pass SEMMNS, or there are SEMMNI
		// sets already.
		switch {
		case lerr != nil:
			return ipcerr.Explain(errno, nil, "the system's limit of semaphores (SEMMNS) or of sets (SEMMNI) is reached")
		case lim.usedSemaphores+n > lim.semaphores:
			return ipcerr.Explain(errno, nil, "%d more semaphores would pass the system's limit: %d of %d in use (SEMMNS, the 2nd field of %s)", n, lim.usedSemaphores, lim.semaphores, lim.sysctl)
		case lim.usedSets >= lim.sets:
			return ipcerr.Explain(errno, nil, "the system's limit of semaphore sets is reached: %d of %d (SEMMNI, the 4th field of %s)", lim.usedSets, lim.sets, lim.sysctl)
		}
		return ipcerr.Explain(errno, nil, "the system's limit of semaphores (SEMMNS) or of sets (SEMMNI) was reached%s", where)
	}
	return err
}

// LimitInfo holds the kernel's limits on semaphores, as ipcs -l prints them. On Linux
// root sets the first four with sysctl kernel.sem="SEMMSL SEMMNS SEMOPM SEMMNI".
type LimitInfo struct {
	MaxSets       int // sets in the system (SEMMNI)
	MaxPerSet     int // semaphores in one set (SEMMSL)
	MaxSemaphores int // semaphores of all sets together (SEMMNS)
	MaxOpsPerCall int // operations in one semop(2) or Do (SEMOPM)
	MaxValue      int // the largest value of a semaphore (SEMVMX)
}

// UsageInfo is what all semaphore sets in the system use now.
type UsageInfo struct {
	Sets       int // sets that exist
	Semaphores int // semaphores of all sets, counted against MaxSemaphores
}

// Limits returns the kernel's limits on semaphores (semctl(2) IPC_INFO; Linux only,
// errors.ErrUnsupported elsewhere).
func Limits() (LimitInfo, error) {
	l, err := limitInfo()
	if err != nil {
		return LimitInfo{}, noneError("limits", err)
	}
	return l, nil
}

// Usage returns how many sets and semaphores exist, system wide (semctl(2) SEM_INFO;
// Linux only, errors.ErrUnsupported elsewhere).
func Usage() (UsageInfo, error) {
	u, err := usageInfo()
	if err != nil {
		return UsageInfo{}, noneError("usage", err)
	}
	return u, nil
}
