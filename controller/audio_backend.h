/*
 * audio_backend.h - private interface between audio.c and the backends
 * beside it (audio_pa.c, audio_null.c). Not for other modules.
 * Thread: net thread, unless a comment says otherwise.
 */
#ifndef TUTTI_AUDIO_BACKEND_H
#define TUTTI_AUDIO_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"

struct null_device {
	pthread_t thread;
	_Atomic bool running;
	struct engine *engine;
	uint32_t rate, frames, channels;
	bool started;
};

struct pa_device {
	void *stream;			/* PaStream * */
	_Atomic bool finished;		/* set by PortAudio's finished callback */
	struct engine *engine;
	uint32_t in_channels, out_channels;
	bool initialized;		/* Pa_Initialize succeeded */
	char name[128];
};

/* Starts the paced null device: engine_process() every @frames at @rate. 0 or -1. */
int null_device_start(struct null_device *n, struct engine *e, uint32_t rate, uint32_t frames);
void null_device_stop(struct null_device *n);

/*
 * Opens and starts @device on the config's host API. 0, or -1 with @err.
 * PortAudio is initialised here and terminated in pa_device_close(), so a
 * reopen sees devices that came back.
 */
int pa_device_open(struct pa_device *p, const struct venue_config *cfg, struct engine *e,
		   const char *device, char *err, size_t err_size);
void pa_device_close(struct pa_device *p);
/* Silences stderr while PortAudio probes ALSA/JACK; returns what pa_quiet_end() restores. */
int pa_quiet_begin(void);
void pa_quiet_end(int saved);
/* False once the stream stopped by itself (device or audio server gone). */
bool pa_device_alive(struct pa_device *p);

#endif
