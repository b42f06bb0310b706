/* The alphabet client in C: usage: client [-h] [path [id]]. See alphabet.h. */
#include "alphabet.h"

int main(int argc, char **argv) {
	struct exchange x = open_exchange(key_from_args(argc, argv));
	for (size_t n = 1; n <= strlen(LAST); n++) {
		if (sem_add(x.semid, EMPTY, -1) < 0)
			die("semop: the server ended the exchange");
		memcpy(x.mem, LAST, n);
		x.mem[n] = 0;
		if (sem_add(x.semid, FULL, 1) < 0)
			die("semop: the server ended the exchange");
	}
	shmdt(x.mem);
	return 0;
}
