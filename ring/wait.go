package ring

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// spinLoads is how many times a waiting end reads the counter before it sleeps, when
// it may spin at all: about 2 to 10 µs, longer than the other side takes to publish
// the next message while it is active, far shorter than a time slice.
const spinLoads = 1 << 12

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

// spin reads counter until it no longer holds raw (its value as stored), for a few
// microseconds at most, and reports whether it changed.
func spin(counter *atomic.Uint32, raw uint32) bool {
	for range spinLoads {
		if counter.Load() != raw {
			return true
		}
	}
	return false
}

// await sleeps until counter no longer holds raw (its value as stored), ctx is done,
// or about checkEvery has passed, and reports whether the counter moved; it returns
// early at times, so callers look again at what they wait for. A sleeper first sets flag to the value it waits on and reads the
// counter again: a notifier that changed the counter before the flag was set is seen
// by that read; one that changed it after sees the flag.
func await(ctx context.Context, counter, flag *atomic.Uint32, raw uint32) (moved bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	d := checkEvery
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return false, context.DeadlineExceeded
		}
		d = min(d, left)
	}
	tag := le(waitBit | le(raw)&tagMask)
	flag.Store(tag)
	if counter.Load() != raw {
		flag.CompareAndSwap(tag, 0)
		return true, nil
	}
	var stop func() bool
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, func() { wake(counter) })
	}
	sleep(counter, raw, d)
	if stop != nil {
		stop()
	}
	flag.CompareAndSwap(tag, 0)
	if counter.Load() != raw {
		return true, nil
	}
	return false, ctx.Err()
}
