//go:build linux

package msg_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/msg"
)

// BenchmarkSendRecv sends a message and takes it back in one process, so that neither
// call waits: the cost of Send and Recv themselves ("msg"), beside the bare msgsnd and
// msgrcv system calls ("raw"). The difference is the handle's identity check.
func BenchmarkSendRecv(b *testing.B) {
	for _, size := range []int{64, 4096} {
		q := newQueue(b, shm.Private, 0o600)
		b.Run(fmt.Sprintf("%dB/msg", size), func(b *testing.B) {
			ctx := context.Background()
			body, buf := make([]byte, size), make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := q.Send(ctx, 1, body); err != nil {
					b.Fatal(err)
				}
				if _, _, err := q.Recv(ctx, 0, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%dB/raw", size), func(b *testing.B) {
			buf := make([]byte, 8+size) // a C long of at most 8 bytes, then the body
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := msg.RawSendRecv(q, buf[8-longSize():]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// longSize is the size of a C long: a Go int on Linux.
func longSize() int { return strconv.IntSize / 8 }
