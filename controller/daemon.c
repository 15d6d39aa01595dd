/*
 * daemon.c - `tutti run`. Owns every module of the live show and runs the
 * tick: simulated crowd, cue timers, crowd expiry, the show frame, and the
 * state broadcast to phones at the broadcast rate. See daemon.h.
 *
 * Thread: the net thread (everything here runs inside the lws loop).
 */
#include "daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_audience.h"
#include "audio_device.h"
#include "audio_map.h"
#include "audio_engine.h"
#include "safety.h"
#include "safety_flash.h"
#include "clock.h"
#include "console_commands.h"
#include "console_live.h"
#include "console_net.h"
#include "crowd.h"
#include "crowd_text.h"
#include "frame.h"
#include "joinqr.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "osc_in.h"
#include "osc_out.h"
#include "net_protocol.h"
#include "show.h"
#include "stage_frame.h"
#include "stage_font.h"
#include "crowd_sim.h"
#include "journal.h"
#include "journal_show.h"

struct daemon {
	const struct venue_config *cfg;
	struct show_clock clock;
	struct metrics metrics;
	struct crowd *crowd;
	struct show *show;
	struct audience audience;
	struct sim *sim;
	struct net *net;
	struct engine *engine;		/* stage audio; NULL only if it could not start */
	struct audio_device *audio;
	struct audiomap *audiomap;
	struct visuals *visuals;	/* the stage screen; NULL = none */
	struct osc_out *osc;		/* stage gear over OSC */
	struct osc_in *osc_in;		/* the artist's controller; NULL = none */
	struct console console;		/* operator and artist commands */
	struct safety *safety;		/* the venue's safety state */
	struct journal *journal;	/* the show's memory; NULL = none */
	bool journal_resumed;		/* it held this show when it was opened */
	struct journal_show *js;	/* what the show writes to it and reads back */
	struct crowdtext *texts;	/* crowd text: the moderators' queue and the wall */
	uint8_t *drawable;		/* the stage font's coverage, for crowd text */
	uint32_t wall_generation;	/* the crowd-text wall last copied into the stage frame */
	struct alarms alarms;		/* for the console */
	double next_alarms_s;
	bool stage_wanted;
	struct stage_frame *stage;	/* built each tick for it */
	char join_url[STAGE_URL_MAX];
	struct flash_gate phone_flashes;	/* beat flashes on phones, within the venue's limit */
	uint32_t last_beats;
	double last_tick_s;
	double next_supervise_s;
	bool state_too_big_logged;
	struct show_frame frame;
	struct console_live_sources live;	/* what the console's live view reads */
	uint64_t tick;
	double next_broadcast_s;
	size_t last_state_bytes;
};

static double daemon_now(void *user)
{
	struct daemon *d = user;

	return clock_now_s(&d->clock);
}

static void frame_build(struct daemon *d, double now)
{
	struct show_frame *f = &d->frame;

	f->tick = d->tick;
	f->t = now;
	f->cue_index = show_cue_index(d->show);
	f->cue_started = show_cue_started(d->show);
	f->cue_advance_at = show_cue_advance_at(d->show);
	/* A freeze from the safety panel wins: phones show "listening". */
	f->frozen = safety_state(d->safety)->freeze;
	f->controls = f->frozen ? 0 : show_controls(d->show);
	f->zone_count = d->cfg->zone_count;
	crowd_summarize(d->crowd, now, &f->venue, f->zones);
	memset(&f->poll, 0, sizeof(f->poll));
	if (show_poll_shown(d->show) >= 0)
		crowd_poll_tallies(d->crowd, (uint32_t)show_poll_shown(d->show), f->poll.tallies);
	show_poll_frame(d->show, &f->poll);
	memset(&f->adhoc_poll, 0, sizeof(f->adhoc_poll));
	f->adhoc_asking = show_poll_adhoc_shown(d->show) >= 0;
	if (f->adhoc_asking)
		crowd_poll_tallies(d->crowd, (uint32_t)show_poll_adhoc_shown(d->show), f->adhoc_poll.tallies);
	show_poll_frame_of(d->show, show_poll_adhoc_shown(d->show), &f->adhoc_poll);
}

/* A command from the artist's OSC controller: the artist's role, like the console. */
static void run_osc_command(void *user, const char *who, const char *command)
{
	struct daemon *d = user;
	struct console_reply reply;

	console_execute(&d->console, CONSOLE_ROLE_ARTIST, who, command, strlen(command),
			clock_now_s(&d->clock), &reply);
	journal_show_console(d->js, CONSOLE_ROLE_ARTIST, command, strlen(command), reply.ok, clock_now_s(&d->clock));
}

static void on_safety_event(void *user, const struct safety_event *e)
{
	struct daemon *d = user;

	if (d->js)
		journal_show_safety_event(d->js, e);
}

/* Show -> stage screen: the frame, the join URL and one dot per active participant. */
static void stage_tick(struct daemon *d, double now)
{
	struct stage_frame *s = d->stage;

	s->show = d->frame;
	s->participants = crowd_connected(d->crowd);
	s->blackout = safety_state(d->safety)->blackout;
	memcpy(s->join_url, d->join_url, sizeof(s->join_url));
	stage_frame_copy_wall(s, d->texts, &d->wall_generation);
	s->dot_count = crowd_dots(d->crowd, now, s->dots, d->cfg->capacity);
	visuals_publish(d->visuals, s);
}

static void on_trigger(void *user, const struct audio_trigger *t)
{
	struct daemon *d = user;

	engine_trigger(d->engine, t);
}

/* Show -> sound, sound -> show: parameters out, live-input features back. */
static void audio_tick(struct daemon *d, double now)
{
	struct audio_params params;
	struct engine_feedback fb;
	struct frame_music *m = &d->frame.music;
	bool got = false;

	audiomap_update(d->audiomap, &d->frame, now - d->last_tick_s, &params, on_trigger, d);
	d->last_tick_s = now;
	engine_params_publish(d->engine, &params);
	while (engine_feedback_pop(d->engine, &fb))
		got = true;
	if (got) {
		uint32_t flashes = m->flashes;	/* counted here, not by the engine */

		*m = fb.music;
		m->flashes = flashes;
	}
	/*
	 * During an audio cue, phones flash on the beat: each beat asks the
	 * gate, so however fast the music, no phone flashes more than the
	 * venue's limit allows in any second.
	 */
	if (m->beats != d->last_beats) {
		d->last_beats = m->beats;
		if (show_cue(d->show)->scene == SCENE_AUDIO && flash_gate_allow(&d->phone_flashes, now))
			m->flashes++;
	}
	if (now >= d->next_supervise_s) {
		d->next_supervise_s = now + 0.1;	/* hand-over and loss within 100 ms */
		audio_supervise(d->audio);
	}
}

/* The state to phones: every phone at a @everyone broadcast, else only those that just acted. */
static void publish_state(struct daemon *d, bool everyone)
{
	size_t lens[CONFIG_MAX_ZONES];

	for (uint32_t z = 0; z < d->cfg->zone_count; z++) {
		lens[z] = protocol_encode_state(net_state_buffer(d->net, z), NET_STATE_MAX, d->cfg,
						&d->frame, z);
		if (!lens[z] && !d->state_too_big_logged) {
			d->state_too_big_logged = true;
			log_error("state for zone %s does not fit in %d bytes", d->cfg->zones[z].id,
				  NET_STATE_MAX);
		}
	}
	d->last_state_bytes = lens[0];
	net_state_publish(d->net, lens, everyone);
}

static void daemon_tick(void *user)
{
	struct daemon *d = user;
	double started = clock_real_now_s();
	double now = clock_now_s(&d->clock);

	d->tick++;
	d->audience.tick = d->tick;
	osc_in_drain(d->osc_in, run_osc_command, d);
	safety_apply(d->safety, d->visuals);
	if (d->sim)
		sim_tick(d->sim, now);
	show_tick(d->show, now);
	journal_show_tick(d->js, now, &(struct journal_show_metrics){
		.participants = crowd_connected(d->crowd), .active = d->frame.venue.active,
		.inputs_per_s = d->metrics.inputs_per_s, .tick_max_ms = d->metrics.tick_seconds_max * 1e3 });
	crowd_tick(d->crowd, now);
	frame_build(d, now);
	if (d->engine)
		audio_tick(d, now);
	if (d->visuals)
		stage_tick(d, now);
	osc_out_tick(d->osc, &d->frame, now);
	/* Four times a second: the alarms, and the input rate the console shows. */
	if (now >= d->next_alarms_s) {
		struct audio_status st;
		struct journal_status js = { 0 };

		d->next_alarms_s = now + 0.25;
		metrics_inputs_rate_update(&d->metrics, now);
		audio_status_get(d->audio, &st);
		if (d->journal)
			journal_status_get(d->journal, &js);
		alarms_update(&d->alarms, &(struct alarm_inputs){
			.audio_lost = st.device_lost, .audio_error = st.error,
			.participants = crowd_connected(d->crowd), .capacity = d->cfg->capacity,
			.rate_limited_total = d->metrics.rejected[REJECT_RATE_LIMITED],
			.inputs_per_second = d->cfg->limits.inputs_per_second,
			.stage_wanted = d->stage_wanted, .stage_running = d->visuals != NULL,
			.journal_degraded = js.degraded, .journal_problem = js.problem,
			.journal_set_aside = js.set_aside }, now);
	}
	/*
	 * Half a tick early counts as on time: ticks and broadcasts share one
	 * timeline, and a tick a hair early must not push the broadcast a
	 * whole tick late (every third tick at 60/20 Hz, never the fourth).
	 */
	if (now >= d->next_broadcast_s - 0.5 / d->cfg->tick_hz) {
		publish_state(d, true);
		d->next_broadcast_s += 1.0 / d->cfg->broadcast_hz;
		if (d->next_broadcast_s < now)
			d->next_broadcast_s = now + 1.0 / d->cfg->broadcast_hz;
	} else if (net_states_awaited(d->net)) {
		publish_state(d, false);
	}
	metrics_tick_record(&d->metrics, clock_real_now_s() - started, 1.0 / d->cfg->tick_hz);
}

/* The console: one command in the sender's role; the reply as JSON. */
static size_t daemon_console_command(void *user, int role, const char *who, const char *text,
				     size_t len, char *out, size_t cap, uint64_t *hold)
{
	struct daemon *d = user;
	struct console_reply r;

	console_execute(&d->console, (enum console_role)role, who, text, len, clock_now_s(&d->clock), &r);
	*hold = journal_show_console(d->js, (enum console_role)role, text, len, r.ok, clock_now_s(&d->clock));
	return console_reply_encode(&r, out, cap);
}

/* The journal's writer thread, after each commit: the phones' held answers can go now. */
static void daemon_journal_committed(void *user)
{
	struct daemon *d = user;

	net_wake(d->net);
}

/* A console reply waits until the journal holds its command (never for a degraded journal). */
static bool daemon_console_settled(void *user, uint64_t hold)
{
	struct daemon *d = user;

	return !d->journal || journal_settled(d->journal, hold);
}

/* The console's live view and GET /healthz: what console_live reads is wired in daemon_run. */
static size_t daemon_console_live(void *user, int role, char *out, size_t cap)
{
	struct daemon *d = user;

	return console_live_render(&d->live, (enum console_role)role, clock_now_s(&d->clock), out, cap);
}

static size_t daemon_healthz(void *user, char *out, size_t cap)
{
	struct daemon *d = user;

	return console_live_healthz(&d->live, clock_now_s(&d->clock), out, cap);
}

static size_t daemon_metrics(void *user, char *out, size_t cap)
{
	struct daemon *d = user;

	return console_live_metrics(&d->live, clock_now_s(&d->clock), out, cap);
}

/* Decodes the show's audio and opens the device; the show goes on without a device. */
static int audio_start(struct daemon *d, const struct daemon_options *o)
{
	char err[512];

	d->engine = engine_create(o->cfg, o->cfg->audio.sample_rate, err, sizeof(err));
	if (!d->engine) {
		log_error("audio: %s", err);
		return -1;
	}
	d->audiomap = audiomap_create(o->cfg);
	d->audio = d->audiomap ? audio_open(o->cfg, d->engine, o->audio_device, err, sizeof(err)) : NULL;
	if (!d->audio) {
		log_error("audio: cannot start even the null device");
		return -1;
	}
	if (err[0])
		log_error("audio: ALARM: %s; running on the null device and retrying", err);
	else
		log_info("audio: %s at %u Hz, %u frames per buffer",
			 strcmp(o->audio_device, "none") == 0 ? "no device (null, paced)" : o->audio_device,
			 o->cfg->audio.sample_rate, o->cfg->audio.frames_per_buffer);
	return 0;
}

int daemon_run(const struct daemon_options *o)
{
	struct daemon *d = calloc(1, sizeof(*d));
	uint32_t table_size;
	struct net_options no;
	struct net_handlers h;
	int status = 1;

	if (!d)
		return 1;
	d->cfg = o->cfg;
	clock_init_real(&d->clock);
	/* Room for a full venue plus as many phones again waiting to resume. */
	table_size = o->cfg->capacity * 2 + 64;
	d->crowd = crowd_create(o->cfg, table_size);
	d->show = show_create(o->cfg, 0);
	d->texts = crowdtext_create(&o->cfg->moderation, table_size);
	if (!d->crowd || !d->show || !d->texts)
		goto out;
	if (o->journal_path && !(d->journal = journal_show_open(o->journal_path, o->config_path, o->cfg->name,
							       o->journal_fresh, &d->journal_resumed)))
		goto out;
	audience_init(&d->audience, o->cfg, d->crowd, d->show, &d->metrics, d->texts, d->journal);
	{
		char err[256];

		/* Before the render thread: SDL_ttf is not shared between threads. */
		d->drawable = stagefont_coverage(o->stage.font_path, err, sizeof(err));
		if (!d->drawable)
			log_warn("crowd text: %s; texts are not cut to what the stage can draw", err);
		crowdtext_set_drawable(d->texts, d->drawable);
	}
	flash_gate_init(&d->phone_flashes, &(struct flash_limits){
		.max_per_s = (uint8_t)o->cfg->safety.max_flashes_per_s,
		.max_red_per_s = (uint8_t)o->cfg->safety.max_red_flashes_per_s });
	if (audio_start(d, o) != 0)
		goto out;
	d->safety = safety_create(o->cfg, &(struct safety_wiring){ .audiomap = d->audiomap,
		.audience = &d->audience, .phone_flashes = &d->phone_flashes, .on_event = on_safety_event,
		.user = d });
	if (!d->safety)
		goto out;
	alarms_init(&d->alarms);
	console_init(&d->console, &(struct console_wiring){ .cfg = o->cfg, .show = d->show,
		.audiomap = d->audiomap, .audience = &d->audience, .texts = d->texts,
		.alarms = &d->alarms, .safety = d->safety });
	if (d->journal) {
		double resumed_t = 0;

		d->js = journal_show_begin(&(struct journal_show_wiring){ .cfg = o->cfg, .show = d->show,
			.crowd = d->crowd, .safety = d->safety, .console = &d->console }, d->journal,
			d->journal_resumed, &resumed_t);
		if (!d->js)
			goto out;
		if (d->journal_resumed)	/* the show clock goes on from the journal's last show time */
			clock_init_real_at(&d->clock, resumed_t);
	}
	d->stage_wanted = o->stage.mode != VISUALS_NONE;
	{
		char err[256];

		d->osc_in = osc_in_create(o->cfg, err, sizeof(err));
		if (!d->osc_in && err[0]) {
			log_error("osc: %s", err);
			goto out;
		}
		if (d->osc_in)
			log_info("osc: the artist's controller is heard on UDP port %d", osc_in_port(d->osc_in));
	}
	{
		char err[256];

		d->osc = osc_out_create(o->cfg, err, sizeof(err));
		if (!d->osc) {
			log_error("osc: %s", err);
			goto out;
		}
	}

	no = (struct net_options){ .cfg = o->cfg, .listen_address = o->listen, .port = o->port,
				   .clients_dir = o->clients_dir,
				   .service = console_net_create(o->cfg, &(struct console_net_handlers){
					   .user = d, .now = daemon_now, .command = daemon_console_command,
					   .settled = daemon_console_settled,
					   .live = daemon_console_live }, &d->metrics) };
	h = (struct net_handlers){ .user = d, .tick = daemon_tick, .healthz = daemon_healthz,
				   .metrics = daemon_metrics, .now = daemon_now };
	d->net = no.service ? net_create(&no, &h, &d->audience, &d->metrics) : NULL;
	if (!d->net)
		goto out;
	/* The writer starts once the loop its commits wake exists; the daemon closes it before the loop goes. */
	if (d->journal && journal_start(d->journal, daemon_journal_committed, d) != 0) {
		log_error("journal: cannot start its writer thread");
		goto out;
	}
	if (o->simulate) {
		uint32_t n = o->simulate;

		if (n > o->cfg->capacity) {
			log_warn("--simulate %u is over the venue capacity %u: simulating %u", n,
				 o->cfg->capacity, o->cfg->capacity);
			n = o->cfg->capacity;
		}
		d->sim = sim_create(&d->audience, n, o->seed, 0);
		if (!d->sim)
			goto out;
	}
	joinqr_announce(stdout, d->cfg, net_scheme(d->net), o->listen ? o->listen : d->cfg->listen_address,
			net_port(d->net), o->simulate, d->join_url, sizeof(d->join_url));
	if (o->stage.mode != VISUALS_NONE)
		d->visuals = visuals_start_for_show(d->cfg, &o->stage, &d->stage);
	d->live = (struct console_live_sources){
		.cfg = o->cfg, .show = d->show, .crowd = d->crowd, .texts = d->texts,
		.audiomap = d->audiomap, .alarms = &d->alarms, .safety = safety_state(d->safety),
		.metrics = &d->metrics, .frame = &d->frame, .audio = d->audio, .engine = d->engine,
		.visuals = d->visuals, .sim = d->sim, .tick = &d->tick, .state_bytes = &d->last_state_bytes,
		.osc = d->osc, .osc_in = d->osc_in, .journal = d->journal, .console = &d->console,
		.sanctions = &d->audience.sanctions };
	status = net_run(d->net);
	log_info("stopped after %llu ticks; %u participants were connected",
		 (unsigned long long)d->tick, net_participants_at_stop(d->net));
out:
	visuals_stop(d->visuals);
	free(d->stage);
	osc_out_destroy(d->osc);
	osc_in_destroy(d->osc_in);
	sim_destroy(d->sim);
	journal_close(d->journal);	/* after the net thread's last push, before the loop it wakes goes */
	net_destroy(d->net);
	audio_close(d->audio);		/* the audio thread stops before the engine goes */
	engine_destroy(d->engine);
	audiomap_destroy(d->audiomap);
	safety_destroy(d->safety);
	show_destroy(d->show);
	journal_show_destroy(d->js);
	crowdtext_destroy(d->texts);
	free(d->drawable);
	crowd_destroy(d->crowd);
	free(d);
	return status;
}
