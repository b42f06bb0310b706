//go:build linux

package sem_test

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
)

// Integers that do not fit the kernel's types are refused before any system call; they
// used to be cut to 32 or 16 bits, and to act on another count, id or semaphore.
func TestIntegersOutOfRange(t *testing.T) {
	if strconv.IntSize < 64 {
		t.Skip("int has 32 bits here: no id or count above them to pass")
	}
	s := newSet(t, shm.Private, 2)
	free := freeKey(t)
	// Variables, not constants, so that the file compiles where int has 32 bits.
	var two32, maxInt32 int64 = 1 << 32, math.MaxInt32
	above32 := int(two32 + 1) // 1 once cut to 32 bits
	aboveMaxInt32 := int(maxInt32 + 1)
	tests := []struct {
		name string
		do   func() (*sem.Set, error)
	}{
		{"CreateCountAbove32Bits", func() (*sem.Set, error) { return sem.Create(shm.Private, above32, 0o600) }},
		{"CreateCountAboveMaxInt32", func() (*sem.Set, error) { return sem.Create(shm.Private, aboveMaxInt32, 0o600) }},
		{"OpenCountAbove32Bits", func() (*sem.Set, error) { return sem.Open(free, above32, 0o600) }},
		{"FromIDAbove32Bits", func() (*sem.Set, error) { return sem.FromID(int(two32) + s.ID()) }},
		{"FromIDAboveMaxInt32", func() (*sem.Set, error) { return sem.FromID(aboveMaxInt32) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.do()
			if err == nil {
				removeAtEnd(t, got)
				t.Fatalf("got %v, want an error wrapping fs.ErrInvalid", got)
			}
			var e *shm.Error
			if !errors.As(err, &e) || !errors.Is(err, fs.ErrInvalid) {
				t.Fatalf("error %v, want a *shm.Error wrapping fs.ErrInvalid", err)
			}
		})
	}
}

// childBigIndex, in a private IPC namespace, raises SEMMSL, makes a set of 65537
// semaphores, and says whether each call on semaphore 65536, which struct sembuf's
// 16-bit sem_num cannot name, was refused without touching semaphore 0.
func childBigIndex() int {
	if err := setSysctl("sem", "70000 1024000000 500 32000"); err != nil {
		return proctest.Fail("%v", err)
	}
	s, err := sem.Create(shm.Private, 65537, 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer s.Remove()
	const i = 65536
	bg := context.Background()
	// A bound, not a synchronisation: an Acquire that reached semaphore 0 (at 0) would
	// wait for ever.
	ctx, cancel := context.WithTimeout(bg, proctest.Deadline/10)
	defer cancel()
	calls := map[string]func() error{
		"Release":    func() error { return s.Release(i, 1) },
		"TryAcquire": func() error { _, err := s.TryAcquire(i, 1); return err },
		"Acquire":    func() error { return s.Acquire(ctx, i, 1) },
		"Do":         func() error { return s.Do(bg, sem.Op{Index: i, Delta: 1}) },
		"NewMutex":   func() error { _, err := sem.NewMutex(s, i); return err },
	}
	for name, call := range calls {
		err := call()
		v, verr := s.Value(0)
		switch {
		case verr != nil:
			return proctest.Fail("%v", verr)
		case !errors.Is(err, fs.ErrInvalid):
			proctest.Say("%s(65536): %v, want fs.ErrInvalid (semaphore 0 = %d)", name, err, v)
		case v != 0:
			proctest.Say("%s(65536) changed semaphore 0 to %d", name, v)
		default:
			proctest.Say("%s refused", name)
		}
	}
	// semctl takes the number as an int: these reach semaphore 65536 itself.
	if err := s.SetValue(i, 7); err != nil {
		proctest.Say("SetValue(65536): %v", err)
	}
	v, err := s.Value(i)
	v0, _ := s.Value(0)
	if err != nil || v != 7 || v0 != 0 {
		proctest.Say("Value(65536) = %d, %v, and semaphore 0 = %d; want 7 and 0", v, err, v0)
	}
	vals, err := s.Values()
	if err != nil || len(vals) != 65537 || vals[i] != 7 || vals[0] != 0 {
		proctest.Say("Values: %d values, %v", len(vals), err)
	}
	proctest.Say("end")
	return 0
}

func TestIndexBeyond16Bits(t *testing.T) {
	c := inPrivateIPC(t, "bigindex")
	for {
		line := c.ReadLine()
		if line == "end" {
			break
		}
		if !strings.HasSuffix(line, " refused") {
			t.Error(line)
		}
	}
	c.WaitOK()
}

// kernelSem returns the fields of sysctl kernel.sem: SEMMSL, SEMMNS, SEMOPM, SEMMNI.
func kernelSem(t testing.TB) []int {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/kernel/sem")
	if err != nil {
		t.Skipf("cannot read the limits: %v", err)
	}
	var v []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("kernel.sem %q: %v", b, err)
		}
		v = append(v, n)
	}
	return v
}

// A count above SEMMSL is a bad argument, and the error names the limit and the sysctl.
func TestCreateAboveSEMMSL(t *testing.T) {
	semmsl := kernelSem(t)[0]
	for _, create := range []func(n int) (*sem.Set, error){
		func(n int) (*sem.Set, error) { return sem.Create(shm.Private, n, 0o600) },
		func(n int) (*sem.Set, error) { return sem.Open(freeKey(t), n, 0o600) },
	} {
		s, err := create(semmsl + 1)
		if err == nil {
			removeAtEnd(t, s)
			t.Fatalf("made a set of SEMMSL+1 = %d semaphores", semmsl+1)
		}
		msg := err.Error()
		if !errors.Is(err, fs.ErrInvalid) || !errors.Is(err, syscall.EINVAL) || !strings.Contains(msg, "SEMMSL") ||
			!strings.Contains(msg, "kernel.sem") || !strings.Contains(msg, strconv.Itoa(semmsl)) {
			t.Errorf("error %q: want fs.ErrInvalid and EINVAL, naming SEMMSL (%d) and kernel.sem", msg, semmsl)
		}
	}
}

// childLimits, in a private IPC namespace with room for 10 semaphores in 2 sets, fills
// them and says what Create reports when each limit is reached.
func childLimits() int {
	if err := setSysctl("sem", "250 10 32 2"); err != nil {
		return proctest.Fail("%v", err)
	}
	create := func(n int) error {
		s, err := sem.Create(shm.Private, n, 0o600)
		if err == nil {
			defer s.Remove()
		}
		return err
	}
	report := func(err error) {
		proctest.Say("%v %v", errors.Is(err, syscall.ENOSPC), err)
	}
	first, err := sem.Create(shm.Private, 8, 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer first.Remove()
	report(create(3)) // 8 + 3 semaphores: above SEMMNS
	second, err := sem.Create(shm.Private, 1, 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer second.Remove()
	report(create(1)) // a third set: above SEMMNI
	return 0
}

func TestCreateBeyondSystemLimits(t *testing.T) {
	c := inPrivateIPC(t, "limits")
	for _, want := range []string{"SEMMNS", "SEMMNI"} {
		line := c.ReadLine()
		if !strings.HasPrefix(line, "true ") || !strings.Contains(line, want) || !strings.Contains(line, "kernel.sem") {
			t.Errorf("Create beyond %s: %q, want ENOSPC naming %s and kernel.sem", want, line, want)
		}
	}
	c.WaitOK()
}
