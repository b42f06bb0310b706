// Command demo runs the classic shared memory exercise end to end: it starts the server
// and the client of package alphabet as two separate processes (itself, run again in
// each role), shows what the server prints, and exits 0 once both have ended, leaving
// nothing behind in ipcs. It takes the flags of the server and the client.
//
//	go run ./examples/demo
//	go run ./examples/demo -delay 1s
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/examples/alphabet"
)

// roleEnv tells a copy of demo started by demo which side to play. It is an environment
// variable rather than a flag so that -h lists only what a person may set.
const roleEnv = "ALPHABET_DEMO_ROLE"

func main() {
	path := flag.String("path", ".", "existing `file` for ftok, which names the segment and semaphores")
	id := alphabet.DefaultProjID
	flag.Var(&id, "id", "ftok's project `id`, 1 to 255")
	delay := flag.Duration("delay", 0, "the client's `pause` between strings, for watching (0: none)")
	flag.Parse()
	if flag.NArg() > 0 {
		fail("unexpected argument %q: demo takes only flags (-h lists them)", flag.Arg(0))
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
	role := os.Getenv(roleEnv)
	switch role {
	case "server":
		err = alphabet.Server(ctx, key, os.Stdout)
	case "client":
		err = alphabet.Client(ctx, key, *delay)
	case "":
		err = run() // Ctrl-C reaches the children too; they clean up and end
	default:
		err = fmt.Errorf("%s=%q: the roles are server and client", roleEnv, role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "demo %s: %v\n", role, err)
		cancel()
		os.Exit(1)
	}
}

// fail reports a bad command line and exits with status 2, as package flag does.
func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "demo: "+format+"\n", args...)
	os.Exit(2)
}

// run starts the server and the client, passing on this command's flags, and waits for
// both.
func run() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	start := func(role string) (*exec.Cmd, error) {
		cmd := exec.Command(self, os.Args[1:]...)
		cmd.Env = append(os.Environ(), roleEnv+"="+role)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd, cmd.Start()
	}
	server, err := start("server")
	if err != nil {
		return err
	}
	client, err := start("client")
	if err != nil {
		server.Process.Signal(os.Interrupt)
		server.Wait()
		return err
	}
	cerr, serr := client.Wait(), server.Wait()
	if serr != nil {
		return fmt.Errorf("server: %v", serr)
	}
	if cerr != nil {
		return fmt.Errorf("client: %v", cerr)
	}
	fmt.Fprintf(os.Stderr, "demo: server (pid %d) and client (pid %d) are done; segment and semaphores removed\n",
		server.Process.Pid, client.Process.Pid)
	return nil
}
