//go:build linux

package ring_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysv/shm/internal/proctest"
)

// startC runs the C peer of examples/c/ring.h with args.
func startC(t *testing.T, prog string, args ...string) *proctest.Child {
	t.Helper()
	return proctest.StartWith(t, "c", func(cmd *exec.Cmd) {
		cmd.Path = prog
		cmd.Args = append([]string{prog}, args...)
	})
}

// A C program sends through a ring to Go and receives from it, with messages of every
// size, pieces and wraps included: built for this machine, and as a 32-bit program
// (gcc -m32) where the compiler can.
func TestCPeer(t *testing.T) {
	t.Run("native", func(t *testing.T) {
		exchangeWithC(t, proctest.BuildC(t, "ringpeer", "../examples/c/ringpeer.c"))
	})
	t.Run("32-bit", func(t *testing.T) {
		if runtime.GOARCH != "amd64" {
			t.Skip("-m32 is tried on amd64 only")
		}
		probe := filepath.Join(t.TempDir(), "m32.c")
		os.WriteFile(probe, []byte("int main(void) { return 0; }\n"), 0o644)
		if out, err := exec.Command("gcc", "-m32", "-o", probe+".out", probe).CombinedOutput(); err != nil {
			t.Skipf("gcc -m32 cannot build (install gcc-multilib): %v %s", err, out)
		}
		exchangeWithC(t, proctest.BuildC(t, "ringpeer32", "-m32", "../examples/c/ringpeer.c"))
	})
}

func exchangeWithC(t *testing.T, prog string) {
	for _, capacity := range []int{4 << 10, 1 << 20} {
		rg := newRing(t, capacity)
		sizes := sizesFor(capacity)
		list := make([]string, len(sizes))
		for i, s := range sizes {
			list[i] = strconv.Itoa(s)
		}
		id, sizeList := strconv.Itoa(rg.ID()), strings.Join(list, ",")
		buf := make([]byte, capacity)

		// C to Go.
		r, err := rg.Reader()
		if err != nil {
			t.Fatal(err)
		}
		c := startC(t, prog, "send", id, "400", sizeList)
		for i := range 400 {
			n, err := r.Recv(context.Background(), buf)
			if err != nil {
				t.Fatalf("capacity %d: Recv %d from C: %v\nC stderr:\n%s", capacity, i, err, c.Stderr())
			}
			if want := message(i, sizes); !bytes.Equal(buf[:n], want) {
				t.Fatalf("capacity %d: message %d from C: %d bytes, want %d or other bytes", capacity, i, n, len(want))
			}
		}
		if _, err := r.Recv(context.Background(), buf); err != io.EOF {
			t.Fatalf("capacity %d: after C's last message: %v, want io.EOF", capacity, err)
		}
		c.Expect("sent")
		c.WaitOK()
		r.Close()

		// Go to C.
		w, err := rg.Writer()
		if err != nil {
			t.Fatal(err)
		}
		c = startC(t, prog, "recv", id, sizeList)
		c.Expect("ready")
		for i := range 400 {
			if err := w.Send(context.Background(), message(i, sizes)); err != nil {
				t.Fatalf("capacity %d: Send %d to C: %v\nC stderr:\n%s", capacity, i, err, c.Stderr())
			}
		}
		w.Close()
		c.Expect("got 400")
		c.WaitOK()
	}
}
