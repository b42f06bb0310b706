package ring

import (
	"math"
	"os"
	"sync"
	"sync/atomic"
)

// The states of an end, in the low two bits of its state word; the other 30 bits count
// the changes, so that a process reading the record twice sees whether it changed.
const (
	stFree   = 0 // never claimed
	stOpen   = 1 // held by the process in pid
	stClosed = 2 // released by Close
	stMask   = 3
)

// endWords are the words of one end's owner record in the segment: the pid of the
// process that holds it, its state, and the holder's start time (so that a pid the
// kernel gave to a new process is not taken for the holder).
type endWords struct {
	pid, state, startLo, startHi *atomic.Uint32
}

func endAt(mem []byte, off int) endWords {
	return endWords{
		pid:     wordAt(mem, off+endPID),
		state:   wordAt(mem, off+endState),
		startLo: wordAt(mem, off+endStartLo),
		startHi: wordAt(mem, off+endStartHi),
	}
}

// owner is an end's owner record as read at one moment.
type owner struct {
	st, gen uint32
	pid     int
	start   uint64
	bad     bool // a value no process of this package writes
}

// read reads the record until two reads of the state around it agree (a claim or a
// release in between changes the state). A peer that changes it without end cannot
// make read loop forever: after a few tries it returns the last reading.
func (e endWords) read() owner {
	var o owner
	for range 64 {
		s1 := le(e.state.Load())
		pid := le(e.pid.Load())
		lo, hi := le(e.startLo.Load()), le(e.startHi.Load())
		s2 := le(e.state.Load())
		o = owner{st: s1 & stMask, gen: s1 >> 2, pid: int(pid & math.MaxInt32), start: uint64(hi)<<32 | uint64(lo)}
		o.bad = o.st == stMask || pid > math.MaxInt32 || o.st == stOpen && pid == 0
		if s1 == s2 {
			break
		}
	}
	return o
}

// identity is what a process writes into the record of the end it holds.
type identity struct {
	pid   int
	start uint64
}

// self is this process's identity. Its start time never changes.
var self = sync.OnceValue(func() identity {
	pid := os.Getpid()
	start, _ := startTime(pid)
	return identity{pid: pid, start: start}
})

// claim makes this process the holder of the end, if no live process holds it: a
// holder that died (even by SIGKILL) is replaced. It reports whether it replaced one.
func (e endWords) claim(name string) (replaced bool, err error) {
	me := self()
	var w watch
	defer w.close()
	for range 100 {
		o := e.read()
		if o.bad {
			return false, corrupt("the %s end's owner record holds state %d, pid %d", name, o.st, le(e.pid.Load()))
		}
		held := le(e.pid.Load())
		switch {
		case o.st == stOpen:
			if int(held) != o.pid {
				continue // changed hands since read
			}
			if o.pid == me.pid {
				return false, errBusy(name, o.pid) // this process: the SPSC rule
			}
			if w.alive(o.pid, o.start) {
				return false, errBusy(name, o.pid)
			}
			replaced = true
		case held != 0:
			// Free or closed with a pid: another process is between the two steps
			// below, or died there.
			if int(held) == me.pid || w.alive(int(held), 0) {
				return false, errBusy(name, int(held))
			}
		}
		if !e.pid.CompareAndSwap(le(held), le(uint32(me.pid))) {
			continue
		}
		e.startLo.Store(le(uint32(me.start)))
		e.startHi.Store(le(uint32(me.start >> 32)))
		e.state.Store(le((o.gen+1)<<2 | stOpen))
		return replaced, nil
	}
	return false, corrupt("the %s end's owner record kept changing", name)
}

// release marks the end closed, if this process still holds it.
func (e endWords) release() {
	if int(le(e.pid.Load())) != self().pid {
		return
	}
	s := le(e.state.Load())
	e.state.Store(le((s>>2+1)<<2 | stClosed))
	e.pid.Store(0)
}
