//go:build linux

package sem_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
	"golang.org/x/sys/unix"
)

func TestDeadlineReturnsOnTime(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	const wait = 150 * time.Millisecond
	start := time.Now() // before the context, whose deadline counts from its making
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := s.Acquire(ctx, 0, 1)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire past its deadline: %v, want context.DeadlineExceeded", err)
	}
	// Not a performance threshold: returning before the deadline is wrong, and so is
	// missing it by seconds.
	if took < wait || took > wait+5*time.Second {
		t.Fatalf("Acquire returned after %v, want about %v", took, wait)
	}
	if v, _ := s.Value(0); v != 0 {
		t.Fatalf("value = %d after a failed acquire, want 0", v)
	}
}

func TestCancelUnblocks(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Acquire(ctx, 0, 1) }()
	proctest.Poll(t, "the goroutine to wait", waiters(t, s, 0, 1))
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cancel did not unblock Acquire")
	}
	if n, _ := s.Waiting(0); n != 0 {
		t.Fatalf("%d still waiting after cancel", n)
	}
}

// Signals interrupt semop with EINTR; Acquire must wait on.
func TestSignalsDoNotEndTheWait(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	ctx, cancel := context.WithCancel(context.Background()) // the cancellable path
	defer cancel()
	for _, c := range []context.Context{context.Background(), ctx} {
		done := make(chan error, 1)
		go func() { done <- s.Acquire(c, 0, 1) }()
		proctest.Poll(t, "the goroutine to wait", waiters(t, s, 0, 1))
		signalAllThreads(t, syscall.SIGURG)
		proctest.Poll(t, "the goroutine to wait again", waiters(t, s, 0, 1))
		select {
		case err := <-done:
			t.Fatalf("Acquire ended on a signal: %v", err)
		default:
		}
		if err := s.Release(0, 1, sem.NoUndo); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("Acquire after signals and a release: %v", err)
		}
	}
}

// signalAllThreads sends sig to every thread of this process, so that whichever
// thread waits in semop is interrupted.
func signalAllThreads(t *testing.T, sig syscall.Signal) {
	tasks, err := filepath.Glob("/proc/self/task/*")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("listing threads: %v", err)
	}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(filepath.Base(task))
		unix.Tgkill(os.Getpid(), tid, sig)
	}
}

func TestTryAcquireAndDo(t *testing.T) {
	s := newSet(t, shm.Private, 3, 2, 0, 5)
	if ok, err := s.TryAcquire(0, 2); !ok || err != nil {
		t.Fatalf("TryAcquire(0, 2) of 2 = %v, %v", ok, err)
	}
	if ok, err := s.TryAcquire(0, 1); ok || err != nil {
		t.Fatalf("TryAcquire(0, 1) of 0 = %v, %v; want false, nil", ok, err)
	}
	// All or nothing: semaphore 1 cannot give 1, so 2 keeps its 5.
	if ok, err := s.TryDo(sem.Op{Index: 2, Delta: -5}, sem.Op{Index: 1, Delta: -1}); ok || err != nil {
		t.Fatalf("TryDo that must wait = %v, %v; want false, nil", ok, err)
	}
	if vals, _ := s.Values(); vals[2] != 5 {
		t.Fatalf("values after a failed Do = %v, want semaphore 2 untouched", vals)
	}
	if err := s.Do(context.Background(), sem.Op{Index: 2, Delta: -5}, sem.Op{Index: 1, Delta: 3}); err != nil {
		t.Fatal(err)
	}
	vals, err := s.Values()
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 3, 0}; !equal(vals, want) {
		t.Fatalf("Values = %v, want %v", vals, want)
	}
	if err := s.SetValues([]int{7, 8, 9}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetValue(1, sem.MaxValue); err != nil {
		t.Fatal(err)
	}
	if vals, _ = s.Values(); !equal(vals, []int{7, sem.MaxValue, 9}) {
		t.Fatalf("Values after SetValues and SetValue = %v", vals)
	}
	if err := s.Release(1, 1); !errors.Is(err, fs.ErrInvalid) || !errors.Is(err, syscall.ERANGE) {
		t.Fatalf("Release above SEMVMX: %v, want fs.ErrInvalid and ERANGE", err)
	}
	if n, err := s.WaitingZero(0); n != 0 || err != nil {
		t.Fatalf("WaitingZero = %d, %v", n, err)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestStatAndGet(t *testing.T) {
	key := freeKey(t)
	before := time.Now()
	s := newSet(t, key, 4, 1, 2, 3, 4)
	info, err := s.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if info.Key != key || info.ID != s.ID() || info.Len != 4 || info.Mode != 0o600 || info.UID != os.Getuid() ||
		info.CGID != os.Getgid() {
		t.Fatalf("Stat = %+v", info)
	}
	// Create sets the values (SETALL, the change time) and marks the set ready with an
	// operation (semop, the operation time).
	checkKernelTime(t, "LastChange", info.LastChange, before, time.Now())
	checkKernelTime(t, "LastOp", info.LastOp, before, time.Now())
	for _, get := range []func() (*sem.Set, error){
		func() (*sem.Set, error) { return sem.Get(key) },
		func() (*sem.Set, error) { return sem.FromID(s.ID()) },
		func() (*sem.Set, error) { return sem.Open(key, 2, 0o600) },
	} {
		g, err := get()
		if err != nil {
			t.Fatal(err)
		}
		if *g != *s {
			t.Fatalf("found %v, want %v", g, s)
		}
	}
	if vals, _ := s.Values(); !equal(vals, []int{1, 2, 3, 4}) {
		t.Fatalf("initial values = %v", vals)
	}
}

// A set that exists but was never operated on is one whose creator has not finished
// initialising it: Open waits for it and then gives up.
func TestOpenWaitsForInitialisation(t *testing.T) {
	t.Parallel() // waits InitTimeout
	key := freeKey(t)
	removeKeyAtEnd(t, key)
	id, _, errno := unix.Syscall(unix.SYS_SEMGET, uintptr(key), 1, unix.IPC_CREAT|0o600)
	if errno != 0 {
		t.Fatal(errno)
	}
	raw, err := sem.FromID(int(id))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = sem.Open(key, 1, 0o600)
	if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) < sem.InitTimeout {
		t.Fatalf("Open of an uninitialised set: %v after %v, want os.ErrDeadlineExceeded after %v", err, time.Since(start), sem.InitTimeout)
	}
	// Once the creator operates on it, Open succeeds.
	if err := raw.Release(0, 1, sem.NoUndo); err != nil {
		t.Fatal(err)
	}
	if _, err := sem.Open(key, 1, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	taken := freeKey(t)
	s := newSet(t, taken, 2)
	removed := newSet(t, shm.Private, 1)
	if err := removed.Remove(); err != nil {
		t.Fatal(err)
	}
	free := freeKey(t)
	bg := context.Background()
	tests := []struct {
		name string
		do   func() error
		is   []error
	}{
		{"CreateZeroSemaphores", func() error { _, err := sem.Create(free, 0, 0o600); return err }, []error{fs.ErrInvalid}},
		{"CreatePermOutside0777", func() error { _, err := sem.Create(free, 1, 0o1600); return err }, []error{fs.ErrInvalid}},
		{"CreateWrongNumberOfValues", func() error { _, err := sem.Create(free, 2, 0o600, 1); return err }, []error{fs.ErrInvalid}},
		{"CreateValueAboveSEMVMX", func() error { _, err := sem.Create(free, 1, 0o600, sem.MaxValue+1); return err }, []error{fs.ErrInvalid}},
		{"CreateNegativeValue", func() error { _, err := sem.Create(free, 1, 0o600, -1); return err }, []error{fs.ErrInvalid}},
		{"CreateTakenKey", func() error { _, err := sem.Create(taken, 1, 0o600); return err }, []error{fs.ErrExist, syscall.EEXIST}},
		{"OpenMoreThanExisting", func() error { _, err := sem.Open(taken, 3, 0o600); return err }, []error{fs.ErrInvalid}},
		{"GetMissingKey", func() error { _, err := sem.Get(free); return err }, []error{fs.ErrNotExist}},
		{"GetPrivate", func() error { _, err := sem.Get(shm.Private); return err }, []error{fs.ErrInvalid}},
		{"FromIDNegative", func() error { _, err := sem.FromID(-1); return err }, []error{fs.ErrInvalid}},
		{"FromIDRemoved", func() error { _, err := sem.FromID(removed.ID()); return err }, []error{fs.ErrNotExist}},
		{"AcquireIndexOutOfRange", func() error { return s.Acquire(bg, 2, 1) }, []error{fs.ErrInvalid}},
		{"AcquireNegativeIndex", func() error { return s.Acquire(bg, -1, 1) }, []error{fs.ErrInvalid}},
		{"AcquireNegativeCount", func() error { return s.Acquire(bg, 0, -1) }, []error{fs.ErrInvalid}},
		{"AcquireZeroCount", func() error { return s.Acquire(bg, 0, 0) }, []error{fs.ErrInvalid}},
		{"ReleaseAboveSEMVMX", func() error { return s.Release(0, sem.MaxValue+1) }, []error{fs.ErrInvalid}},
		{"ReleaseUnknownOption", func() error { return s.Release(0, 1, sem.OpOption(64)) }, []error{fs.ErrInvalid}},
		{"SetValueAboveSEMVMX", func() error { return s.SetValue(0, sem.MaxValue+1) }, []error{fs.ErrInvalid}},
		{"SetValueNegative", func() error { return s.SetValue(0, -1) }, []error{fs.ErrInvalid}},
		{"SetValuesWrongLength", func() error { return s.SetValues([]int{1}) }, []error{fs.ErrInvalid}},
		{"DoNothing", func() error { return s.Do(bg) }, []error{fs.ErrInvalid}},
		{"DoIndexOutOfRange", func() error { return s.Do(bg, sem.Op{Index: 5, Delta: 1}) }, []error{fs.ErrInvalid}},
		{"ValueIndexOutOfRange", func() error { _, err := s.Value(9); return err }, []error{fs.ErrInvalid}},
		{"AcquireRemoved", func() error { return removed.Acquire(bg, 0, 1) }, []error{fs.ErrNotExist}},
		{"ReleaseRemoved", func() error { return removed.Release(0, 1) }, []error{fs.ErrNotExist}},
		{"StatRemoved", func() error { _, err := removed.Stat(); return err }, []error{fs.ErrNotExist}},
		{"RemoveRemoved", func() error { return removed.Remove() }, []error{fs.ErrNotExist}},
		{"AcquireDoneContext", func() error {
			ctx, cancel := context.WithCancel(bg)
			cancel()
			return s.Acquire(ctx, 0, 1)
		}, []error{context.Canceled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			var e *shm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a *shm.Error", err, err)
			}
			if e.Pkg != "sem" || !strings.HasPrefix(err.Error(), "sem: "+e.Op+" ") && !strings.HasPrefix(err.Error(), "sem: "+e.Op+": ") {
				t.Errorf("error %q: Pkg %q, Op %q; want it to start with sem: and the op", err, e.Pkg, e.Op)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q does not match %v", err, target)
				}
			}
		})
	}
	if vals, err := s.Values(); err != nil || !equal(vals, []int{0, 0}) {
		t.Fatalf("the set changed under bad calls: %v, %v", vals, err)
	}
}

// Errors name the call the user made, and a call without an id or key names neither.
func TestErrorsNameTheCall(t *testing.T) {
	s := newSet(t, shm.Private, 1, 1)
	mu, err := sem.NewMutex(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	var zero sem.Mutex
	tests := []struct {
		err  error
		want string
	}{
		{second(sem.FromID(-1)), "sem: fromid: id -1 is outside 0..2147483647 (invalid argument)"},
		{second(s.TryAcquire(5, 1)), fmt.Sprintf("sem: tryacquire id %d: semaphore 5 is outside the set's 0..0 (invalid argument)", s.ID())},
		{second(s.TryDo()), fmt.Sprintf("sem: trydo id %d: no operations (invalid argument)", s.ID())},
		{second(s.WaitingZero(5)), fmt.Sprintf("sem: waitingzero id %d: semaphore 5 is outside the set's 0..0 (invalid argument)", s.ID())},
		{second(zero.TryLock()), "sem: trylock: zero Set: get one from Create, Get, Open or FromID (invalid argument)"},
		{mu.Unlock(), fmt.Sprintf("sem: unlock id %d: the mutex is not locked by this Mutex", s.ID())},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("error is\n%v\nwant\n%s", tt.err, tt.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// The zero Set and Mutex name nothing: they must never act on semid 0.
func TestZeroSetIsUseless(t *testing.T) {
	var nilSet *sem.Set
	var nilMutex *sem.Mutex
	bg := context.Background()
	for _, s := range []*sem.Set{{}, nilSet} {
		if s.ID() != -1 || s.Len() != 0 {
			t.Fatalf("zero Set: ID %d Len %d", s.ID(), s.Len())
		}
		_, terr := s.TryAcquire(0, 1)
		_, verr := s.Value(0)
		_, vserr := s.Values()
		_, serr := s.Stat()
		_, werr := s.Waiting(0)
		for name, err := range map[string]error{"Acquire": s.Acquire(bg, 0, 1), "TryAcquire": terr,
			"Release": s.Release(0, 1), "Do": s.Do(bg, sem.Op{Delta: 1}), "Value": verr, "Values": vserr,
			"SetValue": s.SetValue(0, 1), "SetValues": s.SetValues([]int{1}), "Stat": serr, "Waiting": werr,
			"Remove": s.Remove()} {
			if !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("%s of a zero Set: %v, want fs.ErrInvalid", name, err)
			}
		}
	}
	for _, m := range []*sem.Mutex{{}, nilMutex} {
		_, terr := m.TryLock()
		for name, err := range map[string]error{"Lock": m.Lock(bg), "TryLock": terr, "Unlock": m.Unlock(), "Remove": m.Remove()} {
			if !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("%s of a zero Mutex: %v, want fs.ErrInvalid", name, err)
			}
		}
	}
}

// TryAcquire adds IPC_NOWAIT without writing into the spare capacity of the caller's
// slice of options, which the caller may still use.
func TestTryAcquireLeavesOptionsAlone(t *testing.T) {
	s := newSet(t, shm.Private, 1, 1)
	opts := make([]sem.OpOption, 1, 2)
	opts[0] = sem.NoUndo
	if ok, err := s.TryAcquire(0, 1, opts...); !ok || err != nil {
		t.Fatalf("TryAcquire = %v, %v", ok, err)
	}
	if spare := opts[:2][1]; spare != 0 {
		t.Fatalf("TryAcquire wrote %v into the spare capacity of the caller's options", spare)
	}
}
