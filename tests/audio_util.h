/*
 * audio_util.h - helpers for the audio tests: write test signals as WAV
 * files (libsndfile) and measure what the engine rendered.
 */
#ifndef TUTTI_AUDIO_UTIL_H
#define TUTTI_AUDIO_UTIL_H

#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>

#define TEST_PI 3.14159265358979323846

/* Writes a mono WAV at @rate: a sine of @freq Hz (or white noise when @freq is 0) at @amp. */
static inline int test_wav_write(const char *path, double freq, double amp, double seconds, int rate)
{
	SF_INFO info = { .samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	sf_count_t n = (sf_count_t)(seconds * rate);
	uint32_t seed = 12345;

	if (!f)
		return -1;
	for (sf_count_t i = 0; i < n; i++) {
		float v;

		if (freq > 0) {
			v = (float)(amp * sin(2 * TEST_PI * freq * (double)i / rate));
		} else {
			seed = seed * 1664525u + 1013904223u;
			v = (float)(amp * ((seed >> 8) / 8388608.0 - 1.0));
		}
		sf_writef_float(f, &v, 1);
	}
	sf_close(f);
	return 0;
}

static inline double test_rms(const float *x, size_t n, size_t stride)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (double)x[i * stride] * x[i * stride];
	return n ? sqrt(sum / n) : 0;
}

static inline double test_db(double v)
{
	return 20 * log10(v > 1e-12 ? v : 1e-12);
}

/* Power of @x at @freq (Goertzel), over @n samples with @stride. */
static inline double test_goertzel(const float *x, size_t n, size_t stride, double freq, double rate)
{
	double w = 2 * TEST_PI * freq / rate, coeff = 2 * cos(w), s1 = 0, s2 = 0;

	for (size_t i = 0; i < n; i++) {
		double s = x[i * stride] + coeff * s1 - s2;

		s2 = s1;
		s1 = s;
	}
	return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((double)n * n);
}

#endif
