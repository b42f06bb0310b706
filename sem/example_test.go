//go:build linux

package sem_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"log"
	"os"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/sem"
)

// One key names a segment and the mutex that guards it. Every process runs the same
// code; the first creates both, the others find them.
func ExampleMutex() {
	key, err := shm.Ftok(os.DevNull, 0x6d)
	if err != nil {
		log.Fatal(err)
	}
	seg, err := shm.Open(key, 4096, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer seg.Remove() // in a real program, only the last one out removes them
	mu, err := sem.OpenMutex(key, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer mu.Remove()
	b, err := seg.Attach()
	if err != nil {
		log.Fatal(err)
	}
	defer shm.Detach(b)

	ctx := context.Background()
	for range 3 {
		if err := mu.Lock(ctx); err != nil {
			log.Fatal(err)
		}
		n := binary.LittleEndian.Uint64(b)
		binary.LittleEndian.PutUint64(b, n+1)
		if err := mu.Unlock(); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(binary.LittleEndian.Uint64(b))
	// Output: 3
}

// A counting semaphore hands work from producers to consumers; NoUndo because the
// process that releases is not the one that acquires.
func ExampleSet_Acquire() {
	s, err := sem.Create(shm.Private, 1, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Remove()
	if err := s.Release(0, 2, sem.NoUndo); err != nil { // two items ready
		log.Fatal(err)
	}
	if err := s.Acquire(context.Background(), 0, 1, sem.NoUndo); err != nil {
		log.Fatal(err)
	}
	v, _ := s.Value(0)
	fmt.Println(v)
	// Output: 1
}

// Do applies several operations atomically: here, take one from semaphore 0 and give
// one to semaphore 1 in one step.
func ExampleSet_Do() {
	s, err := sem.Create(shm.Private, 2, 0o600, 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Remove()
	err = s.Do(context.Background(),
		sem.Op{Index: 0, Delta: -1, Options: sem.NoUndo},
		sem.Op{Index: 1, Delta: +1, Options: sem.NoUndo})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Values())
	// Output: [0 1] <nil>
}

func ExampleSet_TryAcquire() {
	s, err := sem.Create(shm.Private, 1, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Remove()
	ok, err := s.TryAcquire(0, 1)
	fmt.Println(ok, err)
	// Output: false <nil>
}

// A Private set has no key; a child process that is given its id makes a mutex of one
// of its semaphores with NewMutex.
func ExampleNewMutex() {
	s, err := sem.Create(shm.Private, 2, 0o600, 1, 1) // two mutexes, both unlocked
	if err != nil {
		log.Fatal(err)
	}
	defer s.Remove()
	// In the child: s, err := sem.FromID(id)
	mu, err := sem.NewMutex(s, 1)
	if err != nil {
		log.Fatal(err)
	}
	if err := mu.Lock(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Values())
	fmt.Println(mu.Unlock())
	// Output:
	// [1 0] <nil>
	// <nil>
}

// TryDo applies a group of operations only if none has to wait.
func ExampleSet_TryDo() {
	s, err := sem.Create(shm.Private, 2, 0o600, 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Remove()
	// Take one of each: semaphore 1 has none, so nothing is taken.
	ok, err := s.TryDo(sem.Op{Index: 0, Delta: -1}, sem.Op{Index: 1, Delta: -1})
	fmt.Println(ok, err)
	fmt.Println(s.Values())
	// Output:
	// false <nil>
	// [1 0] <nil>
}

// List is what ipcs -s prints.
func ExampleList() {
	s, err := sem.Create(shm.Private, 3, 0o640)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Remove()
	infos, err := sem.List()
	if err != nil {
		log.Fatal(err)
	}
	for _, info := range infos {
		if info.ID == s.ID() {
			fmt.Println(info.Len, info.Mode)
		}
	}
	// Output: 3 -rw-r-----
}
