//go:build linux

package msg

import "unsafe"

// This file holds every use of unsafe in the package. Each function returns the address
// of Go memory for a system call argument, and its callers convert it to uintptr inside
// the unix.Syscall call expression itself, which keeps the memory alive and in place
// until the call returns (the rule for syscall.Syscall in unsafe.Pointer's
// documentation). The kernel reads and writes only the struct or the bytes the command
// defines, which is what each pointer points to.

// bufPtr is the address of a message buffer: a C long type then the body. The buffers
// are heap slices of at least the size passed with them.
func bufPtr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

func dsPtr(d *msqidDS) unsafe.Pointer { return unsafe.Pointer(d) }

func infoPtr(m *msginfo) unsafe.Pointer { return unsafe.Pointer(m) }

// The kernel's struct msqid64_ds is 120 bytes where a C long is 64 bits and 88 where it
// is 32 (asm-generic, mips and powerpc headers alike), and struct msginfo is 32; each
// array below has a negative length, and the build fails, if a Go struct differs.
const dsSize = 88 + 32*(longSize/8)

var (
	_ [unsafe.Sizeof(msqidDS{}) - dsSize]struct{}
	_ [dsSize - unsafe.Sizeof(msqidDS{})]struct{}
	_ [unsafe.Sizeof(msginfo{}) - 32]struct{}
	_ [32 - unsafe.Sizeof(msginfo{})]struct{}
)
