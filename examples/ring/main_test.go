//go:build linux

package main

import (
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv(idEnv) != "" {
		// The producer started this binary again as its consumer.
		if err := consumeID(os.Getenv(idEnv)); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The producer starts a consumer process, which receives every message in order.
func TestProducerConsumer(t *testing.T) {
	out := captureStdout(t, func() {
		if err := producer(0, 5000, 100, true); err != nil {
			t.Fatal(err)
		}
	})
	for _, want := range []string{"producer: 5000 messages of 100 bytes", "consumer: 5000 messages of 100 bytes"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// captureStdout runs f with os.Stdout, which the consumer process inherits, on a pipe.
func captureStdout(t *testing.T, f func()) string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	f()
	os.Stdout = old
	w.Close()
	b := make([]byte, 4096)
	n, _ := r.Read(b)
	return string(b[:n])
}
