//go:build amd64 || arm64 || loong64 || mips64 || mips64le || ppc64 || ppc64le || riscv64 || s390x || sparc64

package main

// timeT is C's time_t: 64 bits on 64-bit Linux.
type timeT = int64
