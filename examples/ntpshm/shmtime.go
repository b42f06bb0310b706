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

// shmTime64 is struct shmTime of the NTP SHM reference clock driver (ntpd's
// refclock_shm.c; chrony and gpsd use the same) as 64-bit Linux lays it out, with a
// 64-bit time_t: 96 bytes. The padding that the C compiler adds is written out, so the
// Go layout is the same on every GOARCH (on 386 Go would align the int64s to 4 only),
// and a 32-bit reader can read a 64-bit writer's segment. main_test.go checks every
// offset against the C compiler's offsetof.
type shmTime64 struct {
	Mode        int32 // 0: use when valid; 1: use when valid and count unchanged (the writer's protocol here)
	Count       int32 // bumped before and after each update (atomic)
	ClockSec    int64 // the reference clock's time of the sample
	ClockUSec   int32
	_           int32
	ReceiveSec  int64 // the system clock's time of the sample
	ReceiveUSec int32
	Leap        int32
	Precision   int32 // log2 of the precision in seconds
	Nsamples    int32
	Valid       int32 // 1 while the sample is new; a consuming reader (chronyd) clears it (atomic)
	ClockNSec   uint32
	ReceiveNSec uint32
	Dummy       [8]int32
	_           int32
}

// shmTime32 is struct shmTime as 32-bit Linux lays it out with a 32-bit time_t (the
// default of 32-bit glibc): 80 bytes, every field a 32-bit word.
type shmTime32 struct {
	Mode        int32
	Count       int32
	ClockSec    int32
	ClockUSec   int32
	ReceiveSec  int32
	ReceiveUSec int32
	Leap        int32
	Precision   int32
	Nsamples    int32
	Valid       int32
	ClockNSec   uint32
	ReceiveNSec uint32
	Dummy       [8]int32
}

// shmTime is either layout, seen through what the protocol needs: the three words
// shared without a lock, read and written with sync/atomic, and the sample's fields.
type shmTime interface {
	words() (mode, count, valid *int32)
	fields() fields // to be taken between two atomic loads of count
	setFields(f fields)
}

func (t *shmTime64) words() (mode, count, valid *int32) { return &t.Mode, &t.Count, &t.Valid }
func (t *shmTime32) words() (mode, count, valid *int32) { return &t.Mode, &t.Count, &t.Valid }

// fields loads each field atomically, not for the field's sake but so that every load
// stays between the two loads of count on every processor (plain loads may be reordered
// with an atomic one). The int64s are at offsets 8 and 24 of a page-aligned segment, as
// 64-bit atomics on 32-bit processors need.
func (t *shmTime64) fields() fields {
	return fields{
		clockSec: atomic.LoadInt64(&t.ClockSec), clockUSec: atomic.LoadInt32(&t.ClockUSec), clockNSec: atomic.LoadUint32(&t.ClockNSec),
		receiveSec: atomic.LoadInt64(&t.ReceiveSec), receiveUSec: atomic.LoadInt32(&t.ReceiveUSec), receiveNSec: atomic.LoadUint32(&t.ReceiveNSec),
		leap: atomic.LoadInt32(&t.Leap), precision: atomic.LoadInt32(&t.Precision),
	}
}

func (t *shmTime32) fields() fields {
	return fields{
		clockSec: int64(atomic.LoadInt32(&t.ClockSec)), clockUSec: atomic.LoadInt32(&t.ClockUSec), clockNSec: atomic.LoadUint32(&t.ClockNSec),
		receiveSec: int64(atomic.LoadInt32(&t.ReceiveSec)), receiveUSec: atomic.LoadInt32(&t.ReceiveUSec), receiveNSec: atomic.LoadUint32(&t.ReceiveNSec),
		leap: atomic.LoadInt32(&t.Leap), precision: atomic.LoadInt32(&t.Precision),
	}
}

func (t *shmTime64) setFields(f fields) {
	t.ClockSec, t.ClockUSec, t.ClockNSec = f.clockSec, f.clockUSec, f.clockNSec
	t.ReceiveSec, t.ReceiveUSec, t.ReceiveNSec = f.receiveSec, f.receiveUSec, f.receiveNSec
	t.Leap, t.Precision, t.Nsamples = f.leap, f.precision, 3
}

// setFields stores the seconds in 32 bits, as a writer with a 32-bit time_t does
// (until 2038).
func (t *shmTime32) setFields(f fields) {
	t.ClockSec, t.ClockUSec, t.ClockNSec = int32(f.clockSec), f.clockUSec, f.clockNSec
	t.ReceiveSec, t.ReceiveUSec, t.ReceiveNSec = int32(f.receiveSec), f.receiveUSec, f.receiveNSec
	t.Leap, t.Precision, t.Nsamples = f.leap, f.precision, 3
}

// viewShmTime lays struct shmTime over a segment, in the layout its size names:
// chronyd, ntpd and gpsd make the segment exactly sizeof(struct shmTime).
func viewShmTime(b []byte) (shmTime, error) {
	switch len(b) {
	case sizeofShmTime64:
		return shm.View[shmTime64](b, 0)
	case sizeofShmTime32:
		return shm.View[shmTime32](b, 0)
	}
	return nil, fmt.Errorf("the segment is %d bytes; struct shmTime is %d bytes on 64-bit Linux and %d on 32-bit Linux with a 32-bit time_t: this is not an NTP SHM segment, or one of a layout this program does not know",
		len(b), sizeofShmTime64, sizeofShmTime32)
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
func store(t shmTime, clock, receive time.Time, precision int32) {
	mode, count, valid := t.words()
	atomic.StoreInt32(valid, 0)
	atomic.AddInt32(count, 1)
	atomic.StoreInt32(mode, 1)
	t.setFields(fields{
		clockSec: clock.Unix(), clockUSec: int32(clock.Nanosecond() / 1000), clockNSec: uint32(clock.Nanosecond()),
		receiveSec: receive.Unix(), receiveUSec: int32(receive.Nanosecond() / 1000), receiveNSec: uint32(receive.Nanosecond()),
		precision: precision,
	})
	atomic.AddInt32(count, 1)
	atomic.StoreInt32(valid, 1)
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
func load(t shmTime) (sample, error) {
	mode, count, valid := t.words()
	// count before valid: a writer clears valid before it bumps count, so a valid of 1
	// read after count means either no write was under way when count was read, or one
	// has finished since, and then count has moved and the second read of it shows it.
	// (Read in the other order, a valid left from the sample before and a count read
	// mid-write pass every check with half-written fields.)
	count1 := atomic.LoadInt32(count)
	valid1 := atomic.LoadInt32(valid)
	f := t.fields()
	f.mode = atomic.LoadInt32(mode)
	count2 := atomic.LoadInt32(count)
	valid2 := atomic.LoadInt32(valid)
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
