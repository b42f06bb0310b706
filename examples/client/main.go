// Command client is the client of the classic shared memory exercise: it writes "A",
// "AB", … up to the whole alphabet into the segment keyed by ftok(path, id), each once
// the server has printed the one before. -delay paces it for watching.
//
//	go run ./examples/client -path . -id 0x66 -delay 1s
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
	delay := flag.Duration("delay", 0, "`pause` between strings, for watching (0: none)")
	flag.Parse()
	if flag.NArg() > 0 {
		fail("unexpected argument %q: the client takes only flags (-h lists them)", flag.Arg(0))
	}
	if *delay < 0 {
		fail("-delay %v: a pause cannot be negative", *delay)
	}
	key, err := shm.Ftok(*path, int(id))
	if err != nil {
		fail("-path %s: %v", *path, err)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := alphabet.Client(ctx, key, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		cancel()
		os.Exit(1)
	}
}

// fail reports a bad command line and exits with status 2, as package flag does.
func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "client: "+format+"\n", args...)
	os.Exit(2)
}
