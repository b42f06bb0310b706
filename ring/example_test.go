//go:build linux

package ring_test

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/ring"
)

// A writer and a reader; here in one process, usually in two, the second opening the
// ring with ring.Open(key) or ring.FromID(id).
func Example() {
	rg, err := ring.Create(shm.Private, 64<<10, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer rg.Close()
	defer rg.Remove()

	w, err := rg.Writer()
	if err != nil {
		log.Fatal(err)
	}
	r, err := rg.Reader()
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	ctx := context.Background()
	for _, msg := range []string{"hello", "world"} {
		if err := w.Send(ctx, []byte(msg)); err != nil {
			log.Fatal(err)
		}
	}
	w.Close()

	buf := make([]byte, 1024)
	for {
		n, err := r.Recv(ctx, buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(buf[:n]))
	}
	// Output:
	// hello
	// world
}

// Building a message in the ring itself, and using it there.
func ExampleWriter_Reserve() {
	rg, err := ring.Create(shm.Private, 64<<10, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer rg.Close()
	defer rg.Remove()
	w, _ := rg.Writer()
	defer w.Close()
	r, _ := rg.Reader()
	defer r.Close()

	ctx := context.Background()
	b, err := w.Reserve(ctx, 64)
	if err != nil {
		log.Fatal(err)
	}
	n := copy(b, "built in place")
	if err := w.Commit(n); err != nil {
		log.Fatal(err)
	}

	p, err := r.Peek(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(p))
	r.Release()
	// Output: built in place
}

// Sending without waiting: a full ring is not an error, it reports false, as sem's and
// msg's Try calls do.
func ExampleWriter_TrySend() {
	rg, err := ring.Create(shm.Private, ring.MinCapacity, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer rg.Close()
	defer rg.Remove()
	w, _ := rg.Writer()
	defer w.Close()
	r, _ := rg.Reader()
	defer r.Close()

	sent := 0
	for {
		ok, err := w.TrySend(make([]byte, 100))
		if err != nil {
			log.Fatal(err)
		}
		if !ok {
			break // full: do something else, or Send to wait for room
		}
		sent++
	}
	received := 0
	buf := make([]byte, 100)
	for {
		_, ok, err := r.TryRecv(buf)
		if err != nil {
			log.Fatal(err)
		}
		if !ok {
			break // empty
		}
		received++
	}
	fmt.Println(sent, "sent and", received, "received before the ring was full, then empty")
	// Output: 9 sent and 9 received before the ring was full, then empty
}
