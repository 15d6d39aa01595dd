/*
 * journal_recap.c - one participant's recap, from the journal. See
 * journal_recap.h; the message is described in docs/protocol.md.
 *
 * Everything is read with queries that name the participant, except the
 * crowd's totals and the zones' tap counts, which are only ever reduced
 * to a number or to "your zone led" before they leave this file.
 */
#include "journal_recap.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* What the stored venue config says about names: read with jansson, so any journal's config will do. */
struct recap_names {
	json_t *config;
	json_t *cues;		/* the config's "cues" array (borrowed) */
	json_t *polls;		/* the cues' polls, in order: the journal's poll index (owned) */
};

/* The show's cue timeline: which cue started when. */
struct recap_cues {
	double *t;
	int *cue;
	size_t n;
};

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

static double query_number(sqlite3 *db, const char *sql, const char *id)
{
	sqlite3_stmt *s = prepare(db, sql);
	double v = 0;

	if (!s)
		return 0;
	if (id)
		sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void names_load(struct recap_names *nm, const char *config_text)
{
	size_t i;
	json_t *cue;

	nm->config = json_loads(config_text ? config_text : "{}", 0, NULL);
	nm->cues = json_object_get(nm->config, "cues");
	nm->polls = json_array();
	json_array_foreach(nm->cues, i, cue)
		if (json_is_object(json_object_get(cue, "poll")))
			json_array_append(nm->polls, json_object_get(cue, "poll"));
}

static void names_free(struct recap_names *nm)
{
	json_decref(nm->polls);
	json_decref(nm->config);
}

static const char *string_or(json_t *v, const char *fallback)
{
	return json_is_string(v) ? json_string_value(v) : fallback;
}

static const char *cue_title(const struct recap_names *nm, int cue)
{
	json_t *c = json_array_get(nm->cues, (size_t)cue);

	return string_or(json_object_get(c, "title"), string_or(json_object_get(c, "id"), ""));
}

static const char *zone_name(const struct recap_names *nm, int zone)
{
	json_t *z = json_array_get(json_object_get(nm->config, "zones"), (size_t)zone);

	return string_or(json_object_get(z, "name"), string_or(json_object_get(z, "id"), ""));
}

static int cues_load(sqlite3 *db, struct recap_cues *c)
{
	sqlite3_stmt *s = prepare(db, "SELECT t, a FROM event WHERE kind = 'cue' ORDER BY seq");
	size_t cap = 0;

	if (!s)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 32;
			c->t = realloc(c->t, cap * sizeof(*c->t));
			c->cue = realloc(c->cue, cap * sizeof(*c->cue));
			if (!c->t || !c->cue)
				break;
		}
		c->t[c->n] = sqlite3_column_double(s, 0);
		c->cue[c->n++] = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	return c->t && c->cue ? 0 : c->n ? -1 : 0;
}

/* The cue that ran at show time @t (the first one before any cue event). */
static int cue_at(const struct recap_cues *c, double t)
{
	int cue = 0;

	for (size_t i = 0; i < c->n && c->t[i] <= t; i++)
		cue = c->cue[i];
	return cue;
}

static json_t *moment(const struct recap_names *nm, const struct recap_cues *c, double t_s)
{
	return json_pack("{s:f, s:s}", "t", t_s * 1000.0, "cue", cue_title(nm, cue_at(c, t_s)));
}

/* Their inputs per control, and their busiest windows of taps. */
static json_t *taps_and_moments(sqlite3 *db, const char *id, const struct recap_names *nm,
				const struct recap_cues *c, double show_len_s, json_t *inputs)
{
	size_t windows = (size_t)(show_len_s / RECAP_WINDOW_S) + 1;
	unsigned *taps = calloc(windows, sizeof(*taps));
	sqlite3_stmt *s = prepare(db, "SELECT t, a FROM event WHERE kind = 'input' AND participant = ?");
	long long per_control[CONTROL_COUNT] = { 0 };
	json_t *moments = json_array();

	if (!taps || !s)
		goto out;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		double t = sqlite3_column_double(s, 0);
		int control = sqlite3_column_int(s, 1);

		if (control < 0 || control >= CONTROL_COUNT)
			continue;
		per_control[control]++;
		if (control == CONTROL_TAP && t >= 0 && t / RECAP_WINDOW_S < (double)windows)
			taps[(size_t)(t / RECAP_WINDOW_S)]++;
	}
	json_object_set_new(inputs, "tap", json_integer(per_control[CONTROL_TAP]));
	json_object_set_new(inputs, "xy", json_integer(per_control[CONTROL_XY]));
	json_object_set_new(inputs, "slider", json_integer(per_control[CONTROL_SLIDER]));
	json_object_set_new(inputs, "shake", json_integer(per_control[CONTROL_SHAKE]));
	/* The busiest windows, the busiest first: taken one at a time, each then emptied. */
	for (int k = 0; k < RECAP_MOMENTS_MAX; k++) {
		size_t best = 0;

		for (size_t w = 1; w < windows; w++)
			if (taps[w] > taps[best])
				best = w;
		if (!taps[best])
			break;
		json_t *m = moment(nm, c, (double)best * RECAP_WINDOW_S);

		json_object_set_new(m, "taps", json_integer(taps[best]));
		json_array_append_new(moments, m);
		taps[best] = 0;
	}
out:
	sqlite3_finalize(s);
	free(taps);
	return moments;
}

/* Stretches of consecutive windows: where each began and how many windows long. */
struct recap_runs {
	long long *start, *len;
	size_t n, cap;
};

static void runs_add(struct recap_runs *r, long long w)
{
	if (r->n && r->start[r->n - 1] + r->len[r->n - 1] == w) {
		r->len[r->n - 1]++;
		return;
	}
	if (r->n == r->cap) {
		long long *s, *l;

		r->cap = r->cap ? r->cap * 2 : 16;
		s = realloc(r->start, r->cap * sizeof(*s));
		if (s)
			r->start = s;
		l = realloc(r->len, r->cap * sizeof(*l));
		if (l)
			r->len = l;
		if (!s || !l) {
			r->cap = r->n;	/* out of memory: the stretches so far will do */
			return;
		}
	}
	r->start[r->n] = w;
	r->len[r->n++] = 1;
}

int journal_recap_crowd_read(sqlite3 *db, struct journal_recap_crowd *c)
{
	sqlite3_stmt *s = prepare(db,
		"SELECT CAST(e.t / ?1 AS INTEGER) AS w, p.zone, count(*) FROM event e"
		" JOIN participant p ON p.id = e.participant"
		" WHERE e.kind = 'input' AND e.a = ?2 AND e.t >= 0 GROUP BY w, p.zone ORDER BY w");
	long long best_n = 0;

	memset(c, 0, sizeof(*c));
	if (!s)
		return -1;
	c->windows = (size_t)(query_number(db, "SELECT last_t FROM show WHERE id = 1", NULL) / RECAP_WINDOW_S) + 1;
	c->leader = malloc(c->windows * sizeof(*c->leader));
	if (!c->leader) {
		sqlite3_finalize(s);
		return -1;
	}
	for (size_t w = 0; w < c->windows; w++)
		c->leader[w] = -1;
	sqlite3_bind_double(s, 1, RECAP_WINDOW_S);
	sqlite3_bind_int(s, 2, CONTROL_TAP);
	/* One pass over the zones' totals per window: the zone that tapped most leads, a tie leads nobody. */
	for (long long cur = -1; sqlite3_step(s) == SQLITE_ROW;) {
		long long w = sqlite3_column_int64(s, 0), n = sqlite3_column_int64(s, 2);

		if (w < 0 || (size_t)w >= c->windows)
			continue;
		if (w != cur) {
			cur = w;
			best_n = 0;
		}
		if (n > best_n) {
			best_n = n;
			c->leader[w] = (int16_t)sqlite3_column_int(s, 1);
		} else if (n == best_n) {
			c->leader[w] = -1;
		}
	}
	sqlite3_finalize(s);
	c->inputs = (long long)query_number(db, "SELECT count(*) FROM event WHERE kind = 'input'", NULL);
	c->votes = (long long)query_number(db, "SELECT (SELECT count(*) FROM vote)"
					   " + (SELECT coalesce(sum(count), 0) FROM anonymous_vote)", NULL);
	c->participants = (long long)query_number(db, "SELECT count(*) FROM participant", NULL);
	return 0;
}

void journal_recap_crowd_free(struct journal_recap_crowd *c)
{
	free(c->leader);
	memset(c, 0, sizeof(*c));
}

/*
 * When their zone led (journal_recap_crowd_read()), from the window of
 * their join on: how long in all, and the longest stretches with the cue
 * each began in.
 */
static json_t *zone_led(const struct journal_recap_crowd *crowd, int zone, double joined_t,
			const struct recap_names *nm, const struct recap_cues *c)
{
	json_t *out = json_object(), *stretches = json_array();
	struct recap_runs runs = { 0 };
	long long led = 0;

	for (size_t w = (size_t)(joined_t > 0 ? joined_t / RECAP_WINDOW_S : 0); w < crowd->windows; w++)
		if (crowd->leader[w] == zone) {
			led++;
			runs_add(&runs, (long long)w);
		}
	/* The longest stretches, the longest first (the earliest of equals): each taken, then emptied. */
	for (int k = 0; k < RECAP_MOMENTS_MAX; k++) {
		size_t best = 0;
		json_t *m;

		for (size_t i = 1; i < runs.n; i++)
			if (runs.len[i] > runs.len[best])
				best = i;
		if (!runs.n || !runs.len[best])
			break;
		m = moment(nm, c, (double)runs.start[best] * RECAP_WINDOW_S);
		json_object_set_new(m, "seconds", json_real((double)runs.len[best] * RECAP_WINDOW_S));
		json_array_append_new(stretches, m);
		runs.len[best] = 0;
	}
	free(runs.start);
	free(runs.len);
	json_object_set_new(out, "zone", json_string(zone_name(nm, zone)));
	json_object_set_new(out, "seconds", json_real((double)led * RECAP_WINDOW_S));
	json_object_set_new(out, "moments", stretches);
	return out;
}

/* How poll @poll stands: "open", "vetoed", or how their @choice fared in the final tally. */
static const char *poll_result(sqlite3 *db, int poll, int choice)
{
	sqlite3_stmt *s = prepare(db, "SELECT b FROM event WHERE kind = 'poll' AND a = ? ORDER BY seq DESC LIMIT 1");
	long long mine = 0, best = 0;
	int best_count = 0, state = 0;

	if (!s)
		return "unknown";
	sqlite3_bind_int(s, 1, poll);
	if (sqlite3_step(s) == SQLITE_ROW)
		state = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (state & 4)
		return "vetoed";
	if (state & 1)
		return "open";
	s = prepare(db, "SELECT choice, sum(n) FROM (SELECT choice, count(*) AS n FROM vote WHERE poll = ?1"
			" GROUP BY choice UNION ALL SELECT choice, count FROM anonymous_vote WHERE poll = ?1)"
			" GROUP BY choice");
	if (!s)
		return "unknown";
	sqlite3_bind_int(s, 1, poll);
	while (sqlite3_step(s) == SQLITE_ROW) {
		long long n = sqlite3_column_int64(s, 1);

		if (sqlite3_column_int(s, 0) == choice)
			mine = n;
		if (n > best) {
			best = n;
			best_count = 1;
		} else if (n == best) {
			best_count++;
		}
	}
	sqlite3_finalize(s);
	if (mine < best || !mine)
		return "lost";
	return best_count > 1 ? "tied" : "won";
}

static json_t *votes(sqlite3 *db, const char *id, const struct recap_names *nm)
{
	sqlite3_stmt *s = prepare(db, "SELECT poll, choice, t FROM vote WHERE participant = ? ORDER BY t");
	json_t *out = json_array();

	if (!s)
		return out;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int poll = sqlite3_column_int(s, 0), choice = sqlite3_column_int(s, 1);
		json_t *p = json_array_get(nm->polls, (size_t)poll);
		/* An ad-hoc poll's words are in a console command only: it is "the venue's question". */
		const char *option = string_or(json_array_get(json_object_get(p, "options"), (size_t)choice), "");

		json_array_append_new(out, json_pack("{s:f, s:s, s:s, s:i, s:s}",
			"t", sqlite3_column_double(s, 2) * 1000.0,
			"question", string_or(json_object_get(p, "question"), ""),
			"choice", option, "choice_index", choice,
			"result", poll_result(db, poll, choice)));
	}
	sqlite3_finalize(s);
	return out;
}

static json_t *wall(sqlite3 *db, const char *id)
{
	sqlite3_stmt *s = prepare(db, "SELECT t, text FROM event WHERE kind = 'wall' AND participant = ?"
				      " ORDER BY seq LIMIT " RECAP_WALL_MAX_SQL);
	json_t *out = json_array();

	if (!s)
		return out;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(out, json_pack("{s:f, s:s}", "t", sqlite3_column_double(s, 0) * 1000.0,
						     "text", (const char *)sqlite3_column_text(s, 1)));
	sqlite3_finalize(s);
	return out;
}

static double percent(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

/* Their share of the crowd's inputs and votes; the crowd only as totals. */
static json_t *share(const struct journal_recap_crowd *crowd, long long my_inputs, long long my_votes)
{
	return json_pack("{s:f, s:f, s:I, s:I, s:I}",
			 "inputs_pct", percent((double)my_inputs, (double)crowd->inputs),
			 "votes_pct", percent((double)my_votes, (double)crowd->votes),
			 "crowd_inputs", (json_int_t)crowd->inputs, "crowd_votes", (json_int_t)crowd->votes,
			 "crowd_participants", (json_int_t)crowd->participants);
}

static char *not_found(void)
{
	return strdup("{\"type\":\"recap\",\"found\":false}");
}

char *journal_recap_json(sqlite3 *db, const char *token, const struct journal_recap_crowd *crowd)
{
	struct journal_recap_crowd own = { 0 };
	sqlite3_stmt *s;
	char id[32] = "";
	int zone = 0;
	double joined_t = 0, started_unix = 0, last_t = 0;
	bool ended = false;
	struct recap_names nm = { 0 };
	struct recap_cues cues = { 0 };
	json_t *r, *inputs, *v;
	long long my_inputs = 0;
	char *out;

	if (!db || !token || !token[0])
		return not_found();
	if (!crowd) {	/* read for this recap alone */
		if (journal_recap_crowd_read(db, &own) != 0)
			return NULL;
		crowd = &own;
	}
	s = prepare(db, "SELECT id, zone, joined_t FROM participant WHERE token = ?");
	if (!s)
		return NULL;
	sqlite3_bind_text(s, 1, token, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(s, 0));
		zone = sqlite3_column_int(s, 1);
		joined_t = sqlite3_column_double(s, 2);
	}
	sqlite3_finalize(s);
	if (!id[0]) {
		journal_recap_crowd_free(&own);
		return not_found();
	}
	s = prepare(db, "SELECT venue, started_unix, ended_unix IS NOT NULL, last_t, config FROM show WHERE id = 1");
	if (!s) {
		journal_recap_crowd_free(&own);
		return NULL;
	}
	r = json_pack("{s:s, s:b}", "type", "recap", "found", 1);
	if (sqlite3_step(s) == SQLITE_ROW) {
		json_object_set_new(r, "venue", json_string((const char *)sqlite3_column_text(s, 0)));
		started_unix = sqlite3_column_double(s, 1);
		ended = sqlite3_column_int(s, 2);
		last_t = sqlite3_column_double(s, 3);
		names_load(&nm, (const char *)sqlite3_column_text(s, 4));
	} else {
		names_load(&nm, NULL);
	}
	sqlite3_finalize(s);
	cues_load(db, &cues);
	json_object_set_new(r, "started_unix", json_real(started_unix));
	json_object_set_new(r, "ended", json_boolean(ended));
	json_object_set_new(r, "joined", json_real(joined_t * 1000.0));
	json_object_set_new(r, "length", json_real(last_t * 1000.0));
	inputs = json_object();
	json_object_set_new(r, "moments", taps_and_moments(db, id, &nm, &cues, last_t, inputs));
	json_object_set_new(r, "inputs", inputs);
	json_object_set_new(r, "zone_led", zone_led(crowd, zone, joined_t, &nm, &cues));
	v = votes(db, id, &nm);
	json_object_set_new(r, "votes", v);
	json_object_set_new(r, "wall", wall(db, id));
	my_inputs = (long long)query_number(db, "SELECT count(*) FROM event WHERE kind = 'input' AND participant = ?",
					    id);
	json_object_set_new(r, "share", share(crowd, my_inputs, (long long)json_array_size(v)));
	out = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	names_free(&nm);
	free(cues.t);
	free(cues.cue);
	journal_recap_crowd_free(&own);
	return out;
}
