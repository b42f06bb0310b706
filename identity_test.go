//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

// childReuse runs in an IPC namespace of its own, where it may choose the next id
// (kernel.shm_next_id) and so reuse the id of a removed segment at once. It checks that
// a handle on the removed segment acts on nothing that has its id now.
func childReuse() int {
	failed := 0
	check := func(what string, err error) {
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "now names another segment") {
			proctest.Fail("%s through a stale handle: %v, want fs.ErrNotExist saying the id names another segment", what, err)
			failed = 1
		}
	}
	key := shm.Key(0x7e5e0001)
	for _, tc := range []struct {
		name             string
		oldKey, newKey   shm.Key
		oldSize, newSize int
	}{
		{"Larger", shm.Private, shm.Private, 4096, 1 << 20},
		{"Smaller", shm.Private, shm.Private, 1 << 20, 4096},
		{"SameSizeOtherKey", key, shm.Private, 8192, 8192},
		{"SameSizeNowKeyed", shm.Private, key, 8192, 8192},
	} {
		old, err := shm.Create(tc.oldKey, tc.oldSize, 0o600)
		if err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if err := old.Remove(); err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if err := os.WriteFile("/proc/sys/kernel/shm_next_id", []byte(strconv.Itoa(old.ID())), 0); err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		seg, err := shm.Create(tc.newKey, tc.newSize, 0o600)
		if err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		if seg.ID() != old.ID() {
			return proctest.Fail("%s: the kernel gave id %d, not the old id %d", tc.name, seg.ID(), old.ID())
		}
		b, err := seg.Attach()
		if err != nil {
			return proctest.Fail("%s: %v", tc.name, err)
		}
		copy(b, "new")

		if sb, err := old.Attach(); err == nil {
			proctest.Fail("%s: Attach through a stale handle attached %d bytes of the new segment", tc.name, len(sb))
			failed = 1
			shm.Detach(sb)
		} else {
			check(tc.name+": Attach", err)
		}
		_, err = old.Stat()
		check(tc.name+": Stat", err)
		check(tc.name+": Chmod", old.Chmod(0o666))
		check(tc.name+": Chown", old.Chown(1, 1))
		check(tc.name+": Lock", old.LockMemory())
		check(tc.name+": Remove", old.Remove())

		info, err := seg.Stat()
		if err != nil {
			return proctest.Fail("%s: the new segment is gone: %v", tc.name, err)
		}
		if info.Attached != 1 || info.Mode != 0o600 || info.UID != 0 || info.Locked || string(b[:3]) != "new" {
			proctest.Fail("%s: the new segment was changed through the stale handle: %+v", tc.name, info)
			failed = 1
		}
		shm.Detach(b)
		seg.Remove()
	}
	proctest.Say("checked")
	return failed
}

func TestStaleHandleNeverActsOnAReusedID(t *testing.T) {
	c := proctest.StartWith(t, "reuse", proctest.PrivateIPC(t))
	c.Expect("checked")
	c.WaitOK()
}
