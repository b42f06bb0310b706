//go:build linux

package msg_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/msg"
)

// A queue of private key, a message sent and received: the package's first example.
func Example() {
	q, err := msg.Create(shm.Private, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Remove()

	ctx := context.Background()
	if err := q.Send(ctx, 1, []byte("hello")); err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 8192)
	n, typ, err := q.Recv(ctx, 0, buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("type %d: %s\n", typ, buf[:n])
	// Output: type 1: hello
}

// A negative type takes the lowest type first: the queue is a priority queue.
func ExampleQueue_Recv_priority() {
	q, err := msg.Create(shm.Private, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Remove()
	ctx := context.Background()
	for _, m := range []struct {
		prio int64
		text string
	}{{3, "low"}, {1, "urgent"}, {2, "normal"}, {1, "urgent too"}} {
		if err := q.Send(ctx, m.prio, []byte(m.text)); err != nil {
			log.Fatal(err)
		}
	}
	buf := make([]byte, 100)
	for range 4 {
		n, prio, err := q.Recv(ctx, -3, buf)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(prio, string(buf[:n]))
	}
	// Output:
	// 1 urgent
	// 1 urgent too
	// 2 normal
	// 3 low
}

// A message longer than the buffer stays in the queue, and the error says how long it
// is; NoError takes it truncated.
func ExampleNoError() {
	q, err := msg.Create(shm.Private, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Remove()
	if _, err := q.TrySend(1, []byte("a long message")); err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 6)
	_, _, err = q.TryRecv(0, buf)
	fmt.Println(errors.Is(err, syscall.E2BIG))
	n, _, err := q.TryRecv(0, buf, msg.NoError)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", buf[:n])
	// Output:
	// true
	// a long
}

// TryRecv does not wait: on an empty queue it returns type 0.
func ExampleQueue_TryRecv() {
	q, err := msg.Create(shm.Private, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Remove()
	n, typ, err := q.TryRecv(0, make([]byte, 100))
	fmt.Println(n, typ, err)
	// Output: 0 0 <nil>
}

// A receive gives up when its context ends: here a deadline on an empty queue.
func ExampleQueue_Recv_deadline() {
	q, err := msg.Create(shm.Private, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Remove()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, _, err = q.Recv(ctx, 0, make([]byte, 100))
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output: true
}
