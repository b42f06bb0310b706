//go:build linux && !(386 || arm || mips || mipsle)

package sem

import "golang.org/x/sys/unix"

const sysSemtimedop = unix.SYS_SEMTIMEDOP
