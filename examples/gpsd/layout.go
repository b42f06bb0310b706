package main

import "fmt"

// layout is where struct shmexport_t keeps what the reader needs, in bytes from the
// start of the segment, for one gpsd API version on one kind of machine. gpsd writes no
// version into the segment: it makes the segment exactly sizeof(struct shmexport_t)
// bytes, and the size tells the layouts apart. testdata/offsets.c prints these numbers
// from gps.h, and the tests compare them.
type layout struct {
	api  string // GPSD_API_MAJOR_VERSION.MINOR and the gpsd releases that have it
	abi  string // which C ABI: time_t and the alignment of double differ
	size int    // sizeof(struct shmexport_t)

	bookend1, bookend2 int // the int counters around struct gps_data_t

	fix      int // struct gps_fix_t gpsdata.fix: the fields below are inside it
	timeSize int // bytes of time_t and of long (tv_sec and tv_nsec): 8 or 4
	// Offsets within the segment of fix.time, fix.mode (int) and the doubles.
	time, mode, latitude, longitude, altHAE, altMSL, track, speed int

	path, pathSize int // char gpsdata.dev.path[GPS_PATH_MAX]: the device
}

// fixSpan is the bytes read from the start of fix: every fix field that the reader uses
// lies inside it, in every layout (checked by the tests).
const fixSpan = 192

// layouts are the layouts this reader knows. To add one, build testdata/offsets.c
// against that gpsd's gps.h (with -m32 for 32-bit) and copy what it prints.
var layouts = []layout{
	{
		api: "11.0 (gpsd 3.22)", abi: "64-bit Linux (LP64)", size: 24512,
		bookend1: 0, bookend2: 24504,
		fix: 40, timeSize: 8, time: 40, mode: 56,
		latitude: 72, longitude: 88, altHAE: 112, altMSL: 120, track: 136, speed: 152,
		path: 6576, pathSize: 128,
	},
	{
		api: "11.0 (gpsd 3.22)", abi: "32-bit x86 Linux (ILP32, 32-bit time_t)", size: 21968,
		bookend1: 0, bookend2: 21964,
		fix: 24, timeSize: 4, time: 24, mode: 32,
		latitude: 48, longitude: 64, altHAE: 88, altMSL: 96, track: 112, speed: 128,
		path: 5964, pathSize: 128,
	},
}

// layoutOf returns the layout of a segment of size bytes, or an error that lists the
// layouts this reader knows.
func layoutOf(size int) (*layout, error) {
	for i := range layouts {
		if layouts[i].size == size {
			return &layouts[i], nil
		}
	}
	known := ""
	for _, l := range layouts {
		known += fmt.Sprintf("\n  %d bytes: gpsd API %s, %s", l.size, l.api, l.abi)
	}
	return nil, fmt.Errorf("the segment is %d bytes, which is not the struct shmexport_t of any gpsd API version this reader knows:%s\n"+
		"(gpsd writes no version into the segment; its size tells the versions apart: add your gpsd's layout to layout.go with testdata/offsets.c)",
		size, known)
}
