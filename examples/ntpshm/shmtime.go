package main

import (
	"sync/atomic"
	"time"

	"github.com/go-sysv/shm"
)

// keyBase is the key of unit 0: "NTP0" in ASCII. Unit u uses keyBase + u.
const keyBase shm.Key = 0x4e545030

// shmTime is struct shmTime of the NTP SHM reference clock driver (ntpd's
// refclock_shm.c; chrony and gpsd use the same), 96 bytes on 64-bit Linux. timeT is
// C's time_t. main_test.go checks every offset against the C compiler's offsetof.
type shmTime struct {
	Mode        int32 // 0: use when valid; 1: use when valid and count unchanged (the writer's protocol here)
	Count       int32 // bumped before and after each update (atomic)
	ClockSec    timeT // the reference clock's time of the sample
	ClockUSec   int32
	ReceiveSec  timeT // the system clock's time of the sample
	ReceiveUSec int32
	Leap        int32
	Precision   int32 // log2 of the precision in seconds
	Nsamples    int32
	Valid       int32 // 1 while the sample is new; the reader clears it (atomic)
	ClockNSec   uint32
	ReceiveNSec uint32
	Dummy       [8]int32
}

// sample is one reading of the reference clock.
type sample struct {
	count          int32
	clock, receive time.Time
}

// store writes s with the mode 1 protocol: valid=0, count++, barrier, fields, barrier,
// count++, valid=1. Go's atomic operations are the barriers: a reader that sees the
// second count (atomically) sees every field written before it.
func (t *shmTime) store(clock, receive time.Time, precision int32) {
	atomic.StoreInt32(&t.Valid, 0)
	atomic.AddInt32(&t.Count, 1)
	t.Mode = 1
	t.ClockSec, t.ClockUSec, t.ClockNSec = timeT(clock.Unix()), int32(clock.Nanosecond()/1000), uint32(clock.Nanosecond())
	t.ReceiveSec, t.ReceiveUSec, t.ReceiveNSec = timeT(receive.Unix()), int32(receive.Nanosecond()/1000), uint32(receive.Nanosecond())
	t.Leap, t.Precision, t.Nsamples = 0, precision, 3
	atomic.AddInt32(&t.Count, 1)
	atomic.StoreInt32(&t.Valid, 1)
}

// load takes a new sample if there is one, as chronyd does: it reads the fields between
// two atomic loads of count and keeps them only if count did not change, then clears
// valid. ok is false when there is no new sample or it was being written.
func (t *shmTime) load() (s sample, ok bool) {
	if atomic.LoadInt32(&t.Valid) != 1 {
		return sample{}, false
	}
	before := atomic.LoadInt32(&t.Count)
	s = sample{
		count:   before,
		clock:   time.Unix(int64(t.ClockSec), int64(t.ClockNSec)),
		receive: time.Unix(int64(t.ReceiveSec), int64(t.ReceiveNSec)),
	}
	if atomic.LoadInt32(&t.Count) != before {
		return sample{}, false
	}
	atomic.StoreInt32(&t.Valid, 0)
	return s, true
}
