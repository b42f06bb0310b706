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
	"regexp"
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
		return exec.Command(buildC(t, side), path, "0x66")
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

// ccLine matches a build line of examples/c/README.md: "cc FLAGS -o NAME NAME.c".
var ccLine = regexp.MustCompile(`(?m)^cc ((?:\S+ )+)-o (\w+) (\w+\.c)$`)

// buildC builds the C program name with the cc line that examples/c/README.md gives for
// it, so that the tests prove the documented line works; only the compiler ($CC, cc or
// gcc) and the output path change. It skips the test when there is no C compiler.
func buildC(t *testing.T, name string) string {
	t.Helper()
	readme, err := os.ReadFile("../c/README.md")
	if err != nil {
		t.Fatal(err)
	}
	var flags []string
	var source string
	for _, m := range ccLine.FindAllStringSubmatch(string(readme), -1) {
		if m[2] == name {
			flags, source = strings.Fields(m[1]), m[3]
		}
	}
	if source == "" {
		t.Fatalf("examples/c/README.md has no line \"cc ... -o %s %s.c\"", name, name)
	}
	cc := os.Getenv("CC")
	for _, c := range []string{"cc", "gcc"} {
		if cc == "" {
			if _, err := exec.LookPath(c); err == nil {
				cc = c
			}
		}
	}
	if cc == "" {
		t.Skip("no C compiler found (set CC, or install gcc) to build examples/c")
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(cc, append(flags, "-o", out, source)...)
	cmd.Dir = "../c"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd, err, b)
	}
	return out
}

// Every program explains a bad command line, naming the value and the reason, and
// exits 2; -h exits 0 and shows the id in hex.
func TestCommandLines(t *testing.T) {
	const idRange = "project ids are 1 to 255"
	cases := []struct {
		name     string
		prog     string // "go:NAME" or "c:NAME"
		args     []string
		wantCode int
		want     string // in the output, stdout and stderr together
		unwanted string
	}{
		{"go server rejects id 0", "go:server", []string{"-id", "0"}, 2, `invalid value "0" for flag -id: ` + idRange, ""},
		{"go server rejects id -1", "go:server", []string{"-id", "-1"}, 2, `invalid value "-1" for flag -id: ` + idRange, ""},
		{"go client rejects id 256", "go:client", []string{"-id", "256"}, 2, `invalid value "256" for flag -id: ` + idRange, ""},
		{"go client rejects a word for id", "go:client", []string{"-id", "f"}, 2, `invalid value "f" for flag -id: not a number`, ""},
		{"go client rejects a negative delay", "go:client", []string{"-delay", "-1s"}, 2, "-delay -1s: a pause cannot be negative", ""},
		{"go demo rejects a negative delay", "go:demo", []string{"-delay", "-2s"}, 2, "-delay -2s: a pause cannot be negative", ""},
		{"go server rejects an argument", "go:server", []string{"extra"}, 2, `unexpected argument "extra"`, ""},
		{"go demo rejects a missing path", "go:demo", []string{"-path", "/nonexistent/meet"}, 2, "-path /nonexistent/meet: shm: ftok", ""},
		{"go server help shows the id in hex", "go:server", []string{"-h"}, 0, "(default 0x66)", ""},
		{"go client help shows the id in hex", "go:client", []string{"-h"}, 0, "(default 0x66)", ""},
		{"go demo help hides the role", "go:demo", []string{"-h"}, 0, "(default 0x66)", "role"},
		{"c server help", "c:server", []string{"-h"}, 0, "default 0x66", ""},
		{"c client help", "c:client", []string{"-h"}, 0, "usage:", ""},
		{"c server rejects id -1", "c:server", []string{".", "-1"}, 2, "id -1: " + idRange, ""},
		{"c client rejects id 256", "c:client", []string{".", "256"}, 2, "id 256: " + idRange, ""},
		{"c client rejects a word for id", "c:client", []string{".", "0x"}, 2, `id "0x": not a number`, ""},
		{"c server rejects an argument", "c:server", []string{".", "1", "extra"}, 2, `unexpected argument "extra"`, ""},
		{"c server rejects a missing path", "c:server", []string{"/nonexistent/meet"}, 2, "path /nonexistent/meet: ftok", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lang, name, _ := strings.Cut(tc.prog, ":")
			prog := filepath.Join(bin, name)
			if lang == "c" {
				prog = buildC(t, name)
			}
			out, err := exec.Command(prog, tc.args...).CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.wantCode || !strings.Contains(string(out), tc.want) {
				t.Errorf("%s %q: exit %d, printed\n%s\nwant exit %d and %q", name, tc.args, code, out, tc.wantCode, tc.want)
			}
			if tc.unwanted != "" && strings.Contains(string(out), tc.unwanted) {
				t.Errorf("%s %q printed %q:\n%s", name, tc.args, tc.unwanted, out)
			}
		})
	}
}

// A side whose start fails after it created the segment removes the segment again: here
// the semaphore set of the key exists with one semaphore instead of two.
func TestFailedStartLeavesNoSegment(t *testing.T) {
	for _, side := range []string{"server", "client"} {
		t.Run(side, func(t *testing.T) {
			path, key := meetingPoint(t)
			wrong, err := sem.Create(key, 1, 0o600, 0)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { wrong.Remove() })
			out, err := program(t, "go", side, path).CombinedOutput()
			if err == nil {
				t.Fatalf("%s started with a semaphore set of the wrong size:\n%s", side, out)
			}
			if _, err := shm.Get(key); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s failed (%s) and left a segment at %v: %v", side, bytes.TrimSpace(out), key, err)
			}
			if _, err := sem.Get(key); err != nil {
				t.Errorf("%s removed the semaphore set it did not create: %v", side, err)
			}
		})
	}
}
