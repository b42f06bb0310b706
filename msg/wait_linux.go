//go:build linux

package msg

import (
	"context"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/go-sysv/shm/internal/sysv"
	"golang.org/x/sys/unix"
)

// wait makes the call, waiting as long as ctx allows. msgsnd and msgrcv have no
// timeout, so:
//
//   - A first try with IPC_NOWAIT does the work whenever it can be done at once, and
//     then waiting costs nothing: no thread locked, no goroutine, no allocation.
//   - A context that is never done waits in the kernel, retrying EINTR: Go's runtime
//     signals its threads often (preemption, profiling), and msgsnd and msgrcv are
//     never restarted after a signal handler, whatever SA_RESTART says.
//   - Otherwise the waiting thread is locked, and a watcher interrupts it with SIGURG
//     (which the runtime takes for a preemption request, harmlessly) once ctx is done,
//     until the wait has ended; the call then returns EINTR and wait returns ctx.Err().
//     A call that succeeded before the signal keeps its result: nothing is lost.
//   - If the program ignores SIGURG (signal.Ignore), the signal would not interrupt the
//     call: then wait polls with IPC_NOWAIT at growing intervals (50µs to 10ms).
//
// Before each retry the handle's identity is checked again, as before the first try:
// while the call was out of the kernel the queue may have been removed and its id
// given to another. (While it waits in the kernel it cannot: removal wakes it, EIDRM.)
func (c *call) wait(ctx context.Context) (int, error) {
	n, err := c.try(ipcNowait)
	if !c.wouldWait(err) {
		return n, err
	}
	if ctx.Done() == nil {
		for {
			n, err = c.try(0)
			if err != syscall.EINTR {
				return n, err
			}
			if err := c.recheck(); err != nil {
				return 0, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if signal.Ignored(syscall.SIGURG) {
		return c.poll(ctx)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	stop := sysv.InterruptOnDone(ctx, unix.Gettid())
	defer stop()
	for {
		n, err = c.try(0)
		if err != syscall.EINTR {
			return n, err
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := c.recheck(); err != nil {
			return 0, err
		}
	}
}

// poll retries the call with IPC_NOWAIT until it need not wait or ctx is done.
func (c *call) poll(ctx context.Context) (int, error) {
	pause := 50 * time.Microsecond
	t := time.NewTimer(pause)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-t.C:
		}
		if err := c.recheck(); err != nil {
			return 0, err
		}
		n, err := c.try(ipcNowait)
		if !c.wouldWait(err) {
			return n, err
		}
		pause = min(2*pause, 10*time.Millisecond)
		t.Reset(pause)
	}
}
