//go:build linux

package alphabet_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/examples/alphabet"
	"github.com/go-sysv/shm/internal/proctest"
	"github.com/go-sysv/shm/sem"
)

// bin holds the example commands, built once for all tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "alphabet")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	out, err := exec.Command("go", "build", "-o", dir+"/", "../server", "../client", "../demo").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the examples: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// want is what a server prints for one whole exchange.
func want() string {
	var b strings.Builder
	for n := 1; n <= len(alphabet.Last); n++ {
		fmt.Fprintf(&b, "client# %s\n", alphabet.Last[:n])
	}
	return b.String()
}

// meetingPoint returns a fresh file for ftok and its key, and removes anything left at
// that key when the test ends (nothing should be: the test checks that first).
func meetingPoint(t *testing.T) (path string, key shm.Key) {
	path = filepath.Join(t.TempDir(), "meet")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := shm.Ftok(path, 0x66)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if seg, err := shm.Get(key); err == nil {
			seg.Remove()
		}
		if s, err := sem.Get(key); err == nil {
			s.Remove()
		}
	})
	return path, key
}

// assertNothingLeft fails the test if a segment or semaphore set is left at key.
func assertNothingLeft(t *testing.T, key shm.Key) {
	t.Helper()
	if _, err := shm.Get(key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a segment is left at %v: %v", key, err)
	}
	if _, err := sem.Get(key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a semaphore set is left at %v: %v", key, err)
	}
}

// program returns a command for one side: "go" for the Go programs, "c" for the C ones.
func program(t *testing.T, lang, side, path string) *exec.Cmd {
	if lang == "c" {
		prog := proctest.BuildC(t, side, "../c/"+side+".c")
		return exec.Command(prog, path, "0x66")
	}
	return exec.Command(filepath.Join(bin, side), "-path", path, "-id", "0x66")
}

func TestPairings(t *testing.T) {
	for _, pair := range [][2]string{{"go", "go"}, {"go", "c"}, {"c", "go"}, {"c", "c"}} {
		for _, clientFirst := range []bool{false, true} {
			name := fmt.Sprintf("server=%s/client=%s/clientFirst=%v", pair[0], pair[1], clientFirst)
			t.Run(name, func(t *testing.T) {
				path, key := meetingPoint(t)
				server, client := program(t, pair[0], "server", path), program(t, pair[1], "client", path)
				var out, serverErr, clientErr bytes.Buffer
				server.Stdout, server.Stderr, client.Stderr = &out, &serverErr, &clientErr
				first, second := server, client
				if clientFirst {
					first, second = client, server
				}
				if err := first.Start(); err != nil {
					t.Fatal(err)
				}
				if err := second.Start(); err != nil {
					first.Process.Kill()
					first.Wait()
					t.Fatal(err)
				}
				waitBoth(t, server, client)
				if t.Failed() {
					t.Fatalf("server stderr:\n%s\nclient stderr:\n%s", &serverErr, &clientErr)
				}
				if out.String() != want() {
					t.Fatalf("server printed\n%s\nwant the 26 lines from A to Z", out.String())
				}
				assertNothingLeft(t, key)
			})
		}
	}
}

func waitBoth(t *testing.T, a, b *exec.Cmd) {
	t.Helper()
	done := make(chan error, 2)
	go func() { done <- a.Wait() }()
	go func() { done <- b.Wait() }()
	timeout := time.After(proctest.Deadline)
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("a side failed: %v", err)
			}
		case <-timeout:
			a.Process.Kill()
			b.Process.Kill()
			t.Errorf("the exchange did not end")
			return
		}
	}
}

func TestDemo(t *testing.T) {
	path, key := meetingPoint(t)
	out, err := exec.Command(filepath.Join(bin, "demo"), "-path", path).Output()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	if string(out) != want() {
		t.Fatalf("demo printed\n%s\nwant the 26 lines", out)
	}
	assertNothingLeft(t, key)
}

// A side that is interrupted while it waits for the other removes everything.
func TestInterruptedSideCleansUp(t *testing.T) {
	for _, side := range []string{"server", "client"} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(side+"/"+sig.String(), func(t *testing.T) {
				path, key := meetingPoint(t)
				cmd := program(t, "go", side, path)
				var errs bytes.Buffer
				cmd.Stderr = &errs
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				// Wait until it waits: the server for FULL, the client for EMPTY after "A".
				waitForWaiter(t, key, map[string]int{"server": alphabet.Full, "client": alphabet.Empty}[side])
				cmd.Process.Signal(sig)
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				select {
				case <-done:
				case <-time.After(proctest.Deadline):
					cmd.Process.Kill()
					t.Fatalf("%s did not end on %v", side, sig)
				}
				assertNothingLeft(t, key)
			})
		}
	}
}

// waitForWaiter polls until a process waits on semaphore i of key's set.
func waitForWaiter(t *testing.T, key shm.Key, i int) {
	t.Helper()
	proctest.Poll(t, "a process to wait on the semaphores", func() bool {
		s, err := sem.Get(key)
		if err != nil {
			return false
		}
		n, err := s.Waiting(i)
		return err == nil && n > 0
	})
}
