/*
 * crowd_stats.h - mergeable crowd statistics.
 *
 * Every crowd summary is built from partials that can be added, subtracted
 * and merged: a participant's latest value is added when it arrives and
 * subtracted when it is replaced or expires, zones merge into the venue,
 * and a later edge tier can merge partials from several gateways. Sums are
 * kept as integers in millionths so add-then-subtract returns exactly to
 * where it was, however long the show runs.
 *
 * Thread: a partial belongs to whoever owns the crowd (the net thread).
 */
#ifndef TUTTI_CROWD_STATS_H
#define TUTTI_CROWD_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define VALUE_BINS	256	/* histogram of values in [0, 1] */
#define TEMPO_MIN_BPM	40.0
#define TEMPO_MAX_BPM	240.0
#define TEMPO_BIN_BPM	0.5
#define TEMPO_BINS	401	/* (240 - 40) / 0.5 + 1 */

/* Values in [0, 1]: count, exact sum, histogram for the median. */
struct value_stats {
	uint32_t n;
	int64_t sum_micro;		/* sum of values, in millionths */
	uint32_t hist[VALUE_BINS];
};

/* Tempo estimates in BPM, one per steadily tapping participant. */
struct tempo_stats {
	uint32_t n;
	int64_t sum_micro;		/* sum of BPM, in millionths */
	uint32_t hist[TEMPO_BINS];
};

void value_stats_add(struct value_stats *s, double v);
/* Removes a value earlier added with value_stats_add(). */
void value_stats_sub(struct value_stats *s, double v);
void value_stats_merge(struct value_stats *into, const struct value_stats *from);
/* Mean, or -1 when empty. */
double value_stats_mean(const struct value_stats *s);
/* Median (interpolated within its bin), or -1 when empty. */
double value_stats_median(const struct value_stats *s);

/* BPM outside TEMPO_MIN_BPM..TEMPO_MAX_BPM is clamped. */
void tempo_stats_add(struct tempo_stats *s, double bpm);
void tempo_stats_sub(struct tempo_stats *s, double bpm);
void tempo_stats_merge(struct tempo_stats *into, const struct tempo_stats *from);
/* Median BPM, or -1 when empty. */
double tempo_stats_median(const struct tempo_stats *s);
/*
 * Mean of the estimates within +-@tolerance (a fraction, e.g. 0.08) of the
 * median: a trimmed estimate that ignores outliers entirely. -1 when empty.
 */
double tempo_stats_trimmed_mean(const struct tempo_stats *s, double tolerance);

#endif
