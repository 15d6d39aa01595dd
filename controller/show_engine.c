/*
 * show_engine.c - the show with everything but the world outside, and its
 * tick. See show_engine.h.
 *
 * Thread: the driver's (the net thread in `run`, main in `rehearse`).
 */
#include "show_engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_engine.h"
#include "audio_map.h"
#include "console_alarms.h"
#include "crowd.h"
#include "crowd_sim.h"
#include "crowd_text.h"
#include "frame.h"
#include "journal_show.h"
#include "log.h"
#include "metrics.h"
#include "net_audience.h"
#include "phone_beat.h"
#include "safety.h"
#include "show.h"
#include "stage_font.h"
#include "stage_frame.h"
#include "stage_render.h"

#define INPUT_RATE_EVERY_S 0.25	/* the input rate the console and the journal show */

struct show_engine {
	struct show_engine_parts parts;	/* what drivers wire to */
	struct show_engine_options o;
	const struct venue_config *cfg;
	struct metrics metrics;
	struct crowd *crowd;
	struct show *show;
	struct audience audience;
	struct crowdtext *texts;	/* crowd text: the moderators' queue and the wall */
	uint8_t *drawable;		/* the stage font's coverage, for crowd text */
	struct sim *sim;
	struct engine *engine;		/* stage audio */
	struct audiomap *audiomap;
	struct console console;		/* operator and artist commands */
	struct alarms alarms;		/* for the console */
	struct safety *safety;		/* the venue's safety state */
	struct journal *journal;	/* the show's memory; NULL = none */
	struct journal_show *js;	/* what the show writes to it and reads back */
	struct journal_reader *reader;	/* phones' recaps, read from it (a live show's only) */
	bool journal_resumed;		/* it held this show when it was opened */
	double resumed_t;		/* the show time a resumed journal goes on from */
	uint32_t phone_flash_max;	/* phones' flashes allowed in any second now (safety sets it) */
	struct phone_beat beat;		/* the beat grid phones play */
	float limiter_max_db;		/* the limiter's largest gain reduction since the last loudness row */
	struct latency_hist latency_then;	/* the input-to-state latency at the last metrics row */
	double last_tick_s;
	double next_rate_s;
	struct show_frame frame;
	uint64_t tick;
	int64_t grid_tick;		/* the last tick's number on the show's tick grid (docs/journal.md) */
	struct stage_frame *stage;	/* built when the driver asks */
	uint32_t wall_generation;	/* the crowd-text wall last copied into the stage frame */
	char join_url[STAGE_URL_MAX];
};

static void frame_build(struct show_engine *se, double now)
{
	struct show_frame *f = &se->frame;

	f->tick = se->tick;
	f->t = now;
	f->cue_index = show_cue_index(se->show);
	f->cue_started = show_cue_started(se->show);
	f->cue_advance_at = show_cue_advance_at(se->show);
	/* A freeze from the safety panel wins: phones show "listening". */
	f->frozen = safety_state(se->safety)->freeze;
	f->controls = f->frozen ? 0 : show_controls(se->show);
	f->over = show_over(se->show);
	f->zone_count = se->cfg->zone_count;
	crowd_summarize(se->crowd, now, &f->venue, f->zones);
	memset(&f->poll, 0, sizeof(f->poll));
	if (show_poll_shown(se->show) >= 0)
		crowd_poll_tallies(se->crowd, (uint32_t)show_poll_shown(se->show), f->poll.tallies);
	show_poll_frame(se->show, &f->poll);
	memset(&f->adhoc_poll, 0, sizeof(f->adhoc_poll));
	f->adhoc_asking = show_poll_adhoc_shown(se->show) >= 0;
	if (f->adhoc_asking)
		crowd_poll_tallies(se->crowd, (uint32_t)show_poll_adhoc_shown(se->show), f->adhoc_poll.tallies);
	show_poll_frame_of(se->show, show_poll_adhoc_shown(se->show), &f->adhoc_poll);
}

static void on_safety_event(void *user, const struct safety_event *e)
{
	struct show_engine *se = user;

	if (se->js)
		journal_show_safety_event(se->js, e);
}

static void on_trigger(void *user, const struct audio_trigger *t)
{
	struct show_engine *se = user;

	engine_trigger(se->engine, t);
}

/* Show -> sound, sound -> show: parameters out, live-input features back. */
static void audio_tick(struct show_engine *se, double now)
{
	struct audio_params params;
	struct engine_feedback fb;
	struct frame_music *m = &se->frame.music;
	bool got = false;

	audiomap_update(se->audiomap, &se->frame, now - se->last_tick_s, &params, on_trigger, se);
	se->last_tick_s = now;
	engine_params_publish(se->engine, &params);
	while (engine_feedback_pop(se->engine, &fb)) {
		got = true;
		if (fb.limiter_max_db > se->limiter_max_db)
			se->limiter_max_db = fb.limiter_max_db;
	}
	if (got)
		*m = fb.music;
	/*
	 * Phones play the beat grid themselves; during an audio cue they flash
	 * on it, every so many beats that no phone flashes more than the
	 * venue's limit (or the console's stricter policy) in any second.
	 */
	phone_beat_update(&se->beat, now, m->bpm, m->beats,
			  show_cue(se->show)->scene == SCENE_AUDIO ? se->phone_flash_max : 0);
	se->frame.beat = se->beat.grid;
}

/*
 * The tick's number on the show's grid, where tick n is at show time
 * n / tick_hz: a virtual clock's ticks are on it exactly; a live tick takes
 * the nearest, and a late one never the number of the tick before it.
 */
static int64_t grid_tick(struct show_engine *se, double now)
{
	int64_t n = llround(now * se->cfg->tick_hz);

	se->grid_tick = n > se->grid_tick ? n : se->grid_tick + 1;
	return se->grid_tick;
}

void show_engine_tick(struct show_engine *se, double now)
{
	int64_t n = grid_tick(se, now);
	struct engine_stats es;

	journal_set_tick(se->journal, n);
	se->tick++;
	safety_apply(se->safety);
	/* After safety, like a phone's message between two ticks: a freeze reaches the crowd next tick. */
	if (se->o.inputs)
		se->o.inputs(se->o.user, se, now);
	if (se->sim)
		sim_tick(se->sim, now);
	show_tick(se->show, now);
	engine_stats_get(se->engine, &es);
	if (journal_show_tick(se->js, now, &(struct journal_show_metrics){
		.participants = crowd_connected(se->crowd), .active = se->frame.venue.active,
		.inputs_per_s = se->metrics.inputs_per_s, .tick_max_ms = se->metrics.tick_seconds_max * 1e3,
		.loudness = &es.loudness, .limiter_max_db = se->limiter_max_db,
		.latency = &se->metrics.input_to_state, .latency_then = &se->latency_then })) {
		se->limiter_max_db = 0;
		se->latency_then = se->metrics.input_to_state;
	}
	crowd_tick(se->crowd, now);
	frame_build(se, now);
	audio_tick(se, now);
	if (now >= se->next_rate_s) {
		se->next_rate_s = now + INPUT_RATE_EVERY_S;
		metrics_inputs_rate_update(&se->metrics, now);
	}
	/* What arrives before the next tick is first seen by it. */
	journal_set_tick(se->journal, n + 1);
}

void show_engine_flash_second(struct show_engine *se, double second, uint64_t held, uint64_t red_dropped)
{
	journal_show_flash(se->js, second, held, red_dropped);
}

uint64_t show_engine_console(struct show_engine *se, enum console_role role, const char *who, const char *text,
			     size_t len, double now, struct console_reply *reply)
{
	console_execute(&se->console, role, who, text, len, now, reply);
	return journal_show_console(se->js, role, text, len, reply->ok, now);
}

void show_engine_set_join_url(struct show_engine *se, const char *url)
{
	snprintf(se->join_url, sizeof(se->join_url), "%s", url);
}

const struct stage_frame *show_engine_stage_frame(struct show_engine *se, double now)
{
	struct stage_frame *s = se->stage;

	s->show = se->frame;
	s->participants = crowd_connected(se->crowd);
	s->blackout = safety_state(se->safety)->blackout;
	s->max_flashes_per_s = (uint8_t)safety_state(se->safety)->max_flashes_per_s;
	s->max_red_flashes_per_s = (uint8_t)safety_state(se->safety)->max_red_flashes_per_s;
	memcpy(s->join_url, se->join_url, sizeof(s->join_url));
	stage_frame_copy_wall(s, se->texts, &se->wall_generation);
	s->dot_count = crowd_dots(se->crowd, now, s->dots, se->cfg->capacity);
	return s;
}

const struct show_engine_parts *show_engine_parts(const struct show_engine *se)
{
	return &se->parts;
}

double show_engine_resumed_t(const struct show_engine *se)
{
	return se->resumed_t;
}

int show_engine_journal_start(struct show_engine *se, journal_commit_fn *on_commit, void *user)
{
	if (se->journal && journal_start(se->journal, on_commit, user) != 0) {
		log_error("journal: cannot start its writer thread");
		return -1;
	}
	if (se->reader && journal_reader_start(se->reader, on_commit, user) != 0) {
		log_error("journal: cannot start the thread that reads phones' recaps");
		return -1;
	}
	return 0;
}

/* The stage audio: every audio file of the show decoded now, never during it. */
static int audio_create(struct show_engine *se)
{
	char err[512];

	se->engine = engine_create(se->cfg, se->cfg->audio.sample_rate, err, sizeof(err));
	if (!se->engine) {
		log_error("audio: %s", err);
		return -1;
	}
	se->audiomap = audiomap_create(se->cfg);
	return se->audiomap ? 0 : -1;
}

static int journal_begin(struct show_engine *se)
{
	const struct show_engine_options *o = &se->o;

	if (!o->journal_path)
		return 0;
	se->journal = journal_show_open(o->journal_path, o->config_path, se->cfg->name, o->journal_fresh,
					o->journal_offline, &se->journal_resumed);
	return se->journal ? 0 : -1;
}

static int simulate(struct show_engine *se)
{
	uint32_t n = se->o.simulate;

	if (!n)
		return 0;
	if (n > se->cfg->capacity) {
		log_warn("simulating %u phones is over the venue capacity %u: simulating %u", n, se->cfg->capacity,
			 se->cfg->capacity);
		n = se->cfg->capacity;
	}
	se->sim = sim_create(&se->audience, n, se->o.seed, se->resumed_t);
	return se->sim ? 0 : -1;
}

struct show_engine *show_engine_create(const struct show_engine_options *o)
{
	struct show_engine *se = calloc(1, sizeof(*se));
	const struct venue_config *cfg = o->cfg;
	/* Room for a full venue plus as many phones again waiting to resume. */
	uint32_t table_size = cfg->capacity * 2 + 64;
	char err[256];

	if (!se)
		return NULL;
	se->o = *o;
	se->cfg = cfg;
	se->grid_tick = -1;
	se->crowd = crowd_create(cfg, table_size);
	se->show = show_create(cfg, 0);
	se->texts = crowdtext_create(&cfg->moderation, table_size);
	if (se->crowd && o->seeded_identities)
		crowd_seed_identities(se->crowd, o->seed);
	se->stage = calloc(1, stage_frame_size(cfg->capacity));
	if (!se->crowd || !se->show || !se->texts || !se->stage)
		goto fail;
	if (journal_begin(se) != 0)
		goto fail;
	audience_init(&se->audience, cfg, se->crowd, se->show, &se->metrics, se->texts, se->journal);
	/* A rehearsal's simulated phones ask for no recap. */
	if (se->journal && !o->journal_offline) {
		se->reader = journal_reader_create(o->journal_path, se->journal);
		if (!se->reader)
			goto fail;
		se->audience.reader = se->reader;
	}
	/* Before any render thread: SDL_ttf is not shared between threads. */
	se->drawable = stagefont_coverage(o->font_path, err, sizeof(err));
	if (!se->drawable)
		log_warn("crowd text: %s; texts are not cut to what the stage can draw", err);
	crowdtext_set_drawable(se->texts, se->drawable);
	phone_beat_init(&se->beat);
	se->phone_flash_max = cfg->safety.max_flashes_per_s;
	if (audio_create(se) != 0)
		goto fail;
	se->safety = safety_create(cfg, &(struct safety_wiring){ .audiomap = se->audiomap,
		.audience = &se->audience, .phone_flash_max = &se->phone_flash_max, .on_event = on_safety_event,
		.user = se });
	if (!se->safety)
		goto fail;
	alarms_init(&se->alarms);
	console_init(&se->console, &(struct console_wiring){ .cfg = cfg, .show = se->show,
		.audiomap = se->audiomap, .audience = &se->audience, .texts = se->texts,
		.alarms = &se->alarms, .safety = se->safety });
	if (se->journal) {
		se->js = journal_show_begin(&(struct journal_show_wiring){ .cfg = cfg, .show = se->show,
			.crowd = se->crowd, .safety = se->safety, .console = &se->console }, se->journal,
			se->journal_resumed, &se->resumed_t);
		if (!se->js)
			goto fail;
		se->grid_tick = journal_resumed_tick(se->journal);
		journal_set_tick(se->journal, se->grid_tick + 1);
	}
	if (simulate(se) != 0)
		goto fail;
	se->parts = (struct show_engine_parts){ .crowd = se->crowd, .show = se->show, .audience = &se->audience,
		.texts = se->texts, .sim = se->sim, .engine = se->engine, .audiomap = se->audiomap,
		.console = &se->console, .alarms = &se->alarms, .safety = se->safety, .metrics = &se->metrics,
		.journal = se->journal, .frame = &se->frame, .tick = &se->tick };
	return se;
fail:
	show_engine_destroy(se);
	return NULL;
}

void show_engine_stop(struct show_engine *se, double now)
{
	if (!se)
		return;
	sim_destroy(se->sim);
	se->sim = se->parts.sim = NULL;
	journal_reader_destroy(se->reader);	/* before the journal it waits on closes */
	se->reader = se->audience.reader = NULL;
	if (se->journal)
		journal_show_end(se->js, now);
	journal_close(se->journal);	/* after the last push */
	se->journal = se->parts.journal = NULL;
	se->audience.journal = NULL;
}

void show_engine_destroy(struct show_engine *se)
{
	if (!se)
		return;
	show_engine_stop(se, se->frame.t);
	engine_destroy(se->engine);
	audiomap_destroy(se->audiomap);
	safety_destroy(se->safety);
	show_destroy(se->show);
	journal_show_destroy(se->js);
	crowdtext_destroy(se->texts);
	free(se->drawable);
	free(se->stage);
	crowd_destroy(se->crowd);
	free(se);
}
