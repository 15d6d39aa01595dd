/*
 * audio_analysis.h - live-input analysis: level (RMS, peak), onsets, beat and
 * tempo (aubio), and the energy of four frequency bands (aubio's phase
 * vocoder FFT), so phones and visuals can pulse with the music on stage.
 *
 * Thread: analysis_create() and analysis_destroy() at set-up, on any one
 * thread; analysis_process() and analysis_features_get() on the audio
 * thread only. Every aubio object and buffer is made in analysis_create();
 * after that nothing allocates, locks, logs or makes a system call
 * (tests/check_audio_analysis.c proves "nothing allocates" with tests/alloc_guard.h).
 *
 * Timing, for a hop of H frames at rate R (the engine uses H = 128 at 48 kHz):
 * - every feature except @frames changes once per complete hop (H / R, 2.7 ms);
 *   a block shorter than a hop is buffered, so results do not depend on the
 *   caller's block size;
 * - onsets: aubio "specflux" on a 4 H window; aubio reports an onset about
 *   4.3 H after it happened (its peak picker looks ahead), 11 ms here;
 * - tempo: aubio's beat tracker looks at the last ~5.8 s and re-estimates
 *   every ~1.4 s, so @bpm is 0 for the first 3-4 s of music and follows a
 *   tempo change within a few seconds;
 * - bands: a Hann window of the smallest power of two >= 40 ms (2048 at
 *   44.1/48 kHz), i.e. they lag the input by about 20 ms;
 * - level: RMS and peak over the last 50 ms of complete hops.
 */
#ifndef TUTTI_AUDIO_ANALYSIS_H
#define TUTTI_AUDIO_ANALYSIS_H

#include <math.h>
#include <stdint.h>

/*
 * Band edges: [0] low < 150 Hz, [1] low-mid 150-600 Hz,
 * [2] high-mid 600-2500 Hz, [3] high >= 2500 Hz (up to Nyquist).
 * The DC bin is left out, so an input's DC offset does not read as bass.
 */
#define ANALYSIS_BANDS		4
#define ANALYSIS_BAND_FLOOR_DB	-60.0f	/* band value 0 at or below this, 1 at 0 dB */

struct analysis_features {
	float rms;			/* linear, over the last 50 ms; a full-scale sine reads 0.707 */
	float peak;			/* linear max |sample| over the last 50 ms */
	float bands[ANALYSIS_BANDS];	/* band energy in dB relative to a full-scale sine wholly
					 * inside the band, mapped -60..0 dB -> 0..1 (clamped) */
	float bpm;			/* aubio's tempo estimate; 0 until it has one, and 0 once
					 * no onset has been heard for 6 s (aubio would keep the
					 * old value in silence and wander on noise) */
	float bpm_confidence;		/* aubio_tempo_get_confidence(): NOT 0..1; 0 while unsure,
					 * ~0.1 on noise, ~3 on a steady click track; 0 with bpm */
	uint32_t onsets;		/* onsets since creation (a counter: a reader that skips
					 * blocks misses none; compare with != , it wraps) */
	uint32_t beats;			/* beats aubio predicted since creation, counted only within
					 * 2 s of an onset (see audio_analysis.c) */
	uint64_t frames;		/* input frames analysed since creation */
};

struct analysis;

/*
 * Makes an analyser for mono input at @sample_rate (8 kHz..384 kHz) that
 * steps every @hop_size frames (1..4096; 128 at 48 kHz keeps aubio's tempo
 * within 0.5 BPM at 90-170 BPM). All allocation happens here.
 * Returns NULL on bad arguments or when out of memory.
 */
struct analysis *analysis_create(float sample_rate, uint32_t hop_size);
/* Frees @a and everything it owns; NULL does nothing. */
void analysis_destroy(struct analysis *a);
/*
 * Audio thread: analyses @frames mono samples (any count; partial hops are
 * buffered). No allocation, locks or system calls. NULL @a or @mono: nothing.
 */
void analysis_process(struct analysis *a, const float *mono, uint32_t frames);
/* Audio thread (the same one as analysis_process): copies the current features into @out. */
void analysis_features_get(const struct analysis *a, struct analysis_features *out);

/* A linear level (rms, peak) in dBFS: 20 log10(x), -120 for 0 or less. */
static inline float analysis_dbfs(float linear)
{
	return linear > 1e-6f ? 20.0f * log10f(linear) : -120.0f;
}

/* A band value (0..1) back in dB relative to a full-scale sine: -60..0. */
static inline float analysis_band_db(float value)
{
	return ANALYSIS_BAND_FLOOR_DB * (1.0f - value);
}

#endif
