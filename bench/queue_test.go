//go:build linux

package bench_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/msg"
	shmring "github.com/go-sysv/shm/ring"
	"golang.org/x/sys/unix"
)

// childQueueSink is the other process of BenchmarkQueue. It takes the queue MSG_ID, the
// reading end of the ring RING_ID and the read end of a pipe (fd 3), then obeys the
// commands on stdin: "queue N SIZE" receives N messages of SIZE bytes from the queue,
// "ring N SIZE" from the ring, "pipe N SIZE" reads N messages of SIZE bytes from the
// pipe; it says "done" after each.
func childQueueSink() int {
	id, err := strconv.Atoi(os.Getenv("MSG_ID"))
	if err != nil {
		return proctest.Fail("%v", err)
	}
	q, err := msg.FromID(id)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	rid, err := strconv.Atoi(os.Getenv("RING_ID"))
	if err != nil {
		return proctest.Fail("%v", err)
	}
	rg, err := shmring.FromID(rid)
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer rg.Close()
	rr, err := rg.Reader()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer rr.Close()
	p := os.NewFile(3, "pipe")
	buf := make([]byte, 8192)
	ctx := context.Background()
	for {
		f := strings.Fields(proctest.Hear())
		if len(f) == 0 {
			return 0
		}
		n, _ := strconv.Atoi(f[1])
		size, _ := strconv.Atoi(f[2])
		for i := range n {
			switch f[0] {
			case "queue":
				got, _, err := q.Recv(ctx, 0, buf)
				if err != nil || got != size || buf[0] != byte(i) {
					return proctest.Fail("message %d: %d bytes starting %d, %v", i, got, buf[0], err)
				}
			case "ring":
				got, err := rr.Recv(ctx, buf)
				if err != nil || got != size || buf[0] != byte(i) {
					return proctest.Fail("message %d: %d bytes starting %d, %v", i, got, buf[0], err)
				}
			case "pipe":
				if _, err := io.ReadFull(p, buf[:size]); err != nil || buf[0] != byte(i) {
					return proctest.Fail("message %d: starting %d, %v", i, buf[0], err)
				}
			default:
				return proctest.Fail("unknown command %q", f[0])
			}
		}
		proctest.Say("done")
	}
}

// BenchmarkQueue streams messages of 64 bytes and 4 KiB to another process through a
// message queue, through a blocking pipe of 1 MiB (F_SETPIPE_SZ) and through a ring of
// 4 MiB, in one run whose rounds alternate between the three, so that all see the same
// machine. The metrics are per message, sent here and received there: queue-ns/msg,
// pipe-ns/msg, ring-ns/msg, the queue's ratios to the other two, and the queue side's
// allocations per message in this process.
func BenchmarkQueue(b *testing.B) {
	for _, size := range []int{64, 4096} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			q, err := msg.Create(shm.Private, 0o600)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { q.Remove() })
			r, w, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, 1<<20); err != nil {
				b.Fatal(err)
			}
			rg, err := shmring.Create(shm.Private, 4<<20, 0o600)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rg.Remove(); rg.Close() })
			rw, err := rg.Writer()
			if err != nil {
				b.Fatal(err)
			}
			c := proctest.StartWith(b, "queuesink", func(cmd *exec.Cmd) { cmd.ExtraFiles = []*os.File{r} },
				fmt.Sprintf("MSG_ID=%d", q.ID()), fmt.Sprintf("RING_ID=%d", rg.ID()))
			r.Close()

			ctx := context.Background()
			body := make([]byte, size)
			variants := map[string]func(i int) error{
				"queue": func(i int) error { body[0] = byte(i); return q.Send(ctx, 1, body) },
				"pipe":  func(i int) error { body[0] = byte(i); _, err := w.Write(body); return err },
				"ring":  func(i int) error { body[0] = byte(i); return rw.Send(ctx, body) },
			}
			const rounds = 10
			per := max(b.N/rounds, 1)
			spent := map[string]time.Duration{}
			var queueAllocs uint64
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for round := range rounds {
				order := []string{"queue", "pipe", "ring"}
				k := round % len(order) // rotate the order each round
				order = append(order[k:], order[:k]...)
				for _, name := range order {
					cmd := fmt.Sprintf("%s %d %d", name, per, size)
					send := variants[name]
					var before, after runtime.MemStats
					start := time.Now()
					c.Send(cmd)
					if name == "queue" {
						runtime.ReadMemStats(&before) // a stop of the world, but short against a round
					}
					for i := range per {
						if err := send(i); err != nil {
							b.Fatal(err)
						}
					}
					if name == "queue" {
						runtime.ReadMemStats(&after)
						queueAllocs += after.Mallocs - before.Mallocs
					}
					c.Expect("done")
					spent[name] += time.Since(start)
				}
			}
			b.StopTimer()
			msgs := float64(rounds * per)
			queueNs, pipeNs := float64(spent["queue"].Nanoseconds())/msgs, float64(spent["pipe"].Nanoseconds())/msgs
			ringNs := float64(spent["ring"].Nanoseconds()) / msgs
			b.ReportMetric(queueNs, "queue-ns/msg")
			b.ReportMetric(pipeNs, "pipe-ns/msg")
			b.ReportMetric(ringNs, "ring-ns/msg")
			b.ReportMetric(queueNs/pipeNs, "queue/pipe")
			b.ReportMetric(queueNs/ringNs, "queue/ring")
			b.ReportMetric(float64(queueAllocs)/msgs, "queue-allocs/msg")
			rw.Close()
			c.Send("")
			c.WaitOK()
		})
	}
}
