package ring

// Hooks for the tests.

// Mem returns the ring's whole attachment, to corrupt it.
func (rg *Ring) Mem() []byte { return rg.mem }

// WriterAsleep reports whether the writer has set its wait flag: it is asleep, or about
// to sleep, on a full ring.
func (rg *Ring) WriterAsleep() bool { return rg.headWait.Load() != 0 }

// ReaderAsleep reports the same of the reader on an empty ring.
func (rg *Ring) ReaderAsleep() bool { return rg.tailWait.Load() != 0 }

// Used returns tail - head as the segment holds them.
func (rg *Ring) Used() uint32 { return le(rg.tail.Load()) - le(rg.head.Load()) }

const (
	HeaderSize = headerSize
	OffTail    = offTail
	OffHead    = offHead
	OffWriter  = offWriter
	OffReader  = offReader
	Fragment   = fragment
)

// Reset lays a new, empty ring over the old one; no end may be open.
func (rg *Ring) Reset() { initHeader(rg.mem, rg.capacity) }
