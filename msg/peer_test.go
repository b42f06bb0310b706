//go:build linux

package msg_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/internal/proctest"
)

// TestCPeer exchanges messages with a C program that uses <sys/msg.h>: the C side
// receives what Go sent and sends it back reversed under another type, which Go receives, so
// the message layout (a C long, then the body) and the type rules are proved in both
// directions. Then both read the queue's msqid_ds, which must agree field by field.
func TestCPeer(t *testing.T) {
	peer := proctest.BuildC(t, "peer", "testdata/peer.c")
	q := newQueue(t, shm.Private, 0o640)
	if err := q.SetMaxBytes(1 << 14); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(peer, strconv.Itoa(q.ID()))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	done := waitAtEnd(t, cmd, cancel)

	buf := make([]byte, 8192)
	for i, size := range []int{0, 1, 64, 4096, 8192} {
		typ := int64(i + 1)
		body := make([]byte, size)
		for j := range body {
			body[j] = byte(j*31 + i)
		}
		if err := q.Send(ctx, typ, body); err != nil {
			t.Fatal(err)
		}
		n, got, err := q.Recv(ctx, typ+100, buf)
		if err != nil {
			t.Fatalf("receiving the C side's answer to type %d: %v\nC stderr: %s", typ, err, stderr.String())
		}
		if got != typ+100 || !bytes.Equal(buf[:n], reversed(body)) {
			t.Fatalf("C answered %d bytes of type %d to %d bytes of type %d, want them reversed as type %d", n, got, size, typ, typ+100)
		}
	}
	if err := q.Send(ctx, 200, []byte("leftover")); err != nil { // stays: C takes types up to 99
		t.Fatal(err)
	}
	if err := q.Send(ctx, 99, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("C peer: %v\n%s", err, stderr.String())
		}
	case <-time.After(proctest.Deadline):
		t.Fatal("the C peer did not exit")
	}
	info := mustStat(t, q)
	want := fmt.Sprintf("qnum=%d cbytes=%d qbytes=%d lspid=%d lrpid=%d stime=%d rtime=%d ctime=%d mode=%o uid=%d cuid=%d",
		info.Messages, info.Bytes, info.MaxBytes, info.LastSendPID, info.LastRecvPID, info.LastSend.Unix(),
		info.LastRecv.Unix(), info.LastChange.Unix(), uint32(info.Mode), info.UID, info.CUID)
	if got := strings.TrimSpace(out.String()); got != want {
		t.Fatalf("C's IPC_STAT says\n%s\nGo's Stat says\n%s", got, want)
	}
	if info.Messages != 1 || info.Bytes != 8 || info.MaxBytes != 1<<14 || info.LastRecvPID != cmd.Process.Pid ||
		!isThreadOf(os.Getpid(), info.LastSendPID) || info.Mode != 0o640 {
		t.Fatalf("Stat after the exchange: %+v", info)
	}
}

// TestPythonPeer does the same with Python's sysv_ipc (python3-sysv-ipc), the library
// most users of message queues outside C know.
func TestPythonPeer(t *testing.T) {
	// Debian's package installs for the system's Python, which need not be the first
	// python3 on PATH.
	python := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import sysv_ipc").Run() == nil {
			python = path
			break
		}
	}
	if python == "" {
		t.Skip("no python3 with sysv_ipc is installed (apt-get install python3-sysv-ipc)")
	}
	key := freeKey(t)
	q := newQueue(t, key, 0o600)
	const script = `
import sys, sysv_ipc
q = sysv_ipc.MessageQueue(int(sys.argv[1], 0), max_message_size=8192)
while True:
    body, typ = q.receive(type=-99)
    if typ == 99:
        break
    q.send(body[::-1], type=typ + 100)
body, typ = q.receive(type=300)
sys.stdout.write("%d %s\n" % (typ, body.decode()))
`
	cmd := exec.Command(python, "-c", script, fmt.Sprintf("%#x", uint32(key)))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), proctest.Deadline)
	defer cancel()
	done := waitAtEnd(t, cmd, cancel)
	buf := make([]byte, 8192)
	for i, body := range []string{"a", "hello", strings.Repeat("xyz", 1000)} {
		typ := int64(i + 1)
		if err := q.Send(ctx, typ, []byte(body)); err != nil {
			t.Fatal(err)
		}
		n, got, err := q.Recv(ctx, typ+100, buf)
		if err != nil {
			t.Fatalf("receiving Python's answer: %v\n%s", err, stderr.String())
		}
		rev := reversed([]byte(body))
		if got != typ+100 || !bytes.Equal(buf[:n], rev) {
			t.Fatalf("Python answered %q of type %d, want %q of type %d", buf[:n], got, rev, typ+100)
		}
	}
	if err := q.Send(ctx, 99, nil); err != nil {
		t.Fatal(err)
	}
	if err := q.Send(ctx, 300, []byte("from go")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("python: %v\n%s", err, stderr.String())
		}
	case <-time.After(proctest.Deadline):
		t.Fatal("the Python peer did not exit")
	}
	if got := out.String(); got != "300 from go\n" {
		t.Fatalf("Python received %q, want type 300 \"from go\"", got)
	}
}

// waitAtEnd waits for cmd in the background and returns where its end is reported,
// calling cancel when it ends so that no wait on it outlasts it; a cmd still running
// when the test ends is killed.
func waitAtEnd(t *testing.T, cmd *exec.Cmd, cancel func()) <-chan error {
	done, exited := make(chan error, 1), make(chan struct{})
	go func() {
		done <- cmd.Wait()
		cancel()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	return done
}

func reversed(b []byte) []byte {
	r := make([]byte, len(b))
	for i, c := range b {
		r[len(b)-1-i] = c
	}
	return r
}
