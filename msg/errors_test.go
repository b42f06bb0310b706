//go:build linux

package msg_test

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
	"github.com/go-sysv/shm/msg"
)

// TestBadInput is the twin of shm's: every argument the package or the kernel refuses,
// with the error it must give.
func TestBadInput(t *testing.T) {
	taken := freeKey(t)
	q := newQueue(t, taken, 0o600)
	removed := newQueue(t, shm.Private, 0o600)
	if err := removed.Remove(); err != nil {
		t.Fatal(err)
	}
	free := freeKey(t)
	ctx := context.Background()
	buf := make([]byte, 16)
	id := strconv.Itoa(q.ID())
	lim, err := msg.Limits()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		do   func() error
		is   []error
		msg  string // the whole message, when it is fixed
	}{
		{"CreatePermOutside0777", func() error { _, err := msg.Create(free, 0o1600); return err },
			[]error{fs.ErrInvalid}, "msg: create key " + free.String() + ": permission 0o1600 has bits outside 0o777 (invalid argument)"},
		{"CreatePermWithTypeBits", func() error { _, err := msg.Create(free, os.ModeDir|0o600); return err },
			[]error{fs.ErrInvalid}, ""},
		{"OpenPermOutside0777", func() error { _, err := msg.Open(free, 0o4600); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CreateTakenKey", func() error { _, err := msg.Create(taken, 0o600); return err },
			[]error{fs.ErrExist, syscall.EEXIST}, "msg: create key " + taken.String() + ": file exists"},
		{"GetMissingKey", func() error { _, err := msg.Get(free); return err },
			[]error{fs.ErrNotExist, syscall.ENOENT}, "msg: get key " + free.String() + ": no such file or directory"},
		{"GetPrivate", func() error { _, err := msg.Get(shm.Private); return err },
			[]error{fs.ErrInvalid}, ""},
		{"FromIDNegative", func() error { _, err := msg.FromID(-5); return err },
			[]error{fs.ErrInvalid}, "msg: fromid: id -5 is outside 0..2147483647 (invalid argument)"},
		{"FromIDRemoved", func() error { _, err := msg.FromID(removed.ID()); return err },
			[]error{fs.ErrNotExist, syscall.EINVAL}, "msg: fromid id " + strconv.Itoa(removed.ID()) + ": no such message queue (invalid argument)"},
		// The kernel's ids are 32 bits: 2^32 + id must not reach the id.
		{"FromIDAboveInt32", func() error { _, err := msg.FromID(beyond32(int64(q.ID()) + 1<<32)); return err },
			[]error{fs.ErrInvalid}, ""},
		{"SendRemoved", func() error { return removed.Send(ctx, 1, nil) },
			[]error{fs.ErrNotExist}, ""},
		{"RecvRemoved", func() error { _, _, err := removed.Recv(ctx, 0, buf); return err },
			[]error{fs.ErrNotExist}, ""},
		{"StatRemoved", func() error { _, err := removed.Stat(); return err },
			[]error{fs.ErrNotExist}, ""},
		{"RemoveRemoved", func() error { return removed.Remove() },
			[]error{fs.ErrNotExist}, ""},
		{"SendTypeZero", func() error { return q.Send(ctx, 0, nil) },
			[]error{fs.ErrInvalid}, "msg: send id " + id + ": message type 0 is outside 1.." + strconv.Itoa(math.MaxInt) + " (invalid argument)"},
		{"SendTypeNegative", func() error { return q.Send(ctx, -1, nil) },
			[]error{fs.ErrInvalid}, ""},
		{"TrySendTypeZero", func() error { _, err := q.TrySend(0, nil); return err },
			[]error{fs.ErrInvalid}, ""},
		// A C long is 32 bits in a 32-bit process: the type must not be cut. Where it
		// is 64 bits every int64 type is valid, and these two prove nothing more than
		// the cases above.
		{"SendTypeAboveLong", func() error { return q.Send(ctx, beyondLong(), nil) },
			[]error{fs.ErrInvalid}, ""},
		{"TryRecvTypeBelowLong", func() error {
			if math.MaxInt != math.MaxInt32 {
				return q.Send(ctx, 0, nil)
			}
			_, _, err := q.TryRecv(-math.MaxInt32-2, buf)
			return err
		}, []error{fs.ErrInvalid}, ""},
		{"SendAboveMSGMAX", func() error { return q.Send(ctx, 1, make([]byte, lim.MaxMessage+1)) },
			[]error{fs.ErrInvalid, syscall.EINVAL}, ""},
		{"SendNilContext", func() error { return q.Send(nilContext, 1, nil) },
			[]error{fs.ErrInvalid}, ""},
		{"RecvNilContext", func() error { _, _, err := q.Recv(nilContext, 0, buf); return err },
			[]error{fs.ErrInvalid}, ""},
		{"RecvUnknownOption", func() error { _, _, err := q.Recv(ctx, 0, buf, msg.RecvOption(1<<20)); return err },
			[]error{fs.ErrInvalid}, ""},
		{"RecvCopyWaits", func() error { _, _, err := q.Recv(ctx, 0, buf, msg.Copy); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CopyWithExcept", func() error { _, _, err := q.TryRecv(0, buf, msg.Copy, msg.Except); return err },
			[]error{fs.ErrInvalid}, ""},
		{"CopyNegativePosition", func() error { _, _, err := q.TryRecv(-1, buf, msg.Copy); return err },
			[]error{fs.ErrInvalid}, ""},
		{"SetMaxBytesNegative", func() error { return q.SetMaxBytes(-1) },
			[]error{fs.ErrInvalid}, ""},
		{"ChmodOutside0777", func() error { return q.Chmod(0o1777) },
			[]error{fs.ErrInvalid}, ""},
		{"ChownUIDAbove32Bits", func() error { return q.Chown(beyond32(1<<32), -1) },
			[]error{fs.ErrInvalid}, ""},
		{"ChownGIDAllOnes", func() error { return q.Chown(-1, beyond32(math.MaxUint32)) },
			[]error{fs.ErrInvalid}, ""},
		{"ChownBelowMinusOne", func() error { return q.Chown(-2, -1) },
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
			if e.Pkg != "msg" || !strings.HasPrefix(err.Error(), "msg: "+e.Op) {
				t.Errorf("error %q is not from package msg or does not start with the operation %q", err, e.Op)
			}
		})
	}
	if info, err := q.Stat(); err != nil || info.Messages != 0 {
		t.Fatalf("the queue did not survive the bad calls unchanged: %+v, %v", info, err)
	}
}

// nilContext is a nil Context, which Send and Recv must refuse rather than panic on.
var nilContext context.Context

// beyond32 returns v where int holds it, and -2, which is as invalid, where it does not.
func beyond32(v int64) int {
	if math.MaxInt == math.MaxInt32 {
		return -2
	}
	return int(v)
}

// beyondLong returns a type above what a C long holds where it is 32 bits, and 0 (as
// invalid for a send) where it is 64.
func beyondLong() int64 {
	if math.MaxInt == math.MaxInt32 {
		return math.MaxInt32 + 1
	}
	return 0
}
