package shm

import (
	"fmt"
	"reflect"
)

// View returns a pointer to a T laid over b at byte offset off, for reading and writing a
// fixed C-like layout in shared memory through Go fields, as with the NTP SHM driver's
// struct shmTime. It checks that the T fits inside b, that b[off:] is aligned for T, and
// that T holds no Go pointers (no pointer, slice, string, map, channel, func or
// interface anywhere inside it): such a T is an error wrapping fs.ErrInvalid.
//
// The pointer is valid only while b stays attached: after Detach, using it crashes the
// process, or, once a later mapping has been given the address, reads and writes that
// mapping instead, exactly as using b would. Other processes can change the fields at any time; use
// sync/atomic (atomic.LoadInt32(&v.Count)) for fields that are shared without a lock,
// and check the Go layout against the C one (unsafe.Offsetof, unsafe.Sizeof). On 32-bit
// platforms Go aligns 64-bit fields to 4 bytes only, but 64-bit atomic operations need
// 8: keep such fields at offsets that are multiples of 8 (see sync/atomic).
func View[T any](b []byte, off int) (*T, error) {
	t := reflect.TypeFor[T]()
	if off < 0 || off > len(b) || int(t.Size()) > len(b)-off {
		return nil, viewError(invalid("a %v of %d bytes at offset %d does not fit in %d bytes", t, t.Size(), off, len(b)))
	}
	if addr := sliceAddr(b) + uintptr(off); addr%uintptr(t.Align()) != 0 {
		return nil, viewError(invalid("offset %d (address %#x) is not aligned to %d bytes for %v", off, addr, t.Align(), t))
	}
	if p := pointerIn(t); p != "" {
		return nil, viewError(invalid("%v holds Go pointers (%s), which must never be stored in shared memory", t, p))
	}
	return viewAt[T](b, off), nil
}

func viewError(err error) error { return &Error{Op: "view", ID: -1, Err: err} }

// pointerIn names the first part of t that is or holds a Go pointer, or returns "".
func pointerIn(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return ""
	case reflect.Array:
		if t.Len() == 0 {
			return ""
		}
		return pointerIn(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if p := pointerIn(t.Field(i).Type); p != "" {
				return fmt.Sprintf("field %s: %s", t.Field(i).Name, p)
			}
		}
		return ""
	}
	return t.Kind().String()
}
