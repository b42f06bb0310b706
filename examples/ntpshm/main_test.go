//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

func TestMain(m *testing.M) {
	proctest.Main(m, map[string]func() int{"ntpshm": childNtpshm, "fastWriter": childFastWriter, "realGpsd": childRealGpsd})
}

// Both Go layouts of struct shmTime match the C compiler's, whatever GOARCH the test is
// built for: the 64-bit one with gcc's default target (64-bit here), the 32-bit one with
// gcc -m32.
func TestLayoutMatchesC(t *testing.T) {
	var s64 shmTime64
	var s32 shmTime32
	for _, tc := range []struct {
		name  string
		flags []string
		want  map[string]uintptr
	}{
		{"64-bit", nil, map[string]uintptr{
			"mode": unsafe.Offsetof(s64.Mode), "count": unsafe.Offsetof(s64.Count),
			"clockTimeStampSec": unsafe.Offsetof(s64.ClockSec), "clockTimeStampUSec": unsafe.Offsetof(s64.ClockUSec),
			"receiveTimeStampSec": unsafe.Offsetof(s64.ReceiveSec), "receiveTimeStampUSec": unsafe.Offsetof(s64.ReceiveUSec),
			"leap": unsafe.Offsetof(s64.Leap), "precision": unsafe.Offsetof(s64.Precision),
			"nsamples": unsafe.Offsetof(s64.Nsamples), "valid": unsafe.Offsetof(s64.Valid),
			"clockTimeStampNSec": unsafe.Offsetof(s64.ClockNSec), "receiveTimeStampNSec": unsafe.Offsetof(s64.ReceiveNSec),
			"dummy": unsafe.Offsetof(s64.Dummy), "sizeof": unsafe.Sizeof(s64),
		}},
		{"32-bit", []string{"-m32"}, map[string]uintptr{
			"mode": unsafe.Offsetof(s32.Mode), "count": unsafe.Offsetof(s32.Count),
			"clockTimeStampSec": unsafe.Offsetof(s32.ClockSec), "clockTimeStampUSec": unsafe.Offsetof(s32.ClockUSec),
			"receiveTimeStampSec": unsafe.Offsetof(s32.ReceiveSec), "receiveTimeStampUSec": unsafe.Offsetof(s32.ReceiveUSec),
			"leap": unsafe.Offsetof(s32.Leap), "precision": unsafe.Offsetof(s32.Precision),
			"nsamples": unsafe.Offsetof(s32.Nsamples), "valid": unsafe.Offsetof(s32.Valid),
			"clockTimeStampNSec": unsafe.Offsetof(s32.ClockNSec), "receiveTimeStampNSec": unsafe.Offsetof(s32.ReceiveNSec),
			"dummy": unsafe.Offsetof(s32.Dummy), "sizeof": unsafe.Sizeof(s32),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.flags != nil {
				if err := exec.Command("gcc", append(tc.flags, "-o", os.DevNull, "testdata/offsets.c")...).Run(); err != nil {
					t.Skip("no 32-bit C toolchain here (gcc -m32 fails; Debian's gcc-multilib has it): the 32-bit layout is not checked")
				}
			}
			prog := proctest.BuildC(t, "offsets", append(tc.flags, "testdata/offsets.c")...)
			out, err := exec.Command(prog).Output()
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("C printed %d lines, want %d", len(lines), len(tc.want))
			}
			for _, line := range lines {
				name, off, _ := strings.Cut(line, " ")
				c, _ := strconv.Atoi(off)
				if g, ok := tc.want[name]; !ok || g != uintptr(c) {
					t.Errorf("%s: C says %d, Go says %d", name, c, g)
				}
			}
		})
	}
	if sizeofShmTime64 != 96 || sizeofShmTime32 != 80 {
		t.Errorf("struct shmTime is %d and %d bytes, want 96 on 64-bit Linux and 80 on 32-bit", sizeofShmTime64, sizeofShmTime32)
	}
}

// freeUnit returns an NTP SHM unit in 100..255 whose segment does not exist, and removes
// whatever is left at it when the test ends (nothing should be).
func freeUnit(t *testing.T) (int, shm.Key) {
	for range 100 {
		u := 100 + rand.IntN(156)
		key := keyBase + shm.Key(u)
		if _, err := shm.Get(key); errors.Is(err, fs.ErrNotExist) {
			t.Cleanup(func() {
				if seg, err := shm.Get(key); err == nil {
					seg.Remove()
				}
			})
			return u, key
		}
	}
	t.Fatal("no free unit")
	return 0, 0
}

// childNtpshm runs the command with the arguments in NTPSHM_ARGS, as a separate process.
func childNtpshm() int {
	return run(strings.Fields(os.Getenv("NTPSHM_ARGS")), os.Stdout, os.Stderr)
}

// ntpshm starts the command in a new process.
func ntpshm(t *testing.T, format string, args ...any) *proctest.Child {
	return proctest.Start(t, "ntpshm", "NTPSHM_ARGS="+fmt.Sprintf(format, args...))
}

// sampleLine matches what read prints for a sample from write -offset 1.5s, and
// sampleFromGpsd one from gpsd.
var (
	sampleLine     = regexp.MustCompile(`^mode=1 count=(\d+) clock=\S+Z receive=\S+Z offset=1\.5s$`)
	sampleFromGpsd = regexp.MustCompile(`^mode=1 count=\d*[02468] clock=\S+Z receive=\S+Z offset=-?[0-9.]+[mµn]?s$`)
)

// expectSamples reads n sample lines from a reader and checks them.
func expectSamples(t *testing.T, reader *proctest.Child, n int) {
	t.Helper()
	for range n {
		line := reader.ReadLine()
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("reader printed %q, want a mode 1 sample with offset 1.5s", line)
		}
		if count, _ := strconv.Atoi(m[1]); count%2 != 0 {
			t.Fatalf("reader printed %q: an odd count is a sample taken mid-write", line)
		}
	}
}

// stop ends a writer as Ctrl-C would, and checks that it exits 0.
func stop(t *testing.T, writer *proctest.Child) {
	t.Helper()
	writer.Signal(syscall.SIGTERM)
	writer.WaitOK()
}

// The reader started before any writer waits for the segment; it follows a writer that
// creates the segment and removes it at the end, waits again, and follows the next
// writer; it never creates or removes the segment itself.
func TestReaderStartedBeforeWriters(t *testing.T) {
	unit, key := freeUnit(t)
	reader := ntpshm(t, "read -unit %d -n 6 -wait 1m", unit)
	proctest.Poll(t, "the reader to wait for the segment", func() bool {
		return strings.Contains(reader.Stderr(), "waiting up to 1m0s for a segment")
	})
	if _, err := shm.Get(key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the waiting reader created a segment: %v", err)
	}
	first := ntpshm(t, "write -unit %d -interval 10ms -offset 1.5s", unit)
	expectSamples(t, reader, 3)
	stop(t, first)
	if _, err := shm.Get(key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the writer did not remove the segment it created: %v", err)
	}
	proctest.Poll(t, "the reader to notice the removal", func() bool {
		return strings.Contains(reader.Stderr(), "was removed; waiting for a new one")
	})
	second := ntpshm(t, "write -unit %d -interval 10ms -offset 1.5s", unit)
	expectSamples(t, reader, 3)
	reader.WaitOK()
	seg, err := shm.Get(key)
	if err != nil {
		t.Fatalf("the second writer's segment is gone after the reader ended: %v", err)
	}
	if info, err := seg.Stat(); err != nil || info.Removed {
		t.Fatalf("the reader removed the writer's segment: %+v, %v", info, err)
	}
	stop(t, second)
}

// With a segment that someone else made (chronyd, say), neither a reader started while
// the writer writes nor one started after it ended removes it, and the writer leaves
// it too. Both layouts work, whichever this machine's programs use.
func TestReaderDuringAndAfterWriter(t *testing.T) {
	for _, size := range []int{sizeofShmTime64, sizeofShmTime32} {
		t.Run(fmt.Sprintf("%d bytes", size), func(t *testing.T) {
			unit, key := freeUnit(t)
			seg, err := shm.Create(key, size, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { seg.Remove() })
			stillThere := func(when string) {
				t.Helper()
				if info, err := seg.Stat(); err != nil || info.Removed {
					t.Fatalf("%s, the segment is gone: %+v, %v", when, info, err)
				}
			}

			writer := ntpshm(t, "write -unit %d -interval 10ms -offset 1.5s", unit)
			during := ntpshm(t, "read -unit %d -n 3 -wait 0", unit)
			expectSamples(t, during, 3)
			during.WaitOK()
			stillThere("after a reader that ran during the writer")
			stop(t, writer)
			stillThere("after the writer that found it")

			after := ntpshm(t, "read -unit %d -n 1 -wait 0", unit)
			expectSamples(t, after, 1) // the writer's last sample, still marked valid
			after.WaitOK()
			stillThere("after a reader that ran after the writer")
		})
	}
}

// A segment of neither size is not an NTP SHM segment: read and write refuse it, say
// why, and leave it alone.
func TestRefusesUnknownLayout(t *testing.T) {
	unit, key := freeUnit(t)
	seg, err := shm.Create(key, 88, 0o600) // 32-bit Linux with _TIME_BITS=64, say
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Remove() })
	for _, cmd := range []string{"read -wait 0", "write"} {
		var out bytes.Buffer
		code := run(strings.Fields(fmt.Sprintf("%s -unit %d -n 1", cmd, unit)), &out, &out)
		if want := "the segment is 88 bytes; struct shmTime is 96 bytes on 64-bit Linux and 80 on 32-bit Linux"; code != 1 || !strings.Contains(out.String(), want) {
			t.Errorf("%s: exit %d, printed\n%s\nwant exit 1 and %q", cmd, code, &out, want)
		}
		if info, err := seg.Stat(); err != nil || info.Removed {
			t.Fatalf("%s removed a segment it did not make: %+v, %v", cmd, info, err)
		}
	}
}

// childFastWriter writes samples as fast as it can to NTP_UNIT until its input closes.
// Each sample is consistent in itself (see consistent), so a reader that accepts a torn
// one can tell.
func childFastWriter() int {
	unit, _ := strconv.Atoi(os.Getenv("NTP_UNIT"))
	t, done, err := open(keyBase + shm.Key(unit))
	if err != nil {
		return proctest.Fail("open: %v", err)
	}
	defer done()
	stopped := make(chan struct{})
	go func() {
		proctest.Hear()
		close(stopped)
	}()
	proctest.Say("writing")
	for i := int64(1); ; i++ {
		select {
		case <-stopped:
			return 0
		default:
		}
		ns := (i % 1_000_000) * 1000
		store(t, time.Unix(i, ns), time.Unix(-i, ns), int32(i))
	}
}

// consistent reports whether a sample is one that childFastWriter wrote whole.
func consistent(s sample) bool {
	i := s.clock.Unix()
	ns := (i % 1_000_000) * 1000
	return s.receive.Unix() == -i && int64(s.clock.Nanosecond()) == ns && int64(s.receive.Nanosecond()) == ns && int64(s.precision) == i
}

// A reader never accepts a sample that a writer in another process was changing while
// it was read.
func TestLoadDiscardsTornSamples(t *testing.T) {
	unit, key := freeUnit(t)
	seg, err := shm.Create(key, nativeSize, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Remove() })
	b, err := seg.Attach(shm.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shm.Detach(b) })
	st, err := viewShmTime(b)
	if err != nil {
		t.Fatal(err)
	}
	writer := proctest.Start(t, "fastWriter", fmt.Sprintf("NTP_UNIT=%d", unit))
	writer.Expect("writing")
	accepted, torn := 0, 0
	for accepted < 20000 {
		s, err := load(st)
		switch {
		case err == nil:
			if !consistent(s) {
				t.Fatalf("accepted a torn sample: %+v", s)
			}
			accepted++
		case errors.Is(err, errTorn):
			torn++
		case errors.Is(err, errNoSample):
		default:
			t.Fatal(err)
		}
	}
	writer.Send("stop")
	writer.WaitOK()
	t.Logf("%d samples accepted, %d torn ones discarded", accepted, torn)
}

func TestCheck(t *testing.T) {
	good := fields{mode: 1, clockSec: 100, clockUSec: 2, clockNSec: 2345, receiveSec: 99, receiveUSec: 7, receiveNSec: 7001}
	with := func(change func(*fields)) fields {
		f := good
		change(&f)
		return f
	}
	cases := []struct {
		name                           string
		valid1, valid2, count1, count2 int32
		f                              fields
		want                           error  // nil: a sample
		wantErr                        string // for errors without a sentinel
		clockNs                        int
	}{
		{"a whole mode 1 sample is taken, with nanoseconds", 1, 1, 4, 4, good, nil, "", 2345},
		{"a sample not marked valid is none", 0, 1, 4, 4, good, errNoSample, "", 0},
		{"a changed count in mode 1 is a torn sample", 1, 1, 4, 6, good, errTorn, "", 0},
		{"valid cleared during the copy is a torn sample", 1, 0, 4, 4, good, errTorn, "", 0},
		{"mode 0 ignores count", 1, 1, 4, 6, with(func(f *fields) { f.mode = 0 }), nil, "", 2345},
		{"an unknown mode is refused", 1, 1, 4, 4, with(func(f *fields) { f.mode = 2 }), nil, "mode 2: the NTP SHM modes are 0 and 1", 0},
		{"microseconds out of range are refused", 1, 1, 4, 4, with(func(f *fields) { f.clockUSec = 1e6 }), nil, "microseconds 1000000 and 7", 0},
		{"negative microseconds are refused", 1, 1, 4, 4, with(func(f *fields) { f.receiveUSec = -1 }), nil, "microseconds 2 and -1", 0},
		{"nanoseconds that disagree with microseconds are ignored", 1, 1, 4, 4, with(func(f *fields) { f.clockNSec = 999_999_999 }), nil, "", 2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := check(tc.valid1, tc.valid2, tc.count1, tc.count2, tc.f)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
			case err != nil:
				t.Fatalf("err = %v, want a sample", err)
			case s.clock.Nanosecond() != tc.clockNs || s.clock.Unix() != tc.f.clockSec || s.count != tc.count1:
				t.Fatalf("sample %+v, want clock %d.%09d and count %d", s, tc.f.clockSec, tc.clockNs, tc.count1)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	_, missing := freeUnit(t)
	cases := []struct {
		name     string
		args     string
		wantCode int
		want     string
		unwanted string
	}{
		{"no command", "", 2, "usage: ntpshm read", ""},
		{"unknown command", "watch", 2, `unknown command "watch": the commands are read and write`, ""},
		{"help", "-h", 0, "usage: ntpshm read", ""},
		{"read help lists read's flags only", "read -h", 0, "-wait", "-interval"},
		{"write help lists write's flags only", "write -h", 0, "-interval", "-wait"},
		{"unit too large", "read -unit 300", 2, "-unit 300: units are 0 to 255", ""},
		{"negative unit", "write -unit -1", 2, "-unit -1: units are 0 to 255", ""},
		{"negative count", "read -n -2", 2, "-n -2: a number of samples cannot be negative", ""},
		{"negative wait", "read -wait -1s", 2, "-wait -1s: a wait cannot be negative", ""},
		{"zero interval", "write -interval 0s", 2, "-interval 0s: the time between samples must be positive", ""},
		{"a flag of the other command", "read -offset 1s", 2, "flag provided but not defined: -offset", ""},
		{"a value that is not a number", "read -unit x", 2, `invalid value "x" for flag -unit`, ""},
		{"extra argument", "read -n 1 now", 2, `unexpected argument "now": read takes only flags`, ""},
		{"read of a missing segment without waiting", fmt.Sprintf("read -unit %d -wait 0", missing-keyBase), 1, "no segment at key", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(strings.Fields(tc.args), &out, &out)
			if code != tc.wantCode || !strings.Contains(out.String(), tc.want) {
				t.Errorf("ntpshm %s: exit %d, printed\n%s\nwant exit %d and %q", tc.args, code, &out, tc.wantCode, tc.want)
			}
			if tc.unwanted != "" && strings.Contains(out.String(), tc.unwanted) {
				t.Errorf("ntpshm %s printed %q:\n%s", tc.args, tc.unwanted, &out)
			}
		})
	}
}
