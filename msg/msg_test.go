//go:build linux

package msg_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/msg"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	proctest.Main(m, children)
}

// children are the parts a re-executed test binary can play; see process_test.go.
var children = map[string]func() int{
	"echo":      childEcho,
	"send":      childSend,
	"wait":      childWait,
	"ignoreurg": childIgnoreURG,
	"nobody":    childNobody,
	"reuse":     childReuse,
	"usage":     childUsage,
	"churn":     childChurn,
}

// newQueue creates a queue that is removed when the test ends, however it ends.
func newQueue(t testing.TB, key shm.Key, perm fs.FileMode) *msg.Queue {
	t.Helper()
	q, err := msg.Create(key, perm)
	if err != nil {
		t.Fatalf("Create(%v, %v): %v", key, perm, err)
	}
	removeAtEnd(t, q)
	return q
}

// removeAtEnd removes q when the test ends, unless the test removed it already.
func removeAtEnd(t testing.TB, q *msg.Queue) {
	t.Cleanup(func() {
		if err := q.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("cleanup: %v", err)
		}
	})
}

// removeKeyAtEnd removes the queue of key, if there is one, when the test ends: for
// queues a child creates.
func removeKeyAtEnd(t testing.TB, key shm.Key) {
	t.Cleanup(func() {
		if q, err := msg.Get(key); err == nil {
			if err := q.Remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
}

// freeKey returns a key that names no queue now. Keys in the 0x7e6xxxxx range are
// ours; a random one is taken only if msg.Get says it is free.
func freeKey(t testing.TB) shm.Key {
	t.Helper()
	for range 100 {
		k := shm.Key(0x7e600000 | rand.Uint32N(0x100000))
		if _, err := msg.Get(k); errors.Is(err, fs.ErrNotExist) {
			return k
		}
	}
	t.Fatal("no free key found")
	return 0
}

func mustStat(t testing.TB, q *msg.Queue) msg.Info {
	t.Helper()
	info, err := q.Stat()
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	return info
}

func idEnv(q *msg.Queue) string { return fmt.Sprintf("MSG_ID=%d", q.ID()) }

func childQueue() (*msg.Queue, error) {
	id, err := strconv.Atoi(os.Getenv("MSG_ID"))
	if err != nil {
		return nil, err
	}
	return msg.FromID(id)
}

// newIPCNamespace starts a child in an IPC namespace of its own, with its own queues
// and limits, which it takes with it when it exits.
func newIPCNamespace(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWIPC}
}

// waitingIn reports whether a thread of process pid is in system call nr now, as
// /proc/PID/task/TID/syscall shows it: for "a goroutine is blocked in msgrcv", which
// no event announces.
func waitingIn(pid int, nr uintptr) bool {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/syscall", pid))
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err == nil && strings.HasPrefix(string(b), strconv.FormatUint(uint64(nr), 10)+" ") {
			return true
		}
	}
	return false
}

const sysMsgrcv = unix.SYS_MSGRCV
