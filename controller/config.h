/*
 * config.h - venue configuration: load, validate, and the immutable result.
 *
 * A venue config is a JSON file (see docs/config.md for every key). Loading
 * validates everything and collects every problem, not just the first, so
 * `tutti check` and the console's "reload config" can show them all.
 *
 * Thread: any. The returned struct venue_config is immutable after loading
 * and may be read from any thread.
 */
#ifndef TUTTI_CONFIG_H
#define TUTTI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_ID_MAX		32	/* ids: [a-z0-9_-], 1..32 chars */
#define CONFIG_TEXT_MAX		160	/* names, titles, questions, options */
#define CONFIG_MAX_ZONES	32
#define CONFIG_MAX_CUES		256
#define CONFIG_MAX_POLLS	64	/* polls across all cues */
#define CONFIG_POLL_OPTIONS_MIN	2
#define CONFIG_POLL_OPTIONS_MAX	8
#define CONFIG_MAX_ORIGINS	16
#define CONFIG_ORIGIN_MAX	128
#define CONFIG_PATH_MAX		512
#define CONFIG_MAX_CONNECTIONS	19000	/* kept below the 20,000 open files a process may hold */

/* Phone controls a cue may enable; a bit set in struct config_cue.controls. */
enum control {
	CONTROL_TAP = 0,
	CONTROL_XY,
	CONTROL_SLIDER,
	CONTROL_SHAKE,
	CONTROL_VOTE,
	CONTROL_COUNT
};

/* Stage scenes a cue may show (rendered by the visuals module). */
enum scene {
	SCENE_JOIN = 0,		/* "join": QR code, URL, participant count */
	SCENE_CROWD_FIELD,	/* "crowd-field": one particle per participant */
	SCENE_POLL,		/* "poll": poll bars, winner revealed */
	SCENE_CROWD_MAP,	/* "crowd-map": heat map of xy positions */
	SCENE_AUDIO,		/* "audio": audio-reactive elements */
	SCENE_TITLE,		/* "title": the cue title */
	SCENE_COUNT
};

struct config_zone {
	char id[CONFIG_ID_MAX + 1];
	char name[CONFIG_TEXT_MAX + 1];
	uint32_t capacity;		/* seats in the zone; soft, for shares */
};

struct config_poll {
	char id[CONFIG_ID_MAX + 1];
	char question[CONFIG_TEXT_MAX + 1];
	char options[CONFIG_POLL_OPTIONS_MAX][CONFIG_TEXT_MAX + 1];
	uint32_t option_count;		/* 2..8 */
	bool open_with_cue;		/* opens when its cue starts (default true) */
	double duration_s;		/* closes by itself after this; 0 = stays open */
	uint32_t index;			/* position in venue_config.polls order */
};

struct config_cue {
	char id[CONFIG_ID_MAX + 1];
	char title[CONFIG_TEXT_MAX + 1];
	char prompt[CONFIG_TEXT_MAX + 1];	/* shown on phones; may be "" */
	enum scene scene;
	uint32_t controls;		/* bit (1u << enum control) per enabled control */
	const struct config_poll *poll;	/* NULL, or into venue_config.polls */
	double advance_after_s;		/* 0 = stays until the operator moves on */
	int advance_to;			/* cue index auto-advance goes to */
};

struct config_limits {
	double inputs_per_second;	/* per participant, sustained */
	double input_burst;		/* per participant, bucket size */
	double throttle_close_s;	/* over the rate this long: close 1008 */
	uint32_t max_message_bytes;	/* larger frames close with 1009 */
	uint32_t max_connections_per_address;
	uint32_t max_connections;	/* hard socket cap, <= CONFIG_MAX_CONNECTIONS */
	char allowed_origins[CONFIG_MAX_ORIGINS][CONFIG_ORIGIN_MAX + 1];
	uint32_t allowed_origin_count;	/* 0 = same-origin as the Host header */
};

struct venue_config {
	char path[CONFIG_PATH_MAX];	/* file it was loaded from */
	char name[CONFIG_TEXT_MAX + 1];
	char listen_address[64];	/* "0.0.0.0" = every interface */
	uint16_t port;			/* 0 is allowed: the OS picks one */
	char public_url[256];		/* join URL shown in the QR; "" = derived */
	char tls_cert[CONFIG_PATH_MAX];	/* "" = plain HTTP */
	char tls_key[CONFIG_PATH_MAX];
	uint32_t capacity;		/* participants connected at once */
	double tick_hz;			/* show tick rate, default 60 */
	double broadcast_hz;		/* state to phones, default 20 */
	double active_window_s;		/* "active" = input within this, default 5 */
	double resume_window_s;		/* a dropped participant may resume this long */
	struct config_limits limits;
	struct config_zone zones[CONFIG_MAX_ZONES];
	uint32_t zone_count;		/* >= 1; a config with none gets zone "all" */
	struct config_cue cues[CONFIG_MAX_CUES];
	uint32_t cue_count;		/* >= 1 */
	struct config_poll polls[CONFIG_MAX_POLLS];
	uint32_t poll_count;
};

/* One problem found while loading. */
struct config_error {
	char pointer[192];		/* JSON pointer ("" for the document), or "" for syntax */
	int line, column;		/* > 0 for syntax errors only */
	char message[256];
};

struct config_errors {
	struct config_error *items;
	size_t count;
	size_t capacity;
};

/*
 * Load and validate the venue config at @path. On success returns a new
 * config (free with config_destroy()) and leaves @errors empty. On failure
 * returns NULL and fills @errors with every problem found, in document
 * order. @errors must be zeroed by the caller and freed with
 * config_errors_free(). Never exits.
 */
struct venue_config *config_load(const char *path, struct config_errors *errors);

/* Same as config_load() for an in-memory document; @path is used in messages only. */
struct venue_config *config_parse(const char *text, size_t len, const char *path,
				  struct config_errors *errors);

void config_destroy(struct venue_config *cfg);
void config_errors_free(struct config_errors *errors);

/*
 * Format one error as a person reads it:
 *   "FILE: /json/pointer: message"   or   "FILE:LINE:COL: message".
 * Returns the number of characters written (snprintf semantics).
 */
int config_error_format(const struct config_error *e, const char *file, char *out, size_t size);

/* Names used in JSON and in the protocol; NULL for out-of-range values. */
const char *control_name(enum control c);
const char *scene_name(enum scene s);
/* Reverse lookups; return -1 when the name is unknown. */
int control_from_name(const char *name);
int scene_from_name(const char *name);

/* Index of the zone with @id, or -1. */
int config_zone_index(const struct venue_config *cfg, const char *id);
/* Index of the cue with @id, or -1. */
int config_cue_index(const struct venue_config *cfg, const char *id);
/* The poll with @id, or NULL. */
const struct config_poll *config_poll_find(const struct venue_config *cfg, const char *id);

#endif
