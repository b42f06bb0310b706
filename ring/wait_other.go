//go:build !linux

package ring

import (
	"sync/atomic"
	"time"
)

// alarmed says that wake reaches no sleeper here: sleeps need their own timeout.
const alarmed = false

// sleep polls the word with growing pauses, from 20 µs to 1 ms, until it no longer
// holds raw or d passes: without futex(2) there is no way to sleep on a word that
// another process changes. A waiting end therefore wakes up to a thousand times a
// second here, and notices a message up to 1 ms late.
func sleep(w *atomic.Uint32, raw uint32, d time.Duration) {
	end := time.Now().Add(d)
	for pause := 20 * time.Microsecond; w.Load() == raw; pause = min(2*pause, time.Millisecond) {
		left := time.Until(end)
		if left <= 0 {
			return
		}
		time.Sleep(min(pause, left))
	}
}

// wake does nothing: sleepers poll.
func wake(*atomic.Uint32) {}
