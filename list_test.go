//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

// mine returns the entries of infos for the given segments, by id.
func mine(infos []shm.Info, segs ...*shm.Segment) map[int]shm.Info {
	m := make(map[int]shm.Info)
	for _, info := range infos {
		for _, s := range segs {
			if info.ID == s.ID() {
				m[info.ID] = info
			}
		}
	}
	return m
}

func TestListMatchesStat(t *testing.T) {
	plain := newSegment(t, freeKey(t), 3*4096, 0o640)
	locked := newSegment(t, shm.Private, 4096, 0o600)
	removed := newSegment(t, shm.Private, 8192, 0o604)
	b := attach(t, plain)
	b[0], b[4096] = 1, 1 // two pages resident
	attach(t, removed)
	if err := locked.LockMemory(); err != nil {
		t.Fatal(err)
	}
	if err := removed.Remove(); err != nil {
		t.Fatal(err)
	}
	segs := []*shm.Segment{plain, locked, removed}

	for _, lister := range []struct {
		name string
		list func() ([]shm.Info, error)
	}{{"proc", shm.List}, {"SHM_STAT_ANY", shm.ListStat}} {
		t.Run(lister.name, func(t *testing.T) {
			infos, err := lister.list()
			if err != nil {
				t.Fatal(err)
			}
			got := mine(infos, segs...)
			for _, s := range segs {
				want := mustStat(t, s)
				g, ok := got[s.ID()]
				if !ok {
					t.Fatalf("%v is not listed", s)
				}
				if lister.name == "proc" {
					if g.Resident < 0 || g.Swapped < 0 {
						t.Errorf("%v: Resident %d, Swapped %d; this kernel prints both", s, g.Resident, g.Swapped)
					}
					if s == plain && g.Resident != 2*4096 {
						t.Errorf("%v: Resident = %d, want the two pages written", s, g.Resident)
					}
					g.Resident, g.Swapped = -1, -1
				}
				if g != want {
					t.Errorf("listed %+v\nStat   %+v", g, want)
				}
			}
			if !got[locked.ID()].Locked || !got[removed.ID()].Removed || got[plain.ID()].Locked || got[plain.ID()].Removed {
				t.Errorf("status flags wrong: %+v", got)
			}
		})
	}
}

func TestParseProcShm(t *testing.T) {
	const header = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
	const oldHeader = "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime\n"
	tests := []struct {
		name  string
		text  string
		want  []shm.Info
		isErr bool
	}{
		{"Modern", header +
			"-402778059      98319  3644                  4096 22480     7      2     5     6     7     8         10         20 1795917564                  8192                  4096\n" +
			"         0          3   600                   100     1     0      0     0     0     0     0          0          0          5                     0                     0\n",
			[]shm.Info{
				{ID: 3, Size: 100, Mode: 0o600, CreatorPID: 1, LastChange: at(5)},
				{Key: 0xe7fe1835, ID: 98319, Size: 4096, Mode: 0o644, Removed: true, Locked: true, CreatorPID: 22480, LastPID: 7, Attached: 2,
					UID: 5, GID: 6, CUID: 7, CGID: 8, LastAttach: at(10), LastDetach: at(20), LastChange: at(1795917564), Resident: 8192, Swapped: 4096},
			}, false},
		{"SortedByID", header +
			"1 9 600 1 0 0 0 0 0 0 0 0 0 0 0 0\n2 4 600 1 0 0 0 0 0 0 0 0 0 0 0 0\n",
			[]shm.Info{{Key: 2, ID: 4, Size: 1, Mode: 0o600}, {Key: 1, ID: 9, Size: 1, Mode: 0o600}}, false},
		{"OldKernelWithoutRssAndSwap", oldHeader +
			"  1234      7   666       4096   100   200      1     0     0     0     0          0          0          0\n",
			[]shm.Info{{Key: 1234, ID: 7, Size: 4096, Mode: 0o666, CreatorPID: 100, LastPID: 200, Attached: 1, Resident: -1, Swapped: -1}}, false},
		{"ExtraColumn", "key shmid perms size future\n5 6 600 10 99\n",
			[]shm.Info{{Key: 5, ID: 6, Size: 10, Mode: 0o600, Resident: -1, Swapped: -1}}, false},
		{"EmptyTable", header, nil, false},
		{"Empty", "", nil, true},
		{"NoShmidColumn", "key perms size\n1 600 10\n", nil, true},
		{"ShortLine", header + "1 2\n", nil, true},
		{"NotANumber", header + "1 x 600 1 0 0 0 0 0 0 0 0 0 0 0 0\n", nil, true},
		{"PermsNotOctal", header + "1 2 698 1 0 0 0 0 0 0 0 0 0 0 0 0\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := shm.ParseProcShm(strings.NewReader(tt.text), 0)
			if tt.isErr {
				if err == nil {
					t.Fatalf("no error, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d entries, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func at(sec int64) time.Time { return time.Unix(sec, 0) }

func FuzzParseProcShm(f *testing.F) {
	if b, err := os.ReadFile("/proc/sysvipc/shm"); err == nil {
		f.Add(string(b))
	}
	f.Add("key shmid perms size\n1 2 600 4096\n")
	f.Add("key shmid perms size rss swap\n-1 2 3777 18446744073709551615 -5 x\n")
	f.Fuzz(func(t *testing.T, text string) {
		infos, err := shm.ParseProcShm(strings.NewReader(text), 0)
		if err != nil {
			return
		}
		for i, info := range infos {
			if info.ID < 0 || info.Size < 0 || info.Mode&^0o777 != 0 {
				t.Fatalf("entry %d is impossible: %+v", i, info)
			}
			if i > 0 && infos[i-1].ID > info.ID {
				t.Fatalf("not sorted by id: %+v", infos)
			}
		}
	})
}

// childUsage runs in a new IPC namespace, where it knows every segment there is.
func childUsage() int {
	check := func(what string, got, want uint64) bool {
		if got != want {
			proctest.Fail("%s = %d, want %d", what, got, want)
			return false
		}
		return true
	}
	u, err := shm.Usage()
	if err != nil || !check("segments in a new namespace", uint64(u.Segments), 0) {
		return proctest.Fail("Usage: %v", err)
	}
	a, err := shm.Create(shm.Private, 3*4096, 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	if _, err := shm.Create(shm.Private, 4096+1, 0o600); err != nil {
		return proctest.Fail("%v", err)
	}
	b, err := a.Attach(shm.Populate)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer shm.Detach(b)
	u, err = shm.Usage()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	infos, err := shm.List()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	if !check("segments", uint64(u.Segments), 2) || !check("pages", u.Pages, 5) ||
		!check("resident pages", u.ResidentPages, 3) || !check("listed", uint64(len(infos)), 2) {
		return 1
	}
	proctest.Say("ok")
	return 0 // the namespace, and its segments, go with this process
}

func TestUsageInFreshNamespace(t *testing.T) {
	c := proctest.StartWith(t, "usage", proctest.PrivateIPC(t))
	c.Expect("ok")
	c.WaitOK()
}

func TestLimitsMatchSysctl(t *testing.T) {
	l, err := shm.Limits()
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]uint64{"shmmax": l.MaxSize, "shmmni": uint64(l.MaxSegments), "shmall": l.MaxTotalPages} {
		b, err := os.ReadFile("/proc/sys/kernel/" + name)
		if err != nil {
			t.Skipf("no /proc/sys/kernel: %v", err)
		}
		want, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if ^uint(0) == 0xffffffff { // a 32-bit process: the kernel clamps SHMMAX, truncates the rest
			if name == "shmmax" {
				want = min(want, 1<<31-1)
			} else {
				want &= 0xffffffff
			}
		}
		if got != want {
			t.Errorf("%s = %d, /proc/sys/kernel/%s says %d", name, got, name, want)
		}
	}
	if l.MinSize != 1 {
		t.Errorf("MinSize = %d, want 1", l.MinSize)
	}
}

func TestChmodChown(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	if err := seg.Chmod(0o640); err != nil {
		t.Fatal(err)
	}
	if err := seg.Chown(1234, -1); err != nil {
		t.Fatal(err)
	}
	if err := seg.Chown(-1, 5678); err != nil {
		t.Fatal(err)
	}
	info := mustStat(t, seg)
	if info.Mode != 0o640 || info.UID != 1234 || info.GID != 5678 || info.CUID != os.Getuid() {
		t.Fatalf("after Chmod and Chown: %+v", info)
	}
	for _, err := range []error{seg.Chmod(0o1777), seg.Chmod(fs.ModeDir | 0o600), seg.Chown(-2, 0)} {
		if !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("bad Chmod or Chown: %v, want fs.ErrInvalid", err)
		}
	}
	if info := mustStat(t, seg); info.Mode != 0o640 {
		t.Fatalf("a rejected Chmod changed the mode to %v", info.Mode)
	}
}

func TestLockMemory(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	for _, lock := range []bool{true, false} {
		var err error
		if lock {
			err = seg.LockMemory()
		} else {
			err = seg.UnlockMemory()
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := mustStat(t, seg).Locked; got != lock {
			t.Fatalf("Locked = %v, want %v", got, lock)
		}
	}
}

// Where IPC_STAT is refused, a segment is read with SHM_STAT_ANY or from /proc: both
// must say what IPC_STAT says, and say that an id names nothing when it does not.
func TestStatFallbacksAgreeWithIPCStat(t *testing.T) {
	seg := newSegment(t, freeKey(t), 3*4096, 0o640)
	attach(t, seg)
	want := mustStat(t, seg)
	for name, stat := range map[string]func(int) (shm.Info, error){"SHM_STAT_ANY": shm.StatAny, "proc": shm.StatProc} {
		got, err := stat(seg.ID())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got.Resident, got.Swapped = -1, -1
		if got != want {
			t.Errorf("%s says\n%+v\nIPC_STAT says\n%+v", name, got, want)
		}
	}
	gone := newSegment(t, shm.Private, 4096, 0o600)
	id := gone.ID()
	if err := gone.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := shm.StatAny(id); err == nil {
		t.Error("SHM_STAT_ANY found a removed segment")
	}
	if _, err := shm.StatProc(id); err == nil {
		t.Error("/proc lists a removed segment")
	}
}

// Touch, Populate's way where madvise has no MADV_POPULATE_READ, faults in every page.
func TestTouchFaultsEveryPage(t *testing.T) {
	const size = 1 << 20
	seg := newSegment(t, shm.Private, size, 0o600)
	b := attach(t, seg)
	shm.Touch(b)
	if rss := mappingOf(t, b).rss; rss != size {
		t.Fatalf("after Touch %d bytes are resident, want %d", rss, size)
	}
}
