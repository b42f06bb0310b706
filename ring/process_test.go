package ring_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/ring"
)

// children are the parts a re-executed test binary plays. Each opens the ring whose id
// is in RING_ID.
var children = map[string]func() int{
	"send":  childSend,
	"recv":  childRecv,
	"stall": childStall,
	"hold":  childHold,
	"peek":  childPeek,
}

func childRing() (*ring.Ring, error) {
	id, err := strconv.Atoi(os.Getenv("RING_ID"))
	if err != nil {
		return nil, err
	}
	return ring.FromID(id)
}

// sizesFor is testSizes cut to what fits in a ring of capacity bytes, and capacity.
func sizesFor(capacity int) []int {
	var sizes []int
	for _, s := range testSizes {
		if s < capacity {
			sizes = append(sizes, s)
		}
	}
	return append(sizes, capacity)
}

// childSend sends RING_COUNT test messages, closes its end and says "sent".
func childSend() int {
	rg, err := childRing()
	if err != nil {
		return proctest.Fail("open: %v", err)
	}
	w, err := rg.Writer()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	count, _ := strconv.Atoi(os.Getenv("RING_COUNT"))
	sizes := sizesFor(rg.Capacity())
	for i := range count {
		if err := w.Send(context.Background(), message(i, sizes)); err != nil {
			return proctest.Fail("send %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("sent")
	return 0
}

// childRecv claims the reader and says "ready", then receives test messages until
// io.EOF, checking each, and says how many.
func childRecv() int {
	rg, err := childRing()
	if err != nil {
		return proctest.Fail("open: %v", err)
	}
	r, err := rg.Reader()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("ready")
	sizes := sizesFor(rg.Capacity())
	buf := make([]byte, rg.Capacity())
	for i := 0; ; i++ {
		n, err := r.Recv(context.Background(), buf)
		if err == io.EOF {
			proctest.Say("got %d", i)
			return 0
		}
		if err != nil {
			return proctest.Fail("recv %d: %v", i, err)
		}
		if want := message(i, sizes); !bytes.Equal(buf[:n], want) {
			return proctest.Fail("message %d: %d bytes, want %d or other bytes", i, n, len(want))
		}
	}
}

// childStall sends one short message, says "stalling", then sends a message as long
// as the ring, which cannot all fit: it stops in the middle of it until killed.
func childStall() int {
	rg, err := childRing()
	if err != nil {
		return proctest.Fail("open: %v", err)
	}
	w, err := rg.Writer()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	if err := w.Send(context.Background(), []byte("whole")); err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("stalling")
	err = w.Send(context.Background(), message(1, []int{rg.Capacity()}))
	return proctest.Fail("the long message should never have gone: %v", err)
}

// childHold claims the end RING_END names, says "held", and waits for the parent to
// hang up.
func childHold() int {
	rg, err := childRing()
	if err != nil {
		return proctest.Fail("open: %v", err)
	}
	if os.Getenv("RING_END") == "reader" {
		_, err = rg.Reader()
	} else {
		_, err = rg.Writer()
	}
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("held")
	proctest.Hear()
	return 0
}

// childPeek claims the reader, peeks at the first message, says "peeked" and what it
// holds, and waits, holding it, for the parent to hang up.
func childPeek() int {
	rg, err := childRing()
	if err != nil {
		return proctest.Fail("open: %v", err)
	}
	r, err := rg.Reader()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	p, err := r.Peek(context.Background())
	if err != nil {
		return proctest.Fail("%v", err)
	}
	proctest.Say("peeked %s", p)
	proctest.Hear()
	return 0
}

func ringEnv(rg *ring.Ring, extra ...string) []string {
	return append([]string{fmt.Sprintf("RING_ID=%d", rg.ID())}, extra...)
}

// Messages of every size cross between processes intact and in order, both ways, and
// the reader sees io.EOF after the writer's Close.
func TestAcrossProcesses(t *testing.T) {
	for _, capacity := range []int{4 << 10, 1 << 20} {
		rg := newRing(t, capacity)
		c := proctest.Start(t, "send", ringEnv(rg, "RING_COUNT=500")...)
		r, err := rg.Reader()
		if err != nil {
			t.Fatal(err)
		}
		sizes, buf := sizesFor(capacity), make([]byte, capacity)
		for i := range 500 {
			n, err := r.Recv(context.Background(), buf)
			if err != nil {
				t.Fatalf("capacity %d: Recv %d: %v\nchild stderr:\n%s", capacity, i, err, c.Stderr())
			}
			if want := message(i, sizes); !bytes.Equal(buf[:n], want) {
				t.Fatalf("capacity %d: message %d: %d bytes, want %d or other bytes", capacity, i, n, len(want))
			}
		}
		if _, err := r.Recv(context.Background(), buf); err != io.EOF {
			t.Fatalf("capacity %d: after the last message: %v, want io.EOF", capacity, err)
		}
		c.Expect("sent")
		c.WaitOK()
		r.Close()

		// The writer first, or the reader would find the first writer's end closed
		// (io.EOF); then the reader, or the writer would find the first reader's
		// end closed, once the ring is full.
		w, err := rg.Writer()
		if err != nil {
			t.Fatal(err)
		}
		c = proctest.Start(t, "recv", ringEnv(rg)...)
		c.Expect("ready")
		for i := range 500 {
			if err := w.Send(context.Background(), message(i, sizes)); err != nil {
				t.Fatalf("capacity %d: Send %d: %v\nchild stderr:\n%s", capacity, i, err, c.Stderr())
			}
		}
		w.Close()
		c.Expect("got 500")
		c.WaitOK()
	}
}

// A writer killed in the middle of a message: the reader gets every message it
// finished, never part of the one it did not, and then an error.
func TestWriterKilledMidMessage(t *testing.T) {
	rg := newRing(t, 64<<10)
	c := proctest.Start(t, "stall", ringEnv(rg)...)
	c.Expect("stalling")
	proctest.Poll(t, "the writer to stop in the middle of a message", rg.WriterAsleep)
	c.Signal(syscall.SIGKILL)
	c.Wait()

	r, err := rg.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, rg.Capacity())
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	if n, err := r.Recv(ctx, buf); err != nil || string(buf[:n]) != "whole" {
		t.Fatalf("first Recv = %q, %v; want the message sent whole", buf[:n], err)
	}
	n, err := r.Recv(ctx, buf)
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, syscall.EOWNERDEAD) {
		t.Fatalf("Recv after the writer died = %d bytes, %v; want io.ErrUnexpectedEOF and EOWNERDEAD", n, err)
	}
	t.Log(err)

	// A new writer takes the dead one's end; what it sends arrives, the pieces left
	// before it do not.
	w, err := rg.Writer()
	if err != nil {
		t.Fatalf("Writer after the holder died: %v", err)
	}
	defer w.Close()
	if err := w.Send(ctx, []byte("after")); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Recv(ctx, buf); err != nil || string(buf[:n]) != "after" {
		t.Fatalf("Recv from the new writer = %q, %v", buf[:n], err)
	}
}

// A reader asleep on an empty ring learns that its writer died (SIGKILL) without
// waiting forever. The time it takes is logged: the package promises about 40 ms.
func TestWriterKilledWhileReaderSleeps(t *testing.T) {
	rg := newRing(t, 4<<10)
	c := proctest.Start(t, "hold", ringEnv(rg, "RING_END=writer")...)
	c.Expect("held")
	r, err := rg.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := r.Recv(ctx, make([]byte, 64)); done <- err }()
	proctest.Poll(t, "the reader to sleep", rg.ReaderAsleep)
	c.Signal(syscall.SIGKILL)
	killed := time.Now()
	err = <-done
	t.Logf("the reader noticed the writer's death after %v: %v", time.Since(killed), err)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Recv: %v; want io.ErrUnexpectedEOF", err)
	}
}

// A reader killed while it holds a peeked message: the writer's Send, asleep on the
// full ring, fails; a new reader gets the peeked message, which was not consumed.
func TestReaderKilled(t *testing.T) {
	rg := newRing(t, 4<<10)
	w, err := rg.Writer()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Send(context.Background(), []byte("first")); err != nil {
		t.Fatal(err)
	}
	c := proctest.Start(t, "peek", ringEnv(rg)...)
	c.Expect("peeked first")
	fill(t, w, 500)
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Send(ctx, make([]byte, 500)) }()
	proctest.Poll(t, "the writer to sleep", rg.WriterAsleep)
	c.Signal(syscall.SIGKILL)
	killed := time.Now()
	err = <-done
	t.Logf("the writer noticed the reader's death after %v: %v", time.Since(killed), err)
	if !errors.Is(err, io.ErrClosedPipe) || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("Send: %v; want io.ErrClosedPipe and EPIPE", err)
	}
	r, err := rg.Reader()
	if err != nil {
		t.Fatalf("Reader after the holder died: %v", err)
	}
	defer r.Close()
	buf := make([]byte, 64)
	if n, err := r.Recv(ctx, buf); err != nil || string(buf[:n]) != "first" {
		t.Fatalf("the new reader's first message = %q, %v; want the one peeked", buf[:n], err)
	}
}

// An end that a live process holds cannot be claimed; once that process is killed, it
// can.
func TestClaimHeldElsewhere(t *testing.T) {
	for _, end := range []string{"writer", "reader"} {
		rg := newRing(t, 1<<10)
		claim := rg.Writer
		if end == "reader" {
			claim = func() (*ring.Writer, error) {
				r, err := rg.Reader()
				if err != nil {
					return nil, err
				}
				r.Close()
				return nil, nil
			}
		}
		c := proctest.Start(t, "hold", ringEnv(rg, "RING_END="+end)...)
		c.Expect("held")
		if _, err := claim(); !errors.Is(err, syscall.EBUSY) {
			t.Fatalf("%s held by a live process: %v; want EBUSY", end, err)
		}
		c.Signal(syscall.SIGKILL)
		c.Wait()
		w, err := claim()
		if err != nil {
			t.Fatalf("%s after its holder was killed: %v", end, err)
		}
		if w != nil {
			w.Close()
		}
	}
}

// A record whose start time is not its pid's (the pid was given to a new process) has
// no live holder: the end can be claimed.
func TestReusedPID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("start times are read from /proc")
	}
	rg := newRing(t, 1<<10)
	c := proctest.Start(t, "hold", ringEnv(rg, "RING_END=writer")...)
	c.Expect("held")
	if _, err := rg.Writer(); !errors.Is(err, syscall.EBUSY) {
		t.Fatalf("Writer with a live holder: %v; want EBUSY", err)
	}
	lo := rg.Mem()[ring.OffWriter+8:]
	binary.LittleEndian.PutUint32(lo, binary.LittleEndian.Uint32(lo)+1)
	w, err := rg.Writer()
	if err != nil {
		t.Fatalf("Writer over a holder whose pid names another process now: %v", err)
	}
	w.Close()
}

// A writer killed in the middle of a message and replaced before the reader noticed:
// the reader drops the dead writer's pieces and gets the new writer's message.
func TestWriterReplacedMidMessage(t *testing.T) {
	rg := newRing(t, 64<<10)
	c := proctest.Start(t, "stall", ringEnv(rg)...)
	c.Expect("stalling")
	proctest.Poll(t, "the writer to stop in the middle of a message", rg.WriterAsleep)
	c.Signal(syscall.SIGKILL)
	c.Wait()
	w, err := rg.Writer()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	sent := make(chan error, 1)
	go func() { sent <- w.Send(ctx, []byte("after")) }() // waits for room

	r, err := rg.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, rg.Capacity())
	for _, want := range []string{"whole", "after"} {
		if n, err := r.Recv(ctx, buf); err != nil || string(buf[:n]) != want {
			t.Fatalf("Recv = %d bytes %.10q, %v; want %q", n, buf[:n], err, want)
		}
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}
