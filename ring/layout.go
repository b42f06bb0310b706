package ring

import (
	"encoding/binary"
	"math/bits"
	"syscall"

	"github.com/go-sysv/shm/internal/ipcerr"
)

// The layout of a ring, version 1, as the package documentation describes it. Every
// word is a little-endian uint32; offsets are from the start of the segment.
const (
	magic      = "SYSVRING" // bytes 0-7
	version    = 1
	headerSize = 512 // the data area starts here

	offMagic      = 0
	offVersion    = 8
	offHeaderSize = 12
	offCapacity   = 16

	offTail     = 128 // bytes written: the writer's counter, alone on its 128 bytes
	offHead     = 256 // bytes read: the reader's counter, alone on its 128 bytes
	offTailWait = 384 // the reader's wait flag: it sleeps until tail moves
	offHeadWait = 388 // the writer's wait flag: it sleeps until head moves
	offWriter   = 448 // the writing end's owner record (endWords)
	offReader   = 464 // the reading end's owner record

	// An owner record: pid, state, and the process's start time in two halves.
	endPID     = 0
	endState   = 4
	endStartLo = 8
	endStartHi = 12

	// A frame: an 8-byte header, then the payload padded to a multiple of 8.
	frameHeader = 8
	wrapMark    = 0xffffffff // first header word of a wrap marker: the rest of the area is unused
	resetMark   = 0xfffffffe // first header word of a reset: drop a message left unfinished
	contBit     = 1 << 31    // in the second header word: this frame continues a message

	// A wait flag holds waitBit and the low 31 bits of the counter value its owner
	// sleeps on; 0 means no one sleeps.
	waitBit = 1 << 31
	tagMask = 1<<31 - 1
)

// MinCapacity and MaxCapacity bound the message space of a ring, which is a power of
// two: counters are 32-bit and wrap around, and a position's offset is its low bits.
const (
	MinCapacity = 1 << 10
	MaxCapacity = 1 << 30
)

// frameSize is the space a frame with n payload bytes takes; n is at most the capacity,
// so the sum cannot overflow.
func frameSize(n uint32) uint32 { return frameHeader + (n+7)&^7 }

// checkCapacity reports whether size can be a ring's capacity.
func checkCapacity(size int) error {
	if size < MinCapacity || size > MaxCapacity || size&(size-1) != 0 {
		return ipcerr.Invalid("capacity %d is not a power of two from %d to %d", size, MinCapacity, MaxCapacity)
	}
	return nil
}

// initHeader lays a new, empty ring of capacity bytes over mem, which is all zeros
// (a new segment) or an old ring being reset. The magic goes last, so a process that
// opens the segment meanwhile finds no ring rather than half of one.
func initHeader(mem []byte, capacity uint32) {
	clear(mem[:headerSize])
	le32 := binary.LittleEndian
	le32.PutUint32(mem[offVersion:], version)
	le32.PutUint32(mem[offHeaderSize:], headerSize)
	le32.PutUint32(mem[offCapacity:], capacity)
	copy(mem[offMagic+4:], magic[4:]) // the second half first: the first word publishes
	wordAt(mem, offMagic).Store(binary.NativeEndian.Uint32([]byte(magic[:4])))
}

// parseHeader checks that mem holds a ring this package can use and returns its
// capacity. Anything else is an error wrapping fs.ErrInvalid.
func parseHeader(mem []byte) (uint32, error) {
	if len(mem) < headerSize+MinCapacity {
		return 0, notRing("the segment has %d bytes, too few for a ring", len(mem))
	}
	if string(mem[offMagic:offMagic+len(magic)]) != magic {
		return 0, notRing("the segment does not start with the ring's magic %q (not a ring, or not yet initialised)", magic)
	}
	le32 := binary.LittleEndian
	if v := le32.Uint32(mem[offVersion:]); v != version {
		return 0, notRing("ring layout version %d; this package reads version %d", v, version)
	}
	if h := le32.Uint32(mem[offHeaderSize:]); h != headerSize {
		return 0, notRing("header size %d; version %d has %d", h, version, headerSize)
	}
	c := le32.Uint32(mem[offCapacity:])
	if c < MinCapacity || c > MaxCapacity || bits.OnesCount32(c) != 1 {
		return 0, notRing("capacity %d is not a power of two from %d to %d", c, MinCapacity, MaxCapacity)
	}
	if uint64(headerSize)+uint64(c) > uint64(len(mem)) {
		return 0, notRing("capacity %d does not fit in the segment's %d bytes", c, len(mem))
	}
	return c, nil
}

func notRing(format string, args ...any) error {
	return ipcerr.Invalid(format, args...)
}

// corrupt is the cause of an error from a ring whose shared bytes break its rules: the
// other process wrote what it must not, or something else wrote into the segment.
func corrupt(format string, args ...any) error {
	return ipcerr.Explain(syscall.EBADMSG, errInvalid, "corrupt ring: "+format, args...)
}
