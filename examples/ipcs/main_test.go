//go:build linux

package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm"
)

// ipcsLines runs util-linux ipcs -m and returns its lines by shmid.
func ipcsLines(t *testing.T) map[int]string {
	path, err := exec.LookPath("ipcs")
	if err != nil {
		t.Skip("ipcs (util-linux) is not installed: apt-get install util-linux")
	}
	out, err := exec.Command(path, "-m").Output()
	if err != nil {
		t.Fatalf("ipcs -m: %v", err)
	}
	lines := make(map[int]string)
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 1 && strings.HasPrefix(fields[0], "0x") {
			id, _ := strconv.Atoi(fields[1])
			lines[id] = line
		}
	}
	return lines
}

func TestLinesEqualIpcs(t *testing.T) {
	var segs []*shm.Segment
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
		segs = append(segs, seg)
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
		t.Fatal(err)
	}
	both := create(100, 0o666)
	attach(both)
	if err := both.LockMemory(); err != nil {
		t.Fatal(err)
	}
	if err := both.Remove(); err != nil {
		t.Fatal(err)
	}
	given := create(4096, 0o600)
	if err := given.Chown(54321, 54321); err != nil { // an uid with no name
		t.Fatal(err)
	}

	infos, err := shm.List()
	if err != nil {
		t.Fatal(err)
	}
	want := ipcsLines(t)
	var out bytes.Buffer
	print(&out, infos, false)
	got := make(map[int]string)
	for _, line := range strings.Split(out.String(), "\n") {
		if fields := strings.Fields(line); len(fields) > 1 && strings.HasPrefix(fields[0], "0x") {
			id, _ := strconv.Atoi(fields[1])
			got[id] = line
		}
	}
	for _, seg := range segs {
		if got[seg.ID()] != want[seg.ID()] || want[seg.ID()] == "" {
			t.Errorf("segment %d:\n ours %q\n ipcs %q", seg.ID(), got[seg.ID()], want[seg.ID()])
		}
	}
	if !strings.Contains(out.String(), "------ Shared Memory Segments --------\nkey        shmid      owner      perms      bytes      nattch     status      \n") {
		t.Errorf("header differs from ipcs -m:\n%s", out.String())
	}
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
		{[]string{"-h"}, 0, "also print resident and swapped bytes"},
		{[]string{"-r", "extra"}, 2, `unexpected argument "extra": ipcs takes only -r`},
		{[]string{"-m"}, 2, "flag provided but not defined: -m"},
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
