//go:build linux && !(arm || mips64 || mips64le)

package sem

// semctlVersion is 0: these architectures' semctl uses the 64-bit layouts as it is.
const semctlVersion = 0
