//go:build linux

package bench_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm/internal/proctest"
)

func TestMain(m *testing.M) {
	proctest.Main(m, map[string]func() int{"peer": childPeer, "queuesink": childQueueSink, "ringpeer": childRingPeer, "hog": childHog, "idle": childIdle, "ringhold": childHoldWriter})
}

// childPeer is the other process of every benchmark. It opens the link, then obeys the
// commands on stdin: "stream N" receives N messages, checking the first byte of each;
// "echo N" sends back each of N messages. It says "done" after each.
func childPeer() int {
	l, size, err := childLink()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	buf := make([]byte, size)
	for {
		verb, arg, _ := strings.Cut(proctest.Hear(), " ")
		n, _ := strconv.Atoi(arg)
		switch verb {
		case "":
			return 0
		case "stream":
			for i := range n {
				if err := l.recv(buf); err != nil {
					return proctest.Fail("recv: %v", err)
				}
				if buf[0] != byte(i) {
					return proctest.Fail("message %d starts with %d", i, buf[0])
				}
			}
		case "echo":
			for range n {
				if err := l.recv(buf); err != nil {
					return proctest.Fail("recv: %v", err)
				}
				if err := l.send(buf); err != nil {
					return proctest.Fail("send: %v", err)
				}
			}
		default:
			return proctest.Fail("unknown command %q", verb)
		}
		proctest.Say("done")
	}
}

// startPeer makes a link of kind and starts the child at its other end.
func startPeer(b *testing.B, kind string, size int) (link, *proctest.Child) {
	l, env, files := newLink(b, kind, size)
	c := proctest.StartWith(b, "peer", func(cmd *exec.Cmd) { cmd.ExtraFiles = files }, env...)
	for _, f := range files {
		f.Close() // the child has them now
	}
	return l, c
}

const streamBytes = 256 << 20

var kinds = []string{shmSem, shmSpin, pipe, unixSock, tcp}

// BenchmarkStream moves 256 MiB per op from this process to the child, in messages of
// 4 KiB, 64 KiB and 1 MiB, through each kind of link; "copy" is the floor: the same
// bytes copied twice (into a buffer and out of it) in one process.
func BenchmarkStream(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10, 1 << 20} {
		name := fmt.Sprintf("%dKiB", size>>10)
		b.Run(name+"/copy", func(b *testing.B) {
			src, mid, dst := bytes.Repeat([]byte{1}, size), make([]byte, size), make([]byte, size)
			b.SetBytes(streamBytes)
			b.ReportAllocs()
			for b.Loop() {
				for range streamBytes / size {
					copy(mid, src)
					copy(dst, mid)
				}
			}
		})
		for _, kind := range kinds {
			b.Run(name+"/"+kind, func(b *testing.B) {
				l, c := startPeer(b, kind, size)
				msg := make([]byte, size)
				perOp := streamBytes / size
				b.SetBytes(streamBytes)
				b.ReportAllocs()
				b.ResetTimer()
				c.Send(fmt.Sprintf("stream %d", b.N*perOp))
				for i := range b.N * perOp {
					msg[0] = byte(i)
					if err := l.send(msg); err != nil {
						b.Fatal(err)
					}
				}
				c.Expect("done")
				b.StopTimer()
				c.Send("")
				c.WaitOK()
			})
		}
	}
}

// BenchmarkRoundTrip sends 64 bytes to the child and waits for them to come back.
func BenchmarkRoundTrip(b *testing.B) {
	for _, kind := range []string{shmSem, shmSpin, pipe, unixSock} {
		b.Run(kind, func(b *testing.B) {
			l, c := startPeer(b, kind, 64)
			msg := make([]byte, 64)
			b.ReportAllocs()
			b.ResetTimer()
			c.Send(fmt.Sprintf("echo %d", b.N))
			for i := range b.N {
				msg[0] = byte(i)
				if err := l.send(msg); err != nil {
					b.Fatal(err)
				}
				if err := l.recv(msg); err != nil {
					b.Fatal(err)
				}
				if msg[0] != byte(i) {
					b.Fatalf("round trip %d came back as %d", i, msg[0])
				}
			}
			c.Expect("done")
			b.StopTimer()
			c.Send("")
			c.WaitOK()
		})
	}
}
