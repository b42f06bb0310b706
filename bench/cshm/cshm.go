//go:build cbench && cgo && linux

package cshm

/*
#include <sys/ipc.h>
#include <sys/shm.h>

// attach_detach attaches and detaches segment id n times; it returns -1 on failure.
static int attach_detach(int id, long n) {
	for (long i = 0; i < n; i++) {
		void *p = shmat(id, 0, 0);
		if (p == (void *)-1 || shmdt(p) < 0)
			return -1;
	}
	return 0;
}

// attach_stat_detach adds the IPC_STAT that x/sys/unix's SysvShmAttach makes to learn
// the size, to measure what that costs.
static int attach_stat_detach(int id, long n) {
	struct shmid_ds ds;
	for (long i = 0; i < n; i++) {
		void *p = shmat(id, 0, 0);
		if (p == (void *)-1 || shmctl(id, IPC_STAT, &ds) < 0 || shmdt(p) < 0)
			return -1;
	}
	return 0;
}

static int create_remove(long n) {
	for (long i = 0; i < n; i++) {
		int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0 || shmctl(id, IPC_RMID, 0) < 0)
			return -1;
	}
	return 0;
}

static int stat_loop(int id, long n) {
	struct shmid_ds ds;
	for (long i = 0; i < n; i++)
		if (shmctl(id, IPC_STAT, &ds) < 0)
			return -1;
	return 0;
}
*/
import "C"

import "errors"

var errC = errors.New("cshm: a C call failed")

func check(r C.int) error {
	if r != 0 {
		return errC
	}
	return nil
}

// AttachDetach runs shmat and shmdt on segment id n times in C.
func AttachDetach(id, n int) error { return check(C.attach_detach(C.int(id), C.long(n))) }

// AttachStatDetach runs shmat, shmctl(IPC_STAT) and shmdt n times in C.
func AttachStatDetach(id, n int) error { return check(C.attach_stat_detach(C.int(id), C.long(n))) }

// CreateRemove runs shmget(IPC_PRIVATE) and shmctl(IPC_RMID) n times in C.
func CreateRemove(n int) error { return check(C.create_remove(C.long(n))) }

// Stat runs shmctl(IPC_STAT) on segment id n times in C.
func Stat(id, n int) error { return check(C.stat_loop(C.int(id), C.long(n))) }
