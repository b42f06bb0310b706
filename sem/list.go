package sem

// List returns the semaphore sets of this IPC namespace in semid order, as Stat
// reports them.
//
// On Linux it reads /proc/sysvipc/sem, which lists every set whatever its permissions.
// Without /proc it asks the kernel directly: SEM_INFO for the highest index in use,
// then SEM_STAT_ANY (Linux 4.17), which also lists every set, on each index; on older
// kernels SEM_STAT, which leaves out the sets the caller may not read. Elsewhere it
// returns an error wrapping errors.ErrUnsupported.
//
// The list is a snapshot: sets can come and go while it is read.
func List() ([]Info, error) {
	infos, err := list()
	if err != nil {
		return nil, noneError("list", err)
	}
	return infos, nil
}
