//go:build linux

package msg_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/msg"
)

// FuzzTrySendTryRecv feeds arbitrary types, lengths and options to TrySend and
// TryRecv: each call works or fails with a *shm.Error, never panics or waits, and a
// message received whole is the one sent.
func FuzzTrySendTryRecv(f *testing.F) {
	f.Add(int64(1), 10, int64(0), 10, 0)
	f.Add(int64(-5), 0, int64(-1<<62), 3, int(msg.NoError))
	f.Add(int64(1<<40), 9000, int64(2), 1, int(msg.Except|msg.Copy))
	f.Add(int64(7), 100, int64(0), 50, int(msg.Copy))
	q := newQueue(f, shm.Private, 0o600)
	f.Fuzz(func(t *testing.T, typ int64, size int, rtyp int64, blen int, opts int) {
		size, blen = size%9000, blen%9000 // around MSGMAX, and small enough to be quick
		if size < 0 {
			size = -size
		}
		if blen < 0 {
			blen = -blen
		}
		body := bytes.Repeat([]byte{byte(typ)}, size)
		sent, err := q.TrySend(typ, body)
		isError(t, "TrySend", err)
		buf := make([]byte, blen)
		n, got, err := q.TryRecv(rtyp, buf, msg.RecvOption(opts))
		isError(t, "TryRecv", err)
		if err == nil && sent && got == typ && n == size && msg.RecvOption(opts)&msg.NoError == 0 && !bytes.Equal(buf[:n], body) {
			t.Fatalf("received %d bytes of type %d that differ from those sent", n, got)
		}
		for { // leave the queue empty for the next input
			if _, got, err := q.TryRecv(0, nil, msg.NoError); err != nil || got == 0 {
				break
			}
		}
	})
}

func isError(t *testing.T, what string, err error) {
	t.Helper()
	var e *shm.Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("%s error %v (%T) is not a *shm.Error", what, err, err)
	}
}
