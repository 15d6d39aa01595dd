/*
 * audio_map.h - from the show to the sound: each tick, turns the show frame
 * (crowd aggregates, poll, live-input features) into the stage audio's
 * parameters, following the current cue's "audio" section, and fires its
 * one-shot samples when their triggers say so.
 *
 * The artist's base values come from the cue; each mapping moves its
 * target from there by its "crowd" share; the venue's safety limits clamp
 * the result (and the engine enforces the ceiling and the gain rate).
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_AUDIO_MAP_H
#define TUTTI_AUDIO_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"

#define AUDIO_GAIN_OFF_DB -120.0f	/* a stem that should not sound */

/* Net thread -> audio thread, once per tick, through a triple buffer. */
struct audio_params {
	uint32_t cue;			/* cue whose stems play */
	uint32_t cue_generation;	/* +1 at every cue start: the engine crossfades */
	float crossfade_s;		/* into this cue */
	float stem_gain_db[CONFIG_MAX_STEMS];	/* per stem of the cue, AUDIO_GAIN_OFF_DB = silent */
	bool stem_on[CONFIG_MAX_STEMS];	/* false: faded out (a "choice" not chosen) */
	float master_gain_db;
	float filter_cutoff_hz;
	float filter_resonance;
	float delay_time_s;
	float delay_feedback;
	float delay_mix;
	float playback_rate;
	bool fade_to_silence;		/* master to silence at the safety gain rate */
	float ceiling_dbfs;		/* the output ceiling now: the venue's, or lower from the console */
};

/* A one-shot to play now. */
struct audio_trigger {
	uint32_t clip;
	float gain_db;
};

typedef void audiomap_trigger_fn(void *user, const struct audio_trigger *t);

struct audiomap;

/* NULL when out of memory. @cfg must outlive it. */
struct audiomap *audiomap_create(const struct venue_config *cfg);
void audiomap_destroy(struct audiomap *m);

/*
 * Computes @out for frame @f (@dt_s since the previous call) and calls
 * @trigger for each one-shot that fires. Deterministic for the same frames.
 */
void audiomap_update(struct audiomap *m, const struct show_frame *f, double dt_s,
		     struct audio_params *out, audiomap_trigger_fn *trigger, void *user);

/* The console's "fade to silence" (and back). Cannot be overridden by a mapping. */
void audiomap_set_fade_to_silence(struct audiomap *m, bool on);
/* The console lowers the output ceiling (never above the venue's; NAN = the venue's). */
void audiomap_set_ceiling(struct audiomap *m, double dbfs);
/*
 * The co-creation mix, live: mapping @mapping of cue @cue lets the crowd
 * move its parameter by @share (0 = the artist's value only, 1 = the
 * crowd's whole range; clamped), in place of the config's "crowd". NAN
 * goes back to the config's. 0, or -1 when there is no such mapping.
 */
int audiomap_set_crowd_share(struct audiomap *m, uint32_t cue, uint32_t mapping, double share);
/* The share in force; NAN when there is no such mapping. */
double audiomap_crowd_share(const struct audiomap *m, uint32_t cue, uint32_t mapping);

/*
 * The artist's live value of @target (stem @arg for stem_gain) in cue
 * @cue, in the target's unit, in place of the cue's config value: the
 * crowd's mappings then move the parameter from there. Clamped to the
 * target's range (master gain to 0 dB at most); NAN goes back to the
 * config's. 0, or -1 when the cue or stem does not exist.
 */
int audiomap_set_artist_value(struct audiomap *m, uint32_t cue, enum audio_target target, int arg,
			      double value);
/* The artist's value in force (the live one, or the config's); NAN when there is no such cue or stem. */
double audiomap_artist_value(const struct audiomap *m, uint32_t cue, enum audio_target target, int arg);
/* The range the artist's value of @target is clamped to: its own, and the master never above 0 dB. */
void audiomap_artist_range(const struct venue_config *cfg, enum audio_target target, double *lo, double *hi);
/* The cue's config value of @target (the artist's value before any live move). */
double audiomap_config_value(const struct venue_config *cfg, uint32_t cue, enum audio_target target, int arg);

/* @v through @map's input range and curve to its output range (before its crowd share and limits). */
double audiomap_mapped_value(const struct config_mapping *map, double v);
/* The value @source reads from @f (arg: option or zone index); NAN when it has no data. */
double audiomap_source_value(const struct show_frame *f, enum audio_source source, int arg);

#endif
