// Command client is the client of the classic shared memory exercise: it writes "A",
// "AB", … up to the whole alphabet into the segment keyed by ftok(path, id), each once
// the server has printed the one before. -delay paces it for watching.
//
//	go run ./examples/client -path . -id 0x66 -delay 1s
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/go-sysv/shm/examples/alphabet"
)

func main() {
	delay := flag.Duration("delay", 0, "pause between strings, for watching (0: none)")
	key, ctx, cancel := alphabet.Main()
	defer cancel()
	if err := alphabet.Client(ctx, key, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		cancel()
		os.Exit(1)
	}
}
