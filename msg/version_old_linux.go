//go:build linux && (arm || mips64 || mips64le)

package msg

// ipc64 is the IPC_64 flag: this architecture's msgctl is sys_old_msgctl, which uses
// the old struct msqid_ds (16-bit ids) unless the command asks for struct msqid64_ds,
// as glibc and x/sys/unix's SysvShmCtl do.
const ipc64 = 0x100
