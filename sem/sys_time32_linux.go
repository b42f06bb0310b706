//go:build linux && (386 || arm || mips || mipsle)

package sem

import "golang.org/x/sys/unix"

// 32-bit Linux has semtimedop_time64 (Linux 5.1) for a 64-bit timeout; linux/386 has
// neither semop nor the old semtimedop as system calls of their own.
const sysSemtimedop = unix.SYS_SEMTIMEDOP_TIME64
