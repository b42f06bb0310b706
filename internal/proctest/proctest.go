// Package proctest lets a test binary play a second process: the test starts its own
// binary again (os.Args[0]) with an environment switch, and TestMain hands control to the
// child function the switch names. Parent and child talk over the child's stdin and
// stdout, a line at a time, so they wait on each other instead of on the clock.
package proctest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Env is the environment variable that names the child a re-executed test binary plays.
const Env = "GOSYSV_TEST_CHILD"

// Deadline bounds every wait on a child: a line it should print, or its exit. It is far
// above what any step takes; reaching it means the test has failed.
const Deadline = 60 * time.Second

// Main runs the tests, or, in a binary started by Start, the child named by Env,
// exiting with the status it returns. Call it from TestMain.
func Main(m *testing.M, children map[string]func() int) {
	if name := os.Getenv(Env); name != "" {
		f, ok := children[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "proctest: no child named %q\n", name)
			os.Exit(3)
		}
		os.Exit(f())
	}
	os.Exit(m.Run())
}

// Child is a running child process.
type Child struct {
	t      testing.TB
	cmd    *exec.Cmd
	in     *os.File // the child's stdin, our end
	out    *os.File // the child's stdout, our end
	lines  *bufio.Reader
	stderr *syncBuffer
	done   chan struct{}
	err    error // from Wait, valid once done is closed
}

// Start runs the child called name in a new process, with env added to this process's
// environment. The child is killed, if still running, when the test ends.
func Start(t testing.TB, name string, env ...string) *Child {
	t.Helper()
	return StartWith(t, name, nil, env...)
}

// StartWith is Start with a function that adjusts the command before it starts: to set
// SysProcAttr (new namespaces, say) or ExtraFiles (which the child finds as fd 3 on).
func StartWith(t testing.TB, name string, setup func(*exec.Cmd), env ...string) *Child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), Env+"="+name), env...)
	if setup != nil {
		setup(cmd)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &Child{t: t, cmd: cmd, in: inW, out: outR, lines: bufio.NewReader(outR), stderr: new(syncBuffer), done: make(chan struct{})}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child %s: %v", name, err)
	}
	inR.Close()
	outW.Close()
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			cmd.Process.Kill()
			<-c.done
		}
		inW.Close()
		outR.Close()
	})
	return c
}

// Pid returns the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Stderr returns what the child has written to its standard error so far.
func (c *Child) Stderr() string { return c.stderr.String() }

// ReadLine returns the next line the child prints, failing the test if none comes
// before the deadline.
func (c *Child) ReadLine() string {
	c.t.Helper()
	c.out.SetReadDeadline(time.Now().Add(Deadline))
	line, err := c.lines.ReadString('\n')
	if err != nil {
		c.t.Fatalf("reading from child: %v (line so far %q)\nchild stderr:\n%s", err, line, c.Stderr())
	}
	return strings.TrimSuffix(line, "\n")
}

// Expect reads the next line and fails the test unless it is want.
func (c *Child) Expect(want string) {
	c.t.Helper()
	if got := c.ReadLine(); got != want {
		c.t.Fatalf("child said %q, want %q\nchild stderr:\n%s", got, want, c.Stderr())
	}
}

// Send writes a line to the child's standard input.
func (c *Child) Send(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		c.t.Fatalf("writing to child: %v", err)
	}
}

// Signal sends sig to the child.
func (c *Child) Signal(sig os.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("signal child: %v", err)
	}
}

// Wait waits for the child to exit, failing the test at the deadline, and returns how
// it ended.
func (c *Child) Wait() *os.ProcessState {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(Deadline):
		c.cmd.Process.Kill()
		<-c.done
		c.t.Fatalf("child did not exit within %v\nchild stderr:\n%s", Deadline, c.Stderr())
	}
	return c.cmd.ProcessState
}

// WaitOK waits for the child and fails the test unless it exited with status 0.
func (c *Child) WaitOK() {
	c.t.Helper()
	if st := c.Wait(); !st.Success() {
		c.t.Fatalf("child ended with %v\nchild stderr:\n%s", st, c.Stderr())
	}
}

// Poll checks cond every millisecond until it holds, failing the test if it does not
// within Deadline. It is for conditions no event announces, such as "a process is
// waiting on the semaphore" (GETNCNT); the pause is polling, not synchronisation.
func Poll(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Deadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Say prints a line for the parent to read; for use in a child.
func Say(format string, args ...any) {
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

// Hear reads a line that the parent sent; for use in a child. It returns "" at the
// end of input (the parent has gone). It reads a byte at a time so that nothing is
// held in a buffer between calls.
func Hear() string {
	var line []byte
	var b [1]byte
	for {
		n, err := os.Stdin.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return string(line)
			}
			line = append(line, b[0])
		}
		if err != nil {
			return string(line)
		}
	}
}

// Fail reports a failure from a child and returns the exit status for it.
func Fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "child: "+format+"\n", args...)
	return 1
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// BuildC compiles the C source files into a program in a temporary directory and returns
// its path. The test is skipped, saying why, when no C compiler is found ($CC, cc or gcc).
func BuildC(t testing.TB, name string, sources ...string) string {
	t.Helper()
	cc := os.Getenv("CC")
	if cc == "" {
		for _, c := range []string{"cc", "gcc"} {
			if _, err := exec.LookPath(c); err == nil {
				cc = c
				break
			}
		}
	}
	if cc == "" {
		t.Skip("no C compiler found (set CC, or install gcc) to build the C side of this test")
	}
	out := filepath.Join(t.TempDir(), name)
	args := append([]string{"-std=c11", "-D_XOPEN_SOURCE=700", "-Wall", "-Werror", "-O2", "-o", out}, sources...)
	if b, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", cc, strings.Join(args, " "), err, b)
	}
	return out
}
