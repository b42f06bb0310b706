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
