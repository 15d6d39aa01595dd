/*
 * audio_offline.c - renders the engine as fast as it goes into a WAV file
 * (libsndfile), for rehearsal and tests. The calling thread plays the
 * audio thread's part. See audio_device.h.
 */
#include "audio_device.h"

#include <sndfile.h>
#include <stdio.h>
#include <string.h>

int audio_render_offline(struct engine *e, const char *path, double seconds, uint32_t block,
			 audio_between_fn *between, audio_input_fn *in_fn, void *user,
			 char *err, size_t err_size)
{
	static float out[ENGINE_MAX_BLOCK * 2], in[ENGINE_MAX_BLOCK];
	uint32_t rate = engine_sample_rate(e);
	uint64_t total = (uint64_t)(seconds * rate), done = 0;
	SF_INFO info = { .samplerate = (int)rate, .channels = 2,
			 .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *sf = NULL;

	if (block == 0 || block > ENGINE_MAX_BLOCK) {
		snprintf(err, err_size, "block must be 1 to %d frames", ENGINE_MAX_BLOCK);
		return -1;
	}
	if (path) {
		sf = sf_open(path, SFM_WRITE, &info);
		if (!sf) {
			snprintf(err, err_size, "%s: %s", path, sf_strerror(NULL));
			return -1;
		}
		/* libsndfile stamps a float file's PEAK chunk with the wall clock: the same show, other bytes. */
		sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	}
	engine_set_block(e, block);
	engine_loudness_take_over(e);
	while (done < total) {
		uint32_t n = total - done < block ? (uint32_t)(total - done) : block;
		double t = (double)done / rate;

		if (between)
			between(user, t);
		if (in_fn)
			in_fn(user, in, n, t);
		engine_process(e, in_fn ? in : NULL, in_fn ? 1 : 0, out, 2, n);
		engine_loudness_measure(e);
		if (sf && sf_writef_float(sf, out, n) != n) {
			snprintf(err, err_size, "%s: %s", path, sf_strerror(sf));
			sf_close(sf);
			return -1;
		}
		done += n;
	}
	if (sf)
		sf_close(sf);
	return 0;
}
