//go:build linux

package shm_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

// These tests prove cross-process behaviour with a second process: the test binary
// started again as one of the children below (see proctest).

func childSegment() (*shm.Segment, error) {
	id, err := strconv.Atoi(os.Getenv("SHM_ID"))
	if err != nil {
		return nil, err
	}
	return shm.FromID(id)
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func idEnv(seg *shm.Segment) string { return fmt.Sprintf("SHM_ID=%d", seg.ID()) }

// childReadWrite checks that it sees what the parent wrote, then writes its answer.
func childReadWrite() int {
	seg, err := childSegment()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	b, err := seg.Attach()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer shm.Detach(b)
	if got := string(b[:len("from parent")]); got != "from parent" {
		return proctest.Fail("read %q, want %q", got, "from parent")
	}
	copy(b[100:], "from child")
	proctest.Say("written")
	return 0
}

func TestWritesCrossProcesses(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	b := attach(t, seg)
	copy(b, "from parent")
	c := proctest.Start(t, "readwrite", idEnv(seg))
	c.Expect("written")
	c.WaitOK()
	if got := string(b[100 : 100+len("from child")]); got != "from child" {
		t.Fatalf("parent reads %q, want %q", got, "from child")
	}
}

// childHold attaches, writes a mark at b[0], says "attached" and stays attached until
// the parent sends a line or goes away.
func childHold() int {
	seg, err := childSegment()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	b, err := seg.Attach()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	b[0] = 'C'
	proctest.Say("attached")
	proctest.Hear()
	if err := shm.Detach(b); err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("detached")
	return 0
}

func TestAttachedCountsProcesses(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	attach(t, seg)
	c := proctest.Start(t, "hold", idEnv(seg))
	c.Expect("attached")
	info := mustStat(t, seg)
	if info.Attached != 2 {
		t.Fatalf("Attached = %d with the child attached, want 2", info.Attached)
	}
	if info.LastPID != c.Pid() {
		t.Errorf("LastPID = %d, want the child's %d", info.LastPID, c.Pid())
	}
	c.Send("go")
	c.Expect("detached")
	c.WaitOK()
	if n := mustStat(t, seg).Attached; n != 1 {
		t.Fatalf("Attached = %d after the child exited, want 1", n)
	}
}

func TestKilledChildLeavesDataAndDetaches(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	b := attach(t, seg)
	c := proctest.Start(t, "hold", idEnv(seg))
	c.Expect("attached")
	c.Signal(syscall.SIGKILL)
	st := c.Wait()
	if ws, ok := st.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", st)
	}
	if b[0] != 'C' {
		t.Fatalf("b[0] = %q after the child died, want the 'C' it wrote", b[0])
	}
	if n := mustStat(t, seg).Attached; n != 1 {
		t.Fatalf("Attached = %d after the child was killed, want 1", n)
	}
}

// childReadOnlyWrite writes through a read-only attachment, which must kill it.
func childReadOnlyWrite() int {
	seg, err := childSegment()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	b, err := seg.Attach(shm.ReadOnly)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("attached")
	b[0] = 'X' // must fault
	return proctest.Fail("wrote through a read-only attachment and lived")
}

func TestReadOnlyWriteKillsWithSIGSEGV(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	b := attach(t, seg)
	b[0] = 'P'
	c := proctest.Start(t, "rowrite", idEnv(seg))
	c.Expect("attached")
	st := c.Wait()
	// The Go runtime turns the SIGSEGV of a write to a read-only page into a fatal
	// "unexpected fault address" error and exit status 2.
	if st.ExitCode() != 2 || !strings.Contains(c.Stderr(), "SIGSEGV") || !strings.Contains(c.Stderr(), "unexpected fault address") {
		t.Fatalf("child ended with %v, want exit status 2 from a SIGSEGV fault\nstderr:\n%s", st, c.Stderr())
	}
	if b[0] != 'P' {
		t.Fatalf("b[0] = %q, the read-only write went through", b[0])
	}
}

// childNobody drops to uid and gid 65534 and checks what that user may do with the
// segments SHM_PRIVATE_ID (0600), SHM_PUBLIC_ID (0644), SHM_EXEC_ID (0605) and
// SHM_GIVEN_ID (0600, owned by this user).
func childNobody() int {
	if err := proctest.DropToNobody(); err != nil {
		return proctest.Fail("%v", err)
	}
	private := mustAtoi(os.Getenv("SHM_PRIVATE_ID"))
	public := mustAtoi(os.Getenv("SHM_PUBLIC_ID"))
	failed := 0
	expect := func(what string, err error, want error) {
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			proctest.Fail("%s: got %v, want %v", what, err, want)
			failed = 1
		}
	}
	// IPC_STAT needs read permission, but what it says is public (/proc/sysvipc/shm):
	// FromID and Stat read it with SHM_STAT_ANY; attaching is what is refused.
	priv, err := shm.FromID(private)
	expect("FromID of a 0600 segment", err, nil)
	if err == nil {
		info, err := priv.Stat()
		expect("Stat of a 0600 segment", err, nil)
		if err == nil && (info.Mode != 0o600 || info.UID != 0 || info.Size != 4096) {
			proctest.Fail("Stat of the 0600 segment says mode %v uid %d size %d, want 0600, 0, 4096", info.Mode, info.UID, info.Size)
			failed = 1
		}
		_, err = priv.Attach(shm.ReadOnly)
		expect("read-only attach of a 0600 segment", err, fs.ErrPermission)
	}
	pub, err := shm.FromID(public)
	expect("FromID of a 0644 segment", err, nil)
	if err != nil {
		return 1
	}
	b, err := pub.Attach(shm.ReadOnly)
	expect("read-only attach of a 0644 segment", err, nil)
	if err == nil {
		if string(b[:6]) != "public" {
			proctest.Fail("read %q from the 0644 segment, want %q", b[:6], "public")
			failed = 1
		}
		shm.Detach(b)
	}
	_, err = pub.Attach()
	expect("read-write attach of a 0644 segment", err, fs.ErrPermission)
	_, err = pub.Attach(shm.ReadOnly, shm.Exec)
	expect("read-only exec attach of a 0644 segment (SHM_EXEC needs x)", err, fs.ErrPermission)
	if ex, err := shm.FromID(mustAtoi(os.Getenv("SHM_EXEC_ID"))); err != nil {
		expect("FromID of a 0605 segment", err, nil)
	} else {
		eb, err := ex.Attach(shm.ReadOnly, shm.Exec)
		expect("read-only exec attach of a 0605 segment", err, nil)
		if err == nil {
			shm.Detach(eb)
		}
	}
	expect("Remove of another user's segment", pub.Remove(), fs.ErrPermission)
	expect("Chmod of another user's segment", pub.Chmod(0o666), fs.ErrPermission)
	expect("Chown of another user's segment", pub.Chown(65534, 65534), fs.ErrPermission)
	expect("Lock of another user's segment", pub.LockMemory(), fs.ErrPermission)

	// A segment given to this user with Chown is this user's: read-write and chmod.
	given, err := shm.FromID(mustAtoi(os.Getenv("SHM_GIVEN_ID")))
	expect("FromID of a segment given to this user", err, nil)
	if err == nil {
		_, err = given.Attach(shm.Exec)
		expect("exec attach of this user's 0600 segment (SHM_EXEC needs x)", err, fs.ErrPermission)
		gb, err := given.Attach()
		expect("read-write attach of a segment given to this user", err, nil)
		if err == nil {
			copy(gb, "mine")
			shm.Detach(gb)
		}
		expect("Chmod of a segment given to this user", given.Chmod(0o640), nil)
	}
	proctest.Say("checked")
	return failed
}

func TestPermissionsForAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to start a child that drops to uid 65534")
	}
	private := newSegment(t, shm.Private, 4096, 0o600)
	public := newSegment(t, shm.Private, 4096, 0o644)
	executable := newSegment(t, shm.Private, 4096, 0o605)
	given := newSegment(t, shm.Private, 4096, 0o600)
	copy(attach(t, public), "public")
	if err := given.Chown(65534, 65534); err != nil {
		t.Fatal(err)
	}
	c := proctest.Start(t, "nobody", fmt.Sprintf("SHM_PRIVATE_ID=%d", private.ID()),
		fmt.Sprintf("SHM_PUBLIC_ID=%d", public.ID()), fmt.Sprintf("SHM_EXEC_ID=%d", executable.ID()),
		fmt.Sprintf("SHM_GIVEN_ID=%d", given.ID()))
	c.Expect("checked")
	c.WaitOK()
	if info := mustStat(t, given); info.Mode != 0o640 || string(attach(t, given)[:4]) != "mine" {
		t.Fatalf("the other user's Chmod and write did not land: mode %v", info.Mode)
	}
	if _, err := public.Stat(); err != nil {
		t.Fatalf("the 0644 segment is gone after the other user tried to remove it: %v", err)
	}
}

func TestRemoveWhileAttached(t *testing.T) {
	key := freeKey(t)
	seg := newSegment(t, key, 4096, 0o600)
	b := attach(t, seg)
	c := proctest.Start(t, "hold", idEnv(seg))
	c.Expect("attached")

	if err := seg.Remove(); err != nil {
		t.Fatal(err)
	}
	info := mustStat(t, seg)
	if !info.Removed || info.Attached != 2 || info.Key != shm.Private {
		t.Fatalf("after Remove: Removed=%v Attached=%d Key=%v, want true, 2, %v", info.Removed, info.Attached, info.Key, shm.Private)
	}
	if _, err := shm.Get(key); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get of the removed key: %v, want fs.ErrNotExist", err)
	}
	// The key is free again at once, while the old memory lives on.
	newSegment(t, key, 4096, 0o600)
	copy(b[1:], "still here")
	if b[0] != 'C' {
		t.Fatalf("b[0] = %q, want the child's 'C' in the marked segment", b[0])
	}

	c.Send("go")
	c.Expect("detached")
	c.WaitOK()
	if n := mustStat(t, seg).Attached; n != 1 {
		t.Fatalf("Attached = %d, want 1", n)
	}
	if err := shm.Detach(b); err != nil {
		t.Fatal(err)
	}
	if _, err := seg.Stat(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat after the last detach: %v, want fs.ErrNotExist", err)
	}
	if err := seg.Remove(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Remove after the last detach: %v, want fs.ErrNotExist", err)
	}
}

// childShmmax runs in a new IPC namespace, lowers SHMMAX there and asks for more.
func childShmmax() int {
	if err := os.WriteFile("/proc/sys/kernel/shmmax", []byte("1048576"), 0); err != nil {
		return proctest.Fail("%v", err)
	}
	_, err := shm.Create(shm.Private, 2<<20, 0o600)
	proctest.Say("%v", err)
	if !errors.Is(err, fs.ErrInvalid) || !errors.Is(err, syscall.EINVAL) {
		return proctest.Fail("error %v does not wrap fs.ErrInvalid and EINVAL", err)
	}
	return 0
}

func TestSizeAboveSHMMAXNamesTheLimit(t *testing.T) {
	// A new IPC namespace has its own limits, so lowering SHMMAX there leaves the
	// machine's untouched.
	c := proctest.StartWith(t, "shmmax", proctest.PrivateIPC(t))
	msg := c.ReadLine()
	c.WaitOK()
	want := "shm: create key 0x00000000: size 2097152 is above the kernel's SHMMAX of 1048576 bytes (sysctl kernel.shmmax) (invalid argument)"
	if msg != want {
		t.Fatalf("error is\n%q\nwant\n%q", msg, want)
	}
}
