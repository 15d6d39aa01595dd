/*
 * series.c - what the load generator measures: sample series with their
 * percentiles, and the phone protocol's error codes by index. Shared by the
 * phones (which record) and the report (which reads). See loadgen.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

const char *const lg_error_code_names[16] = {
	"other", "malformed_json", "unknown_type", "invalid_field", "out_of_range", "not_joined",
	"already_joined", "control_disabled", "poll_closed", "unknown_poll", "rate_limited",
	"venue_full", "too_many_connections", "too_many_joins", "muted", "unknown_zone",
};

int lg_error_code_index(const char *code)
{
	for (int i = 1; i < 16; i++)
		if (strcmp(code, lg_error_code_names[i]) == 0)
			return i;
	return 0;
}

void lg_series_add(struct lg_series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double lg_series_pct(struct lg_series *s, double p)
{
	size_t rank;

	if (!s->n)
		return NAN;
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_double);
	rank = (size_t)ceil(p / 100.0 * (double)s->n);
	return s->v[rank ? rank - 1 : 0];
}

double lg_series_max(const struct lg_series *s)
{
	double m = NAN;

	for (size_t i = 0; i < s->n; i++)
		if (isnan(m) || s->v[i] > m)
			m = s->v[i];
	return m;
}

size_t lg_series_count_upto(const struct lg_series *s, double limit)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->v[i] <= limit;
	return n;
}

void lg_series_free(struct lg_series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

