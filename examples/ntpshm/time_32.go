//go:build !(amd64 || arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x || sparc64)

package main

// timeT is C's time_t as ntpd, chrony and gpsd built with the default flags of 32-bit
// glibc see it: 32 bits. (Programs built with _TIME_BITS=64 use another layout.)
type timeT = int32
