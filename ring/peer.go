package ring

import "time"

// checkEvery is how often a waiting end asks whether the process at the other end is
// still alive; a peer that died is noticed within about twice this.
const checkEvery = 20 * time.Millisecond

// idleCheckEvery is how long an end sleeps between those checks once a whole sleep has
// passed with nothing happening. Each wake-up of a sleeping Go process costs far more
// than the check (the runtime takes the thread's P back at every sleep and polls for a
// while after it): here a process that only slept on a futex in 20 ms slices used 7 to
// 10 ms of CPU a second, in 50 ms slices 3 to 7, in one sleep of a second 0.6 to 2.3.
// A peer's death is still noticed well within 100 ms.
const idleCheckEvery = 50 * time.Millisecond

// peerState is what one end knows of the other: closed, dead or alive.
type peerState int

const (
	peerAbsent peerState = iota // never opened: keep waiting for it
	peerAlive
	peerClosed
	peerDead
)

// peer tells what became of the process holding the other end, asking the kernel
// (a cheap poll) at most every checkEvery.
type peer struct {
	words   endWords
	w       watch
	checked time.Time
	dead    bool
	pid     int
}

// state reads the other end's record; with check it also asks whether its holder is
// alive, if it has not asked within checkEvery.
func (p *peer) state(check bool) (peerState, error) {
	o := p.words.read()
	if o.bad {
		return 0, corrupt("the other end's owner record holds state %d", o.st)
	}
	switch o.st {
	case stFree:
		return peerAbsent, nil
	case stClosed:
		return peerClosed, nil
	}
	p.pid = o.pid
	if !check {
		return peerAlive, nil
	}
	if now := time.Now(); now.Sub(p.checked) >= checkEvery {
		p.checked = now
		p.dead = !p.w.alive(o.pid, o.start)
	}
	if p.dead {
		// The record may have changed hands since: only the current holder counts.
		if p.w.pid != o.pid || p.w.start != o.start {
			p.checked = time.Time{}
			return peerAlive, nil
		}
		return peerDead, nil
	}
	return peerAlive, nil
}
