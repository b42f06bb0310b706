/* The alphabet server in C: usage: server [-h] [path [id]]. See alphabet.h. */
#include "alphabet.h"

int main(int argc, char **argv) {
	struct exchange x = open_exchange(key_from_args(argc, argv));
	int status = 0;
	for (;;) {
		if (sem_add(x.semid, FULL, -1) < 0) {
			perror("semop: the client ended the exchange");
			status = 1;
			break;
		}
		char s[SEG_SIZE];
		memcpy(s, x.mem, SEG_SIZE);
		s[SEG_SIZE - 1] = 0;
		printf("client# %s\n", s);
		fflush(stdout);
		if (sem_add(x.semid, EMPTY, 1) < 0) {
			perror("semop: the client ended the exchange");
			status = 1;
			break;
		}
		if (strcmp(s, LAST) == 0)
			break;
	}
	shmdt(x.mem);
	shmctl(x.shmid, IPC_RMID, NULL);
	semctl(x.semid, 0, IPC_RMID);
	return status;
}
