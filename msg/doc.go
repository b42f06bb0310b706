// Package msg gives Go programs System V message queues (msgget(2), msgsnd(2),
// msgrcv(2), msgctl(2)): queues in the kernel, named by a key, that unrelated processes
// put typed messages on and take them off, in order within each type. A complete
// program that sends itself a message:
//
//	package main
//
//	import (
//		"context"
//		"fmt"
//		"log"
//
//		"github.com/go-sysv/shm"
//		"github.com/go-sysv/shm/msg"
//	)
//
//	func main() {
//		key, err := shm.Ftok("/etc/hostname", 'Q') // both sides agree on the path
//		if err != nil {
//			log.Fatal(err)
//		}
//		q, err := msg.Open(key, 0o600)
//		if err != nil {
//			log.Fatal(err)
//		}
//		defer q.Remove() // queues outlive processes: remove it when done
//
//		ctx := context.Background()
//		if err := q.Send(ctx, 1, []byte("hello")); err != nil {
//			log.Fatal(err)
//		}
//		buf := make([]byte, 8192) // Linux's default MSGMAX
//		n, typ, err := q.Recv(ctx, 0, buf)
//		if err != nil {
//			log.Fatal(err)
//		}
//		fmt.Printf("type %d: %s\n", typ, buf[:n])
//	}
//
// A [Queue] is found or made by key as shm segments are: [Create] makes a new queue,
// [Get] finds one, [Open] does either, [FromID] takes the msqid that ipcs -q prints, and
// [Queue.Remove] destroys it with every message in it. A queue outlives the processes
// that made it: remove it, or it stays until reboot.
//
// # Messages
//
// A message is a type, a positive number the sender chooses, and a body of bytes (up
// to MSGMAX, 8 KiB by default; see [Limits]). [Queue.Send] waits while the queue is
// full, [Queue.Recv] while no message is selected, each until its context is done:
// a cancellation or a deadline wakes a waiting call at once, and the error then wraps
// ctx.Err(). [Queue.TrySend] and [Queue.TryRecv] never wait. A receive selects by type
// as msgrcv(2) does: 0 takes the first message, a positive type the first of that type
// (or, with [Except], of any other), a negative type the first of the lowest type up to
// its absolute value, which makes the queue a priority queue. A message longer than the
// receiver's buffer stays queued and the error says how long it is, unless [NoError]
// asks to truncate it. [Copy] reads a message by position without taking it.
//
// Sending and receiving allocate nothing in the steady state: the package keeps buffers
// for the kernel's layout (a C long type, then the body) between calls, and copies the
// body out of them, so callers should reuse their receive buffers. A call that must
// wait on a context that can end locks its thread and starts a watcher goroutine; one
// that need not wait, or whose context never ends, does neither.
//
// # Errors
//
// Errors are [*shm.Error] values with Pkg "msg" and Op the method called ("send",
// "recv", "trysend", ...): errors.Is works with the errno and with the io/fs sentinels,
// fs.ErrExist for a taken key, fs.ErrNotExist for a missing key or queue (also a queue
// removed while a call waits on it, EIDRM), fs.ErrPermission for EACCES and EPERM, and
// fs.ErrInvalid for bad arguments. A zero Queue names no queue: its ID is -1 and its
// methods return errors wrapping fs.ErrInvalid.
//
// # Systems
//
// Message queues are implemented for Linux, on every architecture Go supports there.
// On other systems every function returns an error wrapping errors.ErrUnsupported.
//
// Every function here is safe for concurrent use by many goroutines: a [Queue] is an
// immutable handle, and several goroutines or processes may send and receive on one
// queue at once.
package msg
