// Command ntpshm writes and reads time samples through the NTP SHM reference clock
// segment that chronyd, ntpd and gpsd share: System V segment 0x4e545030 + unit
// ("NTP0"), holding one struct shmTime (96 bytes as 64-bit Linux lays it out, 80 as
// 32-bit Linux does: read tells them apart by the segment's size, so a 32-bit reader
// reads a 64-bit gpsd's samples; write makes the layout of the machine it is built for).
//
//	ntpshm write -unit 0 -interval 1s -offset 0 -n 0   # a reference clock for chronyd
//	ntpshm read -unit 0 -n 5 -wait 1m                  # what a reference clock writes
//
// read only watches. It never creates the segment and never removes it: it waits (up to
// -wait) for one to appear, attaches it read-only, prints each new sample that passes
// chrony's checks, and if the segment is removed while it watches, waits for the next
// one. Because it does not clear the sample's valid flag, chronyd or ntpd reading the
// same unit still get every sample.
//
// write is a reference clock: the system clock plus -offset, so pointing chronyd at it
// (refclock SHM 0 in chrony.conf; chronyd creates the segment at 0600) shows the offset
// in chronyc sources. It uses the segment it finds, or creates one; it removes the
// segment when it ends only if it created it.
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

const usage = `usage: ntpshm read  [-unit 0] [-n 5] [-wait 1m]
       ntpshm write [-unit 0] [-n 0] [-interval 1s] [-offset 0]

read prints the samples a reference clock writes to NTP SHM unit -unit; it never
creates or removes the segment. write writes the system clock plus -offset to it.
"ntpshm read -h" and "ntpshm write -h" list each command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments (without the program name); it returns the
// exit status: 0, 1 when the work failed, 2 for a bad command line.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "read", "write":
	default:
		fmt.Fprintf(stderr, "ntpshm: unknown command %q: the commands are read and write\n%s", args[0], usage)
		return 2
	}
	cmd := args[0]
	fl := flag.NewFlagSet("ntpshm "+cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	unit := fl.Int("unit", 0, "NTP SHM `unit`, 0 to 255: the segment's key is 0x4e545030 + unit")
	var (
		n        *int
		wait     *time.Duration
		interval *time.Duration
		offset   *time.Duration
	)
	if cmd == "read" {
		n = fl.Int("n", 5, "`samples` to print before exiting; 0: until interrupted")
		wait = fl.Duration("wait", time.Minute, "how long to wait for the segment to appear (0: fail at once if it is missing)")
	} else {
		n = fl.Int("n", 0, "`samples` to write before exiting; 0: until interrupted")
		interval = fl.Duration("interval", time.Second, "time between samples")
		offset = fl.Duration("offset", 0, "the reference clock's offset from the system clock")
	}
	fl.Usage = func() {
		fmt.Fprintf(fl.Output(), "usage: ntpshm %s [flags]\n", cmd)
		fl.PrintDefaults()
	}
	switch err := fl.Parse(args[1:]); {
	case errors.Is(err, flag.ErrHelp):
		fl.SetOutput(stdout)
		fl.Usage()
		return 0
	case err != nil:
		return 2 // the flag package has said which flag and why
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "ntpshm %s: "+format+"\n", append([]any{cmd}, args...)...)
		return 2
	}
	switch {
	case fl.NArg() > 0:
		return bad("unexpected argument %q: %s takes only flags", fl.Arg(0), cmd)
	case *unit < 0 || *unit > 255:
		return bad("-unit %d: units are 0 to 255", *unit)
	case *n < 0:
		return bad("-n %d: a number of samples cannot be negative", *n)
	case wait != nil && *wait < 0:
		return bad("-wait %v: a wait cannot be negative", *wait)
	case interval != nil && *interval <= 0:
		return bad("-interval %v: the time between samples must be positive", *interval)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	key := keyBase + shm.Key(*unit)
	var err error
	if cmd == "read" {
		err = read(ctx, key, *n, *wait, stdout, stderr)
	} else {
		err = write(ctx, key, *interval, *offset, *n)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "ntpshm %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// open finds the segment of key, or creates it, and attaches it for writing. done
// detaches it, and removes it only if open created it: a segment that chronyd or ntpd
// made belongs to them.
func open(key shm.Key) (t shmTime, done func() error, err error) {
	for range 10 { // each retry means the segment went away between Create and Get
		created := true
		seg, err := shm.Create(key, nativeSize, 0o600)
		if errors.Is(err, fs.ErrExist) {
			created = false
			seg, err = shm.Get(key)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		if err != nil {
			return nil, nil, err
		}
		b, err := seg.Attach()
		if err != nil {
			if created {
				seg.Remove()
			}
			return nil, nil, err
		}
		done = func() error {
			err := shm.Detach(b)
			if created {
				err = errors.Join(err, seg.Remove())
			}
			return err
		}
		if t, err = viewShmTime(b); err != nil {
			return nil, nil, errors.Join(fmt.Errorf("%v: %w", seg, err), done())
		}
		return t, done, nil
	}
	return nil, nil, fmt.Errorf("the segment of key %v keeps appearing and disappearing", key)
}

// write stores a sample every interval, n times (0: until ctx ends).
func write(ctx context.Context, key shm.Key, interval, offset time.Duration, n int) (err error) {
	t, done, err := open(key)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, done()) }()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; n == 0 || i < n; i++ {
		now := time.Now()
		store(t, now.Add(offset), now, -20)
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

// Timing of read. The NTP SHM protocol has no wake-up, so a reader polls, as chronyd
// does (once a second by default); pollEvery is finer so that no sample of a fast writer
// is missed. checkEvery is how often it asks the kernel whether the segment is still
// there.
const (
	pollEvery  = 5 * time.Millisecond
	checkEvery = 200 * time.Millisecond
)

// errRemoved is returned by watch when the segment is removed while read watches it.
var errRemoved = errors.New("the segment was removed")

// read prints each new sample of the segment of key until it has printed n (0: until
// ctx ends). It waits up to wait for the segment to appear, and again, as long, each
// time the segment it watches is removed. It reports its waiting to log.
func read(ctx context.Context, key shm.Key, n int, wait time.Duration, out, log io.Writer) error {
	var last sample
	printed := 0
	for {
		seg, err := await(ctx, key, wait, log)
		if err != nil {
			return err
		}
		b, err := seg.Attach(shm.ReadOnly)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed between Get and Attach
		}
		if err != nil {
			return err
		}
		t, err := viewShmTime(b)
		if err != nil {
			shm.Detach(b)
			return fmt.Errorf("%v: %w", seg, err)
		}
		fmt.Fprintf(log, "ntpshm read: watching %v\n", seg)
		err = watch(ctx, seg, t, n, &printed, &last, out)
		shm.Detach(b)
		if !errors.Is(err, errRemoved) {
			return err
		}
		fmt.Fprintf(log, "ntpshm read: %v was removed; waiting for a new one\n", seg)
	}
}

// await polls for the segment of key until it exists, for at most wait.
func await(ctx context.Context, key shm.Key, wait time.Duration, log io.Writer) (*shm.Segment, error) {
	deadline := time.Now().Add(wait)
	said := false
	for {
		seg, err := shm.Get(key)
		if err == nil {
			return seg, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err // permission denied, say: waiting will not help
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("no segment at key %v (unit %d) after waiting %v: start the writer (gpsd, chronyd with refclock SHM, ntpshm write) first, or wait longer with -wait",
				key, int(key-keyBase), wait)
		}
		if !said {
			fmt.Fprintf(log, "ntpshm read: waiting up to %v for a segment at key %v\n", wait, key)
			said = true
		}
		select {
		case <-time.After(10 * pollEvery):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// watch prints each new sample of t until printed reaches n, ctx ends, or seg is
// removed. A sample is new if it differs from last, the one printed before.
func watch(ctx context.Context, seg *shm.Segment, t shmTime, n int, printed *int, last *sample, out io.Writer) error {
	poll := time.NewTicker(pollEvery)
	defer poll.Stop()
	nextCheck := time.Now().Add(checkEvery)
	for n == 0 || *printed < n {
		if s, err := load(t); err == nil && s != *last {
			fmt.Fprintf(out, "mode=%d count=%d clock=%s receive=%s offset=%v\n", s.mode, s.count,
				s.clock.UTC().Format(time.RFC3339Nano), s.receive.UTC().Format(time.RFC3339Nano), s.clock.Sub(s.receive))
			*last = s
			*printed++
			continue
		}
		if time.Now().After(nextCheck) {
			info, err := seg.Stat()
			if errors.Is(err, fs.ErrNotExist) || err == nil && info.Removed {
				return errRemoved
			}
			if err != nil {
				return err
			}
			nextCheck = time.Now().Add(checkEvery)
		}
		select {
		case <-poll.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
