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
}

void console_init(struct console *c, const struct venue_config *cfg, struct show *show,
		  struct audiomap *audiomap, struct audience *audience)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->show = show;
	c->audiomap = audiomap;
	c->audience = audience;
	c->safety.curfew_at = -1;
	c->safety.ceiling_dbfs = cfg->safety.ceiling_dbfs;
	c->safety.max_flashes_per_s = cfg->safety.max_flashes_per_s;
	c->safety.max_red_flashes_per_s = cfg->safety.max_red_flashes_per_s;
}

/* The cue named by "cue", or the current one when it is absent. -1 (replied) when unknown. */
static int cue_arg(struct console *c, json_t *cmd, struct console_reply *r)
{
	json_t *v = json_object_get(cmd, "cue");

	if (!v)
		return show_cue_index(c->show);
	for (uint32_t i = 0; json_is_string(v) && i < c->cfg->cue_count; i++)
		if (strcmp(c->cfg->cues[i].id, json_string_value(v)) == 0)
			return (int)i;
	reply_fail(r, "unknown_cue", "no cue \"%.40s\"", json_is_string(v) ? json_string_value(v) : "?");
	return -1;
}

/*
 * The artist's own value of a parameter in a cue: "target" is a mapping
 * target's name ("filter_cutoff", or "stem_gain:ID" for one stem), "value"
 * its value in its unit (clamped to its range), or null for the config's.
 */
static void artist_control(struct console *c, json_t *cmd, struct console_reply *r)
{
	json_t *t = json_object_get(cmd, "target"), *v = json_object_get(cmd, "value");
	enum audio_target target;
	int cue, stem;

	if ((cue = cue_arg(c, cmd, r)) < 0)
		return;
	if (!json_is_string(t) || !(json_is_number(v) || json_is_null(v))) {
		reply_fail(r, "bad_command", "artist.control needs \"target\" (master_gain, filter_cutoff, "
			   "stem_gain:ID, ...) and \"value\" (a number, or null)");
		return;
	}
	/* The names mappings use, resolved the way the config resolves them. */
	if (config_target_resolve(&c->cfg->cues[cue], json_string_value(t), &target, &stem) != 0 || !c->audiomap ||
	    audiomap_set_artist_value(c->audiomap, (uint32_t)cue, target, stem,
				      json_is_null(v) ? NAN : json_number_value(v)) != 0)
		reply_fail(r, "unknown_target", "cue \"%s\" has no parameter \"%.40s\"", c->cfg->cues[cue].id,
			   json_string_value(t));
}

/* The poll named by "poll", or the current cue's. -1 (replied) when there is none. */
static int poll_arg(struct console *c, json_t *cmd, struct console_reply *r)
{
	json_t *v = json_object_get(cmd, "poll");
	const struct config_cue *cue = show_cue(c->show);

	if (!v) {
		if (cue->poll)
			return (int)cue->poll->index;
		reply_fail(r, "unknown_poll", "cue \"%s\" has no poll; name one", cue->id);
		return -1;
	}
	for (uint32_t i = 0; json_is_string(v) && i < c->cfg->poll_count; i++)
		if (strcmp(c->cfg->polls[i].id, json_string_value(v)) == 0)
			return (int)i;
	reply_fail(r, "unknown_poll", "no poll \"%.40s\"", json_is_string(v) ? json_string_value(v) : "?");
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

static void run(struct console *c, enum console_action a, json_t *cmd, double now,
		struct console_reply *r)
{
	int cue = show_cue_index(c->show), poll;
	bool on;

	reply_ok(r);
	switch (a) {
	case CONSOLE_CUE_GO:
		if ((uint32_t)cue + 1 >= c->cfg->cue_count)
			reply_fail(r, "last_cue", "\"%s\" is the last cue", c->cfg->cues[cue].id);
		else
			show_cue_go(c->show, cue + 1, now);
		break;
	case CONSOLE_CUE_BACK:
		if (cue == 0)
			reply_fail(r, "first_cue", "\"%s\" is the first cue", c->cfg->cues[0].id);
		else
			show_cue_go(c->show, cue - 1, now);
		break;
	case CONSOLE_CUE_JUMP:
		if (!json_object_get(cmd, "cue"))
			reply_fail(r, "bad_command", "cue.jump needs \"cue\"");
		else if ((cue = cue_arg(c, cmd, r)) >= 0)
			show_cue_go(c->show, cue, now);
		break;
	case CONSOLE_POLL_OPEN: {
		json_t *d = json_object_get(cmd, "duration_s");

		if ((poll = poll_arg(c, cmd, r)) < 0)
			break;
		if (d && (!json_is_number(d) || json_number_value(d) < 0 || json_number_value(d) > 86400)) {
			reply_fail(r, "out_of_range", "duration_s must be 0 to 86400 seconds");
			break;
		}
		show_poll_open(c->show, (uint32_t)poll, now);
		if (d)
			show_poll_set_timer(c->show, (uint32_t)poll, json_number_value(d), now);
		break;
	}
	case CONSOLE_POLL_CLOSE:
		if ((poll = poll_arg(c, cmd, r)) >= 0 && !show_poll_is_open(c->show, (uint32_t)poll))
			reply_fail(r, "not_open", "poll \"%s\" is not open", c->cfg->polls[poll].id);
		else if (poll >= 0)
			show_poll_hold(c->show, (uint32_t)poll, now);
		break;
	case CONSOLE_POLL_REVEAL:
		if ((poll = poll_arg(c, cmd, r)) >= 0)
			show_poll_reveal(c->show, (uint32_t)poll, now);
		break;
	case CONSOLE_POLL_VETO:
		if ((poll = poll_arg(c, cmd, r)) >= 0 && show_poll_veto(c->show, (uint32_t)poll) != 0)
			reply_fail(r, "still_open", "close poll \"%s\" before vetoing it", c->cfg->polls[poll].id);
		break;
	case CONSOLE_MIX_SET: {
		json_t *m = json_object_get(cmd, "mapping"), *share = json_object_get(cmd, "crowd");

		if ((cue = cue_arg(c, cmd, r)) < 0)
			break;
		if (!json_is_integer(m) || !(json_is_number(share) || json_is_null(share))) {
			reply_fail(r, "bad_command", "mix.set needs \"mapping\" (a number) and \"crowd\" (0 to 1, or null)");
			break;
		}
		/* Out-of-range shares are clamped to 0..1; the venue's limits clamp the result again. */
		if (audiomap_set_crowd_share(c->audiomap, (uint32_t)cue, (uint32_t)json_integer_value(m),
					     json_is_null(share) ? NAN : json_number_value(share)) != 0)
			reply_fail(r, "unknown_mapping", "cue \"%s\" has no mapping %lld", c->cfg->cues[cue].id,
				   (long long)json_integer_value(m));
		break;
	}
	case CONSOLE_ARTIST_CONTROL:
		artist_control(c, cmd, r);
		break;
	case CONSOLE_SAFETY_FADE:
		if (on_arg(cmd, &on, r))
			c->safety.fade_to_silence = on;
		break;
	case CONSOLE_SAFETY_BLACKOUT:
		if (on_arg(cmd, &on, r))
			c->safety.blackout = on;
		break;
	case CONSOLE_SAFETY_FREEZE:
		if (on_arg(cmd, &on, r))
			c->safety.freeze = on;
		break;
	case CONSOLE_SAFETY_CURFEW: {
		json_t *in = json_object_get(cmd, "in_s");

		if (json_is_null(in))
			c->safety.curfew_at = -1;
		else if (json_is_number(in) && json_number_value(in) >= 0 && json_number_value(in) <= 86400)
			c->safety.curfew_at = now + json_number_value(in);
		else
			reply_fail(r, "bad_command", "safety.curfew needs \"in_s\" (seconds from now, or null)");
		break;
	}
	case CONSOLE_SAFETY_CEILING: {
		json_t *v = json_object_get(cmd, "dbfs");
		double venue = c->cfg->safety.ceiling_dbfs;

		if (json_is_null(v)) {
			c->safety.ceiling_dbfs = venue;
		} else if (!json_is_number(v) || json_number_value(v) < -30 || json_number_value(v) > venue) {
			reply_fail(r, "out_of_range", "the ceiling is -30 to the venue's %.1f dBFS (null = the venue's)",
				   venue);
			break;
		} else {
			c->safety.ceiling_dbfs = json_number_value(v);
		}
		break;
	}
	case CONSOLE_SAFETY_FLASH_POLICY: {
		json_t *g = json_object_get(cmd, "max_per_s"), *red = json_object_get(cmd, "max_red_per_s");
		json_int_t venue = c->cfg->safety.max_flashes_per_s, venue_red = c->cfg->safety.max_red_flashes_per_s;

		/* Stricter than the venue's config, never looser: the config is the venue's limit. */
		if (!json_is_integer(g) || json_integer_value(g) < 0 || json_integer_value(g) > venue ||
		    (red && (!json_is_integer(red) || json_integer_value(red) < 0 ||
			     json_integer_value(red) > venue_red))) {
			reply_fail(r, "out_of_range", "flashes per second: 0 to the venue's %lld (red: 0 to %lld)",
				   (long long)venue, (long long)venue_red);
			break;
		}
		c->safety.max_flashes_per_s = (uint32_t)json_integer_value(g);
		c->safety.max_red_flashes_per_s = red ? (uint32_t)json_integer_value(red) :
			(uint32_t)(json_integer_value(g) < venue_red ? json_integer_value(g) : venue_red);
		c->safety.flash_generation++;
		break;
	}
	case CONSOLE_ALARM_ACK: {
		json_t *name = json_object_get(cmd, "alarm");

		if (!json_is_string(name))
			reply_fail(r, "bad_command", "alarm.ack needs \"alarm\" (audio_lost, venue_full, ...)");
		else if (!c->alarms || alarms_ack(c->alarms, json_string_value(name)) != 0)
			reply_fail(r, "unknown_alarm", "no alarm \"%.40s\" is up", json_string_value(name));
		break;
	}
	case CONSOLE_MODERATE_MUTE:
	case CONSOLE_MODERATE_KICK: {
		json_t *who = json_object_get(cmd, "participant");
		int rc;

		if (!json_is_string(who) || (a == CONSOLE_MODERATE_MUTE && !on_arg(cmd, &on, r))) {
			if (r->ok)
				reply_fail(r, "bad_command", "name the \"participant\" by the id phones show (p-...)");
			break;
		}
		rc = a == CONSOLE_MODERATE_MUTE ? audience_mute(c->audience, json_string_value(who), on) :
		     audience_kick(c->audience, json_string_value(who), now);
		if (rc != 0)
			reply_fail(r, "unknown_participant", "no participant \"%.20s\"", json_string_value(who));
		break;
	}
	case CONSOLE_MODERATE_APPROVE:
	case CONSOLE_MODERATE_REJECT:
	case CONSOLE_MODERATE_TAKE_DOWN: {
		json_t *id = json_object_get(cmd, "text");
		struct crowdtext_item decided;
		uint32_t n;

		if (!json_is_integer(id) || json_integer_value(id) < 1 || json_integer_value(id) > UINT32_MAX) {
			reply_fail(r, "bad_command", "name the \"text\" by its number in the queue");
			break;
		}
		n = (uint32_t)json_integer_value(id);
		if (a == CONSOLE_MODERATE_TAKE_DOWN) {
			if (!c->texts || crowdtext_unshow(c->texts, n) != 0)
				reply_fail(r, "unknown_text", "text %u is not on the screen", n);
		} else if (!c->texts || crowdtext_decide(c->texts, n, a == CONSOLE_MODERATE_APPROVE, &decided) != 0) {
			reply_fail(r, "unknown_text", "text %u is not waiting (decided already, or withdrawn)", n);
		} else {
			audience_text_decided(c->audience, &decided, a == CONSOLE_MODERATE_APPROVE);
			log_info("console: text %u from %s %s: \"%s\"", n, decided.from,
				 a == CONSOLE_MODERATE_APPROVE ? "approved" : "rejected", decided.text);
		}
		break;
	}
	default:
		reply_fail(r, "not_here_yet", "%s is not available in this build", console_action_name(a));
		break;
	}
}

void console_execute(struct console *c, enum console_role role, const char *who, const char *text,
		     size_t len, double now, struct console_reply *reply)
{
	json_error_t jerr;
	json_t *cmd = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *name = cmd ? json_object_get(cmd, "cmd") : NULL;
	int action = json_is_string(name) ? console_action_from_name(json_string_value(name)) : -1;

	if (!json_is_object(cmd) || !json_is_string(name))
		reply_fail(reply, "bad_command", "a command is a JSON object with \"cmd\"");
	else if (action < 0)
		reply_fail(reply, "bad_command", "unknown command \"%.40s\"", json_string_value(name));
	else if (!console_role_may(role, (enum console_action)action))
		reply_fail(reply, "forbidden", "%s may not %s", console_role_name(role),
			   console_action_name((enum console_action)action));
	else
		run(c, (enum console_action)action, cmd, now, reply);
	/* Every action, accepted or not, with who asked and when. */
	log_info("console: %s %s %s at %.3f: %s%s%s", console_role_name(role), who,
		 action >= 0 ? console_action_name((enum console_action)action) : "(bad command)", now,
		 reply->ok ? "ok" : reply->code, reply->ok ? "" : ": ", reply->ok ? "" : reply->message);
	if (reply->ok)
		c->accepted++;
	else
		c->refused++;
	json_decref(cmd);
}
