/*
 * latency_hist.c - see latency_hist.h.
 */
#include "latency_hist.h"

#include <math.h>

double latency_hist_bound(int i)
{
	return i >= LATENCY_BUCKETS - 1 ? INFINITY : LATENCY_FIRST_S * pow(LATENCY_GROWTH, i);
}

void latency_hist_add(struct latency_hist *h, double seconds)
{
	int i = 0;

	if (!(seconds > 0))
		seconds = 0;
	/* The bucket whose bound is the first at or above @seconds. */
	if (seconds > LATENCY_FIRST_S)
		i = (int)ceil(log(seconds / LATENCY_FIRST_S) / log(LATENCY_GROWTH) - 1e-9);
	if (i >= LATENCY_BUCKETS)
		i = LATENCY_BUCKETS - 1;
	h->count[i]++;
	h->n++;
	h->sum_s += seconds;
}

uint64_t latency_hist_count(const struct latency_hist *now, const struct latency_hist *then)
{
	return now->n - (then ? then->n : 0);
}

double latency_hist_quantile(const struct latency_hist *now, const struct latency_hist *then, double q)
{
	uint64_t total = latency_hist_count(now, then), seen = 0;
	double rank;

	if (!total)
		return NAN;
	q = q < 0 ? 0 : q > 1 ? 1 : q;
	/* The sample of this rank (1-based, nearest-rank), placed evenly within its bucket. */
	rank = fmax(1.0, ceil(q * (double)total));
	for (int i = 0; i < LATENCY_BUCKETS; i++) {
		uint64_t c = now->count[i] - (then ? then->count[i] : 0);
		double lo, hi;

		if (!c || (double)(seen + c) < rank) {
			seen += c;
			continue;
		}
		lo = i ? latency_hist_bound(i - 1) : 0;
		/* The last bucket has no bound: its samples read as its lower bound. */
		hi = i == LATENCY_BUCKETS - 1 ? lo : latency_hist_bound(i);
		return lo + (hi - lo) * (rank - (double)seen) / (double)c;
	}
	return latency_hist_bound(LATENCY_BUCKETS - 2);
}
