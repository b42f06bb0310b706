//go:build !(amd64 || arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x || sparc64)

package main

// nativeSize is the size of struct shmTime that chronyd, ntpd and gpsd built with the
// default flags of 32-bit glibc make: time_t is 32 bits. (Programs built with
// _TIME_BITS=64 use another layout, which read refuses by its size.)
const nativeSize = sizeofShmTime32
