/* Prints ftok(path, id) as glibc computes it, for key_test.go. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>

int main(int argc, char **argv) {
	for (int i = 1; i + 1 < argc; i += 2) {
		key_t k = ftok(argv[i], (int)strtol(argv[i + 1], NULL, 0));
		if (k == (key_t)-1) {
			perror("ftok");
			return 1;
		}
		printf("0x%08x\n", (unsigned)k);
	}
	return 0;
}
