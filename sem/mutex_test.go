//go:build linux

package sem_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
)

// childMutex opens the mutex of SEM_KEY and runs the commands the parent sends, one a
// line (lock, trylock, unlock, exit), answering each with one line.
func childMutex() int {
	mu, err := sem.OpenMutex(envKey(), 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("ready")
	for {
		switch cmd := proctest.Hear(); cmd {
		case "lock":
			if err := mu.Lock(context.Background()); err != nil {
				return proctest.Fail("lock: %v", err)
			}
			proctest.Say("locked")
		case "trylock":
			ok, err := mu.TryLock()
			if err != nil {
				return proctest.Fail("trylock: %v", err)
			}
			proctest.Say("%v", ok)
		case "unlock":
			err := mu.Unlock()
			switch {
			case err == nil:
				proctest.Say("unlocked")
			case errors.Is(err, sem.ErrNotLocked):
				proctest.Say("not locked")
			default:
				return proctest.Fail("unlock: %v", err)
			}
		case "exit", "":
			return 0
		default:
			return proctest.Fail("unknown command %q", cmd)
		}
	}
}

// A process that never locked the mutex cannot unlock it. Before, its Unlock succeeded,
// and its undo record later let two processes hold the mutex: A locks, B unlocks, C
// locks, A is killed (its undo gives back its 1), and D's TryLock succeeded while C
// held the mutex.
func TestMutexNeverTwoHolders(t *testing.T) {
	key := freeKey(t)
	mu, err := sem.OpenMutex(key, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	removeAtEnd(t, mu.Set())
	value := func() int {
		t.Helper()
		v, err := mu.Set().Value(0)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := func() *proctest.Child {
		c := proctest.Start(t, "mutex", "SEM_KEY="+key.String())
		c.Expect("ready")
		return c
	}
	a, b, c, d := start(), start(), start(), start()

	a.Send("lock")
	a.Expect("locked")
	b.Send("unlock")
	b.Expect("not locked")
	if v := value(); v != 0 {
		t.Fatalf("value after B's Unlock = %d, want 0: A holds the mutex", v)
	}
	b.Send("exit")
	b.WaitOK()
	if v := value(); v != 0 {
		t.Fatalf("value after B exited = %d, want 0: B's Unlock must leave no undo record", v)
	}

	c.Send("lock") // waits for A
	proctest.Poll(t, "C to wait for the mutex", waiters(t, mu.Set(), 0, 1))
	a.Signal(os.Kill)
	a.Wait()
	c.Expect("locked")

	d.Send("trylock")
	d.Expect("false")
	c.Signal(os.Kill)
	c.Wait()
	d.Send("trylock")
	d.Expect("true")
	d.Send("unlock")
	d.Expect("unlocked")
	d.Send("exit")
	d.WaitOK()
	if v := value(); v != 1 {
		t.Fatalf("value at the end = %d, want 1 (unlocked)", v)
	}
}

// Unlock goes through the Mutex value that locked: another value, or an Unlock too
// many, gets ErrNotLocked and changes nothing.
func TestMutexUnlockNeedsTheHolder(t *testing.T) {
	key := freeKey(t)
	mu, err := sem.OpenMutex(key, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	removeAtEnd(t, mu.Set())
	other, err := sem.OpenMutex(key, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	notLocked := func(what string, err error) {
		t.Helper()
		var e *shm.Error
		if !errors.Is(err, sem.ErrNotLocked) || !errors.As(err, &e) || e.Op != "unlock" {
			t.Fatalf("%s: %v, want a *shm.Error for unlock wrapping sem.ErrNotLocked", what, err)
		}
	}
	notLocked("Unlock of an unlocked mutex", mu.Unlock())
	if err := mu.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	notLocked("Unlock through another Mutex value", other.Unlock())
	if v, _ := mu.Set().Value(0); v != 0 {
		t.Fatalf("value after another value's Unlock = %d, want 0 (still locked)", v)
	}
	if err := mu.Unlock(); err != nil {
		t.Fatal(err)
	}
	notLocked("second Unlock", mu.Unlock())
	if v, _ := mu.Set().Value(0); v != 1 {
		t.Fatalf("value after Lock, Unlock and a second Unlock = %d, want 1", v)
	}
	// A hold voided by SetValue: the Unlock that follows says so and keeps nothing.
	if ok, err := mu.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	if err := mu.Set().SetValue(0, 1); err != nil {
		t.Fatal(err)
	}
	notLocked("Unlock after SetValue unlocked it", mu.Unlock())
	notLocked("Unlock after that", mu.Unlock())
}

// childIDMutex takes the mutex on semaphore 1 of the Private set SEM_ID, which it can
// reach only by id, says so, and holds it until killed.
func childIDMutex() int {
	s, err := childSet()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	mu, err := sem.NewMutex(s, 1)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	if ok, err := mu.TryLock(); !ok || err != nil {
		return proctest.Fail("TryLock = %v, %v", ok, err)
	}
	proctest.Say("locked")
	proctest.Hear()
	return 0
}

// A Private set has no key, so OpenMutex cannot name it: NewMutex makes a mutex of one of
// its semaphores, here in a child that has only the set's id, and the kernel's undo
// releases it when the child is killed.
func TestNewMutexOnAPrivateSet(t *testing.T) {
	s := newSet(t, shm.Private, 2, 1, 1)
	mu, err := sem.NewMutex(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := proctest.Start(t, "idmutex", idEnv(s))
	c.Expect("locked")
	if ok, err := mu.TryLock(); ok || err != nil {
		t.Fatalf("TryLock while the child holds it = %v, %v; want false", ok, err)
	}
	if v, err := s.Value(0); v != 1 || err != nil {
		t.Fatalf("semaphore 0 = %d, %v: the mutex on semaphore 1 touched it", v, err)
	}
	c.Signal(os.Kill)
	c.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	if err := mu.Lock(ctx); err != nil {
		t.Fatalf("Lock after the holder was killed: %v", err)
	}
	if err := mu.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := sem.NewMutex(s, 2); !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("NewMutex on semaphore 2 of 2: %v, want fs.ErrInvalid", err)
	}
}

// OpenMutex's sets have one semaphore: a set of another shape under the key is refused
// at once, not taken for a mutex on its semaphore 0.
func TestOpenMutexRefusesOtherShapes(t *testing.T) {
	key := freeKey(t)
	newSet(t, key, 2, 1, 1)
	_, err := sem.OpenMutex(key, 0o600)
	if !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "has 2 semaphores") {
		t.Fatalf("OpenMutex of a set of 2: %v, want fs.ErrInvalid naming the 2 semaphores", err)
	}
}
