//go:build linux

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/examples/internal/gpsdtest"
	"github.com/go-sysv/shm/internal/proctest"
)

// A reader started before a real gpsd, one started while it runs and one started after
// it has exited all read its NTP samples from unit 0, and none removes the segment: it
// keeps its id throughout. gpsd runs in private IPC and network namespaces (a child of
// this test in them), fed a fix every 100 ms over UDP, as a 10 Hz receiver would.
func TestReaderWithRealGpsd(t *testing.T) {
	gpsdtest.Require(t)
	c := proctest.StartWith(t, "realGpsd", gpsdtest.InNamespaces)
	for _, want := range []string{"before: 2 samples", "during: 2 samples", "after: 1 sample", "segment kept its id"} {
		c.Expect(want)
	}
	c.WaitOK()
}

// startReader runs read in this process, with its output on a channel of lines.
func startReader(ctx context.Context, n int, wait time.Duration) (<-chan string, <-chan error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := read(ctx, keyBase, n, wait, pw, io.Discard)
		pw.CloseWithError(err)
		done <- err
	}()
	ch := make(chan string)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			ch <- s.Text()
		}
		close(ch)
	}()
	return ch, done
}

// samples waits for n sample lines on ch and for the reader to end well.
func samples(ch <-chan string, done <-chan error, n int) error {
	timeout := time.After(gpsdtest.Deadline)
	for i := 0; i < n; i++ {
		select {
		case line, ok := <-ch:
			if !ok {
				return fmt.Errorf("the reader stopped after %d samples: %v", i, <-done)
			}
			if !sampleFromGpsd.MatchString(line) {
				return fmt.Errorf("the reader printed %q", line)
			}
		case <-timeout:
			return fmt.Errorf("%d samples of %d within %v", i, n, gpsdtest.Deadline)
		}
	}
	select {
	case err := <-done:
		return err
	case <-timeout:
		return errors.New("the reader did not end after its samples")
	}
}

// childRealGpsd runs in the private namespaces.
func childRealGpsd() int {
	if err := gpsdtest.LoopbackUp(); err != nil {
		return proctest.Fail("%v", err)
	}
	ctx := context.Background()
	before, beforeDone := startReader(ctx, 2, gpsdtest.Deadline) // no segment yet: it waits

	g, err := gpsdtest.Start()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer g.Stop()
	seg, err := shm.Get(keyBase) // gpsd, as root, makes units 0 to 7 at start
	if err != nil {
		return proctest.Fail("gpsd made no NTP0 segment: %v\n%s", err, g.Log())
	}
	stopFeed := make(chan struct{})
	fed := make(chan struct{})
	go func() { // a receiver sending a fix of the current time, at 10 Hz
		defer close(fed)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			now := time.Now().UTC().Truncate(10 * time.Millisecond)
			g.Send(gpsdtest.Fix{Time: now, Lat: 48.1173, Lon: 11.5167, AltMSL: 545.4, GeoidSep: 46.9, Knots: 1, Track: 10})
			select {
			case <-tick.C:
			case <-stopFeed:
				return
			}
		}
	}()
	if err := samples(before, beforeDone, 2); err != nil {
		return proctest.Fail("reader started before gpsd: %v\ngpsd's log:\n%s", err, g.Log())
	}
	proctest.Say("before: 2 samples")
	during, duringDone := startReader(ctx, 2, 0)
	if err := samples(during, duringDone, 2); err != nil {
		return proctest.Fail("reader started while gpsd ran: %v", err)
	}
	proctest.Say("during: 2 samples")
	close(stopFeed)
	<-fed
	if err := g.Stop(); err != nil {
		return proctest.Fail("%v", err)
	}
	after, afterDone := startReader(ctx, 1, 0) // gpsd's last sample stays valid
	if err := samples(after, afterDone, 1); err != nil {
		return proctest.Fail("reader started after gpsd exited: %v", err)
	}
	proctest.Say("after: 1 sample")
	now, err := shm.Get(keyBase)
	if err != nil || now.ID() != seg.ID() {
		return proctest.Fail("NTP0 was segment %d; now %v, %v", seg.ID(), now, err)
	}
	if info, err := now.Stat(); err != nil || info.Removed {
		return proctest.Fail("NTP0 is marked for removal: %+v, %v", info, err)
	}
	proctest.Say("segment kept its id")
	return 0
}
