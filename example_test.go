//go:build linux

package shm_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"

	"github.com/go-sysv/shm"
)

// A key made from a file and a project id; a C program calling ftok(3) with the same
// path and id gets the same key.
func ExampleFtok() {
	key, err := shm.Ftok(os.DevNull, 'A')
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("project id in the top byte: %#x\n", uint32(key)>>24)
	// Output: project id in the top byte: 0x41
}

func ExampleCreate() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	fmt.Println(seg.Size(), seg.Key())
	// Output: 4096 0x00000000
}

// Creating a key that is taken fails with fs.ErrExist; Get finds the segment instead.
func ExampleGet() {
	key, _ := shm.Ftok(os.DevNull, 0x5a)
	seg, err := shm.Create(key, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()

	_, err = shm.Create(key, 4096, 0o600)
	fmt.Println("taken:", errors.Is(err, fs.ErrExist))
	found, err := shm.Get(key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same id:", found.ID() == seg.ID())
	// Output:
	// taken: true
	// same id: true
}

// Open is what both sides of a protocol call when either may start first.
func ExampleOpen() {
	key, _ := shm.Ftok(os.DevNull, 0x5b)
	first, err := shm.Open(key, 4096, 0o600) // creates
	if err != nil {
		log.Fatal(err)
	}
	defer first.Remove()
	second, err := shm.Open(key, 4096, 0o600) // finds
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(first.ID() == second.ID())
	// Output: true
}

func ExampleSegment_Attach() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()

	a, err := seg.Attach()
	if err != nil {
		log.Fatal(err)
	}
	defer shm.Detach(a)
	b, err := seg.Attach() // a second mapping of the same memory
	if err != nil {
		log.Fatal(err)
	}
	defer shm.Detach(b)

	copy(a, "hello")
	fmt.Println(len(b), string(b[:5]))
	// Output: 4096 hello
}

// A reader that only needs to look attaches read-only: it needs only read permission,
// and writing through the slice would kill the process.
func ExampleReadOnly() {
	seg, err := shm.Create(shm.Private, 4096, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	w, _ := seg.Attach()
	defer shm.Detach(w)
	copy(w, "news")

	r, err := seg.Attach(shm.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer shm.Detach(r)
	fmt.Println(string(r[:4]))
	// Output: news
}

func ExampleDetach() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	b, err := seg.Attach()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shm.Detach(b))
	// b must not be used from here on. Detaching again is an error, not a crash.
	fmt.Println(errors.Is(shm.Detach(b), fs.ErrInvalid))
	// Output:
	// <nil>
	// true
}

func ExampleSegment_Stat() {
	seg, err := shm.Create(shm.Private, 4096, 0o640)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	b, _ := seg.Attach()
	defer shm.Detach(b)

	info, err := seg.Stat()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Size, info.Mode, info.Attached, info.CreatorPID == os.Getpid())
	// Output: 4096 -rw-r----- 1 true
}

// Removing an attached segment only marks it; it goes with the last detach.
func ExampleSegment_Remove() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	b, _ := seg.Attach()
	if err := seg.Remove(); err != nil {
		log.Fatal(err)
	}
	info, _ := seg.Stat()
	fmt.Println("removed:", info.Removed)
	shm.Detach(b)
	_, err = seg.Stat()
	fmt.Println("gone:", errors.Is(err, fs.ErrNotExist))
	// Output:
	// removed: true
	// gone: true
}

func ExampleLimits() {
	l, err := shm.Limits()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.MinSize > 0 && l.MaxSize >= l.MinSize)
	// Output: true
}

func ExampleUsage() {
	u, err := shm.Usage()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Segments >= 0, u.ResidentPages <= u.Pages)
	// Output: true true
}

// List shows every segment of the system, as ipcs -m does.
func ExampleList() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	infos, err := shm.List()
	if err != nil {
		log.Fatal(err)
	}
	for _, info := range infos {
		if info.ID == seg.ID() {
			fmt.Println(info.Key, info.Size, info.Mode, info.Attached)
		}
	}
	// Output: 0x00000000 4096 -rw------- 0
}

func ExampleSegment_Chmod() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	if err := seg.Chmod(0o644); err != nil { // let everyone attach read-only
		log.Fatal(err)
	}
	info, _ := seg.Stat()
	fmt.Println(info.Mode)
	// Output: -rw-r--r--
}

// A process that must never wait for a page of the segment to come back from swap
// locks it, then pre-faults it.
func ExampleSegment_LockMemory() {
	seg, err := shm.Create(shm.Private, 1<<20, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	if err := seg.LockMemory(); err != nil {
		log.Fatal(err) // needs CAP_IPC_LOCK or room under RLIMIT_MEMLOCK
	}
	b, err := seg.Attach(shm.Populate)
	if err != nil {
		log.Fatal(err)
	}
	defer shm.Detach(b)
	info, _ := seg.Stat()
	fmt.Println(info.Locked)
	// Output: true
}

// A fixed layout shared with a C program, read and written through Go fields.
func ExampleView() {
	type header struct {
		Version uint32
		Count   uint32 // updated with sync/atomic by writers
		Offset  uint64
	}
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	b, _ := seg.Attach()
	defer shm.Detach(b)

	h, err := shm.View[header](b, 0)
	if err != nil {
		log.Fatal(err)
	}
	h.Version = 2
	fmt.Println(b[0])
	// Output: 2
}

// Give a segment to the user a daemon runs as, so that it can attach it read-write
// and remove it; only the owner, the creator or root may.
func ExampleSegment_Chown() {
	seg, err := shm.Create(shm.Private, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove()
	if err := seg.Chown(65534, -1); err != nil { // -1: keep the group
		log.Fatal(err)
	}
	info, _ := seg.Stat()
	fmt.Println(info.UID, info.CUID == os.Getuid())
	// Output: 65534 true
}
