// Command ring moves messages from a producer process to a consumer process through a
// ring (github.com/go-sysv/shm/ring) and prints how fast they went:
//
//	go run ./examples/ring                      # 1 million messages of 64 bytes
//	go run ./examples/ring -size 65536 -n 20000 # bigger ones
//
// The producer makes a private ring of 4 MiB, starts itself again as the consumer,
// passing the ring's id, sends -n messages of -size bytes, closes its end and removes
// the ring. The consumer receives until io.EOF, checks each message's sequence number,
// and prints messages/s and GB/s; so does the producer, for its side.
//
// The two halves can also run as separate commands, for a ring made by key elsewhere:
//
//	go run ./examples/ring -produce -key 0x7e7e0001 -n 100 -size 100 &
//	go run ./examples/ring -consume -key 0x7e7e0001
//
// -produce creates the ring and waits for room when it is full; -consume, started
// once the ring exists, removes it when it has read everything.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/ring"
)

// idEnv passes the ring's id to the consumer that the producer starts.
const idEnv = "EXAMPLE_RING_ID"

func main() {
	var (
		n       = flag.Int("n", 1_000_000, "messages to send")
		size    = flag.Int("size", 64, "bytes per message, at least 8 (a sequence number)")
		produce = flag.Bool("produce", false, "only produce, into a new ring of -key")
		consume = flag.Bool("consume", false, "only consume, from the ring of -key")
		keyFlag = flag.String("key", "", "the ring's key, for -produce and -consume")
	)
	flag.Parse()
	var err error
	switch {
	case os.Getenv(idEnv) != "":
		err = consumeID(os.Getenv(idEnv))
	case *consume:
		err = withKey(*keyFlag, func(key shm.Key) error {
			rg, err := ring.Open(key)
			if err != nil {
				return err
			}
			defer rg.Remove()
			return consumer(rg)
		})
	case *produce:
		err = withKey(*keyFlag, func(key shm.Key) error { return producer(key, *n, *size, false) })
	default:
		err = producer(shm.Private, *n, *size, true)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ring:", err)
		os.Exit(1)
	}
}

func withKey(s string, f func(shm.Key) error) error {
	k, err := strconv.ParseUint(s, 0, 32)
	if err != nil || k == 0 {
		return fmt.Errorf("-key %q: give a nonzero key, such as 0x7e7e0001", s)
	}
	return f(shm.Key(k))
}

// producer makes a ring, starts the consumer if asked to, and sends n messages.
func producer(key shm.Key, n, size int, startConsumer bool) error {
	if size < 8 || size > 1<<20 {
		return fmt.Errorf("-size %d: from 8 bytes to 1 MiB", size)
	}
	rg, err := ring.Create(key, 4<<20, 0o600)
	if err != nil {
		return err
	}
	defer rg.Close()
	if startConsumer {
		defer rg.Remove() // a consumer of a key removes it
	}
	w, err := rg.Writer()
	if err != nil {
		return err
	}
	defer w.Close()
	var consumer *exec.Cmd
	if startConsumer {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		consumer = exec.Command(self)
		consumer.Env = append(os.Environ(), fmt.Sprintf("%s=%d", idEnv, rg.ID()))
		consumer.Stdout, consumer.Stderr = os.Stdout, os.Stderr
		if err := consumer.Start(); err != nil {
			return err
		}
	}
	ctx := context.Background()
	msg := make([]byte, size)
	start := time.Now()
	for i := range n {
		binary.LittleEndian.PutUint64(msg, uint64(i))
		if err := w.Send(ctx, msg); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	report("producer", n, size, time.Since(start))
	if consumer != nil {
		return consumer.Wait()
	}
	return nil
}

func consumeID(s string) error {
	id, err := strconv.Atoi(s)
	if err != nil {
		return err
	}
	rg, err := ring.FromID(id)
	if err != nil {
		return err
	}
	return consumer(rg)
}

// consumer receives until the producer has closed and everything is read.
func consumer(rg *ring.Ring) error {
	defer rg.Close()
	r, err := rg.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	buf := make([]byte, rg.Capacity())
	var start time.Time
	count, size := 0, 0
	for {
		n, err := r.Recv(context.Background(), buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if count == 0 {
			start = time.Now() // from the first message: the producer may start later
		}
		if n < 8 || binary.LittleEndian.Uint64(buf) != uint64(count) {
			return errors.New("message out of order")
		}
		count, size = count+1, n
	}
	report("consumer", count, size, time.Since(start))
	return nil
}

func report(who string, n, size int, d time.Duration) {
	s := d.Seconds()
	fmt.Printf("%s: %d messages of %d bytes in %v: %.3g messages/s, %.2f GB/s\n",
		who, n, size, d.Round(time.Microsecond), float64(n)/s, float64(n)*float64(size)/s/1e9)
}
