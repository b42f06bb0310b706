//go:build linux

package sem_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
)

// staleOps are the calls made on a handle whose id now names another set.
var staleOps = map[string]func(s *sem.Set) error{
	"Stat":        func(s *sem.Set) error { _, err := s.Stat(); return err },
	"Values":      func(s *sem.Set) error { _, err := s.Values(); return err },
	"SetValues":   func(s *sem.Set) error { return s.SetValues([]int{9, 9, 9}) },
	"SetValue":    func(s *sem.Set) error { return s.SetValue(0, 9) },
	"Remove":      func(s *sem.Set) error { return s.Remove() },
	"Acquire":     func(s *sem.Set) error { return s.Acquire(context.Background(), 0, 1) },
	"TryAcquire":  func(s *sem.Set) error { _, err := s.TryAcquire(0, 1); return err },
	"Release":     func(s *sem.Set) error { return s.Release(0, 1) },
	"Do":          func(s *sem.Set) error { return s.Do(context.Background(), sem.Op{Index: 1, Delta: 1}) },
	"Value":       func(s *sem.Set) error { _, err := s.Value(0); return err },
	"Waiting":     func(s *sem.Set) error { _, err := s.Waiting(0); return err },
	"WaitingZero": func(s *sem.Set) error { _, err := s.WaitingZero(0); return err },
	"LastPID":     func(s *sem.Set) error { _, err := s.LastPID(0); return err },
	"TryDo":       func(s *sem.Set) error { _, err := s.TryDo(sem.Op{Index: 1, Delta: 1}); return err },
	"Chmod":       func(s *sem.Set) error { return s.Chmod(0o666) },
	"Chown":       func(s *sem.Set) error { return s.Chown(1, 1) },
	"MutexLock": func(s *sem.Set) error {
		mu, err := sem.NewMutex(s, 0)
		if err != nil {
			return err
		}
		return mu.Lock(context.Background())
	},
	"MutexTryLock": func(s *sem.Set) error {
		mu, err := sem.NewMutex(s, 0)
		if err != nil {
			return err
		}
		_, err = mu.TryLock()
		return err
	},
}

// childReuse, in a private IPC namespace, makes a set of 3 semaphores, removes it, has
// the kernel give its id to a new set (kernel.sem_next_id), calls SEM_OP on the stale
// handle, and says how the call ended and whether the new set is as it was.
func childReuse() int {
	// Room for the big replacement whatever the machine's SEMMSL (250 before Linux 3.19).
	if err := setSysctl("sem", "32000 1024000000 500 32000"); err != nil {
		return proctest.Fail("%v", err)
	}
	old, err := sem.Create(shm.Private, 3, 0o600, 1, 2, 3)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	gone, err := sem.FromID(old.ID())
	if err != nil {
		return proctest.Fail("%v", err)
	}
	if err := gone.Remove(); err != nil {
		return proctest.Fail("%v", err)
	}
	if err := setSysctl("sem_next_id", strconv.Itoa(old.ID())); err != nil {
		return proctest.Fail("%v", err)
	}
	// The new set is one the old handle could be confused with: a big one (whose
	// GETALL overflows a buffer sized for 3), or one of the same size under a key.
	key, n := shm.Private, 4000
	if os.Getenv("SEM_REPLACEMENT") == "same size" {
		key, n = 0x5e11, 3
	}
	values := make([]int, n)
	for i := range values {
		values[i] = 0x4141 // what a hostile creator would choose: an address
	}
	repl, err := sem.Create(key, n, 0o600, values...)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer repl.Remove()
	if repl.ID() != old.ID() {
		return proctest.Fail("the new set has id %d, not the old %d", repl.ID(), old.ID())
	}
	err = staleOps[os.Getenv("SEM_OP")](old)
	switch {
	case err == nil:
		proctest.Say("ok")
	case errors.Is(err, fs.ErrNotExist):
		proctest.Say("not exist")
	default:
		proctest.Say("%v", err)
	}
	after, err := repl.Values()
	if err != nil {
		proctest.Say("replacement: %v", err)
		return 0
	}
	info, err := repl.Stat()
	if !equal(after, values) || err != nil || info.Mode != 0o600 || info.UID != os.Geteuid() || info.GID != os.Getegid() {
		proctest.Say("replacement changed")
		return 0
	}
	proctest.Say("replacement untouched")
	return 0
}

// A handle whose set was removed, and whose id the kernel gave to a new set, must not
// act on the new set: every call says the set does not exist and leaves the new one as
// it was. Before handles checked their identity, Values on such a handle wrote 4000
// values into a buffer of 3 and crashed the process.
func TestStaleHandleLeavesNewSetAlone(t *testing.T) {
	for _, repl := range []string{"bigger", "same size"} {
		for op := range staleOps {
			t.Run(fmt.Sprintf("%s/%s", repl, op), func(t *testing.T) {
				c := inPrivateIPC(t, "reuse", "SEM_OP="+op, "SEM_REPLACEMENT="+repl)
				c.Expect("not exist")
				c.Expect("replacement untouched")
				c.WaitOK()
			})
		}
	}
}
