/*
 * config.c - venue configuration: parse the JSON file, validate every key,
 * collect every problem with its JSON pointer, and build the immutable
 * struct venue_config. See config.h and docs/config.md.
 *
 * Thread: whichever thread loads the config (main at start-up, the net
 * thread on a console "reload config"). Nothing here keeps global state.
 *
 * Layout: small typed getters ("a number in range at this key", "a string",
 * "an id", "check the keys of this object") report their own errors and
 * leave the caller's default in place when a value is absent or wrong, so
 * each section parser is a short list of calls and a new section (audio,
 * visuals, safety, ...) is one more parse_x() function and one more key in
 * top_keys[].
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PTR_MAX		sizeof(((struct config_error *)0)->pointer)
#define FILE_MAX_BYTES	(4u << 20)

struct parse {
	struct config_errors *errors;
	const char *path;		/* relative paths in the config resolve against its folder */
	struct venue_config *cfg;
	bool failed;			/* an error was found (or could not even be recorded) */
};

/* What a getter found: nothing (the default stays), a valid value, or a reported error. */
enum got {
	GOT_NONE = 0,
	GOT_OK,
	GOT_BAD,
};

static const char *const control_names[CONTROL_COUNT] = {
	[CONTROL_TAP] = "tap",
	[CONTROL_XY] = "xy",
	[CONTROL_SLIDER] = "slider",
	[CONTROL_SHAKE] = "shake",
	[CONTROL_VOTE] = "vote",
	[CONTROL_TEXT] = "text",
};

static const char *const scene_names[SCENE_COUNT] = {
	[SCENE_JOIN] = "join",
	[SCENE_CROWD_FIELD] = "crowd-field",
	[SCENE_POLL] = "poll",
	[SCENE_CROWD_MAP] = "crowd-map",
	[SCENE_AUDIO] = "audio",
	[SCENE_TITLE] = "title",
	[SCENE_WALL] = "wall",
};

/* Known keys per object. "comment" is allowed everywhere and is not listed. */
static const char *const top_keys[] = {
	"name", "capacity", "listen", "public_url", "tls", "timing", "limits", "zones", "cues",
	"audio", "safety", "osc", "console", "moderation", NULL
};
static const char *const moderation_keys[] = {
	"banned_words", "banned_words_file", "text_max_chars", "text_interval_s", "queue_max",
	"wall_size", NULL
};
static const char *const osc_keys[] = { "targets", "input", NULL };
static const char *const console_keys[] = {
	"operator_password_hash", "artist_password_hash", "secrets_file", "session_ttl_s", NULL
};
static const char *const secrets_keys[] = { "operator", "artist", NULL };
static const char *const osc_input_keys[] = { "port", "allow_from", NULL };
static const char *const osc_target_keys[] = { "id", "host", "port", NULL };
static const char *const osc_send_keys[] = {
	"target", "address", "source", "from", "to", "rate_hz", NULL
};
static const char *const listen_keys[] = { "address", "port", NULL };
static const char *const tls_keys[] = { "cert", "key", NULL };
static const char *const timing_keys[] = {
	"tick_hz", "broadcast_hz", "active_window_s", "resume_window_s", NULL
};
static const char *const limits_keys[] = {
	"inputs_per_second", "input_burst", "throttle_close_s", "max_message_bytes",
	"max_connections_per_address", "max_connections", "allowed_origins", NULL
};
static const char *const zone_keys[] = { "id", "name", "capacity", NULL };
static const char *const cue_keys[] = {
	"id", "title", "prompt", "scene", "controls", "poll", "advance_after_s", "advance_to",
	"audio", "osc", NULL
};
static const char *const poll_keys[] = {
	"id", "question", "options", "open_with_cue", "duration_s", NULL
};
static const char *const audio_keys[] = {
	"host_api", "device", "fallback_device", "sample_rate", "frames_per_buffer",
	"input_channels", "output_channels", NULL
};
static const char *const safety_keys[] = {
	"ceiling_dbfs", "max_gain_rate_db_s", "min_playback_rate", "max_playback_rate",
	"max_flashes_per_s", "max_red_flashes_per_s", NULL
};
static const char *const cue_audio_keys[] = {
	"stems", "samples", "mappings", "crossfade_s", "master_gain_db", "filter_cutoff_hz",
	"filter_resonance", "delay_time_s", "delay_feedback", "delay_mix", "playback_rate", NULL
};
static const char *const stem_keys[] = { "id", "file", "gain_db", "choice", NULL };
static const char *const sample_keys[] = { "id", "file", "gain_db", "trigger", "cooldown_s", NULL };
static const char *const trigger_keys[] = { "on", "source", "above", "zone", NULL };
static const char *const mapping_keys[] = {
	"source", "target", "from", "to", "curve", "smoothing_s", "crowd", NULL
};

/* Names in JSON; "poll_share", "zone_activity", "zone_taps" take ":N" or ":ZONE". */
static const char *const source_names[SOURCE_COUNT + 1] = {
	[SOURCE_TAPS_PER_S] = "taps_per_s",
	[SOURCE_TEMPO_BPM] = "tempo_bpm",
	[SOURCE_ACTIVE_SHARE] = "active_share",
	[SOURCE_SHAKE_ENERGY] = "shake_energy",
	[SOURCE_X_MEDIAN] = "x_median",
	[SOURCE_Y_MEDIAN] = "y_median",
	[SOURCE_SLIDER_MEDIAN] = "slider_median",
	[SOURCE_X_MEAN] = "x_mean",
	[SOURCE_Y_MEAN] = "y_mean",
	[SOURCE_SLIDER_MEAN] = "slider_mean",
	[SOURCE_POLL_SHARE] = "poll_share",
	[SOURCE_POLL_LEADER] = "poll_leader",
	[SOURCE_ZONE_ACTIVITY] = "zone_activity",
	[SOURCE_ZONE_TAPS] = "zone_taps",
	[SOURCE_INPUT_LEVEL] = "input_level",
};
static const char *const target_names[TARGET_COUNT + 1] = {
	[TARGET_MASTER_GAIN] = "master_gain",
	[TARGET_STEM_GAIN] = "stem_gain",
	[TARGET_FILTER_CUTOFF] = "filter_cutoff",
	[TARGET_FILTER_RESONANCE] = "filter_resonance",
	[TARGET_DELAY_MIX] = "delay_mix",
	[TARGET_DELAY_FEEDBACK] = "delay_feedback",
	[TARGET_DELAY_TIME] = "delay_time",
	[TARGET_PLAYBACK_RATE] = "playback_rate",
};
static const char *const curve_names[CURVE_COUNT + 1] = {
	[CURVE_LINEAR] = "linear", [CURVE_EXP] = "exp", [CURVE_SMOOTH] = "smooth",
};

/* ---- errors ---------------------------------------------------------- */

static void errors_push(struct parse *p, const char *ptr, int line, int column,
			const char *fmt, va_list ap)
{
	struct config_errors *errs = p->errors;
	struct config_error *e;

	p->failed = true;
	if (errs->count == errs->capacity) {
		size_t cap = errs->capacity ? errs->capacity * 2 : 8;
		struct config_error *items = realloc(errs->items, cap * sizeof(*items));

		if (!items)
			return;
		errs->items = items;
		errs->capacity = cap;
	}
	e = &errs->items[errs->count++];
	snprintf(e->pointer, sizeof(e->pointer), "%s", ptr);
	e->line = line;
	e->column = column;
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
}

__attribute__((format(printf, 3, 4)))
static void config_fail(struct parse *p, const char *ptr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_push(p, ptr, 0, 0, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 5)))
static void config_fail_at(struct parse *p, int line, int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_push(p, "", line, column, fmt, ap);
	va_end(ap);
}

/* ---- JSON pointers ----------------------------------------------------- */

/* @out (PTR_MAX bytes) = @parent + "/" + @key, with "~" as "~0" and "/" as "~1". */
static void ptr_key(char *out, const char *parent, const char *key)
{
	size_t n = (size_t)snprintf(out, PTR_MAX, "%s/", parent);

	for (; *key && n + 3 < PTR_MAX; key++) {
		if (*key == '~' || *key == '/') {
			out[n++] = '~';
			out[n++] = *key == '~' ? '0' : '1';
		} else {
			out[n++] = *key;
		}
	}
	if (n >= PTR_MAX)
		n = PTR_MAX - 1;
	out[n] = '\0';
}

static void ptr_index(char *out, const char *parent, size_t i)
{
	/* A pointer deeper than PTR_MAX is cut short; it still names where. */
	if (snprintf(out, PTR_MAX, "%s/%zu", parent, i) >= (int)PTR_MAX)
		out[PTR_MAX - 1] = '\0';
}

/* ---- did you mean ------------------------------------------------------ */

#define SUGGEST_MAX 64		/* longer words get no suggestion */

/* Edit distance with adjacent transpositions (optimal string alignment). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_MAX + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/*
 * The candidate @word was most likely meant as, or NULL. A candidate within
 * edit distance 2 (ignoring case) counts, as does a clear best match: the one
 * candidate that @word is a prefix of, or the single closest one within a
 * third of its length.
 */
static const char *did_you_mean(const char *word, const char *const *cands, size_t n)
{
	char low[SUGGEST_MAX + 1];
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = SIZE_MAX, prefix_count = 0;
	bool tie = false;
	size_t len = strlen(word);

	if (len == 0 || len > SUGGEST_MAX)
		return NULL;
	for (size_t i = 0; i <= len; i++)
		low[i] = (char)tolower((unsigned char)word[i]);
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(low, cands[i]);

		if (d < best_d) {
			best_d = d;
			best = cands[i];
			tie = false;
		} else if (d == best_d) {
			tie = true;
		}
		if (len >= 3 && strncmp(cands[i], low, len) == 0) {
			prefixed = cands[i];
			prefix_count++;
		}
	}
	if (!best)
		return NULL;
	if (best_d <= 2 && best_d < len && best_d < strlen(best))
		return best;
	if (prefix_count == 1)
		return prefixed;
	if (!tie && best_d <= strlen(best) / 3)
		return best;
	return NULL;
}

static size_t list_count(const char *const *list)
{
	size_t n = 0;

	while (list[n])
		n++;
	return n;
}

/* ---- typed getters ----------------------------------------------------- */

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

/* Reports every key of @obj (at @ptr) that is not "comment" or in @known. */
static void check_keys(struct parse *p, json_t *obj, const char *ptr, const char *const *known)
{
	const char *key;
	json_t *v;
	char kptr[PTR_MAX];

	json_object_foreach(obj, key, v) {
		bool ok = false;

		ptr_key(kptr, ptr, key);
		if (strcmp(key, "comment") == 0) {
			if (!json_is_string(v))
				config_fail(p, kptr, "expected a string, got %s", type_name(v));
			continue;
		}
		for (size_t i = 0; known[i] && !ok; i++)
			ok = strcmp(key, known[i]) == 0;
		if (!ok) {
			const char *hint = did_you_mean(key, known, list_count(known));

			if (hint)
				config_fail(p, kptr, "unknown key; did you mean \"%s\"?", hint);
			else
				config_fail(p, kptr, "unknown key");
		}
	}
}

/*
 * The value at @key of @obj, with its pointer in @kptr. NULL when absent
 * (reported if @required) or when not of @type (reported; @type
 * JSON_INTEGER accepts any number, the caller checks it).
 */
static json_t *get_value(struct parse *p, json_t *obj, const char *ptr, const char *key,
			 bool required, json_type type, char *kptr)
{
	json_t *v = json_object_get(obj, key);
	bool ok;

	ptr_key(kptr, ptr, key);
	if (!v) {
		if (required)
			config_fail(p, kptr, "missing required key");
		return NULL;
	}
	switch (type) {
	case JSON_INTEGER:
	case JSON_REAL:
		ok = json_is_number(v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		ok = json_is_boolean(v);
		break;
	default:
		ok = json_typeof(v) == type;
	}
	if (!ok) {
		static const char *const want[] = {
			[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
			[JSON_STRING] = "a string", [JSON_INTEGER] = "a whole number",
			[JSON_REAL] = "a number", [JSON_TRUE] = "a boolean",
			[JSON_FALSE] = "a boolean", [JSON_NULL] = "null",
		};

		config_fail(p, kptr, "expected %s, got %s", want[type], type_name(v));
		return NULL;
	}
	return v;
}

static json_t *get_object(struct parse *p, json_t *obj, const char *ptr, const char *key,
			  bool required, const char *const *known, char *kptr)
{
	json_t *v = get_value(p, obj, ptr, key, required, JSON_OBJECT, kptr);

	if (v)
		check_keys(p, v, kptr, known);
	return v;
}

/* An array of @min..@max items (@what names them in the message). */
static json_t *get_array(struct parse *p, json_t *obj, const char *ptr, const char *key,
			 bool required, size_t min, size_t max, const char *what, char *kptr)
{
	json_t *v = get_value(p, obj, ptr, key, required, JSON_ARRAY, kptr);
	size_t n;

	if (!v)
		return NULL;
	n = json_array_size(v);
	if (n >= min && n <= max)
		return v;
	if (min == 0)
		config_fail(p, kptr, "at most %zu %s, got %zu", max, what, n);
	else
		config_fail(p, kptr, "need %zu to %zu %s, got %zu", min, max, what, n);
	return NULL;
}

static enum got check_number(struct parse *p, json_t *v, const char *kptr, bool whole,
			     double min, double max, double *out)
{
	double x = json_number_value(v);

	if (whole && json_is_real(v) && x != floor(x)) {
		config_fail(p, kptr, "expected a whole number, got %.15g", x);
		return GOT_BAD;
	}
	if (!(x >= min && x <= max)) {
		config_fail(p, kptr, "must be between %.15g and %.15g, got %.15g", min, max, x);
		return GOT_BAD;
	}
	*out = x;
	return GOT_OK;
}

/* A number in @min..@max into @out; @out keeps its default unless GOT_OK. */
static enum got get_number(struct parse *p, json_t *obj, const char *ptr, const char *key,
			   bool required, double min, double max, double *out)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, obj, ptr, key, required, JSON_REAL, kptr);

	if (!v)
		return json_object_get(obj, key) ? GOT_BAD : GOT_NONE;
	return check_number(p, v, kptr, false, min, max, out);
}

/* A whole number in @min..@max into @out; @out keeps its default unless GOT_OK. */
static enum got get_whole(struct parse *p, json_t *obj, const char *ptr, const char *key,
			  bool required, uint32_t min, uint32_t max, uint32_t *out)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, obj, ptr, key, required, JSON_INTEGER, kptr);
	enum got got;
	double x;

	if (!v)
		return json_object_get(obj, key) ? GOT_BAD : GOT_NONE;
	got = check_number(p, v, kptr, true, min, max, &x);
	if (got == GOT_OK)
		*out = (uint32_t)x;
	return got;
}

static enum got get_bool(struct parse *p, json_t *obj, const char *ptr, const char *key,
			 bool *out)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, obj, ptr, key, false, JSON_TRUE, kptr);

	if (!v)
		return json_object_get(obj, key) ? GOT_BAD : GOT_NONE;
	*out = json_is_true(v);
	return GOT_OK;
}

/* Checks a string value's length (bytes) is @min..@max; copies it to @out (@max + 1 bytes). */
static enum got check_text(struct parse *p, json_t *v, const char *kptr, size_t min,
			   size_t max, char *out)
{
	size_t n = json_string_length(v);

	if (n < min) {
		config_fail(p, kptr, "must not be empty");
		return GOT_BAD;
	}
	if (n > max) {
		config_fail(p, kptr, "too long: at most %zu bytes, got %zu", max, n);
		return GOT_BAD;
	}
	memcpy(out, json_string_value(v), n + 1);
	return GOT_OK;
}

static enum got get_string(struct parse *p, json_t *obj, const char *ptr, const char *key,
			   bool required, size_t min, size_t max, char *out)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, obj, ptr, key, required, JSON_STRING, kptr);

	if (!v)
		return json_object_get(obj, key) ? GOT_BAD : GOT_NONE;
	return check_text(p, v, kptr, min, max, out);
}

static bool id_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > CONFIG_ID_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

/* An id ([a-z0-9_-]{1,32}) into @out (CONFIG_ID_MAX + 1 bytes). */
static enum got get_id(struct parse *p, json_t *obj, const char *ptr, const char *key,
		       bool required, char *out)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, obj, ptr, key, required, JSON_STRING, kptr);
	const char *s;

	if (!v)
		return json_object_get(obj, key) ? GOT_BAD : GOT_NONE;
	s = json_string_value(v);
	if (!id_is_valid(s) || strlen(s) != json_string_length(v)) {
		config_fail(p, kptr, "must be 1 to %d of a-z, 0-9, _ and -, got \"%.40s\"",
			    CONFIG_ID_MAX, s);
		return GOT_BAD;
	}
	memcpy(out, s, strlen(s) + 1);
	return GOT_OK;
}

/*
 * Resolves @file against the config's folder into @out and checks that it
 * can be read. A bad file is reported at @kptr.
 */
static enum got check_readable_file(struct parse *p, const char *file, const char *kptr,
				    char *out, size_t size)
{
	const char *slash = strrchr(p->path, '/');
	struct stat st;
	int n, fd;

	if (file[0] == '/' || !slash)
		n = snprintf(out, size, "%s", file);
	else
		n = snprintf(out, size, "%.*s/%s", (int)(slash - p->path), p->path, file);
	if (n < 0 || (size_t)n >= size) {
		config_fail(p, kptr, "path too long: at most %zu bytes", size - 1);
		out[0] = '\0';
		return GOT_BAD;
	}
	fd = open(out, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		config_fail(p, kptr, "cannot read \"%s\": %s", out, strerror(errno));
		out[0] = '\0';
		return GOT_BAD;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		config_fail(p, kptr, "cannot read \"%s\": %s", out, strerror(EISDIR));
		out[0] = '\0';
		return GOT_BAD;
	}
	close(fd);
	return GOT_OK;
}

/* ---- sections ---------------------------------------------------------- */

static void parse_listen(struct parse *p, json_t *root)
{
	struct venue_config *cfg = p->cfg;
	char ptr[PTR_MAX], aptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "listen", false, listen_keys, ptr);
	uint32_t port = cfg->port;
	unsigned char addr[sizeof(struct in6_addr)];

	if (!o)
		return;
	if (get_string(p, o, ptr, "address", false, 1, sizeof(cfg->listen_address) - 1,
		       cfg->listen_address) == GOT_OK &&
	    inet_pton(AF_INET, cfg->listen_address, addr) != 1 &&
	    inet_pton(AF_INET6, cfg->listen_address, addr) != 1) {
		ptr_key(aptr, ptr, "address");
		config_fail(p, aptr, "not an IPv4 or IPv6 address: \"%s\"", cfg->listen_address);
	}
	if (get_whole(p, o, ptr, "port", false, 0, 65535, &port) == GOT_OK)
		cfg->port = (uint16_t)port;
}

static void parse_public_url(struct parse *p, json_t *root)
{
	struct venue_config *cfg = p->cfg;

	if (get_string(p, root, "", "public_url", false, 0, sizeof(cfg->public_url) - 1,
		       cfg->public_url) != GOT_OK || !cfg->public_url[0])
		return;
	if (strncmp(cfg->public_url, "http://", 7) != 0 &&
	    strncmp(cfg->public_url, "https://", 8) != 0) {
		config_fail(p, "/public_url", "must start with http:// or https://, got \"%.100s\"",
			    cfg->public_url);
		cfg->public_url[0] = '\0';
	}
}

static void parse_tls_file(struct parse *p, json_t *o, const char *ptr, const char *key,
			   char *out, size_t size)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, o, ptr, key, true, JSON_STRING, kptr);

	if (v && check_text(p, v, kptr, 1, size - 1, out) == GOT_OK)
		check_readable_file(p, json_string_value(v), kptr, out, size);
}

static void parse_tls(struct parse *p, json_t *root)
{
	struct venue_config *cfg = p->cfg;
	char ptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "tls", false, tls_keys, ptr);

	if (!o)
		return;
	parse_tls_file(p, o, ptr, "cert", cfg->tls_cert, sizeof(cfg->tls_cert));
	parse_tls_file(p, o, ptr, "key", cfg->tls_key, sizeof(cfg->tls_key));
}

static void parse_timing(struct parse *p, json_t *root)
{
	struct venue_config *cfg = p->cfg;
	char ptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "timing", false, timing_keys, ptr);
	enum got tick, bcast;

	if (!o)
		return;
	tick = get_number(p, o, ptr, "tick_hz", false, 10, 240, &cfg->tick_hz);
	bcast = get_number(p, o, ptr, "broadcast_hz", false, 1, 60, &cfg->broadcast_hz);
	/* Not below the 2 s a tap tempo or shake lasts, or "active" would undercount them. */
	get_number(p, o, ptr, "active_window_s", false, 2, 60, &cfg->active_window_s);
	get_number(p, o, ptr, "resume_window_s", false, 0, 86400, &cfg->resume_window_s);
	/* Only compare values that are themselves valid (or defaults). */
	if (tick != GOT_BAD && bcast != GOT_BAD && cfg->broadcast_hz > cfg->tick_hz)
		config_fail(p, "/timing/broadcast_hz",
			    "must not be more than tick_hz (%.15g), got %.15g", cfg->tick_hz,
			    cfg->broadcast_hz);
}

/*
 * Whether @s is an exact origin "scheme://host[:port]". On a near miss that
 * has an obvious fix, writes the fix to @fix (else leaves it "").
 */
static bool origin_is_valid(const char *s, char *fix, size_t fix_size)
{
	const char *host, *end, *colon;
	size_t n = strlen(s);

	fix[0] = '\0';
	if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return false;
	if (n > 0 && s[n - 1] == '/') {
		char trimmed[CONFIG_ORIGIN_MAX + 1];

		snprintf(trimmed, sizeof(trimmed), "%.*s", (int)(n - 1), s);
		if (strchr(trimmed + (host - s), '/') == NULL &&
		    origin_is_valid(trimmed, fix, fix_size))
			snprintf(fix, fix_size, "%s", trimmed);
		return false;
	}
	end = host + strlen(host);
	if (*host == '[') {		/* [IPv6] */
		const char *close = strchr(host, ']');

		if (!close || close == host + 1)
			return false;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (!colon && close[1])
			return false;
		for (const char *c = host + 1; c < close; c++)
			if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
				return false;
	} else {
		colon = strchr(host, ':');
		for (const char *c = host; c < (colon ? colon : end); c++)
			if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
			    *c != '-' && *c != '.')
				return false;
		if ((colon ? colon : end) == host)
			return false;
	}
	if (colon) {
		long port = 0;

		if (!colon[1] || colon + 6 < end)
			return false;
		for (const char *c = colon + 1; *c; c++) {
			if (!isdigit((unsigned char)*c))
				return false;
			port = port * 10 + (*c - '0');
		}
		if (port < 1 || port > 65535)
			return false;
	}
	return true;
}

static void parse_origins(struct parse *p, json_t *o, const char *ptr)
{
	struct config_limits *lim = &p->cfg->limits;
	char aptr[PTR_MAX], iptr[PTR_MAX], fix[CONFIG_ORIGIN_MAX + 1];
	json_t *a = get_array(p, o, ptr, "allowed_origins", false, 0, CONFIG_MAX_ORIGINS,
			      "origins", aptr);
	json_t *v;
	size_t i;

	if (!a)
		return;
	json_array_foreach(a, i, v) {
		char *slot = lim->allowed_origins[lim->allowed_origin_count];

		ptr_index(iptr, aptr, i);
		if (!json_is_string(v)) {
			config_fail(p, iptr, "expected a string, got %s", type_name(v));
			continue;
		}
		if (check_text(p, v, iptr, 1, CONFIG_ORIGIN_MAX, slot) != GOT_OK)
			continue;
		if (!origin_is_valid(slot, fix, sizeof(fix))) {
			char low[CONFIG_ORIGIN_MAX + 1], unused[CONFIG_ORIGIN_MAX + 1];
			size_t k;

			for (k = 0; slot[k]; k++)
				low[k] = (char)tolower((unsigned char)slot[k]);
			low[k] = '\0';
			if (!fix[0] && origin_is_valid(low, unused, sizeof(unused)))
				config_fail(p, iptr, "an origin is in lower case; did you mean \"%s\"?",
					    low);
			else if (fix[0])
				config_fail(p, iptr, "an origin has no trailing slash; did you mean \"%s\"?",
					    fix);
			else
				config_fail(p, iptr,
					    "expected an origin \"http(s)://host[:port]\" in lower case with no path, got \"%.128s\"",
					    slot);
			continue;
		}
		lim->allowed_origin_count++;
	}
}

static void parse_limits(struct parse *p, json_t *root, bool capacity_ok)
{
	struct venue_config *cfg = p->cfg;
	struct config_limits *lim = &cfg->limits;
	char ptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "limits", false, limits_keys, ptr);
	bool burst_set;

	if (!o)
		return;
	get_number(p, o, ptr, "inputs_per_second", false, 1, 100, &lim->inputs_per_second);
	burst_set = get_number(p, o, ptr, "input_burst", false, 1, 1000,
			       &lim->input_burst) == GOT_OK;
	if (!burst_set)
		lim->input_burst = 2 * lim->inputs_per_second;
	get_number(p, o, ptr, "throttle_close_s", false, 1, 600, &lim->throttle_close_s);
	get_whole(p, o, ptr, "max_message_bytes", false, 128, 65536, &lim->max_message_bytes);
	get_whole(p, o, ptr, "max_connections_per_address", false, 1, CONFIG_MAX_CONNECTIONS,
		  &lim->max_connections_per_address);
	if (get_whole(p, o, ptr, "max_connections", false, 1, CONFIG_MAX_CONNECTIONS,
		      &lim->max_connections) == GOT_OK &&
	    capacity_ok && lim->max_connections < cfg->capacity)
		config_fail(p, "/limits/max_connections",
			    "must be at least the venue capacity (%u), got %u", cfg->capacity,
			    lim->max_connections);
	parse_origins(p, o, ptr);
}

static void parse_zones(struct parse *p, json_t *root, bool capacity_ok)
{
	struct venue_config *cfg = p->cfg;
	char aptr[PTR_MAX], zptr[PTR_MAX], kptr[PTR_MAX];
	json_t *a = get_array(p, root, "", "zones", false, 1, CONFIG_MAX_ZONES, "zones", aptr);
	json_t *z;
	size_t i;

	if (!a) {
		if (!json_object_get(root, "zones")) {
			snprintf(cfg->zones[0].id, sizeof(cfg->zones[0].id), "all");
			memcpy(cfg->zones[0].name, cfg->name, sizeof(cfg->name));
			cfg->zones[0].capacity = cfg->capacity;
			cfg->zone_count = 1;
		}
		return;
	}
	json_array_foreach(a, i, z) {
		struct config_zone *zone = &cfg->zones[i];

		ptr_index(zptr, aptr, i);
		if (!json_is_object(z)) {
			config_fail(p, zptr, "expected an object, got %s", type_name(z));
			continue;
		}
		check_keys(p, z, zptr, zone_keys);
		if (get_id(p, z, zptr, "id", true, zone->id) == GOT_OK) {
			for (size_t j = 0; j < i; j++) {
				if (strcmp(cfg->zones[j].id, zone->id) == 0) {
					ptr_key(kptr, zptr, "id");
					config_fail(p, kptr, "duplicate zone id \"%s\" (also /zones/%zu)",
						    zone->id, j);
					break;
				}
			}
		}
		if (get_string(p, z, zptr, "name", false, 1, CONFIG_TEXT_MAX, zone->name) != GOT_OK)
			memcpy(zone->name, zone->id, sizeof(zone->id));
		if (get_whole(p, z, zptr, "capacity", true, 1, CONFIG_MAX_CONNECTIONS,
			      &zone->capacity) == GOT_OK &&
		    capacity_ok && zone->capacity > cfg->capacity) {
			ptr_key(kptr, zptr, "capacity");
			config_fail(p, kptr, "must not be more than the venue capacity (%u), got %u",
				    cfg->capacity, zone->capacity);
		}
	}
	cfg->zone_count = (uint32_t)json_array_size(a);
}

/* Options of a poll: 2..8 non-empty strings, no two the same. */
static void parse_poll_options(struct parse *p, json_t *o, const char *ptr,
			       struct config_poll *poll)
{
	char aptr[PTR_MAX], iptr[PTR_MAX];
	json_t *a = get_array(p, o, ptr, "options", true, CONFIG_POLL_OPTIONS_MIN,
			      CONFIG_POLL_OPTIONS_MAX, "options", aptr);
	json_t *v;
	size_t i;

	if (!a)
		return;
	json_array_foreach(a, i, v) {
		ptr_index(iptr, aptr, i);
		if (!json_is_string(v)) {
			config_fail(p, iptr, "expected a string, got %s", type_name(v));
			continue;
		}
		if (check_text(p, v, iptr, 1, CONFIG_TEXT_MAX, poll->options[i]) != GOT_OK)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(poll->options[j], poll->options[i]) == 0) {
				config_fail(p, iptr, "duplicate option \"%.80s\" (also %s/%zu)",
					    poll->options[i], aptr, j);
				break;
			}
		}
	}
	poll->option_count = (uint32_t)json_array_size(a);
}

/* The poll of the cue at @cptr, if any: added to cfg->polls and returned, else NULL. */
static struct config_poll *parse_poll(struct parse *p, json_t *cue, const char *cptr)
{
	struct venue_config *cfg = p->cfg;
	char ptr[PTR_MAX], kptr[PTR_MAX];
	json_t *o = get_object(p, cue, cptr, "poll", false, poll_keys, ptr);
	struct config_poll *poll;

	if (!o)
		return NULL;
	if (cfg->poll_count == CONFIG_MAX_POLLS) {
		config_fail(p, ptr, "too many polls: at most %d across all cues", CONFIG_MAX_POLLS);
		return NULL;
	}
	poll = &cfg->polls[cfg->poll_count];
	poll->index = cfg->poll_count++;
	poll->open_with_cue = true;
	if (get_id(p, o, ptr, "id", true, poll->id) == GOT_OK) {
		for (uint32_t j = 0; j < poll->index; j++) {
			if (strcmp(cfg->polls[j].id, poll->id) == 0) {
				ptr_key(kptr, ptr, "id");
				config_fail(p, kptr, "duplicate poll id \"%s\" (also in another cue)",
					    poll->id);
				break;
			}
		}
	}
	get_string(p, o, ptr, "question", true, 1, CONFIG_TEXT_MAX, poll->question);
	parse_poll_options(p, o, ptr, poll);
	get_bool(p, o, ptr, "open_with_cue", &poll->open_with_cue);
	get_number(p, o, ptr, "duration_s", false, 0, 3600, &poll->duration_s);
	return poll;
}

/* Returns false when some entry was not a known control. */
static bool parse_controls(struct parse *p, json_t *cue, const char *cptr,
			   struct config_cue *c)
{
	char aptr[PTR_MAX], iptr[PTR_MAX];
	json_t *a = get_array(p, cue, cptr, "controls", false, 0, CONTROL_COUNT * 4, "controls",
			      aptr);
	json_t *v;
	size_t i;
	bool known = true;

	if (!a)
		return !json_object_get(cue, "controls");
	json_array_foreach(a, i, v) {
		const char *name, *hint;
		int ctl;

		ptr_index(iptr, aptr, i);
		if (!json_is_string(v)) {
			config_fail(p, iptr, "expected a string, got %s", type_name(v));
			known = false;
			continue;
		}
		name = json_string_value(v);
		ctl = control_from_name(name);
		if (ctl < 0) {
			known = false;
			hint = did_you_mean(name, control_names, CONTROL_COUNT);
			if (hint)
				config_fail(p, iptr, "unknown control \"%.40s\"; did you mean \"%s\"?",
					    name, hint);
			else
				config_fail(p, iptr,
					    "unknown control \"%.40s\"; expected tap, xy, slider, shake, vote or text",
					    name);
		} else if (c->controls & (1u << ctl)) {
			config_fail(p, iptr, "duplicate control \"%s\"", name);
		} else {
			c->controls |= 1u << ctl;
		}
	}
	return known;
}

static void parse_scene(struct parse *p, json_t *cue, const char *cptr, struct config_cue *c)
{
	char kptr[PTR_MAX];
	json_t *v = get_value(p, cue, cptr, "scene", true, JSON_STRING, kptr);
	const char *name, *hint;
	int scene;

	if (!v)
		return;
	name = json_string_value(v);
	scene = scene_from_name(name);
	if (scene >= 0) {
		c->scene = (enum scene)scene;
		return;
	}
	hint = did_you_mean(name, scene_names, SCENE_COUNT);
	if (hint)
		config_fail(p, kptr, "unknown scene \"%.40s\"; did you mean \"%s\"?", name, hint);
	else
		config_fail(p, kptr,
			    "unknown scene \"%.40s\"; expected join, crowd-field, poll, crowd-map, audio, title or wall",
			    name);
}

static void parse_cue_audio(struct parse *p, json_t *cue, const char *cptr, struct config_cue *c);
static void parse_cue_osc(struct parse *p, json_t *cue, const char *cptr, struct config_cue *c);
static void parse_osc(struct parse *p, json_t *root);
static void parse_console(struct parse *p, json_t *root);

/*
 * One cue, except advance_to, which needs every cue id and is resolved by
 * resolve_advance(). Returns false when the cue's id is unusable.
 */
static bool parse_cue(struct parse *p, json_t *cue, const char *cptr, size_t i)
{
	struct venue_config *cfg = p->cfg;
	struct config_cue *c = &cfg->cues[i];
	struct config_poll *poll;
	char kptr[PTR_MAX];
	bool id_ok, controls_known;

	check_keys(p, cue, cptr, cue_keys);
	id_ok = get_id(p, cue, cptr, "id", true, c->id) == GOT_OK;
	for (size_t j = 0; id_ok && j < i; j++) {
		if (strcmp(cfg->cues[j].id, c->id) == 0) {
			ptr_key(kptr, cptr, "id");
			config_fail(p, kptr, "duplicate cue id \"%s\" (also /cues/%zu)", c->id, j);
			id_ok = false;
		}
	}
	if (get_string(p, cue, cptr, "title", false, 1, CONFIG_TEXT_MAX, c->title) != GOT_OK)
		memcpy(c->title, c->id, sizeof(c->id));
	get_string(p, cue, cptr, "prompt", false, 0, CONFIG_TEXT_MAX, c->prompt);
	parse_scene(p, cue, cptr, c);
	controls_known = parse_controls(p, cue, cptr, c);
	poll = parse_poll(p, cue, cptr);
	c->poll = poll;
	if ((c->controls & (1u << CONTROL_VOTE)) && !json_object_get(cue, "poll")) {
		ptr_key(kptr, cptr, "controls");
		config_fail(p, kptr, "\"vote\" needs a \"poll\"");
	}
	/* With an unknown control in the list, "vote" may be the typo: said once already. */
	if (poll && controls_known && !(c->controls & (1u << CONTROL_VOTE))) {
		ptr_key(kptr, cptr, "poll");
		config_fail(p, kptr, "a poll needs \"vote\" in \"controls\"");
	}
	get_number(p, cue, cptr, "advance_after_s", false, 0, 86400, &c->advance_after_s);
	parse_cue_audio(p, cue, cptr, c);
	parse_cue_osc(p, cue, cptr, c);
	return id_ok;
}


/* ---- stage audio ------------------------------------------------------- */

static void parse_audio(struct parse *p, json_t *root)
{
	struct config_audio *a = &p->cfg->audio;
	char ptr[PTR_MAX], kptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "audio", false, audio_keys, ptr);
	uint32_t rate = a->sample_rate;

	if (!o)
		return;
	get_string(p, o, ptr, "host_api", false, 0, sizeof(a->host_api) - 1, a->host_api);
	get_string(p, o, ptr, "device", false, 1, sizeof(a->device) - 1, a->device);
	get_string(p, o, ptr, "fallback_device", false, 0, sizeof(a->fallback_device) - 1,
		   a->fallback_device);
	if (get_whole(p, o, ptr, "sample_rate", false, 8000, 192000, &rate) == GOT_OK) {
		if (rate == 44100 || rate == 48000 || rate == 96000) {
			a->sample_rate = rate;
		} else {
			ptr_key(kptr, ptr, "sample_rate");
			config_fail(p, kptr, "must be 44100, 48000 or 96000, got %u", rate);
		}
	}
	get_whole(p, o, ptr, "frames_per_buffer", false, 64, 1024, &a->frames_per_buffer);
	get_whole(p, o, ptr, "input_channels", false, 0, 2, &a->input_channels);
	get_whole(p, o, ptr, "output_channels", false, 1, 2, &a->output_channels);
}

static void parse_safety(struct parse *p, json_t *root)
{
	struct config_safety *s = &p->cfg->safety;
	char ptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "safety", false, safety_keys, ptr);

	if (!o)
		return;
	get_number(p, o, ptr, "ceiling_dbfs", false, -30, 0, &s->ceiling_dbfs);
	get_number(p, o, ptr, "max_gain_rate_db_s", false, 0.5, 60, &s->max_gain_rate_db_s);
	get_number(p, o, ptr, "min_playback_rate", false, 0.5, 1, &s->min_playback_rate);
	get_number(p, o, ptr, "max_playback_rate", false, 1, 2, &s->max_playback_rate);
	/* WCAG 2.3.1 allows three; a venue may only be stricter. */
	get_whole(p, o, ptr, "max_flashes_per_s", false, 0, 3, &s->max_flashes_per_s);
	get_whole(p, o, ptr, "max_red_flashes_per_s", false, 0, 3, &s->max_red_flashes_per_s);
}

/* Index of @resolved in cfg->clips, adding it once; -1 when the show has too many files. */
static int clip_index(struct parse *p, const char *resolved, const char *kptr)
{
	struct venue_config *cfg = p->cfg;

	for (uint32_t i = 0; i < cfg->clip_count; i++)
		if (strcmp(cfg->clips[i], resolved) == 0)
			return (int)i;
	if (cfg->clip_count == CONFIG_MAX_CLIPS) {
		config_fail(p, kptr, "too many audio files in one show: at most %d", CONFIG_MAX_CLIPS);
		return -1;
	}
	snprintf(cfg->clips[cfg->clip_count], CONFIG_PATH_MAX, "%s", resolved);
	return (int)cfg->clip_count++;
}

/* "file": readable, resolved against the config's folder, stored once. */
static bool parse_clip_file(struct parse *p, json_t *o, const char *ptr, uint32_t *clip)
{
	char kptr[PTR_MAX], file[CONFIG_PATH_MAX], resolved[CONFIG_PATH_MAX];
	int i;

	if (get_string(p, o, ptr, "file", true, 1, CONFIG_PATH_MAX - 1, file) != GOT_OK)
		return false;
	ptr_key(kptr, ptr, "file");
	if (check_readable_file(p, file, kptr, resolved, sizeof(resolved)) != GOT_OK)
		return false;
	i = clip_index(p, resolved, kptr);
	if (i < 0)
		return false;
	*clip = (uint32_t)i;
	return true;
}

/* "name" or "name:arg" into @base and @arg. */
static void split_name(const char *s, char *base, size_t base_size, const char **arg)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	snprintf(base, base_size, "%.*s", (int)(n < base_size ? n : base_size - 1), s);
	*arg = colon ? colon + 1 : NULL;
}

static int name_index(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* An unknown name at @kptr, with a hint. */
static void fail_unknown(struct parse *p, const char *kptr, const char *what, const char *name,
			 const char *const *names, int count)
{
	const char *hint = did_you_mean(name, names, (size_t)count);

	if (hint)
		config_fail(p, kptr, "unknown %s \"%.40s\"; did you mean \"%s\"?", what, name, hint);
	else
		config_fail(p, kptr, "unknown %s \"%.40s\"", what, name);
}

/* A SOURCE string at @key: sets @source and @arg; false (reported) when wrong. */
static bool parse_source(struct parse *p, json_t *o, const char *ptr, const char *key,
			 const struct config_cue *c, enum audio_source *source, int *arg)
{
	const struct venue_config *cfg = p->cfg;
	char kptr[PTR_MAX], base[40];
	json_t *v = get_value(p, o, ptr, key, true, JSON_STRING, kptr);
	const char *a;
	int s;

	if (!v)
		return false;
	split_name(json_string_value(v), base, sizeof(base), &a);
	s = name_index(source_names, SOURCE_COUNT, base);
	if (s < 0) {
		fail_unknown(p, kptr, "source", base, source_names, SOURCE_COUNT);
		return false;
	}
	*source = (enum audio_source)s;
	*arg = -1;
	switch (s) {
	case SOURCE_POLL_SHARE: {
		char *end;
		long n = a ? strtol(a, &end, 10) : -1;

		if (!a || !*a || *end || n < 0) {
			config_fail(p, kptr, "poll_share needs an option number, e.g. \"poll_share:0\"");
			return false;
		}
		if (!c->poll || n >= (long)c->poll->option_count) {
			config_fail(p, kptr, "poll_share:%ld needs a poll in this cue with an option %ld", n, n);
			return false;
		}
		*arg = (int)n;
		return true;
	}
	case SOURCE_ZONE_ACTIVITY:
	case SOURCE_ZONE_TAPS: {
		int z = a ? config_zone_index(cfg, a) : -1;

		if (!a || !*a) {
			config_fail(p, kptr, "%s needs a zone, e.g. \"%s:%s\"", base, base, cfg->zones[0].id);
			return false;
		}
		if (z < 0) {
			const char *ids[CONFIG_MAX_ZONES + 1];

			for (uint32_t i = 0; i < cfg->zone_count; i++)
				ids[i] = cfg->zones[i].id;
			fail_unknown(p, kptr, "zone", a, ids, (int)cfg->zone_count);
			return false;
		}
		*arg = z;
		return true;
	}
	case SOURCE_POLL_LEADER:
		if (!c->poll) {
			config_fail(p, kptr, "poll_leader needs this cue to have a poll");
			return false;
		}
		/* fall through */
	default:
		if (a) {
			config_fail(p, kptr, "%s takes no \":%s\"", base, a);
			return false;
		}
		return true;
	}
}

/* Each target's own range (playback rate: the venue's safety limits). */
void config_target_range(const struct venue_config *cfg, enum audio_target t, double *lo, double *hi)
{
	switch (t) {
	case TARGET_MASTER_GAIN:
	case TARGET_STEM_GAIN:
		*lo = -60, *hi = 6;
		break;
	case TARGET_FILTER_CUTOFF:
		*lo = 20, *hi = 20000;
		break;
	case TARGET_DELAY_FEEDBACK:
		*lo = 0, *hi = 0.95;
		break;
	case TARGET_DELAY_TIME:
		*lo = 0.01, *hi = 2;
		break;
	case TARGET_PLAYBACK_RATE:
		*lo = cfg->safety.min_playback_rate, *hi = cfg->safety.max_playback_rate;
		break;
	default:
		*lo = 0, *hi = 1;
	}
}

/* A two-number range [a, b] at @key; each within @lo..@hi. */
static enum got get_range(struct parse *p, json_t *o, const char *ptr, const char *key,
			  bool required, double lo, double hi, double *a, double *b)
{
	char kptr[PTR_MAX], iptr[PTR_MAX];
	json_t *v = get_array(p, o, ptr, key, required, 2, 2, "numbers", kptr);
	double x[2];

	if (!v)
		return json_object_get(o, key) ? GOT_BAD : GOT_NONE;
	for (size_t i = 0; i < 2; i++) {
		json_t *e = json_array_get(v, i);

		ptr_index(iptr, kptr, i);
		if (!json_is_number(e)) {
			config_fail(p, iptr, "expected a number, got %s", type_name(e));
			return GOT_BAD;
		}
		if (check_number(p, e, iptr, false, lo, hi, &x[i]) != GOT_OK)
			return GOT_BAD;
	}
	*a = x[0];
	*b = x[1];
	return GOT_OK;
}

/* A source's natural range, the default of a mapping's "from". */
static void source_range(const struct config_cue *c, enum audio_source s, double *lo, double *hi)
{
	*lo = 0;
	*hi = 1;
	if (s == SOURCE_TAPS_PER_S)
		*hi = 50;
	else if (s == SOURCE_TEMPO_BPM)
		*lo = 60, *hi = 180;
	else if (s == SOURCE_ZONE_TAPS)
		*hi = 20;
	else if (s == SOURCE_POLL_LEADER)
		*hi = c->poll ? c->poll->option_count - 1 : 1;
}

static void parse_mapping(struct parse *p, json_t *o, const char *mptr, struct config_cue *c,
			  struct config_mapping *m)
{
	const struct config_cue_audio *ca = &c->audio;
	char kptr[PTR_MAX], base[40], curve[16];
	json_t *v;
	const char *a;
	double lo, hi;
	bool target_ok = false, to_ok = false;
	int t;

	check_keys(p, o, mptr, mapping_keys);
	m->in_min = 0;
	m->in_max = 1;
	m->smoothing_s = 0.2;
	m->crowd = 1;
	m->target_arg = -1;
	if (parse_source(p, o, mptr, "source", c, &m->source, &m->source_arg))
		source_range(c, m->source, &m->in_min, &m->in_max);
	v = get_value(p, o, mptr, "target", true, JSON_STRING, kptr);
	if (v) {
		split_name(json_string_value(v), base, sizeof(base), &a);
		switch (config_target_resolve(c, json_string_value(v), &m->target, &m->target_arg)) {
		case CONFIG_TARGET_UNKNOWN:
			fail_unknown(p, kptr, "target", base, target_names, TARGET_COUNT);
			break;
		case CONFIG_TARGET_NO_STEM:
			config_fail(p, kptr, "stem_gain needs a stem of this cue, e.g. \"stem_gain:%s\"",
				    ca->stem_count ? ca->stems[0].id : "drums");
			break;
		case CONFIG_TARGET_EXTRA_ARG:
			config_fail(p, kptr, "%s takes no \":%s\"", base, a);
			break;
		default:
			target_ok = true;
		}
	}
	get_range(p, o, mptr, "from", false, -1e6, 1e6, &m->in_min, &m->in_max);
	if (target_ok) {
		config_target_range(p->cfg, m->target, &lo, &hi);
		to_ok = get_range(p, o, mptr, "to", true, lo, hi, &m->out_min, &m->out_max) == GOT_OK;
	} else if (!json_object_get(o, "to")) {
		ptr_key(kptr, mptr, "to");
		config_fail(p, kptr, "missing required key");
	}
	if (get_string(p, o, mptr, "curve", false, 1, sizeof(curve) - 1, curve) == GOT_OK) {
		ptr_key(kptr, mptr, "curve");
		t = name_index(curve_names, CURVE_COUNT, curve);
		if (t < 0)
			fail_unknown(p, kptr, "curve", curve, curve_names, CURVE_COUNT);
		else
			m->curve = (enum audio_curve)t;
		if (t == CURVE_EXP && to_ok && !(m->out_min > 0 && m->out_max > 0))
			config_fail(p, kptr, "\"exp\" needs both ends of \"to\" above 0");
	}
	get_number(p, o, mptr, "smoothing_s", false, 0, 10, &m->smoothing_s);
	get_number(p, o, mptr, "crowd", false, 0, 1, &m->crowd);
}

static void parse_sample(struct parse *p, json_t *o, const char *sptr, struct config_cue *c,
			 uint32_t index)
{
	struct config_sample *s = &c->audio.samples[index];
	char kptr[PTR_MAX], tptr[PTR_MAX], on[16], zone[CONFIG_ID_MAX + 1];
	json_t *t;

	check_keys(p, o, sptr, sample_keys);
	s->cooldown_s = 2;
	s->zone = -1;
	s->source_arg = -1;
	if (get_id(p, o, sptr, "id", true, s->id) == GOT_OK) {
		for (uint32_t j = 0; j < index; j++) {
			if (strcmp(c->audio.samples[j].id, s->id) == 0) {
				ptr_key(kptr, sptr, "id");
				config_fail(p, kptr, "duplicate sample id \"%s\" in this cue", s->id);
			}
		}
	}
	parse_clip_file(p, o, sptr, &s->clip);
	get_number(p, o, sptr, "gain_db", false, -60, 6, &s->gain_db);
	get_number(p, o, sptr, "cooldown_s", false, 0, 600, &s->cooldown_s);
	t = get_object(p, o, sptr, "trigger", true, trigger_keys, tptr);
	if (!t || get_string(p, t, tptr, "on", true, 1, sizeof(on) - 1, on) != GOT_OK)
		return;
	ptr_key(kptr, tptr, "on");
	if (strcmp(on, "rise") == 0) {
		s->trigger = TRIGGER_RISE;
		parse_source(p, t, tptr, "source", c, &s->source, &s->source_arg);
		get_number(p, t, tptr, "above", true, -1e6, 1e6, &s->above);
	} else if (strcmp(on, "zone_loudest") == 0) {
		s->trigger = TRIGGER_ZONE_LOUDEST;
		if (get_id(p, t, tptr, "zone", true, zone) == GOT_OK) {
			s->zone = config_zone_index(p->cfg, zone);
			if (s->zone < 0) {
				const char *ids[CONFIG_MAX_ZONES + 1];

				for (uint32_t i = 0; i < p->cfg->zone_count; i++)
					ids[i] = p->cfg->zones[i].id;
				ptr_key(kptr, tptr, "zone");
				fail_unknown(p, kptr, "zone", zone, ids, (int)p->cfg->zone_count);
			}
		}
	} else {
		static const char *const ons[] = { "rise", "zone_loudest", NULL };

		fail_unknown(p, kptr, "trigger", on, ons, 2);
	}
}

static void parse_stem(struct parse *p, json_t *o, const char *sptr, struct config_cue *c,
		       uint32_t index)
{
	struct config_stem *s = &c->audio.stems[index];
	char kptr[PTR_MAX];
	uint32_t choice;

	check_keys(p, o, sptr, stem_keys);
	s->choice = -1;
	if (get_id(p, o, sptr, "id", true, s->id) == GOT_OK) {
		for (uint32_t j = 0; j < index; j++) {
			if (strcmp(c->audio.stems[j].id, s->id) == 0) {
				ptr_key(kptr, sptr, "id");
				config_fail(p, kptr, "duplicate stem id \"%s\" in this cue", s->id);
			}
		}
	}
	parse_clip_file(p, o, sptr, &s->clip);
	get_number(p, o, sptr, "gain_db", false, -60, 6, &s->gain_db);
	if (get_whole(p, o, sptr, "choice", false, 0, CONFIG_POLL_OPTIONS_MAX - 1, &choice) == GOT_OK) {
		ptr_key(kptr, sptr, "choice");
		if (!c->poll)
			config_fail(p, kptr, "a \"choice\" needs this cue to have a poll");
		else if (choice >= c->poll->option_count)
			config_fail(p, kptr, "the poll has %u options, got choice %u",
				    c->poll->option_count, choice);
		else
			s->choice = (int)choice;
	}
}

static void cue_audio_defaults(struct config_cue_audio *a)
{
	memset(a, 0, sizeof(*a));
	a->crossfade_s = 2;
	a->filter_cutoff_hz = 20000;
	a->delay_time_s = 0.375;
	a->delay_feedback = 0.3;
	a->playback_rate = 1;
}

/* Iterates the objects of array @key of @o; calls @fn(p, item, pointer, c, index). */
#define FOREACH_OBJECT(p, arr, aptr, iptr, i, item)			\
	json_array_foreach(arr, i, item)					\
		if ((ptr_index(iptr, aptr, i), !json_is_object(item)) ?	\
		    (config_fail(p, iptr, "expected an object, got %s", type_name(item)), 0) : 1)

/* ---- the console ---- */

/* A password hash at @key of @o, into @out; only hashes, never a password, are accepted. */
static void get_hash(struct parse *p, json_t *o, const char *ptr, const char *key, char *out)
{
	char kptr[PTR_MAX];

	if (get_string(p, o, ptr, key, false, 1, CONFIG_HASH_MAX - 1, out) != GOT_OK)
		return;
	if (strncmp(out, "$argon2id$", 10) != 0 && strncmp(out, "$argon2i$", 9) != 0) {
		ptr_key(kptr, ptr, key);
		config_fail(p, kptr, "expected a password hash from `tutti hash-password` ($argon2id$...), "
			    "never a password");
		out[0] = '\0';
	}
}

static void parse_console(struct parse *p, json_t *root)
{
	struct console_secrets {
		char operator_hash[CONFIG_HASH_MAX], artist_hash[CONFIG_HASH_MAX];
	} file = { "", "" };
	struct config_console *c = &p->cfg->console;
	char ptr[PTR_MAX], kptr[PTR_MAX], path[CONFIG_PATH_MAX];
	json_t *o = get_object(p, root, "", "console", false, console_keys, ptr), *v;

	c->session_ttl_s = 8 * 3600;
	if (!o)
		return;
	c->enabled = true;
	get_hash(p, o, ptr, "operator_password_hash", c->operator_hash);
	get_hash(p, o, ptr, "artist_password_hash", c->artist_hash);
	get_number(p, o, ptr, "session_ttl_s", false, 60, 86400, &c->session_ttl_s);
	v = get_value(p, o, ptr, "secrets_file", false, JSON_STRING, kptr);
	/* The hashes may live in a file of their own, kept out of the show's repository. */
	if (v && check_readable_file(p, json_string_value(v), kptr, path, sizeof(path)) == GOT_OK) {
		json_error_t jerr;
		json_t *s = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

		if (!json_is_object(s)) {
			config_fail(p, kptr, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				    s ? "expected an object {\"operator\": HASH, \"artist\": HASH}" : jerr.text);
		} else {
			check_keys(p, s, kptr, secrets_keys);
			get_hash(p, s, kptr, "operator", file.operator_hash);
			get_hash(p, s, kptr, "artist", file.artist_hash);
			if (file.operator_hash[0])
				memcpy(c->operator_hash, file.operator_hash, sizeof(file.operator_hash));
			if (file.artist_hash[0])
				memcpy(c->artist_hash, file.artist_hash, sizeof(file.artist_hash));
		}
		json_decref(s);
	}
	if (!c->operator_hash[0] && !json_object_get(o, "operator_password_hash")) {
		ptr_key(kptr, ptr, "operator_password_hash");
		config_fail(p, kptr, "the console needs the operator's password hash (here or in secrets_file)");
	}
}

/* ---- crowd text moderation ---- */

/* One banned word or phrase, @s of @len bytes, at @where (and @line of its file, or 0). */
static void add_banned(struct parse *p, const char *s, size_t len, const char *where, int line)
{
	struct config_moderation *m = &p->cfg->moderation;
	char at[24] = "";

	if (len == 0)
		return;
	if (line > 0)
		snprintf(at, sizeof(at), "line %d: ", line);
	if (len > CONFIG_BANNED_BYTES) {
		config_fail(p, where, "%sa banned word or phrase is at most %d bytes", at, CONFIG_BANNED_BYTES);
		return;
	}
	if (m->banned_count == CONFIG_BANNED_MAX) {
		config_fail(p, where, "%sat most %d banned words and phrases", at, CONFIG_BANNED_MAX);
		return;
	}
	memcpy(m->banned[m->banned_count], s, len);
	m->banned[m->banned_count++][len] = '\0';
}

/* A word list kept apart from the show: one word or phrase per line, '#' starts a comment. */
static void parse_banned_file(struct parse *p, const char *path, const char *kptr)
{
	FILE *f = fopen(path, "re");
	char line[256];
	int n = 0;

	if (!f) {
		config_fail(p, kptr, "cannot read \"%s\": %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end = strchr(line, '#');
		json_t *utf8;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			config_fail(p, kptr, "line %d: longer than %zu bytes", n, sizeof(line) - 2);
			while ((c = fgetc(f)) != EOF && c != '\n')
				;	/* the rest of that line */
			continue;
		}
		if (n == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;		/* a byte-order mark some editors write */
		if (end)
			*end = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		utf8 = json_stringn(s, (size_t)(end - s));	/* NULL unless valid UTF-8 */
		if (!utf8) {
			config_fail(p, kptr, "line %d: not valid UTF-8 text", n);
			continue;
		}
		json_decref(utf8);
		add_banned(p, s, (size_t)(end - s), kptr, n);
	}
	fclose(f);
}

static void parse_moderation(struct parse *p, json_t *root)
{
	struct config_moderation *m = &p->cfg->moderation;
	char ptr[PTR_MAX], aptr[PTR_MAX], iptr[PTR_MAX], kptr[PTR_MAX], path[CONFIG_PATH_MAX];
	json_t *o = get_object(p, root, "", "moderation", false, moderation_keys, ptr), *arr, *v;
	size_t i;

	m->text_max_chars = 80;
	m->text_interval_s = 30;
	m->queue_max = 100;
	m->wall_size = CONFIG_WALL_MAX;
	if (!o)
		return;
	get_whole(p, o, ptr, "text_max_chars", false, 1, CONFIG_TEXT_CHARS_MAX, &m->text_max_chars);
	get_number(p, o, ptr, "text_interval_s", false, 0, 3600, &m->text_interval_s);
	get_whole(p, o, ptr, "queue_max", false, 1, CONFIG_QUEUE_MAX, &m->queue_max);
	get_whole(p, o, ptr, "wall_size", false, 1, CONFIG_WALL_MAX, &m->wall_size);
	arr = get_array(p, o, ptr, "banned_words", false, 0, CONFIG_BANNED_MAX, "words", aptr);
	json_array_foreach(arr, i, v) {
		ptr_index(iptr, aptr, i);
		if (!json_is_string(v)) {
			config_fail(p, iptr, "expected a string, got %s", type_name(v));
			continue;
		}
		add_banned(p, json_string_value(v), json_string_length(v), iptr, 0);
	}
	v = get_value(p, o, ptr, "banned_words_file", false, JSON_STRING, kptr);
	if (v && check_readable_file(p, json_string_value(v), kptr, path, sizeof(path)) == GOT_OK)
		parse_banned_file(p, path, kptr);
}

/* ---- OSC ---- */

/* The artist's controller: a port, and the only addresses it is taken from. */
static void parse_osc_input(struct parse *p, json_t *osc, const char *optr)
{
	struct venue_config *cfg = p->cfg;
	char ptr[PTR_MAX], aptr[PTR_MAX], iptr[PTR_MAX];
	json_t *o = get_object(p, osc, optr, "input", false, osc_input_keys, ptr), *arr, *item;
	size_t i;

	if (!o)
		return;
	get_whole(p, o, ptr, "port", true, 1, 65535, &cfg->osc_input_port);
	arr = get_array(p, o, ptr, "allow_from", true, 1, CONFIG_MAX_OSC_ALLOWED, "addresses", aptr);
	if (!arr)
		return;
	json_array_foreach(arr, i, item) {
		unsigned char addr[16];
		const char *s = json_string_value(item);

		ptr_index(iptr, aptr, i);
		if (!s || (inet_pton(AF_INET, s, addr) != 1 && inet_pton(AF_INET6, s, addr) != 1) ||
		    strlen(s) >= sizeof(cfg->osc_allowed[0])) {
			config_fail(p, iptr, "expected an IP address");
			continue;
		}
		snprintf(cfg->osc_allowed[cfg->osc_allowed_count++], sizeof(cfg->osc_allowed[0]), "%s", s);
	}
}

static void parse_osc(struct parse *p, json_t *root)
{
	struct venue_config *cfg = p->cfg;
	char ptr[PTR_MAX], aptr[PTR_MAX], iptr[PTR_MAX], kptr[PTR_MAX];
	json_t *o = get_object(p, root, "", "osc", false, osc_keys, ptr), *arr, *item;
	size_t i;

	if (!o)
		return;
	parse_osc_input(p, o, ptr);
	arr = get_array(p, o, ptr, "targets", false, 1, CONFIG_MAX_OSC_TARGETS, "targets", aptr);
	if (!arr)
		return;
	FOREACH_OBJECT(p, arr, aptr, iptr, i, item) {
		struct config_osc_target *t = &cfg->osc_targets[cfg->osc_target_count];
		unsigned char addr[16];

		check_keys(p, item, iptr, osc_target_keys);
		get_string(p, item, iptr, "id", true, 1, CONFIG_ID_MAX, t->id);
		if (get_string(p, item, iptr, "host", true, 1, sizeof(t->host) - 1, t->host) == GOT_OK &&
		    inet_pton(AF_INET, t->host, addr) != 1 && inet_pton(AF_INET6, t->host, addr) != 1) {
			ptr_key(kptr, iptr, "host");
			config_fail(p, kptr, "\"%.40s\" is not an IP address (names are not looked up during a show)",
				    t->host);
		}
		get_whole(p, item, iptr, "port", true, 1, 65535, &t->port);
		for (uint32_t k = 0; k < cfg->osc_target_count; k++)
			if (t->id[0] && strcmp(cfg->osc_targets[k].id, t->id) == 0) {
				ptr_key(kptr, iptr, "id");
				config_fail(p, kptr, "duplicate OSC target id \"%s\"", t->id);
			}
		cfg->osc_target_count++;
	}
}

static void parse_osc_send(struct parse *p, json_t *o, const char *sptr, struct config_cue *c,
			   struct config_osc_send *s)
{
	const struct venue_config *cfg = p->cfg;
	char kptr[PTR_MAX], target[CONFIG_ID_MAX + 1];
	bool found = false;

	check_keys(p, o, sptr, osc_send_keys);
	s->rate_hz = 20;
	s->in_min = 0;
	s->in_max = 1;
	if (get_string(p, o, sptr, "target", true, 1, CONFIG_ID_MAX, target) == GOT_OK) {
		for (uint32_t t = 0; t < cfg->osc_target_count; t++)
			if (strcmp(cfg->osc_targets[t].id, target) == 0) {
				s->target = t;
				found = true;
			}
		if (!found) {
			ptr_key(kptr, sptr, "target");
			config_fail(p, kptr, "unknown OSC target \"%.40s\"%s", target,
				    cfg->osc_target_count ? "" : " (there is no \"osc\" section with targets)");
		}
	}
	if (get_string(p, o, sptr, "address", true, 2, CONFIG_OSC_ADDRESS_MAX, s->address) == GOT_OK &&
	    (s->address[0] != '/' || strpbrk(s->address, " #*,?[]{}"))) {
		ptr_key(kptr, sptr, "address");
		config_fail(p, kptr, "an OSC address starts with / and has no spaces or # * , ? [ ] { }");
	}
	if (parse_source(p, o, sptr, "source", c, &s->source, &s->source_arg))
		source_range(c, s->source, &s->in_min, &s->in_max);
	get_range(p, o, sptr, "from", false, -1e6, 1e6, &s->in_min, &s->in_max);
	get_range(p, o, sptr, "to", true, -1e9, 1e9, &s->out_min, &s->out_max);
	get_number(p, o, sptr, "rate_hz", false, 0.1, 100, &s->rate_hz);
}

static void parse_cue_osc(struct parse *p, json_t *cue, const char *cptr, struct config_cue *c)
{
	char aptr[PTR_MAX], iptr[PTR_MAX];
	json_t *arr = get_array(p, cue, cptr, "osc", false, 0, CONFIG_MAX_OSC_SENDS, "OSC messages", aptr), *item;
	size_t i;

	if (arr)
		FOREACH_OBJECT(p, arr, aptr, iptr, i, item)
			parse_osc_send(p, item, iptr, c, &c->osc[c->osc_count++]);
}

static void parse_cue_audio(struct parse *p, json_t *cue, const char *cptr, struct config_cue *c)
{
	struct config_cue_audio *a = &c->audio;
	const struct config_safety *safe = &p->cfg->safety;
	char ptr[PTR_MAX], aptr[PTR_MAX], iptr[PTR_MAX];
	json_t *o = get_object(p, cue, cptr, "audio", false, cue_audio_keys, ptr), *arr, *item;
	size_t i;

	cue_audio_defaults(a);
	if (!o)
		return;
	arr = get_array(p, o, ptr, "stems", false, 0, CONFIG_MAX_STEMS, "stems", aptr);
	if (arr)
		FOREACH_OBJECT(p, arr, aptr, iptr, i, item)
			parse_stem(p, item, iptr, c, a->stem_count++);
	arr = get_array(p, o, ptr, "samples", false, 0, CONFIG_MAX_SAMPLES, "samples", aptr);
	if (arr)
		FOREACH_OBJECT(p, arr, aptr, iptr, i, item)
			parse_sample(p, item, iptr, c, a->sample_count++);
	arr = get_array(p, o, ptr, "mappings", false, 0, CONFIG_MAX_MAPPINGS, "mappings", aptr);
	if (arr)
		FOREACH_OBJECT(p, arr, aptr, iptr, i, item)
			parse_mapping(p, item, iptr, c, &a->mappings[a->mapping_count++]);
	get_number(p, o, ptr, "crossfade_s", false, 0.05, 30, &a->crossfade_s);
	get_number(p, o, ptr, "master_gain_db", false, -60, 0, &a->master_gain_db);
	get_number(p, o, ptr, "filter_cutoff_hz", false, 20, 20000, &a->filter_cutoff_hz);
	get_number(p, o, ptr, "filter_resonance", false, 0, 1, &a->filter_resonance);
	get_number(p, o, ptr, "delay_time_s", false, 0.01, 2, &a->delay_time_s);
	get_number(p, o, ptr, "delay_feedback", false, 0, 0.95, &a->delay_feedback);
	get_number(p, o, ptr, "delay_mix", false, 0, 1, &a->delay_mix);
	get_number(p, o, ptr, "playback_rate", false, safe->min_playback_rate,
		   safe->max_playback_rate, &a->playback_rate);
}

const char *audio_source_name(enum audio_source s)
{
	return (unsigned)s < SOURCE_COUNT ? source_names[s] : NULL;
}

int config_target_resolve(const struct config_cue *cue, const char *name, enum audio_target *t, int *stem)
{
	const struct config_cue_audio *ca = &cue->audio;
	char base[40];
	const char *arg;
	int i;

	split_name(name, base, sizeof(base), &arg);
	*stem = -1;
	i = name_index(target_names, TARGET_COUNT, base);
	if (i < 0)
		return CONFIG_TARGET_UNKNOWN;
	*t = (enum audio_target)i;
	if (*t != TARGET_STEM_GAIN)
		return arg ? CONFIG_TARGET_EXTRA_ARG : 0;
	for (uint32_t s = 0; arg && s < ca->stem_count; s++)
		if (strcmp(ca->stems[s].id, arg) == 0)
			*stem = (int)s;
	return *stem < 0 ? CONFIG_TARGET_NO_STEM : 0;
}

const char *audio_target_name(enum audio_target t)
{
	return (unsigned)t < TARGET_COUNT ? target_names[t] : NULL;
}

const char *audio_curve_name(enum audio_curve c)
{
	return (unsigned)c < CURVE_COUNT ? curve_names[c] : NULL;
}

/* Auto-advance targets; runs after every cue id is known to be good. */
static void resolve_advance(struct parse *p, json_t *cues, const char *aptr)
{
	struct venue_config *cfg = p->cfg;
	const char *ids[CONFIG_MAX_CUES];
	char cptr[PTR_MAX], kptr[PTR_MAX];
	size_t n = cfg->cue_count;

	for (size_t i = 0; i < n; i++)
		ids[i] = cfg->cues[i].id;
	for (size_t i = 0; i < n; i++) {
		struct config_cue *c = &cfg->cues[i];
		json_t *cue = json_array_get(cues, i);
		json_t *to, *after;
		const char *hint;
		int target;

		c->advance_to = i + 1 < n ? (int)(i + 1) : -1;
		ptr_index(cptr, aptr, i);
		to = get_value(p, cue, cptr, "advance_to", false, JSON_STRING, kptr);
		if (!to) {
			if (c->advance_after_s > 0 && i + 1 == n &&
			    !json_object_get(cue, "advance_to")) {
				ptr_key(kptr, cptr, "advance_after_s");
				config_fail(p, kptr, "the last cue has no next cue; set advance_to");
			}
			continue;
		}
		after = json_object_get(cue, "advance_after_s");
		if (!after || (json_is_number(after) && json_number_value(after) == 0)) {
			config_fail(p, kptr, "advance_to needs advance_after_s");
			continue;
		}
		target = config_cue_index(cfg, json_string_value(to));
		if (target >= 0) {
			c->advance_to = target;
			continue;
		}
		hint = did_you_mean(json_string_value(to), ids, n);
		if (hint)
			config_fail(p, kptr, "unknown cue \"%.40s\"; did you mean \"%s\"?",
				    json_string_value(to), hint);
		else
			config_fail(p, kptr, "unknown cue \"%.40s\"", json_string_value(to));
	}
}

static void parse_cues(struct parse *p, json_t *root)
{
	char aptr[PTR_MAX], cptr[PTR_MAX], kptr[PTR_MAX];
	json_t *a = get_array(p, root, "", "cues", true, 1, CONFIG_MAX_CUES, "cues", aptr);
	json_t *cue;
	size_t i;
	bool ids_ok = true;

	if (!a)
		return;
	json_array_foreach(a, i, cue) {
		ptr_index(cptr, aptr, i);
		if (!json_is_object(cue)) {
			config_fail(p, cptr, "expected an object, got %s", type_name(cue));
			ids_ok = false;
			continue;
		}
		if (!parse_cue(p, cue, cptr, i))
			ids_ok = false;
	}
	p->cfg->cue_count = (uint32_t)json_array_size(a);
	if (ids_ok) {
		resolve_advance(p, a, aptr);
		return;
	}
	/* Cue ids are broken, so targets cannot be looked up; check the types only. */
	json_array_foreach(a, i, cue) {
		ptr_index(cptr, aptr, i);
		if (json_is_object(cue))
			get_value(p, cue, cptr, "advance_to", false, JSON_STRING, kptr);
	}
}

static void set_defaults(struct venue_config *cfg, const char *path)
{
	snprintf(cfg->path, sizeof(cfg->path), "%s", path ? path : "");
	snprintf(cfg->listen_address, sizeof(cfg->listen_address), "0.0.0.0");
	cfg->port = 8080;
	cfg->tick_hz = 60;
	cfg->broadcast_hz = 20;
	cfg->active_window_s = 5;
	cfg->resume_window_s = 600;
	cfg->limits.inputs_per_second = 10;
	cfg->limits.input_burst = 20;
	cfg->limits.throttle_close_s = 10;
	cfg->limits.max_message_bytes = 1024;
	cfg->limits.max_connections_per_address = 16;
	snprintf(cfg->audio.device, sizeof(cfg->audio.device), "default");
	cfg->audio.sample_rate = 48000;
	cfg->audio.frames_per_buffer = 128;
	cfg->audio.input_channels = 1;
	cfg->audio.output_channels = 2;
	cfg->safety.ceiling_dbfs = -1;
	cfg->safety.max_gain_rate_db_s = 6;
	cfg->safety.min_playback_rate = 0.9;
	cfg->safety.max_playback_rate = 1.1;
	cfg->safety.max_flashes_per_s = 3;
	cfg->safety.max_red_flashes_per_s = 3;
	for (int i = 0; i < CONFIG_MAX_CUES; i++)
		cue_audio_defaults(&cfg->cues[i].audio);
}

static void parse_root(struct parse *p, json_t *root)
{
	struct venue_config *cfg = p->cfg;
	bool capacity_ok;
	uint32_t max_conn;

	check_keys(p, root, "", top_keys);
	get_string(p, root, "", "name", true, 1, CONFIG_TEXT_MAX, cfg->name);
	capacity_ok = get_whole(p, root, "", "capacity", true, 1, CONFIG_MAX_CONNECTIONS,
				&cfg->capacity) == GOT_OK;
	max_conn = cfg->capacity + cfg->capacity / 10 + 16;
	cfg->limits.max_connections = max_conn < CONFIG_MAX_CONNECTIONS ? max_conn :
				      CONFIG_MAX_CONNECTIONS;
	parse_listen(p, root);
	parse_public_url(p, root);
	parse_tls(p, root);
	parse_timing(p, root);
	parse_limits(p, root, capacity_ok);
	parse_zones(p, root, capacity_ok);
	parse_audio(p, root);
	parse_safety(p, root);
	parse_osc(p, root);
	parse_console(p, root);
	parse_moderation(p, root);
	parse_cues(p, root);
}

/* ---- document order ---------------------------------------------------- */

#define POS_DEPTH 8

/* Where an error's pointer lies in the document, for sorting. */
struct error_pos {
	size_t pos[POS_DEPTH];		/* key or item position at each level */
	size_t depth;
	size_t seq;			/* order found, to keep the sort stable */
	struct config_error e;
};

/*
 * A key that is not in the document (a missing required key, say) sorts
 * after every key of its object: it is reported when the object ends.
 */
static void error_position(json_t *root, struct error_pos *ep)
{
	const char *s = ep->e.pointer;
	json_t *node = root;

	ep->depth = 0;
	while (*s == '/' && ep->depth < POS_DEPTH) {
		char tok[PTR_MAX];
		size_t n = 0, pos = 0;
		json_t *next = NULL;

		for (s++; *s && *s != '/'; s++) {
			if (*s == '~' && (s[1] == '0' || s[1] == '1')) {
				tok[n++] = s[1] == '0' ? '~' : '/';
				s++;
			} else {
				tok[n++] = *s;
			}
		}
		tok[n] = '\0';
		if (json_is_object(node)) {
			const char *key;
			json_t *v;

			pos = json_object_size(node);
			n = 0;
			json_object_foreach(node, key, v) {
				if (strcmp(key, tok) == 0) {
					pos = n;
					next = v;
					break;
				}
				n++;
			}
		} else if (json_is_array(node)) {
			pos = strtoul(tok, NULL, 10);
			next = json_array_get(node, pos);
		}
		ep->pos[ep->depth++] = pos;
		node = next;
	}
}

static int error_pos_cmp(const void *a, const void *b)
{
	const struct error_pos *x = a, *y = b;
	size_t n = x->depth < y->depth ? x->depth : y->depth;

	for (size_t i = 0; i < n; i++)
		if (x->pos[i] != y->pos[i])
			return x->pos[i] < y->pos[i] ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Checks run section by section; the operator reads the file top to bottom. */
static void errors_sort(struct config_errors *errs, size_t from, json_t *root)
{
	size_t n = errs->count - from;
	struct error_pos *eps;

	if (n < 2)
		return;
	eps = calloc(n, sizeof(*eps));
	if (!eps)
		return;
	for (size_t i = 0; i < n; i++) {
		eps[i].e = errs->items[from + i];
		eps[i].seq = i;
		error_position(root, &eps[i]);
	}
	qsort(eps, n, sizeof(*eps), error_pos_cmp);
	for (size_t i = 0; i < n; i++)
		errs->items[from + i] = eps[i].e;
	free(eps);
}

/* ---- public ------------------------------------------------------------ */

struct venue_config *config_parse(const char *text, size_t len, const char *path,
				  struct config_errors *errors)
{
	struct parse p = { .errors = errors, .path = path ? path : "" };
	size_t first = errors->count;
	json_error_t jerr;
	json_t *root;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson says column 0 at the very end of a line or file; editors count from 1. */
		config_fail_at(&p, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 1,
			       "%s", jerr.text);
		return NULL;
	}
	p.cfg = calloc(1, sizeof(*p.cfg));
	if (!p.cfg) {
		config_fail(&p, "", "out of memory");
		json_decref(root);
		return NULL;
	}
	set_defaults(p.cfg, path);
	if (json_is_object(root))
		parse_root(&p, root);
	else
		config_fail(&p, "", "expected an object, got %s", type_name(root));
	errors_sort(errors, first, root);
	json_decref(root);
	if (p.failed) {
		free(p.cfg);
		return NULL;
	}
	return p.cfg;
}

struct venue_config *config_load(const char *path, struct config_errors *errors)
{
	struct parse p = { .errors = errors, .path = path };
	struct venue_config *cfg;
	struct stat st;
	char *text;
	size_t len;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		config_fail(&p, "", "cannot read: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? EISDIR : errno;

		config_fail(&p, "", "cannot read: %s", strerror(err));
		fclose(f);
		return NULL;
	}
	if (st.st_size > (off_t)FILE_MAX_BYTES) {
		config_fail(&p, "", "cannot read: larger than %u bytes", FILE_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		config_fail(&p, "", "cannot read: %s", strerror(ENOMEM));
		fclose(f);
		return NULL;
	}
	len = fread(text, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		config_fail(&p, "", "cannot read: %s", strerror(errno));
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	cfg = config_parse(text, len, path, errors);
	free(text);
	return cfg;
}

void config_destroy(struct venue_config *cfg)
{
	free(cfg);
}

void config_errors_free(struct config_errors *errors)
{
	if (!errors)
		return;
	free(errors->items);
	errors->items = NULL;
	errors->count = 0;
	errors->capacity = 0;
}

int config_error_format(const struct config_error *e, const char *file, char *out, size_t size)
{
	if (e->line > 0)
		return snprintf(out, size, "%s:%d:%d: %s", file, e->line, e->column, e->message);
	if (e->pointer[0])
		return snprintf(out, size, "%s: %s: %s", file, e->pointer, e->message);
	return snprintf(out, size, "%s: %s", file, e->message);
}

const char *control_name(enum control c)
{
	return (unsigned)c < CONTROL_COUNT ? control_names[c] : NULL;
}

const char *scene_name(enum scene s)
{
	return (unsigned)s < SCENE_COUNT ? scene_names[s] : NULL;
}

int control_from_name(const char *name)
{
	for (int i = 0; name && i < CONTROL_COUNT; i++)
		if (strcmp(name, control_names[i]) == 0)
			return i;
	return -1;
}

int scene_from_name(const char *name)
{
	for (int i = 0; name && i < SCENE_COUNT; i++)
		if (strcmp(name, scene_names[i]) == 0)
			return i;
	return -1;
}

int config_zone_index(const struct venue_config *cfg, const char *id)
{
	for (uint32_t i = 0; id && i < cfg->zone_count; i++)
		if (strcmp(cfg->zones[i].id, id) == 0)
			return (int)i;
	return -1;
}

int config_cue_index(const struct venue_config *cfg, const char *id)
{
	for (uint32_t i = 0; id && i < cfg->cue_count; i++)
		if (strcmp(cfg->cues[i].id, id) == 0)
			return (int)i;
	return -1;
}

const struct config_poll *config_poll_find(const struct venue_config *cfg, const char *id)
{
	for (uint32_t i = 0; id && i < cfg->poll_count; i++)
		if (strcmp(cfg->polls[i].id, id) == 0)
			return &cfg->polls[i];
	return NULL;
}
