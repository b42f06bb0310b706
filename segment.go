package shm

import (
	"fmt"
	"github.com/go-sysv/shm/internal/ipcerr"
	"io/fs"
	"os"
	"syscall"
)

// Segment is a handle on one System V shared memory segment: its id, the key it was
// found or created by, and its size. It holds no resources (there is nothing to close)
// and is safe to copy and to share between goroutines. The segment itself lives in the
// kernel until [Segment.Remove] and the last detach; a Segment value can outlive it, and
// then its methods return errors wrapping fs.ErrNotExist.
type Segment struct {
	id    int
	key   Key
	size  int
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
// options makes an ordinary segment of 4 KiB pages backed by swap.
type CreateOption int

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
// with fs.ErrPermission, where [Get] and a [ReadOnly] attach succeed.
func Open(key Key, size int, perm os.FileMode, opts ...CreateOption) (*Segment, error) {
	return create("open", key, size, perm, ipcCreat, opts)
}

func create(op string, key Key, size int, perm os.FileMode, flag int, opts []CreateOption) (*Segment, error) {
	if size <= 0 {
		return nil, keyError(op, key, invalid("size %d is not positive", size))
	}
	if perm&^0o777 != 0 {
		return nil, keyError(op, key, invalid("permission %v has bits outside 0o777", perm))
	}
	extra, err := createFlags(opts)
	if err != nil {
		return nil, keyError(op, key, err)
	}
	id, err := shmget(key, size, flag|extra|int(perm))
	if err != nil {
		return nil, keyError(op, key, explainGet(key, size, flag, extra, err))
	}
	if flag&ipcExcl != 0 || key == Private {
		return &Segment{id: id, key: key, size: size, valid: true}, nil
	}
	// Open may have found an existing segment, possibly larger than size.
	return stated(op, id)
}

// explainGet turns the errnos of a failed shmget into errors a user can act on.
func explainGet(key Key, size, flag, extra int, err error) error {
	errno, ok := err.(syscall.Errno)
	if !ok {
		return err
	}
	switch errno {
	case syscall.EINVAL:
		if key != Private && flag&ipcExcl == 0 {
			if id, gerr := shmget(key, 0, 0); gerr == nil {
				if info, serr := stat(id); serr == nil {
					return ipcerr.Explain(errno, fs.ErrInvalid, "segment id %d has %d bytes, fewer than the %d asked for", id, info.Size, size)
				}
			}
		}
		if lim, lerr := Limits(); lerr == nil {
			if uint64(size) > lim.MaxSize {
				return ipcerr.Explain(errno, fs.ErrInvalid, "size %d is above the kernel's SHMMAX of %d bytes (sysctl kernel.shmmax)", size, lim.MaxSize)
			}
			if uint64(size) < lim.MinSize {
				return ipcerr.Explain(errno, fs.ErrInvalid, "size %d is below the kernel's SHMMIN of %d bytes", size, lim.MinSize)
			}
		}
		return hugeHint(extra, size, errno)
	case syscall.ENOMEM, syscall.EPERM:
		return hugeHint(extra, size, errno)
	case syscall.ENOSPC:
		return fmt.Errorf("the system is out of segment ids (SHMMNI) or of shared memory (SHMALL): %w", errno)
	}
	return err
}

// Get returns the existing segment of key: shmget(2) with no flags, then IPC_STAT to
// learn its size. A key with no segment is an error wrapping fs.ErrNotExist. Get asks
// shmget for no access, but IPC_STAT needs read permission, so a segment the caller may
// not even read is an error wrapping fs.ErrPermission; write permission is checked when
// attaching.
func Get(key Key) (*Segment, error) {
	if key == Private {
		return nil, keyError("get", key, invalid("the Private key names no segment; use Create or FromID"))
	}
	id, err := shmget(key, 0, 0)
	if err != nil {
		return nil, keyError("get", key, err)
	}
	s, err := stated("get", id)
	if err != nil {
		return nil, err
	}
	s.key = key
	return s, nil
}

// FromID returns the segment whose shmid is id, as ipcs(1) and ipcmk(1) print it or as
// another process passes it on. It checks with IPC_STAT that the segment exists (an
// error wrapping fs.ErrNotExist if not; fs.ErrPermission if the caller may not read it).
func FromID(id int) (*Segment, error) {
	if id < 0 {
		return nil, idError("get", id, invalid("id %d is negative", id))
	}
	return stated("get", id)
}

func stated(op string, id int) (*Segment, error) {
	info, err := stat(id)
	if err != nil {
		return nil, idError(op, id, err)
	}
	return &Segment{id: id, key: info.Key, size: info.Size, valid: true}, nil
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
	if err := shmctl(s.id, ipcRmid); err != nil {
		return idError("remove", s.id, err)
	}
	return nil
}
