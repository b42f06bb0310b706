// Command server is the server of the classic shared memory exercise: it prints each
// string the client writes into the segment keyed by ftok(path, id), from "A" to the
// whole alphabet, then removes the segment and its semaphores. See package alphabet for
// the protocol, which the C programs in examples/c speak too.
//
//	go run ./examples/server -path . -id 0x66
package main

import (
	"fmt"
	"os"

	"github.com/go-sysv/shm/examples/alphabet"
)

func main() {
	key, ctx, cancel := alphabet.Main()
	defer cancel()
	if err := alphabet.Server(ctx, key, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		cancel()
		os.Exit(1)
	}
}
