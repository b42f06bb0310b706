// Command demo runs the classic shared memory exercise end to end: it starts the server
// and the client of package alphabet as two separate processes (itself, run again in
// each role), shows what the server prints, and exits 0 once both have ended, leaving
// nothing behind in ipcs. It takes the flags of the server and the client.
//
//	go run ./examples/demo
//	go run ./examples/demo -delay 1s
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/go-sysv/shm/examples/alphabet"
)

func main() {
	role := flag.String("role", "", "internal: play the server or the client")
	delay := flag.Duration("delay", 0, "the client's pause between strings")
	key, ctx, cancel := alphabet.Main()
	defer cancel()
	var err error
	switch *role {
	case "server":
		err = alphabet.Server(ctx, key, os.Stdout)
	case "client":
		err = alphabet.Client(ctx, key, *delay)
	case "":
		err = run() // Ctrl-C reaches the children too; they clean up and end
	default:
		err = fmt.Errorf("unknown role %q", *role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "demo %s: %v\n", *role, err)
		cancel()
		os.Exit(1)
	}
}

// run starts the server and the client, passing on this command's flags, and waits for
// both.
func run() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	start := func(role string) (*exec.Cmd, error) {
		cmd := exec.Command(self, append([]string{"-role", role}, os.Args[1:]...)...)
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
