/* Prints the layout of struct shmTime as ntpd's refclock_shm.c declares it. */
#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct shmTime {
	int mode;
	volatile int count;
	time_t clockTimeStampSec;
	int clockTimeStampUSec;
	time_t receiveTimeStampSec;
	int receiveTimeStampUSec;
	int leap;
	int precision;
	int nsamples;
	volatile int valid;
	unsigned clockTimeStampNSec;
	unsigned receiveTimeStampNSec;
	int dummy[8];
};

#define F(name) printf(#name " %zu\n", offsetof(struct shmTime, name))

int main(void) {
	F(mode);
	F(count);
	F(clockTimeStampSec);
	F(clockTimeStampUSec);
	F(receiveTimeStampSec);
	F(receiveTimeStampUSec);
	F(leap);
	F(precision);
	F(nsamples);
	F(valid);
	F(clockTimeStampNSec);
	F(receiveTimeStampNSec);
	F(dummy);
	printf("sizeof %zu\n", sizeof(struct shmTime));
	return 0;
}
