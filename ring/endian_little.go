//go:build 386 || amd64 || amd64p32 || alpha || arm || arm64 || loong64 || mipsle || mips64le || mips64p32le || nios2 || ppc64le || riscv || riscv64 || sh || wasm

package ring

// le converts a word between the ring's byte order (little-endian) and this machine's:
// here they are the same.
func le(v uint32) uint32 { return v }
