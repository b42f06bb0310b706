/*
 * The protocol of examples/alphabet in plain C: System V shared memory and
 * semaphores through <sys/shm.h> and <sys/sem.h>, nothing else.
 *
 *   key   = ftok(path, id)
 *   shm   = shmget(key, 4096, IPC_CREAT|0600): a NUL-terminated string at offset 0
 *   sems  = semget(key, 2, IPC_CREAT|0600): FULL (0) starts at 0, EMPTY (1) at 1
 *   client: P(EMPTY); write; V(FULL)      server: P(FULL); print; V(EMPTY)
 *
 * The side that creates the semaphores (IPC_EXCL) sets them with SETALL and then does
 * one no-op semop, which sets sem_otime; the other side waits until sem_otime is set.
 *
 * Build with the cc lines in README.md: -D_XOPEN_SOURCE=700 makes <sys/shm.h>, <sys/sem.h>
 * and nanosleep visible under -std=c11, which on its own declares only ISO C.
 */
#ifndef ALPHABET_H
#define ALPHABET_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define SEG_SIZE 4096
#define FULL 0
#define EMPTY 1
#define LAST "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

union semun { /* the caller defines it, says semctl(2) */
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct exchange {
	int shmid, semid;
	char *mem;
};

static void die(const char *what) {
	perror(what);
	exit(1);
}

/* Opens or creates the segment and semaphores of key, as the Go side does. */
static struct exchange open_exchange(key_t key) {
	struct exchange x;
	x.shmid = shmget(key, SEG_SIZE, IPC_CREAT | 0600);
	if (x.shmid < 0)
		die("shmget");
	x.semid = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
	if (x.semid >= 0) {
		unsigned short init[2] = {0, 1};
		union semun arg;
		arg.array = init;
		if (semctl(x.semid, 0, SETALL, arg) < 0)
			die("semctl SETALL");
		struct sembuf mark[2] = {{FULL, 1, IPC_NOWAIT}, {FULL, -1, IPC_NOWAIT}};
		if (semop(x.semid, mark, 2) < 0)
			die("semop");
	} else if (errno == EEXIST) {
		x.semid = semget(key, 2, 0600);
		if (x.semid < 0)
			die("semget");
		for (int tries = 0;; tries++) { /* wait for the creator to finish */
			struct semid_ds ds;
			union semun arg;
			arg.buf = &ds;
			if (semctl(x.semid, 0, IPC_STAT, arg) < 0)
				die("semctl IPC_STAT");
			if (ds.sem_otime != 0)
				break;
			if (tries == 5000) {
				fprintf(stderr, "semaphores never initialised\n");
				exit(1);
			}
			struct timespec pause = {0, 1000000}; /* polling, with a limit */
			nanosleep(&pause, NULL);
		}
	} else {
		die("semget");
	}
	x.mem = shmat(x.shmid, NULL, 0);
	if (x.mem == (char *)-1)
		die("shmat");
	return x;
}

/* Adds delta to semaphore num; returns -1 with errno (EIDRM: the other side removed it). */
static int sem_add(int semid, int num, int delta) {
	struct sembuf op = {(unsigned short)num, (short)delta, 0};
	int r;
	while ((r = semop(semid, &op, 1)) < 0 && errno == EINTR)
		;
	return r;
}

/*
 * Reads the command line, [-h] [path [id]], as the Go programs read -path and -id, and
 * returns ftok(path, id). -h prints the usage and exits 0; a bad argument says which and
 * why, and exits 2.
 */
static key_t key_from_args(int argc, char **argv) {
	const char *prog = argc > 0 ? argv[0] : "alphabet";
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "-help") == 0 ||
			 strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s [path [id]]\n"
		       "  path  existing file for ftok: both sides must name the same one (default .)\n"
		       "  id    ftok's project id, 1 to 255, in decimal or 0x hex (default 0x66)\n",
		       prog);
		exit(0);
	}
	if (argc > 3) {
		fprintf(stderr, "%s: unexpected argument \"%s\": the arguments are [path [id]] (-h for help)\n",
			prog, argv[3]);
		exit(2);
	}
	const char *path = argc > 1 ? argv[1] : ".";
	long id = 0x66;
	if (argc > 2) {
		char *end;
		errno = 0;
		id = strtol(argv[2], &end, 0);
		if (end == argv[2] || *end != 0 || errno == ERANGE) {
			fprintf(stderr, "%s: id \"%s\": not a number (write 102 or 0x66)\n", prog, argv[2]);
			exit(2);
		}
		if (id < 1 || id > 255) {
			fprintf(stderr, "%s: id %s: project ids are 1 to 255 "
					"(ftok keeps only the low 8 bits, and 0 is not allowed)\n",
				prog, argv[2]);
			exit(2);
		}
	}
	key_t key = ftok(path, (int)id);
	if (key == (key_t)-1) {
		fprintf(stderr, "%s: path %s: ftok: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	return key;
}

#endif
