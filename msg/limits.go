package msg

// LimitInfo holds the kernel's limits on message queues, as ipcs -q -l prints them.
type LimitInfo struct {
	MaxMessage    int // largest message body in bytes (MSGMAX, sysctl kernel.msgmax)
	MaxQueueBytes int // bytes a new queue holds, its MaxBytes (MSGMNB, sysctl kernel.msgmnb)
	MaxQueues     int // queues in the system (MSGMNI, sysctl kernel.msgmni)
}

// UsageInfo is what all queues in the system hold now (msgctl(2) MSG_INFO).
type UsageInfo struct {
	Queues   int   // queues that exist
	Messages int   // messages in all of them
	Bytes    int64 // bytes of those messages' bodies
}

// Limits returns the kernel's limits on message queues (msgctl(2) IPC_INFO, struct
// msginfo). Root changes them with sysctl(8).
func Limits() (LimitInfo, error) {
	l, err := limits()
	if err != nil {
		return LimitInfo{}, plainError("limits", err)
	}
	return l, nil
}

// Usage returns how many queues exist and how many messages and bytes they hold, system
// wide (msgctl(2) MSG_INFO).
func Usage() (UsageInfo, error) {
	u, err := usage()
	if err != nil {
		return UsageInfo{}, plainError("usage", err)
	}
	return u, nil
}
