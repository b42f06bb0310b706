//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/msg"
	"github.com/go-sysv/shm/sem"
)

// ours holds the ids of the objects a test made, by the section of ipcs that lists them.
type ours map[string][]int

const (
	queuesSection   = "------ Message Queues --------"
	segmentsSection = "------ Shared Memory Segments --------"
	setsSection     = "------ Semaphore Arrays --------"
)

// keep returns the lines of an ipcs output that are not rows (titles, headers, blank
// lines) and the rows of the objects in o, in their order: what must be equal between
// ours and util-linux's whatever else the machine holds.
func (o ours) keep(out string) []string {
	var kept []string
	section := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "------ ") {
			section = line
		}
		fields := strings.Fields(line)
		if len(fields) > 1 && strings.HasPrefix(fields[0], "0x") {
			id, err := strconv.Atoi(fields[1])
			if err != nil || !slices.Contains(o[section], id) {
				continue
			}
		}
		kept = append(kept, line)
	}
	return kept
}

func ipcs(t *testing.T, flag string) string {
	t.Helper()
	path, err := exec.LookPath("ipcs")
	if err != nil {
		t.Skip("ipcs (util-linux) is not installed: apt-get install util-linux")
	}
	out, err := exec.Command(path, flag).Output()
	if err != nil {
		t.Fatalf("ipcs %s: %v", flag, err)
	}
	return string(out)
}

// TestLinesEqualIpcs makes objects of each kind in several states, then checks that
// for each flag our output and util-linux's agree line for line: every title, header
// and blank line, and the rows of our objects in the same order.
func TestLinesEqualIpcs(t *testing.T) {
	o := ours{}
	makeSegments(t, o)
	makeQueues(t, o)
	makeSets(t, o)

	for _, tc := range []struct {
		flag                   string
		queues, segments, sets bool
	}{
		{"-q", true, false, false},
		{"-m", false, true, false},
		{"-s", false, false, true},
		{"-a", true, true, true},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(&out, tc.queues, tc.segments, tc.sets, false); err != nil {
				t.Fatal(err)
			}
			want := o.keep(ipcs(t, tc.flag))
			got := o.keep(out.String())
			if !slices.Equal(got, want) {
				t.Errorf("ours:\n%s\nipcs %s:\n%s", strings.Join(got, "\n"), tc.flag, strings.Join(want, "\n"))
			}
			rows := 0
			for _, line := range got {
				if strings.HasPrefix(line, "0x") {
					rows++
				}
			}
			if n := len(o[queuesSection])*b2i(tc.queues) + len(o[segmentsSection])*b2i(tc.segments) + len(o[setsSection])*b2i(tc.sets); rows != n {
				t.Errorf("%d of our rows printed, want %d", rows, n)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// makeSegments makes segments attached, removed while attached, locked (where this
// process may lock memory), and given to a uid with no name.
func makeSegments(t *testing.T, o ours) {
	create := func(size int, perm fs.FileMode) *shm.Segment {
		seg, err := shm.Create(shm.Private, size, perm)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := seg.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Error(err)
			}
		})
		o[segmentsSection] = append(o[segmentsSection], seg.ID())
		return seg
	}
	attach := func(seg *shm.Segment) {
		b, err := seg.Attach()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { shm.Detach(b) })
	}
	create(4096, 0o600)
	attach(create(123456, 0o644))
	dest := create(8192, 0o640)
	attach(dest)
	attach(dest)
	if err := dest.Remove(); err != nil {
		t.Fatal(err)
	}
	locked := create(4096, 0o604)
	if err := locked.LockMemory(); err != nil {
		t.Logf("no locked segment: %v", err)
	}
	both := create(100, 0o666)
	attach(both)
	if err := both.LockMemory(); err != nil {
		t.Logf("no locked segment: %v", err)
	}
	if err := both.Remove(); err != nil {
		t.Fatal(err)
	}
	given := create(4096, 0o600)
	if err := given.Chown(54321, 54321); err != nil { // an uid with no name
		t.Fatal(err)
	}
}

// makeQueues makes queues empty, holding messages, and given to a uid with no name.
func makeQueues(t *testing.T, o ours) {
	create := func(perm fs.FileMode) *msg.Queue {
		q, err := msg.Create(shm.Private, perm)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := q.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Error(err)
			}
		})
		o[queuesSection] = append(o[queuesSection], q.ID())
		return q
	}
	ctx := context.Background()
	create(0o600)
	full := create(0o622)
	for _, size := range []int{1, 100, 4000} {
		if err := full.Send(ctx, int64(size), make([]byte, size)); err != nil {
			t.Fatal(err)
		}
	}
	given := create(0o640)
	if err := given.Send(ctx, 1, nil); err != nil { // a message of no bytes
		t.Fatal(err)
	}
	if err := given.Chown(54321, 54321); err != nil {
		t.Fatal(err)
	}
}

// makeSets makes semaphore sets of one and several semaphores, one with a process
// waiting on it.
func makeSets(t *testing.T, o ours) {
	create := func(n int, perm fs.FileMode) *sem.Set {
		s, err := sem.Create(shm.Private, n, perm)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Error(err)
			}
		})
		o[setsSection] = append(o[setsSection], s.ID())
		return s
	}
	create(1, 0o600)
	create(5, 0o644)
	waited := create(2, 0o660)
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	done := make(chan struct{})
	go func() {
		defer close(done)
		waited.Acquire(ctx, 1, 1) // ends with the set's removal or the deadline
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	proctest.Poll(t, "a waiter on the semaphore set", func() bool {
		n, err := waited.Waiting(1)
		return err == nil && n == 1
	})
}

// A bad command line says what is wrong and exits 2; -h exits 0.
func TestCommandLine(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ipcs")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"-h"}, 0, "also print the segments' resident and swapped bytes"},
		{[]string{"-r", "extra"}, 2, `unexpected argument "extra": ipcs takes only -q, -m, -s, -a and -r`},
		{[]string{"-x"}, 2, "flag provided but not defined: -x"},
	} {
		out, err := exec.Command(bin, tc.args...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.wantCode || !strings.Contains(string(out), tc.want) {
			t.Errorf("ipcs %q: exit %d, printed\n%s\nwant exit %d and %q", tc.args, code, out, tc.wantCode, tc.want)
		}
	}
}
