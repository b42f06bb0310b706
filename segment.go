package shm

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"os"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
	"github.com/go-sysv/shm/internal/sysv"
)

// Segment is a handle on one System V shared memory segment: its id, the key it was
// found or created by, and its size. It holds no resources (there is nothing to close)
// and is safe to copy and to share between goroutines. The segment itself lives in the
// kernel until [Segment.Remove] and the last detach; a Segment value can outlive it, and
// then its methods return errors wrapping fs.ErrNotExist.
//
// The kernel gives a removed segment's id to a later one. A handle therefore remembers
// what the kernel reported of its segment that never changes (size, creator's pid,
// user and group, and key), and before Attach, Stat, Remove, Chmod, Chown, LockMemory
// and UnlockMemory it reads them again (IPC_STAT) and refuses, with an error wrapping
// fs.ErrNotExist, to act on another segment that now has the id. Two windows remain: a
// segment removed and its id reused between that check and the call that follows it
// (microseconds; reuse of an id takes about four million segments, or a privileged
// write to kernel.shm_next_id), and a new segment made by the same process with the
// same key and size, which the kernel reports exactly as the old one (or, once marked
// for removal, when the kernel reports no key any more, with any key). Attach, which
// checks after mapping, has no such window: an attached segment keeps its id.
type Segment struct {
	id    int
	key   Key
	size  int
	ident sysv.Identity
	valid bool // false in the zero Segment, which names no segment (not shmid 0)
}

// ID returns the segment's shmid, the number ipcs(1) prints and [FromID] takes. Any
// process on the machine (in the same IPC namespace) can use it, permissions allowing.
// A zero or nil Segment, which names no segment, has ID -1; its other methods return
// errors wrapping fs.ErrInvalid rather than act on shmid 0.
func (s *Segment) ID() int {
	if s == nil || !s.valid {
		return -1
	}
	return s.id
}

// usable returns an error for a nil or zero Segment.
func (s *Segment) usable(op string) error {
	if s == nil || !s.valid {
		return &Error{Op: op, ID: -1, Err: invalid("zero Segment: get one from Create, Get, Open or FromID")}
	}
	return nil
}

// Key returns the key the segment was created or found with ([Private] for one created
// with IPC_PRIVATE or opened with [FromID] after it was removed).
func (s *Segment) Key() Key {
	if s == nil {
		return Private
	}
	return s.key
}

// Size returns the segment's size in bytes, as created, which is also the length of
// every slice [Segment.Attach] returns. The kernel rounds the memory it uses up to whole
// pages, but the size stays the one asked for.
func (s *Segment) Size() int {
	if s == nil {
		return 0
	}
	return s.size
}

// String describes the segment for logs, for example "shm segment id 32769 key
// 0x66001234 (4096 bytes)".
func (s *Segment) String() string {
	return fmt.Sprintf("shm segment id %d key %v (%d bytes)", s.ID(), s.Key(), s.Size())
}

// CreateOption changes how [Create] and [Open] make a new segment. The zero set of
// options makes an ordinary segment of the system's base pages, backed by swap. The
// options exist on every system; where the kernel lacks one, Create returns an error
// wrapping errors.ErrUnsupported. [Open] applies them only when it creates: a segment
// that exists is opened as it was made.
type CreateOption int

const (
	// HugePages makes the segment of huge pages of the system's default huge page size
	// (SHM_HUGETLB; Linux only). The size must be a multiple of it, and huge pages must
	// be reserved first (sysctl vm.nr_hugepages=N as root); without them Create fails
	// with an error that says so. It needs CAP_IPC_LOCK or membership of the group in
	// vm.hugetlb_shm_group.
	HugePages CreateOption = 1 << iota
	// HugePages2MB is HugePages with 2 MiB pages (SHM_HUGETLB|SHM_HUGE_2MB).
	HugePages2MB
	// HugePages1GB is HugePages with 1 GiB pages (SHM_HUGETLB|SHM_HUGE_1GB).
	HugePages1GB
	// NoReserve reserves no swap space for the segment (SHM_NORESERVE; Linux only):
	// with memory overcommitted, a write can then fail with SIGSEGV or wake the OOM
	// killer instead of Create failing.
	NoReserve

	anyHugePages     = HugePages | HugePages2MB | HugePages1GB
	allCreateOptions = anyHugePages | NoReserve
)

// createOptions checks opts and joins them into one set.
func createOptions(opts []CreateOption) (CreateOption, error) {
	var o CreateOption
	for _, opt := range opts {
		if opt&^allCreateOptions != 0 {
			return 0, invalid("unknown create option %#x", int(opt))
		}
		o |= opt
	}
	if n := bits.OnesCount(uint(o & anyHugePages)); n > 1 {
		return 0, invalid("more than one huge page size")
	}
	return o, nil
}

// Create makes a new segment of size bytes with permission bits perm (0o600 lets only
// this user in; the bits mean what they mean for files, and [Exec] needs x), failing with an
// error wrapping fs.ErrExist if key is taken. It is shmget(2) with IPC_CREAT|IPC_EXCL.
// With key [Private] it always makes a new segment that has no key. The new memory
// reads as zeros.
//
// A size of zero or less, or perm bits outside 0o777, are errors wrapping
// fs.ErrInvalid. A size above the kernel's SHMMAX is an error that names the limit;
// ENOSPC means the system is out of segment ids (SHMMNI) or of total shared memory
// (SHMALL), see [Limits].
func Create(key Key, size int, perm os.FileMode, opts ...CreateOption) (*Segment, error) {
	return create("create", key, size, perm, ipcCreat|ipcExcl, opts)
}

// Open returns the segment of key, making it as [Create] does if it does not exist: it is
// shmget(2) with IPC_CREAT. An existing segment is opened only if it is at least size
// bytes (an error names both sizes otherwise); the Segment then has the existing size,
// which can be larger than size. Opening an existing segment checks perm against its
// permissions as a request: asking for 0o600 on a segment this user may only read fails
// with fs.ErrPermission, where [Get] and a [ReadOnly] attach succeed. The options apply
// only when Open creates: an existing segment is opened as it was made. If another
// process removes the segment between Open's steps, Open tries again, so it fails with
// fs.ErrNotExist only if that keeps happening.
func Open(key Key, size int, perm os.FileMode, opts ...CreateOption) (*Segment, error) {
	return create("open", key, size, perm, ipcCreat, opts)
}

func create(op string, key Key, size int, perm os.FileMode, flag int, opts []CreateOption) (*Segment, error) {
	if size <= 0 {
		return nil, keyError(op, key, invalid("size %d is not positive", size))
	}
	if perm&^0o777 != 0 {
		return nil, keyError(op, key, invalid("permission %O has bits outside 0o777", uint32(perm)))
	}
	o, err := createOptions(opts)
	if err != nil {
		return nil, keyError(op, key, err)
	}
	extra, err := createFlags(o)
	if err != nil {
		return nil, keyError(op, key, err)
	}
	// Open tries to create, then to open what exists; another process can remove the
	// segment between the two, and then it tries again. Each turn ends in a segment
	// made or found unless a segment of key is removed within every one of them.
	const tries = 1000
	for range tries {
		id, err := shmget(key, size, flag|ipcExcl|extra|int(perm))
		if err == nil {
			return &Segment{id: id, key: key, size: size, ident: created(key, size), valid: true}, nil
		}
		if err != syscall.EEXIST || flag&ipcExcl != 0 {
			return nil, keyError(op, key, explainGet(size, o, err))
		}
		// The segment exists: open it, asking for perm as access, as shmget does.
		id, err = shmget(key, size, int(perm))
		if err == syscall.ENOENT {
			continue
		}
		if err != nil {
			return nil, keyError(op, key, explainOpen(key, size, err))
		}
		s, err := stated(op, id, key)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return s, err
	}
	return nil, keyError(op, key, ipcerr.Explain(syscall.ENOENT, fs.ErrNotExist, "a segment of this key was removed each time it was opened, %d times", tries))
}

// explainOpen explains the EINVAL of shmget for an existing segment: it is smaller
// than the size asked for.
func explainOpen(key Key, size int, err error) error {
	if err != syscall.EINVAL {
		return err
	}
	if id, gerr := shmget(key, 0, 0); gerr == nil {
		var info Info
		if statInto(&info, id, true) == nil && info.Size < int64(size) {
			return ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid, "segment id %d has %d bytes, fewer than the %d asked for", id, info.Size, size)
		}
	}
	return ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid, "the segment of this key is smaller than %d bytes", size)
}

// explainGet turns the errnos of a failed shmget that creates into errors that say
// which limit was met and how to raise it.
func explainGet(size int, o CreateOption, err error) error {
	errno, ok := err.(syscall.Errno)
	if !ok {
		return err
	}
	if errno == syscall.EEXIST {
		return ipcerr.Key(errno, "segment")
	}
	if o&anyHugePages != 0 && errno != syscall.EEXIST && errno != syscall.ENOSPC {
		return hugeHint(size, errno)
	}
	switch errno {
	case syscall.EINVAL:
		if lim, lerr := Limits(); lerr == nil {
			if uint64(size) > lim.MaxSize {
				return ipcerr.Explain(errno, fs.ErrInvalid, "size %d is above the kernel's SHMMAX of %d bytes (sysctl kernel.shmmax)", size, lim.MaxSize)
			}
			if uint64(size) < lim.MinSize {
				return ipcerr.Explain(errno, fs.ErrInvalid, "size %d is below the kernel's SHMMIN of %d bytes", size, lim.MinSize)
			}
		}
		return ipcerr.Explain(errno, fs.ErrInvalid, "the kernel refused a segment of %d bytes", size)
	case syscall.ENOSPC:
		lim, lerr := Limits()
		use, uerr := Usage()
		pages := (uint64(size) + uint64(os.Getpagesize()) - 1) / uint64(os.Getpagesize())
		switch {
		case lerr == nil && uerr == nil && use.Segments >= lim.MaxSegments:
			return ipcerr.Explain(errno, nil, "all %d segment ids are in use (SHMMNI, sysctl kernel.shmmni)", lim.MaxSegments)
		case lerr == nil && uerr == nil && use.Pages+pages > lim.MaxTotalPages:
			return ipcerr.Explain(errno, nil, "%d more pages would exceed the kernel's SHMALL of %d pages for all segments, %d in use (sysctl kernel.shmall)", pages, lim.MaxTotalPages, use.Pages)
		}
		return ipcerr.Explain(errno, nil, "the system is out of segment ids (SHMMNI, sysctl kernel.shmmni) or of shared memory pages (SHMALL, sysctl kernel.shmall)")
	case syscall.ENOMEM:
		if o&NoReserve == 0 {
			return ipcerr.Explain(errno, nil, "no memory to reserve for %d bytes: free memory or swap, or create with NoReserve to reserve none (see vm.overcommit_memory)", size)
		}
		return ipcerr.Explain(errno, nil, "no memory for a segment of %d bytes", size)
	}
	return err
}

// Get returns the existing segment of key: shmget(2) with no flags, then IPC_STAT to
// learn its size. A key with no segment is an error wrapping fs.ErrNotExist. Get asks
// for no access: the permissions are checked when attaching.
func Get(key Key) (*Segment, error) {
	if key == Private {
		return nil, keyError("get", key, invalid("the Private key names no segment; use Create or FromID"))
	}
	for {
		id, err := shmget(key, 0, 0)
		if err != nil {
			return nil, keyError("get", key, ipcerr.Key(err, "segment"))
		}
		s, err := stated("get", id, key)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since shmget: the key may name a new one, or nothing
		}
		return s, err
	}
}

// FromID returns the segment whose shmid is id, as ipcs(1) and ipcmk(1) print it or as
// another process passes it on. It checks with IPC_STAT that the segment exists (an
// error wrapping fs.ErrNotExist if not). Ids are from 0 to 2^31-1; any other is an
// error wrapping fs.ErrInvalid.
func FromID(id int) (*Segment, error) {
	if id < 0 || id > math.MaxInt32 {
		return nil, &Error{Op: "fromid", ID: -1, Err: invalid("id %d is outside 0..%d", id, math.MaxInt32)}
	}
	return stated("fromid", id, Private)
}

// stated makes the handle of segment id from what IPC_STAT says of it now.
//
// A segment found by key must still have it: if it was removed (or only marked for
// removal, while others are attached) between shmget and IPC_STAT, or its id reused,
// the error wraps fs.ErrNotExist, and Get and Open ask for the key again.
func stated(op string, id int, key Key) (*Segment, error) {
	var info Info
	if err := statInto(&info, id, true); err != nil {
		return nil, idError(op, id, err)
	}
	if key != Private && (info.Key != key || info.Removed) {
		return nil, idError(op, id, ipcerr.Explain(syscall.EIDRM, fs.ErrNotExist, "the segment of key %v was removed while it was opened", key))
	}
	if info.Size > math.MaxInt {
		return nil, idError(op, id, ipcerr.Explain(syscall.EOVERFLOW, nil, "the segment has %d bytes, more than a %d-bit process can address", info.Size, bits.UintSize))
	}
	if key == Private {
		key = info.Key
	}
	return &Segment{id: id, key: key, size: int(info.Size), ident: identityOf(&info), valid: true}, nil
}

// Remove destroys the segment (shmctl(2) IPC_RMID). If processes are still attached the
// kernel only marks it: its key is freed at once (a new segment can take it), those
// attached keep using the memory, [Segment.Stat] reports Removed, and the memory goes
// with the last detach. Removing a segment that is already gone is an error wrapping
// fs.ErrNotExist. Only the owner, the creator and a privileged process may remove it
// (fs.ErrPermission otherwise).
func (s *Segment) Remove() error {
	if err := s.usable("remove"); err != nil {
		return err
	}
	// Where the kernel answers no stat at all to a caller that may not read the segment
	// (darwin, when its mode denies the owner read), Remove goes ahead unchecked: only
	// the owner, the creator or a privileged process may remove it anyway.
	var info Info
	if err := s.current(&info, false); err != nil && err != syscall.EACCES {
		return idError("remove", s.id, err)
	}
	if err := shmctl(s.id, ipcRmid); err != nil {
		return idError("remove", s.id, err)
	}
	return nil
}
