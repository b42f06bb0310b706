package shm

// List returns the segments of this IPC namespace in shmid order, as Stat reports them
// plus the resident and swapped bytes.
//
// On Linux it reads /proc/sysvipc/shm, which lists every segment whatever its
// permissions and is the only source of the resident and swapped sizes (Linux 4.14 and
// later; Resident and Swapped are -1 where the kernel does not print them). Without
// /proc it asks the kernel directly: SHM_INFO for the highest index in use, then
// SHM_STAT_ANY (Linux 4.17), which also lists every segment, on each index; on older
// kernels SHM_STAT, which leaves out the segments the caller may not read. Elsewhere
// it returns an error wrapping errors.ErrUnsupported.
//
// The list is a snapshot: segments can come and go while it is read.
func List() ([]Info, error) {
	infos, err := list()
	if err != nil {
		return nil, &Error{Op: "list", ID: -1, Err: err}
	}
	return infos, nil
}
