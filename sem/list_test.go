//go:build linux

package sem_test

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
	"github.com/go-sysv/shm/sem"
)

func TestListMatchesStat(t *testing.T) {
	keyed := newSet(t, freeKey(t), 3, 1, 2, 3)
	private := newSet(t, shm.Private, 1)
	other := newSet(t, shm.Private, 2)
	if err := other.Chmod(0o604); err != nil {
		t.Fatal(err)
	}
	sets := []*sem.Set{keyed, private, other}
	for _, lister := range []struct {
		name string
		list func() ([]sem.Info, error)
	}{{"proc", sem.List}, {"SEM_STAT_ANY", sem.ListStat}} {
		t.Run(lister.name, func(t *testing.T) {
			infos, err := lister.list()
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(infos); i++ {
				if infos[i-1].ID >= infos[i].ID {
					t.Fatalf("not in id order: %d before %d", infos[i-1].ID, infos[i].ID)
				}
			}
			for _, s := range sets {
				want, err := s.Stat()
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, g := range infos {
					if g.ID == s.ID() {
						found = true
						if g != want {
							t.Errorf("listed %+v\nStat   %+v", g, want)
						}
					}
				}
				if !found {
					t.Errorf("%v is not listed", s)
				}
			}
		})
	}
}

func at(sec int64) time.Time { return time.Unix(sec, 0) }

func TestParseProcSem(t *testing.T) {
	const header = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
	tests := []struct {
		name  string
		text  string
		want  []sem.Info
		isErr bool
	}{
		{"TwoSets", header +
			"1642070017     131073   600          3     0     0     0     0 1795917564 1795917560\n" +
			"         0          2   644          1  1000   100     5     6          0         20\n",
			[]sem.Info{
				{ID: 2, Len: 1, Mode: 0o644, UID: 1000, GID: 100, CUID: 5, CGID: 6, LastChange: at(20)},
				{Key: 1642070017, ID: 131073, Len: 3, Mode: 0o600, LastOp: at(1795917564), LastChange: at(1795917560)},
			}, false},
		{"NegativeKey", header + "-1 7 600 1 0 0 0 0 0 0\n", []sem.Info{{Key: 0xffffffff, ID: 7, Len: 1, Mode: 0o600}}, false},
		{"EmptyTable", header, nil, false},
		{"Empty", "", nil, true},
		{"NoNsemsColumn", "key semid perms\n1 2 600\n", nil, true},
		{"ShortLine", header + "1 2 600\n", nil, true},
		{"NegativeID", header + "1 -2 600 1 0 0 0 0 0 0\n", nil, true},
		{"PermsNotOctal", header + "1 2 698 1 0 0 0 0 0 0\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sem.ParseProcSem(strings.NewReader(tt.text), 0)
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

// childSemUsage runs in a new IPC namespace, where it knows every set there is.
func childSemUsage() int {
	u, err := sem.Usage()
	if err != nil || u.Sets != 0 || u.Semaphores != 0 {
		return proctest.Fail("Usage in a new namespace: %+v, %v", u, err)
	}
	for _, n := range []int{3, 4} {
		if _, err := sem.Create(shm.Private, n, 0o600); err != nil {
			return proctest.Fail("%v", err)
		}
	}
	u, err = sem.Usage()
	infos, lerr := sem.List()
	if err != nil || lerr != nil || u.Sets != 2 || u.Semaphores != 7 || len(infos) != 2 {
		return proctest.Fail("Usage %+v, %v; List of %d, %v; want 2 sets of 7 semaphores", u, err, len(infos), lerr)
	}
	proctest.Say("ok")
	return 0 // the namespace, and its sets, go with this process
}

func TestUsageInFreshNamespace(t *testing.T) {
	c := proctest.StartWith(t, "semusage", proctest.PrivateIPC(t))
	c.Expect("ok")
	c.WaitOK()
}

func TestLimitsMatchSysctl(t *testing.T) {
	l, err := sem.Limits()
	if err != nil {
		t.Fatal(err)
	}
	want := kernelSem(t) // SEMMSL SEMMNS SEMOPM SEMMNI
	got := []int{l.MaxPerSet, l.MaxSemaphores, l.MaxOpsPerCall, l.MaxSets}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("Limits %+v, sysctl kernel.sem says %v", l, want)
			break
		}
	}
	if l.MaxValue != sem.MaxValue {
		t.Errorf("MaxValue = %d, want SEMVMX %d", l.MaxValue, sem.MaxValue)
	}
}

func TestChmodChown(t *testing.T) {
	s := newSet(t, shm.Private, 1)
	if err := s.Chmod(0o640); err != nil {
		t.Fatal(err)
	}
	if err := s.Chown(1234, -1); err != nil {
		t.Fatal(err)
	}
	if err := s.Chown(-1, 5678); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat()
	if err != nil || info.Mode != 0o640 || info.UID != 1234 || info.GID != 5678 || info.CUID != os.Geteuid() {
		t.Fatalf("after Chmod and Chown: %+v, %v", info, err)
	}
	for _, err := range []error{s.Chmod(0o1777), s.Chmod(fs.ModeDir | 0o600), s.Chown(-2, 0), s.Chown(0, beyond32())} {
		if !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("bad Chmod or Chown: %v, want fs.ErrInvalid", err)
		}
	}
	if info, _ := s.Stat(); info.Mode != 0o640 {
		t.Fatalf("a rejected Chmod changed the mode to %v", info.Mode)
	}
}

// beyond32 returns 2^32 where int holds it, and -2, which is as invalid, where not.
func beyond32() int {
	if strconv.IntSize == 32 {
		return -2
	}
	v := int64(1) << 32
	return int(v)
}

// ownerNoRead gives a set a mode that denies its owner everything and changes it back:
// the kernel lets the owner IPC_SET without read permission. (Create needs the w bit
// for itself: it initialises the set.)
func ownerNoRead() error {
	s, err := sem.Create(shm.Private, 1, 0o600)
	if err != nil {
		return err
	}
	defer s.Remove()
	if err := s.Chmod(0o000); err != nil {
		return err
	}
	if err := s.Chmod(0o200); err != nil {
		return err
	}
	if err := s.Chown(-1, os.Getegid()); err != nil {
		return err
	}
	info, err := s.Stat()
	if err != nil || info.Mode != 0o200 {
		return errors.New("Stat after Chmod: " + strconv.Quote(info.Mode.String()))
	}
	return s.Remove()
}

func childSemOwnerNoRead() int {
	if err := proctest.DropToNobody(); err != nil {
		return proctest.Fail("%v", err)
	}
	if err := ownerNoRead(); err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("checked")
	return 0
}

func TestOwnerWithoutReadCanChmodChownRemove(t *testing.T) {
	if os.Geteuid() != 0 {
		if err := ownerNoRead(); err != nil {
			t.Fatal(err)
		}
		return
	}
	c := proctest.Start(t, "semownernoread")
	c.Expect("checked")
	c.WaitOK()
}
