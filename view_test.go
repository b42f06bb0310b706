//go:build linux

package shm_test

import (
	"errors"
	"io/fs"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/go-sysv/shm"
)

type record struct {
	Count int32
	Value [3]uint64
}

func TestView(t *testing.T) {
	seg := newSegment(t, shm.Private, 4096, 0o600)
	b := attach(t, seg)
	r, err := shm.View[record](b, 64)
	if err != nil {
		t.Fatal(err)
	}
	atomic.StoreInt32(&r.Count, 7)
	r.Value[2] = 0x0102030405060708
	if b[64] != 7 || b[64+int(unsafe.Offsetof(r.Value))+16] != 8 || uintptr(unsafe.Pointer(r)) != uintptr(unsafe.Pointer(&b[64])) {
		t.Fatalf("the view does not lie over b[64:]: % x", b[64:96])
	}
	if _, err := shm.View[record](b, 4096-int(unsafe.Sizeof(record{}))); err != nil {
		t.Fatalf("a view that ends at the last byte: %v", err)
	}

	tests := []struct {
		name string
		err  error
	}{
		{"NegativeOffset", func() error { _, err := shm.View[record](b, -8); return err }()},
		{"PastTheEnd", func() error { _, err := shm.View[record](b, 4096-8); return err }()},
		{"OffsetBeyond", func() error { _, err := shm.View[int32](b, 5000); return err }()},
		{"Unaligned", func() error { _, err := shm.View[record](b, 2); return err }()},
		{"Pointer", func() error { _, err := shm.View[*int](b, 0); return err }()},
		{"String", func() error { _, err := shm.View[string](b, 0); return err }()},
		{"SliceInStruct", func() error { _, err := shm.View[struct{ A [2]struct{ S []byte } }](b, 0); return err }()},
		{"Map", func() error { _, err := shm.View[map[int]int](b, 0); return err }()},
		{"Interface", func() error { _, err := shm.View[any](b, 0); return err }()},
		{"Nil", func() error { _, err := shm.View[int32](nil, 0); return err }()},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, fs.ErrInvalid) {
			t.Errorf("%s: %v, want fs.ErrInvalid", tt.name, tt.err)
		}
	}
}
