package msg

// List returns the queues of this IPC namespace in msqid order, as Stat reports them,
// except that MaxBytes is -1 where the source does not give it.
//
// On Linux it reads /proc/sysvipc/msg, which lists every queue whatever its permissions
// (but not its byte limit). Without /proc it asks the kernel directly: MSG_INFO for the
// highest index in use, then MSG_STAT_ANY (Linux 4.17), which also lists every queue,
// on each index; on older kernels MSG_STAT, which leaves out the queues the caller may
// not read. Elsewhere it returns an error wrapping errors.ErrUnsupported.
//
// The list is a snapshot: queues can come and go while it is read.
func List() ([]Info, error) {
	infos, err := list()
	if err != nil {
		return nil, plainError("list", err)
	}
	return infos, nil
}
