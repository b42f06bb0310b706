package msg

// ListStat is List without /proc: the MSG_STAT_ANY walk.
var ListStat = listStat

// RawSendRecv sends and receives one message of len(b)-8 bytes with the bare system
// calls, as a baseline for Send and Recv; b has room for a C long before the body.
func RawSendRecv(q *Queue, b []byte) error {
	size := len(b) - longSize
	putType(b, 1)
	if err := msgsnd(q.id, b, size, 0); err != nil {
		return err
	}
	_, err := msgrcv(q.id, b, size, 0, 0)
	return err
}

// ParseProcMsg parses a /proc/sysvipc/msg table.
var ParseProcMsg = parseProcMsg
