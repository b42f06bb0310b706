// Command server is the server of the classic shared memory exercise: it prints each
// string the client writes into the segment keyed by ftok(path, id), from "A" to the
// whole alphabet, then removes the segment and its semaphores. See package alphabet for
// the protocol, which the C programs in examples/c speak too.
//
//	go run ./examples/server -path . -id 0x66
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/examples/alphabet"
)

func main() {
	path := flag.String("path", ".", "existing `file` for ftok: both sides must name the same one")
	id := alphabet.DefaultProjID
	flag.Var(&id, "id", "ftok's project `id`, 1 to 255")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "server: unexpected argument %q: the server takes only flags (-h lists them)\n", flag.Arg(0))
		os.Exit(2)
	}
	key, err := shm.Ftok(*path, int(id))
	if err != nil {
		fmt.Fprintf(os.Stderr, "server: -path %s: %v\n", *path, err)
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := alphabet.Server(ctx, key, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		cancel()
		os.Exit(1)
	}
}
