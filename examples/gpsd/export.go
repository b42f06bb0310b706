package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-sysv/shm"
)

// defaultKey is gpsd's GPSD_SHM_KEY: "GPSD" in ASCII.
const defaultKey shm.Key = 0x47505344

// pathSpan is the bytes of the device path read: GPS_PATH_MAX.
const pathSpan = 128

// export is gpsd's export segment, attached, seen through its layout. Its pointers
// point into the segment and are valid until it is detached.
type export struct {
	l                  *layout
	bookend1, bookend2 *int32
	fix                *[fixSpan / 4]uint32
	path               *[pathSpan / 4]uint32
}

// newExport lays the layout that matches the size of b over it.
func newExport(b []byte) (*export, error) {
	l, err := layoutOf(len(b))
	if err != nil {
		return nil, err
	}
	if l.pathSize != pathSpan {
		return nil, fmt.Errorf("gpsd API %s: GPS_PATH_MAX is %d, not %d", l.api, l.pathSize, pathSpan)
	}
	e := &export{l: l}
	if e.bookend1, err = shm.View[int32](b, l.bookend1); err != nil {
		return nil, err
	}
	if e.bookend2, err = shm.View[int32](b, l.bookend2); err != nil {
		return nil, err
	}
	if e.fix, err = shm.View[[fixSpan / 4]uint32](b, l.fix); err != nil {
		return nil, err
	}
	if e.path, err = shm.View[[pathSpan / 4]uint32](b, l.path); err != nil {
		return nil, err
	}
	return e, nil
}

// fix is what a TPV report says: the device, the fix's mode and time, and the position
// and motion. Values gpsd does not know are NaN, as in struct gps_fix_t.
type fix struct {
	device                                 string
	mode                                   int
	time                                   time.Time // zero when gpsd has no time
	lat, lon, altHAE, altMSL, track, speed float64
}

var (
	errUnwritten = errors.New("gpsd has not written the segment yet")
	errTorn      = errors.New("torn read: gpsd wrote the segment while it was read")
)

// load copies the fix out of the segment with gpsd's bookend protocol and returns it
// with the tick gpsd wrote it under. gpsd writes bookend2, then the data, then
// bookend1, each step after a memory barrier; a reader reads bookend1, then the data,
// then bookend2, and keeps the copy only if the two are equal: if gpsd began writing
// during the copy, bookend2 has moved on. Every load is atomic, so the loads happen in
// the order written here on every processor, which is what the protocol needs (plain
// loads may be reordered with the second bookend's).
func (e *export) load() (tick int32, f fix, err error) {
	var fixWords [fixSpan / 4]uint32
	var pathWords [pathSpan / 4]uint32
	before := atomic.LoadInt32(e.bookend1)
	for i := range fixWords {
		fixWords[i] = atomic.LoadUint32(&e.fix[i])
	}
	for i := range pathWords {
		pathWords[i] = atomic.LoadUint32(&e.path[i])
	}
	after := atomic.LoadInt32(e.bookend2)
	if before != after {
		return 0, fix{}, errTorn
	}
	if before == 0 {
		return 0, fix{}, errUnwritten // gpsd's first update is tick 1
	}
	f, err = e.l.decode(bytesOf(fixWords[:]), bytesOf(pathWords[:]))
	return before, f, err
}

// bytesOf returns words as bytes in this machine's order, which is gpsd's.
func bytesOf(words []uint32) []byte {
	b := make([]byte, 4*len(words))
	for i, w := range words {
		binary.NativeEndian.PutUint32(b[4*i:], w)
	}
	return b
}

// decode reads a fix from a copy of the fix span and of the device path. Everything in
// them came from another process, so each value is checked before it is used.
func (l *layout) decode(fixBytes, pathBytes []byte) (fix, error) {
	at := func(off int) []byte { return fixBytes[off-l.fix:] }
	double := func(off int) float64 { return math.Float64frombits(binary.NativeEndian.Uint64(at(off))) }
	var sec, nsec int64
	if l.timeSize == 8 {
		sec, nsec = int64(binary.NativeEndian.Uint64(at(l.time))), int64(binary.NativeEndian.Uint64(at(l.time+8)))
	} else {
		sec, nsec = int64(int32(binary.NativeEndian.Uint32(at(l.time)))), int64(int32(binary.NativeEndian.Uint32(at(l.time+4))))
	}
	f := fix{
		mode:   int(int32(binary.NativeEndian.Uint32(at(l.mode)))),
		lat:    double(l.latitude),
		lon:    double(l.longitude),
		altHAE: double(l.altHAE),
		altMSL: double(l.altMSL),
		track:  double(l.track),
		speed:  double(l.speed),
	}
	if n := bytes.IndexByte(pathBytes, 0); n >= 0 {
		pathBytes = pathBytes[:n]
	}
	f.device = string(pathBytes)
	switch {
	case f.mode < 0 || f.mode > 3:
		return fix{}, fmt.Errorf("fix mode %d: gpsd's modes are 0 to 3", f.mode)
	case nsec < 0 || nsec >= 1e9:
		return fix{}, fmt.Errorf("fix time %d s %d ns: nanoseconds must be 0 to 999999999", sec, nsec)
	case math.Abs(f.lat) > 90:
		return fix{}, fmt.Errorf("latitude %v: not -90 to 90", f.lat)
	case math.Abs(f.lon) > 180:
		return fix{}, fmt.Errorf("longitude %v: not -180 to 180", f.lon)
	}
	if sec > 0 {
		f.time = time.Unix(sec, nsec).UTC()
	}
	return f, nil
}

// tpv formats f as gpsd 3.22 formats a TPV object for gpspipe -w: the same names, order
// and precision, and a field only when gpsd would print it (finite, and a position only
// with a 2D fix, an altitude only with a 3D one).
func (f fix) tpv() string {
	var b []byte
	b = append(b, `{"class":"TPV"`...)
	if f.device != "" {
		var dev bytes.Buffer
		enc := json.NewEncoder(&dev)
		enc.SetEscapeHTML(false)
		enc.Encode(f.device) // a string always encodes
		b = append(b, `,"device":`...)
		b = append(b, bytes.TrimSpace(dev.Bytes())...)
	}
	b = append(b, `,"mode":`...)
	b = strconv.AppendInt(b, int64(f.mode), 10)
	if !f.time.IsZero() {
		b = append(b, `,"time":"`...)
		b = f.time.AppendFormat(b, "2006-01-02T15:04:05.000Z")
		b = append(b, '"')
	}
	num := func(name string, v float64, prec int) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			b = append(b, `,"`+name+`":`...)
			b = strconv.AppendFloat(b, v, 'f', prec, 64)
		}
	}
	if f.mode >= 2 {
		num("lat", f.lat, 9)
		num("lon", f.lon, 9)
		if f.mode >= 3 {
			num("altHAE", f.altHAE, 4)
			num("altMSL", f.altMSL, 4)
			num("alt", f.altMSL, 4) // deprecated in gpsd 3.20, still printed: altMSL
		}
		num("track", f.track, 4)
		num("speed", f.speed, 3)
	}
	b = append(b, '}')
	return string(b)
}
