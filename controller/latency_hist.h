/*
 * latency_hist.h - a fixed histogram of latencies whose quantiles can be
 * read over any interval: keep a copy at the interval's start and ask
 * with both. Buckets grow by 20 % from 0.25 ms, so a quantile is read to
 * within a fifth of its value, up to about 24 s (above that, the last
 * bucket).
 *
 * Thread: plain data, one owner (the net thread's input-to-state
 * latency); no allocation.
 */
#ifndef TUTTI_LATENCY_HIST_H
#define TUTTI_LATENCY_HIST_H

#include <stdint.h>

#define LATENCY_BUCKETS		64
#define LATENCY_FIRST_S		0.00025	/* the first bucket's upper bound */
#define LATENCY_GROWTH		1.2	/* each bucket's bound over the one before */

struct latency_hist {
	uint64_t count[LATENCY_BUCKETS];
	uint64_t n;
	double sum_s;
};

/* One sample of @seconds (negative and NaN read as 0). */
void latency_hist_add(struct latency_hist *h, double seconds);
/* Bucket @i's upper bound in seconds (the last bucket has none: +Inf). */
double latency_hist_bound(int i);
/*
 * The @q quantile (0..1) of the samples added between @then (an earlier
 * copy of the same histogram; NULL = since the start) and @now, in
 * seconds, interpolated within its bucket. NAN when there were none.
 */
double latency_hist_quantile(const struct latency_hist *now, const struct latency_hist *then, double q);
/* Samples between @then (NULL = the start) and @now. */
uint64_t latency_hist_count(const struct latency_hist *now, const struct latency_hist *then);

#endif
