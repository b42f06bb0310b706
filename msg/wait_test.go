//go:build linux

package msg_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/msg"
	"golang.org/x/sys/unix"
)

// Signals that the runtime sends its threads (SIGURG for preemption, SIGPROF) make a
// waiting msgrcv return EINTR: the wait must go on, with or without a context that can
// end, and take the message that comes after them.
func TestSignalsDoNotEndAWait(t *testing.T) {
	q := newQueue(t, shm.Private, 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		typ int64
		err error
	}
	done := make(chan result, 2)
	for _, c := range []context.Context{context.Background(), ctx} {
		go func() {
			_, typ, err := q.Recv(c, 0, make([]byte, 10))
			done <- result{typ, err}
		}()
	}
	proctest.Poll(t, "two threads waiting in msgrcv", func() bool { return threadsIn(unix.SYS_MSGRCV) == 2 })
	for range 20 {
		tasks, _ := filepath.Glob("/proc/self/task/*")
		for _, task := range tasks {
			tid, _ := strconv.Atoi(filepath.Base(task))
			unix.Tgkill(os.Getpid(), tid, syscall.SIGURG)
		}
	}
	// Both are waiting again once the signals have been taken.
	proctest.Poll(t, "two threads waiting in msgrcv again", func() bool { return threadsIn(unix.SYS_MSGRCV) == 2 })
	send(t, q, 1, 2)
	for range 2 {
		select {
		case r := <-done:
			if r.err != nil || r.typ == 0 {
				t.Fatalf("a wait interrupted by signals ended with type %d, %v", r.typ, r.err)
			}
		case <-time.After(proctest.Deadline):
			t.Fatal("a receive did not take its message")
		}
	}
}

// threadsIn counts the threads of this process in system call nr now.
func threadsIn(nr uintptr) int {
	n := 0
	tasks, _ := filepath.Glob("/proc/self/task/*/syscall")
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err == nil && len(b) > 0 && string(b[:len(strconv.Itoa(int(nr)))+1]) == strconv.Itoa(int(nr))+" " {
			n++
		}
	}
	return n
}

// childChurn creates and removes the queue of key MSG_KEY as fast as it can until the
// parent says stop.
func childChurn() int {
	key, err := strconv.ParseUint(os.Getenv("MSG_KEY"), 0, 32)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	var stop atomic.Bool
	go func() {
		proctest.Hear()
		stop.Store(true)
	}()
	proctest.Say("churning")
	for !stop.Load() {
		q, err := msg.Create(shm.Key(key), 0o600)
		if errors.Is(err, fs.ErrExist) {
			q, err = msg.Get(shm.Key(key))
		}
		if err == nil {
			q.Remove()
		}
	}
	return 0
}

// Open creates the queue or opens the one that exists; when another process removes it
// between the two, Open must try again, not report that nothing exists.
func TestOpenUnderChurnAlwaysOpensSomething(t *testing.T) {
	key := freeKey(t)
	removeKeyAtEnd(t, key)
	c := proctest.Start(t, "churn", fmt.Sprintf("MSG_KEY=%#x", uint32(key)))
	c.Expect("churning")
	for i := range 20000 {
		q, err := msg.Open(key, 0o600)
		if err != nil {
			t.Fatalf("Open %d under churn: %v", i, err)
		}
		if q.Key() != key {
			t.Fatalf("Open %d: key %v", i, q.Key())
		}
	}
	c.Send("stop")
	c.WaitOK()
}
