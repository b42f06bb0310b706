package main

import (
	"errors"
	"fmt"
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
	Valid       int32 // 1 while the sample is new; a consuming reader (chronyd) clears it (atomic)
	ClockNSec   uint32
	ReceiveNSec uint32
	Dummy       [8]int32
}

// sample is one reading of the reference clock.
type sample struct {
	mode, count    int32
	clock, receive time.Time
	leap           int32
	precision      int32
}

// store writes a sample with the mode 1 protocol, as gpsd does: valid=0, count++,
// fields, count++, valid=1. Go's atomic operations are the barriers: a reader that sees
// the second count (atomically) sees every field written before it.
func (t *shmTime) store(clock, receive time.Time, precision int32) {
	atomic.StoreInt32(&t.Valid, 0)
	atomic.AddInt32(&t.Count, 1)
	atomic.StoreInt32(&t.Mode, 1)
	t.ClockSec, t.ClockUSec, t.ClockNSec = timeT(clock.Unix()), int32(clock.Nanosecond()/1000), uint32(clock.Nanosecond())
	t.ReceiveSec, t.ReceiveUSec, t.ReceiveNSec = timeT(receive.Unix()), int32(receive.Nanosecond()/1000), uint32(receive.Nanosecond())
	t.Leap, t.Precision, t.Nsamples = 0, precision, 3
	atomic.AddInt32(&t.Count, 1)
	atomic.StoreInt32(&t.Valid, 1)
}

// fields is a copy of the sample fields, taken between the two reads of count.
type fields struct {
	mode                   int32
	clockSec, receiveSec   int64
	clockUSec, receiveUSec int32
	clockNSec, receiveNSec uint32
	leap, precision        int32
}

// Reasons a read yields no sample. errNoSample is the usual one: nothing new is
// marked valid.
var (
	errNoSample = errors.New("no valid sample")
	errTorn     = errors.New("torn sample: the writer changed it while it was read")
)

// load reads the sample now in t without changing t, so that it can work through a
// read-only attachment and never takes a sample away from chronyd or ntpd. It follows
// chrony's reader: count is read, then valid, which must be 1, then the fields, then
// count and valid again; in mode 1 a change of count means the writer was busy, and the
// copy is discarded.
func (t *shmTime) load() (sample, error) {
	// count before valid: a writer clears valid before it bumps count, so a valid of 1
	// read after count means either no write was under way when count was read, or one
	// has finished since, and then count has moved and the second read of it shows it.
	// (Read in the other order, a valid left from the sample before and a count read
	// mid-write pass every check with half-written fields.)
	count1 := atomic.LoadInt32(&t.Count)
	valid1 := atomic.LoadInt32(&t.Valid)
	f := fields{
		mode:     atomic.LoadInt32(&t.Mode),
		clockSec: int64(t.ClockSec), clockUSec: t.ClockUSec, clockNSec: t.ClockNSec,
		receiveSec: int64(t.ReceiveSec), receiveUSec: t.ReceiveUSec, receiveNSec: t.ReceiveNSec,
		leap: t.Leap, precision: t.Precision,
	}
	count2 := atomic.LoadInt32(&t.Count)
	valid2 := atomic.LoadInt32(&t.Valid)
	return check(valid1, valid2, count1, count2, f)
}

// check decides whether a copy is a sample, as chrony's refclock_shm.c does, and
// converts it. Everything in it came from another process: each value is checked before
// it is used.
func check(valid1, valid2, count1, count2 int32, f fields) (sample, error) {
	if valid1 != 1 {
		return sample{}, errNoSample
	}
	switch f.mode {
	case 0: // the writer sets valid last and never touches a valid sample
	case 1:
		if count1 != count2 {
			return sample{}, errTorn
		}
	default:
		return sample{}, fmt.Errorf("mode %d: the NTP SHM modes are 0 and 1", f.mode)
	}
	if valid2 != 1 {
		return sample{}, errTorn // a new write began (mode 1 clears valid first)
	}
	if f.clockUSec < 0 || f.clockUSec >= 1e6 || f.receiveUSec < 0 || f.receiveUSec >= 1e6 {
		return sample{}, fmt.Errorf("microseconds %d and %d: each must be 0 to 999999", f.clockUSec, f.receiveUSec)
	}
	// Old writers fill only the microseconds; chrony uses the nanoseconds when they agree
	// with them, and so do we.
	clockNSec, receiveNSec := int64(f.clockUSec)*1000, int64(f.receiveUSec)*1000
	if f.clockNSec/1000 == uint32(f.clockUSec) && f.receiveNSec/1000 == uint32(f.receiveUSec) {
		clockNSec, receiveNSec = int64(f.clockNSec), int64(f.receiveNSec)
	}
	return sample{
		mode:      f.mode,
		count:     count1,
		clock:     time.Unix(f.clockSec, clockNSec),
		receive:   time.Unix(f.receiveSec, receiveNSec),
		leap:      f.leap,
		precision: f.precision,
	}, nil
}
