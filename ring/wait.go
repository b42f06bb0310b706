package ring

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// spinTime bounds how long a waiting end reads the counter before it sleeps, when it
// may spin at all. It must outlast a futex wake-up and the short preemptions of a busy
// machine: at about 1 µs, a sleeper's wake-up took long enough for the other side to
// give up spinning and sleep too, and a 64-byte round trip cost two wake-ups, about
// 8 µs instead of under 1; at 20 µs, rounds of round trips still fell into that now
// and then (medians of 420 to 990 ns a round trip, against 400 at 50 µs).
const spinTime = 50 * time.Microsecond

// spinner spins for as long as spinning has been paying: after three spins in a row
// end without the counter moving it halves its budget each time one does, and a
// spin that succeeds restores it. (Halving at every failure was too quick: the other
// process is preempted now and then even with a CPU to spare, and one side then went
// to sleep before each message for a while, which cost a wake-up each time.)
// With every CPU busy (other processes hogging them), a spin only keeps the other side
// off the CPU it needs, and the budget falls to nothing; then one wait in 64 tries a
// short spin, to notice when CPUs are free again.
type spinner struct {
	on     bool // spinning can help: more than one CPU and GOMAXPROCS
	budget time.Duration
	waits  uint8
	fails  uint8  // spins that failed in a row
	sink   uint32 // what pause computes, and what spin reads ahead
}

func newSpinner() spinner { return spinner{on: maySpin(), budget: spinTime} }

// spin reads counter until it no longer holds raw (its value as stored), for the
// spinner's budget at most, and reports whether it changed. It reads the first bytes
// of both 64-byte halves of next as well, each time: where the reader waits, they are
// where the next frame's header and first bytes will be, and reading them while
// spinning fetches them as soon as the writer has written them, in parallel with the
// counter, instead of after it (a 64-byte message takes two cache lines, and a round
// trip between processes took about 10% less time).
func (s *spinner) spin(counter *atomic.Uint32, raw uint32, next []byte) bool {
	if !s.on {
		return false
	}
	d := s.budget
	if s.waits++; d == 0 {
		if s.waits%64 != 0 {
			return false
		}
		d = spinTime / 4
	}
	var start time.Time
	var sum byte
	for i := 1; ; i++ {
		if counter.Load() != raw {
			s.budget, s.fails = spinTime, 0
			s.sink += uint32(sum)
			return true
		}
		if len(next) > 64 {
			sum += next[0] + next[64]
		}
		if i%1024 == 0 { // the clock costs as much as a few hundred loads
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > d {
				if s.fails++; s.fails >= 3 {
					if s.budget /= 2; s.budget < time.Microsecond {
						s.budget = 0
					}
				}
				return false
			}
		}
	}
}

// pause busy-waits for a fraction of a microsecond without touching shared memory.
func (s *spinner) pause() {
	x := s.sink
	for i := range uint32(1500) {
		x += i
	}
	s.sink = x
}

// maySpin reports whether spinning can help: only with another CPU to run the process
// that will change the counter. With one, spinning only delays it. A Writer or Reader
// asks once, when it is made: GOMAXPROCS takes a lock.
func maySpin() bool { return runtime.NumCPU() > 1 && runtime.GOMAXPROCS(0) > 1 }

// notify wakes the other side if it sleeps waiting for counter, which now holds value
// (in the ring's byte order, as stored). The sleeper's flag names the value it saw: if
// that is value, it went to sleep after this change and waits for the next one, so it
// is not woken; otherwise the flag is cleared by exactly one notifier, which wakes it
// once. The flag is read on every publish but written only around a sleep, so it stays
// in this CPU's cache while the other side is busy.
func notify(counter, flag *atomic.Uint32, value uint32) {
	f := flag.Load()
	if f == 0 {
		return
	}
	tag := le(f)
	if tag&waitBit == 0 || tag&tagMask == value&tagMask {
		return
	}
	if flag.CompareAndSwap(f, 0) {
		wake(counter)
	}
}

// sleeper is how one end sleeps on the counter it waits for (the writer on head, the
// reader on tail), with the flag that tells the other end it sleeps.
type sleeper struct {
	counter, flag *atomic.Uint32
	asleep        atomic.Bool
	alarm         atomic.Pointer[time.Timer] // wakes the sleeper every checkEvery while it sleeps
}

// ring wakes the sleeper, if it still sleeps, and rings again after checkEvery: a
// wake that comes just before the sleeper enters the kernel is lost, and the next one
// is not.
func (s *sleeper) ring() {
	if s.asleep.Load() {
		wake(s.counter)
		s.alarm.Load().Reset(checkEvery)
	}
}

func (s *sleeper) close() {
	if t := s.alarm.Load(); t != nil {
		t.Stop()
	}
}

// await sleeps until the counter no longer holds raw (its value as stored), ctx is
// done, or about checkEvery (idleCheckEvery if idle) has passed, and reports whether the counter moved; it
// returns early at times, so callers look again at what they wait for. A sleeper
// first sets its flag to the value it waits on and reads the counter again: a
// notifier that changed the counter before the flag was set is seen by that read; one
// that changed it after sees the flag.
//
// Where futex(2) is, a sleep that follows activity (idle false) has no timeout of its
// own: a Go timer, armed once per end and reset for each sleep, wakes it after
// checkEvery instead. A futex timeout arms a kernel timer for each sleep and cancels
// it at each early wake-up, which cost about 0.5 µs a round trip on a virtual
// machine, a sixth of a blocking pipe's. But waking through the Go runtime's timers
// costs more than the kernel's when nothing else happens (an idle end used 10 to 40
// ms of CPU a second that way, against 3 with the timeout), so an end whose last
// sleep ran to its end (idle) sleeps with the timeout.
func (s *sleeper) await(ctx context.Context, raw uint32, idle bool) (moved bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	d := checkEvery
	if idle {
		d = idleCheckEvery
	}
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return false, context.DeadlineExceeded
		}
		d = min(d, left)
	}
	tag := le(waitBit | le(raw)&tagMask)
	s.flag.Store(tag)
	if s.counter.Load() != raw {
		s.flag.CompareAndSwap(tag, 0)
		return true, nil
	}
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { wake(s.counter) })
	}
	if alarmed && !idle && d == checkEvery {
		t := s.alarm.Load()
		if t == nil {
			t = time.AfterFunc(time.Hour, s.ring)
			t.Stop()
			s.alarm.Store(t) // before the first Reset: ring loads it
		}
		s.asleep.Store(true)
		t.Reset(checkEvery)
		sleep(s.counter, raw, 0)
		s.asleep.Store(false)
		t.Stop()
	} else {
		sleep(s.counter, raw, d)
	}
	if stop != nil {
		stop()
	}
	s.flag.CompareAndSwap(tag, 0)
	if s.counter.Load() != raw {
		return true, nil
	}
	return false, ctx.Err()
}
