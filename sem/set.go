package sem

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"syscall"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/ipcerr"
	"github.com/go-sysv/shm/internal/sysv"
)

// MaxValue is SEMVMX, the largest value a semaphore can hold on Linux.
const MaxValue = 32767

// maxIndex is the last semaphore semop can name: struct sembuf's sem_num is 16 bits.
const maxIndex = math.MaxUint16

// InitTimeout is how long [Open] waits for another process that has just created a set
// to finish initialising it, before giving up with an error.
const InitTimeout = 5 * time.Second

// Set is a handle on one System V semaphore set: its id, and what identifies the set
// that had the id when the handle was made. It holds no resources and is safe to copy
// and to share between goroutines; the set lives in the kernel until [Set.Remove].
//
// # Identity
//
// The kernel gives the id of a removed set to a later one: after about 4 million sets
// have been made and removed, or at once if a privileged process sets kernel.sem_next_id.
// So a handle remembers its set's key, size (sem_nsems) and creator's user and group
// (sem_perm.cuid and cgid), the properties of a set that never change, and every method
// that calls the kernel first asks it (IPC_STAT) whether the set the id names now has
// them, and asks again before it retries a wait that a signal interrupted. If it does
// not, the method changes nothing and returns an error wrapping fs.ErrNotExist (and
// syscall.EIDRM) that says the id now names another set. Values and SetValues also
// hand the kernel a buffer that ends at a page that cannot be touched, so that even a
// set of the id made after the check cannot make the kernel write or read past it.
//
// What remains: the check and the call are two system calls, and a set removed and
// replaced between them (a window of about a microsecond) is acted on. And the check can
// only tell sets apart by those four properties: two sets of the same key, size and
// creator are indistinguishable, as are, say, two Private sets of one size made by one
// user. IPC_STAT needs read permission; where it is refused, Linux 4.17 and later
// answer SEM_STAT_ANY, which needs none. Only where neither answers (older kernels,
// darwin) do the calls of a process that may not read the set, those that need only
// alter permission (Acquire, Release, Do, SetValue, SetValues, the Mutex's) and Remove,
// proceed unchecked, with the guarded buffer still in place.
type Set struct {
	id    int
	key   shm.Key
	n     int
	ident sysv.Identity
}

// ID returns the set's semid, as ipcs -s prints it and [FromID] takes. A zero or nil
// Set, which names no set, has ID -1; its other methods return errors wrapping
// fs.ErrInvalid rather than act on semid 0.
func (s *Set) ID() int {
	if s.zero() {
		return -1
	}
	return s.id
}

// zero reports whether s is nil or the zero Set: every real set has a semaphore.
func (s *Set) zero() bool { return s == nil || s.n == 0 }

// usable returns an error for a nil or zero Set.
func (s *Set) usable(op string) error {
	if s.zero() {
		return noneError(op, invalid("zero Set: get one from Create, Get, Open or FromID"))
	}
	return nil
}

// Key returns the key of the set (Private for a set made without one).
func (s *Set) Key() shm.Key {
	if s == nil {
		return shm.Private
	}
	return s.key
}

// Len returns the number of semaphores in the set; they are numbered 0 to Len()-1.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// String describes the set for logs.
func (s *Set) String() string {
	return fmt.Sprintf("semaphore set id %d key %v (%d semaphores)", s.ID(), s.Key(), s.Len())
}

// identityOf returns what never changes of the set info describes.
func identityOf(info Info) sysv.Identity {
	return sysv.Identity{Key: uint32(info.Key), Size: int64(info.Len), CUID: info.CUID, CGID: info.CGID}
}

// is reports whether info, from IPC_STAT of s's id, describes the set s was made for.
// A set has no state in which the kernel hides its key.
func (s *Set) is(info Info) bool {
	return s.ident.Names(identityOf(info), false)
}

// check asks the kernel for the set that s's id names now, and returns an error if it
// is not s's set: the bare errno of IPC_STAT, or ipcerr.Reused.
func (s *Set) check() (Info, error) {
	info, err := stat(s.id)
	if err != nil {
		return Info{}, err
	}
	if !s.is(info) {
		return Info{}, ipcerr.Reused("semaphore set")
	}
	return info, nil
}

// recheck is check for a call about to act on the set, which may proceed unchecked if
// the process may not read the set (EACCES): see the Set doc.
func (s *Set) recheck() error {
	if _, err := s.check(); err != nil && err != syscall.EACCES {
		return err
	}
	return nil
}

// verify is recheck with the error made for op.
func (s *Set) verify(op string) error {
	if err := s.recheck(); err != nil {
		return idError(op, s.id, err)
	}
	return nil
}

// Create makes a new set of n semaphores with permission bits perm, failing with an
// error wrapping fs.ErrExist if key is taken (semget(2) with IPC_CREAT|IPC_EXCL). The
// creator must be let alter the set (the owner's w bit, unless privileged), because
// Create initialises it; take permissions away afterwards with [Set.Chmod]. The
// semaphores start at values (one value per semaphore), or at zero if values is empty.
// A count above the system's limit per set (SEMMSL) is an error wrapping fs.ErrInvalid;
// one that the system has no room for (SEMMNS semaphores or SEMMNI sets in all) wraps
// syscall.ENOSPC. Both name the limit and its sysctl.
//
// Creation is safe against processes that [Open] the same key at the same moment: the
// kernel makes a new set with its values at zero and its last-operation time (sem_otime)
// unset; Create sets the values (SETALL) and then performs one semaphore operation that
// changes nothing but sets sem_otime. Open, finding a set that exists, waits until
// sem_otime is set before it uses it, so nobody ever sees a zero that was meant to be 1.
// If setting the values fails, Create removes the set again.
func Create(key shm.Key, n int, perm os.FileMode, values ...int) (*Set, error) {
	if err := checkCreate(n, perm, values); err != nil {
		return nil, keyError("create", key, err)
	}
	return create("create", key, n, perm, values)
}

// create makes the set; its arguments are checked.
func create(op string, key shm.Key, n int, perm os.FileMode, values []int) (*Set, error) {
	// The kernel records the effective ids as the creator's (cuid, cgid).
	s := &Set{key: key, n: n, ident: sysv.Identity{Key: uint32(key), Size: int64(n), CUID: os.Geteuid(), CGID: os.Getegid()}}
	id, err := semget(key, n, ipcCreat|ipcExcl|int(perm))
	if err != nil {
		return nil, keyError(op, key, explainCreate(n, err))
	}
	s.id = id
	if err := s.initialise(values); err != nil {
		err = idError(op, id, err)
		if !errors.Is(err, fs.ErrNotExist) { // the set is still there, and still ours
			s.Remove()
		}
		return nil, err
	}
	return s, nil
}

func checkCreate(n int, perm os.FileMode, values []int) error {
	if n <= 0 {
		return invalid("%d semaphores: need at least one", n)
	}
	if n > math.MaxInt32 {
		return invalid("%d semaphores: the kernel counts them in 32 bits", n)
	}
	if perm&^0o777 != 0 {
		return invalid("permission %O has bits outside 0o777", uint32(perm))
	}
	if len(values) != 0 && len(values) != n {
		return invalid("%d initial values for %d semaphores", len(values), n)
	}
	return checkValues(values)
}

func checkValues(values []int) error {
	for i, v := range values {
		if v < 0 || v > MaxValue {
			return invalid("value %d of semaphore %d is outside 0..%d", v, i, MaxValue)
		}
	}
	return nil
}

// initialise sets the values of a set just made and marks it ready; the error is a bare
// errno or ipcerr.Reused.
func (s *Set) initialise(values []int) error {
	if err := s.recheck(); err != nil {
		return err
	}
	first := 0
	if len(values) > 0 {
		if err := setall(s.id, values); err != nil {
			return err
		}
		first = values[0]
	}
	// One operation that leaves the value as it is but sets sem_otime: the sign that the
	// set is ready. It must not wait, nor leave an undo entry.
	up, down := sembuf{0, 1, ipcNowait}, sembuf{0, -1, ipcNowait}
	if first == MaxValue {
		up, down = down, up
	}
	return semtimedop(s.id, []sembuf{up, down}, nil)
}

// Open returns the set of key, making it as [Create] does if it does not exist. An
// existing set must have at least n semaphores; Open then waits, up to [InitTimeout],
// until its creator has initialised it (see Create), so that its values are the ones
// the creator meant. A set made by a program that never operates on it stays
// uninitialised in this sense: use [Get] for it.
//
// If another process removes the set between Open's steps, Open starts again, until it
// has created a set or opened one.
func Open(key shm.Key, n int, perm os.FileMode, values ...int) (*Set, error) {
	return open("open", key, n, perm, values, false)
}

// open is Open; with exact, an existing set must have exactly n semaphores, which is
// checked before waiting for it to be initialised.
func open(op string, key shm.Key, n int, perm os.FileMode, values []int, exact bool) (*Set, error) {
	if err := checkCreate(n, perm, values); err != nil {
		return nil, keyError(op, key, err)
	}
	for {
		s, err := create(op, key, n, perm, values)
		if err == nil || key == shm.Private {
			return s, err
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue // made, then removed by another process before it was ready
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		id, err := semget(key, n, int(perm))
		if err == syscall.ENOENT {
			continue // removed since the first semget
		}
		if err != nil {
			if err == syscall.EINVAL {
				err = explainSize(key, n, err)
			}
			return nil, keyError(op, key, err)
		}
		s, err = opened(op, id, key, n, exact)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed, or the id reused, since the second semget
		}
		return s, err
	}
}

func explainSize(key shm.Key, n int, err error) error {
	if id, gerr := semget(key, 0, 0); gerr == nil {
		if info, serr := stat(id); serr == nil && info.Len < n {
			return ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid, "set id %d has %d semaphores, fewer than the %d asked for", id, info.Len, n)
		}
	}
	return err
}

// opened waits, up to InitTimeout, until the creator of set id, found by key, has set
// sem_otime, and returns a handle on it. With exact, a set of other than n semaphores
// is an error at once.
func opened(op string, id int, key shm.Key, n int, exact bool) (*Set, error) {
	deadline := time.Now().Add(InitTimeout)
	pause := 50 * time.Microsecond
	for {
		info, err := stat(id)
		if err == nil && info.Key != key {
			err = ipcerr.Reused("semaphore set")
		}
		if err != nil {
			return nil, idError(op, id, err)
		}
		if exact && info.Len != n {
			return nil, idError(op, id, invalid("the set of key %v has %d semaphores, not %d: use NewMutex with one of them", key, info.Len, n))
		}
		if !info.LastOp.IsZero() {
			return handle(info), nil
		}
		if time.Now().After(deadline) {
			return nil, idError(op, id, ipcerr.Because(os.ErrDeadlineExceeded, "created but not initialised within %v: its creator may have died (remove the set) or not use this package's protocol (use Get)", InitTimeout))
		}
		time.Sleep(pause) // a polled condition with a deadline, not a synchronisation
		pause = min(2*pause, 5*time.Millisecond)
	}
}

// handle returns a handle on the set that info describes.
func handle(info Info) *Set {
	return &Set{id: info.ID, key: info.Key, n: info.Len, ident: identityOf(info)}
}

// Get returns the existing set of key (semget(2) with no flags), an error wrapping
// fs.ErrNotExist if there is none. Unlike [Open] it does not wait for the set to be
// initialised, so it also serves for sets made by other programs.
func Get(key shm.Key) (*Set, error) {
	if key == shm.Private {
		return nil, keyError("get", key, invalid("the Private key names no set; use Create or FromID"))
	}
	for {
		id, err := semget(key, 0, 0)
		if err != nil {
			return nil, keyError("get", key, ipcerr.Key(err, "semaphore set"))
		}
		info, err := stat(id)
		if err == nil && info.Key != key {
			continue // the id was reused since semget; ask for the key again
		}
		if err != nil {
			err = idError("get", id, err)
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed since semget: ask again, which says whether another set has the key
			}
			return nil, err
		}
		return handle(info), nil
	}
}

// FromID returns the set whose semid is id, as ipcs -s prints it or another process
// passes it on, checking with IPC_STAT that it exists (an error wrapping fs.ErrNotExist
// if not). Ids are from 0 to 2^31-1; any other is an error wrapping fs.ErrInvalid.
func FromID(id int) (*Set, error) {
	if id < 0 || id > math.MaxInt32 {
		return nil, noneError("fromid", invalid("id %d is outside 0..%d", id, math.MaxInt32))
	}
	info, err := stat(id)
	if err != nil {
		return nil, idError("fromid", id, err)
	}
	return handle(info), nil
}

// Remove destroys the set at once (semctl(2) IPC_RMID): every process waiting on it
// wakes with an error wrapping fs.ErrNotExist (EIDRM). Only the owner, the creator and a
// privileged process may remove it.
func (s *Set) Remove() error {
	if err := s.usable("remove"); err != nil {
		return err
	}
	if err := s.verify("remove"); err != nil {
		return err
	}
	if _, err := semctl(s.id, 0, ipcRmid, 0); err != nil {
		return idError("remove", s.id, err)
	}
	return nil
}
