//go:build linux

package proctest

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// PrivateIPC returns a setup for StartWith that starts the child in an IPC
// namespace of its own, with its own segments and limits, which it takes with it when it
// exits. Root makes one directly (CLONE_NEWIPC); another user makes it inside a user
// namespace in which the child is root, and the test is skipped, saying why, where the
// system allows that user no user namespace.
func PrivateIPC(t testing.TB) func(*exec.Cmd) {
	t.Helper()
	if os.Geteuid() == 0 {
		return func(cmd *exec.Cmd) {
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWIPC}
		}
	}
	return userNamespace(t, syscall.CLONE_NEWIPC, "an IPC namespace of its own")
}

// UserNS returns a setup for StartWith that starts the child in a user namespace that
// maps only its uid and gid 0, to this process's effective ids, in this process's IPC
// namespace: there the child owns what this process owns, and no other id can be
// given. The test is skipped, saying why, where the system allows no user namespace.
func UserNS(t testing.TB) func(*exec.Cmd) {
	t.Helper()
	return userNamespace(t, 0, "a user namespace")
}

func userNamespace(t testing.TB, flags uintptr, what string) func(*exec.Cmd) {
	t.Helper()
	uid, gid := os.Geteuid(), os.Getegid()
	setup := func(cmd *exec.Cmd) {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | flags,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}},
		}
	}
	// Unprivileged user namespaces can be switched off (user.max_user_namespaces,
	// AppArmor, a container's seccomp filter): find out by making one.
	probe := exec.Command(os.Args[0], "-test.run=^$")
	probe.Env = append(os.Environ(), Env+"=")
	setup(probe)
	if err := probe.Run(); err != nil {
		t.Skipf("needs %s: %v", what, err)
	}
	return setup
}

// DropToNobody makes this process uid and gid 65534 with no other groups; for a child
// started by a test that runs as root, to prove what another user may do.
func DropToNobody() error {
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(65534); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := syscall.Setuid(65534); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	if os.Getuid() != 65534 || os.Geteuid() != 65534 {
		return fmt.Errorf("still uid %d euid %d", os.Getuid(), os.Geteuid())
	}
	return nil
}
