/*
 * frame.h - the show frame: one plain struct per tick that carries
 * everything downstream consumers need (phones' state, and later stage
 * audio, stage visuals and OSC). Built by the net thread; immutable once
 * published; no pointers, so it can be copied through a triple buffer.
 */
#ifndef TUTTI_FRAME_H
#define TUTTI_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Aggregates of one zone or of the whole venue. A field that has no data is < 0. */
struct crowd_summary {
	uint32_t participants;		/* phones joined now */
	uint32_t active;		/* input within the active window */
	double taps_per_s;		/* over the last two seconds */
	double tempo_bpm;		/* median of steady tappers' tempo, -1 if < 3 */
	uint32_t tempo_n;		/* steady tappers */
	uint32_t xy_n;			/* participants with a recent xy */
	double x_mean, y_mean, x_median, y_median;
	uint32_t slider_n;
	double slider_mean, slider_median;
	uint32_t shake_n;		/* phones shaking in the last two seconds */
	double shake_energy;		/* mean over active participants, 0..1 */
};

struct frame_poll {
	int index;			/* into venue_config.polls; -1 = no poll shown */
	bool open;
	double closes_at;		/* show time, -1 = no timer */
	uint32_t tallies[CONFIG_POLL_OPTIONS_MAX];
	uint32_t total;
	int winner;			/* option index once closed and revealed; -1 while open, held, tied or vetoed */
	bool revealed;			/* closed and its result shown */
	bool vetoed;			/* the artist rejected the result: the cue plays its default */
	bool hidden;			/* counts held back from phones and the stage until the reveal */
	uint32_t round;			/* the poll's resets so far: a new round, a fresh vote */
};

/* What the audio engine reports back (live-input analysis and health). */
struct frame_music {
	float level;			/* live input RMS, 0..1 */
	float peak;			/* live input peak, 0..1 */
	float bands[4];			/* live input band energies, 0..1 (low, low-mid, high-mid, high) */
	float bpm;			/* live input tempo, 0 = unknown */
	uint32_t beats;			/* beats detected so far (a counter) */
	uint32_t onsets;		/* onsets detected so far (a counter) */
	float output_peak_dbfs;		/* stage output, after the limiter */
	float limiter_db;		/* gain reduction now, <= 0 */
};

/*
 * The beat grid phones play by themselves (phone_beat.h): beats at show
 * times at + i * period; a flash on every flash_every-th (0 = none).
 */
struct frame_beat {
	bool on;			/* false: no steady beat */
	double at;			/* a beat, show seconds */
	double period;			/* seconds */
	uint32_t flash_every;
};

struct show_frame {
	uint64_t tick;
	double t;			/* show time of the tick, seconds */
	int cue_index;
	double cue_started;		/* show time, seconds */
	double cue_advance_at;		/* show time, -1 = no auto-advance */
	uint32_t controls;		/* enabled phone controls now (none while frozen) */
	bool frozen;			/* the venue froze the phones' controls ("listening") */
	bool over;			/* the show is over: phones turn to their recap */
	struct crowd_summary venue;
	struct crowd_summary zones[CONFIG_MAX_ZONES];
	uint32_t zone_count;
	struct frame_poll poll;		/* the cue's: the sound, OSC and the stage follow it */
	/* The console's ad-hoc poll, which phones see over the cue's while @adhoc_asking (false when zeroed). */
	bool adhoc_asking;
	struct frame_poll adhoc_poll;
	struct frame_music music;
	struct frame_beat beat;		/* phones' beat grid (phone_beat.h) */
};

#endif
