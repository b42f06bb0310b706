//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
)

func TestCreateGetOpen(t *testing.T) {
	key := freeKey(t)
	before := time.Now()
	seg := newSegment(t, key, 5000, 0o640)
	if seg.Key() != key || seg.Size() != 5000 || seg.ID() < 0 {
		t.Fatalf("Create gave %v", seg)
	}

	got, err := shm.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *seg {
		t.Fatalf("Get gave %v, want %v", got, seg)
	}
	opened, err := shm.Open(key, 100, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if *opened != *seg {
		t.Fatalf("Open of the existing segment gave %v, want %v (its own size)", opened, seg)
	}
	byID, err := shm.FromID(seg.ID())
	if err != nil {
		t.Fatal(err)
	}
	if *byID != *seg {
		t.Fatalf("FromID gave %v, want %v", byID, seg)
	}

	info := mustStat(t, seg)
	want := shm.Info{Key: key, ID: seg.ID(), Size: 5000, Mode: 0o640, UID: os.Getuid(), GID: os.Getgid(),
		CUID: os.Getuid(), CGID: os.Getgid(), CreatorPID: os.Getpid(), Resident: -1, Swapped: -1}
	change := info.LastChange
	info.LastChange = time.Time{}
	if info != want {
		t.Fatalf("Stat = %+v\nwant   %+v", info, want)
	}
	checkKernelTime(t, "LastChange", change, before, time.Now())

	before = time.Now()
	b := attach(t, seg)
	if len(b) != 5000 || cap(b) != 5000 {
		t.Fatalf("Attach gave len %d cap %d, want 5000", len(b), cap(b))
	}
	info = mustStat(t, seg)
	if info.Attached != 1 || !info.LastDetach.IsZero() || info.LastPID != os.Getpid() {
		t.Fatalf("after Attach: %+v", info)
	}
	checkKernelTime(t, "LastAttach", info.LastAttach, before, time.Now())
	before = time.Now()
	if err := shm.Detach(b); err != nil {
		t.Fatal(err)
	}
	if info = mustStat(t, seg); info.Attached != 0 {
		t.Fatalf("after Detach: %+v", info)
	}
	checkKernelTime(t, "LastDetach", info.LastDetach, before, time.Now())
}

func TestOpenCreatesWhenMissing(t *testing.T) {
	key := freeKey(t)
	seg, err := shm.Open(key, 8192, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	removeAtEnd(t, seg)
	if seg.Key() != key || seg.Size() != 8192 {
		t.Fatalf("Open gave %v", seg)
	}
	b := attach(t, seg)
	for i, c := range b {
		if c != 0 {
			t.Fatalf("new segment has byte %d = %d, want zeros", i, c)
		}
	}
}

func TestPrivateSegmentsAreDistinct(t *testing.T) {
	a := newSegment(t, shm.Private, 4096, 0o600)
	b := newSegment(t, shm.Private, 4096, 0o600)
	if a.ID() == b.ID() || a.Key() != shm.Private {
		t.Fatalf("two Private segments: %v and %v", a, b)
	}
}

func TestBadInput(t *testing.T) {
	taken := freeKey(t)
	seg := newSegment(t, taken, 4096, 0o600)
	removed := newSegment(t, shm.Private, 4096, 0o600)
	if err := removed.Remove(); err != nil {
		t.Fatal(err)
	}
	free := freeKey(t)

	tests := []struct {
		name string
		do   func() error
		is   []error
		msg  string // the whole message, when it is fixed
	}{
		{"CreateZeroSize", func() error { _, err := shm.Create(free, 0, 0o600); return err },
			[]error{fs.ErrInvalid}, "shm: create key " + free.String() + ": size 0 is not positive (invalid argument)"},
		{"CreateNegativeSize", func() error { _, err := shm.Create(free, -1, 0o600); return err },
			[]error{fs.ErrInvalid}, ""},
		{"OpenZeroSize", func() error { _, err := shm.Open(free, 0, 0o600); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CreatePermOutside0777", func() error { _, err := shm.Create(free, 4096, 0o1600); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CreatePermWithTypeBits", func() error { _, err := shm.Create(free, 4096, os.ModeDir|0o600); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CreateTakenKey", func() error { _, err := shm.Create(taken, 4096, 0o600); return err },
			[]error{fs.ErrExist, syscall.EEXIST}, "shm: create key " + taken.String() + ": a segment has this key already (file exists)"},
		{"GetMissingKey", func() error { _, err := shm.Get(free); return err },
			[]error{fs.ErrNotExist, syscall.ENOENT}, "shm: get key " + free.String() + ": no segment has this key (no such file or directory)"},
		{"GetPrivate", func() error { _, err := shm.Get(shm.Private); return err },
			[]error{fs.ErrInvalid}, ""},
		{"OpenLargerThanExisting", func() error { _, err := shm.Open(taken, 8192, 0o600); return err },
			[]error{fs.ErrInvalid, syscall.EINVAL}, "shm: open key " + taken.String() + ": segment id " + strconv.Itoa(seg.ID()) +
				" has 4096 bytes, fewer than the 8192 asked for (invalid argument)"},
		{"FromIDNegative", func() error { _, err := shm.FromID(-5); return err },
			[]error{fs.ErrInvalid}, ""},
		{"FromIDRemoved", func() error { _, err := shm.FromID(removed.ID()); return err },
			[]error{fs.ErrNotExist, syscall.EINVAL}, "shm: fromid id " + strconv.Itoa(removed.ID()) + ": no such segment (invalid argument)"},
		{"AttachRemoved", func() error { _, err := removed.Attach(); return err },
			[]error{fs.ErrNotExist}, ""},
		{"StatRemoved", func() error { _, err := removed.Stat(); return err },
			[]error{fs.ErrNotExist}, ""},
		{"RemoveRemoved", func() error { return removed.Remove() },
			[]error{fs.ErrNotExist}, ""},
		{"AttachUnknownOption", func() error { _, err := seg.Attach(shm.AttachOption(1 << 20)); return err },
			[]error{fs.ErrInvalid}, ""},
		{"AttachRoundWithoutAddress", func() error { _, err := seg.Attach(shm.Round); return err },
			[]error{fs.ErrInvalid}, ""},
		{"AttachRemapWithoutAddress", func() error { _, err := seg.Attach(shm.Remap); return err },
			[]error{fs.ErrInvalid}, ""},
		{"AttachAtZero", func() error { _, err := seg.AttachAt(0); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CreateUnknownOption", func() error { _, err := shm.Create(free, 4096, 0o600, shm.CreateOption(1<<20)); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CreateTwoHugePageSizes", func() error {
			_, err := shm.Create(free, 4096, 0o600, shm.HugePages2MB, shm.HugePages1GB)
			return err
		}, []error{fs.ErrInvalid}, ""},
		{"DetachNil", func() error { return shm.Detach(nil) },
			[]error{fs.ErrInvalid}, "shm: detach: nil slice (invalid argument)"},
		{"DetachGoMemory", func() error { return shm.Detach(make([]byte, 4096)) },
			[]error{fs.ErrInvalid, syscall.EINVAL}, ""},
		{"DetachTwice", func() error {
			b, err := seg.Attach()
			if err != nil {
				return err
			}
			if err := shm.Detach(b); err != nil {
				return err
			}
			return shm.Detach(b)
		}, []error{fs.ErrInvalid, syscall.EINVAL}, ""},
		{"DetachInsideAttachment", func() error {
			b := attach(t, seg)
			return shm.Detach(b[1:])
		}, []error{fs.ErrInvalid}, ""},
		// The kernel's ids are 32 bits: 2^32 + id must not reach the id.
		{"FromIDAboveInt32", func() error { _, err := shm.FromID(beyond32(int64(seg.ID()) + 1<<32)); return err },
			[]error{fs.ErrInvalid}, ""},
		{"ChownUIDAbove32Bits", func() error { return seg.Chown(beyond32(1<<32), -1) },
			[]error{fs.ErrInvalid}, ""},
		{"ChownGIDAllOnes", func() error { return seg.Chown(-1, beyond32(math.MaxUint32)) },
			[]error{fs.ErrInvalid}, ""},
		{"DetachZeroCapacityTail", func() error {
			b := attach(t, seg)
			before := mustStat(t, seg).Attached
			err := shm.Detach(b[len(b):])
			if n := mustStat(t, seg).Attached; n != before {
				t.Errorf("Detach of the tail left %d attachments of %d", n, before)
			}
			return err
		}, []error{fs.ErrInvalid}, ""},
		{"FtokMissingPath", func() error { _, err := shm.Ftok("/no/such/file", 1); return err },
			[]error{fs.ErrNotExist, syscall.ENOENT}, "shm: ftok path /no/such/file: no such file or directory"},
		{"FtokZeroProjID", func() error { _, err := shm.Ftok(".", 0x100); return err },
			[]error{fs.ErrInvalid}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if err == nil {
				t.Fatal("no error")
			}
			var e *shm.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a *shm.Error", err, err)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q does not match %v", err, target)
				}
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("error is\n%q\nwant\n%q", err, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "shm: "+e.Op) {
				t.Errorf("error %q does not start with the operation %q", err, e.Op)
			}
		})
	}
	if _, err := seg.Stat(); err != nil {
		t.Fatalf("the segment did not survive the bad calls: %v", err)
	}
}

// beyond32 returns v where int holds it, and -2, which is as invalid, where it does not.
func beyond32(v int64) int {
	if math.MaxInt == math.MaxInt32 {
		return -2
	}
	return int(v)
}

// The zero Segment names no segment: it must never act on shmid 0, which can be real.
func TestZeroSegmentIsUseless(t *testing.T) {
	var nilSeg *shm.Segment
	for _, s := range []*shm.Segment{{}, nilSeg} {
		if s.ID() != -1 || s.Size() != 0 || s.Key() != shm.Private {
			t.Fatalf("zero Segment: ID %d Size %d Key %v", s.ID(), s.Size(), s.Key())
		}
		_, aerr := s.Attach()
		_, serr := s.Stat()
		for name, err := range map[string]error{"Attach": aerr, "Stat": serr, "Remove": s.Remove(),
			"Chmod": s.Chmod(0o600), "Chown": s.Chown(0, 0), "LockMemory": s.LockMemory(), "UnlockMemory": s.UnlockMemory()} {
			if !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "zero Segment") {
				t.Errorf("%s of a zero Segment: %v, want fs.ErrInvalid", name, err)
			}
		}
	}
}
