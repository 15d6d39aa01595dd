/*
 * audio_device.h - audio backends that drive the engine: a PortAudio duplex
 * stream on the venue's device, a paced null device (no sound card: the
 * same callback on a clock thread), and offline rendering to a WAV file.
 *
 * PortAudio runs in a child process, the audio host (audio_backend.h
 * says why), so a device or audio server that disappears, or a driver
 * that hangs, never stops the show: audio_supervise(), called from the
 * net thread ten times a second and never blocking, notices the host's
 * stream is gone, raises an alarm, kills the host and retries the device
 * and the fallback device in fresh hosts, keeping the null device running
 * meanwhile so the music clock, analysis and the phones go on.
 *
 * Thread: net thread (open, close, supervise); the null device's thread
 * or the host's PortAudio callback calls engine_process(), never both.
 */
#ifndef TUTTI_AUDIO_DEVICE_H
#define TUTTI_AUDIO_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "audio_engine.h"

struct audio_device;

enum audio_kind { AUDIO_NULL, AUDIO_PORTAUDIO };

struct audio_status {
	enum audio_kind kind;		/* what runs now (NULL while a device is lost) */
	bool device_lost;		/* alarm: the configured device is gone */
	char device_name[128];		/* what is open now */
	char error[256];		/* why the device is lost ("" when it plays) */
	uint32_t reopen_attempts;
	uint32_t sample_rate, frames_per_buffer;
};

/*
 * Opens @device ("none" = the null device, "default", or a device name,
 * matched exactly or else as a substring) on @cfg->audio's host API, rate,
 * block size and channels, and starts it, waiting up to 10 s for it (or
 * its fallback). When neither opens, the null device runs instead, the status says device_lost (the
 * alarm) and audio_supervise() keeps retrying; @err says why (else "").
 * Returns NULL only when not even the null device starts.
 */
struct audio_device *audio_open(const struct venue_config *cfg, struct engine *e,
				const char *device, char *err, size_t err_size);
/* Stops and closes; NULL does nothing. */
void audio_close(struct audio_device *d);
/* Net thread, ~10 Hz, never blocks: hands over, notices loss, reopens; true when the status changed. */
bool audio_supervise(struct audio_device *d);
void audio_status_get(const struct audio_device *d, struct audio_status *s);

/* Lists PortAudio's output devices on @out ("host api: name (channels)"). */
void audio_list_devices(FILE *out);

/*
 * Offline: renders @seconds into the WAV file @path (float, stereo) as
 * fast as possible, calling @between(user, t) before each block so a
 * test or a rehearsal can move the show. @in_fn may supply input (NULL =
 * silence). Returns 0 or -1 with @err.
 */
typedef void audio_between_fn(void *user, double t_s);
typedef void audio_input_fn(void *user, float *mono, uint32_t frames, double t_s);
int audio_render_offline(struct engine *e, const char *path, double seconds, uint32_t block,
			 audio_between_fn *between, audio_input_fn *in_fn, void *user,
			 char *err, size_t err_size);

#endif
