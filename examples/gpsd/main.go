// Command gpsd prints the fixes that a running gpsd exports in System V shared memory,
// one JSON line per new fix with the names gpspipe -w gives them in TPV objects:
//
//	$ go run ./examples/gpsd -n 2
//	{"class":"TPV","device":"/dev/ttyACM0","mode":3,"time":"2026-11-30T12:00:00.000Z","lat":48.117300000,"lon":11.516666667,"altHAE":592.3000,"altMSL":545.4000,"alt":545.4000,"track":84.4000,"speed":11.524}
//	…
//
// gpsd (built with shm_export, as Debian's is) keeps its latest report in segment
// 0x47505344 ("GPSD", or $GPSD_SHM_KEY), struct shmexport_t: a struct gps_data_t
// between two int bookends. This reader needs no socket and no libgps. It attaches the
// segment read-only, never creates or removes it, and reads it with gpsd's bookend
// protocol:
//
//	before := atomic.LoadInt32(bookend1) // gpsd writes bookend2, the data, then bookend1
//	... copy the fields out, each word with an atomic load ...
//	after := atomic.LoadInt32(bookend2)
//	if before != after { /* gpsd wrote meanwhile: the copy is torn; read again */ }
//
// where bookend1, bookend2 and the fields are pointers into the segment from shm.View.
// The layout of struct gps_data_t changes with gpsd's API version; gpsd writes no
// version into the segment, but the segment's size is sizeof(struct shmexport_t), and
// the reader refuses a size it does not know (see layout.go for the ones it does).
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
	"strconv"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// keyFlag is a System V key on the command line, in hex as ipcs prints it, or decimal.
type keyFlag shm.Key

func (k *keyFlag) String() string { return shm.Key(*k).String() }

func (k *keyFlag) Set(s string) error {
	n, err := strconv.ParseUint(s, 0, 64)
	switch {
	case err != nil:
		return errors.New("not a number (write it as ipcs prints it, 0x47505344)")
	case n == 0:
		return errors.New("key 0 is IPC_PRIVATE, which no other process can find")
	case n > 0xffffffff:
		return errors.New("keys are 32 bits")
	}
	*k = keyFlag(n)
	return nil
}

// run is the command with its arguments (without the program name); it returns the
// exit status: 0, 1 when the work failed, 2 for a bad command line.
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gpsd", flag.ContinueOnError)
	fl.SetOutput(stderr)
	key := keyFlag(defaultKey)
	if env := os.Getenv("GPSD_SHM_KEY"); env != "" { // as gpsd and libgps read it
		if err := key.Set(env); err != nil {
			fmt.Fprintf(stderr, "gpsd: GPSD_SHM_KEY=%s: %v\n", env, err)
			return 2
		}
	}
	fl.Var(&key, "key", "the export segment's `key` (gpsd's GPSD_SHM_KEY)")
	n := fl.Int("n", 0, "`fixes` to print before exiting; 0: until interrupted")
	wait := fl.Duration("wait", time.Minute, "how long to wait for gpsd's segment to appear (0: fail at once if it is missing)")
	fl.Usage = func() {
		fmt.Fprintf(fl.Output(), "usage: gpsd [-key 0x47505344] [-n 0] [-wait 1m]\n\nprints the fixes gpsd exports in shared memory, as gpspipe -w prints TPV objects.\n\n")
		fl.PrintDefaults()
	}
	switch err := fl.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fl.SetOutput(stdout)
		fl.Usage()
		return 0
	case err != nil:
		return 2
	}
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "gpsd: "+format+"\n", args...)
		return 2
	}
	switch {
	case fl.NArg() > 0:
		return bad("unexpected argument %q: the reader takes only flags (-h lists them)", fl.Arg(0))
	case *n < 0:
		return bad("-n %d: a number of fixes cannot be negative", *n)
	case *wait < 0:
		return bad("-wait %v: a wait cannot be negative", *wait)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := read(ctx, shm.Key(key), *n, *wait, stdout, stderr); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "gpsd:", err)
		return 1
	}
	return 0
}

// Timing of read. gpsd has no wake-up for shared memory readers (libgps busy-waits), so
// read polls; gpsd reports about once a second.
const (
	pollEvery  = 5 * time.Millisecond
	checkEvery = 200 * time.Millisecond
)

// errRemoved is returned by watch when the segment is removed while read watches it.
var errRemoved = errors.New("the segment was removed")

// read prints each new fix of the export segment of key until it has printed n (0:
// until ctx ends). It waits up to wait for the segment, and as long again whenever the
// one it watches is removed (gpsd removes it when it exits, if it still may). It reports
// waiting and skipped reports to log.
func read(ctx context.Context, key shm.Key, n int, wait time.Duration, out, log io.Writer) error {
	w := &watcher{n: n, out: out, log: log}
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
		e, err := newExport(b)
		if err != nil {
			shm.Detach(b)
			return fmt.Errorf("%v: %w", seg, err)
		}
		fmt.Fprintf(log, "gpsd: watching %v, gpsd API %s on %s\n", seg, e.l.api, e.l.abi)
		err = w.watch(ctx, seg, e)
		shm.Detach(b)
		if !errors.Is(err, errRemoved) {
			return err
		}
		fmt.Fprintf(log, "gpsd: %v was removed; waiting for a new one\n", seg)
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
			return nil, fmt.Errorf("no segment at key %v after waiting %v: is gpsd running, and built with shm_export? (wait longer with -wait)", key, wait)
		}
		if !said {
			fmt.Fprintf(log, "gpsd: waiting up to %v for gpsd's segment at key %v\n", wait, key)
			said = true
		}
		select {
		case <-time.After(10 * pollEvery):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// watcher prints new fixes, across the segments read watches in turn.
type watcher struct {
	n        int
	printed  int
	last     string // the last line printed
	out, log io.Writer
}

// watch prints each new fix of e until w has printed n, ctx ends, or seg is removed.
// gpsd rewrites the segment for every report (satellites, say), so a fix is new only if
// its line differs from the last one printed.
func (w *watcher) watch(ctx context.Context, seg *shm.Segment, e *export) error {
	poll := time.NewTicker(pollEvery)
	defer poll.Stop()
	nextCheck := time.Now().Add(checkEvery)
	var seen int32 // the tick read last: no need to decode it again
	for w.n == 0 || w.printed < w.n {
		tick, f, err := e.load()
		switch {
		case errors.Is(err, errTorn) || errors.Is(err, errUnwritten):
		case err != nil:
			if tick != seen {
				fmt.Fprintf(w.log, "gpsd: skipping report %d: %v\n", tick, err)
			}
			seen = tick
		case tick != seen:
			seen = tick
			if line := f.tpv(); line != w.last {
				fmt.Fprintln(w.out, line)
				w.last = line
				w.printed++
				continue
			}
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
