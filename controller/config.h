/*
 * config.h - venue configuration: load, validate, and the immutable result.
 *
 * A venue config is a JSON file (see docs/config.md for every key). Loading
 * validates everything and collects every problem, not just the first, so
 * `tutti check` and the console's "reload config" can show them all.
 *
 * Each key's range and default are in its row of the key tables
 * (config_venue.c, config_cues.c, config_audio.c, config_osc.c,
 * config_console.c, config_moderation.c, config_cluster.c, config_theme.c),
 * which docs/config.md follows.
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
#define CONFIG_ADHOC_POLLS	4	/* after them, slots for polls the console makes up mid-show */
#define CONFIG_ADHOC_TEXT_MAX	80	/* bytes of an ad-hoc poll's question, and of each option */
#define CONFIG_POLL_OPTIONS_MIN	2
#define CONFIG_POLL_OPTIONS_MAX	8
#define CONFIG_MAX_ORIGINS	16
#define CONFIG_ORIGIN_MAX	128
#define CONFIG_PATH_MAX		512
#define CONFIG_MAX_CONNECTIONS	19000	/* kept below the 20,000 open files a process may hold */
#define CONFIG_MAX_CAPACITY	200000	/* a venue's phones; past CONFIG_MAX_CONNECTIONS, edges hold them (docs/scale.md) */

/*
 * Phone controls a cue may enable: a bit set in struct config_cue.controls,
 * and an entry of config_cue.control_order. The enum's order means nothing
 * to phones: they show a cue's controls in the order its config lists them.
 */
enum control {
	CONTROL_TAP = 0,
	CONTROL_XY,
	CONTROL_SLIDER,
	CONTROL_SHAKE,
	CONTROL_VOTE,
	CONTROL_TEXT,		/* a short text for the stage screen, after moderation */
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
	SCENE_WALL,		/* "wall": crowd texts the moderators approved */
	SCENE_ISF,		/* "isf": an ISF shader file, its inputs bound to the crowd and the music */
	SCENE_COUNT
};

/* ---- stage look (docs/config.md, "theme" and a cue's "transition" and "isf") ---- */

#define CONFIG_PALETTE_MAX	8	/* zone and poll option colours, in order */
#define CONFIG_ISF_BINDINGS_MAX	16	/* an ISF scene's inputs bound by name */
#define CONFIG_ISF_NAME_MAX	63	/* an ISF input's name, and a binding's source name */

/* How the stage screen goes from the previous cue's scene to this one's. */
enum transition {
	TRANSITION_CUT = 0,	/* "cut": at once */
	TRANSITION_FADE,	/* "fade": a cross-fade */
	TRANSITION_WIPE,	/* "wipe": a soft edge sweeping left to right */
	TRANSITION_ZOOM,	/* "zoom": the new scene grows out of the centre */
	TRANSITION_COUNT
};

struct config_transition {
	enum transition type;
	double seconds;			/* 0 with "cut" */
};

/* A venue's look on the stage screen; every colour 0xRRGGBB. */
struct config_theme {
	uint32_t background;		/* behind every scene */
	uint32_t text;			/* titles, options, counts */
	uint32_t accent;		/* the join URL, prompts, highlights */
	uint32_t palette[CONFIG_PALETTE_MAX];	/* zone i and poll option i: palette[i % palette_count] */
	uint32_t palette_count;		/* >= 1 */
	char title_font[CONFIG_PATH_MAX];	/* resolved TrueType paths; "" = the bundled font */
	char body_font[CONFIG_PATH_MAX];
	char logo[CONFIG_PATH_MAX];	/* resolved PNG path; "" = none */
	char join_title[CONFIG_TEXT_MAX + 1];	/* the join screen's call to action, "Join in" by default */
	char join_prompt[CONFIG_TEXT_MAX + 1];	/* a line under it; may be "" */
	struct config_transition transition;	/* for cues that set none */
};

/*
 * One ISF input bound to a live value: @source is a name such as
 * "music.level" or "zone.floor.taps_per_s" (docs/config.md lists them).
 * With @has_range, the source's [range_lo, range_hi] maps linearly onto
 * the input's MIN..MAX; otherwise the value is taken as it is. Either way
 * it is clamped to the input's MIN..MAX when the shader gives them.
 */
struct config_isf_binding {
	char input[CONFIG_ISF_NAME_MAX + 1];
	char source[CONFIG_ISF_NAME_MAX + 1];
	bool has_range;
	float range_lo, range_hi;
};

struct config_isf {
	char file[CONFIG_PATH_MAX];	/* resolved path of the .fs file */
	struct config_isf_binding bindings[CONFIG_ISF_BINDINGS_MAX];
	uint32_t binding_count;
};

/* ---- stage audio (docs/config.md, "audio", "safety" and a cue's "audio") ---- */

#define CONFIG_MAX_STEMS	16	/* per cue */
#define CONFIG_MAX_SAMPLES	16	/* one-shots per cue */
#define CONFIG_MAX_MAPPINGS	16	/* per cue */
#define CONFIG_MAX_CLIPS	128	/* distinct audio files in a show */

/* Crowd (or live-input) aggregates a mapping or trigger reads. */
enum audio_source {
	SOURCE_TAPS_PER_S = 0,		/* "taps_per_s": venue, 0.. */
	SOURCE_TEMPO_BPM,		/* "tempo_bpm": crowd tapping tempo, 0 when none */
	SOURCE_ACTIVE_SHARE,		/* "active_share": active / participants, 0..1 */
	SOURCE_SHAKE_ENERGY,		/* "shake_energy": 0..1 */
	SOURCE_X_MEDIAN,		/* "x_median", "y_median", "slider_median": 0..1 */
	SOURCE_Y_MEDIAN,
	SOURCE_SLIDER_MEDIAN,
	SOURCE_X_MEAN,			/* "x_mean", "y_mean", "slider_mean": 0..1 */
	SOURCE_Y_MEAN,
	SOURCE_SLIDER_MEAN,
	SOURCE_POLL_SHARE,		/* "poll_share:N": share of option N in the cue's poll, 0..1 */
	SOURCE_POLL_LEADER,		/* "poll_leader": leading (or winning) option index, -1 none */
	SOURCE_ZONE_ACTIVITY,		/* "zone_activity:ZONE": active / participants in ZONE, 0..1 */
	SOURCE_ZONE_TAPS,		/* "zone_taps:ZONE": taps per second in ZONE */
	SOURCE_INPUT_LEVEL,		/* "input_level": live input RMS, 0..1 */
	SOURCE_COUNT
};

/* Sound parameters a mapping drives. */
enum audio_target {
	TARGET_MASTER_GAIN = 0,		/* "master_gain": dB, <= 0 */
	TARGET_STEM_GAIN,		/* "stem_gain:STEM": dB */
	TARGET_FILTER_CUTOFF,		/* "filter_cutoff": Hz */
	TARGET_FILTER_RESONANCE,	/* "filter_resonance": 0..1 */
	TARGET_DELAY_MIX,		/* "delay_mix": 0..1 */
	TARGET_DELAY_FEEDBACK,		/* "delay_feedback": 0..0.95 */
	TARGET_DELAY_TIME,		/* "delay_time": seconds, 0.01..2 */
	TARGET_PLAYBACK_RATE,		/* "playback_rate": within safety limits */
	TARGET_COUNT
};

enum audio_curve {
	CURVE_LINEAR = 0,		/* "linear" */
	CURVE_EXP,			/* "exp": even steps in ratio (frequencies, rates) */
	CURVE_SMOOTH,			/* "smooth": smoothstep, gentle at both ends */
	CURVE_COUNT
};

struct config_stem {
	char id[CONFIG_ID_MAX + 1];
	uint32_t clip;			/* index into venue_config.clips */
	double gain_db;			/* base gain */
	int choice;			/* -1: always plays; N: plays while the cue's poll
					 * leader (or winner) is option N */
};

enum sample_trigger {
	TRIGGER_RISE = 0,		/* "rise": source goes above "above" */
	TRIGGER_ZONE_LOUDEST,		/* "zone_loudest": ZONE becomes the zone tapping most */
};

struct config_sample {
	char id[CONFIG_ID_MAX + 1];
	uint32_t clip;
	double gain_db;
	enum sample_trigger trigger;
	enum audio_source source;	/* TRIGGER_RISE */
	int source_arg;			/* option or zone index for the source, else -1 */
	double above;			/* TRIGGER_RISE threshold; re-arms below 80 % of it */
	int zone;			/* TRIGGER_ZONE_LOUDEST: zone index */
	double cooldown_s;		/* at least this long between two plays */
};

struct config_mapping {
	enum audio_source source;
	int source_arg;			/* option or zone index, else -1 */
	enum audio_target target;
	int target_arg;			/* stem index in this cue for stem_gain, else -1 */
	double in_min, in_max;		/* source range, mapped to 0..1 and clamped */
	double out_min, out_max;	/* target range */
	enum audio_curve curve;
	double smoothing_s;		/* time constant */
	double crowd;			/* how far the crowd moves it:
					 * value = base + crowd * (mapped - base) */
	char label[CONFIG_TEXT_MAX + 1];	/* the console's name for it; "" = made from source and target */
};

/* A cue's sound: the artist's base settings, and what the crowd may move. */
struct config_cue_audio {
	struct config_stem stems[CONFIG_MAX_STEMS];
	uint32_t stem_count;
	struct config_sample samples[CONFIG_MAX_SAMPLES];
	uint32_t sample_count;
	struct config_mapping mappings[CONFIG_MAX_MAPPINGS];
	uint32_t mapping_count;
	double crossfade_s;		/* into this cue */
	double master_gain_db;		/* base values (the artist's) */
	double filter_cutoff_hz;
	double filter_resonance;
	double delay_time_s;
	double delay_feedback;
	double delay_mix;
	double playback_rate;
};

/* The venue's audio device. */
struct config_audio {
	char host_api[32];		/* "" = PortAudio's default; e.g. "JACK Audio Connection Kit", "ALSA" */
	char device[128];		/* "default" = the host API's default output */
	char fallback_device[128];	/* tried when the device is gone; "" = none */
	uint32_t sample_rate;
	uint32_t frames_per_buffer;
	uint32_t input_channels;	/* the artist's or mixer's feed */
	uint32_t output_channels;
};

/* What the show's journal keeps about the crowd, and for how long (docs/privacy.md). */
struct config_privacy {
	double retention_days;		/* after the show, who did what is kept this long */
};

/*
 * The link between a core and its edges over NATS (docs/scale.md). Only
 * `tutti run --cluster` and `tutti edge` use it.
 */
struct config_cluster {
	char url[CONFIG_PATH_MAX];	/* "" = --cluster gives it */
	char subject[64];		/* prefix of the show's subjects */
	char user[128], password[128], token[256];
	char ca_file[CONFIG_PATH_MAX];	/* TLS to NATS: "" = none */
	char cert_file[CONFIG_PATH_MAX], key_file[CONFIG_PATH_MAX];
	double edge_timeout_s;		/* a silent edge's phones are let go after this */
};

/* Limits nobody on stage or in the crowd can exceed. */
struct config_safety {
	double ceiling_dbfs;		/* output sample peak */
	double max_gain_rate_db_s;	/* how fast any gain may move */
	double min_playback_rate;
	double max_playback_rate;
	uint32_t max_flashes_per_s;	/* stage screen and phones, in any second */
	uint32_t max_red_flashes_per_s;	/* saturated red flashes */
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
	bool open_with_cue;		/* opens when its cue starts */
	double duration_s;		/* closes by itself after this; 0 = stays open */
	bool hide_results;		/* phones and the stage see no counts until the reveal */
	bool adhoc;			/* a console's slot ("adhoc-1"...): no cue has it, its text comes mid-show */
	uint32_t index;			/* position in venue_config.polls order */
};

/* ---- stage gear over OSC (docs/config.md, "osc" and a cue's "osc") ---- */

#define CONFIG_MAX_OSC_TARGETS	8
#define CONFIG_MAX_OSC_SENDS	16	/* per cue */
#define CONFIG_OSC_ADDRESS_MAX	63
#define CONFIG_MAX_OSC_ALLOWED	16	/* addresses the artist's controller may send from */

/* A lighting desk, VJ software or DAW listening for OSC over UDP. */
struct config_osc_target {
	char id[CONFIG_ID_MAX + 1];
	char host[64];			/* an IP address: nothing is looked up during the show */
	uint32_t port;
};

/* One OSC message a cue sends: a show value, mapped to a range, at a rate. */
struct config_osc_send {
	uint32_t target;		/* index into osc_targets */
	char address[CONFIG_OSC_ADDRESS_MAX + 1];	/* "/tutti/energy" */
	enum audio_source source;
	int source_arg;
	double in_min, in_max;		/* source range, mapped to 0..1 and clamped */
	double out_min, out_max;	/* sent as a float in this range */
	double rate_hz;			/* at most this often */
};

/* ---- the console (docs/config.md, "console") ---- */

#define CONFIG_HASH_MAX		128	/* a crypto_pwhash_str hash */

struct config_console {
	bool enabled;			/* a "console" section is present */
	char operator_hash[CONFIG_HASH_MAX];	/* Argon2id, from `tutti hash-password` */
	char artist_hash[CONFIG_HASH_MAX];	/* "" = no artist login */
	double session_ttl_s;		/* a login lasts this long */
};

/* ---- crowd text and its moderation (docs/config.md, "moderation") ---- */

#define CONFIG_TEXT_CHARS_MAX	140	/* longest crowd text a venue may allow, in characters */
#define CONFIG_TEXT_BYTES_MAX	(CONFIG_TEXT_CHARS_MAX * 4)	/* the same in UTF-8 bytes */
#define CONFIG_BANNED_MAX	512	/* banned words and phrases */
#define CONFIG_BANNED_BYTES	48	/* in one of them */
#define CONFIG_QUEUE_MAX	200	/* texts waiting for the moderators */
#define CONFIG_WALL_MAX		6	/* approved texts on the stage screen at once */

struct config_moderation {
	char banned[CONFIG_BANNED_MAX][CONFIG_BANNED_BYTES + 1];	/* words and phrases */
	uint32_t banned_count;
	uint32_t text_max_chars;
	double text_interval_s;		/* one text per participant this often */
	uint32_t queue_max;		/* more are refused with queue_full */
	uint32_t wall_size;
};

struct config_cue {
	char id[CONFIG_ID_MAX + 1];
	char title[CONFIG_TEXT_MAX + 1];
	char prompt[CONFIG_TEXT_MAX + 1];	/* shown on phones; may be "" */
	enum scene scene;
	uint32_t controls;		/* bit (1u << enum control) per enabled control */
	enum control control_order[CONTROL_COUNT];	/* the same controls, as the config lists them */
	uint32_t control_count;		/* entries in control_order */
	const struct config_poll *poll;	/* NULL, or into venue_config.polls */
	double advance_after_s;		/* 0 = stays until the operator moves on */
	int advance_to;			/* cue index auto-advance goes to */
	struct config_cue_audio audio;	/* no stems: silence (crossfaded) */
	struct config_osc_send osc[CONFIG_MAX_OSC_SENDS];
	uint32_t osc_count;
	struct config_transition transition;	/* into this cue's scene; the theme's when the cue sets none */
	struct config_isf isf;		/* the shader of an "isf" scene */
};

struct config_limits {
	double inputs_per_second;	/* per participant, sustained */
	double input_burst;		/* per participant, bucket size */
	double throttle_close_s;	/* over the rate this long: close 1008 */
	uint32_t max_message_bytes;	/* larger frames close with 1009 */
	uint32_t max_connections_per_address;
	uint32_t ipv6_prefix;		/* an IPv6 client is its address's first this many bits */
	uint32_t max_connections;	/* one process's hard socket cap, <= CONFIG_MAX_CONNECTIONS */
	double idle_ping_s;		/* a phone silent this long gets a WebSocket ping */
	double idle_hangup_s;		/* silent this long (no pong either): closed */
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
	double tick_hz;			/* show tick rate */
	double broadcast_hz;		/* state to phones that act (the full rate) */
	double calm_hz;			/* state to joined phones that do not act */
	double hidden_hz;		/* state to phones whose page is hidden */
	double active_window_s;		/* "active" = input within this */
	double resume_window_s;		/* a dropped participant may resume this long */
	struct config_limits limits;
	struct config_zone zones[CONFIG_MAX_ZONES];
	uint32_t zone_count;		/* >= 1; a config with none gets zone "all" */
	struct config_cue cues[CONFIG_MAX_CUES];
	uint32_t cue_count;		/* >= 1 */
	struct config_poll polls[CONFIG_MAX_POLLS + CONFIG_ADHOC_POLLS];
	uint32_t poll_count;		/* the config's polls, then CONFIG_ADHOC_POLLS ad-hoc slots */
	uint32_t adhoc_first;		/* index of the first ad-hoc slot: the config's own poll count */
	struct config_audio audio;
	struct config_safety safety;
	struct config_osc_target osc_targets[CONFIG_MAX_OSC_TARGETS];
	uint32_t osc_target_count;
	struct config_console console;
	struct config_moderation moderation;
	struct config_privacy privacy;
	struct config_cluster cluster;
	struct config_theme theme;
	uint32_t osc_input_port;	/* 0 = no OSC input */
	char osc_allowed[CONFIG_MAX_OSC_ALLOWED][64];	/* IP addresses OSC input is taken from */
	uint32_t osc_allowed_count;
	char clips[CONFIG_MAX_CLIPS][CONFIG_PATH_MAX];	/* resolved audio file paths */
	uint32_t clip_count;
};

/* One problem found while loading. */
struct config_error {
	char pointer[192];		/* JSON pointer ("" for the document), or "" for syntax */
	int line, column;		/* > 0 for syntax errors only */
	char message[384];		/* room for the allowed names after an unknown one */
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

/*
 * What is likely a mistake in a valid @cfg, added to @warnings as errors
 * are (zeroed by the caller, freed with config_errors_free()): a control
 * whose input nothing in its cue reads, neither its scene nor its sound nor
 * its OSC messages ("text" outside a "wall" cue, say). Returns how many
 * were added. `tutti check` prints them and still exits 0; `tutti run`
 * logs them at start-up.
 */
size_t config_warnings(const struct venue_config *cfg, struct config_errors *warnings);

/* Names used in JSON and in the protocol; NULL for out-of-range values. */
const char *control_name(enum control c);
const char *scene_name(enum scene s);
/* Reverse lookups; return -1 when the name is unknown. */
int control_from_name(const char *name);
int scene_from_name(const char *name);
/* "cut", "fade", "wipe", "zoom"; NULL out of range. The reverse: -1 when unknown. */
const char *transition_name(enum transition t);
int transition_from_name(const char *name);
/*
 * The controls in @enabled (bits of enum control) in the order phones show
 * them, into @out; returns how many. First any that cue @c does not list (the
 * console's ad-hoc poll adds "vote": the question the venue is asking now
 * goes on top), then the cue's own in the order of its config's "controls".
 */
uint32_t config_cue_controls_ordered(const struct config_cue *c, uint32_t enabled,
				     enum control out[CONTROL_COUNT]);
/* True for the show's last cue: the last of the list, and it does not advance by itself. */
bool config_cue_is_final(const struct venue_config *cfg, int index);

const char *audio_source_name(enum audio_source s);
const char *audio_target_name(enum audio_target t);
/*
 * A sound parameter of @cue by the name mappings use: "filter_cutoff", or
 * "stem_gain:ID" for one of the cue's stems. 0 with *@t, and *@stem (the
 * stem's index, -1 for other targets); CONFIG_TARGET_UNKNOWN for a name
 * that is no target, CONFIG_TARGET_NO_STEM for stem_gain without a stem
 * of this cue, CONFIG_TARGET_EXTRA_ARG for an argument on any other.
 */
enum { CONFIG_TARGET_UNKNOWN = -1, CONFIG_TARGET_NO_STEM = -2, CONFIG_TARGET_EXTRA_ARG = -3 };
int config_target_resolve(const struct config_cue *cue, const char *name, enum audio_target *t, int *stem);
/*
 * The range a target may take, in its own unit (playback rate: the venue's
 * safety limits). Mappings are checked against it, and the artist's live
 * values are clamped to it.
 */
void config_target_range(const struct venue_config *cfg, enum audio_target t, double *lo, double *hi);
const char *audio_curve_name(enum audio_curve c);

/* Index of the zone with @id, or -1. */
/*
 * Writes the text of ad-hoc poll slot @poll (an index >= adhoc_first):
 * @question and @option_count options. The net thread is the only writer,
 * and writes a slot only while no frame shows it (the console picks the
 * slot used least recently), so the stage thread never reads it half
 * written. 0, or -1 when @poll is not an ad-hoc slot.
 */
int config_adhoc_poll_write(const struct venue_config *cfg, uint32_t poll, const char *question,
			    const char *const *options, uint32_t option_count);
int config_zone_index(const struct venue_config *cfg, const char *id);
/* Index of the cue with @id, or -1. */
int config_cue_index(const struct venue_config *cfg, const char *id);
/* The poll with @id, or NULL. */
const struct config_poll *config_poll_find(const struct venue_config *cfg, const char *id);

#endif
