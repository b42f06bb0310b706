//go:build armbe || arm64be || m68k || mips || mips64 || mips64p32 || ppc || ppc64 || s390 || s390x || shbe || sparc || sparc64

package ring

import "math/bits"

// le converts a word between the ring's byte order (little-endian) and this machine's,
// which is big-endian: atomic operations see the bytes the other way round.
func le(v uint32) uint32 { return bits.ReverseBytes32(v) }
