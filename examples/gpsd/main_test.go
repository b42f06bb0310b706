//go:build linux

package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

func TestMain(m *testing.M) {
	proctest.Main(m, map[string]func() int{
		"reader":     childReader,
		"writer":     childWriter,
		"fastWriter": childFastWriter,
		"realGpsd":   childRealGpsd,
	})
}

// The layout table agrees with the C compiler and the gps.h installed here.
func TestLayoutMatchesC(t *testing.T) {
	if _, err := os.Stat("/usr/include/gps.h"); err != nil {
		t.Skip("gps.h is not installed (Debian: apt-get install libgps-dev): the layout is not checked against C")
	}
	var args []string
	if runtime.GOARCH == "386" {
		if err := exec.Command("gcc", "-m32", "-std=c11", "-D_XOPEN_SOURCE=700", "-o", os.DevNull, "testdata/offsets.c").Run(); err != nil {
			t.Skip("no 32-bit C toolchain here (gcc -m32 fails; Debian's gcc-multilib has it): the 386 layout is not checked")
		}
		args = append(args, "-m32")
	}
	prog := proctest.BuildC(t, "offsets", append(args, "testdata/offsets.c")...)
	out, err := exec.Command(prog).Output()
	if err != nil {
		t.Fatal(err)
	}
	c := make(map[string]string)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, value, _ := strings.Cut(line, " ")
		c[name] = value
	}
	size, _ := strconv.Atoi(c["size"])
	l, err := layoutOf(size)
	if err != nil {
		t.Fatalf("gps.h of API %s gives a segment of %d bytes: %v", c["api"], size, err)
	}
	if !strings.HasPrefix(l.api, c["api"]+" ") {
		t.Errorf("layout of %d bytes is for API %s; gps.h says %s", size, l.api, c["api"])
	}
	ours := map[string]int{
		"bookend1": l.bookend1, "bookend2": l.bookend2, "fix": l.fix, "time": l.time, "timesize": l.timeSize,
		"mode": l.mode, "latitude": l.latitude, "longitude": l.longitude, "altHAE": l.altHAE, "altMSL": l.altMSL,
		"track": l.track, "speed": l.speed, "path": l.path, "pathsize": l.pathSize,
	}
	for name, off := range ours {
		if c[name] != strconv.Itoa(off) {
			t.Errorf("%s: C says %s, the table says %d", name, c[name], off)
		}
	}
}

// Every layout keeps the fields the reader uses inside the spans it copies, at offsets
// that atomic loads of 32-bit words can read.
func TestLayoutsFitTheSpans(t *testing.T) {
	for _, l := range layouts {
		for name, end := range map[string]int{
			"time": l.time + 2*l.timeSize, "mode": l.mode + 4, "latitude": l.latitude + 8, "longitude": l.longitude + 8,
			"altHAE": l.altHAE + 8, "altMSL": l.altMSL + 8, "track": l.track + 8, "speed": l.speed + 8,
		} {
			if end-l.fix > fixSpan || end-l.fix <= 0 {
				t.Errorf("%s, %s: %s ends at %d, outside the %d bytes read from %d", l.api, l.abi, name, end, fixSpan, l.fix)
			}
		}
		for name, off := range map[string]int{"fix": l.fix, "path": l.path, "bookend1": l.bookend1, "bookend2": l.bookend2} {
			if off%4 != 0 || off+4 > l.size {
				t.Errorf("%s, %s: %s at %d is not a word inside %d bytes", l.api, l.abi, name, off, l.size)
			}
		}
	}
}

// nativeSizes are the segment sizes of gpsd 3.22 built for each GOARCH the tests know.
var nativeSizes = map[string]int{"amd64": 24512, "386": 21968}

// nativeLayout is the layout a gpsd built for this GOARCH uses. It skips the test on
// other architectures; in a child (t nil) it returns nil there.
func nativeLayout(t testing.TB) *layout {
	l, err := layoutOf(nativeSizes[runtime.GOARCH])
	if err != nil && t != nil {
		t.Skipf("no gpsd layout known for %s: the Go writer cannot lay out the segment", runtime.GOARCH)
	}
	return l
}

// store writes f into the segment b as gpsd's shm_update does: bookend2, the data,
// bookend1, every word with an atomic store so that another process sees them in that
// order.
func store(b []byte, l *layout, tick int32, f fix) {
	word := func(off int) *uint32 {
		p, err := shm.View[uint32](b, off)
		if err != nil {
			panic(err) // the offsets are the table's, checked by TestLayoutsFitTheSpans
		}
		return p
	}
	put := func(off int, data []byte) {
		for i := 0; i < len(data); i += 4 {
			atomic.StoreUint32(word(off+i), binary.NativeEndian.Uint32(data[i:]))
		}
	}
	atomic.StoreUint32(word(l.bookend2), uint32(tick))
	fixBytes := make([]byte, fixSpan)
	at := func(off int) []byte { return fixBytes[off-l.fix:] }
	sec, nsec := int64(0), int64(0)
	if !f.time.IsZero() {
		sec, nsec = f.time.Unix(), int64(f.time.Nanosecond())
	}
	if l.timeSize == 8 {
		binary.NativeEndian.PutUint64(at(l.time), uint64(sec))
		binary.NativeEndian.PutUint64(at(l.time+8), uint64(nsec))
	} else {
		binary.NativeEndian.PutUint32(at(l.time), uint32(sec))
		binary.NativeEndian.PutUint32(at(l.time+4), uint32(nsec))
	}
	binary.NativeEndian.PutUint32(at(l.mode), uint32(f.mode))
	for off, v := range map[int]float64{l.latitude: f.lat, l.longitude: f.lon, l.altHAE: f.altHAE, l.altMSL: f.altMSL, l.track: f.track, l.speed: f.speed} {
		binary.NativeEndian.PutUint64(at(off), math.Float64bits(v))
	}
	put(l.fix, fixBytes)
	path := make([]byte, pathSpan)
	copy(path[:pathSpan-1], f.device)
	put(l.path, path)
	atomic.StoreUint32(word(l.bookend1), uint32(tick))
}

// freeKey returns a key with no segment, and removes whatever is left at it when the
// test ends (nothing should be).
func freeKey(t *testing.T) shm.Key {
	for range 100 {
		key := shm.Key(0x47500000 + rand.IntN(0x10000))
		if _, err := shm.Get(key); errors.Is(err, fs.ErrNotExist) {
			t.Cleanup(func() {
				if seg, err := shm.Get(key); err == nil {
					seg.Remove()
				}
			})
			return key
		}
	}
	t.Fatal("no free key")
	return 0
}

// The fixes the Go writer writes, and the lines gpspipe -w would print for them.
var (
	noon  = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	nan   = math.NaN()
	fixes = []struct {
		f    fix
		want string
	}{
		{fix{"/dev/ttyACM0", 3, noon, 48.1173, 11.516666667, 592.3, 545.4, 84.4, 11.524},
			`{"class":"TPV","device":"/dev/ttyACM0","mode":3,"time":"2026-11-30T12:00:00.000Z","lat":48.117300000,"lon":11.516666667,"altHAE":592.3000,"altMSL":545.4000,"alt":545.4000,"track":84.4000,"speed":11.524}`},
		{fix{"/dev/ttyACM0", 2, noon.Add(1500 * time.Millisecond), -33.8568, -151.2153, nan, nan, nan, 0},
			`{"class":"TPV","device":"/dev/ttyACM0","mode":2,"time":"2026-11-30T12:00:01.500Z","lat":-33.856800000,"lon":-151.215300000,"speed":0.000}`},
		{fix{`udp://127.0.0.1:5000 "quoted"`, 1, time.Time{}, nan, nan, nan, nan, nan, nan},
			`{"class":"TPV","device":"udp://127.0.0.1:5000 \"quoted\"","mode":1}`},
	}
)

// childWriter plays gpsd: it creates the segment at GPSD_KEY with this machine's
// layout, and on each line "fix N" from the parent writes fixes[N] under a new tick.
func childWriter() int {
	key, _ := strconv.ParseUint(os.Getenv("GPSD_KEY"), 0, 32)
	l := nativeLayout(nil)
	if l == nil {
		return proctest.Fail("no layout for %s", runtime.GOARCH)
	}
	seg, err := shm.Create(shm.Key(key), l.size, 0o644)
	if err != nil {
		return proctest.Fail("create: %v", err)
	}
	defer seg.Remove()
	b, err := seg.Attach()
	if err != nil {
		return proctest.Fail("attach: %v", err)
	}
	defer shm.Detach(b)
	proctest.Say("ready")
	var tick int32
	for {
		line := proctest.Hear()
		if line == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.TrimPrefix(line, "fix "))
		if err != nil || n < 0 || n >= len(fixes) {
			return proctest.Fail("bad request %q", line)
		}
		tick++
		store(b, l, tick, fixes[n].f)
		proctest.Say("wrote %d", n)
	}
}

// childReader runs the command with the arguments in GPSD_ARGS.
func childReader() int {
	return run(strings.Fields(os.Getenv("GPSD_ARGS")), os.Stdout, os.Stderr)
}

// The reader, in one process, prints what a Go writer laid out like gpsd, in another,
// writes: each new fix once, as gpspipe would, and nothing for a report that does not
// change the fix. It leaves the segment to its owner.
func TestReadsAWriterLaidOutLikeGpsd(t *testing.T) {
	nativeLayout(t)
	key := freeKey(t)
	writer := proctest.Start(t, "writer", fmt.Sprintf("GPSD_KEY=%d", key))
	writer.Expect("ready")
	reader := proctest.Start(t, "reader", fmt.Sprintf("GPSD_ARGS=-key %v -n %d -wait 0", key, len(fixes)))
	for i, f := range fixes {
		writer.Send(fmt.Sprintf("fix %d", i))
		writer.Expect(fmt.Sprintf("wrote %d", i))
		if i == 1 { // the same fix again, as after a report of satellites: no line
			writer.Send("fix 1")
			writer.Expect("wrote 1")
		}
		if got := reader.ReadLine(); got != f.want {
			t.Errorf("fix %d:\n got %s\nwant %s", i, got, f.want)
		}
	}
	reader.WaitOK()
	if _, err := shm.Get(key); err != nil {
		t.Errorf("the segment is gone after the reader ended: %v", err)
	}
	writer.Send("") // the end: the writer removes its segment
	writer.WaitOK()
}

// childFastWriter writes fixes as fast as it can, each consistent in itself (see
// consistent), to the segment at GPSD_KEY that the parent made, until its input closes.
func childFastWriter() int {
	key, _ := strconv.ParseUint(os.Getenv("GPSD_KEY"), 0, 32)
	seg, err := shm.Get(shm.Key(key))
	if err != nil {
		return proctest.Fail("get: %v", err)
	}
	b, err := seg.Attach()
	if err != nil {
		return proctest.Fail("attach: %v", err)
	}
	defer shm.Detach(b)
	l := nativeLayout(nil)
	stopped := make(chan struct{})
	go func() {
		proctest.Hear()
		close(stopped)
	}()
	proctest.Say("writing")
	for tick := int32(1); ; tick++ {
		select {
		case <-stopped:
			return 0
		default:
		}
		i := float64(tick % 90)
		store(b, l, tick, fix{fmt.Sprintf("/dev/gps%d", tick), 3, time.Unix(int64(tick), 0), i, -i, i, -i, i, float64(tick)})
	}
}

// consistent reports whether f is one that childFastWriter wrote whole.
func consistent(f fix) bool {
	tick := int64(f.speed)
	i := float64(tick % 90)
	return f.time.Unix() == tick && f.device == fmt.Sprintf("/dev/gps%d", tick) &&
		f.lat == i && f.lon == -i && f.altHAE == i && f.altMSL == -i && f.track == i
}

// The bookend protocol discards every copy that a writer in another process changed
// while it was taken.
func TestLoadDiscardsTornReads(t *testing.T) {
	l := nativeLayout(t)
	key := freeKey(t)
	seg, err := shm.Create(key, l.size, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Remove() })
	b, err := seg.Attach(shm.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shm.Detach(b) })
	e, err := newExport(b)
	if err != nil {
		t.Fatal(err)
	}
	writer := proctest.Start(t, "fastWriter", fmt.Sprintf("GPSD_KEY=%d", key))
	writer.Expect("writing")
	accepted, torn := 0, 0
	for accepted < 20000 {
		tick, f, err := e.load()
		switch {
		case err == nil:
			if !consistent(f) || int64(tick) != f.time.Unix() {
				t.Fatalf("accepted a torn copy: tick %d, %+v", tick, f)
			}
			accepted++
		case errors.Is(err, errTorn):
			torn++
		case errors.Is(err, errUnwritten):
		default:
			t.Fatal(err)
		}
	}
	writer.Send("stop")
	writer.WaitOK()
	t.Logf("%d copies accepted, %d torn ones discarded", accepted, torn)
}

// Values that no gpsd writes are refused, not printed or trusted.
func TestDecodeRefusesNonsense(t *testing.T) {
	l := &layouts[0]
	cases := []struct {
		name string
		f    fix
		sec  int64 // overrides the time: seconds
		nsec int64 // and nanoseconds
		want string
	}{
		{"mode above 3", fix{mode: 7}, 0, 0, "fix mode 7: gpsd's modes are 0 to 3"},
		{"negative mode", fix{mode: -1}, 0, 0, "fix mode -1"},
		{"nanoseconds out of range", fix{mode: 3}, 5, 1e9, "fix time 5 s 1000000000 ns"},
		{"latitude beyond a pole", fix{mode: 3, lat: 90.5}, 0, 0, "latitude 90.5: not -90 to 90"},
		{"longitude beyond the antimeridian", fix{mode: 3, lon: -180.5}, 0, 0, "longitude -180.5: not -180 to 180"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fixBytes := make([]byte, fixSpan)
			at := func(off int) []byte { return fixBytes[off-l.fix:] }
			binary.NativeEndian.PutUint32(at(l.mode), uint32(int32(tc.f.mode)))
			binary.NativeEndian.PutUint64(at(l.time), uint64(tc.sec))
			binary.NativeEndian.PutUint64(at(l.time+8), uint64(tc.nsec))
			binary.NativeEndian.PutUint64(at(l.latitude), math.Float64bits(tc.f.lat))
			binary.NativeEndian.PutUint64(at(l.longitude), math.Float64bits(tc.f.lon))
			_, err := l.decode(fixBytes, make([]byte, pathSpan))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// A device path without its NUL is cut at GPS_PATH_MAX, not read past.
	path := bytes.Repeat([]byte("x"), pathSpan)
	f, err := l.decode(make([]byte, fixSpan), path)
	if err != nil || len(f.device) != pathSpan {
		t.Fatalf("path of %d bytes without NUL: device %q, %v", pathSpan, f.device, err)
	}
}

// A segment of a size no known gpsd makes is refused with the sizes the reader knows,
// and left alone.
func TestRefusesUnknownLayout(t *testing.T) {
	key := freeKey(t)
	seg, err := shm.Create(key, 1000, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Remove() })
	var out bytes.Buffer
	code := run([]string{"-key", key.String(), "-wait", "0"}, &out, &out)
	for _, want := range []string{"the segment is 1000 bytes", "24512 bytes: gpsd API 11.0 (gpsd 3.22), 64-bit", "21968 bytes: gpsd API 11.0 (gpsd 3.22), 32-bit"} {
		if code != 1 || !strings.Contains(out.String(), want) {
			t.Errorf("exit %d, printed\n%s\nwant exit 1 and %q", code, &out, want)
		}
	}
	if info, err := seg.Stat(); err != nil || info.Removed {
		t.Errorf("the reader removed a segment it did not make: %+v, %v", info, err)
	}
}

func TestCommandLine(t *testing.T) {
	missing := freeKey(t)
	cases := []struct {
		name     string
		env      string // GPSD_SHM_KEY
		args     string
		wantCode int
		want     string
	}{
		{"help", "", "-h", 0, "prints the fixes gpsd exports"},
		{"help shows the key in hex", "", "-h", 0, "(default 0x47505344)"},
		{"negative count", "", "-n -1", 2, "-n -1: a number of fixes cannot be negative"},
		{"negative wait", "", "-wait -5s", 2, "-wait -5s: a wait cannot be negative"},
		{"key 0", "", "-key 0", 2, `invalid value "0" for flag -key: key 0 is IPC_PRIVATE`},
		{"key too large", "", "-key 0x100000000", 2, `invalid value "0x100000000" for flag -key: keys are 32 bits`},
		{"key not a number", "", "-key GPSD", 2, `invalid value "GPSD" for flag -key: not a number`},
		{"bad key in the environment", "nope", "", 2, "GPSD_SHM_KEY=nope: not a number"},
		{"extra argument", "", "-n 1 now", 2, `unexpected argument "now"`},
		{"missing segment without waiting", "", "-key " + missing.String() + " -wait 0", 1, "no segment at key " + missing.String()},
		{"key from the environment", missing.String(), "-wait 0", 1, "no segment at key " + missing.String()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GPSD_SHM_KEY", tc.env)
			var out bytes.Buffer
			code := run(strings.Fields(tc.args), &out, &out)
			if code != tc.wantCode || !strings.Contains(out.String(), tc.want) {
				t.Errorf("gpsd %s: exit %d, printed\n%s\nwant exit %d and %q", tc.args, code, &out, tc.wantCode, tc.want)
			}
		})
	}
}
