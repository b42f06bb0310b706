// Package alphabet is the classic System V shared memory exercise done right: a server
// and a client meet at a segment keyed by ftok(path, id); the client writes "A", "AB",
// … up to the whole alphabet into it, and the server prints each string once, in order,
// as "client# ABC". Semaphores hand each string over, so nobody sleeps to synchronise
// and nothing is missed or printed twice.
//
// # Layout and protocol
//
// Shared by the Go programs here and the C programs in examples/c, which speak the same
// protocol with nothing but <sys/shm.h> and <sys/sem.h>:
//
//	key   = ftok(path, id)                  (defaults ".", 0x66)
//	shm   = shmget(key, 4096, IPC_CREAT|0600): the string, NUL-terminated, at offset 0
//	sems  = semget(key, 2, IPC_CREAT|0600):
//	        semaphore 0, FULL:  1 while a string waits for the server (starts at 0)
//	        semaphore 1, EMPTY: 1 while the client may write (starts at 1)
//
//	client, for each string:  P(EMPTY); write string; V(FULL)
//	server, for each string:  P(FULL);  print it;     V(EMPTY)
//
// Whichever side starts first creates both objects; the semaphore set is created with
// IPC_EXCL, set with SETALL and then marked ready by one no-op semop, and the side that
// comes second waits until sem_otime is set (the package sem protocol), so the values
// are right before anyone uses them. The server removes the segment and the semaphores
// after "Z"; a side that is interrupted removes them too, which wakes the other side
// with an error, so nothing is left behind in ipcs however the exchange ends (short of
// SIGKILL); a side that fails to start removes whatever it had created. The operations
// use no SEM_UNDO: the semaphores count strings, they are not locks.
//
// The package parses no command line and never exits: the commands (examples/server,
// examples/client, examples/demo) do, with ProjID as the value of their -id flag.
package alphabet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/sem"
)

const (
	// Size is the size of the segment.
	Size = 4096
	// Full and Empty are the numbers of the two semaphores.
	Full, Empty = 0, 1
	// Last is the string after which both sides stop.
	Last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// objects are the segment and semaphores of one exchange, attached.
type objects struct {
	seg  *shm.Segment
	sems *sem.Set
	b    []byte
}

// open opens (or creates) the segment and the semaphores of key and attaches the segment.
// If a step fails, it removes what it created, so a failed start leaves nothing behind;
// what it found, another process made and still uses.
func open(key shm.Key) (_ *objects, err error) {
	seg, segCreated, err := openSegment(key)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && segCreated {
			err = errors.Join(err, ignoreGone(seg.Remove()))
		}
	}()
	sems, semsCreated, err := openSemaphores(key)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && semsCreated {
			err = errors.Join(err, ignoreGone(sems.Remove()))
		}
	}()
	b, err := seg.Attach()
	if err != nil {
		return nil, err
	}
	return &objects{seg, sems, b}, nil
}

// openTries bounds the loops below: each retry means the other side removed the object
// between our create and get, which happens once per exchange that ends as we start.
const openTries = 10

// openSegment returns the segment of key and whether this call created it.
func openSegment(key shm.Key) (*shm.Segment, bool, error) {
	for range openTries {
		seg, err := shm.Create(key, Size, 0o600)
		if err == nil {
			return seg, true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		seg, err = shm.Get(key)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since Create failed: try creating again
		}
		if err != nil {
			return nil, false, err
		}
		if seg.Size() < Size {
			return nil, false, fmt.Errorf("segment %v is %d bytes, not the %d of this protocol: another program uses key %v", seg, seg.Size(), Size, key)
		}
		return seg, false, nil
	}
	return nil, false, fmt.Errorf("segment of key %v keeps appearing and disappearing", key)
}

// openSemaphores returns the semaphore set of key, FULL at 0 and EMPTY at 1 if new, and
// whether this call created it.
func openSemaphores(key shm.Key) (*sem.Set, bool, error) {
	for range openTries {
		s, err := sem.Create(key, 2, 0o600, 0, 1)
		if err == nil {
			return s, true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		s, err = sem.Open(key, 2, 0o600)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		return s, false, nil
	}
	return nil, false, fmt.Errorf("semaphore set of key %v keeps appearing and disappearing", key)
}

// close detaches, and with remove also removes the segment and the semaphores.
func (o *objects) close(remove bool) error {
	err := shm.Detach(o.b)
	if remove {
		err = errors.Join(err, ignoreGone(o.seg.Remove()), ignoreGone(o.sems.Remove()))
	}
	return err
}

func ignoreGone(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Server prints each string the client hands over as "client# ..." to out, until Last.
// It removes the segment and the semaphores when it ends, whether after Last, because
// ctx was cancelled, or because the client removed them.
func Server(ctx context.Context, key shm.Key, out io.Writer) error {
	o, err := open(key)
	if err != nil {
		return err
	}
	defer o.close(true)
	for {
		if err := o.sems.Acquire(ctx, Full, 1, sem.NoUndo); err != nil {
			return gone(err, "client")
		}
		s := cString(o.b)
		fmt.Fprintf(out, "client# %s\n", s)
		if err := o.sems.Release(Empty, 1, sem.NoUndo); err != nil {
			return gone(err, "client")
		}
		if s == Last {
			return nil
		}
	}
}

// Client writes "A", "AB", … Last, one at a time, each after the server has taken the
// one before, pausing delay between them (zero for none). It detaches when done; if ctx
// is cancelled first it removes the segment and the semaphores, ending the exchange.
func Client(ctx context.Context, key shm.Key, delay time.Duration) (err error) {
	o, err := open(key)
	if err != nil {
		return err
	}
	defer func() { o.close(err != nil) }()
	for n := 1; n <= len(Last); n++ {
		if err := o.sems.Acquire(ctx, Empty, 1, sem.NoUndo); err != nil {
			return gone(err, "server")
		}
		o.b[copy(o.b, Last[:n])] = 0
		if err := o.sems.Release(Full, 1, sem.NoUndo); err != nil {
			return gone(err, "server")
		}
		if delay > 0 && n < len(Last) {
			select {
			case <-time.After(delay): // pacing for people to watch, not synchronisation
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// gone explains the error of a wait that ended because the other side removed the
// semaphores.
func gone(err error, other string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the %s ended the exchange: %w", other, err)
	}
	return err
}

// cString returns the NUL-terminated string at the start of b.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// ProjID is ftok's project id as a command-line flag (flag.Var): 1 to 255, written and
// printed in hex as C programs write it (0x66).
type ProjID int

// DefaultProjID is the project id both sides use unless told otherwise: 'f'.
const DefaultProjID ProjID = 0x66

// String prints the id in hex, as the flag's default in -h.
func (p *ProjID) String() string { return fmt.Sprintf("%#x", int(*p)) }

// Set parses an id in decimal, hex (0x66) or octal (0146), and rejects what ftok cannot
// use: ftok takes only the low 8 bits, and an id of 0 is not allowed, so -1 or 256 would
// silently become another id or none.
func (p *ProjID) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return errors.New("not a number (write 102 or 0x66)")
	}
	if n < 1 || n > 255 {
		return errors.New("project ids are 1 to 255 (ftok keeps only the low 8 bits, and 0 is not allowed)")
	}
	*p = ProjID(n)
	return nil
}
