package ring_test

import (
	"context"
	"testing"
)

// BenchmarkSendRecv streams 64-byte messages between two goroutines of this process
// through a 4 MiB ring; the cross-process benchmarks are in the bench directory.
func BenchmarkSendRecv(b *testing.B) {
	rg := newRing(b, 4<<20)
	w, r := ends(b, rg)
	msg := make([]byte, 64)
	b.SetBytes(64)
	b.ReportAllocs()
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 64)
		for range b.N {
			if _, err := r.Recv(context.Background(), buf); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	b.ResetTimer()
	for range b.N {
		if err := w.Send(context.Background(), msg); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPingPong sends 64 bytes to another goroutine through one ring and back
// through another.
func BenchmarkPingPong(b *testing.B) {
	w1, r1 := ends(b, newRing(b, 1<<20))
	w2, r2 := ends(b, newRing(b, 1<<20))
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 64)
		for range b.N {
			if _, err := r1.Recv(context.Background(), buf); err != nil {
				done <- err
				return
			}
			if err := w2.Send(context.Background(), buf); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	msg := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := w1.Send(context.Background(), msg); err != nil {
			b.Fatal(err)
		}
		if _, err := r2.Recv(context.Background(), msg); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
