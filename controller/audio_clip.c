/*
 * audio_clip.c - decode and resample audio files before the show. See audio_clip.h.
 * Thread: set-up only.
 */
#include "audio_clip.h"

#include <samplerate.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void clip_free(struct audio_clip *clip)
{
	free(clip->left);
	free(clip->right);
	clip->left = clip->right = NULL;
	clip->frames = 0;
}

/* Resamples interleaved stereo @in (@frames) by @ratio into a new buffer. */
static float *resample(const float *in, sf_count_t frames, double ratio, sf_count_t *out_frames,
		       const char **why)
{
	SRC_DATA d;
	long cap = (long)(frames * ratio) + 64;
	float *out = malloc((size_t)cap * 2 * sizeof(float));
	int rc;

	if (!out) {
		*why = "out of memory";
		return NULL;
	}
	memset(&d, 0, sizeof(d));
	d.data_in = in;
	d.input_frames = (long)frames;
	d.data_out = out;
	d.output_frames = cap;
	d.src_ratio = ratio;
	rc = src_simple(&d, SRC_SINC_MEDIUM_QUALITY, 2);
	if (rc) {
		*why = src_strerror(rc);
		free(out);
		return NULL;
	}
	*out_frames = d.output_frames_gen;
	return out;
}

int clip_load(struct audio_clip *clip, const char *path, float engine_rate, char *err, size_t err_size)
{
	SF_INFO info;
	SNDFILE *f;
	float *raw = NULL, *stereo = NULL, *final;
	sf_count_t frames, got;
	const char *why = NULL;

	memset(clip, 0, sizeof(*clip));
	memset(&info, 0, sizeof(info));
	f = sf_open(path, SFM_READ, &info);
	if (!f) {
		snprintf(err, err_size, "%s: cannot open: %s", path, sf_strerror(NULL));
		return -1;
	}
	if (info.frames <= 0 || info.channels <= 0) {
		snprintf(err, err_size, "%s: no audio in it (0 frames)", path);
		goto fail;
	}
	if (info.frames > (sf_count_t)info.samplerate * CLIP_MAX_SECONDS) {
		snprintf(err, err_size, "%s: longer than %d s", path, CLIP_MAX_SECONDS);
		goto fail;
	}
	frames = info.frames;
	raw = malloc((size_t)frames * (size_t)info.channels * sizeof(float));
	stereo = malloc((size_t)frames * 2 * sizeof(float));
	if (!raw || !stereo) {
		snprintf(err, err_size, "%s: out of memory", path);
		goto fail;
	}
	got = sf_readf_float(f, raw, frames);
	if (got <= 0) {
		snprintf(err, err_size, "%s: cannot read: %s", path, sf_strerror(f));
		goto fail;
	}
	frames = got;
	for (sf_count_t i = 0; i < frames; i++) {
		stereo[i * 2] = raw[i * info.channels];
		stereo[i * 2 + 1] = raw[i * info.channels + (info.channels > 1 ? 1 : 0)];
	}
	final = stereo;
	if ((float)info.samplerate != engine_rate) {
		final = resample(stereo, frames, engine_rate / info.samplerate, &frames, &why);
		if (!final) {
			snprintf(err, err_size, "%s: cannot resample: %s", path, why);
			goto fail;
		}
	}
	clip->left = malloc((size_t)frames * sizeof(float));
	clip->right = malloc((size_t)frames * sizeof(float));
	if (!clip->left || !clip->right) {
		if (final != stereo)
			free(final);
		snprintf(err, err_size, "%s: out of memory", path);
		goto fail;
	}
	for (sf_count_t i = 0; i < frames; i++) {
		clip->left[i] = final[i * 2];
		clip->right[i] = final[i * 2 + 1];
	}
	if (final != stereo)
		free(final);
	clip->frames = (uint32_t)frames;
	clip->rate = engine_rate;
	clip->source_rate = (float)info.samplerate;
	clip->source_channels = (uint32_t)info.channels;
	free(raw);
	free(stereo);
	sf_close(f);
	return 0;
fail:
	free(raw);
	free(stereo);
	clip_free(clip);
	sf_close(f);
	return -1;
}
