//go:build linux

package sysv

import (
	"context"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// InterruptOnDone starts a watcher that, once ctx is done, sends SIGURG to thread tid
// (the caller's, locked to its goroutine) until the returned stop function is called;
// stop waits for the watcher to end. A system call that waits in the kernel (semop,
// msgsnd, msgrcv) returns EINTR on the signal, which the Go runtime ignores otherwise.
// The signal is sent again with a growing pause because it can arrive just before the
// thread enters the system call.
func InterruptOnDone(ctx context.Context, tid int) (stop func()) {
	quit, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		select {
		case <-quit:
			return
		case <-ctx.Done():
		}
		pid := os.Getpid()
		pause := 50 * time.Microsecond
		t := time.NewTimer(0)
		defer t.Stop()
		for {
			unix.Tgkill(pid, tid, syscall.SIGURG)
			t.Reset(pause)
			select {
			case <-quit:
				return
			case <-t.C:
			}
			pause = min(2*pause, 10*time.Millisecond)
		}
	}()
	return func() {
		close(quit)
		<-ended
	}
}
