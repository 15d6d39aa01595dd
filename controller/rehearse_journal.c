/*
 * rehearse_journal.c - a recorded show read back for `tutti replay`. See
 * rehearse_journal.h; the journal's schema is in docs/journal.md.
 * Thread: the replay's (main).
 */
#include "rehearse_journal.h"

#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "console_commands.h"
#include "crowd.h"
#include "idmap.h"
#include "journal.h"
#include "net_audience.h"
#include "show_engine.h"

/* One participant of the show, as a phone that sends again what it sent. */
struct replay_phone {
	struct audience_peer peer;
	char id[CROWD_ID_CHARS + 1];
	char token[CROWD_TOKEN_CHARS + 1];
	bool connected;
	uint64_t seq;			/* its own numbering: only the order matters to the audience code */
};

/* One row of the journal's events, as read. */
struct replay_event {
	int64_t tick;
	double t;
	char kind[16];
	char participant[JOURNAL_ID_MAX];
	int a, b;
	double x, y;
	char text[JOURNAL_TEXT_MAX];
	char token[CROWD_TOKEN_CHARS + 1];	/* a join's or resume's, from the participant table */
};

struct replay_source {
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *events;		/* what came into the show, in order */
	bool pending;			/* ev is read and not applied yet */
	bool done;			/* no row left (or the file failed: read_error) */
	struct replay_event ev;
	struct venue_config *cfg;
	double length_s;
	double purged_unix;		/* retention purged who did what then; 0 = never */
	struct show_engine *se;
	const struct show_engine_parts *parts;
	struct replay_phone *phones;
	uint32_t phone_count, phone_cap;
	struct idmap by_id;		/* anonymous id -> phone */
	double last_t;			/* the newest show time applied: time never goes back */
	const struct replay_event *joining;	/* the join whose identity the crowd asks for */
	uint64_t joins, resumes, leaves, inputs, votes, commands;
	uint64_t refused;		/* events the show did not take again */
	char first_refusal[300];
	char read_error[900];
};

/* ---- opening: the file, its show, its config ---- */

static bool has_column(sqlite3 *db, const char *table, const char *column)
{
	char sql[128];
	sqlite3_stmt *s;
	bool found = false;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table, column);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK)
		found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

static bool folder_exists(const char *file)
{
	char copy[CONFIG_PATH_MAX];
	struct stat st;

	snprintf(copy, sizeof(copy), "%s", file);
	return stat(dirname(copy), &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The config the show kept, parsed as if read from where it was read then,
 * so the files it names resolve as they did. When that folder is gone, or
 * the journal is older than the path it keeps, say so after the errors.
 */
static int load_config(struct replay_source *r, const char *text, size_t len, const char *config_path,
		       FILE *problems)
{
	struct config_errors errors = { 0 };
	char base[CONFIG_PATH_MAX + 32], shown[CONFIG_PATH_MAX + 600], line[1200];

	if (config_path)
		snprintf(base, sizeof(base), "%s", config_path);
	else	/* a journal older than schema 3: nearest guess, the journal's own folder */
		snprintf(base, sizeof(base), "%s", r->path);
	snprintf(shown, sizeof(shown), "%s (the venue config it keeps, from %s)", r->path,
		 config_path ? config_path : "an unknown file");
	r->cfg = config_parse(text, len, base, &errors);
	if (r->cfg)
		return 0;
	for (size_t i = 0; i < errors.count; i++) {
		config_error_format(&errors.items[i], shown, line, sizeof(line));
		fprintf(problems, "%s\n", line);
	}
	config_errors_free(&errors);
	if (!config_path)
		fprintf(problems, "%s: this journal does not say where its venue config was read from (it is older than "
			"that); the files the config names were looked for beside the journal\n", r->path);
	else if (!folder_exists(config_path))
		fprintf(problems, "%s: the venue config was read from %s, and that folder is gone: the files it "
			"names (stems, samples, fonts) are looked for there; put them back, or keep the folder\n",
			r->path, config_path);
	return -1;
}

static int read_show(struct replay_source *r, FILE *problems)
{
	bool has_path = has_column(r->db, "show", "config_path"), has_purged = has_column(r->db, "show", "purged_unix");
	char sql[256];
	sqlite3_stmt *s;
	int rc = -1;

	/* Its length: where it ended (a clean stop, a rehearsal's end), else the newest time it wrote (a crash). */
	snprintf(sql, sizeof(sql), "SELECT config, %s, last_t, %s, (SELECT coalesce(max(t), 0) FROM event) FROM show",
		 has_path ? "config_path" : "NULL", has_purged ? "coalesce(purged_unix, 0)" : "0");
	if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(problems, "%s: not a show's journal: %s\n", r->path, sqlite3_errmsg(r->db));
		return -1;
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(problems, "%s: the journal holds no show\n", r->path);
	} else {
		double last_t = sqlite3_column_double(s, 2), newest = sqlite3_column_double(s, 4);

		r->length_s = last_t > newest ? last_t : newest;
		r->purged_unix = sqlite3_column_double(s, 3);
		rc = load_config(r, (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0),
				 (const char *)sqlite3_column_text(s, 1), problems);
	}
	sqlite3_finalize(s);
	return rc;
}

static int prepare_events(struct replay_source *r, FILE *problems)
{
	char sql[700];

	/* A row older than schema 3 has no tick: the first tick at or after its time. */
	snprintf(sql, sizeof(sql),
		 "SELECT %s, e.t, e.kind, coalesce(e.participant, ''), e.a, e.b, e.x, e.y, coalesce(e.text, ''),"
		 " coalesce(p.token, '') FROM event e"
		 " LEFT JOIN participant p ON p.id = e.participant AND e.kind IN ('join', 'resume')"
		 " WHERE e.kind IN ('join', 'resume', 'leave', 'input', 'vote', 'console') ORDER BY e.seq",
		 has_column(r->db, "event", "tick") ? "e.tick" : "NULL");
	if (sqlite3_prepare_v2(r->db, sql, -1, &r->events, NULL) != SQLITE_OK) {
		fprintf(problems, "%s: cannot read its events: %s\n", r->path, sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

struct replay_source *replay_open(const char *path, FILE *problems)
{
	struct replay_source *r = calloc(1, sizeof(*r));
	struct stat st;

	if (!r) {
		fprintf(problems, "%s: out of memory\n", path);
		return NULL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	/* Read-only, and never created: a typo in the path is an error, not an empty show. */
	if (stat(path, &st) != 0) {
		fprintf(problems, "%s: cannot read the show's journal: %s\n", path, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(problems, "%s: cannot open the show's journal: %s\n", path,
			r->db ? sqlite3_errmsg(r->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 2000);	/* a live show's writer may hold it a moment */
	if (read_show(r, problems) != 0 || prepare_events(r, problems) != 0)
		goto fail;
	return r;
fail:
	replay_close(r);
	return NULL;
}

void replay_close(struct replay_source *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->phone_count; i++)
		if (r->phones[i].connected)
			audience_peer_closed(r->parts->audience, &r->phones[i].peer, r->last_t);
	free(r->phones);
	idmap_free(&r->by_id);
	sqlite3_finalize(r->events);
	sqlite3_close(r->db);
	config_destroy(r->cfg);
	free(r);
}

const struct venue_config *replay_config(const struct replay_source *r)
{
	return r->cfg;
}

double replay_length_s(const struct replay_source *r)
{
	return r->length_s;
}

/* The crowd asks for a new participant's identity: the one the journal's join gave it. */
static bool journal_identity(void *user, char id[CROWD_ID_CHARS + 2], char token[CROWD_TOKEN_CHARS + 2])
{
	struct replay_source *r = user;

	if (!r->joining)
		return false;
	snprintf(id, CROWD_ID_CHARS + 2, "%.11s", r->joining->participant);
	snprintf(token, CROWD_TOKEN_CHARS + 2, "%s", r->joining->token);
	return true;
}

int replay_attach(struct replay_source *r, struct show_engine *se)
{
	sqlite3_stmt *s;
	uint32_t n = 0;

	r->se = se;
	r->parts = show_engine_parts(se);
	crowd_set_identities(r->parts->crowd, journal_identity, r);
	if (sqlite3_prepare_v2(r->db, "SELECT count(DISTINCT participant) FROM event WHERE kind = 'join'", -1, &s,
			       NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = (uint32_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	r->phone_cap = n + 1;
	r->phones = calloc(r->phone_cap, sizeof(*r->phones));
	return r->phones && idmap_init(&r->by_id, r->phone_cap) == 0 ? 0 : -1;
}

/* ---- applying ---- */

static void refused(struct replay_source *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refused(struct replay_source *r, const char *fmt, ...)
{
	va_list ap;

	r->refused++;
	if (r->first_refusal[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->first_refusal, sizeof(r->first_refusal), fmt, ap);
	va_end(ap);
}

static uint64_t id_key(const char *id)
{
	unsigned int anon;

	return sscanf(id, "p-%8x", &anon) == 1 ? (uint64_t)anon | 1ULL << 32 : 0;
}

/* The phone of participant @id; with @create, a new one when the journal has not named it before. */
static struct replay_phone *phone_of(struct replay_source *r, const char *id, bool create)
{
	uint64_t key = id_key(id);
	int64_t i = key ? idmap_get(&r->by_id, key) : -1;
	struct replay_phone *ph;

	if (i >= 0)
		return &r->phones[i];
	if (!create || !key || r->phone_count == r->phone_cap || idmap_put(&r->by_id, key, r->phone_count) != 0)
		return NULL;
	ph = &r->phones[r->phone_count++];
	snprintf(ph->id, sizeof(ph->id), "%s", id);
	return ph;
}

/* @ph reads what it is told, as its socket would; a closed connection ends (a removal, say). */
static void phone_read(struct replay_source *r, struct replay_phone *ph, double now)
{
	if (audience_peer_drain(r->parts->audience, &ph->peer, now) && ph->connected) {
		audience_peer_closed(r->parts->audience, &ph->peer, now);
		ph->connected = false;
	}
}

/* A join (its zone) or a resume (its token): a new connection says hello. */
static void replay_hello(struct replay_source *r, const struct replay_event *e, double now)
{
	bool resume = strcmp(e->kind, "resume") == 0;
	struct replay_phone *ph = phone_of(r, e->participant, !resume);
	const struct venue_config *cfg = r->cfg;
	struct audience *a = r->parts->audience;

	if (!ph || (resume && !ph->token[0])) {
		refused(r, "%s of %s at %.3f s: the journal has no join for it", e->kind, e->participant, e->t);
		return;
	}
	if (ph->connected)	/* the phone came back before its old connection was seen to close */
		audience_peer_closed(a, &ph->peer, now);
	audience_peer_init(a, &ph->peer, NULL, now);
	ph->connected = true;
	r->joining = resume ? NULL : e;
	if (resume)
		audience_peer_sendf(a, &ph->peer, now, "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", ph->token);
	else
		audience_peer_sendf(a, &ph->peer, now, "{\"type\":\"hello\",\"token\":null,\"zone\":\"%s\"}",
				    cfg->zones[(uint32_t)e->a < cfg->zone_count ? (uint32_t)e->a : 0].id);
	r->joining = NULL;
	phone_read(r, ph, now);
	if (ph->peer.participant < 0 ||
	    strcmp(crowd_participant_id(r->parts->crowd, ph->peer.participant), e->participant) != 0) {
		refused(r, "%s of %s at %.3f s: the show did not take it back as that participant", e->kind,
			e->participant, e->t);
		return;
	}
	if (!resume)
		snprintf(ph->token, sizeof(ph->token), "%s", e->token);
	ph->seq = crowd_participant_last_seq(r->parts->crowd, ph->peer.participant);
	if (resume)
		r->resumes++;
	else
		r->joins++;
}

/* An input or a vote, as the phone sent it. */
static void replay_input(struct replay_source *r, const struct replay_event *e, double now)
{
	struct replay_phone *ph = phone_of(r, e->participant, false);
	const char *control = control_name((enum control)e->a);
	struct audience *a = r->parts->audience;
	uint64_t rejected = 0;

	if (!ph || !ph->connected || ph->peer.participant < 0) {
		refused(r, "%s of %s at %.3f s: it is not in the show then", e->kind, e->participant, e->t);
		return;
	}
	for (int i = 0; i < REJECT_COUNT; i++)
		rejected += r->parts->metrics->rejected[i];
	if (strcmp(e->kind, "vote") == 0) {
		if ((uint32_t)e->a >= r->cfg->poll_count) {
			refused(r, "vote of %s at %.3f s: poll %d is not in the venue config", e->participant, e->t, e->a);
			return;
		}
		audience_peer_sendf(a, &ph->peer, now, "{\"type\":\"vote\",\"seq\":%llu,\"poll\":\"%s\",\"choice\":%d}",
				    (unsigned long long)++ph->seq, r->cfg->polls[e->a].id, e->b);
		r->votes++;
	} else if (e->a == CONTROL_XY) {
		/* %.17g: the journal's double, back to the very same double. */
		audience_peer_sendf(a, &ph->peer, now,
				    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"xy\",\"x\":%.17g,\"y\":%.17g}",
				    (unsigned long long)++ph->seq, e->x, e->y);
		r->inputs++;
	} else if (e->a == CONTROL_SLIDER || e->a == CONTROL_SHAKE) {
		audience_peer_sendf(a, &ph->peer, now, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"%s\",\"%s\":%.17g}",
				    (unsigned long long)++ph->seq, control, e->a == CONTROL_SLIDER ? "value" : "energy",
				    e->x);
		r->inputs++;
	} else if (control) {
		audience_peer_sendf(a, &ph->peer, now, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"%s\"}",
				    (unsigned long long)++ph->seq, control);
		r->inputs++;
	}
	phone_read(r, ph, now);
	for (int i = 0; i < REJECT_COUNT; i++)
		rejected -= r->parts->metrics->rejected[i];
	if (rejected)
		refused(r, "%s of %s at %.3f s: refused this time", e->kind, e->participant, e->t);
}

/* A console command: run again when it was accepted and changed the show. */
static void replay_command(struct replay_source *r, const struct replay_event *e, double now)
{
	json_t *cmd = json_loads(e->text, 0, NULL);
	const struct console_command *row = console_command_find(json_string_value(json_object_get(cmd, "cmd")));
	struct console_reply reply;

	/* Refused then, or nothing the show does depends on it: not run again. */
	if (e->b && row && row->changes_show) {
		show_engine_console(r->se, (enum console_role)e->a, "replay", e->text, strlen(e->text), now, &reply);
		r->commands++;
		if (!reply.ok)
			refused(r, "%s at %.3f s: %s: %s", row->name, e->t, reply.code, reply.message);
	}
	json_decref(cmd);
}

static void apply(struct replay_source *r, const struct replay_event *e, double now)
{
	struct replay_phone *ph;

	if (strcmp(e->kind, "join") == 0 || strcmp(e->kind, "resume") == 0) {
		replay_hello(r, e, now);
	} else if (strcmp(e->kind, "leave") == 0) {
		ph = phone_of(r, e->participant, false);
		if (ph && ph->connected) {
			audience_peer_closed(r->parts->audience, &ph->peer, now);
			ph->connected = false;
			r->leaves++;
		}
	} else if (strcmp(e->kind, "console") == 0) {
		replay_command(r, e, now);
	} else {
		replay_input(r, e, now);
	}
}

/* The next row into r->ev; false at the end (or on a read error, kept for the report). */
static bool read_next(struct replay_source *r)
{
	struct replay_event *e = &r->ev;
	sqlite3_stmt *s = r->events;
	int rc = sqlite3_step(s);

	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			snprintf(r->read_error, sizeof(r->read_error), "%s: cannot read its events: %s", r->path,
				 sqlite3_errmsg(r->db));
		r->done = true;
		return false;
	}
	e->t = sqlite3_column_double(s, 1);
	e->tick = sqlite3_column_type(s, 0) == SQLITE_NULL ? (int64_t)ceil(e->t * r->cfg->tick_hz - 1e-9) :
		  sqlite3_column_int64(s, 0);
	snprintf(e->kind, sizeof(e->kind), "%s", (const char *)sqlite3_column_text(s, 2));
	snprintf(e->participant, sizeof(e->participant), "%s", (const char *)sqlite3_column_text(s, 3));
	e->a = sqlite3_column_int(s, 4);
	e->b = sqlite3_column_int(s, 5);
	e->x = sqlite3_column_double(s, 6);
	e->y = sqlite3_column_double(s, 7);
	snprintf(e->text, sizeof(e->text), "%s", (const char *)sqlite3_column_text(s, 8));
	snprintf(e->token, sizeof(e->token), "%s", (const char *)sqlite3_column_text(s, 9));
	return true;
}

void replay_apply(struct replay_source *r, int64_t tick, double now)
{
	while (!r->done && (r->pending || read_next(r))) {
		double t = r->ev.t;

		r->pending = true;
		if (r->ev.tick > tick)
			return;
		r->pending = false;
		/* At its own time, within the tick that first saw it, and never before what came earlier. */
		if (t > now)
			t = now;
		if (t < r->last_t)
			t = r->last_t;
		r->last_t = t;
		apply(r, &r->ev, t);
	}
}

int replay_report(const struct replay_source *r, FILE *out)
{
	fprintf(out, "tutti: replay: %llu joins, %llu resumes, %llu leaves, %llu inputs, %llu votes, "
		"%llu console commands again\n", (unsigned long long)r->joins, (unsigned long long)r->resumes,
		(unsigned long long)r->leaves, (unsigned long long)r->inputs, (unsigned long long)r->votes,
		(unsigned long long)r->commands);
	if (r->refused)
		fprintf(out, "tutti: replay: %llu events were not taken as they were then; the first: %s\n",
			(unsigned long long)r->refused, r->first_refusal);
	if (r->purged_unix > 0)
		fprintf(out, "tutti: replay: this show was purged by its retention period: who did what is gone, "
			"so the crowd is not in the replay (cues and console commands are)\n");
	if (r->read_error[0]) {
		fprintf(out, "tutti: replay: %s\n", r->read_error);
		return -1;
	}
	return 0;
}
