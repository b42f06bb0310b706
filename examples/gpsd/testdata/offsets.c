/*
 * Prints the layout of gpsd's shared memory export, struct shmexport_t (gpsd.h, which
 * gpsd does not install: copied below), as this C compiler lays it out with the gps.h
 * of libgps-dev. The test of examples/gpsd compares it with the reader's table.
 */
#include <stddef.h>
#include <stdio.h>
#include <gps.h>

struct shmexport_t {
	int bookend1;
	struct gps_data_t gpsdata;
	int bookend2;
};

#define OFF(name, member) printf(name " %zu\n", offsetof(struct shmexport_t, member))

int main(void) {
	printf("api %d.%d\n", GPSD_API_MAJOR_VERSION, GPSD_API_MINOR_VERSION);
	printf("size %zu\n", sizeof(struct shmexport_t));
	OFF("bookend1", bookend1);
	OFF("bookend2", bookend2);
	OFF("fix", gpsdata.fix);
	OFF("time", gpsdata.fix.time);
	printf("timesize %zu\n", sizeof(((struct gps_fix_t *)0)->time.tv_sec));
	OFF("mode", gpsdata.fix.mode);
	OFF("latitude", gpsdata.fix.latitude);
	OFF("longitude", gpsdata.fix.longitude);
	OFF("altHAE", gpsdata.fix.altHAE);
	OFF("altMSL", gpsdata.fix.altMSL);
	OFF("track", gpsdata.fix.track);
	OFF("speed", gpsdata.fix.speed);
	OFF("climb", gpsdata.fix.climb);
	OFF("path", gpsdata.dev.path);
	printf("pathsize %zu\n", sizeof(((struct devconfig_t *)0)->path));
	return 0;
}
