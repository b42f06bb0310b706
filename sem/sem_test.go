//go:build linux

package sem_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
)

func TestMain(m *testing.M) {
	proctest.Main(m, map[string]func() int{
		"acquire":        childAcquire,
		"hold":           childHold,
		"count":          childCount,
		"bigindex":       childBigIndex,
		"reuse":          childReuse,
		"limits":         childLimits,
		"churn":          childChurn,
		"mutex":          childMutex,
		"ignoreurg":      childIgnoreSIGURG,
		"idmutex":        childIDMutex,
		"semusage":       childSemUsage,
		"semownernoread": childSemOwnerNoRead,
	})
}

// newSet creates a set that is removed when the test ends, however it ends.
func newSet(t testing.TB, key shm.Key, n int, values ...int) *sem.Set {
	t.Helper()
	s, err := sem.Create(key, n, 0o600, values...)
	if err != nil {
		t.Fatalf("Create(%v, %d): %v", key, n, err)
	}
	removeAtEnd(t, s)
	return s
}

// removeKeyAtEnd removes whatever set has key when the test ends: for sets that a child
// process creates.
func removeKeyAtEnd(t testing.TB, key shm.Key) {
	t.Cleanup(func() {
		if s, err := sem.Get(key); err == nil {
			s.Remove()
		}
	})
}

func removeAtEnd(t testing.TB, s *sem.Set) {
	t.Cleanup(func() {
		if err := s.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("cleanup: %v", err)
		}
	})
}

// freeKey returns a key that names no semaphore set and no segment now.
func freeKey(t testing.TB) shm.Key {
	t.Helper()
	for range 100 {
		k := shm.Key(0x7e600000 | rand.Uint32N(0x100000))
		_, serr := sem.Get(k)
		_, merr := shm.Get(k)
		if errors.Is(serr, fs.ErrNotExist) && errors.Is(merr, fs.ErrNotExist) {
			return k
		}
	}
	t.Fatal("no free key found")
	return 0
}

// checkKernelTime fails the test unless got, a time the kernel recorded in whole seconds,
// falls between before and after, read from time.Now around the event. The kernel stamps
// with its coarse clock (ktime_get_real_seconds), which a tick after a second begins can
// still be in the second before, so both ends are taken to the second and widened by one.
func checkKernelTime(t testing.TB, what string, got, before, after time.Time) {
	t.Helper()
	lo := before.Truncate(time.Second).Add(-time.Second)
	hi := after.Truncate(time.Second).Add(time.Second)
	if got.Before(lo) || got.After(hi) {
		t.Errorf("%s = %v, want between %v and %v (the event's second, give or take one)", what, got, lo, hi)
	}
}

func waiters(t testing.TB, s *sem.Set, i, want int) func() bool {
	return func() bool {
		n, err := s.Waiting(i)
		if err != nil {
			t.Fatal(err)
		}
		return n == want
	}
}

func childSet() (*sem.Set, error) {
	id, err := strconv.Atoi(os.Getenv("SEM_ID"))
	if err != nil {
		return nil, err
	}
	return sem.FromID(id)
}

// envKey returns the key the parent gave a child in SEM_KEY.
func envKey() shm.Key {
	key, _ := strconv.ParseUint(os.Getenv("SEM_KEY"), 0, 32)
	return shm.Key(key)
}

func idEnv(s *sem.Set) string { return fmt.Sprintf("SEM_ID=%d", s.ID()) }

// childAcquire waits to acquire 1 from semaphore 0 and says how that ended.
func childAcquire() int {
	s, err := childSet()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("waiting")
	err = s.Acquire(context.Background(), 0, 1)
	switch {
	case err == nil:
		proctest.Say("acquired")
	case errors.Is(err, fs.ErrNotExist):
		proctest.Say("removed: %v", err)
	default:
		return proctest.Fail("%v", err)
	}
	return 0
}

func TestReleaseWakesAnotherProcess(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	c := proctest.Start(t, "acquire", idEnv(s))
	c.Expect("waiting")
	proctest.Poll(t, "the child to wait on the semaphore", waiters(t, s, 0, 1))
	if err := s.Release(0, 1, sem.NoUndo); err != nil {
		t.Fatal(err)
	}
	c.Expect("acquired")
	c.WaitOK()
	if v, _ := s.Value(0); v != 1 {
		// The child's acquire was recorded for undo, and undone when it exited.
		t.Fatalf("value after the child exited = %d, want 1 (its acquire undone)", v)
	}
	if pid, _ := s.LastPID(0); pid != c.Pid() {
		t.Fatalf("LastPID = %d, want the child's %d", pid, c.Pid())
	}
}

func TestRemoveWakesWaiters(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	c := proctest.Start(t, "acquire", idEnv(s))
	c.Expect("waiting")
	proctest.Poll(t, "the child to wait on the semaphore", waiters(t, s, 0, 1))
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("removed: sem: acquire id %d: semaphore set was removed (identifier removed)", s.ID())
	c.Expect(want)
	c.WaitOK()
}

// childHold takes the mutex of SEM_KEY, with or without undo as SEM_UNDO says, reports
// it, and waits to be killed.
func childHold() int {
	key, _ := strconv.ParseUint(os.Getenv("SEM_KEY"), 0, 32)
	mu, err := sem.OpenMutex(shm.Key(key), 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	if os.Getenv("SEM_UNDO") == "off" {
		err = mu.Set().Acquire(context.Background(), 0, 1, sem.NoUndo)
	} else {
		err = mu.Lock(context.Background())
	}
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("locked")
	proctest.Hear()
	return 0
}

func TestMutexOfKilledProcessIsReleased(t *testing.T) {
	for _, undo := range []string{"on", "off"} {
		t.Run("undo="+undo, func(t *testing.T) {
			key := freeKey(t)
			removeKeyAtEnd(t, key)
			c := proctest.Start(t, "hold", "SEM_KEY="+key.String(), "SEM_UNDO="+undo)
			c.Expect("locked")
			mu, err := sem.OpenMutex(key, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := mu.TryLock(); ok || err != nil {
				t.Fatalf("TryLock while the child holds it = %v, %v; want false", ok, err)
			}
			c.Signal(os.Kill)
			c.Wait()
			if undo == "off" {
				if v, _ := mu.Set().Value(0); v != 0 {
					t.Fatalf("value after the kill = %d; without undo the lock must stay taken", v)
				}
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
			defer cancel()
			if err := mu.Lock(ctx); err != nil {
				t.Fatalf("Lock after the holder was killed: %v", err)
			}
			if err := mu.Unlock(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// childCount adds 1 to the little-endian counter at the start of segment SHM_ID
// 100,000 times, each under the mutex of semaphore set SEM_ID.
func childCount() int {
	s, err := childSet()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	id, _ := strconv.Atoi(os.Getenv("SHM_ID"))
	seg, err := shm.FromID(id)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	b, err := seg.Attach()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer shm.Detach(b)
	mu, err := sem.OpenMutex(s.Key(), 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("ready")
	proctest.Hear()
	ctx := context.Background()
	for range 100_000 {
		if err := mu.Lock(ctx); err != nil {
			return proctest.Fail("%v", err)
		}
		// A plain read-modify-write: only the mutex keeps the two processes apart.
		n := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24
		n++
		b[0], b[1], b[2], b[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		if err := mu.Unlock(); err != nil {
			return proctest.Fail("%v", err)
		}
	}
	proctest.Say("done")
	return 0
}

func TestMutexGuardsSharedCounter(t *testing.T) {
	key := freeKey(t)
	mu, err := sem.OpenMutex(key, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	removeAtEnd(t, mu.Set())
	seg, err := shm.Create(key, 4096, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Remove() })
	env := []string{idEnv(mu.Set()), fmt.Sprintf("SHM_ID=%d", seg.ID())}
	a, b := proctest.Start(t, "count", env...), proctest.Start(t, "count", env...)
	a.Expect("ready")
	b.Expect("ready")
	a.Send("go")
	b.Send("go")
	a.Expect("done")
	b.Expect("done")
	a.WaitOK()
	b.WaitOK()
	m, err := seg.Attach(shm.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer shm.Detach(m)
	if n := uint32(m[0]) | uint32(m[1])<<8 | uint32(m[2])<<16 | uint32(m[3])<<24; n != 200_000 {
		t.Fatalf("counter = %d, want 200000", n)
	}
}

// inPrivateIPC starts child name in a new IPC namespace, where it may set sysctls of
// kernel.sem* without touching the machine's, and where every set it makes disappears
// with it.
func inPrivateIPC(t *testing.T, name string, env ...string) *proctest.Child {
	t.Helper()
	return proctest.StartWith(t, name, proctest.PrivateIPC(t), env...)
}

// setSysctl writes a kernel.* setting; for children in a private IPC namespace only.
func setSysctl(name, value string) error {
	return os.WriteFile("/proc/sys/kernel/"+name, []byte(value), 0)
}

// childChurn makes and removes the set of SEM_KEY as fast as it can, removing also the
// sets the parent makes, until its input closes or says stop.
func childChurn() int {
	key := envKey()
	stop := make(chan struct{})
	go func() {
		proctest.Hear()
		close(stop)
	}()
	proctest.Say("churning")
	for {
		select {
		case <-stop:
			return 0
		default:
		}
		s, err := sem.Create(key, 1, 0o600, 1)
		if errors.Is(err, os.ErrExist) {
			s, err = sem.Get(key)
		}
		if err == nil {
			s.Remove()
		}
	}
}

// Open makes or finds the set while another process keeps making and removing it: each
// call returns a set, never an error that the set does not exist. Before, about 1 in
// 200 calls said it did not.
func TestOpenUnderChurn(t *testing.T) {
	key := freeKey(t)
	removeKeyAtEnd(t, key)
	c := proctest.Start(t, "churn", "SEM_KEY="+key.String())
	c.Expect("churning")
	failed := 0
	for i := range 20_000 {
		s, err := sem.Open(key, 1, 0o600, 1)
		if err != nil {
			failed++
			if failed <= 5 {
				t.Errorf("Open %d: %v", i, err)
			}
			continue
		}
		s.Remove() // the child may have removed it already
	}
	if failed > 0 {
		t.Errorf("%d of 20000 Opens failed", failed)
	}
	c.Send("stop")
	c.WaitOK()
}
