/*
 * audio_map.c - show frame to audio parameters and one-shot triggers.
 * See audio_map.h. Thread: net thread only.
 */
#include "audio_map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REARM_FRACTION	0.8	/* a "rise" trigger re-arms below 80 % of its threshold */
#define LOUDEST_MIN_TAPS 0.5	/* a zone must tap at least this much to be "loudest" */

struct sample_state {
	bool armed;
	double last_fired;		/* show time of the last play, -inf at first */
};

struct audiomap {
	const struct venue_config *cfg;
	int cue;			/* cue of the previous update, -1 at first */
	uint32_t generation;
	double now;			/* sum of dt: audiomap's own clock */
	double smoothed[CONFIG_MAX_MAPPINGS];	/* per mapping of the current cue */
	double held[CONFIG_MAX_MAPPINGS];	/* last value a source had, for when it has none */
	struct sample_state samples[CONFIG_MAX_SAMPLES];
	int loudest_zone;
	bool fade_to_silence;
	float mix[CONFIG_MAX_CUES][CONFIG_MAX_MAPPINGS];	/* console's crowd share, NAN = the config's */
	float artist[CONFIG_MAX_CUES][TARGET_COUNT];	/* artist's live values, NAN = the config's */
	float artist_stem[CONFIG_MAX_CUES][CONFIG_MAX_STEMS];
	double ceiling_dbfs;		/* console's output ceiling, NAN = the venue's */
};

struct audiomap *audiomap_create(const struct venue_config *cfg)
{
	struct audiomap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cfg = cfg;
	m->cue = -1;
	m->loudest_zone = -1;
	m->ceiling_dbfs = NAN;
	for (uint32_t c = 0; c < CONFIG_MAX_CUES; c++) {
		for (uint32_t i = 0; i < CONFIG_MAX_MAPPINGS; i++)
			m->mix[c][i] = NAN;
		for (uint32_t t = 0; t < TARGET_COUNT; t++)
			m->artist[c][t] = NAN;
		for (uint32_t st = 0; st < CONFIG_MAX_STEMS; st++)
			m->artist_stem[c][st] = NAN;
	}
	return m;
}

void audiomap_destroy(struct audiomap *m)
{
	free(m);
}

void audiomap_set_fade_to_silence(struct audiomap *m, bool on)
{
	m->fade_to_silence = on;
}

void audiomap_set_ceiling(struct audiomap *m, double dbfs)
{
	m->ceiling_dbfs = dbfs;
}

int audiomap_set_crowd_share(struct audiomap *m, uint32_t cue, uint32_t mapping, double share)
{
	if (cue >= m->cfg->cue_count || mapping >= m->cfg->cues[cue].audio.mapping_count)
		return -1;
	m->mix[cue][mapping] = isnan(share) ? NAN : (float)(share < 0 ? 0 : share > 1 ? 1 : share);
	return 0;
}

double audiomap_crowd_share(const struct audiomap *m, uint32_t cue, uint32_t mapping)
{
	if (cue >= m->cfg->cue_count || mapping >= m->cfg->cues[cue].audio.mapping_count)
		return NAN;
	return isnan(m->mix[cue][mapping]) ? m->cfg->cues[cue].audio.mappings[mapping].crowd :
	       m->mix[cue][mapping];
}

static int poll_leader(const struct frame_poll *p)
{
	int best = -1;
	uint32_t best_n = 0;

	if (p->index < 0 || p->vetoed)
		return -1;	/* a vetoed result plays the cue's default */
	if (!p->open && p->revealed)
		return p->winner;
	/* Open, or closed and held for the reveal: the sound follows who leads. */
	for (int o = 0; o < CONFIG_POLL_OPTIONS_MAX; o++) {
		if (p->tallies[o] > best_n) {
			best = o;
			best_n = p->tallies[o];
		}
	}
	return best;
}

static double share(uint32_t part, uint32_t whole)
{
	return whole ? (double)part / whole : 0.0;
}

double audiomap_source_value(const struct show_frame *f, enum audio_source source, int arg)
{
	const struct crowd_summary *v = &f->venue;

	switch (source) {
	case SOURCE_TAPS_PER_S:
		return v->taps_per_s;
	case SOURCE_TEMPO_BPM:
		return v->tempo_bpm > 0 ? v->tempo_bpm : NAN;
	case SOURCE_ACTIVE_SHARE:
		return share(v->active, v->participants);
	case SOURCE_SHAKE_ENERGY:
		return v->shake_energy;
	case SOURCE_X_MEDIAN:
		return v->xy_n ? v->x_median : NAN;
	case SOURCE_Y_MEDIAN:
		return v->xy_n ? v->y_median : NAN;
	case SOURCE_SLIDER_MEDIAN:
		return v->slider_n ? v->slider_median : NAN;
	case SOURCE_X_MEAN:
		return v->xy_n ? v->x_mean : NAN;
	case SOURCE_Y_MEAN:
		return v->xy_n ? v->y_mean : NAN;
	case SOURCE_SLIDER_MEAN:
		return v->slider_n ? v->slider_mean : NAN;
	case SOURCE_POLL_SHARE:
		if (f->poll.index < 0 || arg < 0 || arg >= CONFIG_POLL_OPTIONS_MAX)
			return NAN;
		return share(f->poll.tallies[arg], f->poll.total);
	case SOURCE_POLL_LEADER:
		return poll_leader(&f->poll) >= 0 ? poll_leader(&f->poll) : NAN;
	case SOURCE_ZONE_ACTIVITY:
		if (arg < 0 || (uint32_t)arg >= f->zone_count)
			return NAN;
		return share(f->zones[arg].active, f->zones[arg].participants);
	case SOURCE_ZONE_TAPS:
		if (arg < 0 || (uint32_t)arg >= f->zone_count)
			return NAN;
		return f->zones[arg].taps_per_s;
	case SOURCE_INPUT_LEVEL:
		return f->music.level;
	default:
		return NAN;
	}
}

/* The artist's base value of @target in @a (stem gains are per stem). */
static double base_value(const struct config_cue_audio *a, enum audio_target target, int arg)
{
	switch (target) {
	case TARGET_MASTER_GAIN:
		return a->master_gain_db;
	case TARGET_STEM_GAIN:
		return (arg >= 0 && (uint32_t)arg < a->stem_count) ? a->stems[arg].gain_db : 0;
	case TARGET_FILTER_CUTOFF:
		return a->filter_cutoff_hz;
	case TARGET_FILTER_RESONANCE:
		return a->filter_resonance;
	case TARGET_DELAY_MIX:
		return a->delay_mix;
	case TARGET_DELAY_FEEDBACK:
		return a->delay_feedback;
	case TARGET_DELAY_TIME:
		return a->delay_time_s;
	case TARGET_PLAYBACK_RATE:
		return a->playback_rate;
	default:
		return 0;
	}
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static bool artist_target_exists(const struct audiomap *m, uint32_t cue, enum audio_target t, int arg)
{
	return cue < m->cfg->cue_count && (unsigned)t < TARGET_COUNT &&
	       (t != TARGET_STEM_GAIN || (arg >= 0 && (uint32_t)arg < m->cfg->cues[cue].audio.stem_count));
}

void audiomap_artist_range(const struct venue_config *cfg, enum audio_target target, double *lo, double *hi)
{
	config_target_range(cfg, target, lo, hi);
	if (target == TARGET_MASTER_GAIN)
		*hi = 0;	/* the master never boosts */
}

int audiomap_set_artist_value(struct audiomap *m, uint32_t cue, enum audio_target target, int arg,
			      double value)
{
	double lo, hi;

	if (!artist_target_exists(m, cue, target, arg))
		return -1;
	audiomap_artist_range(m->cfg, target, &lo, &hi);
	value = isnan(value) ? NAN : clamp(value, lo, hi);
	if (target == TARGET_STEM_GAIN)
		m->artist_stem[cue][arg] = (float)value;
	else
		m->artist[cue][target] = (float)value;
	return 0;
}

double audiomap_config_value(const struct venue_config *cfg, uint32_t cue, enum audio_target target, int arg)
{
	return cue < cfg->cue_count ? base_value(&cfg->cues[cue].audio, target, arg) : NAN;
}

double audiomap_artist_value(const struct audiomap *m, uint32_t cue, enum audio_target target, int arg)
{
	float live;

	if (!artist_target_exists(m, cue, target, arg))
		return NAN;
	live = target == TARGET_STEM_GAIN ? m->artist_stem[cue][arg] : m->artist[cue][target];
	return isnan(live) ? base_value(&m->cfg->cues[cue].audio, target, arg) : live;
}

/* Maps a source value through a mapping's ranges and curve. */
static double map_value(const struct config_mapping *map, double v)
{
	double span = map->in_max - map->in_min;
	double t = span != 0 ? clamp((v - map->in_min) / span, 0, 1) : 0;

	switch (map->curve) {
	case CURVE_EXP:
		if (map->out_min > 0 && map->out_max > 0)
			return map->out_min * pow(map->out_max / map->out_min, t);
		break;
	case CURVE_SMOOTH:
		t = t * t * (3 - 2 * t);
		break;
	default:
		break;
	}
	return map->out_min + t * (map->out_max - map->out_min);
}

double audiomap_mapped_value(const struct config_mapping *map, double v)
{
	return map_value(map, v);
}

static void fire(struct audiomap *m, uint32_t s, const struct config_sample *sample,
		 audiomap_trigger_fn *trigger, void *user)
{
	struct audio_trigger t = { .clip = sample->clip, .gain_db = (float)sample->gain_db };

	m->samples[s].last_fired = m->now;
	if (trigger)
		trigger(user, &t);
}

static int loudest_zone(const struct show_frame *f)
{
	int best = -1;
	double best_taps = LOUDEST_MIN_TAPS;

	for (uint32_t z = 0; z < f->zone_count; z++) {
		if (f->zones[z].taps_per_s > best_taps) {
			best = (int)z;
			best_taps = f->zones[z].taps_per_s;
		}
	}
	return best;
}

static void run_triggers(struct audiomap *m, const struct config_cue_audio *a,
			 const struct show_frame *f, audiomap_trigger_fn *trigger, void *user)
{
	int loudest = loudest_zone(f);

	for (uint32_t s = 0; s < a->sample_count; s++) {
		const struct config_sample *sample = &a->samples[s];
		struct sample_state *st = &m->samples[s];
		bool cooled = m->now - st->last_fired >= sample->cooldown_s;

		if (sample->trigger == TRIGGER_RISE) {
			double v = audiomap_source_value(f, sample->source, sample->source_arg);

			if (isnan(v))
				continue;
			if (v < sample->above * REARM_FRACTION)
				st->armed = true;
			if (st->armed && v >= sample->above && cooled) {
				st->armed = false;
				fire(m, s, sample, trigger, user);
			}
		} else if (loudest != m->loudest_zone && loudest == sample->zone && cooled) {
			fire(m, s, sample, trigger, user);
		}
	}
	m->loudest_zone = loudest;
}

static void start_cue(struct audiomap *m, int cue, const struct show_frame *f)
{
	const struct config_cue_audio *a = &m->cfg->cues[cue].audio;

	m->cue = cue;
	m->generation++;
	m->loudest_zone = loudest_zone(f);	/* a new cue does not fire for who led before */
	for (uint32_t i = 0; i < CONFIG_MAX_MAPPINGS; i++) {
		m->smoothed[i] = i < a->mapping_count ?
			audiomap_artist_value(m, (uint32_t)cue, a->mappings[i].target, a->mappings[i].target_arg) : 0;
		m->held[i] = NAN;
	}
	for (uint32_t s = 0; s < CONFIG_MAX_SAMPLES; s++) {
		m->samples[s].armed = false;	/* must first be seen below its threshold */
		m->samples[s].last_fired = -1e9;
	}
}

/* The current cue's artist value of @t. */
static double artist(const struct audiomap *m, enum audio_target t, int arg)
{
	return audiomap_artist_value(m, (uint32_t)m->cue, t, arg);
}

void audiomap_update(struct audiomap *m, const struct show_frame *f, double dt_s,
		     struct audio_params *out, audiomap_trigger_fn *trigger, void *user)
{
	const struct config_safety *safe = &m->cfg->safety;
	const struct config_cue_audio *a;
	double offset[TARGET_COUNT] = { 0 };
	double stem_offset[CONFIG_MAX_STEMS] = { 0 };
	int leader = poll_leader(&f->poll);

	m->now += dt_s > 0 ? dt_s : 0;
	if (f->cue_index != m->cue)
		start_cue(m, f->cue_index, f);
	a = &m->cfg->cues[m->cue].audio;

	for (uint32_t i = 0; i < a->mapping_count; i++) {
		const struct config_mapping *map = &a->mappings[i];
		double v = audiomap_source_value(f, map->source, map->source_arg);
		double base = audiomap_artist_value(m, (uint32_t)m->cue, map->target, map->target_arg), target, k;

		if (isnan(v))
			v = m->held[i];		/* no data now: keep where the crowd left it */
		else
			m->held[i] = v;
		/* The co-creation mix: how far the crowd may move it; the venue's limits still clamp below. */
		target = isnan(v) ? base : base + audiomap_crowd_share(m, (uint32_t)m->cue, i) *
					       (map_value(map, v) - base);
		k = map->smoothing_s > 0 ? 1 - exp(-dt_s / map->smoothing_s) : 1;
		m->smoothed[i] += (target - m->smoothed[i]) * k;
		if (map->target == TARGET_STEM_GAIN && map->target_arg >= 0)
			stem_offset[map->target_arg] += m->smoothed[i] - base;
		else
			offset[map->target] += m->smoothed[i] - base;
	}

	memset(out, 0, sizeof(*out));
	out->cue = (uint32_t)m->cue;
	out->cue_generation = m->generation;
	out->crossfade_s = (float)a->crossfade_s;
	for (uint32_t s = 0; s < a->stem_count; s++) {
		const struct config_stem *stem = &a->stems[s];
		int chosen = leader >= 0 ? leader : 0;	/* no votes yet: the first choice */

		out->stem_gain_db[s] = (float)clamp(artist(m, TARGET_STEM_GAIN, (int)s) + stem_offset[s], -120, 6);
		out->stem_on[s] = stem->choice < 0 || stem->choice == chosen;
	}
	/* The venue's limits are applied last and cannot be mapped past. */
	out->master_gain_db = (float)clamp(artist(m, TARGET_MASTER_GAIN, 0) + offset[TARGET_MASTER_GAIN], -120, 0);
	out->filter_cutoff_hz = (float)clamp(artist(m, TARGET_FILTER_CUTOFF, 0) + offset[TARGET_FILTER_CUTOFF],
					     20, 20000);
	out->filter_resonance = (float)clamp(artist(m, TARGET_FILTER_RESONANCE, 0) +
					     offset[TARGET_FILTER_RESONANCE], 0, 1);
	out->delay_time_s = (float)clamp(artist(m, TARGET_DELAY_TIME, 0) + offset[TARGET_DELAY_TIME], 0.01, 2);
	out->delay_feedback = (float)clamp(artist(m, TARGET_DELAY_FEEDBACK, 0) + offset[TARGET_DELAY_FEEDBACK],
					   0, 0.95);
	out->delay_mix = (float)clamp(artist(m, TARGET_DELAY_MIX, 0) + offset[TARGET_DELAY_MIX], 0, 1);
	out->playback_rate = (float)clamp(artist(m, TARGET_PLAYBACK_RATE, 0) + offset[TARGET_PLAYBACK_RATE],
					  safe->min_playback_rate, safe->max_playback_rate);
	out->fade_to_silence = m->fade_to_silence;
	/* Lower than the venue's, never higher. */
	out->ceiling_dbfs = (float)(isnan(m->ceiling_dbfs) || m->ceiling_dbfs > safe->ceiling_dbfs ?
				    safe->ceiling_dbfs : m->ceiling_dbfs);
	run_triggers(m, a, f, trigger, user);
}
