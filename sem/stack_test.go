//go:build linux

package sem_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/sem"
)

// atDepth calls f from depth frames of recursion, each frame big enough that the
// goroutine's stack grows, and so moves, somewhere on the way down; a fresh goroutine
// each time starts from the smallest stack. A pointer to a stack buffer that reached
// the kernel as a stale address would make f see wrong results at some depths.
func atDepth(depth int, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		recurse(depth, f)
	}()
	<-done
}

//go:noinline
func recurse(depth int, f func()) byte {
	var pad [256]byte // makes each frame large, so that the stack grows
	pad[depth%len(pad)] = byte(depth)
	if depth == 0 {
		f()
		return pad[0]
	}
	return recurse(depth-1, f) + pad[depth%len(pad)]
}

// Every operation that hands the kernel a pointer gives the right answer however deep
// the stack is when it is called.
func TestPointersSurviveStackGrowth(t *testing.T) {
	key := freeKey(t)
	s := newSet(t, key, 3, 1, 2, 3)
	bg := context.Background()
	for depth := range 400 {
		atDepth(depth, func() {
			if info, err := s.Stat(); err != nil || info.Len != 3 || info.Mode != 0o600 || info.Key != key {
				t.Errorf("depth %d: Stat = %+v, %v", depth, info, err)
			}
			if vals, err := s.Values(); err != nil || !equal(vals, []int{1, 2, 3}) {
				t.Errorf("depth %d: Values = %v, %v; want [1 2 3]", depth, vals, err)
			}
			if err := s.SetValues([]int{4, 5, 6}); err != nil {
				t.Errorf("depth %d: SetValues: %v", depth, err)
			}
			if vals, _ := s.Values(); !equal(vals, []int{4, 5, 6}) {
				t.Errorf("depth %d: SetValues set %v, want [4 5 6]", depth, vals)
			}
			// A call that must wait hands the kernel a timespec: here 1 ms for more
			// than the semaphore holds, so the call ends with the deadline, unless the
			// timespec the kernel read is garbage (then EINVAL, or a wait of another
			// length, which the deadline of the whole test would catch).
			ctx, cancel := context.WithTimeout(bg, time.Millisecond)
			if err := s.Acquire(ctx, 1, 6, sem.NoUndo); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("depth %d: Acquire that must wait 1 ms: %v, want context.DeadlineExceeded", depth, err)
			}
			cancel()
			// And one that need not wait, so the values below are as before.
			ctx, cancel = context.WithTimeout(bg, time.Hour)
			if err := s.Acquire(ctx, 1, 5, sem.NoUndo); err != nil {
				t.Errorf("depth %d: Acquire with a deadline: %v", depth, err)
			}
			cancel()
			if err := s.Do(bg, sem.Op{Index: 0, Delta: -4, Options: sem.NoUndo}, sem.Op{Index: 2, Delta: -6, Options: sem.NoUndo}); err != nil {
				t.Errorf("depth %d: Do: %v", depth, err)
			}
			if vals, _ := s.Values(); !equal(vals, []int{0, 0, 0}) {
				t.Errorf("depth %d: values after Acquire and Do = %v, want [0 0 0]", depth, vals)
			}
			if err := s.SetValues([]int{1, 2, 3}); err != nil {
				t.Errorf("depth %d: SetValues: %v", depth, err)
			}
			c, err := sem.Create(shm.Private, 3, 0o600, 7, 8, 9)
			if err != nil {
				t.Errorf("depth %d: Create with values: %v", depth, err)
				return
			}
			defer c.Remove()
			if vals, _ := c.Values(); !equal(vals, []int{7, 8, 9}) {
				t.Errorf("depth %d: Create set %v, want [7 8 9]", depth, vals)
			}
		})
	}
}
