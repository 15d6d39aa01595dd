/*
 * net_protocol.c - decode phone messages (jansson) and encode daemon messages
 * (a small bounded writer, so the per-tick state is built without
 * allocation and with stable number formatting). See net_protocol.h.
 * Thread: any.
 */
#include "net_protocol.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_writer.h"
#include "utf8.h"

static const char *const reason_names[REJECT_COUNT] = {
	[REJECT_NONE] = "none",
	[REJECT_MALFORMED_JSON] = "malformed_json",
	[REJECT_UNKNOWN_TYPE] = "unknown_type",
	[REJECT_INVALID_FIELD] = "invalid_field",
	[REJECT_OUT_OF_RANGE] = "out_of_range",
	[REJECT_NOT_JOINED] = "not_joined",
	[REJECT_ALREADY_JOINED] = "already_joined",
	[REJECT_UNKNOWN_ZONE] = "unknown_zone",
	[REJECT_CONTROL_DISABLED] = "control_disabled",
	[REJECT_POLL_CLOSED] = "poll_closed",
	[REJECT_UNKNOWN_POLL] = "unknown_poll",
	[REJECT_RATE_LIMITED] = "rate_limited",
	[REJECT_BINARY_FRAME] = "binary_frame",
	[REJECT_TOO_LARGE] = "too_large",
	[REJECT_INVALID_UTF8] = "invalid_utf8",
	[REJECT_DUPLICATE] = "duplicate",
	[REJECT_VENUE_FULL] = "venue_full",
	[REJECT_TOO_MANY_CONNECTIONS] = "too_many_connections",
	[REJECT_ORIGIN] = "origin",
	[REJECT_TOO_MANY_JOINS] = "too_many_joins",
	[REJECT_MUTED] = "muted",
	[REJECT_TEXT_REFUSED] = "text_refused",
	[REJECT_TOO_SOON] = "too_soon",
	[REJECT_QUEUE_FULL] = "queue_full",
	[REJECT_REMOVED] = "removed",
	[REJECT_SHOW_OVER] = "show_over",
};

static const char *const reason_messages[REJECT_COUNT] = {
	[REJECT_NONE] = "ok",
	[REJECT_MALFORMED_JSON] = "message is not a JSON object",
	[REJECT_UNKNOWN_TYPE] = "unknown message type",
	[REJECT_INVALID_FIELD] = "a field is missing or has the wrong type",
	[REJECT_OUT_OF_RANGE] = "a value is out of range",
	[REJECT_NOT_JOINED] = "send hello first",
	[REJECT_ALREADY_JOINED] = "already joined",
	[REJECT_UNKNOWN_ZONE] = "unknown zone; joined the first zone",
	[REJECT_CONTROL_DISABLED] = "that control is not enabled in this cue",
	[REJECT_POLL_CLOSED] = "that poll is not open",
	[REJECT_UNKNOWN_POLL] = "no such poll",
	[REJECT_RATE_LIMITED] = "too many inputs; slow down",
	[REJECT_BINARY_FRAME] = "binary frames are not supported",
	[REJECT_TOO_LARGE] = "message too large",
	[REJECT_INVALID_UTF8] = "text is not valid UTF-8",
	[REJECT_DUPLICATE] = "already received",
	[REJECT_VENUE_FULL] = "The venue is full. Waiting for a spot...",
	[REJECT_TOO_MANY_CONNECTIONS] = "too many connections from your address",
	[REJECT_ORIGIN] = "origin not allowed",
	[REJECT_TOO_MANY_JOINS] = "too many new participants from your address; try again later",
	[REJECT_MUTED] = "the venue has muted your input",
	[REJECT_TEXT_REFUSED] = "that message cannot go on the screen",
	[REJECT_TOO_SOON] = "one message at a time: wait a little",
	[REJECT_QUEUE_FULL] = "lots of messages are waiting: try again in a minute",
	[REJECT_REMOVED] = "the venue has removed you from this show",
	[REJECT_SHOW_OVER] = "the show is over: ask for your recap",
};

const char *reject_reason_name(enum reject_reason r)
{
	return (unsigned)r < REJECT_COUNT ? reason_names[r] : "unknown";
}

const char *reject_reason_message(enum reject_reason r)
{
	return (unsigned)r < REJECT_COUNT ? reason_messages[r] : "error";
}

bool protocol_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf, *end = s + len;

	while (s < end) {
		unsigned char c = *s;
		int extra;
		uint32_t cp;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			extra = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (end - s <= extra)
			return false;
		for (int i = 1; i <= extra; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		s += extra + 1;
	}
	return true;
}

/* ---- decoding ---- */

static enum reject_reason fail(struct client_msg *m, enum reject_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum reject_reason fail(struct client_msg *m, enum reject_reason r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->detail, sizeof(m->detail), fmt, ap);
	va_end(ap);
	utf8_trim(m->detail);	/* a cut in the middle of a character is not UTF-8 */
	return r;
}

/* A number field in [0, 1]. */
static enum reject_reason get_unit(struct client_msg *m, json_t *obj, const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);
	double d;

	if (!v || !json_is_number(v))
		return fail(m, REJECT_INVALID_FIELD, "\"%s\" must be a number from 0 to 1", key);
	d = json_number_value(v);
	if (!(d >= 0 && d <= 1))
		return fail(m, REJECT_OUT_OF_RANGE, "\"%s\" must be from 0 to 1", key);
	*out = d;
	return REJECT_NONE;
}

static enum reject_reason get_seq(struct client_msg *m, json_t *obj)
{
	json_t *v = json_object_get(obj, "seq");
	json_int_t s;

	if (!v || !json_is_integer(v))
		return fail(m, REJECT_INVALID_FIELD, "\"seq\" must be a whole number");
	s = json_integer_value(v);
	if (s < 1 || (unsigned long long)s > PROTOCOL_SEQ_MAX)
		return fail(m, REJECT_OUT_OF_RANGE, "\"seq\" must be from 1 to 2^53-1");
	m->seq = (uint64_t)s;
	return REJECT_NONE;
}

/* A string field that may be null; copies it into @out (size @cap). */
static enum reject_reason get_opt_string(struct client_msg *m, json_t *obj, const char *key,
					 bool *has, char *out, size_t cap)
{
	json_t *v = json_object_get(obj, key);

	*has = false;
	if (!v || json_is_null(v))
		return REJECT_NONE;
	if (!json_is_string(v))
		return fail(m, REJECT_INVALID_FIELD, "\"%s\" must be a string or null", key);
	if (json_string_length(v) == 0 || json_string_length(v) >= cap)
		return fail(m, REJECT_OUT_OF_RANGE, "\"%s\" must be 1 to %zu characters", key, cap - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	*has = true;
	return REJECT_NONE;
}

static enum reject_reason decode_hello(struct client_msg *m, json_t *root)
{
	enum reject_reason r;

	r = get_opt_string(m, root, "token", &m->has_token, m->token, sizeof(m->token));
	if (r)
		return r;
	return get_opt_string(m, root, "zone", &m->has_zone, m->zone, sizeof(m->zone));
}

static enum reject_reason decode_input(struct client_msg *m, json_t *root)
{
	enum reject_reason r = get_seq(m, root);
	json_t *c = json_object_get(root, "control");
	int control;

	if (r)
		return r;
	if (!c || !json_is_string(c))
		return fail(m, REJECT_INVALID_FIELD, "\"control\" must be a string");
	control = control_from_name(json_string_value(c));
	if (control < 0 || control == CONTROL_VOTE)
		return fail(m, REJECT_INVALID_FIELD, "unknown control \"%.*s\"", utf8_fit(json_string_value(c), 32),
			    json_string_value(c));
	m->control = (enum control)control;
	switch (m->control) {
	case CONTROL_XY:
		r = get_unit(m, root, "x", &m->x);
		return r ? r : get_unit(m, root, "y", &m->y);
	case CONTROL_SLIDER:
		return get_unit(m, root, "value", &m->value);
	case CONTROL_SHAKE:
		return get_unit(m, root, "energy", &m->value);
	case CONTROL_TEXT: {
		json_t *t = json_object_get(root, "text");

		if (!t || !json_is_string(t))
			return fail(m, REJECT_INVALID_FIELD, "\"text\" must be a string");
		if (json_string_length(t) > CONFIG_TEXT_BYTES_MAX)
			return fail(m, REJECT_OUT_OF_RANGE, "the text is too long");
		/* A \u0000 inside would cut the text short unseen: refuse it outright. */
		if (strlen(json_string_value(t)) != json_string_length(t))
			return fail(m, REJECT_INVALID_FIELD, "the text holds a NUL character");
		memcpy(m->text, json_string_value(t), json_string_length(t) + 1);
		return REJECT_NONE;
	}
	default:
		return REJECT_NONE;
	}
}

static enum reject_reason decode_vote(struct client_msg *m, json_t *root)
{
	enum reject_reason r = get_seq(m, root);
	json_t *p = json_object_get(root, "poll");
	json_t *c = json_object_get(root, "choice");

	if (r)
		return r;
	if (!p || !json_is_string(p) || json_string_length(p) == 0)
		return fail(m, REJECT_INVALID_FIELD, "\"poll\" must be a poll id");
	if (json_string_length(p) > CONFIG_ID_MAX)
		return fail(m, REJECT_UNKNOWN_POLL, "no poll with that id");
	memcpy(m->poll, json_string_value(p), json_string_length(p) + 1);
	if (!c || !json_is_integer(c))
		return fail(m, REJECT_INVALID_FIELD, "\"choice\" must be a whole number");
	m->choice = json_integer_value(c);
	if (m->choice < 0 || m->choice >= CONFIG_POLL_OPTIONS_MAX)
		return fail(m, REJECT_OUT_OF_RANGE, "\"choice\" is not an option of this poll");
	return REJECT_NONE;
}

static enum reject_reason decode_ping(struct client_msg *m, json_t *root)
{
	json_t *t = json_object_get(root, "t0");

	if (!t || !json_is_number(t) || !isfinite(json_number_value(t)))
		return fail(m, REJECT_INVALID_FIELD, "\"t0\" must be a number");
	m->t0 = json_number_value(t);
	return REJECT_NONE;
}

/*
 * forget: a joined phone sends no field; a phone after the show, which has
 * not joined, names itself by its token.
 */
static enum reject_reason decode_forget(struct client_msg *m, json_t *root)
{
	return get_opt_string(m, root, "token", &m->has_token, m->token, sizeof(m->token));
}

/* recap: the token of the participant whose recap it asks for (the socket needs no hello). */
static enum reject_reason decode_recap(struct client_msg *m, json_t *root)
{
	enum reject_reason r = get_opt_string(m, root, "token", &m->has_token, m->token, sizeof(m->token));

	if (!r && !m->has_token)
		return fail(m, REJECT_INVALID_FIELD, "\"token\" must be the token from welcome");
	return r;
}

/* sync: nothing to read. */
static enum reject_reason decode_sync(struct client_msg *m, json_t *root)
{
	(void)m;
	(void)root;
	return REJECT_NONE;
}

/* visibility: whether the phone's page is hidden now. */
static enum reject_reason decode_visibility(struct client_msg *m, json_t *root)
{
	json_t *h = json_object_get(root, "hidden");

	if (!h || !json_is_boolean(h))
		return fail(m, REJECT_INVALID_FIELD, "\"hidden\" must be true or false");
	m->hidden = json_is_true(h);
	return REJECT_NONE;
}

enum reject_reason protocol_decode(const char *buf, size_t len, struct client_msg *msg)
{
	static const struct {
		const char *name;
		enum client_msg_type type;
		enum reject_reason (*decode)(struct client_msg *, json_t *);
	} types[] = {
		{ "hello", CLIENT_HELLO, decode_hello },
		{ "input", CLIENT_INPUT, decode_input },
		{ "vote", CLIENT_VOTE, decode_vote },
		{ "ping", CLIENT_PING, decode_ping },
		{ "forget", CLIENT_FORGET, decode_forget },
		{ "recap", CLIENT_RECAP, decode_recap },
		{ "sync", CLIENT_SYNC, decode_sync },
		{ "visibility", CLIENT_VISIBILITY, decode_visibility },
	};
	json_error_t jerr;
	json_t *root, *type;
	enum reject_reason r = REJECT_UNKNOWN_TYPE;

	memset(msg, 0, sizeof(*msg));
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(msg, REJECT_MALFORMED_JSON, "%.*s", utf8_fit(jerr.text, 80), jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(msg, REJECT_MALFORMED_JSON, "message must be a JSON object");
	}
	type = json_object_get(root, "type");
	if (!type || !json_is_string(type)) {
		r = fail(msg, REJECT_UNKNOWN_TYPE, "\"type\" is missing");
		goto out;
	}
	fail(msg, REJECT_UNKNOWN_TYPE, "unknown type \"%.*s\"", utf8_fit(json_string_value(type), 32),
	     json_string_value(type));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(json_string_value(type), types[i].name) == 0) {
			msg->type = types[i].type;
			msg->detail[0] = '\0';
			r = types[i].decode(msg, root);
			break;
		}
	}
out:
	json_decref(root);
	return r;
}

/* ---- encoding ---- */

size_t protocol_encode_pong(char *out, size_t cap, double t0, double t1_s, double t2_s)
{
	struct jw w = JW_INIT(out, cap);

	jw_fmt(&w, "{\"type\":\"pong\",\"t0\":%.17g,\"t1\":%.3f,\"t2\":%.3f}",
	       t0, t1_s * 1000.0, t2_s * 1000.0);
	return jw_done(&w);
}

size_t protocol_encode_text_status(char *out, size_t cap, uint64_t seq, bool approved)
{
	struct jw w = JW_INIT(out, cap);

	jw_fmt(&w, "{\"type\":\"text\",\"seq\":%llu,\"status\":\"%s\"}",
	       (unsigned long long)seq, approved ? "approved" : "rejected");
	return jw_done(&w);
}

size_t protocol_encode_forgotten(char *out, size_t cap)
{
	struct jw w = JW_INIT(out, cap);

	jw_fmt(&w, "{\"type\":\"forgotten\"}");
	return jw_done(&w);
}

size_t protocol_encode_error(char *out, size_t cap, enum reject_reason code,
			     const char *message, uint64_t seq, int retry_ms)
{
	struct jw w = JW_INIT(out, cap);

	jw_lit(&w, "{\"type\":\"error\",\"code\":");
	jw_str(&w, reject_reason_name(code));
	jw_lit(&w, ",\"message\":");
	jw_str(&w, message && *message ? message : reject_reason_message(code));
	if (seq)
		jw_fmt(&w, ",\"seq\":%llu", (unsigned long long)seq);
	if (retry_ms >= 0)
		jw_fmt(&w, ",\"retry_ms\":%d", retry_ms);
	jw_lit(&w, "}");
	return jw_done(&w);
}

size_t protocol_encode_welcome(char *out, size_t cap, const struct venue_config *cfg,
			       const struct welcome_info *wi)
{
	struct jw w = JW_INIT(out, cap);
	bool first = true;

	jw_lit(&w, "{\"type\":\"welcome\",\"protocol\":\"" PROTOCOL_NAME "\",\"id\":");
	jw_str(&w, wi->id);
	jw_lit(&w, ",\"token\":");
	jw_str(&w, wi->token);
	jw_fmt(&w, ",\"resumed\":%s,\"zone\":", wi->resumed ? "true" : "false");
	jw_str(&w, wi->zone_id);
	jw_fmt(&w, ",\"last_seq\":%llu,\"votes\":{", (unsigned long long)wi->last_seq);
	for (uint32_t i = 0; wi->votes && i < cfg->poll_count; i++) {
		if (wi->votes[i] < 0)
			continue;
		if (!first)
			jw_lit(&w, ",");
		first = false;
		jw_str(&w, cfg->polls[i].id);
		jw_fmt(&w, ":%d", wi->votes[i]);
	}
	jw_lit(&w, "},\"venue\":");
	jw_str(&w, cfg->name);
	jw_lit(&w, ",\"zones\":[");
	for (uint32_t z = 0; z < cfg->zone_count; z++) {
		jw_lit(&w, z ? ",{\"id\":" : "{\"id\":");
		jw_str(&w, cfg->zones[z].id);
		jw_lit(&w, ",\"name\":");
		jw_str(&w, cfg->zones[z].name);
		jw_lit(&w, "}");
	}
	jw_fmt(&w, "],\"limits\":{\"inputs_per_second\":%g,\"input_burst\":%g,"
	       "\"max_message_bytes\":%u,\"text_max_chars\":%u,\"text_interval_s\":%g},"
	       "\"broadcast_hz\":%g,\"rates\":{\"active_hz\":%g,\"calm_hz\":%g,\"hidden_hz\":%g,"
	       "\"active_s\":%g},\"t\":",
	       cfg->limits.inputs_per_second, cfg->limits.input_burst,
	       cfg->limits.max_message_bytes, cfg->moderation.text_max_chars,
	       cfg->moderation.text_interval_s, cfg->broadcast_hz, cfg->broadcast_hz, cfg->calm_hz,
	       cfg->hidden_hz, cfg->active_window_s);
	jw_ms(&w, wi->t_s);
	jw_lit(&w, "}");
	return jw_done(&w);
}
