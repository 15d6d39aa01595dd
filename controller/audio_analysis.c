/*
 * audio_analysis.c - aubio-based live-input analysis. See audio_analysis.h.
 * Thread: audio thread for process/features_get; set-up for the rest.
 */
#include "audio_analysis.h"

#include <aubio/aubio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEVEL_HOPS	4	/* RMS and peak over the last four hops */
#define BAND_FLOOR_DB	-60.0f

static const float band_edges_hz[ANALYSIS_BANDS + 1] = { 0, 150, 600, 2500, 1e9f };

struct analysis {
	float rate;
	uint32_t hop, win, filled;
	fvec_t *hop_buf;		/* samples waiting for a full hop */
	fvec_t *tempo_out, *onset_out;
	cvec_t *spectrum;
	aubio_tempo_t *tempo;
	aubio_onset_t *onset;
	aubio_pvoc_t *pvoc;
	float band_ref;			/* band energy of a full-scale sine */
	float mean_square[LEVEL_HOPS];
	float peaks[LEVEL_HOPS];
	uint32_t level_pos;
	struct analysis_features f;
};

struct analysis *analysis_create(float sample_rate, uint32_t hop_size)
{
	struct analysis *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->rate = sample_rate;
	a->hop = hop_size;
	a->win = hop_size * 4;
	a->hop_buf = new_fvec(a->hop);
	a->tempo_out = new_fvec(2);
	a->onset_out = new_fvec(1);
	a->spectrum = new_cvec(a->win);
	a->tempo = new_aubio_tempo("default", a->win, a->hop, (uint_t)sample_rate);
	/* specflux finds every click of a click track; "default" (hfc) missed most at 90 BPM. */
	a->onset = new_aubio_onset("specflux", a->win, a->hop, (uint_t)sample_rate);
	a->pvoc = new_aubio_pvoc(a->win, a->hop);
	if (!a->hop_buf || !a->tempo_out || !a->onset_out || !a->spectrum || !a->tempo ||
	    !a->onset || !a->pvoc) {
		analysis_destroy(a);
		return NULL;
	}
	/* A full-scale sine through a Hann window of N samples peaks at N/4 in magnitude. */
	a->band_ref = (float)a->win / 4 * (float)a->win / 4;
	return a;
}

void analysis_destroy(struct analysis *a)
{
	if (!a)
		return;
	if (a->hop_buf)
		del_fvec(a->hop_buf);
	if (a->tempo_out)
		del_fvec(a->tempo_out);
	if (a->onset_out)
		del_fvec(a->onset_out);
	if (a->spectrum)
		del_cvec(a->spectrum);
	if (a->tempo)
		del_aubio_tempo(a->tempo);
	if (a->onset)
		del_aubio_onset(a->onset);
	if (a->pvoc)
		del_aubio_pvoc(a->pvoc);
	free(a);
}

static void analyse_hop(struct analysis *a)
{
	const smpl_t *x = a->hop_buf->data;
	float sum = 0, peak = 0, bands[ANALYSIS_BANDS] = { 0 };
	float bin_hz = a->rate / a->win;

	for (uint32_t i = 0; i < a->hop; i++) {
		float v = x[i];

		sum += v * v;
		if (fabsf(v) > peak)
			peak = fabsf(v);
	}
	a->mean_square[a->level_pos] = sum / a->hop;
	a->peaks[a->level_pos] = peak;
	a->level_pos = (a->level_pos + 1) % LEVEL_HOPS;
	sum = peak = 0;
	for (int k = 0; k < LEVEL_HOPS; k++) {
		sum += a->mean_square[k];
		if (a->peaks[k] > peak)
			peak = a->peaks[k];
	}
	a->f.rms = sqrtf(sum / LEVEL_HOPS);
	a->f.peak = peak;

	aubio_tempo_do(a->tempo, a->hop_buf, a->tempo_out);
	if (a->tempo_out->data[0] != 0)
		a->f.beats++;
	a->f.bpm = aubio_tempo_get_bpm(a->tempo);
	a->f.bpm_confidence = aubio_tempo_get_confidence(a->tempo);
	aubio_onset_do(a->onset, a->hop_buf, a->onset_out);
	if (a->onset_out->data[0] != 0)
		a->f.onsets++;

	aubio_pvoc_do(a->pvoc, a->hop_buf, a->spectrum);
	for (uint32_t bin = 1; bin < a->spectrum->length; bin++) {
		float hz = bin * bin_hz, m = a->spectrum->norm[bin];
		int b = 0;

		while (b < ANALYSIS_BANDS - 1 && hz >= band_edges_hz[b + 1])
			b++;
		bands[b] += m * m;
	}
	for (int b = 0; b < ANALYSIS_BANDS; b++) {
		float db = 10 * log10f(bands[b] / a->band_ref + 1e-12f);
		float v = (db - BAND_FLOOR_DB) / -BAND_FLOOR_DB;

		a->f.bands[b] = v < 0 ? 0 : v > 1 ? 1 : v;
	}
}

void analysis_process(struct analysis *a, const float *mono, uint32_t frames)
{
	for (uint32_t i = 0; i < frames; i++) {
		a->hop_buf->data[a->filled++] = mono[i];
		if (a->filled == a->hop) {
			analyse_hop(a);
			a->filled = 0;
		}
	}
	a->f.frames += frames;
}

void analysis_features_get(const struct analysis *a, struct analysis_features *out)
{
	*out = a->f;
}
