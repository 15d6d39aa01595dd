/*
 * crowd_stats.c - mergeable value and tempo statistics. See crowd_stats.h.
 * Thread: the crowd's owner (net thread).
 */
#include "crowd_stats.h"

#include <math.h>

static double clamp01(double v)
{
	if (!(v >= 0))		/* also catches NaN */
		return 0;
	return v > 1 ? 1 : v;
}

static int value_bin(double v)
{
	int b = (int)(clamp01(v) * VALUE_BINS);

	return b >= VALUE_BINS ? VALUE_BINS - 1 : b;
}

static int64_t to_micro(double v)
{
	return (int64_t)llround(v * 1e6);
}

void value_stats_add(struct value_stats *s, double v)
{
	v = clamp01(v);
	s->n++;
	s->sum_micro += to_micro(v);
	s->hist[value_bin(v)]++;
}

void value_stats_sub(struct value_stats *s, double v)
{
	int b;

	v = clamp01(v);
	b = value_bin(v);
	if (s->n == 0 || s->hist[b] == 0)
		return;		/* never added: refuse rather than go negative */
	s->n--;
	s->sum_micro -= to_micro(v);
	s->hist[b]--;
}

void value_stats_merge(struct value_stats *into, const struct value_stats *from)
{
	into->n += from->n;
	into->sum_micro += from->sum_micro;
	for (int i = 0; i < VALUE_BINS; i++)
		into->hist[i] += from->hist[i];
}

double value_stats_mean(const struct value_stats *s)
{
	if (s->n == 0)
		return -1;
	return (double)s->sum_micro / 1e6 / s->n;
}

/*
 * Median from a histogram: find the bin holding the middle rank and
 * interpolate linearly inside it, which is exact for values spread evenly
 * within a bin and off by at most one bin width otherwise.
 */
static double hist_median(const uint32_t *hist, int bins, uint32_t n, double lo, double width)
{
	double half = n / 2.0;
	uint32_t below = 0;

	for (int i = 0; i < bins; i++) {
		if (hist[i] == 0)
			continue;
		if (below + hist[i] >= half) {
			double frac = (half - below) / hist[i];

			return lo + (i + frac) * width;
		}
		below += hist[i];
	}
	return lo + bins * width;
}

double value_stats_median(const struct value_stats *s)
{
	if (s->n == 0)
		return -1;
	return clamp01(hist_median(s->hist, VALUE_BINS, s->n, 0.0, 1.0 / VALUE_BINS));
}

static double clamp_bpm(double bpm)
{
	if (!(bpm >= TEMPO_MIN_BPM))
		return TEMPO_MIN_BPM;
	return bpm > TEMPO_MAX_BPM ? TEMPO_MAX_BPM : bpm;
}

static int tempo_bin(double bpm)
{
	int b = (int)lround((clamp_bpm(bpm) - TEMPO_MIN_BPM) / TEMPO_BIN_BPM);

	return b >= TEMPO_BINS ? TEMPO_BINS - 1 : b;
}

void tempo_stats_add(struct tempo_stats *s, double bpm)
{
	bpm = clamp_bpm(bpm);
	s->n++;
	s->sum_micro += to_micro(bpm);
	s->hist[tempo_bin(bpm)]++;
}

void tempo_stats_sub(struct tempo_stats *s, double bpm)
{
	int b;

	bpm = clamp_bpm(bpm);
	b = tempo_bin(bpm);
	if (s->n == 0 || s->hist[b] == 0)
		return;
	s->n--;
	s->sum_micro -= to_micro(bpm);
	s->hist[b]--;
}

void tempo_stats_merge(struct tempo_stats *into, const struct tempo_stats *from)
{
	into->n += from->n;
	into->sum_micro += from->sum_micro;
	for (int i = 0; i < TEMPO_BINS; i++)
		into->hist[i] += from->hist[i];
}

double tempo_stats_median(const struct tempo_stats *s)
{
	if (s->n == 0)
		return -1;
	/* Bins are centred on their BPM, so the first bin starts half a bin low. */
	return clamp_bpm(hist_median(s->hist, TEMPO_BINS, s->n,
				     TEMPO_MIN_BPM - TEMPO_BIN_BPM / 2, TEMPO_BIN_BPM));
}

double tempo_stats_trimmed_mean(const struct tempo_stats *s, double tolerance)
{
	double median = tempo_stats_median(s);
	double sum = 0;
	uint32_t n = 0;

	if (median < 0)
		return -1;
	for (int i = 0; i < TEMPO_BINS; i++) {
		double bpm = TEMPO_MIN_BPM + i * TEMPO_BIN_BPM;

		if (s->hist[i] && fabs(bpm - median) <= median * tolerance) {
			sum += bpm * s->hist[i];
			n += s->hist[i];
		}
	}
	return n ? sum / n : median;
}
