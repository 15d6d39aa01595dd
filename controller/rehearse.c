/*
 * rehearse.c - `tutti rehearse` and `tutti replay`: the show engine on a
 * virtual clock, its audio rendered offline, its stage drawn offscreen.
 * See rehearse.h and docs/rehearsal.md.
 *
 * Thread: main (the driver); the stage screen's render thread and the
 * journal's writer do their own part.
 */
#include "rehearse.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio_device.h"
#include "clock.h"
#include "console_commands.h"
#include "joinqr.h"
#include "journal.h"
#include "log.h"
#include "metrics.h"
#include "rehearse_journal.h"
#include "rehearse_progress.h"
#include "rehearse_sheet.h"
#include "report_html.h"
#include "show_engine.h"
#include "stage_offline.h"

#define OUT_PATH_MAX 1024

/* What a rehearsal or a replay writes, and where: for the summary, and for what comes after. */
struct rehearse_outputs {
	char dir[OUT_PATH_MAX - 32];	/* room for the names inside it */
	char wav[OUT_PATH_MAX];		/* the show's audio */
	char frames[OUT_PATH_MAX];	/* its stills; "" = none */
	char journal[OUT_PATH_MAX];	/* its journal; "" = none (a replay) */
	char report[OUT_PATH_MAX];	/* the post-show report from the journal; "" = none */
	long stills;
};

/* The virtual-time driver of one show engine. */
struct offline {
	const struct rehearse_options *o;
	const struct venue_config *cfg;
	const char *label;		/* "rehearse" or "replay", for messages */
	struct show_engine *se;
	const struct show_engine_parts *parts;
	struct rehearse_outputs out;
	struct stage_offline *stage;	/* NULL = no stills */
	int64_t ticks;			/* ticks 0 .. ticks - 1, all before the show's end */
	int64_t next_tick;
	int64_t next_still;		/* the number of the next still (still k is at k * frames_every_s) */
	int64_t next_picture;		/* the number of the next picture (picture k is at k / stage_fps) */
	struct progress progress;
	struct run_sheet *sheet;	/* rehearse: the operator's commands */
	uint32_t sheet_refused;
	char sheet_first_refusal[800];
	struct replay_source *replay;	/* replay: the recorded show's events */
};

/* ---- the output folder ---- */

static int make_dirs(const char *path)
{
	char p[OUT_PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(p))
		return -1;
	memcpy(p, path, len + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* A still of ours: "00012.500.png". */
static bool still_name(const char *name)
{
	size_t len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".png") == 0 && strspn(name, "0123456789.") == len - 4;
}

/*
 * The journal's file, fresh: a rehearsal run again replaces its journal,
 * whole. Anything else by that name (a live show's journal, say) is never
 * touched: -1, said why.
 */
static int remove_journal(const char *path)
{
	static const char *const parts[] = { "", "-wal", "-shm" };
	char p[OUT_PATH_MAX + 8];

	if (access(path, F_OK) == 0 && journal_file_rehearsal(path) != 1) {
		fprintf(stderr, "tutti: rehearse: %s is there and is not a rehearsal's journal (a show's, or another "
			"file): it is left as it is; give another --out folder\n", path);
		return -1;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, parts[i]);
		unlink(p);
	}
	return 0;
}

/*
 * The folder, with a fresh journal when @journal (a rehearsal's), and
 * frames/ with no stills of an earlier run left in it (a shorter show
 * leaves none behind). Nothing is touched when the journal there is not
 * a rehearsal's.
 */
static int prepare_out(struct offline *r, bool journal)
{
	struct rehearse_outputs *out = &r->out;
	DIR *d;
	struct dirent *e;

	if (strlen(r->o->out_dir) >= sizeof(out->dir)) {
		fprintf(stderr, "tutti: %s: the folder's path is over %zu bytes\n", r->label, sizeof(out->dir) - 1);
		return -1;
	}
	snprintf(out->dir, sizeof(out->dir), "%s", r->o->out_dir);
	snprintf(out->wav, sizeof(out->wav), "%s/show.wav", out->dir);
	if (journal) {
		snprintf(out->journal, sizeof(out->journal), "%s/show.db", out->dir);
		if (remove_journal(out->journal) != 0)
			return -1;
	}
	if (make_dirs(out->dir) != 0) {
		fprintf(stderr, "tutti: %s: cannot make the folder %s: %s\n", r->label, out->dir, strerror(errno));
		return -1;
	}
	if (r->o->frames_every_s <= 0)
		return 0;
	snprintf(out->frames, sizeof(out->frames), "%s/frames", out->dir);
	if (make_dirs(out->frames) != 0 || !(d = opendir(out->frames))) {
		fprintf(stderr, "tutti: %s: cannot make the folder %s: %s\n", r->label, out->frames, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[OUT_PATH_MAX + 300];

		if (!still_name(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", out->frames, e->d_name);
		unlink(path);
	}
	closedir(d);
	return 0;
}

/* ---- one tick ---- */

/*
 * The stage: a picture every 1 / stage_fps s of show and a still every
 * frames_every_s, each at the first tick at or after its time (a hair of
 * rounding is not a tick late). A still is the picture drawn then.
 */
static void stage_tick(struct offline *r, double now)
{
	char path[OUT_PATH_MAX + 40];
	double still_t = (double)r->next_still * r->o->frames_every_s;
	bool still = still_t <= now + 1e-9;

	if (!still && (double)r->next_picture / r->o->stage_fps > now + 1e-9)
		return;
	if (still) {
		snprintf(path, sizeof(path), "%s/%09.3f.png", r->out.frames, still_t);
		r->next_still++;
	}
	while ((double)r->next_picture / r->o->stage_fps <= now + 1e-9)
		r->next_picture++;
	stage_offline_draw(r->stage, show_engine_stage_frame(r->se, now), still ? path : NULL);
}

/* The driver's inputs, inside the tick: the run sheet's commands due, or the journal's events of this tick. */
static void offline_inputs(void *user, struct show_engine *se, double now)
{
	struct offline *r = user;
	const struct sheet_command *c;

	if (r->replay)
		replay_apply(r->replay, r->next_tick, now);
	while (r->sheet && (c = run_sheet_next_due(r->sheet, now)) != NULL) {
		struct console_reply reply;

		/* The console's own path: run in the operator's role, journaled like a live command. */
		show_engine_console(se, CONSOLE_ROLE_OPERATOR, "run sheet", c->text, strlen(c->text), now, &reply);
		if (!reply.ok && r->sheet_refused++ == 0)
			snprintf(r->sheet_first_refusal, sizeof(r->sheet_first_refusal), "%.400s:%u: at %.3f s: %s: %s",
				 r->sheet->path, c->line, now, reply.code, reply.message);
	}
}

static void offline_tick(struct offline *r)
{
	double now = (double)r->next_tick / r->cfg->tick_hz, started = clock_real_now_s();

	show_engine_tick(r->se, now);
	if (r->stage)
		stage_tick(r, now);
	metrics_tick_record(r->parts->metrics, clock_real_now_s() - started, 1.0 / r->cfg->tick_hz);
	progress_update(&r->progress, now);
	r->next_tick++;
}

/* Before each audio block at show time @t_s: every tick due by then, so the block hears their parameters. */
static void between_blocks(void *user, double t_s)
{
	struct offline *r = user;
	double frame = round(t_s * r->cfg->audio.sample_rate);

	while (r->next_tick < r->ticks &&
	       (double)r->next_tick * r->cfg->audio.sample_rate <= frame * r->cfg->tick_hz)
		offline_tick(r);
}

/* ---- the whole show ---- */

static int stage_start(struct offline *r)
{
	char err[512];

	if (r->o->frames_every_s <= 0)
		return 0;
	/*
	 * A rehearsal is worth its speed: "auto" takes the shaders only where a
	 * GPU runs them. On Mesa's CPU rasteriser they would cost minutes per
	 * show; --stage-renderer gpu asks for them anyway.
	 */
	enum stage_renderer renderer = (enum stage_renderer)r->o->stage_renderer;

	r->stage = stage_offline_create(r->cfg, r->o->stage_width, r->o->stage_height, r->o->font_path,
					renderer == STAGE_RENDERER_AUTO ? STAGE_RENDERER_AUTO_HARDWARE : renderer, err,
					sizeof(err));
	if (!r->stage) {
		fprintf(stderr, "tutti: %s: the stage screen: %s\n", r->label, err);
		return -1;
	}
	return 0;
}

/* The join scene shows the URL phones would open at the venue: the config's, as `run` would announce it. */
static void join_url(struct offline *r)
{
	char url[STAGE_URL_MAX];

	joinqr_url(url, sizeof(url), r->cfg, r->cfg->tls_cert[0] ? "https" : "http", r->cfg->listen_address,
		   r->cfg->port);
	show_engine_set_join_url(r->se, url);
}

/* How many ticks a show of @length_s has: those before its end. */
static int64_t ticks_of(const struct venue_config *cfg, double length_s)
{
	return (int64_t)ceil(length_s * cfg->tick_hz - 1e-9);
}

/* Runs the show from tick 0 to its end, rendering the audio on the way. 0, or -1 (said why). */
static int run_show(struct offline *r, double length_s)
{
	char err[700];
	uint32_t block = r->cfg->audio.frames_per_buffer ? r->cfg->audio.frames_per_buffer : 128;
	int rc;

	r->ticks = ticks_of(r->cfg, length_s);
	if (block > ENGINE_MAX_BLOCK)
		block = ENGINE_MAX_BLOCK;
	join_url(r);
	progress_start(&r->progress, stderr, r->label, length_s);
	rc = audio_render_offline(r->parts->engine, r->out.wav, length_s, block, between_blocks, NULL, r, err,
				  sizeof(err));
	/* The ticks after the last block's start: the stage and the journal still see them. */
	while (rc == 0 && r->next_tick < r->ticks)
		offline_tick(r);
	progress_end(&r->progress, (double)r->next_tick / r->cfg->tick_hz);
	if (rc != 0) {
		fprintf(stderr, "tutti: %s: the show's audio: %s\n", r->label, err);
		return -1;
	}
	if (r->stage) {
		r->out.stills = stage_offline_finish(r->stage, err, sizeof(err));
		if (r->out.stills < 0) {
			fprintf(stderr, "tutti: %s: a still: %s\n", r->label, err);
			return -1;
		}
	}
	return 0;
}

/*
 * The stage's flash-limiter holds, a row per second, once every frame is
 * drawn: the render thread runs behind the show, and at the end they go in
 * the same order every time, so the same rehearsal gives the same journal.
 */
static void flash_into_journal(struct offline *r)
{
	const struct flash_second *sec;
	size_t n = r->stage ? stage_offline_flash_seconds(r->stage, &sec) : 0;

	for (size_t i = 0; i < n; i++)
		show_engine_flash_second(r->se, (double)i, sec[i].held, sec[i].red_dropped);
}

/* DIR/report.html from the rehearsal's journal (docs/report.md); a failure is said, the rest stands. */
static int write_report(struct offline *r)
{
	char err[700];

	if (!r->out.journal[0])
		return 0;
	snprintf(r->out.report, sizeof(r->out.report), "%s/report.html", r->o->out_dir);
	if (report_write_file(r->out.journal, r->cfg, r->out.report, err, sizeof(err)) != 0) {
		fprintf(stderr, "tutti: %s: the post-show report: %s\n", r->label, err);
		r->out.report[0] = '\0';
		return -1;
	}
	return 0;
}

static void summary(const struct offline *r, double length_s, double wall_s)
{
	char at[32], took[32];

	progress_format_time(at, sizeof(at), length_s);
	progress_format_time(took, sizeof(took), wall_s);
	fprintf(stderr, "tutti: %s: %s of show in %s (x%.1f)\n", r->label, at, took, wall_s > 0 ? length_s / wall_s : 0);
	printf("%s (%u Hz, 32-bit float, stereo)\n", r->out.wav, r->cfg->audio.sample_rate);
	if (r->out.frames[0])
		printf("%s/ (%ld stills, one every %g s of show)\n", r->out.frames, r->out.stills, r->o->frames_every_s);
	if (r->out.journal[0])
		printf("%s (the show's journal)\n", r->out.journal);
	if (r->out.report[0])
		printf("%s (the post-show report)\n", r->out.report);
}

static void offline_end(struct offline *r)
{
	stage_offline_destroy(r->stage);
	replay_close(r->replay);	/* its phones leave the show before the engine goes */
	show_engine_destroy(r->se);
	run_sheet_free(r->sheet);
}

int rehearse_run(const struct rehearse_options *o)
{
	struct offline r = { .o = o, .cfg = o->cfg, .label = "rehearse" };
	double started = clock_real_now_s();
	int status = 1;

	if (o->run_sheet && !(r.sheet = run_sheet_load(o->run_sheet, stderr)))
		return 2;
	/* After the last tick (the show's end, or a hair before it) a command would never run: say so now. */
	for (size_t i = 0; r.sheet && i < r.sheet->count; i++)
		if (r.sheet->commands[i].t > (double)(ticks_of(o->cfg, o->duration_s) - 1) / o->cfg->tick_hz)
			fprintf(stderr, "tutti: rehearse: %s:%u: at %.3f s, after the rehearsal's last tick (it ends at %g s): "
				"it will not run\n", r.sheet->path, r.sheet->commands[i].line, r.sheet->commands[i].t,
				o->duration_s);
	if (prepare_out(&r, true) != 0)
		goto out;
	r.se = show_engine_create(&(struct show_engine_options){
		.cfg = o->cfg, .config_path = o->config_path, .journal_path = r.out.journal, .journal_fresh = true,
		.journal_offline = true, .simulate = o->crowd, .seed = o->seed, .seeded_identities = true,
		.font_path = o->font_path, .inputs = offline_inputs, .user = &r });
	if (!r.se)
		goto out;
	r.parts = show_engine_parts(r.se);
	if (show_engine_journal_start(r.se, NULL, NULL) != 0 || stage_start(&r) != 0)
		goto out;
	if (run_show(&r, o->duration_s) != 0)
		goto out;
	flash_into_journal(&r);
	show_engine_stop(r.se, o->duration_s);	/* the crowd leaves; the journal holds everything once this returns */
	if (r.sheet_refused)
		fprintf(stderr, "tutti: rehearse: %u run sheet command%s refused; the first: %s\n", r.sheet_refused,
			r.sheet_refused == 1 ? " was" : "s were", r.sheet_first_refusal);
	status = write_report(&r) == 0 ? 0 : 1;
	summary(&r, o->duration_s, clock_real_now_s() - started);
out:
	offline_end(&r);
	return status;
}

int replay_run(const struct rehearse_options *o)
{
	struct offline r = { .o = o, .label = "replay" };
	double started = clock_real_now_s(), length_s;
	int status = 1;

	r.replay = replay_open(o->journal_path, stderr);
	if (!r.replay)	/* no such file is a slip of the command line; a journal that will not do, a failure */
		return access(o->journal_path, F_OK) == 0 ? 1 : 2;
	r.cfg = replay_config(r.replay);
	length_s = replay_length_s(r.replay);
	if (prepare_out(&r, false) != 0)
		goto out;
	r.se = show_engine_create(&(struct show_engine_options){
		.cfg = r.cfg, .font_path = o->font_path, .inputs = offline_inputs, .user = &r });
	if (!r.se || replay_attach(r.replay, r.se) != 0 || stage_start(&r) != 0)
		goto out;
	r.parts = show_engine_parts(r.se);
	if (run_show(&r, length_s) != 0)
		goto out;
	status = replay_report(r.replay, stderr) == 0 ? 0 : 1;
	summary(&r, length_s, clock_real_now_s() - started);
out:
	offline_end(&r);
	return status;
}
