/*
 * audio_backend.h - private interface between audio_device.c and the backends
 * beside it (audio_host.c, audio_null.c). Not for other modules.
 * Thread: net thread, unless a comment says otherwise.
 */
#ifndef TUTTI_AUDIO_BACKEND_H
#define TUTTI_AUDIO_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "audio_engine.h"

struct null_device {
	pthread_t thread;
	_Atomic bool running;
	struct engine *engine;
	uint32_t rate, frames, channels;
	bool started;
};

/* Starts the paced null device: engine_process() every @frames at @rate. 0 or -1. */
int null_device_start(struct null_device *n, struct engine *e, uint32_t rate, uint32_t frames);
void null_device_stop(struct null_device *n);

/*
 * The audio host: a child process that runs PortAudio on the engine's
 * shared memory. PortAudio can block for minutes when its audio server
 * dies under it (its JACK host API waits ten minutes for a process
 * callback that never comes, PortAudio issue #820), and a driver can hang
 * in the kernel; in a child, the daemon can always kill it and start a
 * fresh one, and the daemon itself never calls into PortAudio during the
 * show.
 *
 * The host opens the device, then outputs silence until the daemon hands
 * it the engine (@go), so only one thread ever runs engine_process(): the
 * daemon stops its null device first. The host never closes PortAudio: it
 * reports and exits, and the kernel releases the device.
 */
enum host_state {
	HOST_STARTING,			/* opening the device */
	HOST_READY,			/* stream running; waiting for or holding the engine */
	HOST_FAILED,			/* could not open; see err; exiting */
	HOST_LOST,			/* the stream stopped by itself; see err; exiting */
};

/* One page shared with the host (MAP_SHARED). Text fields are written before the state. */
struct host_ctl {
	_Atomic int state;		/* enum host_state, written by the host */
	_Atomic bool go;		/* written by the daemon: the engine is the host's */
	char err[256];
	char name[128];			/* device opened */
	uint32_t in_channels, out_channels;
};

/*
 * In the forked child: opens @device ("default", or a name matched
 * exactly, else as a substring) on the config's host API and runs it until
 * the stream dies or the daemon goes. Never returns.
 */
_Noreturn void audio_host_main(struct host_ctl *ctl, const struct venue_config *cfg,
			       struct engine *e, const char *device, pid_t daemon_pid);

/* Silences stderr while PortAudio probes ALSA/JACK; returns what pa_quiet_end() restores. */
int pa_quiet_begin(void);
void pa_quiet_end(int saved);

#endif
