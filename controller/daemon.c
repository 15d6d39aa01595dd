/*
 * daemon.c - `tutti run`: the show engine (show_engine.h) driven by the
 * network loop on the real clock, with what only a live show has: phones
 * and consoles on sockets, the audio device, the stage window, OSC. Each
 * tick runs the show, then the device's supervision, the stage frame, OSC
 * out, the alarms, and the state broadcast to phones at the broadcast rate.
 * See daemon.h.
 *
 * Thread: the net thread (everything here runs inside the lws loop).
 */
#include "daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_device.h"
#include "clock.h"
#include "cluster_core.h"
#include "console_alarms.h"
#include "console_commands.h"
#include "console_live.h"
#include "console_net.h"
#include "crowd.h"
#include "joinqr.h"
#include "journal.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "net_protocol.h"
#include "osc_in.h"
#include "osc_out.h"
#include "safety.h"
#include "show_engine.h"
#include "stage_frame.h"
#include "stage_render.h"
#include "state_stream.h"

struct daemon {
	const struct venue_config *cfg;
	struct show_clock clock;
	struct show_engine *se;		/* the show: everything but the world outside */
	const struct show_engine_parts *show;	/* its modules */
	struct net *net;
	struct audio_device *audio;	/* the stage audio's device */
	struct visuals *visuals;	/* the stage screen; NULL = none */
	struct osc_out *osc;		/* stage gear over OSC */
	struct osc_in *osc_in;		/* the artist's controller; NULL = none */
	struct cluster_core *cluster;	/* the edges' phones (--cluster); NULL = none */
	double next_alarms_s;
	bool stage_wanted;
	double next_supervise_s;
	bool state_too_big_logged;
	struct console_live_sources live;	/* what the console's live view reads */
	double next_broadcast_s;
	size_t last_state_bytes;
	double flash_second;		/* the second of show the flash counts below started */
	uint64_t flash_held, flash_red;	/* the stage's flash-limiter counts then */
};

static double daemon_now(void *user)
{
	struct daemon *d = user;

	return clock_now_s(&d->clock);
}

/* A command from the artist's OSC controller: the artist's role, like the console. */
static void run_osc_command(void *user, const char *who, const char *command)
{
	struct daemon *d = user;
	struct console_reply reply;

	show_engine_console(d->se, CONSOLE_ROLE_ARTIST, who, command, strlen(command), clock_now_s(&d->clock),
			    &reply);
}

/* The show tick's inputs from outside: the artist's OSC controller, the edges' phones. */
static void daemon_inputs(void *user, struct show_engine *se, double now)
{
	struct daemon *d = user;

	(void)se;
	osc_in_drain(d->osc_in, run_osc_command, d);
	if (d->cluster)
		cluster_core_receive(d->cluster, now);
}

/* The state to phones: every phone's turn at a @everyone broadcast, else only those that just acted. */
static void publish_state(struct daemon *d, bool everyone)
{
	struct state_stream *st = net_state_stream(d->net);

	if (state_stream_update(st, d->cfg, d->show->frame) != 0 && !d->state_too_big_logged) {
		d->state_too_big_logged = true;
		log_error("the phones' state does not fit its buffer (a cue's texts or a poll too long?)");
	}
	d->last_state_bytes = state_stream_usual_len(st);
	net_state_publish(d->net, everyone);
	if (d->cluster)
		cluster_core_publish(d->cluster, st, everyone, clock_now_s(&d->clock));
}

/* The device's and the stage's health, and the journal's, into the console's alarms. */
static void alarms_tick(struct daemon *d, double now)
{
	const struct show_engine_parts *p = d->show;
	struct audio_status st;
	struct journal_status js = { 0 };
	struct cluster_core_status cs = { 0 };

	audio_status_get(d->audio, &st);
	if (p->journal)
		journal_status_get(p->journal, &js);
	if (d->cluster)
		cluster_core_status_get(d->cluster, &cs);
	alarms_update(p->alarms, &(struct alarm_inputs){
		.audio_lost = st.device_lost, .audio_error = st.error,
		.participants = crowd_connected(p->crowd), .capacity = d->cfg->capacity,
		.rate_limited_total = p->metrics->rejected[REJECT_RATE_LIMITED],
		.inputs_per_second = d->cfg->limits.inputs_per_second,
		.stage_wanted = d->stage_wanted, .stage_running = d->visuals != NULL,
		.journal_degraded = js.degraded, .journal_problem = js.problem,
		.journal_set_aside = js.set_aside, .cluster = d->cluster != NULL, .cluster_nats = cs.nats,
		.edges_lost = cs.edges_lost, .lost_edge = cs.lost_edge }, now);
}

/* The second's flash-limiter holds on the stage screen, into the journal (the report's safety chart). */
static void flash_second_end(struct daemon *d, double now)
{
	uint64_t held, red;

	visuals_flash_counts(d->visuals, &held, &red);
	show_engine_flash_second(d->se, d->flash_second, held - d->flash_held, red - d->flash_red);
	d->flash_second = now;
	d->flash_held = held;
	d->flash_red = red;
}

/* The show tick, then what the live show adds: the device, the stage screen, OSC, the phones. */
static void daemon_tick(void *user)
{
	struct daemon *d = user;
	double started = clock_real_now_s();
	double now = clock_now_s(&d->clock);

	show_engine_tick(d->se, now);
	if (now >= d->next_supervise_s) {
		d->next_supervise_s = now + 0.1;	/* hand-over and loss within 100 ms */
		audio_supervise(d->audio);
	}
	if (d->visuals)
		visuals_publish(d->visuals, show_engine_stage_frame(d->se, now));
	if (d->visuals && now >= d->flash_second + 1.0)
		flash_second_end(d, now);
	osc_out_tick(d->osc, d->show->frame, now);
	/* Four times a second: the alarms. */
	if (now >= d->next_alarms_s) {
		d->next_alarms_s = now + 0.25;
		alarms_tick(d, now);
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
	} else if (net_states_awaited(d->net) || (d->cluster && cluster_core_states_awaited(d->cluster))) {
		publish_state(d, false);
	} else if (d->cluster) {
		cluster_core_publish(d->cluster, NULL, false, now);	/* answers only: errors, what the journal released */
	}
	metrics_tick_record(d->show->metrics, clock_real_now_s() - started, 1.0 / d->cfg->tick_hz);
}

/* The console: one command in the sender's role; the reply as JSON. */
static size_t daemon_console_command(void *user, int role, const char *who, const char *text,
				     size_t len, char *out, size_t cap, uint64_t *hold)
{
	struct daemon *d = user;
	struct console_reply r;

	*hold = show_engine_console(d->se, (enum console_role)role, who, text, len, clock_now_s(&d->clock), &r);
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

	return !d->show->journal || journal_settled(d->show->journal, hold);
}

/* The console's live view and GET /healthz: what console_live reads is wired in daemon_run. */
static size_t daemon_console_live(void *user, int role, char *out, size_t cap)
{
	struct daemon *d = user;

	return console_live_render(&d->live, (enum console_role)role, clock_now_s(&d->clock), out, cap);
}

/* GET /console/stage.png: the stage screen's thumbnail, NULL without a stage screen. */
static struct stage_preview *daemon_console_stage_preview(void *user)
{
	struct daemon *d = user;

	return visuals_preview(d->live.visuals);
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

/* Opens the stage audio's device; the show goes on without one (the null device, and an alarm). */
static int audio_start(struct daemon *d, const struct daemon_options *o)
{
	char err[512];

	d->audio = audio_open(o->cfg, d->show->engine, o->audio_device, err, sizeof(err));
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

/* OSC to stage gear, and from the artist's controller when the venue allows one. */
static int osc_start(struct daemon *d)
{
	char err[256];

	d->osc_in = osc_in_create(d->cfg, err, sizeof(err));
	if (!d->osc_in && err[0]) {
		log_error("osc: %s", err);
		return -1;
	}
	if (d->osc_in)
		log_info("osc: the artist's controller is heard on UDP port %d", osc_in_port(d->osc_in));
	d->osc = osc_out_create(d->cfg, err, sizeof(err));
	if (!d->osc) {
		log_error("osc: %s", err);
		return -1;
	}
	return 0;
}

int daemon_run(const struct daemon_options *o)
{
	struct daemon *d = calloc(1, sizeof(*d));
	const struct show_engine_parts *p;
	struct net_options no;
	struct net_handlers h;
	char join_url[STAGE_URL_MAX];
	int status = 1;

	if (!d)
		return 1;
	d->cfg = o->cfg;
	clock_init_real(&d->clock);
	d->se = show_engine_create(&(struct show_engine_options){
		.cfg = o->cfg, .config_path = o->config_path, .journal_path = o->journal_path,
		.journal_fresh = o->journal_fresh, .simulate = o->simulate, .seed = o->seed,
		.font_path = o->stage.font_path, .inputs = daemon_inputs, .user = d });
	if (!d->se)
		goto out;
	d->show = p = show_engine_parts(d->se);
	/* A resumed show's clock goes on from the journal's last show time. */
	if (show_engine_resumed_t(d->se) > 0)
		clock_init_real_at(&d->clock, show_engine_resumed_t(d->se));
	if (audio_start(d, o) != 0)
		goto out;
	d->stage_wanted = o->stage.mode != VISUALS_NONE;
	if (osc_start(d) != 0)
		goto out;
	no = (struct net_options){ .cfg = o->cfg, .listen_address = o->listen, .port = o->port,
				   .clients_dir = o->clients_dir,
				   .service = console_net_create(o->cfg, &(struct console_net_handlers){
					   .user = d, .now = daemon_now, .command = daemon_console_command,
					   .settled = daemon_console_settled,
					   .live = daemon_console_live, .journal_path = o->journal_path,
					   .stage_preview = daemon_console_stage_preview },
				   p->metrics) };
	h = (struct net_handlers){ .user = d, .tick = daemon_tick, .healthz = daemon_healthz,
				   .metrics = daemon_metrics, .now = daemon_now };
	d->net = no.service ? net_create(&no, &h, p->audience, p->metrics) : NULL;
	if (!d->net)
		goto out;
	if (o->cluster_url && !(d->cluster = cluster_core_create(o->cfg, o->cluster_url, p->audience, d->net)))
		goto out;
	/* The writer starts once the loop its commits wake exists; the daemon closes it before the loop goes. */
	if (show_engine_journal_start(d->se, daemon_journal_committed, d) != 0)
		goto out;
	joinqr_announce(stdout, d->cfg, net_scheme(d->net), o->listen ? o->listen : d->cfg->listen_address,
			net_port(d->net), o->simulate, join_url, sizeof(join_url));
	show_engine_set_join_url(d->se, join_url);
	if (o->stage.mode != VISUALS_NONE)
		d->visuals = visuals_start_for_show(d->cfg, &o->stage);
	d->flash_second = clock_now_s(&d->clock);
	d->live = (struct console_live_sources){
		.cfg = o->cfg, .show = p->show, .crowd = p->crowd, .texts = p->texts,
		.audiomap = p->audiomap, .alarms = p->alarms, .safety = safety_state(p->safety),
		.metrics = p->metrics, .frame = p->frame, .audio = d->audio, .engine = p->engine,
		.visuals = d->visuals, .sim = p->sim, .tick = p->tick, .state_bytes = &d->last_state_bytes,
		.osc = d->osc, .osc_in = d->osc_in, .journal = p->journal, .console = p->console,
		.sanctions = &p->audience->sanctions, .cluster = d->cluster };
	status = net_run(d->net);
	log_info("stopped after %llu ticks; %u participants were connected",
		 (unsigned long long)*p->tick, net_participants_at_stop(d->net));
out:
	visuals_stop(d->visuals);
	osc_out_destroy(d->osc);
	osc_in_destroy(d->osc_in);
	/* The journal closes before the loop its commits wake goes. */
	show_engine_stop(d->se, clock_now_s(&d->clock));
	cluster_core_destroy(d->cluster);	/* before the audience its phones belong to */
	net_destroy(d->net);
	audio_close(d->audio);		/* the audio thread stops before the engine goes */
	show_engine_destroy(d->se);
	free(d);
	return status;
}
