//go:build linux

package msg

func limits() (LimitInfo, error) {
	var m msginfo
	if _, err := info(ipcInfo, &m); err != nil {
		return LimitInfo{}, err
	}
	return LimitInfo{
		MaxMessage:    int(max(m.msgmax, 0)),
		MaxQueueBytes: int(max(m.msgmnb, 0)),
		MaxQueues:     int(max(m.msgmni, 0)),
	}, nil
}

func usage() (UsageInfo, error) {
	var m msginfo
	if _, err := info(msgInfo, &m); err != nil {
		return UsageInfo{}, err
	}
	return UsageInfo{
		Queues:   int(max(m.msgpool, 0)),
		Messages: int(max(m.msgmap, 0)),
		Bytes:    int64(max(m.msgtql, 0)),
	}, nil
}
