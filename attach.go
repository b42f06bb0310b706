package shm

import (
	"io/fs"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// AttachOption changes how [Segment.Attach] maps a segment. Options combine by listing
// them: seg.Attach(shm.ReadOnly, shm.Populate).
type AttachOption int

const (
	// ReadOnly attaches for reading only (SHM_RDONLY); it needs only read permission.
	// Writing through the slice kills the process with SIGSEGV.
	ReadOnly AttachOption = 1 << iota
	// Exec attaches with execute permission too (SHM_EXEC; Linux only,
	// errors.ErrUnsupported elsewhere). It needs the segment's x permission bit for the
	// caller, as ReadOnly needs r and the default needs r and w.
	Exec
	// Populate pre-faults every page at attach time, so that the first touch of each
	// page, read or write, does not fault: madvise(2) MADV_POPULATE_READ on Linux 5.14
	// and later, and reading one byte of every page elsewhere.
	// Attaching takes longer, but attaching and walking a large segment whose pages
	// another process has filled takes less in all, the more so where a page fault
	// costs more. For a new segment, where the kernel must zero every page anyway, it
	// gains little. It allocates the pages of a new segment, so its full size counts
	// against memory at once.
	Populate
	// Round lets [Segment.AttachAt] round an unaligned address down to a multiple of
	// SHMLBA (SHM_RND).
	Round
	// Remap lets [Segment.AttachAt] replace any mapping already in the address range
	// (SHM_REMAP, Linux only). Whatever was mapped there is gone: if Go memory was, the
	// process will crash.
	Remap

	allAttachOptions = ReadOnly | Exec | Populate | Round | Remap
)

// Attach maps the segment into this process (shmat(2) at an address the kernel picks)
// and returns its memory as a slice whose length and capacity are the segment's size.
// Without [ReadOnly] it needs read and write permission, with it only read permission
// (an error wrapping fs.ErrPermission otherwise). Attaching a segment that was removed
// is an error wrapping fs.ErrNotExist, except that Linux still lets a segment that is
// marked for removal but attached elsewhere be attached again.
//
// Each Attach makes a new mapping of the same memory: two slices from two Attach calls
// alias each other. Release each with [Detach]; the kernel detaches whatever is left
// when the process exits. See the package's Safety section for what crashes a process.
func (s *Segment) Attach(opts ...AttachOption) ([]byte, error) {
	return s.attach("attach", 0, opts)
}

// AttachAt is Attach at the given address, for the rare protocol that needs the segment
// at the same address in every process. The address must be a multiple of SHMLBA (the
// page size on most systems) unless [Round] is given, and must not overlap a mapping
// unless [Remap] is given; either mistake is an error wrapping fs.ErrInvalid.
func (s *Segment) AttachAt(addr uintptr, opts ...AttachOption) ([]byte, error) {
	if err := s.usable("attachat"); err != nil {
		return nil, err
	}
	if addr == 0 {
		return nil, idError("attachat", s.id, invalid("address is 0; use Attach to let the kernel choose"))
	}
	return s.attach("attachat", addr, opts)
}

func (s *Segment) attach(op string, addr uintptr, opts []AttachOption) ([]byte, error) {
	if err := s.usable(op); err != nil {
		return nil, err
	}
	var o AttachOption
	for _, opt := range opts {
		if opt&^allAttachOptions != 0 {
			return nil, idError(op, s.id, invalid("unknown attach option %#x", int(opt)))
		}
		o |= opt
	}
	if addr == 0 && o&(Round|Remap) != 0 {
		return nil, idError(op, s.id, invalid("Round and Remap need an address: use AttachAt"))
	}
	flag, err := attachFlags(o)
	if err != nil {
		return nil, idError(op, s.id, err)
	}
	p, err := shmat(s.id, addr, flag)
	if err != nil {
		return nil, idError(op, s.id, s.explainAttach(addr, err))
	}
	// The id may name another segment than the handle's by now; while it is attached
	// here its id cannot be reused, so what IPC_STAT says now is what was mapped.
	var info Info
	if err := s.current(&info, false); err != nil {
		shmdt(p)
		return nil, idError(op, s.id, err)
	}
	b := bytesAt(p, s.size)
	if o&Populate != 0 {
		if err := populate(b); err != nil {
			shmdt(p)
			return nil, idError(op, s.id, err)
		}
	}
	return b, nil
}

// explainAttach says what the errnos of shmat mean where they say too little.
func (s *Segment) explainAttach(addr uintptr, err error) error {
	switch err {
	case syscall.EINVAL:
		// Also what the kernel says for an id that names nothing: Gone asks again.
		if addr != 0 && exists(s.id) {
			return ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid, "cannot attach at the address: it is unaligned (use Round) or in use (use Remap)")
		}
	case syscall.ENOMEM:
		return ipcerr.Explain(syscall.ENOMEM, nil, "no room for %d bytes in this process's address space", s.size)
	}
	return err
}

// Detach unmaps a slice that [Segment.Attach] returned (shmdt(2)). Any slice that starts
// where the attachment starts will do, b[:0] included. A nil slice, a slice of capacity
// 0 (Go keeps such a slice's pointer at the start of the array it was cut from, so
// b[len(b):] would name the whole attachment), or an address where no attachment
// starts is an error wrapping fs.ErrInvalid; Detach never unmaps Go memory.
//
// Like closing a file descriptor twice, detaching a slice twice is a mistake Detach
// cannot always catch: once a later Attach has been given the same address, which the
// kernel often does, the second Detach unmaps that other attachment. Drop every slice
// and pointer taken from an attachment when you detach it. After Detach, the slice and
// everything taken from it must not be used: touching the address kills the process
// with SIGSEGV, or, if something was mapped there since, reads or writes that instead.
// Detaching does not remove the segment; see [Segment.Remove].
func Detach(b []byte) error {
	if b == nil {
		return &Error{Op: "detach", ID: -1, Err: invalid("nil slice")}
	}
	if cap(b) == 0 {
		return &Error{Op: "detach", ID: -1, Addr: sliceAddr(b), Err: invalid("a slice of capacity 0 does not say which attachment it came from; pass the slice Attach returned, or b[:0]")}
	}
	if err := shmdt(sliceAddr(b)); err != nil {
		if err == syscall.EINVAL {
			err = ipcerr.Explain(syscall.EINVAL, fs.ErrInvalid, "no attachment starts at this address")
		}
		return &Error{Op: "detach", ID: -1, Addr: sliceAddr(b), Err: err}
	}
	return nil
}
