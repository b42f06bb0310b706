package ring_test

import (
	"bytes"
	"context"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/go-sysv/shm/internal/proctest"
)

// otherArch is the architecture of the other word size that this machine runs
// natively, for the test below, or "".
var otherArch = map[string]string{"amd64": "386", "386": "amd64", "arm64": "arm"}[runtime.GOARCH]

// buildOtherArch builds this package's test binary for otherArch, or skips the test.
func buildOtherArch(t *testing.T) string {
	t.Helper()
	if otherArch == "" || runtime.GOOS != "linux" {
		t.Skipf("no other word size to build for on %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	goTool, err := exec.LookPath("go") // go test puts its own first in PATH
	if err != nil {
		t.Skip("no go command to build the other side with")
	}
	bin := filepath.Join(t.TempDir(), "ring-"+otherArch+".test")
	cmd := exec.Command(goTool, "test", "-c", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "GOARCH="+otherArch, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot build the %s side (%v): %s", otherArch, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if (f.Class == elf.ELFCLASS32) == (runtime.GOARCH == "386" || runtime.GOARCH == "arm") {
		t.Fatalf("the %s build is an ELF of class %v, the same word size as this process", otherArch, f.Class)
	}
	return bin
}

// A process of the other word size (386 for amd64) sends through the same ring, and
// receives.
func TestOtherWordSize(t *testing.T) {
	bin := buildOtherArch(t)
	other := func(cmd *exec.Cmd) { cmd.Path, cmd.Args[0] = bin, bin }
	rg := newRing(t, 64<<10)
	sizes, buf := sizesFor(rg.Capacity()), make([]byte, rg.Capacity())

	c := proctest.StartWith(t, "send", other, ringEnv(rg, "RING_COUNT=300")...)
	r, err := rg.Reader()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		n, err := r.Recv(context.Background(), buf)
		if err != nil {
			t.Fatalf("Recv %d from the %s process: %v\nits stderr:\n%s", i, otherArch, err, c.Stderr())
		}
		if want := message(i, sizes); !bytes.Equal(buf[:n], want) {
			t.Fatalf("message %d from the %s process: %d bytes, want %d or other bytes", i, otherArch, n, len(want))
		}
	}
	if _, err := r.Recv(context.Background(), buf); err != io.EOF {
		t.Fatalf("after the %s process's last message: %v, want io.EOF", otherArch, err)
	}
	c.Expect("sent")
	c.WaitOK()
	r.Close()

	w, err := rg.Writer()
	if err != nil {
		t.Fatal(err)
	}
	c = proctest.StartWith(t, "recv", other, ringEnv(rg)...)
	c.Expect("ready")
	for i := range 300 {
		if err := w.Send(context.Background(), message(i, sizes)); err != nil {
			t.Fatalf("Send %d to the %s process: %v\nits stderr:\n%s", i, otherArch, err, c.Stderr())
		}
	}
	w.Close()
	c.Expect("got 300")
	c.WaitOK()
}
