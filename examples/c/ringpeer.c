/*
 * ringpeer: the C side of the ring tests, over examples/c/ring.h.
 *
 *   ringpeer send SHMID COUNT SIZES   sends COUNT test messages, then closes
 *   ringpeer recv SHMID SIZES         receives test messages until the end, checking
 *                                     each, and prints "got N"
 *
 * SIZES is a comma-separated list of lengths that message i cycles through; byte j of
 * message i is (i*31 + j*7 + j/256) mod 256, as in the Go test.
 */
#include "ring.h"

#include <stdlib.h>

static int sizes[64], nsizes;

static uint32_t fill(unsigned char *b, int i) {
	uint32_t n = (uint32_t)sizes[i % nsizes];
	for (uint32_t j = 0; j < n; j++)
		b[j] = (unsigned char)(i * 31 + j * 7 + (j >> 8));
	return n;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: ringpeer send SHMID COUNT SIZES | recv SHMID SIZES\n");
		return 2;
	}
	int sending = strcmp(argv[1], "send") == 0;
	for (char *s = argv[sending ? 4 : 3]; s && *s && nsizes < 64; nsizes++) {
		sizes[nsizes] = atoi(s);
		s = strchr(s, ',');
		if (s)
			s++;
	}
	struct ring r;
	int err = ring_attach(&r, atoi(argv[2]));
	if (err == 0)
		err = ring_claim(&r, !sending);
	if (err) {
		fprintf(stderr, "ringpeer: %s\n", strerror(-err));
		return 1;
	}
	unsigned char *want = malloc(r.cap), *buf = malloc(r.cap);
	if (sending) {
		int count = atoi(argv[3]);
		for (int i = 0; i < count; i++) {
			uint32_t n = fill(want, i);
			if ((err = ring_send(&r, want, n)) != 0) {
				fprintf(stderr, "ringpeer: send %d: %s\n", i, strerror(-err));
				return 1;
			}
		}
		ring_close(&r, 0);
		printf("sent\n");
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	for (int i = 0;; i++) {
		long n = ring_recv(&r, buf, r.cap);
		if (n == RING_EOF) {
			printf("got %d\n", i);
			return 0;
		}
		if (n < 0) {
			fprintf(stderr, "ringpeer: recv %d: %s\n", i, strerror((int)-n));
			return 1;
		}
		uint32_t len = fill(want, i);
		if ((uint32_t)n != len || memcmp(buf, want, len) != 0) {
			fprintf(stderr, "ringpeer: message %d: %ld bytes, want %u or other bytes\n", i, n, len);
			return 1;
		}
	}
}
