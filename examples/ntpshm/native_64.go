//go:build amd64 || arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x || sparc64

package main

// nativeSize is the size of struct shmTime that chronyd, ntpd and gpsd built for this
// machine make: 64-bit Linux has a 64-bit time_t.
const nativeSize = sizeofShmTime64
