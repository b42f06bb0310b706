// Command ntpshm writes and reads time samples through the NTP SHM reference clock
// segment that chronyd, ntpd and gpsd share: System V segment 0x4e545030 + unit
// ("NTP0"), holding one struct shmTime.
//
//	ntpshm write -unit 0 -interval 1s -offset 0 -n 0   # a reference clock for chronyd
//	ntpshm read -unit 0 -n 5                           # what a reference clock writes
//
// The writer's reference clock is the system clock plus -offset, so pointing chronyd at
// it (refclock SHM 0 in chrony.conf; it creates the segment at 0600) shows the offset
// in chronyc sources. Both commands open the segment if it exists and create it
// otherwise; one that created it removes it when it ends, one that found it leaves it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
)

const usage = `usage: ntpshm write [-unit 0] [-interval 1s] [-offset 0] [-n 0]
       ntpshm read  [-unit 0] [-n 5]`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	fl := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	unit := fl.Int("unit", 0, "SHM unit: the segment's key is 0x4e545030 + unit")
	n := fl.Int("n", 0, "samples to write or read; 0: until interrupted (write)")
	interval := fl.Duration("interval", time.Second, "write: time between samples")
	offset := fl.Duration("offset", 0, "write: the reference clock's offset from the system clock")
	fl.Parse(os.Args[2:])
	if *unit < 0 || *unit > 255 || *n < 0 || *interval <= 0 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "write":
		err = write(ctx, keyBase+shm.Key(*unit), *interval, *offset, *n)
	case "read":
		if *n == 0 {
			*n = 5
		}
		err = read(ctx, keyBase+shm.Key(*unit), *n, os.Stdout)
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "ntpshm:", err)
		cancel()
		os.Exit(1)
	}
}

// attach opens the segment of key, creating it if missing, and attaches it. done
// detaches it, and removes it if attach created it.
func attach(key shm.Key) (t *shmTime, done func(), err error) {
	size := int(sizeofShmTime)
	created := true
	seg, err := shm.Create(key, size, 0o600)
	if errors.Is(err, fs.ErrExist) {
		created = false
		seg, err = shm.Get(key)
	}
	if err != nil {
		return nil, nil, err
	}
	b, err := seg.Attach()
	if err != nil {
		return nil, nil, err
	}
	done = func() {
		shm.Detach(b)
		if created {
			seg.Remove()
		}
	}
	if t, err = shm.View[shmTime](b, 0); err != nil {
		done()
		return nil, nil, err
	}
	return t, done, nil
}

// write stores a sample every interval, n times (0: until ctx ends).
func write(ctx context.Context, key shm.Key, interval, offset time.Duration, n int) error {
	t, done, err := attach(key)
	if err != nil {
		return err
	}
	defer done()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; n == 0 || i < n; i++ {
		now := time.Now()
		t.store(now.Add(offset), now, -20)
		if n != 0 && i == n-1 {
			break
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// read prints each new valid sample until it has printed n. The NTP SHM protocol has
// no wake-up, so read polls the segment, as chronyd does.
func read(ctx context.Context, key shm.Key, n int, out io.Writer) error {
	t, done, err := attach(key)
	if err != nil {
		return err
	}
	defer done()
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for i := 0; i < n; {
		if s, ok := t.load(); ok {
			fmt.Fprintf(out, "count=%d clock=%s receive=%s offset=%v\n", s.count,
				s.clock.UTC().Format(time.RFC3339Nano), s.receive.UTC().Format(time.RFC3339Nano), s.clock.Sub(s.receive))
			i++
			continue
		}
		select {
		case <-poll.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
