// Package shm gives Go programs System V shared memory: the kernel's named segments
// (shmget(2), shmat(2), shmdt(2), shmctl(2)) that unrelated processes attach to see the
// same bytes, with no copy and no system call per access.
//
// A segment is named by a [Key] (often made with [Ftok] from a path both sides know, as
// C programs do with ftok(3)) or created without a name with [Private]. [Create] makes a
// new segment, [Get] finds an existing one, [Open] does either, and [FromID] takes the
// shmid that ipcs(1) prints. [Segment.Attach] maps the segment into this process and
// returns it as a []byte; [Detach] unmaps it; [Segment.Remove] destroys the segment once
// the last process has detached. A segment outlives the processes that made it: remove
// it, or it stays until reboot (ipcs -m shows it).
//
//	key, err := shm.Ftok("/etc/myapp.conf", 'A')
//	if err != nil { ... }
//	seg, err := shm.Open(key, 4096, 0o600)
//	if err != nil { ... }
//	b, err := seg.Attach()
//	if err != nil { ... }
//	defer shm.Detach(b)
//	copy(b, "hello") // another process attached to the same key sees it at once
//
// Shared memory has no synchronisation of its own: a reader can see half of a write.
// Guard it with the semaphores of the sem subpackage (sem.Mutex), or with atomic
// operations on aligned words inside the segment; to pass a stream of messages from
// one process to another, use the ring subpackage, which does that for you.
//
// Errors are [*Error] values, in this package and in sem, msg and ring alike: they
// carry the operation, the key or id and the errno, so errors.Is works both with the
// errno (unix.EEXIST) and with the io/fs sentinels: [fs.ErrExist] for a key that is
// taken, [fs.ErrNotExist] for a key or id that names no segment (also one removed
// since, or whose id now names another), [fs.ErrPermission] for EACCES and EPERM, and
// [fs.ErrInvalid] for bad arguments. On a system without System V shared memory every
// function returns an error wrapping [errors.ErrUnsupported]; where the kernel lacks
// one option ([HugePages] on darwin, say), so does the call that asks for it.
//
// # Limits
//
// The kernel bounds the size of a segment (SHMMAX), their number (SHMMNI) and their
// total pages (SHMALL); [Limits] reads them and the errors name the one that was met.
// Linux's defaults are far above what most machines hold. darwin's are small: 4 MiB
// for the largest segment (kern.sysv.shmmax), 32 segments (kern.sysv.shmmni), 8
// attachments per process (kern.sysv.shmseg) and 1024 pages in all
// (kern.sysv.shmall); raise them as root with sysctl(8), or in /etc/sysctl.conf to
// keep them across restarts.
//
// # Safety
//
// The slice that Attach returns is not Go memory: it is a window onto pages the kernel
// shares with other processes. Mistakes with it do not panic, they crash the process
// with a fault that recover cannot catch (unless runtime/debug.SetPanicOnFault is on):
//
//   - Using the slice, or any slice or pointer taken from it (a [View] pointer
//     included), after [Detach] touches an unmapped address and kills the process
//     with SIGSEGV ("unexpected fault address"); or, once the kernel has given the
//     address to a later mapping (a later Attach often gets the same one), silently
//     reads or writes that mapping instead.
//   - Detaching a slice twice is like closing a file descriptor twice: if a later
//     Attach got the same address in between, the second [Detach] unmaps that one.
//   - Writing through a slice attached with [ReadOnly] kills the process with SIGSEGV.
//   - Never store a Go pointer (a pointer, slice, string, map, channel, interface or
//     func value) in shared memory. The garbage collector does not scan it, so the
//     pointee can be freed while the segment still refers to it, and the address means
//     nothing in another process anyway. Store plain values and offsets.
//   - Another process can change the bytes at any moment. Read each value once into a
//     local variable before checking it, and use sync/atomic on aligned words that are
//     shared without a lock.
//
// Attachments are inherited across fork(2) and dropped by execve(2) and at exit, when the
// kernel detaches everything; a Go program starting a child with os/exec therefore never
// passes its attachments on. Segments themselves are not tied to any process.
//
// Every function here is safe for concurrent use by many goroutines: the package keeps
// no state of its own, and a [Segment] is an immutable handle.
package shm
