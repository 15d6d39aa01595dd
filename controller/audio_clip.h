/*
 * audio_clip.h - audio files decoded into memory before the show: libsndfile
 * reads them, libsamplerate converts them once to the engine's rate, and
 * the engine only ever reads the resulting float arrays.
 * Thread: set-up only (allocates); the arrays are read-only afterwards.
 */
#ifndef TUTTI_AUDIO_CLIP_H
#define TUTTI_AUDIO_CLIP_H

#include <stddef.h>
#include <stdint.h>

#define CLIP_MAX_SECONDS 120	/* a wrong file cannot eat the memory */

struct audio_clip {
	float *left, *right;		/* planar, at the engine's rate; mono fills both */
	uint32_t frames;
	float rate;			/* = the engine's rate */
	float source_rate;
	uint32_t source_channels;
};

/*
 * Decodes @path and, when its rate differs from @engine_rate, resamples it
 * (SRC_SINC_MEDIUM_QUALITY). Mono is duplicated to both sides; beyond two
 * channels the first two are used. Returns 0, or -1 with a message for a
 * person in @err ("PATH: cannot open: ...").
 */
int clip_load(struct audio_clip *clip, const char *path, float engine_rate, char *err, size_t err_size);
/* Frees the arrays; safe on a zeroed or already freed clip. */
void clip_free(struct audio_clip *clip);

#endif
