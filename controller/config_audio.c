/*
 * config_audio.c - the venue's audio device, and each cue's sound: stems,
 * one-shot samples and their triggers, and the mappings from crowd
 * aggregates to sound parameters. Also the names of sources, targets and
 * curves. See docs/config.md, "audio" and "A cue's audio".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"
#include "suggest.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static const char *const trigger_names[] = { "rise", "zone_loudest" };

/* KEY_RANGE fills two adjacent doubles. */
_Static_assert(offsetof(struct config_mapping, in_max) ==
	       offsetof(struct config_mapping, in_min) + sizeof(double), "from: in_min, in_max");
_Static_assert(offsetof(struct config_mapping, out_max) ==
	       offsetof(struct config_mapping, out_min) + sizeof(double), "to: out_min, out_max");

/* ---- the audio device ---- */

/* Any number, so that a near miss (4800, -48000, 48000.5) gets the rate it was meant as. */
static enum reader_got sample_rate_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	static const char *const rates[] = { "44100", "48000", "96000" };
	uint32_t *out = reader_field(o, k);
	char rate[32];
	const char *near;
	double x;
	enum reader_got got = reader_number(r, o->json, o->ptr, k->name, k->required, -DBL_MAX,
					    DBL_MAX, &x);

	if (got != GOT_OK)
		return got;
	snprintf(rate, sizeof(rate), "%.15g", x);
	if (reader_name_index(rates, 3, rate) >= 0) {
		*out = (uint32_t)x;
		return GOT_OK;
	}
	near = suggest_nearest(rate, rates, 3);
	return reader_key_fail(r, o, k, "must be 44100, 48000 or 96000, got %s%s%s%s", rate,
			       near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
}

static const struct reader_key audio_keys[] = {
	KEY_TEXT("host_api", false, struct config_audio, host_api, 0, NULL, NULL,
		 "PortAudio host API, exact or part of its name; \"\": PortAudio's default."),
	KEY_TEXT("device", false, struct config_audio, device, 1, "default", NULL,
		 "Output (and input) device, exact or part of its name."),
	KEY_TEXT("fallback_device", false, struct config_audio, fallback_device, 0, NULL, NULL,
		 "Tried when the device is gone; \"\": none."),
	KEY_WHOLE("sample_rate", false, struct config_audio, sample_rate, 44100, 96000, 48000,
		  sample_rate_read, "Engine and device rate: 44100, 48000 or 96000."),
	KEY_WHOLE("frames_per_buffer", false, struct config_audio, frames_per_buffer, 64, 1024,
		  128, NULL, "Block size: latency and the callback's time budget."),
	KEY_WHOLE("input_channels", false, struct config_audio, input_channels, 0, 2, 1, NULL,
		  "The artist's or mixer's feed for live analysis; 0: none."),
	KEY_WHOLE("output_channels", false, struct config_audio, output_channels, 1, 2, 2, NULL,
		  "To the PA."),
};
const struct reader_section config_audio_section = READER_SECTION("/audio", audio_keys, NULL);

/* ---- sources and targets ---- */

enum reader_got config_source_read(struct config_reader *r, json_t *obj, const char *ptr,
				   const char *key, enum audio_source *source, int *arg)
{
	const struct venue_config *cfg = r->cfg;
	const struct config_cue *c = r->cue;
	char kptr[READER_PTR_MAX], base[40];
	json_t *v = reader_value(r, obj, ptr, key, true, JSON_STRING, kptr);
	const char *a;
	int s;

	if (!v)
		return reader_missing(obj, key);
	reader_name_split(json_string_value(v), base, sizeof(base), &a);
	s = reader_name_index(source_names, SOURCE_COUNT, base);
	if (s < 0) {
		reader_fail_unknown(r, kptr, "source", base, source_names, SOURCE_COUNT);
		return GOT_BAD;
	}
	*source = (enum audio_source)s;
	*arg = -1;
	switch (s) {
	case SOURCE_POLL_SHARE: {
		char *end;
		long n = a ? strtol(a, &end, 10) : -1;

		if (!a || !*a || *end || n < 0) {
			reader_fail(r, kptr, "poll_share needs an option number, e.g. \"poll_share:0\"");
			return GOT_BAD;
		}
		if (!c->poll || n >= (long)c->poll->option_count) {
			reader_fail(r, kptr, "poll_share:%ld needs a poll in this cue with an option %ld", n, n);
			return GOT_BAD;
		}
		*arg = (int)n;
		return GOT_OK;
	}
	case SOURCE_ZONE_ACTIVITY:
	case SOURCE_ZONE_TAPS: {
		int z = a ? config_zone_index(cfg, a) : -1;

		if (!a || !*a) {
			reader_fail(r, kptr, "%s needs a zone, e.g. \"%s:%s\"", base, base, cfg->zones[0].id);
			return GOT_BAD;
		}
		if (z < 0) {
			const char *ids[CONFIG_MAX_ZONES + 1];

			for (uint32_t i = 0; i < cfg->zone_count; i++)
				ids[i] = cfg->zones[i].id;
			reader_fail_unknown(r, kptr, "zone", a, ids, (int)cfg->zone_count);
			return GOT_BAD;
		}
		*arg = z;
		return GOT_OK;
	}
	case SOURCE_POLL_LEADER:
		if (!c->poll) {
			reader_fail(r, kptr, "poll_leader needs this cue to have a poll");
			return GOT_BAD;
		}
		/* fall through */
	default:
		if (a) {
			reader_fail(r, kptr, "%s takes no \":%s\"", base, a);
			return GOT_BAD;
		}
		return GOT_OK;
	}
}

void config_source_range(const struct config_cue *c, enum audio_source s, double *lo,
			 double *hi)
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

int config_target_resolve(const struct config_cue *cue, const char *name, enum audio_target *t, int *stem)
{
	const struct config_cue_audio *ca = &cue->audio;
	char base[40];
	const char *arg;
	int i;

	reader_name_split(name, base, sizeof(base), &arg);
	*stem = -1;
	i = reader_name_index(target_names, TARGET_COUNT, base);
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

const char *audio_source_name(enum audio_source s)
{
	return (unsigned)s < SOURCE_COUNT ? source_names[s] : NULL;
}

const char *audio_target_name(enum audio_target t)
{
	return (unsigned)t < TARGET_COUNT ? target_names[t] : NULL;
}

const char *audio_curve_name(enum audio_curve c)
{
	return (unsigned)c < CURVE_COUNT ? curve_names[c] : NULL;
}

/* ---- audio files ---- */

/* Index of @resolved in cfg->clips, adding it once; -1 when the show has too many files. */
static int clip_index(struct config_reader *r, const char *resolved, const char *kptr)
{
	struct venue_config *cfg = r->cfg;

	for (uint32_t i = 0; i < cfg->clip_count; i++)
		if (strcmp(cfg->clips[i], resolved) == 0)
			return (int)i;
	if (cfg->clip_count == CONFIG_MAX_CLIPS) {
		reader_fail(r, kptr, "too many audio files in one show: at most %d", CONFIG_MAX_CLIPS);
		return -1;
	}
	snprintf(cfg->clips[cfg->clip_count], CONFIG_PATH_MAX, "%s", resolved);
	return (int)cfg->clip_count++;
}

/* "file": readable, resolved against the config's folder, stored once; its index into the row's uint32_t. */
static enum reader_got clip_file_read(struct config_reader *r, struct reader_object *o,
				      const struct reader_key *k)
{
	char kptr[READER_PTR_MAX], file[CONFIG_PATH_MAX], resolved[CONFIG_PATH_MAX];
	enum reader_got got = reader_string(r, o->json, o->ptr, k->name, k->required, 1,
					    CONFIG_PATH_MAX - 1, file);
	int i;

	if (got != GOT_OK)
		return got;
	reader_key_ptr(o, k, kptr);
	if (reader_file_check(r, file, kptr, resolved, sizeof(resolved)) != GOT_OK)
		return GOT_BAD;
	i = clip_index(r, resolved, kptr);
	if (i < 0)
		return GOT_BAD;
	*(uint32_t *)reader_field(o, k) = (uint32_t)i;
	return GOT_OK;
}

/* ---- stems ---- */

/* Stem and sample ids are unique within their cue; each earlier twin is reported. */
static enum reader_got item_id_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k, const void *first, size_t stride,
				    const char *what)
{
	const char *id = reader_field(o, k);
	char kptr[READER_PTR_MAX];
	enum reader_got got = reader_key_read(r, o, k);

	reader_key_ptr(o, k, kptr);
	for (size_t j = 0; got == GOT_OK && (j = reader_same_id(o, k, first, stride, j)) != SIZE_MAX; j++)
		reader_fail(r, kptr, "duplicate %s id \"%s\" in this cue", what, id);
	return got;
}

static enum reader_got stem_id_read(struct config_reader *r, struct reader_object *o,
				    const struct reader_key *k)
{
	const struct config_stem *stems = r->cue->audio.stems;

	return item_id_read(r, o, k, stems, sizeof(stems[0]), "stem");
}

static enum reader_got stem_choice_read(struct config_reader *r, struct reader_object *o,
					const struct reader_key *k)
{
	const struct config_cue *c = r->cue;
	struct config_stem *s = o->base;
	char kptr[READER_PTR_MAX];
	uint32_t choice;
	enum reader_got got = reader_whole(r, o->json, o->ptr, k->name, k->required,
					   (uint32_t)k->min, (uint32_t)k->max, &choice);

	if (got != GOT_OK)
		return got;
	reader_key_ptr(o, k, kptr);
	if (!c->poll) {
		reader_fail(r, kptr, "a \"choice\" needs this cue to have a poll");
		return GOT_BAD;
	}
	if (choice >= c->poll->option_count) {
		reader_fail(r, kptr, "the poll has %u options, got choice %u",
			    c->poll->option_count, choice);
		return GOT_BAD;
	}
	s->choice = (int)choice;
	return GOT_OK;
}

static const struct reader_key stem_keys[] = {
	KEY_ID("id", true, struct config_stem, id, stem_id_read,
	       "Unique within the cue; mappings name it as stem_gain:ID."),
	{ .name = "file", .kind = KEY_CUSTOM, .required = true, KEY_FIELD(struct config_stem, clip),
	  .handler = clip_file_read, .doc = "The loop." },
	KEY_NUMBER("gain_db", false, struct config_stem, gain_db, -60, 6, 0, NULL, "Its level."),
	KEY_INDEX("choice", false, struct config_stem, choice, 0, CONFIG_POLL_OPTIONS_MAX - 1, -1,
		  stem_choice_read, "Plays only while the cue's poll leads with this option."),
};
const struct reader_section config_stem_section =
	READER_SECTION("/cues/N/audio/stems/N", stem_keys, NULL);

/* ---- samples and their triggers ---- */

static enum reader_got sample_id_read(struct config_reader *r, struct reader_object *o,
				      const struct reader_key *k)
{
	const struct config_sample *samples = r->cue->audio.samples;

	return item_id_read(r, o, k, samples, sizeof(samples[0]), "sample");
}

static enum reader_got trigger_on_read(struct config_reader *r, struct reader_object *o,
				       const struct reader_key *k)
{
	struct config_sample *s = o->base;
	char kptr[READER_PTR_MAX], on[16];
	enum reader_got got = reader_string(r, o->json, o->ptr, k->name, k->required, 1,
					    sizeof(on) - 1, on);
	int t;

	if (got != GOT_OK)
		return got;
	t = reader_name_index(trigger_names, 2, on);
	if (t < 0) {
		reader_key_ptr(o, k, kptr);
		reader_fail_unknown(r, kptr, "trigger", on, trigger_names, 2);
		return GOT_BAD;
	}
	s->trigger = (enum sample_trigger)t;
	return GOT_OK;
}

/* Whether the trigger's "on" was read and is @t: the keys it needs depend on it. */
static bool trigger_is(const struct reader_object *o, enum sample_trigger t)
{
	const struct config_sample *s = o->base;

	return reader_got(o, "on") == GOT_OK && s->trigger == t;
}

static enum reader_got trigger_source_read(struct config_reader *r, struct reader_object *o,
					   const struct reader_key *k)
{
	struct config_sample *s = o->base;

	if (!trigger_is(o, TRIGGER_RISE))
		return GOT_NONE;
	return config_source_read(r, o->json, o->ptr, k->name, &s->source, &s->source_arg);
}

static enum reader_got trigger_above_read(struct config_reader *r, struct reader_object *o,
					  const struct reader_key *k)
{
	if (!trigger_is(o, TRIGGER_RISE))
		return GOT_NONE;
	return reader_number(r, o->json, o->ptr, k->name, true, k->min, k->max,
			     reader_field(o, k));
}

static enum reader_got trigger_zone_read(struct config_reader *r, struct reader_object *o,
					 const struct reader_key *k)
{
	const struct venue_config *cfg = r->cfg;
	struct config_sample *s = o->base;
	char kptr[READER_PTR_MAX], zone[CONFIG_ID_MAX + 1];
	enum reader_got got;

	if (!trigger_is(o, TRIGGER_ZONE_LOUDEST))
		return GOT_NONE;
	got = reader_id(r, o->json, o->ptr, k->name, true, zone);
	if (got != GOT_OK)
		return got;
	s->zone = config_zone_index(cfg, zone);
	if (s->zone < 0) {
		const char *ids[CONFIG_MAX_ZONES + 1];

		for (uint32_t i = 0; i < cfg->zone_count; i++)
			ids[i] = cfg->zones[i].id;
		reader_key_ptr(o, k, kptr);
		reader_fail_unknown(r, kptr, "zone", zone, ids, (int)cfg->zone_count);
		return GOT_BAD;
	}
	return GOT_OK;
}

static const struct reader_key trigger_keys[] = {
	KEY_CUSTOM("on", true, trigger_on_read, "\"rise\" or \"zone_loudest\"."),
	KEY_CUSTOM("source", false, trigger_source_read,
		   "rise: the SOURCE watched; required with rise."),
	KEY_NUMBER("above", false, struct config_sample, above, -1e6, 1e6, 0, trigger_above_read,
		   "rise: plays when the source goes above this; re-arms below 80 % of it."),
	KEY_INDEX("zone", false, struct config_sample, zone, 0, CONFIG_MAX_ZONES - 1, -1,
		  trigger_zone_read, "zone_loudest: plays when this zone becomes the loudest."),
};
const struct reader_section config_trigger_section =
	READER_SECTION("/cues/N/audio/samples/N/trigger", trigger_keys, NULL);

static const struct reader_key sample_keys[] = {
	KEY_ID("id", true, struct config_sample, id, sample_id_read, "Unique within the cue."),
	{ .name = "file", .kind = KEY_CUSTOM, .required = true, KEY_FIELD(struct config_sample, clip),
	  .handler = clip_file_read, .doc = "The one-shot." },
	KEY_NUMBER("gain_db", false, struct config_sample, gain_db, -60, 6, 0, NULL, "Its level."),
	KEY_INLINE("trigger", true, &config_trigger_section, "What makes it play."),
	KEY_NUMBER("cooldown_s", false, struct config_sample, cooldown_s, 0, 600, 2, NULL,
		   "At least this long between two plays."),
};
static void sample_init(void *base)
{
	struct config_sample *s = base;

	s->source_arg = -1;
}

const struct reader_section config_sample_section =
	READER_SECTION_INIT("/cues/N/audio/samples/N", sample_keys, NULL, sample_init);

/* ---- mappings ---- */

static enum reader_got mapping_source_read(struct config_reader *r, struct reader_object *o,
					   const struct reader_key *k)
{
	struct config_mapping *m = o->base;
	enum reader_got got = config_source_read(r, o->json, o->ptr, k->name, &m->source,
						 &m->source_arg);

	if (got == GOT_OK)
		config_source_range(r->cue, m->source, &m->in_min, &m->in_max);
	return got;
}

#define STEM_TARGET_MAX (sizeof("stem_gain:") + CONFIG_ID_MAX)

/*
 * The targets a mapping of @ca may name, for a message, into @names: each
 * stem as "stem_gain:ID" where stem_gain stands (none without stems), and
 * with @stems_only nothing else. @forms holds those. Returns the count.
 */
static int target_forms(const struct config_cue_audio *ca, bool stems_only,
			char forms[][STEM_TARGET_MAX], const char **names)
{
	int n = 0;

	for (int t = 0; t < TARGET_COUNT; t++) {
		if (t != TARGET_STEM_GAIN && !stems_only)
			names[n++] = target_names[t];
		for (uint32_t s = 0; t == TARGET_STEM_GAIN && s < ca->stem_count; s++) {
			if (!ca->stems[s].id[0])
				continue;	/* a stem whose id was refused: said already */
			snprintf(forms[s], STEM_TARGET_MAX, "stem_gain:%s", ca->stems[s].id);
			names[n++] = forms[s];
		}
	}
	return n;
}

static enum reader_got mapping_target_read(struct config_reader *r, struct reader_object *o,
					   const struct reader_key *k)
{
	const struct config_cue_audio *ca = &r->cue->audio;
	struct config_mapping *m = o->base;
	char kptr[READER_PTR_MAX], base[40], forms[CONFIG_MAX_STEMS][STEM_TARGET_MAX];
	const char *names[TARGET_COUNT + CONFIG_MAX_STEMS];
	json_t *v = reader_value(r, o->json, o->ptr, k->name, k->required, JSON_STRING, kptr);
	const char *a, *value;
	int n;

	if (!v)
		return reader_missing(o->json, k->name);
	value = json_string_value(v);
	reader_name_split(value, base, sizeof(base), &a);
	switch (config_target_resolve(r->cue, value, &m->target, &m->target_arg)) {
	case CONFIG_TARGET_UNKNOWN:
		n = target_forms(ca, false, forms, names);
		reader_fail_unknown(r, kptr, "target", value, names, n);
		return GOT_BAD;
	case CONFIG_TARGET_NO_STEM:
		n = target_forms(ca, true, forms, names);
		if (n)
			reader_fail_names(r, kptr, "stem_gain needs a stem of this cue", value, names, n);
		else
			reader_fail(r, kptr, "stem_gain needs a stem of this cue, and it has no \"stems\"");
		return GOT_BAD;
	case CONFIG_TARGET_EXTRA_ARG:
		reader_fail(r, kptr, "%s takes no \":%s\"", base, a);
		return GOT_BAD;
	default:
		return GOT_OK;
	}
}

/* Within the target's own range, so only once the target is known. */
static enum reader_got mapping_to_read(struct config_reader *r, struct reader_object *o,
				       const struct reader_key *k)
{
	struct config_mapping *m = o->base;
	char kptr[READER_PTR_MAX];
	double lo, hi;

	if (reader_got(o, "target") == GOT_OK) {
		config_target_range(r->cfg, m->target, &lo, &hi);
		return reader_range(r, o->json, o->ptr, k->name, true, lo, hi, &m->out_min,
				    &m->out_max);
	}
	if (!json_object_get(o->json, k->name)) {
		reader_key_ptr(o, k, kptr);
		reader_fail(r, kptr, "missing required key");
	}
	return GOT_NONE;
}

static enum reader_got mapping_curve_read(struct config_reader *r, struct reader_object *o,
					  const struct reader_key *k)
{
	struct config_mapping *m = o->base;
	char kptr[READER_PTR_MAX], curve[16];
	enum reader_got got = reader_string(r, o->json, o->ptr, k->name, k->required, 1,
					    sizeof(curve) - 1, curve);
	int t;

	if (got != GOT_OK)
		return got;
	reader_key_ptr(o, k, kptr);
	t = reader_name_index(curve_names, CURVE_COUNT, curve);
	if (t < 0)
		reader_fail_unknown(r, kptr, "curve", curve, curve_names, CURVE_COUNT);
	else
		m->curve = (enum audio_curve)t;
	if (t == CURVE_EXP && reader_got(o, "to") == GOT_OK && !(m->out_min > 0 && m->out_max > 0))
		reader_fail(r, kptr, "\"exp\" needs both ends of \"to\" above 0");
	return t < 0 ? GOT_BAD : GOT_OK;
}

static const struct reader_key mapping_keys[] = {
	KEY_CUSTOM("source", true, mapping_source_read, "What the crowd (or the live input) does."),
	KEY_CUSTOM("target", true, mapping_target_read, "What it moves."),
	KEY_RANGE("from", false, struct config_mapping, in_min, -1e6, 1e6, 0, 1, NULL,
		  "The source's range, mapped to 0..1 and clamped; default: by source."),
	KEY_RANGE("to", true, struct config_mapping, out_min, -1e6, 1e6, 0, 0, mapping_to_read,
		  "The target's range, within the target's own limits."),
	KEY_CUSTOM("curve", false, mapping_curve_read, "\"linear\" (default), \"exp\" or \"smooth\"."),
	KEY_NUMBER("smoothing_s", false, struct config_mapping, smoothing_s, 0, 10, 0.2, NULL,
		   "Time constant: how fast the sound follows the crowd."),
	KEY_NUMBER("crowd", false, struct config_mapping, crowd, 0, 1, 1, NULL,
		   "The co-creation share: 0 keeps the artist's value, 1 gives the crowd it all."),
	KEY_TEXT("label", false, struct config_mapping, label, 0, NULL, NULL,
		 "The console's name for it; default: made from its source and target."),
};
static void mapping_init(void *base)
{
	struct config_mapping *m = base;

	m->target_arg = -1;
}

const struct reader_section config_mapping_section =
	READER_SECTION_INIT("/cues/N/audio/mappings/N", mapping_keys, NULL, mapping_init);

/* ---- a cue's audio ---- */

/* Within the venue's safety limits. */
static enum reader_got playback_rate_read(struct config_reader *r, struct reader_object *o,
					  const struct reader_key *k)
{
	const struct config_safety *safe = &r->cfg->safety;

	return reader_number(r, o->json, o->ptr, k->name, k->required, safe->min_playback_rate,
			     safe->max_playback_rate, reader_field(o, k));
}

static const struct reader_key cue_audio_keys[] = {
	KEY_OBJECTS("stems", false, struct config_cue_audio, stems, stem_count, 0, CONFIG_MAX_STEMS,
		    "stems", &config_stem_section,
		    "Loops playing in this cue."),
	KEY_OBJECTS("samples", false, struct config_cue_audio, samples, sample_count, 0,
		    CONFIG_MAX_SAMPLES, "samples", &config_sample_section,
		    "One-shots and what triggers them."),
	KEY_OBJECTS("mappings", false, struct config_cue_audio, mappings, mapping_count, 0,
		    CONFIG_MAX_MAPPINGS, "mappings", &config_mapping_section,
		    "Crowd aggregates to sound parameters."),
	KEY_NUMBER("crossfade_s", false, struct config_cue_audio, crossfade_s, 0.05, 30, 2, NULL,
		   "Fade into this cue."),
	KEY_NUMBER("master_gain_db", false, struct config_cue_audio, master_gain_db, -60, 0, 0,
		   NULL, "The artist's master level in this cue."),
	KEY_NUMBER("filter_cutoff_hz", false, struct config_cue_audio, filter_cutoff_hz, 20, 20000,
		   20000, NULL, "Resonant low-pass cutoff; 20000: open."),
	KEY_NUMBER("filter_resonance", false, struct config_cue_audio, filter_resonance, 0, 1, 0,
		   NULL, "Its resonance."),
	KEY_NUMBER("delay_time_s", false, struct config_cue_audio, delay_time_s, 0.01, 2, 0.375,
		   NULL, "Echo time."),
	KEY_NUMBER("delay_feedback", false, struct config_cue_audio, delay_feedback, 0, 0.95, 0.3,
		   NULL, "Echo repeats."),
	KEY_NUMBER("delay_mix", false, struct config_cue_audio, delay_mix, 0, 1, 0, NULL,
		   "Echo level; 0: dry."),
	KEY_NUMBER("playback_rate", false, struct config_cue_audio, playback_rate, 0.5, 2, 1,
		   playback_rate_read, "Stem speed, within the safety limits."),
};
const struct reader_section config_cue_audio_section =
	READER_SECTION("/cues/N/audio", cue_audio_keys, NULL);
