// Package sem gives Go programs System V semaphores (semget(2), semop(2),
// semtimedop(2), semctl(2)), the classic partner of System V shared memory: shared
// memory has no synchronisation of its own, and a semaphore set named by the same key
// as a segment is how C programs have always guarded one. x/sys/unix has no wrappers for
// these calls; this package makes them on Linux with the raw system call numbers
// (semtimedop_time64 on 32-bit systems, where linux/386 has no semop of its own).
//
// A [Set] holds one or more semaphores, each a counter from 0 to [MaxValue]. Acquire
// takes from a counter, waiting while it is too low; Release adds to it and wakes the
// waiters it satisfies; [Set.Do] applies several such operations atomically. A [Mutex]
// is the common case: one semaphore used as a lock between processes.
//
//	mu, err := sem.OpenMutex(key, 0o600) // key from shm.Ftok, as for the segment
//	if err != nil { ... }
//	if err := mu.Lock(ctx); err != nil { ... }
//	// ... read and write the shared segment ...
//	mu.Unlock()
//
// # Undo on process death
//
// Acquire and Release are recorded for undo (SEM_UNDO) unless [NoUndo] is given: when a
// process exits, however it exits (SIGKILL included), the kernel reverses what it did,
// so a lock held by a process that dies is released. This is what no user-space lock
// shared between processes offers. Turn it off for semaphores that count events handed
// from one process to another, where the process that releases is not the one that
// acquires. SetValue and SetValues clear the undo records of the semaphores they set.
//
// # Creating a set safely
//
// A new set starts at zero with sem_otime unset. [Create] sets the initial values and
// then performs one operation that changes nothing, which sets sem_otime; [Open], when
// it finds the set made by someone else, waits (up to [InitTimeout]) until sem_otime is
// set. So no process ever mistakes a zero that its creator is about to make 1 for a lock
// that is held. C programs that share a set with Go ones follow the same protocol (see
// examples/c). [Get] does not wait, for sets made by programs that do not.
//
// # Waiting
//
// Waits take a context.Context. A call first tries without waiting (IPC_NOWAIT), so one
// that need not wait costs the same whatever the context. One that must wait hands a
// deadline to the kernel as its timeout, and, if ctx can be cancelled, a cancellation
// interrupts the waiting thread at once (with SIGURG, which the Go runtime ignores; a
// program that asked signal.Notify for SIGURG sees them). A program that ignores SIGURG
// (signal.Ignore) discards that signal, so there a wait that can be cancelled sleeps in
// slices of a few milliseconds and looks at ctx between them. The Go runtime signals its
// threads often, and semop is never restarted after a signal, so EINTR is retried with
// what is left of the deadline. Removing a set wakes every waiter with an error wrapping
// fs.ErrNotExist.
//
// # Reused ids
//
// The kernel gives the id of a removed set to a later set. A [Set] remembers what
// identifies its set and checks, before each call, that the id still names it; a call on
// a handle whose set is gone returns an error wrapping fs.ErrNotExist instead of acting
// on the new set. The Set documentation says what this check cannot see.
//
// # Errors
//
// Errors are [*shm.Error] values with Pkg "sem", as in every package of the module: they
// name the operation and the key or id, and match the errno and the io/fs sentinels
// with errors.Is (fs.ErrExist for a taken key, fs.ErrNotExist for a missing key, a
// removed set or a reused id, fs.ErrPermission, fs.ErrInvalid for bad arguments). A
// wait that ends with its context has ctx.Err() as the cause, and an Unlock through a
// Mutex that does not hold the lock has [ErrNotLocked].
//
// # Systems
//
// Linux is where the package is tested. darwin has semget, semop and semctl but no
// semtimedop: there a wait that a context can end polls with IPC_NOWAIT, at most 10 ms
// apart, and such a waiter is not counted by [Set.Waiting]. On other systems every
// function returns an error wrapping errors.ErrUnsupported.
//
// Everything here is safe for concurrent use: a Set is an immutable handle, a Mutex
// keeps its one record (whether it holds the lock) atomically, and the semaphores live
// in the kernel.
package sem
