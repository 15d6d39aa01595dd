/*
 * journal_show.c - what the show writes to its journal and reads back after
 * a restart. See journal_show.h.
 * Thread: net thread only.
 */
#include "journal_show.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define METRICS_EVERY_S 1.0
#define VENUE_CONFIG_MAX (4 << 20)	/* the largest venue config the journal keeps a copy of */

struct journal_show {
	struct journal_show_wiring w;
	struct journal *journal;
	int cue;				/* the cue last written */
	double cue_started;
	struct show_poll_snapshot polls[CONFIG_MAX_POLLS];	/* the polls as last written */
	double next_metrics_s;
	uint32_t restored;			/* participants a replay brought back */
};

/* Console commands whose effect only the command itself records: run again after a restart. */
static const char *const replayed_commands[] = {
	"mix.set", "artist.control", "moderate.mute", "moderate.kick", "moderate.readmit", "cue.hold", "cue.resume",
	"poll.create",	/* its question and options are in no other event */
	"show.end",	/* a show that is over stays over: phones get their recap */
};

static void journal_show_resume(struct journal_show *js);

struct journal_show *journal_show_create(const struct journal_show_wiring *w, struct journal *j)
{
	struct journal_show *js = calloc(1, sizeof(*js));

	if (!js)
		return NULL;
	js->w = *w;
	js->journal = j;
	journal_show_resume(js);
	js->cue = -1;	/* a new show's first cue is written at the first tick */
	return js;
}

void journal_show_destroy(struct journal_show *js)
{
	free(js);
}

static void journal_show_resume(struct journal_show *js)
{
	js->cue = show_cue_index(js->w.show);
	js->cue_started = show_cue_started(js->w.show);
	for (uint32_t p = 0; p < js->w.cfg->poll_count; p++)
		show_poll_snapshot_get(js->w.show, p, &js->polls[p]);
}

static uint64_t push(struct journal_show *js, struct journal_event *e)
{
	return journal_push(js->journal, e);
}

/* Field by field: memcmp would also compare the struct's padding, which is not set. */
static bool poll_same(const struct show_poll_snapshot *a, const struct show_poll_snapshot *b)
{
	return a->open == b->open && a->revealed == b->revealed && a->vetoed == b->vetoed &&
	       a->hidden == b->hidden && a->round == b->round && a->closes_at == b->closes_at;
}

/* The poll's state in one word, for people reading the journal. */
static const char *poll_state_name(const struct show_poll_snapshot *p)
{
	return p->open ? "open" : p->vetoed ? "vetoed" : p->revealed ? "revealed" : "held";
}

/* A level for the loudness row's JSON: silence (-inf) is null. */
static json_t *level_json(double v)
{
	return isfinite(v) ? json_real(round(v * 100) / 100) : json_null();
}

/*
 * The loudness row (docs/journal.md): x short-term and y momentary LUFS,
 * the rest as JSON text, rounded to 0.01 so the text stays short.
 */
static void push_loudness(struct journal_show *js, double now, const struct journal_show_metrics *m)
{
	const struct loudness_reading *l = m->loudness;
	struct journal_event e = { .kind = JOURNAL_LOUDNESS, .t = now, .x = l->shortterm_lufs,
				   .y = l->momentary_lufs };
	json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "integrated", level_json(l->integrated_lufs),
			      "true_peak", level_json(l->true_peak_dbtp), "lra", level_json(l->range_lu),
			      "limiter_gr_db", level_json(m->limiter_max_db));
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;

	snprintf(e.text, sizeof(e.text), "%s", text ? text : "{}");
	free(text);
	json_decref(o);
	push(js, &e);
}

/* The cue's and the polls' changes since the last call, as events. */
static void push_show_changes(struct journal_show *js, double now)
{
	int cue = show_cue_index(js->w.show);

	if (cue != js->cue || show_cue_started(js->w.show) != js->cue_started) {
		struct journal_event e = { .kind = JOURNAL_CUE, .t = show_cue_started(js->w.show), .a = cue };

		snprintf(e.text, sizeof(e.text), "%s", show_cue(js->w.show)->id);
		push(js, &e);
		js->cue = cue;
		js->cue_started = e.t;
	}
	for (uint32_t p = 0; p < js->w.cfg->poll_count; p++) {
		struct show_poll_snapshot now_p;

		show_poll_snapshot_get(js->w.show, p, &now_p);
		if (!poll_same(&now_p, &js->polls[p])) {
			struct journal_event e = { .kind = JOURNAL_POLL, .t = now, .a = (int32_t)p,
						   .b = now_p.open | now_p.revealed << 1 | now_p.vetoed << 2 |
							now_p.hidden << 3,
						   .x = now_p.closes_at, .y = now_p.round };

			/* A new round: its votes (and forgotten ones' counts) go, in the file and on replay. */
			snprintf(e.text, sizeof(e.text), "%s", now_p.round != js->polls[p].round ? "reset" :
				 poll_state_name(&now_p));
			push(js, &e);
			js->polls[p] = now_p;
		}
	}
}

/*
 * The metrics row's text: the second's input-to-state latency percentiles
 * in ms, {"latency_ms":{"n":120,"p50":8.1,"p90":14.2,"p99":31.0}}; "" when
 * no phone's input reached a state in it (a rehearsal's phones are not on
 * sockets).
 */
static void latency_text(char *out, size_t size, const struct latency_hist *now, const struct latency_hist *then)
{
	uint64_t n = now ? latency_hist_count(now, then) : 0;

	if (!n) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, "{\"latency_ms\":{\"n\":%llu,\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f}}",
		 (unsigned long long)n, latency_hist_quantile(now, then, 0.50) * 1e3,
		 latency_hist_quantile(now, then, 0.90) * 1e3, latency_hist_quantile(now, then, 0.99) * 1e3);
}

bool journal_show_tick(struct journal_show *js, double now, const struct journal_show_metrics *m)
{
	if (!js)
		return false;
	push_show_changes(js, now);
	if (m && now >= js->next_metrics_s) {
		struct journal_event e = { .kind = JOURNAL_METRICS, .t = now, .a = (int32_t)m->participants,
					   .b = (int32_t)m->active, .x = m->inputs_per_s, .y = m->tick_max_ms };

		js->next_metrics_s = now + METRICS_EVERY_S;
		latency_text(e.text, sizeof(e.text), m->latency, m->latency_then);
		push(js, &e);
		if (m->loudness)
			push_loudness(js, now, m);
		return true;
	}
	return false;
}

uint64_t journal_show_console(struct journal_show *js, enum console_role role, const char *text, size_t len,
			      bool accepted, double now)
{
	struct journal_event e = { .kind = JOURNAL_CONSOLE, .t = now, .a = role, .b = accepted };

	if (!js)
		return 0;
	/* What the command changed goes first: its reply waits for this event's commit, so a GO the
	 * console saw acknowledged has its cue in the journal, not only in the next tick's batch. */
	push_show_changes(js, now);
	if (len >= sizeof(e.text)) {
		/* Too long to replay whole: kept as refused, so a restart never runs half a command. */
		len = sizeof(e.text) - 1;
		e.b = 0;
	}
	memcpy(e.text, text, len);
	return push(js, &e);
}

void journal_show_flash(struct journal_show *js, double second, uint64_t held, uint64_t red_dropped)
{
	struct journal_event e = { .kind = JOURNAL_FLASH, .t = second,
				   .a = (int32_t)(held > INT32_MAX ? INT32_MAX : held),
				   .b = (int32_t)(red_dropped > INT32_MAX ? INT32_MAX : red_dropped) };

	if (js && (held || red_dropped))
		push(js, &e);
}

void journal_show_end(struct journal_show *js, double now)
{
	struct journal_event e = { .kind = JOURNAL_END, .t = now };

	if (js)
		push(js, &e);
}

void journal_show_safety_event(void *user, const struct safety_event *e)
{
	struct journal_show *js = user;
	const struct safety_state *s = &e->state;
	struct journal_event ev = { .kind = JOURNAL_SAFETY, .t = e->t,
				    .a = s->fade_to_silence | s->blackout << 1 | s->freeze << 2,
				    .b = (int32_t)(s->max_flashes_per_s | s->max_red_flashes_per_s << 8),
				    .x = s->ceiling_dbfs, .y = s->curfew_at };

	snprintf(ev.text, sizeof(ev.text), "%s", e->text);
	push(js, &ev);
}

/* ---- after a restart ---- */

static void replay_safety(struct journal_show *js, const struct journal_event *e)
{
	struct safety *s = js->w.safety;
	int64_t red = (e->b >> 8) & 0xff;

	safety_set_fade(s, e->a & 1, e->t);
	safety_set_blackout(s, e->a & 2, e->t);
	safety_set_freeze(s, e->a & 4, e->t);
	safety_set_curfew(s, e->y < 0 ? NAN : e->y - e->t, e->t);
	safety_set_ceiling(s, e->x >= js->w.cfg->safety.ceiling_dbfs ? NAN : e->x, e->t);
	safety_set_flash_policy(s, e->b & 0xff, &red, e->t);
}

static void replay_console(struct journal_show *js, const struct journal_event *e)
{
	json_error_t jerr;
	json_t *cmd = json_loads(e->text, 0, &jerr);
	const char *name = json_string_value(json_object_get(cmd, "cmd"));
	struct console_reply reply;

	for (size_t i = 0; e->b && name && i < sizeof(replayed_commands) / sizeof(replayed_commands[0]); i++)
		if (strcmp(name, replayed_commands[i]) == 0)
			console_execute(js->w.console, (enum console_role)e->a, "journal", e->text, strlen(e->text),
					e->t, &reply);
	json_decref(cmd);
}

static void replay_anonymous_votes(void *user, uint32_t poll, uint32_t choice, uint32_t count)
{
	struct journal_show *js = user;

	crowd_count_anonymous_votes(js->w.crowd, poll, choice, count);
}

static void journal_show_replay(void *user, const struct journal_event *e, uint64_t seq)
{
	struct journal_show *js = user;
	int p;

	(void)seq;
	switch (e->kind) {
	case JOURNAL_JOIN:
		if (crowd_restore(js->w.crowd, e->participant, e->text, (uint32_t)e->a, e->t) >= 0)
			js->restored++;
		break;
	case JOURNAL_VOTE:
		p = crowd_find_by_id(js->w.crowd, e->participant);
		if (p >= 0 && crowd_seq_take(js->w.crowd, p, (uint64_t)e->x))
			crowd_vote(js->w.crowd, p, (uint32_t)e->a, (uint32_t)e->b, e->t);
		break;
	case JOURNAL_FORGET:
		crowd_forget(js->w.crowd, crowd_find_by_id(js->w.crowd, e->participant));
		break;
	case JOURNAL_CUE:
		show_cue_go(js->w.show, e->a, e->t);
		break;
	case JOURNAL_POLL:
		if (strcmp(e->text, "reset") == 0)
			crowd_poll_reset(js->w.crowd, (uint32_t)e->a);
		show_poll_restore(js->w.show, (uint32_t)e->a, &(struct show_poll_snapshot){
			.open = e->b & 1, .revealed = e->b & 2, .vetoed = e->b & 4, .hidden = e->b & 8,
			.round = (uint32_t)e->y, .closes_at = e->x });
		break;
	case JOURNAL_SAFETY:
		replay_safety(js, e);
		break;
	case JOURNAL_CONSOLE:
		replay_console(js, e);
		break;
	default:
		break;	/* leaves, resumes, alarms, moderation notes: nothing to restore */
	}
}

int journal_show_apply(struct journal_show *js, char *err, size_t err_size)
{
	if (journal_replay(js->journal, journal_show_replay, js, err, err_size) != 0 ||
	    journal_replay_anonymous_votes(js->journal, replay_anonymous_votes, js, err, err_size) != 0)
		return -1;
	/* Their phones were cut off by the crash, not when they joined: the resume window starts now. */
	crowd_restored_wait_from(js->w.crowd, journal_resumed_t(js->journal));
	journal_show_resume(js);
	return 0;
}

/* ---- opening and starting ---- */

/*
 * A journal damaged past reading (a disk that failed, a file that is not
 * one) must not keep the show from starting: it is kept aside, whole, for
 * whoever wants to look at it, and a new show begins in its place, with
 * an alarm saying so (@note). Its -wal and -shm files go with it.
 */
static void set_aside_if_damaged(const char *path, struct journal_options *o, char *note, size_t note_size)
{
	char why[200], aside[600], from[600], to[640];
	static const char *const parts[] = { "", "-wal", "-shm" };

	if (!journal_file_damaged(path, why, sizeof(why)))
		return;
	snprintf(aside, sizeof(aside), "%s.damaged-%lld", path, (long long)time(NULL));
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", path, parts[i]);
		snprintf(to, sizeof(to), "%s%s", aside, parts[i]);
		if (rename(from, to) != 0 && i == 0) {
			log_error("journal: %s is damaged (%s) and cannot be moved aside: %s", path, why, strerror(errno));
			return;		/* journal_open() then says why it cannot go on */
		}
	}
	o->mode = JOURNAL_FRESH;
	/* The alarm's message holds 200 bytes: the file's name, not its whole path. */
	snprintf(note, note_size, "journal damaged (%.48s), kept as %.80s; a new one began without the show "
		 "before this start", why, strrchr(aside, '/') ? strrchr(aside, '/') + 1 : aside);
	log_error("journal: %s", note);
}

struct journal *journal_show_open(const char *path, const char *config_path, const char *venue, bool fresh,
				  bool offline, bool *resumed)
{
	struct journal_options o = { .path = path, .mode = fresh ? JOURNAL_FRESH : JOURNAL_CONTINUE,
				     .show = { .venue = venue }, .offline = offline };
	char *text = malloc(VENUE_CONFIG_MAX), err[700], note[400] = "", *absolute = realpath(config_path, NULL);
	FILE *f = fopen(config_path, "rb");
	struct journal *j = NULL;
	size_t len = 0;

	if (f && text)
		len = fread(text, 1, VENUE_CONFIG_MAX, f);
	if (f)
		fclose(f);
	if (len == 0) {
		log_error("journal: cannot read %s again to keep a copy of it", config_path);
	} else {
		o.show.config = text;
		o.show.config_len = len;
		o.show.config_path = absolute;	/* a replay resolves the config's relative paths against it */
		set_aside_if_damaged(path, &o, note, sizeof(note));
		j = journal_open(&o, resumed, err, sizeof(err));
		if (!j)
			log_error("journal: %s", err);
		else if (note[0])
			journal_set_aside_note(j, note);
	}
	free(text);
	free(absolute);
	return j;
}

struct journal_show *journal_show_begin(const struct journal_show_wiring *w, struct journal *j, bool resumed,
					double *resumed_t)
{
	struct journal_show *js = journal_show_create(w, j);
	char err[700];

	if (!js)
		return NULL;
	*resumed_t = 0;
	if (resumed) {
		if (journal_show_apply(js, err, sizeof(err)) != 0) {
			log_error("journal: %s", err);
			goto fail;
		}
		*resumed_t = journal_resumed_t(j);
		log_info("journal: resumed the show at %.1f s: cue %d, %u participants waiting for their phones",
			 *resumed_t, show_cue_index(w->show), crowd_table_used(w->crowd));
	} else {
		log_info("journal: a new show");
	}
	return js;
fail:
	journal_show_destroy(js);
	return NULL;
}
