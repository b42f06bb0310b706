//go:build linux && !(arm || mips64 || mips64le)

package msg

// ipc64 is the IPC_64 flag that msgctl's command carries where the system call still
// defaults to the old struct layouts (sys_old_msgctl). Here msgctl always uses the
// 64-bit ones, and the flag would make the command unknown (EINVAL).
const ipc64 = 0
