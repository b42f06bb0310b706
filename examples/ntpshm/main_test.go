//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
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
	proctest.Main(m, map[string]func() int{"writer": childWriter})
}

func TestLayoutMatchesC(t *testing.T) {
	if runtime.GOARCH == "386" {
		if err := exec.Command("gcc", "-m32", "-o", os.DevNull, "testdata/offsets.c").Run(); err != nil {
			t.Skip("no 32-bit C toolchain here (gcc -m32 fails; Debian's gcc-multilib has it): the 386 layout is not checked")
		}
	}
	var args []string
	if runtime.GOARCH == "386" {
		args = append(args, "-m32")
	}
	prog := proctest.BuildC(t, "offsets", append(args, "testdata/offsets.c")...)
	out, err := exec.Command(prog).Output()
	if err != nil {
		t.Fatal(err)
	}
	var s shmTime
	goLayout := map[string]uintptr{
		"mode": unsafe.Offsetof(s.Mode), "count": unsafe.Offsetof(s.Count),
		"clockTimeStampSec": unsafe.Offsetof(s.ClockSec), "clockTimeStampUSec": unsafe.Offsetof(s.ClockUSec),
		"receiveTimeStampSec": unsafe.Offsetof(s.ReceiveSec), "receiveTimeStampUSec": unsafe.Offsetof(s.ReceiveUSec),
		"leap": unsafe.Offsetof(s.Leap), "precision": unsafe.Offsetof(s.Precision),
		"nsamples": unsafe.Offsetof(s.Nsamples), "valid": unsafe.Offsetof(s.Valid),
		"clockTimeStampNSec": unsafe.Offsetof(s.ClockNSec), "receiveTimeStampNSec": unsafe.Offsetof(s.ReceiveNSec),
		"dummy": unsafe.Offsetof(s.Dummy), "sizeof": unsafe.Sizeof(s),
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(goLayout) {
		t.Fatalf("C printed %d lines, want %d", len(lines), len(goLayout))
	}
	for _, line := range lines {
		name, off, _ := strings.Cut(line, " ")
		c, _ := strconv.Atoi(off)
		if g, ok := goLayout[name]; !ok || g != uintptr(c) {
			t.Errorf("%s: C says %d, Go says %d", name, c, g)
		}
	}
	if runtime.GOARCH == "amd64" && unsafe.Sizeof(s) != 96 {
		t.Errorf("struct shmTime is %d bytes, want 96 on 64-bit Linux", unsafe.Sizeof(s))
	}
}

// freeUnit returns an NTP SHM unit in 100..255 whose segment does not exist.
func freeUnit(t *testing.T) int {
	for range 100 {
		u := 100 + rand.IntN(156)
		if _, err := shm.Get(keyBase + shm.Key(u)); errors.Is(err, fs.ErrNotExist) {
			return u
		}
	}
	t.Fatal("no free unit")
	return 0
}

// childWriter writes samples to NTP_UNIT every 10ms with an offset of 1.5s until it is
// told to stop with SIGTERM.
func childWriter() int {
	unit, _ := strconv.Atoi(os.Getenv("NTP_UNIT"))
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer cancel()
	proctest.Say("writing")
	err := write(ctx, keyBase+shm.Key(unit), 10*time.Millisecond, 1500*time.Millisecond, 0)
	if !errors.Is(err, context.Canceled) {
		return proctest.Fail("write: %v", err)
	}
	return 0
}

func TestReaderSeesWriterAcrossProcesses(t *testing.T) {
	unit := freeUnit(t)
	key := keyBase + shm.Key(unit)
	// Create the segment here, as chronyd would, so that it outlives the writer.
	seg, err := shm.Create(key, int(sizeofShmTime), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Remove() })

	c := proctest.Start(t, "writer", fmt.Sprintf("NTP_UNIT=%d", unit))
	c.Expect("writing")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	if err := read(ctx, key, 5, &out); err != nil {
		t.Fatalf("read: %v", err)
	}
	c.Signal(syscall.SIGTERM)
	c.WaitOK()

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("read printed %d lines, want 5:\n%s", len(lines), out.String())
	}
	last := int64(-1)
	for _, line := range lines {
		var count int64
		var clock, receive, offset string
		if _, err := fmt.Sscanf(line, "count=%d clock=%s receive=%s offset=%s", &count, &clock, &receive, &offset); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if offset != "1.5s" || count <= last || count%2 != 0 {
			t.Fatalf("line %q: want offset=1.5s and an even count above %d", line, last)
		}
		last = count
	}
	if _, err := shm.Get(key); err != nil {
		t.Fatalf("the writer removed a segment it did not create: %v", err)
	}
}
