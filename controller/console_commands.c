/*
 * console_commands.c - console commands. See console_commands.h.
 */
#include "console_commands.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "utf8.h"

static void reply_ok(struct console_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->ok = true;
}

static void reply_fail(struct console_reply *r, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void reply_fail(struct console_reply *r, const char *code, const char *fmt, ...)
{
	va_list ap;

	r->ok = false;
	snprintf(r->code, sizeof(r->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	utf8_trim(r->message);	/* a message cut by its buffer ends on a whole character */
}

/* A JSON string's text for a message, "?" for anything else. */
static const char *name_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "?";
}

void console_init(struct console *c, const struct console_wiring *w)
{
	memset(c, 0, sizeof(*c));
	c->w = *w;
}

/* The cue named by "cue", or the current one when it is absent. -1 (replied) when unknown. */
static int cue_arg(struct console *c, json_t *cmd, struct console_reply *r)
{
	json_t *v = json_object_get(cmd, "cue");

	if (!v)
		return show_cue_index(c->w.show);
	for (uint32_t i = 0; json_is_string(v) && i < c->w.cfg->cue_count; i++)
		if (strcmp(c->w.cfg->cues[i].id, json_string_value(v)) == 0)
			return (int)i;
	reply_fail(r, "unknown_cue", "no cue \"%.*s\"", utf8_fit(name_of(v), 40), name_of(v));
	return -1;
}

/* The poll named by "poll", or the current cue's. -1 (replied) when there is none. */
static int poll_arg(struct console *c, json_t *cmd, struct console_reply *r)
{
	json_t *v = json_object_get(cmd, "poll");
	const struct config_cue *cue = show_cue(c->w.show);

	if (!v) {
		if (cue->poll)
			return (int)cue->poll->index;
		reply_fail(r, "unknown_poll", "cue \"%s\" has no poll; name one", cue->id);
		return -1;
	}
	for (uint32_t i = 0; json_is_string(v) && i < c->w.cfg->poll_count; i++)
		if (strcmp(c->w.cfg->polls[i].id, json_string_value(v)) == 0)
			return (int)i;
	reply_fail(r, "unknown_poll", "no poll \"%.*s\"", utf8_fit(name_of(v), 40), name_of(v));
	return -1;
}

/* A boolean "on" (required). */
static bool on_arg(json_t *cmd, bool *on, struct console_reply *r)
{
	json_t *v = json_object_get(cmd, "on");

	if (!json_is_boolean(v)) {
		reply_fail(r, "bad_command", "\"on\" must be true or false");
		return false;
	}
	*on = json_is_true(v);
	return true;
}

/* ---- show control ---- */

static void cmd_cue_go(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int cue = show_cue_index(c->w.show);

	(void)cmd;
	if ((uint32_t)cue + 1 >= c->w.cfg->cue_count)
		reply_fail(r, "last_cue", "\"%s\" is the last cue", c->w.cfg->cues[cue].id);
	else
		show_cue_go(c->w.show, cue + 1, now);
}

static void cmd_cue_back(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int cue = show_cue_index(c->w.show);

	(void)cmd;
	if (cue == 0)
		reply_fail(r, "first_cue", "\"%s\" is the first cue", c->w.cfg->cues[0].id);
	else
		show_cue_go(c->w.show, cue - 1, now);
}

static void cmd_cue_jump(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int cue;

	if (!json_object_get(cmd, "cue"))
		reply_fail(r, "bad_command", "cue.jump needs \"cue\"");
	else if ((cue = cue_arg(c, cmd, r)) >= 0)
		show_cue_go(c->w.show, cue, now);
}

static void cmd_cue_hold(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	(void)cmd;
	if (show_cue_hold(c->w.show, now) != 0)
		reply_fail(r, "no_follow", "\"%s\" does not follow on by itself", show_cue(c->w.show)->id);
}

static void cmd_cue_resume(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	(void)cmd;
	if (show_cue_resume(c->w.show, now) != 0)
		reply_fail(r, "not_held", "\"%s\" is not held", show_cue(c->w.show)->id);
}

static void cmd_poll_open(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *d = json_object_get(cmd, "duration_s");
	int poll;

	if ((poll = poll_arg(c, cmd, r)) < 0)
		return;
	if (d && (!json_is_number(d) || json_number_value(d) < 0 || json_number_value(d) > 86400)) {
		reply_fail(r, "out_of_range", "duration_s must be 0 to 86400 seconds");
		return;
	}
	show_poll_open(c->w.show, (uint32_t)poll, now);
	if (d)
		show_poll_set_timer(c->w.show, (uint32_t)poll, json_number_value(d), now);
}

static void cmd_poll_close(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int poll = poll_arg(c, cmd, r);

	if (poll >= 0 && !show_poll_is_open(c->w.show, (uint32_t)poll))
		reply_fail(r, "not_open", "poll \"%s\" is not open", c->w.cfg->polls[poll].id);
	else if (poll >= 0)
		show_poll_hold(c->w.show, (uint32_t)poll, now);
}

static void cmd_poll_reveal(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int poll = poll_arg(c, cmd, r);

	if (poll >= 0)
		show_poll_reveal(c->w.show, (uint32_t)poll, now);
}

/* An ad-hoc poll's question or option: 1 to CONFIG_ADHOC_TEXT_MAX bytes, no control characters. */
static bool adhoc_text_ok(json_t *v)
{
	const char *s = json_string_value(v);

	if (!s || !*s || json_string_length(v) > CONFIG_ADHOC_TEXT_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The ad-hoc options into @out; their count, or 0 (replied) when they are not 2 to 8 distinct texts. */
static uint32_t adhoc_options(json_t *cmd, const char **out, struct console_reply *r)
{
	json_t *opts = json_object_get(cmd, "options");
	size_t n = json_array_size(opts);

	if (!json_is_array(opts) || n < CONFIG_POLL_OPTIONS_MIN || n > CONFIG_POLL_OPTIONS_MAX) {
		reply_fail(r, "bad_command", "a poll has %d to %d \"options\"", CONFIG_POLL_OPTIONS_MIN,
			   CONFIG_POLL_OPTIONS_MAX);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!adhoc_text_ok(json_array_get(opts, i))) {
			reply_fail(r, "bad_command", "option %zu: 1 to %d bytes of text, one line", i + 1,
				   CONFIG_ADHOC_TEXT_MAX);
			return 0;
		}
		out[i] = json_string_value(json_array_get(opts, i));
		for (size_t k = 0; k < i; k++)
			if (strcmp(out[k], out[i]) == 0) {
				reply_fail(r, "bad_command", "option %zu is option %zu again", i + 1, k + 1);
				return 0;
			}
	}
	return (uint32_t)n;
}

/*
 * An ad-hoc poll, made up mid-show: "question", 2 to 8 "options", an
 * optional "duration_s". It takes the next of the config's ad-hoc slots
 * (never the one phones see now, so the stage never draws a slot being
 * rewritten), starts with fresh tallies, opens, and is what phones see
 * until the next cue.
 */
static void cmd_poll_create(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	const struct venue_config *cfg = c->w.cfg;
	json_t *q = json_object_get(cmd, "question"), *d = json_object_get(cmd, "duration_s");
	const char *options[CONFIG_POLL_OPTIONS_MAX];
	uint32_t n, slot;

	if (!adhoc_text_ok(q)) {
		reply_fail(r, "bad_command", "\"question\": 1 to %d bytes of text, one line", CONFIG_ADHOC_TEXT_MAX);
		return;
	}
	if (!(n = adhoc_options(cmd, options, r)))
		return;
	if (d && (!json_is_number(d) || json_number_value(d) < 0 || json_number_value(d) > 86400)) {
		reply_fail(r, "out_of_range", "duration_s must be 0 to 86400 seconds");
		return;
	}
	if (json_dumpb(cmd, NULL, 0, JSON_COMPACT) > CONSOLE_ADHOC_COMMAND_MAX) {
		reply_fail(r, "too_long", "the question and options are too long together: shorten them");
		return;
	}
	slot = cfg->adhoc_first + c->adhoc_made++ % CONFIG_ADHOC_POLLS;
	if ((int)slot == show_poll_adhoc_shown(c->w.show))
		slot = cfg->adhoc_first + c->adhoc_made++ % CONFIG_ADHOC_POLLS;
	config_adhoc_poll_write(cfg, slot, json_string_value(q), options, n);
	show_poll_reset(c->w.show, slot);
	if (c->w.audience)
		crowd_poll_reset(c->w.audience->crowd, slot);
	show_poll_open(c->w.show, slot, now);
	if (d)
		show_poll_set_timer(c->w.show, slot, json_number_value(d), now);
	show_poll_adhoc_show(c->w.show, slot);
}

/* The poll starts over, closed, with every vote in it gone: open it again for a fresh round. */
static void cmd_poll_reset(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int poll = poll_arg(c, cmd, r);

	(void)now;
	if (poll < 0)
		return;
	show_poll_reset(c->w.show, (uint32_t)poll);
	if (c->w.audience)
		crowd_poll_reset(c->w.audience->crowd, (uint32_t)poll);
}

static void cmd_poll_hide(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int poll = poll_arg(c, cmd, r);
	bool on;

	(void)now;
	if (poll >= 0 && on_arg(cmd, &on, r))
		show_poll_hide(c->w.show, (uint32_t)poll, on);
}

static void cmd_poll_veto(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	int poll = poll_arg(c, cmd, r);

	(void)now;
	if (poll >= 0 && show_poll_veto(c->w.show, (uint32_t)poll) != 0)
		reply_fail(r, "still_open", "close poll \"%s\" before vetoing it", c->w.cfg->polls[poll].id);
}

static void cmd_mix_set(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *m = json_object_get(cmd, "mapping"), *share = json_object_get(cmd, "crowd");
	int cue;

	(void)now;
	if ((cue = cue_arg(c, cmd, r)) < 0)
		return;
	if (!json_is_integer(m) || !(json_is_number(share) || json_is_null(share))) {
		reply_fail(r, "bad_command", "mix.set needs \"mapping\" (a number) and \"crowd\" (0 to 1, or null)");
		return;
	}
	/* Out-of-range shares are clamped to 0..1; the venue's limits clamp the result again. */
	if (audiomap_set_crowd_share(c->w.audiomap, (uint32_t)cue, (uint32_t)json_integer_value(m),
				     json_is_null(share) ? NAN : json_number_value(share)) != 0)
		reply_fail(r, "unknown_mapping", "cue \"%s\" has no mapping %lld", c->w.cfg->cues[cue].id,
			   (long long)json_integer_value(m));
}

/*
 * The artist's own value of a parameter in a cue: "target" is a mapping
 * target's name ("filter_cutoff", or "stem_gain:ID" for one stem), "value"
 * its value in its unit (clamped to its range), or null for the config's.
 */
static void cmd_artist_control(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *t = json_object_get(cmd, "target"), *v = json_object_get(cmd, "value");
	enum audio_target target;
	int cue, stem;

	(void)now;
	if ((cue = cue_arg(c, cmd, r)) < 0)
		return;
	if (!json_is_string(t) || !(json_is_number(v) || json_is_null(v))) {
		reply_fail(r, "bad_command", "artist.control needs \"target\" (master_gain, filter_cutoff, "
			   "stem_gain:ID, ...) and \"value\" (a number, or null)");
		return;
	}
	/* The names mappings use, resolved the way the config resolves them. */
	if (config_target_resolve(&c->w.cfg->cues[cue], json_string_value(t), &target, &stem) != 0 || !c->w.audiomap ||
	    audiomap_set_artist_value(c->w.audiomap, (uint32_t)cue, target, stem,
				      json_is_null(v) ? NAN : json_number_value(v)) != 0)
		reply_fail(r, "unknown_target", "cue \"%s\" has no parameter \"%.*s\"", c->w.cfg->cues[cue].id,
			   utf8_fit(json_string_value(t), 40), json_string_value(t));
}

static void cmd_alarm_ack(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *name = json_object_get(cmd, "alarm");

	(void)now;
	if (!json_is_string(name))
		reply_fail(r, "bad_command", "alarm.ack needs \"alarm\" (audio_lost, venue_full, ...)");
	else if (!c->w.alarms || alarms_ack(c->w.alarms, json_string_value(name)) != 0)
		reply_fail(r, "unknown_alarm", "no alarm \"%.*s\" is up", utf8_fit(name_of(name), 40), name_of(name));
}

/* ---- the venue's safety: the safety module checks the venue's limits ---- */

/* A boolean "on" for @set (replied when missing). */
static void safety_switch(struct console *c, json_t *cmd, double now, struct console_reply *r,
			  void (*set)(struct safety *, bool, double))
{
	bool on;

	if (on_arg(cmd, &on, r))
		set(c->w.safety, on, now);
}

static void cmd_safety_fade(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	safety_switch(c, cmd, now, r, safety_set_fade);
}

static void cmd_safety_blackout(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	safety_switch(c, cmd, now, r, safety_set_blackout);
}

static void cmd_safety_freeze(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	safety_switch(c, cmd, now, r, safety_set_freeze);
}

static void cmd_safety_curfew(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *in = json_object_get(cmd, "in_s");

	if (!(json_is_null(in) || json_is_number(in)) ||
	    safety_set_curfew(c->w.safety, json_is_null(in) ? NAN : json_number_value(in), now) != 0)
		reply_fail(r, "bad_command", "safety.curfew needs \"in_s\" (seconds from now, or null)");
}

static void cmd_safety_ceiling(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *v = json_object_get(cmd, "dbfs");

	if (!(json_is_null(v) || json_is_number(v)) ||
	    safety_set_ceiling(c->w.safety, json_is_null(v) ? NAN : json_number_value(v), now) != 0)
		reply_fail(r, "out_of_range", "the ceiling is %.0f to the venue's %.1f dBFS (null = the venue's)",
			   SAFETY_CEILING_MIN_DBFS, c->w.cfg->safety.ceiling_dbfs);
}

static void cmd_safety_flash_policy(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	json_t *g = json_object_get(cmd, "max_per_s"), *red = json_object_get(cmd, "max_red_per_s");
	int64_t red_n = json_is_integer(red) ? json_integer_value(red) : 0;

	if (!json_is_integer(g) || (red && !json_is_integer(red)) ||
	    safety_set_flash_policy(c->w.safety, json_integer_value(g), red ? &red_n : NULL, now) != 0)
		reply_fail(r, "out_of_range", "flashes per second: 0 to the venue's %lld (red: 0 to %lld)",
			   (long long)c->w.cfg->safety.max_flashes_per_s,
			   (long long)c->w.cfg->safety.max_red_flashes_per_s);
}

/* ---- moderation ---- */

/* The "participant" by the id phones show; NULL (replied) when missing. */
static const char *participant_arg(json_t *cmd, struct console_reply *r)
{
	json_t *who = json_object_get(cmd, "participant");

	if (json_is_string(who))
		return json_string_value(who);
	reply_fail(r, "bad_command", "name the \"participant\" by the id phones show (p-...)");
	return NULL;
}

static void cmd_moderate_mute(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	const char *who = participant_arg(cmd, r);
	bool on;

	(void)now;
	if (who && on_arg(cmd, &on, r) && audience_mute(c->w.audience, who, on) != 0)
		reply_fail(r, "unknown_participant", "no participant \"%.*s\"", utf8_fit(who, 20), who);
}

static void cmd_moderate_kick(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	const char *who = participant_arg(cmd, r);

	if (who && audience_kick(c->w.audience, who, now) != 0)
		reply_fail(r, "unknown_participant", "no participant \"%.*s\"", utf8_fit(who, 20), who);
}

static void cmd_moderate_readmit(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	const char *who = participant_arg(cmd, r);

	(void)now;
	if (who && audience_readmit(c->w.audience, who) != 0)
		reply_fail(r, "unknown_participant", "nobody was removed as \"%.*s\"", utf8_fit(who, 20), who);
}

/* The crowd "text" by its number in the queue or on the wall; 0 (replied) when malformed. */
static uint32_t text_arg(json_t *cmd, struct console_reply *r)
{
	json_t *id = json_object_get(cmd, "text");

	if (json_is_integer(id) && json_integer_value(id) >= 1 && json_integer_value(id) <= UINT32_MAX)
		return (uint32_t)json_integer_value(id);
	reply_fail(r, "bad_command", "name the \"text\" by its number in the queue");
	return 0;
}

/* Approves or rejects a waiting crowd text, and tells the phone. */
static void text_decide(struct console *c, json_t *cmd, bool approve, double now, struct console_reply *r)
{
	struct crowdtext_item decided;
	uint32_t n = text_arg(cmd, r);

	if (!n)
		return;
	if (!c->w.texts || crowdtext_decide(c->w.texts, n, approve, &decided) != 0) {
		reply_fail(r, "unknown_text", "text %u is not waiting (decided already, or withdrawn)", n);
		return;
	}
	audience_text_decided(c->w.audience, &decided, approve, now);
	log_info("console: text %u from %s %s: \"%s\"", n, decided.from, approve ? "approved" : "rejected",
		 decided.text);
}

static void cmd_moderate_approve(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	text_decide(c, cmd, true, now, r);
}

static void cmd_moderate_reject(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	text_decide(c, cmd, false, now, r);
}

static void cmd_moderate_take_down(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	uint32_t n = text_arg(cmd, r);

	(void)now;
	if (n && (!c->w.texts || crowdtext_unshow(c->w.texts, n) != 0))
		reply_fail(r, "unknown_text", "text %u is not on the screen", n);
}

/*
 * The show is over: polls close with their results, the cue stops, and
 * every phone turns to its recap (docs/operations.md, "Ending the show").
 */
static void cmd_show_end(struct console *c, json_t *cmd, double now, struct console_reply *r)
{
	(void)cmd;
	if (!show_end(c->w.show, now))
		reply_fail(r, "show_over", "the show is over already");
	else
		log_info("console: the show is over; phones turn to their recap");
}

/* ---- the table ---- */

#define ARTIST		CONSOLE_ROLE_BIT(CONSOLE_ROLE_ARTIST)
#define OPERATOR	CONSOLE_ROLE_BIT(CONSOLE_ROLE_OPERATOR)

/*
 * Every command, its roles written out per row: the venue's safety and the
 * audience's moderation are never the artist's call. "changes the show":
 * the journal records the command.
 */
static const struct console_command commands[] = {
	/* name			roles			changes the show	handler */
	{ "cue.go",		OPERATOR | ARTIST,	true,	cmd_cue_go },
	{ "cue.back",		OPERATOR | ARTIST,	true,	cmd_cue_back },
	{ "cue.jump",		OPERATOR | ARTIST,	true,	cmd_cue_jump },
	{ "cue.hold",		OPERATOR | ARTIST,	true,	cmd_cue_hold },
	{ "cue.resume",		OPERATOR | ARTIST,	true,	cmd_cue_resume },
	{ "poll.open",		OPERATOR | ARTIST,	true,	cmd_poll_open },
	{ "poll.close",		OPERATOR | ARTIST,	true,	cmd_poll_close },
	{ "poll.reveal",	OPERATOR | ARTIST,	true,	cmd_poll_reveal },
	{ "poll.veto",		OPERATOR | ARTIST,	true,	cmd_poll_veto },
	{ "poll.reset",		OPERATOR | ARTIST,	true,	cmd_poll_reset },
	{ "poll.hide",		OPERATOR | ARTIST,	true,	cmd_poll_hide },
	{ "poll.create",	OPERATOR | ARTIST,	true,	cmd_poll_create },
	{ "mix.set",		OPERATOR | ARTIST,	true,	cmd_mix_set },
	{ "artist.control",	OPERATOR | ARTIST,	true,	cmd_artist_control },
	{ "safety.fade",	OPERATOR,		true,	cmd_safety_fade },
	{ "safety.blackout",	OPERATOR,		true,	cmd_safety_blackout },
	{ "safety.freeze",	OPERATOR,		true,	cmd_safety_freeze },
	{ "safety.curfew",	OPERATOR,		true,	cmd_safety_curfew },
	{ "safety.ceiling",	OPERATOR,		true,	cmd_safety_ceiling },
	{ "safety.flash_policy", OPERATOR,		true,	cmd_safety_flash_policy },
	{ "moderate.mute",	OPERATOR,		true,	cmd_moderate_mute },
	{ "moderate.kick",	OPERATOR,		true,	cmd_moderate_kick },
	{ "moderate.readmit",	OPERATOR,		true,	cmd_moderate_readmit },
	{ "moderate.approve",	OPERATOR,		true,	cmd_moderate_approve },
	{ "moderate.reject",	OPERATOR,		true,	cmd_moderate_reject },
	{ "moderate.take_down",	OPERATOR,		true,	cmd_moderate_take_down },
	{ "show.end",		OPERATOR,		true,	cmd_show_end },
	{ "alarm.ack",		OPERATOR,		false,	cmd_alarm_ack },	/* the venue's alarms */
};

size_t console_command_count(void)
{
	return sizeof(commands) / sizeof(commands[0]);
}

const struct console_command *console_command_at(size_t i)
{
	return i < console_command_count() ? &commands[i] : NULL;
}

const struct console_command *console_command_find(const char *name)
{
	for (size_t i = 0; name && i < console_command_count(); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

bool console_command_allows(const struct console_command *cmd, enum console_role role)
{
	return cmd && (unsigned)role < 32 && (cmd->roles & CONSOLE_ROLE_BIT(role)) != 0;
}

/*
 * A command may say which cue its sender was looking at ("expect_cue"). An
 * auto-follow or another console may have moved the show on since: a GO
 * would then skip a cue, a veto land on the next cue's poll. False (and
 * replied "cue_moved") when the cue is not the one expected.
 */
static bool cue_as_expected(struct console *c, json_t *cmd, struct console_reply *r)
{
	json_t *want = json_object_get(cmd, "expect_cue");
	const char *now_id = show_cue(c->w.show)->id;

	if (!want || (json_is_string(want) && strcmp(json_string_value(want), now_id) == 0))
		return true;
	reply_fail(r, "cue_moved", "the show moved on to \"%s\" before this arrived: nothing done", now_id);
	return false;
}

/* Cues and polls stand still once the show is over (show_end()). */
static bool moves_the_show(const char *name)
{
	return strncmp(name, "cue.", 4) == 0 || strncmp(name, "poll.", 5) == 0;
}

/* What a command acted on, in a few words: the cue it led to, or its first argument of note. */
static void activity_what(const struct console *c, const char *name, json_t *cmd, char *out, size_t cap)
{
	static const char *const keys[] = { "participant", "poll", "question", "target", "alarm", "text", "mapping",
					    "on", "in_s", "dbfs", "max_per_s" };
	json_t *v = NULL;

	out[0] = '\0';
	if (strncmp(name, "cue.", 4) == 0) {
		snprintf(out, cap, "%s", show_cue(c->w.show)->id);
		return;
	}
	for (size_t i = 0; !v && i < sizeof(keys) / sizeof(keys[0]); i++)
		v = json_object_get(cmd, keys[i]);
	if (json_is_string(v))
		snprintf(out, cap, "%.*s", utf8_fit(json_string_value(v), (int)cap - 1), json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(out, cap, "%s", json_is_true(v) ? "on" : "off");
	else if (json_is_integer(v))
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	else if (json_is_number(v))
		snprintf(out, cap, "%g", json_number_value(v));
	else if (json_is_null(v))
		snprintf(out, cap, "default");
}

static void activity_note(struct console *c, enum console_role role, const char *name, json_t *cmd, double now,
			  const struct console_reply *reply)
{
	struct console_activity *a = &c->activity[c->activity_count++ % CONSOLE_ACTIVITY_MAX];
	json_t *on = json_object_get(cmd, "on");

	*a = (struct console_activity){ .seq = c->activity_count, .t = now, .role = role, .ok = reply->ok,
					.on = json_is_boolean(on) ? json_is_true(on) : -1 };
	snprintf(a->cmd, sizeof(a->cmd), "%s", name);
	snprintf(a->code, sizeof(a->code), "%s", reply->code);
	activity_what(c, name, cmd, a->what, sizeof(a->what));
}

const struct console_activity *console_activity_at(const struct console *c, uint32_t i)
{
	if (i >= c->activity_count || i >= CONSOLE_ACTIVITY_MAX)
		return NULL;
	return &c->activity[(c->activity_count - 1 - i) % CONSOLE_ACTIVITY_MAX];
}

void console_execute(struct console *c, enum console_role role, const char *who, const char *text,
		     size_t len, double now, struct console_reply *reply)
{
	json_error_t jerr;
	json_t *cmd = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *name = cmd ? json_object_get(cmd, "cmd") : NULL;
	const struct console_command *row = json_is_string(name) ? console_command_find(json_string_value(name)) : NULL;

	reply_ok(reply);
	if (!json_is_object(cmd) || !json_is_string(name))
		reply_fail(reply, "bad_command", "a command is a JSON object with \"cmd\"");
	else if (!row)
		reply_fail(reply, "bad_command", "unknown command \"%.*s\"", utf8_fit(name_of(name), 40), name_of(name));
	else if (!console_command_allows(row, role))
		reply_fail(reply, "forbidden", "%s may not %s", console_role_name(role), row->name);
	else if (!cue_as_expected(c, cmd, reply))
		;	/* the show moved on since the console sent it: nothing done */
	else if (show_over(c->w.show) && moves_the_show(row->name))
		reply_fail(reply, "show_over", "the show is over: %s does nothing now", row->name);
	else
		row->run(c, cmd, now, reply);
	/* Every action, accepted or not, with who asked and when. */
	log_info("console: %s %s %s at %.3f: %s%s%s", console_role_name(role), who,
		 row ? row->name : "(bad command)", now,
		 reply->ok ? "ok" : reply->code, reply->ok ? "" : ": ", reply->ok ? "" : reply->message);
	if (reply->ok)
		c->accepted++;
	else
		c->refused++;
	if (row)	/* malformed commands stay in the log; the feed shows what people did */
		activity_note(c, role, row->name, cmd, now, reply);
	json_decref(cmd);
}

size_t console_reply_encode(const struct console_reply *r, char *out, size_t cap)
{
	json_t *j = r->ok ? json_pack("{s:s, s:b}", "type", "reply", "ok", 1) :
		    json_pack("{s:s, s:b, s:s, s:s}", "type", "reply", "ok", 0, "code", r->code, "message", r->message);
	size_t n = j ? json_dumpb(j, out, cap, JSON_COMPACT) : 0;

	json_decref(j);
	return n < cap ? n : 0;
}
