//go:build linux

package sem_test

import (
	"context"
	"errors"
	"os"
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
