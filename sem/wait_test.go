//go:build linux

package sem_test

import (
	"context"
	"errors"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
)

// An uncontended Lock with a context that can be cancelled makes no watcher, and so
// allocates nothing, as with context.Background().
func TestUncontendedLockAllocatesNothing(t *testing.T) {
	mu, err := sem.OpenMutex(shm.Private, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	removeAtEnd(t, mu.Set())
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for name, ctx := range map[string]context.Context{"Background": context.Background(), "WithTimeout": ctx} {
		allocs := testing.AllocsPerRun(100, func() {
			if err := mu.Lock(ctx); err != nil {
				t.Fatal(err)
			}
			if err := mu.Unlock(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("Lock and Unlock with %s: %v allocations, want 0", name, allocs)
		}
	}
}

// childIgnoreSIGURG ignores SIGURG, the signal that interrupts a wait when its context
// is cancelled, then waits on semaphore 0 of SEM_ID with a context that it cancels once
// it is waiting, and says how the wait ended.
func childIgnoreSIGURG() int {
	signal.Ignore(syscall.SIGURG)
	s, err := childSet()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Acquire(ctx, 0, 1) }()
	for { // a polled condition: the wait is in the kernel
		if n, err := s.Waiting(0); err != nil {
			return proctest.Fail("%v", err)
		} else if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if errors.Is(err, context.Canceled) {
			proctest.Say("canceled")
		} else {
			proctest.Say("%v", err)
		}
	case <-time.After(proctest.Deadline / 4): // a bound: the wait must end long before
		proctest.Say("still waiting after the cancel")
	}
	return 0
}

// A program that ignores SIGURG discards the signal that interrupts a wait; the wait
// must still end soon after its context is cancelled.
func TestCancelWithSIGURGIgnored(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	c := proctest.Start(t, "ignoreurg", idEnv(s))
	c.Expect("canceled")
	c.WaitOK()
	if n, _ := s.Waiting(0); n != 0 {
		t.Fatalf("%d still waiting after the child returned", n)
	}
	if v, _ := s.Value(0); v != 0 {
		t.Fatalf("value = %d, want 0", v)
	}
}
