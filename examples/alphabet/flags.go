package alphabet

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-sysv/shm"
)

// Main parses the -path and -id flags that both programs take (and any flags the
// caller defined), makes the key, and returns it with a context that ends on Ctrl-C or
// SIGTERM. On a bad flag or key it prints the problem and exits with status 2.
func Main() (shm.Key, context.Context, context.CancelFunc) {
	path := flag.String("path", ".", "file for ftok: both sides must name the same existing file")
	id := flag.Int("id", 0x66, "project id for ftok (1 to 255)")
	flag.Parse()
	key, err := shm.Ftok(*path, *id)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return key, ctx, cancel
}
