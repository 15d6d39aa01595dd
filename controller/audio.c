/*
 * audio.c - audio device supervision: opens the venue's device (or the
 * null device), and keeps the show going when a device disappears by
 * switching to the null device and retrying the device and its fallback.
 * See audio.h. Thread: net thread.
 */
#include "audio.h"

#include <portaudio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_backend.h"
#include "clock.h"
#include "log.h"

#define REOPEN_EVERY_S 2.0

struct audio_device {
	const struct venue_config *cfg;
	struct engine *engine;
	char wanted[128];		/* device asked for */
	struct pa_device pa;
	struct null_device null;
	enum audio_kind kind;
	bool device_lost;
	uint32_t reopen_attempts;
	double next_reopen_s;
	char name[128];
};

static int start_null(struct audio_device *d)
{
	d->kind = AUDIO_NULL;
	snprintf(d->name, sizeof(d->name), "none");
	return null_device_start(&d->null, d->engine, d->cfg->audio.sample_rate,
				 d->cfg->audio.frames_per_buffer);
}

struct audio_device *audio_open(const struct venue_config *cfg, struct engine *e,
				const char *device, char *err, size_t err_size)
{
	struct audio_device *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	d->cfg = cfg;
	d->engine = e;
	snprintf(d->wanted, sizeof(d->wanted), "%s", device);
	if (strcmp(device, "none") == 0) {
		if (start_null(d) == 0)
			return d;
		snprintf(err, err_size, "cannot start the null audio device");
		free(d);
		return NULL;
	}
	if (pa_device_open(&d->pa, cfg, e, device, err, err_size) != 0) {
		/* The show goes on: the null device runs while we retry the real one. */
		if (start_null(d) != 0) {
			free(d);
			return NULL;
		}
		d->device_lost = true;
		d->next_reopen_s = clock_real_now_s() + REOPEN_EVERY_S;
		return d;
	}
	err[0] = '\0';
	d->kind = AUDIO_PORTAUDIO;
	snprintf(d->name, sizeof(d->name), "%s", d->pa.name);
	return d;
}

void audio_close(struct audio_device *d)
{
	if (!d)
		return;
	pa_device_close(&d->pa);
	null_device_stop(&d->null);
	free(d);
}

static bool try_reopen(struct audio_device *d)
{
	const char *candidates[2] = { d->wanted, d->cfg->audio.fallback_device };
	char err[256];

	d->reopen_attempts++;
	for (int i = 0; i < 2; i++) {
		if (!candidates[i][0])
			continue;
		/* Only one thread may run the engine: stop the null device first. */
		null_device_stop(&d->null);
		if (pa_device_open(&d->pa, d->cfg, d->engine, candidates[i], err, sizeof(err)) == 0) {
			d->kind = AUDIO_PORTAUDIO;
			d->device_lost = false;
			snprintf(d->name, sizeof(d->name), "%s", d->pa.name);
			log_info("audio: back on \"%s\"%s", d->pa.name, i ? " (fallback)" : "");
			return true;
		}
		start_null(d);
	}
	return false;
}

bool audio_supervise(struct audio_device *d)
{
	double now = clock_real_now_s();

	if (!d || strcmp(d->wanted, "none") == 0)
		return false;
	if (d->kind == AUDIO_PORTAUDIO && !pa_device_alive(&d->pa)) {
		log_error("audio: ALARM: device \"%s\" stopped; running on the null device, retrying",
			  d->name);
		pa_device_close(&d->pa);
		d->device_lost = true;
		d->next_reopen_s = now + REOPEN_EVERY_S;
		start_null(d);
		return true;
	}
	if (d->device_lost && now >= d->next_reopen_s) {
		d->next_reopen_s = now + REOPEN_EVERY_S;
		return try_reopen(d);
	}
	return false;
}

void audio_status_get(const struct audio_device *d, struct audio_status *s)
{
	memset(s, 0, sizeof(*s));
	if (!d)
		return;
	s->kind = d->kind;
	s->device_lost = d->device_lost;
	snprintf(s->device_name, sizeof(s->device_name), "%s", d->name);
	s->reopen_attempts = d->reopen_attempts;
	s->sample_rate = d->cfg->audio.sample_rate;
	s->frames_per_buffer = d->cfg->audio.frames_per_buffer;
}

void audio_list_devices(FILE *out)
{
	int quiet = pa_quiet_begin();
	PaError pe = Pa_Initialize();

	pa_quiet_end(quiet);
	if (pe != paNoError)
		return;
	for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
		const PaDeviceInfo *di = Pa_GetDeviceInfo(i);

		if (di->maxOutputChannels > 0)
			fprintf(out, "  %s: %s (%d out, %d in)\n", Pa_GetHostApiInfo(di->hostApi)->name,
				di->name, di->maxOutputChannels, di->maxInputChannels);
	}
	Pa_Terminate();
}
