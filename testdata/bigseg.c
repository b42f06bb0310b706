// bigseg creates System V shared memory segments for the size tests, as a 64-bit
// process that a 32-bit test process cannot be: bigseg KEY:SIZE... makes one segment
// per argument (SHM_NORESERVE, so that no memory is set aside), prints their ids on
// one line, waits until its standard input ends, and removes them.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#ifndef SHM_NORESERVE
#define SHM_NORESERVE 010000
#endif

int main(int argc, char **argv) {
	int ids[16];
	int n = argc - 1;
	if (n < 1 || n > 16) {
		fprintf(stderr, "usage: bigseg KEY:SIZE... (1 to 16 of them)\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char *end;
		unsigned long key = strtoul(argv[i + 1], &end, 0);
		if (*end != ':') {
			fprintf(stderr, "bigseg: %s is not KEY:SIZE\n", argv[i + 1]);
			return 2;
		}
		unsigned long long size = strtoull(end + 1, &end, 0);
		ids[i] = shmget((key_t)key, (size_t)size, IPC_CREAT | IPC_EXCL | SHM_NORESERVE | 0600);
		if (ids[i] < 0) {
			fprintf(stderr, "bigseg: shmget %#lx of %llu bytes: %s\n", key, size, strerror(errno));
			for (int j = 0; j < i; j++)
				shmctl(ids[j], IPC_RMID, NULL);
			return 1;
		}
		printf("%s%d", i ? " " : "", ids[i]);
	}
	printf("\n");
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0) {
	}
	for (int i = 0; i < n; i++)
		shmctl(ids[i], IPC_RMID, NULL);
	return 0;
}
