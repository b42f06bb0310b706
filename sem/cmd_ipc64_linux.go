//go:build linux && (arm || mips64 || mips64le)

package sem

// semctlVersion is IPC_64, which these architectures' semctl needs to use the 64-bit
// struct layouts rather than the old ones (as x/sys/unix does for shmctl).
const semctlVersion = 0x100
