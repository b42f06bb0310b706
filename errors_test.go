//go:build linux

package shm_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

// These tests prove that errors tell the truth: what failed, and why, where the kernel's
// errno alone says something else.

// childChurn makes and removes the segment of SHM_KEY as fast as it can until its
// standard input ends, removing also what the parent's Open made.
func childChurn() int {
	key := shm.Key(mustAtoi(os.Getenv("SHM_KEY")))
	var stop atomic.Bool
	go func() {
		proctest.Hear()
		stop.Store(true)
	}()
	proctest.Say("churning")
	for !stop.Load() {
		seg, err := shm.Create(key, 4096, 0o600)
		if errors.Is(err, fs.ErrExist) {
			seg, err = shm.Get(key)
		}
		if err == nil {
			seg.Remove()
		}
	}
	return 0
}

// Open creates the segment or opens the one that exists; when another process removes
// it between the two, Open must try again, not report that nothing exists.
func TestOpenUnderChurnAlwaysOpensSomething(t *testing.T) {
	key := freeKey(t)
	t.Cleanup(func() {
		if seg, err := shm.Get(key); err == nil {
			seg.Remove()
		}
	})
	c := proctest.Start(t, "churn", fmt.Sprintf("SHM_KEY=%d", key))
	c.Expect("churning")
	for i := range 20000 {
		seg, err := shm.Open(key, 4096, 0o600)
		if err != nil {
			t.Fatalf("Open %d under churn: %v", i, err)
		}
		if seg.Size() != 4096 {
			t.Fatalf("Open %d: size %d", i, seg.Size())
		}
	}
	c.Send("stop")
	c.WaitOK()
}

// childUnmapped runs in a user namespace that maps only uid and gid 0 (to the parent's
// ids, so it owns the parent's segment). The kernel
// refuses to make a uid it cannot map the owner (EINVAL): that must be reported as a
// refused argument, not as a segment that does not exist.
func childUnmapped() int {
	seg, err := childSegment()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	err = seg.Chown(1000, -1)
	proctest.Say("%v", err)
	if !errors.Is(err, fs.ErrInvalid) || errors.Is(err, fs.ErrNotExist) {
		return proctest.Fail("Chown to an unmapped uid: %v, want fs.ErrInvalid and not fs.ErrNotExist", err)
	}
	return 0
}

func TestChownToUnmappedUIDIsInvalidNotMissing(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	c := proctest.StartWith(t, "unmapped", proctest.UserNS(t), idEnv(seg))
	msg := c.ReadLine()
	c.WaitOK()
	if !strings.Contains(msg, "exists") {
		t.Errorf("error %q does not say that the segment exists", msg)
	}
	if info := mustStat(t, seg); info.UID != os.Geteuid() {
		t.Fatalf("owner is %d after a refused Chown", info.UID)
	}
}

// childLimits runs in an IPC namespace of its own, lowers SHMMNI and then SHMALL
// there, and reports the errors of the Create that each makes fail.
func childLimits() int {
	write := func(name, value string) bool {
		return os.WriteFile("/proc/sys/kernel/"+name, []byte(value), 0) == nil
	}
	if !write("shmmni", "1") {
		return proctest.Fail("cannot lower kernel.shmmni")
	}
	first, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	_, err = shm.Create(shm.Private, 4096, 0o600)
	proctest.Say("%v", err)
	first.Remove()
	if !write("shmmni", "4096") || !write("shmall", "4") {
		return proctest.Fail("cannot set kernel.shmmni and kernel.shmall")
	}
	_, err = shm.Create(shm.Private, 8*4096, 0o600)
	proctest.Say("%v", err)
	return 0
}

func TestOutOfSpaceNamesTheLimit(t *testing.T) {
	if os.Getpagesize() != 4096 {
		t.Skip("the expected messages count 4 KiB pages")
	}
	c := proctest.StartWith(t, "limits", proctest.PrivateIPC(t))
	for _, want := range []string{
		"shm: create key 0x00000000: all 1 segment ids are in use (SHMMNI, sysctl kernel.shmmni) (no space left on device)",
		"shm: create key 0x00000000: 8 more pages would exceed the kernel's SHMALL of 4 pages for all segments, 0 in use (sysctl kernel.shmall) (no space left on device)",
	} {
		if got := c.ReadLine(); got != want {
			t.Errorf("error is\n%q\nwant\n%q", got, want)
		}
	}
	c.WaitOK()
}

// ownerNoRead makes a segment whose mode denies its owner everything, and changes it
// back: the kernel lets the owner IPC_SET without read permission, so the library must
// not need IPC_STAT to do it. Root may read everything, so it must run as another user.
func ownerNoRead() error {
	seg, err := shm.Create(shm.Private, 4096, 0o000)
	if err != nil {
		return err
	}
	defer seg.Remove()
	if err := seg.Chmod(0o200); err != nil {
		return fmt.Errorf("Chmod of its own 0000 segment: %w", err)
	}
	if err := seg.Chown(-1, os.Getegid()); err != nil {
		return fmt.Errorf("Chown of its own 0200 segment: %w", err)
	}
	info, err := seg.Stat()
	if err != nil || info.Mode != 0o200 || info.UID != os.Geteuid() {
		return fmt.Errorf("Stat: %+v, %v; want mode 0200 and owner %d", info, err, os.Geteuid())
	}
	if err := seg.Remove(); err != nil {
		return fmt.Errorf("Remove of its own 0200 segment: %w", err)
	}
	return nil
}

// childOwnerNoRead drops to uid 65534 and runs ownerNoRead.
func childOwnerNoRead() int {
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
	c := proctest.Start(t, "ownernoread")
	c.Expect("checked")
	c.WaitOK()
}

// childOverflowChmod runs in a user namespace that maps ids 0 and 65534 only. The
// segment's owner and group are neither, so the kernel shows them as 65534, the
// overflow id: a Chmod that wrote them back would give the segment to nobody.
func childOverflowChmod() int {
	seg, err := childSegment()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	err = seg.Chmod(0o640)
	proctest.Say("%v", err)
	if !errors.Is(err, fs.ErrInvalid) {
		return proctest.Fail("Chmod that would keep an overflow owner: %v, want fs.ErrInvalid", err)
	}
	if err := seg.Chown(0, 0); err != nil { // naming both is fine: the creator may
		return proctest.Fail("Chown naming both ids: %v", err)
	}
	return 0
}

func TestChmodNeverWritesBackTheOverflowID(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to map two ids into a user namespace")
	}
	seg := newSegment(t, shm.Private, 4096, 0o600)
	if err := seg.Chown(1000, 1000); err != nil {
		t.Fatal(err)
	}
	maps := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 65534, HostID: 65534, Size: 1}}
	c := proctest.StartWith(t, "overflowchmod", func(cmd *exec.Cmd) {
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER, UidMappings: maps, GidMappings: maps}
	}, idEnv(seg))
	msg := c.ReadLine()
	c.WaitOK()
	if !strings.Contains(msg, "65534") {
		t.Errorf("error %q does not name the overflow id", msg)
	}
	if info := mustStat(t, seg); info.UID != 0 || info.GID != 0 || info.Mode != 0o600 {
		t.Fatalf("after the refused Chmod and the Chown to 0, 0: %+v", info)
	}
}
