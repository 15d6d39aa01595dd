/*
 * console_live.c - the console's live view, one builder per panel, and
 * GET /healthz. See console_live.h.
 *
 * Thread: net thread only.
 */
#include "console_live.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "audio_device.h"
#include "audio_engine.h"
#include "audio_map.h"
#include "cluster_core.h"
#include "console_alarms.h"
#include "console_commands.h"
#include "crowd_sanctions.h"
#include "crowd.h"
#include "crowd_sim.h"
#include "crowd_text.h"
#include "frame.h"
#include "journal.h"
#include "metrics.h"
#include "net_protocol.h"
#include "osc_in.h"
#include "osc_out.h"
#include "safety.h"
#include "show.h"
#include "stage_frame.h"
#include "stage_render.h"

#define LIVE_TEXTS_MAX	20	/* the oldest crowd texts waiting for the moderators */
#define LIVE_RECENT_MAX	20	/* participants who acted last */
#define LIVE_SANCTIONS_MAX 100	/* the newest mutes and removals listed (all are counted) */
#define LIVE_ACTIVITY_MAX 20	/* the newest console commands in the feed */
#define LIVE_ACTIVE_S	10	/* the live view's "active": an input within this */
#define LIVE_JSON_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(6))

/*
 * Upper bounds, in bytes, of the live view's parts whose size the config
 * does not fix, for console_live_estimate(). Numbers are at most 13
 * characters at the live view's precision; keys and punctuation included.
 */
#define EST_OTHER	4096	/* the cue's header, crowd numbers, safety, audio, stage, net */
#define EST_ZONE	120	/* a zone besides its id and name */
#define EST_ALARM	320	/* an alarm with its message */
#define EST_MAPPING	(180 + 2 * CONFIG_TEXT_MAX)	/* one co-creation mapping, its label included */
#define EST_CONTROL	(3 * CONFIG_ID_MAX + 140)	/* one artist control, its label included */
#define EST_TEXT	(CROWDTEXT_FROM_MAX + CONFIG_ID_MAX + 120)	/* a crowd text besides its text */
#define EST_TEXT_CHAR	4	/* a text's character: UTF-8 (control codes never reach the queue) */
#define EST_RECENT	16	/* one participant id */
#define EST_POLL_TALLY	4000000000u	/* a tally with all its digits */
#define EST_SANCTIONS	(LIVE_SANCTIONS_MAX * 40)	/* the muted and removed lists */
#define EST_ACTIVITY	(LIVE_ACTIVITY_MAX * 200)	/* the activity feed */

/* One render: what every panel reads. */
struct live_req {
	const struct console_live_sources *src;
	double now;
	bool operator;			/* moderation is the operator's */
};

/* A panel adds its keys to the live view, in the order the console has always had them. */
typedef void live_panel_fn(json_t *live, const struct live_req *r);

static size_t live_dump(json_t *j, char *out, size_t cap)
{
	size_t n = j ? json_dumpb(j, out, cap, LIVE_JSON_FLAGS) : 0;

	json_decref(j);
	return n < cap ? n : 0;
}

/* The bytes @j takes in the live view; takes @j over. */
static size_t live_size(json_t *j)
{
	size_t n = j ? json_dumpb(j, NULL, 0, LIVE_JSON_FLAGS) : 0;

	json_decref(j);
	return n;
}

/* The cue list, as the live view carries it. */
static json_t *live_cue_list(const struct venue_config *cfg)
{
	json_t *cues = json_array();

	for (uint32_t i = 0; i < cfg->cue_count; i++)
		json_array_append_new(cues, json_pack("{s:s, s:s, s:s}", "id", cfg->cues[i].id,
						      "title", cfg->cues[i].title,
						      "scene", scene_name(cfg->cues[i].scene)));
	return cues;
}

/* The current cue, the cue list, and the phone controls enabled now. */
static void live_cue(json_t *live, const struct live_req *r)
{
	const struct venue_config *cfg = r->src->cfg;
	const struct show_frame *f = r->src->frame;
	const struct config_cue *cue = show_cue(r->src->show);
	json_t *cues = live_cue_list(cfg), *controls = json_array();

	for (int c = 0; c < CONTROL_COUNT; c++)
		if (f->controls & (1u << c))
			json_array_append_new(controls, json_string(control_name((enum control)c)));
	json_t *now_cue = json_pack("{s:i, s:s, s:s, s:s}", "index", f->cue_index, "id", cue->id,
				    "title", cue->title, "scene", scene_name(cue->scene));
	double advance_at = show_cue_advance_at(r->src->show), held_left = show_cue_held_left(r->src->show);
	/* The standby cue: where GO goes, or where the auto-follow goes when there is one. */
	int standby = cue->advance_after_s > 0 ? cue->advance_to : f->cue_index + 1;

	/* The auto-follow: seconds to go (null: none), and whether the show caller holds it. */
	json_object_set_new(now_cue, "follow_in_s", advance_at >= 0 ? json_real(advance_at - r->now) :
			    held_left >= 0 ? json_real(held_left) : json_null());
	json_object_set_new(now_cue, "held", json_boolean(held_left >= 0));
	json_object_set_new(live, "cue", now_cue);
	json_object_set_new(live, "standby", standby >= 0 && (uint32_t)standby < cfg->cue_count ?
			    json_pack("{s:i, s:s, s:s}", "index", standby, "id", cfg->cues[standby].id,
				      "title", cfg->cues[standby].title) : json_null());
	json_object_set_new(live, "cues", cues);
	json_object_set_new(live, "controls", controls);
}

/* Who is here and who plays, in the venue and per zone. */
static void live_crowd(json_t *live, const struct live_req *r)
{
	const struct venue_config *cfg = r->src->cfg;
	const struct show_frame *f = r->src->frame;
	uint32_t active_10s, active_10s_zones[CONFIG_MAX_ZONES];
	json_t *zones = json_array();

	/* The console's own measure of who plays: an input in the last 10 s, however the venue sets active_window_s. */
	active_10s = crowd_active_since(r->src->crowd, r->now - LIVE_ACTIVE_S, active_10s_zones);
	for (uint32_t z = 0; z < f->zone_count; z++)
		json_array_append_new(zones, json_pack("{s:s, s:s, s:I, s:I, s:I}", "id", cfg->zones[z].id,
						       "name", cfg->zones[z].name,
						       "participants", (json_int_t)f->zones[z].participants,
						       "active", (json_int_t)f->zones[z].active,
						       "active_10s", (json_int_t)active_10s_zones[z]));
	json_object_set_new(live, "participants", json_integer(crowd_connected(r->src->crowd)));
	json_object_set_new(live, "active", json_integer(f->venue.active));
	json_object_set_new(live, "active_10s", json_integer(active_10s));
	json_object_set_new(live, "taps_per_s", json_real(f->venue.taps_per_s));
	json_object_set_new(live, "zones", zones);
}

/* Poll @p with the tallies and state of @fp. */
static json_t *live_poll_json(const struct config_poll *p, const struct frame_poll *fp)
{
	json_t *poll, *options = json_array(), *tallies = json_array();

	for (uint32_t o = 0; o < p->option_count; o++) {
		json_array_append_new(options, json_string(p->options[o]));
		json_array_append_new(tallies, json_integer(fp->tallies[o]));
	}
	poll = json_pack("{s:s, s:s, s:o, s:o}", "id", p->id, "question", p->question,
			 "options", options, "tallies", tallies);
	json_object_set_new(poll, "total", json_integer(fp->total));
	json_object_set_new(poll, "open", json_boolean(fp->open));
	json_object_set_new(poll, "revealed", json_boolean(fp->revealed));
	json_object_set_new(poll, "vetoed", json_boolean(fp->vetoed));
	json_object_set_new(poll, "winner", json_integer(fp->winner));
	json_object_set_new(poll, "hidden", json_boolean(fp->hidden));
	json_object_set_new(poll, "round", json_integer(fp->round));
	return poll;
}

/* The poll phones see, or null; while an ad-hoc poll asks, the cue's goes on as cue_poll. */
static void live_poll(json_t *live, const struct live_req *r)
{
	const struct show_frame *f = r->src->frame;
	const struct frame_poll *fp = f->adhoc_asking ? &f->adhoc_poll : &f->poll;
	json_t *poll = fp->index < 0 ? json_null() : live_poll_json(&r->src->cfg->polls[fp->index], fp);

	if (fp->index >= 0)
		json_object_set_new(poll, "adhoc", json_boolean(f->adhoc_asking));
	json_object_set_new(live, "poll", poll);
	json_object_set_new(live, "cue_poll", !f->adhoc_asking || f->poll.index < 0 ? json_null() :
			    live_poll_json(&r->src->cfg->polls[f->poll.index], &f->poll));
}

/* The alarms raised and not yet acknowledged, or still active. */
static void live_alarms(json_t *live, const struct live_req *r)
{
	const struct alarms *al = r->src->alarms;
	json_t *alarms = json_array();

	for (int a = 0; a < ALARM_COUNT; a++)
		if (al->a[a].shown)
			json_array_append_new(alarms, json_pack("{s:s, s:s, s:b, s:b, s:f}",
				"id", alarm_name((enum alarm_id)a), "message", al->a[a].message,
				"active", al->a[a].active, "acknowledged", al->a[a].acknowledged,
				"since_s", r->now - al->a[a].since));
	json_object_set_new(live, "alarms", alarms);
}

/* A sound parameter in words, for the console: "Drums level", "Filter cutoff". */
static void target_words(const struct config_cue *cue, enum audio_target t, int stem, char *out, size_t cap)
{
	static const char *const words[TARGET_COUNT] = {
		[TARGET_MASTER_GAIN] = "Master level", [TARGET_FILTER_CUTOFF] = "Filter cutoff",
		[TARGET_FILTER_RESONANCE] = "Filter resonance", [TARGET_DELAY_MIX] = "Echo amount",
		[TARGET_DELAY_FEEDBACK] = "Echo repeats", [TARGET_DELAY_TIME] = "Echo time",
		[TARGET_PLAYBACK_RATE] = "Playback speed",
	};

	if (t == TARGET_STEM_GAIN && stem >= 0 && (uint32_t)stem < cue->audio.stem_count)
		snprintf(out, cap, "%c%s level", toupper((unsigned char)cue->audio.stems[stem].id[0]),
			 cue->audio.stems[stem].id + 1);
	else
		snprintf(out, cap, "%s", (unsigned)t < TARGET_COUNT && words[t] ? words[t] : audio_target_name(t));
}

/* What the crowd does, in words: "Crowd slider", "Votes for Encore", "Left taps". */
static void source_words(const struct venue_config *cfg, const struct config_cue *cue,
			 const struct config_mapping *m, char *out, size_t cap)
{
	static const char *const words[SOURCE_COUNT] = {
		[SOURCE_TAPS_PER_S] = "Crowd taps", [SOURCE_TEMPO_BPM] = "Crowd tempo",
		[SOURCE_ACTIVE_SHARE] = "Crowd playing", [SOURCE_SHAKE_ENERGY] = "Crowd shake",
		[SOURCE_X_MEDIAN] = "Crowd left-right", [SOURCE_Y_MEDIAN] = "Crowd up-down",
		[SOURCE_SLIDER_MEDIAN] = "Crowd slider", [SOURCE_X_MEAN] = "Crowd left-right (mean)",
		[SOURCE_Y_MEAN] = "Crowd up-down (mean)", [SOURCE_SLIDER_MEAN] = "Crowd slider (mean)",
		[SOURCE_POLL_LEADER] = "Leading vote", [SOURCE_INPUT_LEVEL] = "Live input level",
	};

	if (m->source == SOURCE_POLL_SHARE && cue->poll && m->source_arg >= 0 &&
	    (uint32_t)m->source_arg < cue->poll->option_count)
		snprintf(out, cap, "Votes for %s", cue->poll->options[m->source_arg]);
	else if ((m->source == SOURCE_ZONE_TAPS || m->source == SOURCE_ZONE_ACTIVITY) && m->source_arg >= 0 &&
		 (uint32_t)m->source_arg < cfg->zone_count)
		snprintf(out, cap, "%s %s", cfg->zones[m->source_arg].name,
			 m->source == SOURCE_ZONE_TAPS ? "taps" : "playing");
	else
		snprintf(out, cap, "%s", (unsigned)m->source < SOURCE_COUNT && words[m->source] ? words[m->source] :
			 audio_source_name(m->source));
}

/* A mapping's name on the console: the config's label, or its source and target in words. */
static void mapping_label(const struct venue_config *cfg, const struct config_cue *cue,
			  const struct config_mapping *m, char *out, size_t cap)
{
	char from[CONFIG_TEXT_MAX + 16], to[CONFIG_ID_MAX + 16];

	if (m->label[0]) {
		snprintf(out, cap, "%s", m->label);
		return;
	}
	source_words(cfg, cue, m, from, sizeof(from));
	target_words(cue, m->target, m->target_arg, to, sizeof(to));
	snprintf(out, cap, "%s \u2192 %s", from, to);
}

/*
 * The co-creation mix of the current cue: one entry per mapping, with its
 * name, the share in force and the config's (what a reset goes back to).
 */
static void live_mix(json_t *live, const struct live_req *r)
{
	const struct config_cue *cue = show_cue(r->src->show);
	uint32_t cue_index = (uint32_t)r->src->frame->cue_index;
	json_t *mix = json_array();
	char label[2 * CONFIG_TEXT_MAX + 40];

	for (uint32_t i = 0; i < cue->audio.mapping_count; i++) {
		const struct config_mapping *m = &cue->audio.mappings[i];

		mapping_label(r->src->cfg, cue, m, label, sizeof(label));
		json_array_append_new(mix, json_pack("{s:i, s:s, s:s, s:s, s:f, s:f}", "mapping", (int)i,
			"label", label, "source", audio_source_name(m->source), "target", audio_target_name(m->target),
			"crowd", audiomap_crowd_share(r->src->audiomap, cue_index, i), "config", m->crowd));
	}
	json_object_set_new(live, "mix", mix);
}

/* The crowd text queue (its oldest LIVE_TEXTS_MAX) and the wall, for the moderators. */
static json_t *live_texts(const struct live_req *r)
{
	const struct crowdtext *ct = r->src->texts;
	const struct crowdtext_counts *c = crowdtext_counts(ct);
	uint32_t waiting = crowdtext_pending_count(ct);
	json_t *texts, *pending = json_array(), *wall = json_array();

	for (uint32_t i = 0; i < waiting && i < LIVE_TEXTS_MAX; i++) {
		const struct crowdtext_item *it = crowdtext_pending(ct, i);

		json_array_append_new(pending, json_pack("{s:I, s:s, s:s, s:s, s:f}", "id", (json_int_t)it->id,
			"from", it->from, "zone", r->src->cfg->zones[it->zone].id, "text", it->text,
			"age_s", r->now - it->at_s));
	}
	for (uint32_t i = 0; i < crowdtext_wall_count(ct); i++) {
		const struct crowdtext_item *it = crowdtext_wall(ct, i);

		json_array_append_new(wall, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)it->id,
						      "from", it->from, "text", it->text));
	}
	texts = json_pack("{s:I, s:o, s:o}", "waiting", (json_int_t)waiting, "pending", pending, "wall", wall);
	json_object_set_new(texts, "submitted", json_integer((json_int_t)c->submitted));
	json_object_set_new(texts, "filtered", json_integer((json_int_t)c->filtered));
	json_object_set_new(texts, "refused", json_integer((json_int_t)c->refused));
	json_object_set_new(texts, "approved", json_integer((json_int_t)c->approved));
	json_object_set_new(texts, "rejected", json_integer((json_int_t)c->rejected));
	return texts;
}

/*
 * The muted and the removed, newest first, so a muted person never just
 * vanishes from the console: the operator's only.
 */
static void live_sanctions(json_t *live, const struct live_req *r)
{
	const struct crowd_sanctions *s = r->operator ? r->src->sanctions : NULL;
	json_t *muted = json_array(), *removed = json_array();
	uint32_t n_muted = 0, n_removed = 0;

	for (uint32_t i = s ? s->count : 0; i-- > 0;) {
		const struct sanction *it = &s->items[i];
		bool mute = it->kind == SANCTION_MUTE;
		uint32_t *n = mute ? &n_muted : &n_removed;

		if ((*n)++ < LIVE_SANCTIONS_MAX)
			json_array_append_new(mute ? muted : removed, json_string(it->id));
	}
	json_object_set_new(live, "sanctions", json_pack("{s:o, s:o, s:I, s:I}", "muted", muted, "removed", removed,
							 "muted_count", (json_int_t)n_muted,
							 "removed_count", (json_int_t)n_removed));
}

/*
 * Moderation: who acted last, by the anonymous id phones show, and the
 * crowd text. The operator's only: the artist gets an empty list and null.
 */
static void live_moderation(json_t *live, const struct live_req *r)
{
	struct stage_dot newest[LIVE_RECENT_MAX];
	uint32_t n = r->operator ? crowd_dots(r->src->crowd, r->now, newest, LIVE_RECENT_MAX) : 0;
	json_t *recent = json_array();

	for (uint32_t i = 0; i < n; i++) {
		char id[16];

		snprintf(id, sizeof(id), "p-%08x", newest[i].id);
		json_array_append_new(recent, json_string(id));
	}
	json_object_set_new(live, "recent", recent);
	json_object_set_new(live, "texts", r->operator ? live_texts(r) : json_null());
	live_sanctions(live, r);
}

/* One artist control of cue @cue: its name in words, its value now, the config's, and its range. */
static json_t *live_control(const struct live_req *r, uint32_t cue, enum audio_target t, int arg,
			    const char *name)
{
	const struct venue_config *cfg = r->src->cfg;
	char label[CONFIG_ID_MAX + 16];
	double lo, hi;

	audiomap_artist_range(cfg, t, &lo, &hi);
	target_words(&cfg->cues[cue], t, arg, label, sizeof(label));
	return json_pack("{s:s, s:s, s:f, s:f, s:f, s:f}", "target", name, "label", label,
			 "value", audiomap_artist_value(r->src->audiomap, cue, t, arg),
			 "config", audiomap_config_value(cfg, cue, t, arg), "min", lo, "max", hi);
}

/* The artist's controls of the current cue: every parameter the cue's sound has. */
static void live_artist(json_t *live, const struct live_req *r)
{
	uint32_t cue = (uint32_t)r->src->frame->cue_index;
	const struct config_cue_audio *a = &r->src->cfg->cues[cue].audio;
	json_t *list = json_array();
	char name[CONFIG_ID_MAX * 2 + 2];

	json_object_set_new(live, "artist", list);
	if (!r->src->audiomap)
		return;
	for (int t = 0; t < TARGET_COUNT; t++)
		if (t != TARGET_STEM_GAIN)
			json_array_append_new(list, live_control(r, cue, (enum audio_target)t, 0,
								 audio_target_name((enum audio_target)t)));
	for (uint32_t s = 0; s < a->stem_count; s++) {
		snprintf(name, sizeof(name), "stem_gain:%s", a->stems[s].id);
		json_array_append_new(list, live_control(r, cue, TARGET_STEM_GAIN, (int)s, name));
	}
}

/* The venue's safety state, which neither the crowd nor the artist can undo. */
static void live_safety(json_t *live, const struct live_req *r)
{
	const struct safety_state *s = r->src->safety;
	json_t *safety = json_pack("{s:b, s:b, s:b}", "fade_to_silence", s->fade_to_silence,
				   "blackout", s->blackout, "freeze", s->freeze);

	json_object_set_new(safety, "curfew_in_s", json_real(s->curfew_at < 0 ? -1.0 : s->curfew_at - r->now));
	json_object_set_new(safety, "max_flashes_per_s", json_integer(s->max_flashes_per_s));
	json_object_set_new(safety, "max_red_flashes_per_s", json_integer(s->max_red_flashes_per_s));
	json_object_set_new(safety, "ceiling_dbfs", json_real(s->ceiling_dbfs));
	json_object_set_new(live, "safety", safety);
}

/* A loudness level for the console: silence (-inf) is null. */
static json_t *level_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* The output's loudness to broadcast standard (EBU R 128), as the meter last published it. */
static json_t *live_loudness(const struct loudness_reading *l)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:f}", "momentary_lufs", level_or_null(l->momentary_lufs),
			 "shortterm_lufs", level_or_null(l->shortterm_lufs),
			 "integrated_lufs", level_or_null(l->integrated_lufs),
			 "true_peak_dbtp", level_or_null(l->true_peak_dbtp), "lra_lu", l->range_lu);
}

/* The sound: the device, the engine's health and the levels. */
static void live_audio(json_t *live, const struct live_req *r)
{
	const struct frame_music *m = &r->src->frame->music;
	struct audio_status st;
	struct engine_stats es;
	json_t *audio;

	audio_status_get(r->src->audio, &st);
	engine_stats_get(r->src->engine, &es);
	audio = json_pack("{s:s, s:b, s:s, s:I}", "device", st.device_name, "lost", st.device_lost,
			  "error", st.error, "xruns", (json_int_t)es.xruns);
	/* The null device's timing is a thread's, not a sound card's deadline: not a load. */
	json_object_set_new(audio, "load", json_real(st.kind == AUDIO_NULL || es.budget_s <= 0 ? -1.0 :
						     es.callback_p999_s / es.budget_s));
	json_object_set_new(audio, "output_peak_dbfs", json_real(m->output_peak_dbfs));
	json_object_set_new(audio, "input_level", json_real(m->level));
	json_object_set_new(audio, "limiter_db", json_real(m->limiter_db));
	json_object_set_new(audio, "loudness", live_loudness(&es.loudness));
	json_object_set_new(live, "audio", audio);
}

/* The stage screen. */
static void live_stage(json_t *live, const struct live_req *r)
{
	struct visuals_stats vs;

	visuals_stats_get(r->src->visuals, &vs);
	json_object_set_new(live, "stage", json_pack("{s:b, s:I, s:f, s:s}", "running", vs.running,
						     "frames", (json_int_t)vs.frames,
						     "p99_ms", vs.frame_p99_s * 1e3, "renderer", vs.renderer));
}

/* The daemon's own health: connections, ticks, states to phones, inputs and what was refused. */
/* The edges, for the console and /healthz: null when this daemon is no core. */
static json_t *cluster_json(const struct cluster_core *cc)
{
	struct cluster_core_status s;

	if (!cc)
		return json_null();
	cluster_core_status_get(cc, &s);
	return json_pack("{s:b, s:I, s:I, s:I, s:s}", "nats", s.nats, "edges", (json_int_t)s.edges,
			 "phones", (json_int_t)s.phones, "edges_lost", (json_int_t)s.edges_lost, "lost_edge", s.lost_edge);
}

static void live_net(json_t *live, const struct live_req *r)
{
	const struct metrics *mt = r->src->metrics;
	json_t *net = json_pack("{s:I, s:f, s:I}", "connections", (json_int_t)mt->connections,
				"tick_max_ms", mt->tick_seconds_max * 1e3,
				"tick_overruns", (json_int_t)mt->tick_overruns);
	json_t *rejected = json_object();

	for (int i = 1; i < REJECT_COUNT; i++)
		if (mt->rejected[i])
			json_object_set_new(rejected, reject_reason_name((enum reject_reason)i),
					    json_integer((json_int_t)mt->rejected[i]));
	json_object_set_new(net, "broadcasts", json_integer((json_int_t)mt->broadcasts));
	json_object_set_new(net, "state_bytes", json_integer((json_int_t)*r->src->state_bytes));
	json_object_set_new(net, "inputs_per_s", json_real(mt->inputs_per_s));
	json_object_set_new(net, "rejected", rejected);
	json_object_set_new(net, "cluster", cluster_json(r->src->cluster));
	json_object_set_new(live, "net", net);
}

/*
 * Who did what from the consoles, newest first: "artist: cue.go -> encore".
 * seq keys a console's feed entries and tells it which are new.
 */
static void live_activity(json_t *live, const struct live_req *r)
{
	json_t *feed = json_array();
	const struct console_activity *a;

	for (uint32_t i = 0; r->src->console && i < LIVE_ACTIVITY_MAX &&
			     (a = console_activity_at(r->src->console, i)); i++)
		json_array_append_new(feed, json_pack("{s:I, s:f, s:s, s:s, s:s, s:o, s:b, s:s}",
						      "seq", (json_int_t)a->seq, "ago_s", r->now - a->t,
						      "role", console_role_name(a->role), "cmd", a->cmd, "what", a->what,
						      "on", a->on < 0 ? json_null() : json_boolean(a->on),
						      "ok", a->ok, "code", a->code));
	json_object_set_new(live, "activity", feed);
}

/* The panels, in the order their keys appear in the live view. */
static live_panel_fn *const live_panels[] = {
	live_cue, live_crowd, live_poll, live_alarms, live_mix, live_moderation, live_artist,
	live_safety, live_audio, live_stage, live_net, live_activity,
};

size_t console_live_render(const struct console_live_sources *src, enum console_role role, double now,
			   char *out, size_t cap)
{
	struct live_req r = { .src = src, .now = now, .operator = role == CONSOLE_ROLE_OPERATOR };
	json_t *live = json_pack("{s:s, s:f}", "type", "live", "t", now);

	if (!live)
		return 0;
	for (size_t i = 0; i < sizeof(live_panels) / sizeof(live_panels[0]); i++)
		live_panels[i](live, &r);
	return live_dump(live, out, cap);
}

size_t console_live_healthz(const struct console_live_sources *src, double now, char *out, size_t cap)
{
	struct audio_status st;
	json_t *health = json_pack("{s:s, s:I, s:I}", "status", "ok",
				   "participants", (json_int_t)crowd_connected(src->crowd),
				   "connections", (json_int_t)src->metrics->connections);

	if (!health)
		return 0;
	audio_status_get(src->audio, &st);
	/* "ok" means the show runs; a lost audio device is an alarm, not an outage. */
	json_object_set_new(health, "simulated", json_integer(src->sim ? sim_count(src->sim) : 0));
	json_object_set_new(health, "uptime_s", json_real(now));
	json_object_set_new(health, "venue", json_string(src->cfg->name));
	json_object_set_new(health, "cue", json_string(show_cue(src->show)->id));
	json_object_set_new(health, "tick", json_integer((json_int_t)*src->tick));
	json_object_set_new(health, "audio", json_pack("{s:s, s:b, s:s}", "device", st.device_name,
						       "lost", st.device_lost, "error", st.error));
	{
		struct visuals_stats vs;

		/* Which path draws the screen: the GPU, or software where there was no GL (and why). */
		visuals_stats_get(src->visuals, &vs);
		json_object_set_new(health, "stage", json_pack("{s:b, s:s, s:s, s:I, s:f, s:f}", "running", vs.running,
			"renderer", vs.running ? vs.renderer : "none", "detail", vs.renderer_detail,
			"frames", (json_int_t)vs.frames, "frame_p99_ms", vs.frame_p99_s * 1e3,
			"safety_share", vs.safety_share));
	}
	if (src->cluster)	/* NATS down is an alarm too: the edges keep their phones */
		json_object_set_new(health, "cluster", cluster_json(src->cluster));
	if (src->journal) {
		struct journal_status js;

		/* A degraded journal is an alarm too: the show goes on in memory. */
		journal_status_get(src->journal, &js);
		json_object_set_new(health, "journal", json_pack("{s:b, s:s, s:I, s:I, s:s}", "degraded", js.degraded,
			"problem", js.problem, "committed", (json_int_t)js.committed, "lost", (json_int_t)js.lost,
			"set_aside", js.set_aside));
	}
	return live_dump(health, out, cap);
}

/* The largest poll panel any of the venue's polls can make. */
static size_t estimate_polls(const struct venue_config *cfg)
{
	struct frame_poll fp = { .total = EST_POLL_TALLY, .winner = CONFIG_POLL_OPTIONS_MAX };
	size_t most = 0;

	for (int o = 0; o < CONFIG_POLL_OPTIONS_MAX; o++)
		fp.tallies[o] = EST_POLL_TALLY;
	for (uint32_t i = 0; i < cfg->poll_count; i++) {
		size_t n = live_size(live_poll_json(&cfg->polls[i], &fp));

		most = n > most ? n : most;
	}
	return most;
}

/* The largest mix and artist panels any cue makes, and its title again as the current cue. */
static size_t estimate_cues(const struct venue_config *cfg)
{
	size_t most = 0;

	for (uint32_t i = 0; i < cfg->cue_count; i++) {
		const struct config_cue_audio *a = &cfg->cues[i].audio;
		size_t n = a->mapping_count * EST_MAPPING + (TARGET_COUNT + a->stem_count) * EST_CONTROL +
			   live_size(json_string(cfg->cues[i].title));

		most = n > most ? n : most;
	}
	return most;
}

static size_t estimate_zones(const struct venue_config *cfg)
{
	size_t n = 0;

	for (uint32_t z = 0; z < cfg->zone_count; z++)
		n += EST_ZONE + live_size(json_string(cfg->zones[z].id)) + live_size(json_string(cfg->zones[z].name));
	return n;
}

/* The operator's crowd text: the oldest waiting and the wall, each text as long as the venue allows. */
static size_t estimate_texts(const struct venue_config *cfg)
{
	size_t text = EST_TEXT + (size_t)cfg->moderation.text_max_chars * EST_TEXT_CHAR;

	return (LIVE_TEXTS_MAX + CONFIG_WALL_MAX) * text + LIVE_RECENT_MAX * EST_RECENT;
}

size_t console_live_estimate(const struct venue_config *cfg)
{
	return EST_OTHER + live_size(live_cue_list(cfg)) + estimate_polls(cfg) + estimate_cues(cfg) +
	       estimate_zones(cfg) + ALARM_COUNT * EST_ALARM + estimate_texts(cfg) + EST_SANCTIONS + EST_ACTIVITY;
}

bool console_live_warning(const struct venue_config *cfg, char *out, size_t cap)
{
	size_t kib = (console_live_estimate(cfg) + 1023) / 1024;

	if (!cfg->console.enabled || kib * 1024 <= CONSOLE_LIVE_FIRST)
		return false;
	if (kib * 1024 > CONSOLE_LIVE_MAX)
		snprintf(out, cap, "/cues: the console's live view may reach about %zu KiB, over the %u KiB it can "
			 "send: the console would show an error instead; shorten cue titles, poll texts or the cue list",
			 kib, CONSOLE_LIVE_MAX / 1024);
	else
		snprintf(out, cap, "/cues: the console's live view may reach about %zu KiB, sent to each console four "
			 "times a second (%zu KiB/s); shorter cue titles and poll texts make it lighter", kib, kib * 4);
	return true;
}

size_t console_live_metrics(const struct console_live_sources *src, double now, char *out, size_t cap)
{
	struct engine_stats es = { 0 };
	struct audio_status st;
	struct visuals_stats vs;
	struct cluster_core_status cs;
	size_t len;

	if (src->engine)
		engine_stats_get(src->engine, &es);
	audio_status_get(src->audio, &st);
	visuals_stats_get(src->visuals, &vs);
	len = metrics_render(src->metrics, &(struct metrics_live){
		.participants = crowd_connected(src->crowd),
		.participants_known = crowd_table_used(src->crowd),
		.active = src->frame->venue.active,
		.capacity = src->cfg->capacity,
		.max_connections = src->cfg->limits.max_connections,
		.uptime_s = now,
		.cue_index = (uint32_t)show_cue_index(src->show),
		.simulated = src->sim ? sim_count(src->sim) : 0,
		.state_bytes = *src->state_bytes,
		.engine = src->engine ? &es : NULL, .audio = &st, .music = &src->frame->music, .stage = &vs,
		.osc = { .sent = osc_out_sent(src->osc), .errors = osc_out_errors(src->osc),
			 .input_refused = osc_in_refused(src->osc_in) } }, out, cap);
	if (!len || !src->cluster)
		return len;
	cluster_core_status_get(src->cluster, &cs);
	const struct metrics_row rows[] = {
		{ "tutti_cluster_nats_connected", "gauge", "1 while the NATS link to the edges is up.", .n = cs.nats },
		{ "tutti_cluster_edges", "gauge", "Edges heard within their timeout.", .n = cs.edges },
		{ "tutti_cluster_edge_phones", "gauge", "Phones the edges hold, as they last said.", .n = cs.phones },
		{ "tutti_cluster_edges_lost_total", "counter", "Edges that fell silent and were let go.",
		  .n = cs.edges_lost },
		{ "tutti_cluster_batches_total", "counter", "Batches applied from the edges.", .n = cs.batches },
		{ "tutti_cluster_batches_garbled_total", "counter", "Messages from the edges that did not read.",
		  .n = cs.garbled },
	};
	return metrics_write_rows(out, cap, len, rows, sizeof(rows) / sizeof(rows[0]));
}
