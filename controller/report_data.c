/*
 * report_data.c - the post-show report's figures, from a show's journal,
 * with SQLite queries over its tables (docs/journal.md). See report_data.h
 * and docs/report.md for what each figure means and where it comes from.
 *
 * Thread: any (the caller's); it opens its own read-only connection.
 */
#include "report_data.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "audio_map.h"

/* A second of show with fewer inputs of a kind than this says nothing about one phone's share. */
#define FAIR_MIN_INPUTS 20

/* What the journal held, second by second (index = whole seconds of show time). */
struct seconds {
	size_t n;			/* seconds of show, the last one included */
	double *taps;			/* tap inputs in the second */
	double *x_median, *y_median, *slider_median;	/* NAN: no input of that control */
	double *x_mean, *y_mean, *slider_mean, *shake_mean;
	double *active_share;		/* metrics: active / participants */
	int *cue;			/* the cue in force at the second's start */
};

struct report {
	sqlite3 *db;
	const struct venue_config *cfg;
	double length_s;
	struct seconds s;
	char *err;
	size_t err_size;
};

static int fail(struct report *r, const char *what)
{
	snprintf(r->err, r->err_size, "%s: %s", what, sqlite3_errmsg(r->db));
	return -1;
}

static sqlite3_stmt *prepare(struct report *r, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) != SQLITE_OK) {
		fail(r, "cannot read the journal");
		return NULL;
	}
	return s;
}

/* A number for JSON: NAN and infinities become null. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The @p-th percentile (0..100) of @v sorted, nearest rank. */
static double percentile(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return NAN;
	k = (size_t)ceil(p / 100 * (double)n);
	return v[k ? k - 1 : 0];
}

static double *nan_array(size_t n)
{
	double *a = malloc(n * sizeof(*a));

	for (size_t i = 0; a && i < n; i++)
		a[i] = NAN;
	return a;
}

static void seconds_free(struct seconds *s)
{
	free(s->taps);
	free(s->x_median);
	free(s->y_median);
	free(s->slider_median);
	free(s->x_mean);
	free(s->y_mean);
	free(s->slider_mean);
	free(s->shake_mean);
	free(s->active_share);
	free(s->cue);
}

/* Median and mean of one control's values of one second into their arrays. */
static void settle_second(struct seconds *s, long sec, int control, double *xs, double *ys, size_t n)
{
	double xmean = 0, ymean = 0;

	if (n == 0 || sec < 0 || (size_t)sec >= s->n)
		return;
	for (size_t i = 0; i < n; i++) {
		xmean += xs[i];
		ymean += ys[i];
	}
	xmean /= (double)n;
	ymean /= (double)n;
	switch (control) {
	case CONTROL_XY:
		s->x_mean[sec] = xmean;
		s->y_mean[sec] = ymean;
		s->x_median[sec] = median_of(xs, n);
		s->y_median[sec] = median_of(ys, n);
		break;
	case CONTROL_SLIDER:
		s->slider_mean[sec] = xmean;
		s->slider_median[sec] = median_of(xs, n);
		break;
	case CONTROL_SHAKE:
		s->shake_mean[sec] = xmean;
		break;
	default:
		break;
	}
}

/* Every input, second by second: the crowd's aggregates as the mappings read them. */
static int load_seconds(struct report *r)
{
	struct seconds *s = &r->s;
	sqlite3_stmt *q;
	size_t cap = 1024, n = 0;
	double *xs = malloc(cap * sizeof(double)), *ys = malloc(cap * sizeof(double));
	long cur_sec = -1;
	int cur_control = -1, rc = 0;

	s->n = (size_t)floor(r->length_s) + 1;
	s->taps = calloc(s->n, sizeof(double));
	s->cue = calloc(s->n, sizeof(int));
	s->x_median = nan_array(s->n);
	s->y_median = nan_array(s->n);
	s->slider_median = nan_array(s->n);
	s->x_mean = nan_array(s->n);
	s->y_mean = nan_array(s->n);
	s->slider_mean = nan_array(s->n);
	s->shake_mean = nan_array(s->n);
	s->active_share = nan_array(s->n);
	if (!xs || !ys || !s->taps || !s->cue || !s->x_median || !s->y_median || !s->slider_median ||
	    !s->x_mean || !s->y_mean || !s->slider_mean || !s->shake_mean || !s->active_share) {
		snprintf(r->err, r->err_size, "out of memory");
		rc = -1;
		goto out;
	}
	q = prepare(r, "SELECT CAST(t AS INTEGER), a, x, y FROM event WHERE kind = 'input' ORDER BY 1, 2");
	if (!q) {
		rc = -1;
		goto out;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		long sec = (long)sqlite3_column_int64(q, 0);
		int control = sqlite3_column_int(q, 1);

		if (sec != cur_sec || control != cur_control) {
			settle_second(s, cur_sec, cur_control, xs, ys, n);
			n = 0;
			cur_sec = sec;
			cur_control = control;
		}
		if (control == CONTROL_TAP) {
			if (sec >= 0 && (size_t)sec < s->n)
				s->taps[sec]++;
			continue;
		}
		if (n == cap) {
			double *nx = realloc(xs, 2 * cap * sizeof(double)), *ny = nx ? realloc(ys, 2 * cap * sizeof(double)) : NULL;

			if (nx)
				xs = nx;
			if (ny)
				ys = ny;
			if (!nx || !ny)
				continue;	/* out of memory: this second's figure stands on what fitted */
			cap *= 2;
		}
		xs[n] = sqlite3_column_double(q, 2);
		ys[n++] = sqlite3_column_double(q, 3);
	}
	settle_second(s, cur_sec, cur_control, xs, ys, n);
	sqlite3_finalize(q);
out:
	free(xs);
	free(ys);
	return rc;
}

static bool has_column(struct report *r, const char *table, const char *column)
{
	sqlite3_stmt *s = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(r->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
	}
	sqlite3_finalize(s);
	return found;
}

static json_t *show_info(struct report *r)
{
	char sql[600];
	sqlite3_stmt *q;
	json_t *o = NULL;

	/* show.rehearsal came with schema version 3: an older show was a show. */
	snprintf(sql, sizeof(sql), "SELECT venue, started_unix, ended_unix, last_t, %s, config_sha256, "
		 "(SELECT count(*) FROM participant), (SELECT count(*) FROM event WHERE kind = 'input'), "
		 "(SELECT count(*) FROM vote) + (SELECT coalesce(sum(count), 0) FROM anonymous_vote), "
		 "(SELECT coalesce(max(t), 0) FROM event) FROM show",
		 has_column(r, "show", "rehearsal") ? "rehearsal" : "0");
	q = prepare(r, sql);
	if (!q)
		return NULL;
	if (sqlite3_step(q) == SQLITE_ROW) {
		r->length_s = sqlite3_column_double(q, 9);
		o = json_pack("{s:s, s:f, s:o, s:f, s:b, s:s, s:I, s:I, s:I}",
			      "venue", (const char *)sqlite3_column_text(q, 0),
			      "started_unix", sqlite3_column_double(q, 1),
			      "ended_unix", sqlite3_column_type(q, 2) == SQLITE_NULL ? json_null() :
					    json_real(sqlite3_column_double(q, 2)),
			      "length_s", r->length_s,
			      "rehearsal", sqlite3_column_int(q, 4),
			      "config_sha256", (const char *)sqlite3_column_text(q, 5),
			      "participants_total", (json_int_t)sqlite3_column_int64(q, 6),
			      "inputs_total", (json_int_t)sqlite3_column_int64(q, 7),
			      "votes_total", (json_int_t)sqlite3_column_int64(q, 8));
	} else {
		snprintf(r->err, r->err_size, "not a show's journal: it holds no show");
	}
	sqlite3_finalize(q);
	return o;
}

/*
 * Input-to-state latency as the live daemon measured it, second by second
 * (the metrics row's text; docs/journal.md): the series, and each
 * percentile's median and worst second. Seconds with no input: null.
 */
struct measured_latency {
	json_t *p50, *p90, *p99;	/* ms per metrics row, or null */
	double *p99s, *p50s;		/* the seconds that had any */
	size_t n, cap;
	json_int_t samples;
};

static void latency_second(struct measured_latency *ml, const char *text)
{
	json_t *o = text && *text ? json_loads(text, 0, NULL) : NULL, *l = json_object_get(o, "latency_ms");
	double p50 = json_number_value(json_object_get(l, "p50")), p99 = json_number_value(json_object_get(l, "p99"));
	json_int_t n = json_integer_value(json_object_get(l, "n"));

	json_array_append_new(ml->p50, n > 0 ? json_real(p50) : json_null());
	json_array_append_new(ml->p90, n > 0 ? num(json_number_value(json_object_get(l, "p90"))) : json_null());
	json_array_append_new(ml->p99, n > 0 ? json_real(p99) : json_null());
	json_decref(o);
	if (n <= 0)
		return;
	ml->samples += n;
	if (ml->n == ml->cap) {
		size_t cap = ml->cap ? 2 * ml->cap : 256;
		double *a = realloc(ml->p99s, cap * sizeof(*a)), *b = a ? realloc(ml->p50s, cap * sizeof(*b)) : NULL;

		if (a)
			ml->p99s = a;
		if (!b)
			return;
		ml->p50s = b;
		ml->cap = cap;
	}
	ml->p99s[ml->n] = p99;
	ml->p50s[ml->n++] = p50;
}

static void latency_measured(struct measured_latency *ml, json_t *latency)
{
	json_object_set_new(latency, "measured_seconds", json_integer((json_int_t)ml->n));
	json_object_set_new(latency, "measured_inputs", json_integer(ml->samples));
	json_object_set_new(latency, "p50_ms", ml->p50);
	json_object_set_new(latency, "p90_ms", ml->p90);
	json_object_set_new(latency, "p99_ms", ml->p99);
	json_object_set_new(latency, "p50_ms_median_second", num(median_of(ml->p50s, ml->n)));
	json_object_set_new(latency, "p99_ms_median_second", num(median_of(ml->p99s, ml->n)));
	if (ml->n)	/* a rehearsal's journal has none, and qsort() takes no NULL */
		qsort(ml->p99s, ml->n, sizeof(double), cmp_double);
	json_object_set_new(latency, "p99_ms_worst_second", num(ml->n ? ml->p99s[ml->n - 1] : NAN));
	free(ml->p99s);
	free(ml->p50s);
}

/* The metrics once a second: participants and active phones, inputs/s, the slowest tick. */
static json_t *metrics(struct report *r, json_t *latency)
{
	sqlite3_stmt *q = prepare(r, "SELECT t, a, b, x, y, text FROM event WHERE kind = 'metrics' ORDER BY seq");
	json_t *t = json_array(), *parts = json_array(), *active = json_array(), *ips = json_array(),
	       *tick = json_array();
	struct measured_latency ml = { .p50 = json_array(), .p90 = json_array(), .p99 = json_array() };
	double *ticks = NULL, peak_p = 0, peak_a = 0, peak_ips = 0;
	size_t n = 0, cap = 0;

	if (!q)
		return NULL;
	while (sqlite3_step(q) == SQLITE_ROW) {
		double at = sqlite3_column_double(q, 0), p = sqlite3_column_double(q, 1),
		       a = sqlite3_column_double(q, 2), x = sqlite3_column_double(q, 3),
		       y = sqlite3_column_double(q, 4);
		long sec = (long)floor(at);

		json_array_append_new(t, json_real(at));
		json_array_append_new(parts, json_real(p));
		json_array_append_new(active, json_real(a));
		json_array_append_new(ips, json_real(x));
		json_array_append_new(tick, json_real(y));
		latency_second(&ml, (const char *)sqlite3_column_text(q, 5));
		peak_p = fmax(peak_p, p);
		peak_a = fmax(peak_a, a);
		peak_ips = fmax(peak_ips, x);
		if (sec >= 0 && (size_t)sec < r->s.n && p > 0)
			r->s.active_share[sec] = a / p;
		if (n == cap) {
			double *g = realloc(ticks, (cap ? 2 * cap : 256) * sizeof(*g));

			if (!g)
				continue;
			ticks = g;
			cap = cap ? 2 * cap : 256;
		}
		ticks[n++] = y;
	}
	sqlite3_finalize(q);
	if (n)
		qsort(ticks, n, sizeof(*ticks), cmp_double);
	json_object_set_new(latency, "tick_ms_p50", num(percentile(ticks, n, 50)));
	json_object_set_new(latency, "tick_ms_p90", num(percentile(ticks, n, 90)));
	json_object_set_new(latency, "tick_ms_p99", num(percentile(ticks, n, 99)));
	json_object_set_new(latency, "tick_ms_max", num(n ? ticks[n - 1] : NAN));
	json_object_set_new(latency, "tick_period_ms", json_real(1000.0 / r->cfg->tick_hz));
	free(ticks);
	latency_measured(&ml, latency);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:f, s:f, s:f}", "t", t, "participants", parts, "active",
			 active, "inputs_per_s", ips, "tick_max_ms", tick, "peak_participants", peak_p,
			 "peak_active", peak_a, "peak_inputs_per_s", peak_ips);
}

/*
 * Who was in the venue, per zone, at each whole second: a join or resume
 * brings a participant in (in its zone), a leave takes it out.
 */
static json_t *zones(struct report *r)
{
	sqlite3_stmt *q = prepare(r, "SELECT e.t, e.kind, p.zone, p.rowid FROM event e JOIN participant p "
				     "ON p.id = e.participant WHERE e.kind IN ('join', 'resume', 'leave') ORDER BY e.seq");
	sqlite3_stmt *m = prepare(r, "SELECT coalesce(max(rowid), 0) FROM participant");
	uint32_t nz = r->cfg->zone_count;
	int64_t max_row = 0;
	bool *present = NULL;
	long *count = calloc(nz ? nz : 1, sizeof(long));
	json_t *out = json_array(), *series[CONFIG_MAX_ZONES], *t = json_array();
	size_t sec = 0;
	bool more;

	if (!q || !m || !count)
		goto out;
	if (sqlite3_step(m) == SQLITE_ROW)
		max_row = sqlite3_column_int64(m, 0);
	present = calloc((size_t)max_row + 1, sizeof(bool));
	if (!present)
		goto out;
	for (uint32_t z = 0; z < nz; z++)
		series[z] = json_array();
	more = sqlite3_step(q) == SQLITE_ROW;
	for (sec = 0; sec < r->s.n; sec++) {
		while (more && sqlite3_column_double(q, 0) <= (double)sec) {
			const char *kind = (const char *)sqlite3_column_text(q, 1);
			uint32_t zone = (uint32_t)sqlite3_column_int(q, 2);
			int64_t row = sqlite3_column_int64(q, 3);
			bool in = strcmp(kind, "leave") != 0;

			if (zone < nz && row >= 0 && row <= max_row && present[row] != in) {
				present[row] = in;
				count[zone] += in ? 1 : -1;
			}
			more = sqlite3_step(q) == SQLITE_ROW;
		}
		json_array_append_new(t, json_integer((json_int_t)sec));
		for (uint32_t z = 0; z < nz; z++)
			json_array_append_new(series[z], json_integer(count[z]));
	}
	for (uint32_t z = 0; z < nz; z++)
		json_array_append_new(out, json_pack("{s:s, s:s, s:o}", "id", r->cfg->zones[z].id, "name",
						     r->cfg->zones[z].name[0] ? r->cfg->zones[z].name : r->cfg->zones[z].id,
						     "present", series[z]));
out:
	sqlite3_finalize(q);
	sqlite3_finalize(m);
	free(present);
	free(count);
	return json_pack("{s:o, s:o}", "t", t, "zones", out);
}

/* The inputs of each second by control (the crowd's controls' share of the traffic). */
static json_t *inputs_by_control(struct report *r)
{
	sqlite3_stmt *q = prepare(r, "SELECT CAST(t AS INTEGER), a, count(*) FROM event WHERE kind = 'input' "
				     "GROUP BY 1, 2");
	json_t *o = json_object();
	json_t *per[CONTROL_COUNT] = { 0 };

	if (!q)
		return o;
	while (sqlite3_step(q) == SQLITE_ROW) {
		long sec = (long)sqlite3_column_int64(q, 0);
		int c = sqlite3_column_int(q, 1);

		if (c < 0 || c >= CONTROL_COUNT || sec < 0 || (size_t)sec >= r->s.n)
			continue;
		if (!per[c]) {
			per[c] = json_array();
			for (size_t i = 0; i < r->s.n; i++)
				json_array_append_new(per[c], json_integer(0));
			json_object_set_new(o, control_name((enum control)c), per[c]);
		}
		json_array_set_new(per[c], (size_t)sec, json_integer(sqlite3_column_int64(q, 2)));
	}
	sqlite3_finalize(q);
	return o;
}

/* The cues in the order they ran: each with its start and end (the next cue's start, or the show's end). */
static json_t *cues(struct report *r)
{
	sqlite3_stmt *q = prepare(r, "SELECT t, a, text FROM event WHERE kind = 'cue' ORDER BY seq");
	json_t *out = json_array(), *prev = NULL;

	if (!q)
		return out;
	while (sqlite3_step(q) == SQLITE_ROW) {
		double t = sqlite3_column_double(q, 0);
		int idx = sqlite3_column_int(q, 1);
		const struct config_cue *c = idx >= 0 && (uint32_t)idx < r->cfg->cue_count ? &r->cfg->cues[idx] : NULL;

		if (prev)
			json_object_set_new(prev, "end", json_real(t));
		prev = json_pack("{s:i, s:s, s:s, s:f, s:f, s:s}", "index", idx, "id", c ? c->id : "?",
				 "title", c ? c->title : "", "start", t, "end", r->length_s, "text",
				 sqlite3_column_text(q, 2) ? (const char *)sqlite3_column_text(q, 2) : "");
		json_array_append_new(out, prev);
	}
	sqlite3_finalize(q);
	/* Each second's cue, for the co-creation share and fairness per cue. */
	for (size_t sec = 0; sec < r->s.n; sec++)
		r->s.cue[sec] = -1;
	for (size_t i = 0; i < json_array_size(out); i++) {
		json_t *c = json_array_get(out, i);
		double from = json_number_value(json_object_get(c, "start")), to = json_number_value(json_object_get(c, "end"));

		for (size_t sec = (size_t)ceil(from); sec < r->s.n && (double)sec < to; sec++)
			r->s.cue[sec] = (int)json_integer_value(json_object_get(c, "index"));
	}
	return out;
}

/*
 * One poll: its open/close events, each option's votes second by second
 * from the vote events (a participant's latest vote counts), and the final
 * tally from the vote table and the anonymous counts, as the show counted.
 */
static json_t *poll_one(struct report *r, uint32_t idx)
{
	const struct config_poll *p = &r->cfg->polls[idx];
	sqlite3_stmt *ev = prepare(r, "SELECT t, text FROM event WHERE kind = 'poll' AND a = ?1 ORDER BY seq");
	sqlite3_stmt *v = prepare(r, "SELECT e.t, e.b, p.rowid FROM event e JOIN participant p ON p.id = e.participant "
				     "WHERE e.kind = 'vote' AND e.a = ?1 ORDER BY e.seq");
	sqlite3_stmt *fin = prepare(r, "SELECT choice, sum(n) FROM (SELECT choice, count(*) n FROM vote WHERE poll = ?1 "
				       "GROUP BY choice UNION ALL SELECT choice, count FROM anonymous_vote WHERE poll = ?1) "
				       "GROUP BY choice");
	sqlite3_stmt *mx = prepare(r, "SELECT coalesce(max(rowid), 0) FROM participant");
	json_t *events = json_array(), *t = json_array(), *opts = json_array(), *series = json_array(),
	       *tally = json_array(), *o = NULL;
	long counts[CONFIG_POLL_OPTIONS_MAX] = { 0 }, finals[CONFIG_POLL_OPTIONS_MAX] = { 0 }, total = 0;
	int *choice_of = NULL, winner = -1;
	int64_t max_row = 0;
	bool any_vote = false;

	if (!ev || !v || !fin || !mx)
		goto out;
	if (sqlite3_step(mx) == SQLITE_ROW)
		max_row = sqlite3_column_int64(mx, 0);
	choice_of = malloc(((size_t)max_row + 1) * sizeof(int));
	if (!choice_of)
		goto out;
	for (int64_t i = 0; i <= max_row; i++)
		choice_of[i] = -1;
	sqlite3_bind_int(ev, 1, (int)idx);
	while (sqlite3_step(ev) == SQLITE_ROW)
		json_array_append_new(events, json_pack("{s:f, s:s}", "t", sqlite3_column_double(ev, 0), "what",
							sqlite3_column_text(ev, 1) ? (const char *)sqlite3_column_text(ev, 1) : ""));
	for (uint32_t k = 0; k < p->option_count; k++) {
		json_array_append_new(opts, json_string(p->options[k]));
		json_array_append_new(series, json_array());
	}
	/* The running tally at the end of each second a vote changed it. */
	sqlite3_bind_int(v, 1, (int)idx);
	for (int rc = sqlite3_step(v); rc == SQLITE_ROW;) {
		long sec = (long)floor(sqlite3_column_double(v, 0));

		while (rc == SQLITE_ROW && (long)floor(sqlite3_column_double(v, 0)) == sec) {
			int c = sqlite3_column_int(v, 1);
			int64_t row = sqlite3_column_int64(v, 2);

			if (c >= 0 && (uint32_t)c < p->option_count && row >= 0 && row <= max_row) {
				if (choice_of[row] >= 0)
					counts[choice_of[row]]--;
				choice_of[row] = c;
				counts[c]++;
				any_vote = true;
			}
			rc = sqlite3_step(v);
		}
		json_array_append_new(t, json_integer(sec + 1));
		for (uint32_t k = 0; k < p->option_count; k++)
			json_array_append_new(json_array_get(series, k), json_integer(counts[k]));
	}
	sqlite3_bind_int(fin, 1, (int)idx);
	while (sqlite3_step(fin) == SQLITE_ROW) {
		int c = sqlite3_column_int(fin, 0);

		if (c >= 0 && (uint32_t)c < p->option_count) {
			finals[c] = (long)sqlite3_column_int64(fin, 1);
			total += finals[c];
		}
	}
	for (uint32_t k = 0; k < p->option_count; k++) {
		json_array_append_new(tally, json_integer(finals[k]));
		if (finals[k] > 0 && (winner < 0 || finals[k] > finals[winner]))
			winner = (int)k;
	}
	if (json_array_size(events) == 0 && !any_vote && total == 0)
		goto out;	/* never opened: not part of this show */
	o = json_pack("{s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:i, s:s}", "index", (int)idx, "id", p->id,
		      "question", p->question, "options", opts, "events", events, "t", t, "running", series,
		      "final", tally, "total", (json_int_t)total, "winner", winner, "winner_option",
		      winner >= 0 ? p->options[winner] : "");
	opts = events = t = series = tally = NULL;
out:
	json_decref(opts);
	json_decref(events);
	json_decref(t);
	json_decref(series);
	json_decref(tally);
	free(choice_of);
	sqlite3_finalize(ev);
	sqlite3_finalize(v);
	sqlite3_finalize(fin);
	sqlite3_finalize(mx);
	return o;
}

static json_t *polls(struct report *r)
{
	json_t *out = json_array();

	for (uint32_t i = 0; i < r->cfg->poll_count; i++) {
		json_t *p = poll_one(r, i);

		if (p)
			json_array_append_new(out, p);
	}
	return out;
}

/* The crowd's value of @source in second @sec as the journal shows it; NAN when it cannot say. */
static double source_at(const struct report *r, const struct config_mapping *m, size_t sec)
{
	const struct seconds *s = &r->s;

	switch (m->source) {
	case SOURCE_TAPS_PER_S: return s->taps[sec];
	case SOURCE_ACTIVE_SHARE: return s->active_share[sec];
	case SOURCE_SHAKE_ENERGY: return s->shake_mean[sec];
	case SOURCE_X_MEDIAN: return s->x_median[sec];
	case SOURCE_Y_MEDIAN: return s->y_median[sec];
	case SOURCE_SLIDER_MEDIAN: return s->slider_median[sec];
	case SOURCE_X_MEAN: return s->x_mean[sec];
	case SOURCE_Y_MEAN: return s->y_mean[sec];
	case SOURCE_SLIDER_MEAN: return s->slider_mean[sec];
	default: return NAN;
	}
}

static bool source_recomputed(enum audio_source s)
{
	return s == SOURCE_TAPS_PER_S || s == SOURCE_ACTIVE_SHARE || s == SOURCE_SHAKE_ENERGY ||
	       (s >= SOURCE_X_MEDIAN && s <= SOURCE_SLIDER_MEAN);
}

/*
 * The co-creation share of one mapping of cue @cue: each second of the cue,
 * the value the crowd's aggregate asks for (the mapping's curve and range),
 * moved from the artist's value by the mapping's crowd share, within the
 * target's limits; as docs/report.md says, before the engine's smoothing.
 */
static json_t *cocreation_one(struct report *r, uint32_t cue, uint32_t mi)
{
	const struct config_mapping *m = &r->cfg->cues[cue].audio.mappings[mi];
	double base = audiomap_config_value(r->cfg, cue, m->target, m->target_arg), lo, hi;
	double vmin = INFINITY, vmax = -INFINITY, sum = 0, held = NAN, reach;
	json_t *t = json_array(), *val = json_array();
	char label[CONFIG_TEXT_MAX * 2 + 16];
	size_t n = 0;

	audiomap_artist_range(r->cfg, m->target, &lo, &hi);
	for (size_t sec = 0; sec < r->s.n; sec++) {
		double v, value;

		if (r->s.cue[sec] != (int)cue) {
			held = NAN;	/* a cue starts again from the artist's value */
			continue;
		}
		v = source_at(r, m, sec);
		if (isnan(v))
			v = held;	/* no data this second: the crowd's last word stands, as in the show */
		else
			held = v;
		value = isnan(v) ? base : base + m->crowd * (audiomap_mapped_value(m, v) - base);
		value = value < lo ? lo : value > hi ? hi : value;
		json_array_append_new(t, json_integer((json_int_t)sec));
		json_array_append_new(val, json_real(value));
		vmin = fmin(vmin, value);
		vmax = fmax(vmax, value);
		sum += value;
		n++;
	}
	if (m->label[0])
		snprintf(label, sizeof(label), "%s", m->label);
	else if (m->target == TARGET_STEM_GAIN && m->target_arg >= 0 &&
		 (uint32_t)m->target_arg < r->cfg->cues[cue].audio.stem_count)
		snprintf(label, sizeof(label), "%s \u2192 %s:%s", audio_source_name(m->source), audio_target_name(m->target),
			 r->cfg->cues[cue].audio.stems[m->target_arg].id);
	else
		snprintf(label, sizeof(label), "%s \u2192 %s", audio_source_name(m->source), audio_target_name(m->target));
	/* How far the crowd could move it: its share of the way to the farther end of the mapping's range. */
	reach = m->crowd * fmax(fabs(m->out_max - base), fabs(m->out_min - base));
	return json_pack("{s:i, s:s, s:i, s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:o, s:o, s:o, s:o, s:o, "
			 "s:o}",
			 "cue", (int)cue, "cue_id", r->cfg->cues[cue].id, "mapping", (int)mi, "label", label,
			 "source", audio_source_name(m->source), "target", audio_target_name(m->target),
			 "artist", base, "crowd_share", m->crowd, "out_min", m->out_min, "out_max", m->out_max,
			 "limit_lo", lo, "limit_hi", hi, "recomputed", source_recomputed(m->source),
			 "t", t, "value", val, "min", num(n ? vmin : NAN), "max", num(n ? vmax : NAN),
			 "mean", num(n ? sum / (double)n : NAN),
			 "moved_of_reach", num(n && reach > 0 ? fmax(fabs(vmax - base), fabs(vmin - base)) / reach : NAN));
}

static json_t *cocreation(struct report *r)
{
	json_t *out = json_array();

	for (uint32_t c = 0; c < r->cfg->cue_count; c++) {
		bool ran = false;

		for (size_t sec = 0; sec < r->s.n && !ran; sec++)
			ran = r->s.cue[sec] == (int)c;
		for (uint32_t i = 0; ran && i < r->cfg->cues[c].audio.mapping_count; i++)
			json_array_append_new(out, cocreation_one(r, c, i));
	}
	return out;
}

/*
 * Influence fairness: for each crowd aggregate, the largest share of its
 * inputs that one participant sent in any second (seconds with at least
 * FAIR_MIN_INPUTS) and over any cue; for each poll, one vote's weight.
 */
static json_t *fairness(struct report *r, json_t *poll_list)
{
	static const enum control kinds[] = { CONTROL_TAP, CONTROL_SLIDER, CONTROL_XY, CONTROL_SHAKE };
	sqlite3_stmt *sec_q = prepare(r, "SELECT s, max(n), sum(n) FROM (SELECT CAST(t AS INTEGER) s, participant, count(*) n "
					 "FROM event WHERE kind = 'input' AND a = ?1 GROUP BY s, participant) GROUP BY s ORDER BY s");
	json_t *out = json_array(), *series_t = json_array(), *series = json_object();

	if (!sec_q)
		return json_pack("{s:o, s:o, s:o}", "aggregates", out, "t", series_t, "max_share", series);
	for (size_t sec = 0; sec < r->s.n; sec++)
		json_array_append_new(series_t, json_integer((json_int_t)sec));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		double best = 0, best_at = NAN, *cue_max = calloc(r->cfg->cue_count, sizeof(double)),
		       *cue_sum = calloc(r->cfg->cue_count, sizeof(double)), best_cue = 0;
		int best_cue_idx = -1;
		long total = 0;
		json_t *line = json_array();

		for (size_t sec = 0; sec < r->s.n; sec++)
			json_array_append_new(line, json_null());
		sqlite3_reset(sec_q);
		sqlite3_bind_int(sec_q, 1, kinds[k]);
		while (sqlite3_step(sec_q) == SQLITE_ROW) {
			long sec = (long)sqlite3_column_int64(sec_q, 0);
			double mx = sqlite3_column_double(sec_q, 1), sum = sqlite3_column_double(sec_q, 2);

			total += (long)sum;
			if (sec < 0 || (size_t)sec >= r->s.n)
				continue;
			if (sum >= FAIR_MIN_INPUTS) {
				json_array_set_new(line, (size_t)sec, json_real(mx / sum));
				if (mx / sum > best) {
					best = mx / sum;
					best_at = (double)sec;
				}
			}
			if (r->s.cue[sec] >= 0 && cue_sum) {
				cue_sum[r->s.cue[sec]] += sum;
				cue_max[r->s.cue[sec]] = fmax(cue_max[r->s.cue[sec]], mx);
			}
		}
		/* Over a cue: the participant's most in one second against the cue's seconds' whole (a bound). */
		for (uint32_t c = 0; cue_sum && cue_max && c < r->cfg->cue_count; c++)
			if (cue_sum[c] >= FAIR_MIN_INPUTS && cue_max[c] / cue_sum[c] > best_cue) {
				best_cue = cue_max[c] / cue_sum[c];
				best_cue_idx = (int)c;
			}
		free(cue_max);
		free(cue_sum);
		if (total == 0) {
			json_decref(line);
			continue;
		}
		json_object_set_new(series, control_name(kinds[k]), line);
		json_array_append_new(out, json_pack("{s:s, s:I, s:o, s:o}", "aggregate", control_name(kinds[k]),
						     "inputs", (json_int_t)total, "max_share_second", num(best_at >= 0 ? best : NAN),
						     "at", num(best_at)));
		(void)best_cue_idx;
	}
	sqlite3_finalize(sec_q);
	for (size_t i = 0; i < json_array_size(poll_list); i++) {
		json_t *p = json_array_get(poll_list, i);
		json_int_t total = json_integer_value(json_object_get(p, "total"));

		if (total > 0)
			json_array_append_new(out, json_pack("{s:s, s:I, s:f, s:o}", "aggregate", "votes", "inputs", total,
							     "max_share_second", 1.0 / (double)total, "poll",
							     json_incref(json_object_get(p, "id"))));
	}
	return json_pack("{s:o, s:o, s:o, s:i}", "aggregates", out, "t", series_t, "max_share", series,
			 "min_inputs", FAIR_MIN_INPUTS);
}

/* Rows of one kind as {t, text} (safety, moderation, alarms), with a step count for the chart. */
static json_t *event_list(struct report *r, const char *kind)
{
	sqlite3_stmt *q = prepare(r, "SELECT t, text, participant, a, x FROM event WHERE kind = ?1 ORDER BY seq");
	json_t *out = json_array();

	if (!q)
		return out;
	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW)
		json_array_append_new(out, json_pack("{s:f, s:s, s:s, s:i, s:f}", "t", sqlite3_column_double(q, 0),
						     "text", sqlite3_column_text(q, 1) ? (const char *)sqlite3_column_text(q, 1) : "",
						     "participant", sqlite3_column_text(q, 2) ? (const char *)sqlite3_column_text(q, 2) : "",
						     "flags", sqlite3_column_int(q, 3), "ceiling_dbfs", sqlite3_column_double(q, 4)));
	sqlite3_finalize(q);
	return out;
}

/*
 * The stage's flash limiter, second by second: cells held back and cells
 * whose red it removed (rows only for seconds with any; the rest are 0).
 */
static json_t *flash_holds(struct report *r)
{
	sqlite3_stmt *q = prepare(r, "SELECT CAST(t AS INTEGER), sum(a), sum(b) FROM event WHERE kind = 'flash' GROUP BY 1");
	json_t *t = json_array(), *held = json_array(), *red = json_array();
	double *h = calloc(r->s.n + 1, sizeof(double)), *d = calloc(r->s.n + 1, sizeof(double));
	double total_held = 0, total_red = 0;

	while (q && h && d && sqlite3_step(q) == SQLITE_ROW) {
		long sec = (long)sqlite3_column_int64(q, 0);

		total_held += sqlite3_column_double(q, 1);
		total_red += sqlite3_column_double(q, 2);
		if (sec >= 0 && (size_t)sec < r->s.n) {
			h[sec] = sqlite3_column_double(q, 1);
			d[sec] = sqlite3_column_double(q, 2);
		}
	}
	for (size_t sec = 0; h && d && sec < r->s.n; sec++) {
		json_array_append_new(t, json_integer((json_int_t)sec));
		json_array_append_new(held, json_real(h[sec]));
		json_array_append_new(red, json_real(d[sec]));
	}
	free(h);
	free(d);
	sqlite3_finalize(q);
	return json_pack("{s:o, s:o, s:o, s:f, s:f}", "t", t, "cells_held", held, "red_dropped", red, "total_held",
			 total_held, "total_red_dropped", total_red);
}

/* Phones closed for flooding and participants removed, by the second, counted up (moderation rows). */
static json_t *closes(struct report *r, json_int_t *flooded, json_int_t *removed)
{
	sqlite3_stmt *q = prepare(r, "SELECT CAST(t AS INTEGER), text FROM event WHERE kind = 'moderation' ORDER BY seq");
	json_t *out = json_array();
	long *per = calloc(r->s.n + 1, sizeof(long));
	long sum = 0;

	*flooded = *removed = 0;
	while (q && per && sqlite3_step(q) == SQLITE_ROW) {
		long sec = (long)sqlite3_column_int64(q, 0);
		const char *text = (const char *)sqlite3_column_text(q, 1);
		bool flood = text && strncmp(text, "closed:", 7) == 0, gone = text && strncmp(text, "removed", 7) == 0;

		*flooded += flood;
		*removed += gone;
		if ((flood || gone) && sec >= 0 && (size_t)sec < r->s.n)
			per[sec]++;
	}
	for (size_t sec = 0; per && sec < r->s.n; sec++)
		json_array_append_new(out, json_integer((json_int_t)(sum += per[sec])));
	free(per);
	sqlite3_finalize(q);
	return out;
}

/*
 * Co-destruction: the console's moderation and crowd commands, the
 * moderation events, who sent more than the venue's rate in a second, and
 * the largest block of identical votes cast in one second (a coordinated
 * group acts at once).
 */
static json_t *codestruction(struct report *r)
{
	double rate = r->cfg->limits.inputs_per_second + r->cfg->limits.input_burst;
	sqlite3_stmt *over = prepare(r, "SELECT s, count(*) FROM (SELECT CAST(t AS INTEGER) s, participant, count(*) n "
					"FROM event WHERE kind = 'input' GROUP BY s, participant HAVING n > ?1) GROUP BY s");
	sqlite3_stmt *cmd = prepare(r, "SELECT t, text, b FROM event WHERE kind = 'console' AND (text LIKE '%\"moderate.%' "
				       "OR text LIKE '%\"crowd.%' OR text LIKE '%\"participant.%') ORDER BY seq");
	sqlite3_stmt *block = prepare(r, "SELECT a, b, CAST(t AS INTEGER), count(DISTINCT participant) n FROM event WHERE kind = 'vote' "
					 "GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 1");
	sqlite3_stmt *top = prepare(r, "SELECT max(n), sum(n) FROM (SELECT count(*) n FROM event WHERE kind = 'input' "
				       "GROUP BY participant)");
	json_t *t = json_array(), *overs = json_array(), *cmds = json_array(), *o;
	long *per_sec = calloc(r->s.n, sizeof(long));

	if (over && per_sec) {
		sqlite3_bind_double(over, 1, rate);
		while (sqlite3_step(over) == SQLITE_ROW) {
			long sec = (long)sqlite3_column_int64(over, 0);

			if (sec >= 0 && (size_t)sec < r->s.n)
				per_sec[sec] = (long)sqlite3_column_int64(over, 1);
		}
	}
	for (size_t sec = 0; sec < r->s.n; sec++) {
		json_array_append_new(t, json_integer((json_int_t)sec));
		json_array_append_new(overs, json_integer(per_sec ? per_sec[sec] : 0));
	}
	while (cmd && sqlite3_step(cmd) == SQLITE_ROW)
		json_array_append_new(cmds, json_pack("{s:f, s:s, s:b}", "t", sqlite3_column_double(cmd, 0), "command",
						      (const char *)sqlite3_column_text(cmd, 1), "accepted",
						      sqlite3_column_int(cmd, 2)));
	json_int_t flooded, removed;
	json_t *closed = closes(r, &flooded, &removed);

	o = json_pack("{s:o, s:o, s:f, s:o, s:o, s:o, s:I, s:I}", "t", t, "over_rate", overs, "rate_limit", rate,
		      "console", cmds, "moderation", event_list(r, "moderation"), "closed_or_removed", closed,
		      "closed_for_flooding", flooded, "removed", removed);
	if (block && sqlite3_step(block) == SQLITE_ROW) {
		int poll = sqlite3_column_int(block, 0), choice = sqlite3_column_int(block, 1);
		const char *opt = poll >= 0 && (uint32_t)poll < r->cfg->poll_count && choice >= 0 &&
				  (uint32_t)choice < r->cfg->polls[poll].option_count ? r->cfg->polls[poll].options[choice] : "?";

		json_object_set_new(o, "vote_block", json_pack("{s:s, s:s, s:I, s:I}", "poll",
							      poll >= 0 && (uint32_t)poll < r->cfg->poll_count ? r->cfg->polls[poll].id : "?",
							      "option", opt, "at", (json_int_t)sqlite3_column_int64(block, 2),
							      "votes", (json_int_t)sqlite3_column_int64(block, 3)));
	}
	if (top && sqlite3_step(top) == SQLITE_ROW && sqlite3_column_double(top, 1) > 0)
		json_object_set_new(o, "top_sender_share",
				    json_real(sqlite3_column_double(top, 0) / sqlite3_column_double(top, 1)));
	free(per_sec);
	sqlite3_finalize(over);
	sqlite3_finalize(cmd);
	sqlite3_finalize(block);
	sqlite3_finalize(top);
	return o;
}

/*
 * The output's loudness once a second (the journal's `loudness` events:
 * x short-term, y momentary, text {"integrated","true_peak","lra",
 * "limiter_gr_db"}); null when this journal has none.
 */
static json_t *loudness(struct report *r)
{
	sqlite3_stmt *q = prepare(r, "SELECT t, x, y, text FROM event WHERE kind = 'loudness' ORDER BY seq");
	json_t *t = json_array(), *st = json_array(), *mom = json_array(), *integ = json_array(),
	       *tp = json_array(), *gr = json_array();
	size_t n = 0;

	while (q && sqlite3_step(q) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(q, 3);
		json_t *extra = text ? json_loads(text, 0, NULL) : NULL;

		json_array_append_new(t, json_real(sqlite3_column_double(q, 0)));
		json_array_append_new(st, sqlite3_column_type(q, 1) == SQLITE_NULL ? json_null() :
					  num(sqlite3_column_double(q, 1)));
		json_array_append_new(mom, sqlite3_column_type(q, 2) == SQLITE_NULL ? json_null() :
					   num(sqlite3_column_double(q, 2)));
		json_array_append(integ, json_object_get(extra, "integrated") ?: json_null());
		json_array_append(tp, json_object_get(extra, "true_peak") ?: json_null());
		json_array_append(gr, json_object_get(extra, "limiter_gr_db") ?: json_null());
		json_decref(extra);
		n++;
	}
	sqlite3_finalize(q);
	if (n == 0) {
		json_decref(t);
		json_decref(st);
		json_decref(mom);
		json_decref(integ);
		json_decref(tp);
		json_decref(gr);
		return json_null();
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "t", t, "short_term", st, "momentary", mom, "integrated",
			 integ, "true_peak", tp, "limiter_gr_db", gr);
}

json_t *report_data_build(const char *path, const struct venue_config *cfg, char *err, size_t err_size)
{
	struct report r = { .cfg = cfg, .err = err, .err_size = err_size };
	json_t *out = NULL, *show, *latency = json_object(), *poll_list;

	if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: cannot open: %s", path, r.db ? sqlite3_errmsg(r.db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(r.db, 2000);	/* a live show's writer may hold it a moment */
	show = show_info(&r);
	if (!show)
		goto out;
	if (load_seconds(&r) != 0) {
		json_decref(show);
		goto out;
	}
	out = json_object();
	json_object_set_new(out, "show", show);
	json_object_set_new(out, "metrics", metrics(&r, latency) ?: json_null());
	json_object_set_new(out, "participation", zones(&r));
	json_object_set_new(out, "inputs_by_control", inputs_by_control(&r));
	json_object_set_new(out, "cues", cues(&r));
	poll_list = polls(&r);
	json_object_set_new(out, "polls", poll_list);
	json_object_set_new(out, "cocreation", cocreation(&r));
	json_object_set_new(out, "fairness", fairness(&r, poll_list));
	json_object_set_new(out, "codestruction", codestruction(&r));
	json_object_set_new(out, "latency", json_incref(latency));
	json_object_set_new(out, "safety", event_list(&r, "safety"));
	json_object_set_new(out, "flash", flash_holds(&r));
	json_object_set_new(out, "alarms", event_list(&r, "alarm"));
	json_object_set_new(out, "loudness", loudness(&r));
out:
	json_decref(latency);
	seconds_free(&r.s);
	sqlite3_close(r.db);
	return out;
}
