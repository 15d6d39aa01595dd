/*
 * main.c - `tutti`: parses the command line and hands over to `check`,
 * `run`, `rehearse`, `replay` and the small commands. Exit status: 0 fine, 1 the config or the daemon failed, 2 usage.
 * Thread: main (which becomes the net thread in `run`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio_device.h"
#include "cli.h"
#include "config.h"
#include "console_auth.h"
#include "console_live.h"
#include "cluster_edge.h"
#include "daemon.h"
#include "journal.h"
#include "log.h"
#include "net_tlscert.h"
#include "rehearse.h"
#include "rehearse_journal.h"
#include "report_html.h"

static void print_errors(const struct config_errors *errors, const char *path)
{
	char line[1024];	/* a pointer, a message and the file's path */

	for (size_t i = 0; i < errors->count; i++) {
		config_error_format(&errors->items[i], path, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
}

/*
 * What is likely a mistake in @cfg: on stderr as "FILE: warning: /pointer:
 * message" for `tutti check`, in the daemon's log for `tutti run`.
 */
static void report_warnings(const struct venue_config *cfg, const char *path, bool to_log)
{
	struct config_errors warnings = { 0 };

	config_warnings(cfg, &warnings);
	for (size_t i = 0; i < warnings.count; i++) {
		const struct config_error *w = &warnings.items[i];

		if (to_log)
			log_warn("%s: %s: %s", path, w->pointer, w->message);
		else
			fprintf(stderr, "%s: warning: %s: %s\n", path, w->pointer, w->message);
	}
	config_errors_free(&warnings);
}

static const char *clients_dir(void)
{
	const char *dir = getenv("TUTTI_CLIENTS_DIR");

	return dir && *dir ? dir : TUTTI_SOURCE_DIR "/clients";
}

static const char *font_path(void)
{
	const char *path = getenv("TUTTI_STAGE_FONT");

	return path && *path ? path : TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf";
}

/* The stage screen the command line asks for; AUTO opens a window only where there is a display. */
static struct visuals_options stage_options(const struct cli_options *o, bool *auto_mode)
{
	static const enum visuals_mode modes[] = {
		[CLI_STAGE_AUTO] = VISUALS_WINDOW, [CLI_STAGE_WINDOW] = VISUALS_WINDOW,
		[CLI_STAGE_FULLSCREEN] = VISUALS_WINDOW, [CLI_STAGE_OFFSCREEN] = VISUALS_OFFSCREEN,
		[CLI_STAGE_NONE] = VISUALS_NONE,
	};
	const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
	struct visuals_options v = {
		.mode = modes[o->stage], .width = o->stage_width, .height = o->stage_height,
		.display = o->stage_display, .fullscreen = o->stage == CLI_STAGE_FULLSCREEN,
		.fps = o->stage_fps, .renderer = (enum stage_renderer)o->stage_renderer, .png_dir = o->stage_png, .png_every_s = o->stage_png_every,
		.keep_pngs = o->stage_png_keep, .keep_pngs_max = o->stage_png_keep_max, .font_path = font_path(),
	};

	*auto_mode = o->stage == CLI_STAGE_AUTO;
	if (*auto_mode && !(x11 && *x11) && !(wayland && *wayland))
		v.mode = o->stage_png ? VISUALS_OFFSCREEN : VISUALS_NONE;
	return v;
}

/*
 * `tutti hash-password`: one line on stdin (not the command line, where
 * other users and the shell's history would see it) to a hash for the
 * venue config's console section.
 */
static int hash_password(void)
{
	char password[512], hash[CONSOLE_HASH_MAX];
	size_t n;

	if (!fgets(password, sizeof(password), stdin)) {
		fprintf(stderr, "tutti: hash-password: no password on stdin\n");
		return 2;
	}
	n = strcspn(password, "\r\n");
	password[n] = '\0';
	if (n < 8) {
		fprintf(stderr, "tutti: hash-password: use at least 8 characters\n");
		return 2;
	}
	if (console_password_hash(password, hash) != 0) {
		fprintf(stderr, "tutti: hash-password: cannot hash (out of memory)\n");
		return 1;
	}
	printf("%s\n", hash);
	return 0;
}

/* `tutti tls-cert DIR`: the console's certificate, and what to put in the venue config. */
static int tls_cert(const struct cli_options *o)
{
	struct tlscert_request req = { .dir = o->tls_dir, .name_count = o->tls_name_count, .days = o->tls_days };
	char fingerprint[TLSCERT_FINGERPRINT_CHARS], err[700];

	for (size_t i = 0; i < o->tls_name_count; i++)
		req.names[i] = o->tls_names[i];
	if (tlscert_make(&req, fingerprint, err, sizeof(err)) != 0) {
		fprintf(stderr, "tutti: tls-cert: %s\n", err);
		return 1;
	}
	printf("tutti: wrote %s/console.crt and %s/console.key (valid %d days)\n"
	       "tutti: SHA-256 fingerprint %s\n"
	       "tutti: add to the venue config:  \"tls\": { \"cert\": \"%s/console.crt\", \"key\": \"%s/console.key\" }\n"
	       "tutti: the first time a browser opens the console it warns; check that the fingerprint it\n"
	       "tutti: shows is the one above, then accept it (docs/operations.md, TLS for the console)\n",
	       o->tls_dir, o->tls_dir, o->tls_days, fingerprint, o->tls_dir, o->tls_dir);
	return 0;
}

/* `tutti purge SHOW.db...`: each show's retention period applied; status 1 when a file could not be. */
static int purge(const struct cli_options *o)
{
	int status = 0;

	for (int i = 0; i < o->journal_count; i++) {
		const char *path = o->journals[i];
		struct journal_purge p;
		double days;
		char err[700];

		if (journal_purge_file(path, &p, &days, err, sizeof(err)) != 0) {
			fprintf(stderr, "tutti: purge: %s\n", err);
			status = 1;
		} else if (p.due) {
			printf("%s: purged (the show was over %.0f days ago, kept %g days): %lld inputs, %lld "
			       "participants, and who cast %lld votes; the tallies and metrics stay\n", path,
			       ((double)time(NULL) - p.over_unix) / 86400.0, days, p.inputs, p.participants, p.votes);
		} else if (p.already) {
			printf("%s: purged already\n", path);
		} else {
			printf("%s: kept: within its %g days after the show\n", path, days);
		}
	}
	return status;
}

/* `tutti report SHOW.db --out FILE`: status 1 when the journal cannot be read or the file written. */
static int report(const struct cli_options *o)
{
	char err[600];
	struct replay_source *r = replay_open(o->show_db, stderr);	/* the config the show ran with */
	int status = 0;

	if (!r)
		return 1;
	if (report_write_file(o->show_db, replay_config(r), o->out_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "tutti: report: %s\n", err);
		status = 1;
	} else {
		printf("%s (the post-show report of %s)\n", o->out_dir, o->show_db);
	}
	replay_close(r);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_options o;
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	char err[256];
	int status;
	const char *cluster_url;

	if (cli_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "tutti: %s\n(see tutti --help)\n", err);
		return 2;
	}
	if (o.command == CLI_HELP) {
		cli_usage(stdout);
		return 0;
	}
	if (o.command == CLI_LIST_AUDIO) {
		printf("audio output devices:\n");
		audio_list_devices(stdout);
		return 0;
	}
	if (o.command == CLI_HASH_PASSWORD)
		return hash_password();
	if (o.command == CLI_TLS_CERT)
		return tls_cert(&o);
	if (o.command == CLI_PURGE)
		return purge(&o);
	if (o.command == CLI_REPORT)
		return report(&o);
	if (o.command == CLI_VERSION) {
		printf("tutti %s\n", TUTTI_VERSION);
		return 0;
	}
	if (o.command == CLI_REPLAY)
		return replay_run(&(struct rehearse_options){ .journal_path = o.show_db, .out_dir = o.out_dir,
			.frames_every_s = o.frames_every_s, .stage_width = o.stage_width, .stage_height = o.stage_height,
			.stage_fps = o.stage_fps, .stage_renderer = o.stage_renderer, .font_path = font_path() });
	cfg = config_load(o.config_path, &errors);
	if (!cfg) {
		print_errors(&errors, o.config_path);
		fprintf(stderr, "tutti: %zu problem%s in %s\n", errors.count,
			errors.count == 1 ? "" : "s", o.config_path);
		config_errors_free(&errors);
		return 1;
	}
	if (o.command == CLI_CHECK) {
		printf("%s: ok: \"%s\", capacity %u, %u zone(s), %u cue(s), %u poll(s)\n",
		       o.config_path, cfg->name, cfg->capacity, cfg->zone_count, cfg->cue_count,
		       cfg->adhoc_first);
		if (console_live_warning(cfg, err, sizeof(err)))
			fprintf(stderr, "%s: warning: %s\n", o.config_path, err);
		report_warnings(cfg, o.config_path, false);
		config_destroy(cfg);
		return 0;
	}
	report_warnings(cfg, o.config_path, true);
	if (o.command == CLI_REHEARSE) {
		status = rehearse_run(&(struct rehearse_options){ .cfg = cfg, .config_path = o.config_path,
			.out_dir = o.out_dir, .duration_s = o.duration_s, .crowd = o.simulate, .seed = o.seed,
			.run_sheet = o.run_sheet, .frames_every_s = o.frames_every_s, .stage_width = o.stage_width,
			.stage_height = o.stage_height, .stage_fps = o.stage_fps,
			.stage_renderer = o.stage_renderer, .font_path = font_path() });
		config_destroy(cfg);
		return status;
	}
	cluster_url = o.cluster_url ? o.cluster_url : (cfg->cluster.url[0] ? cfg->cluster.url : NULL);
	if (o.command == CLI_EDGE) {
		if (!cluster_url) {
			fprintf(stderr, "tutti: edge: give the core's NATS with --cluster nats://HOST:PORT "
				"(or \"cluster\": {\"url\": ...} in %s)\n", o.config_path);
			config_destroy(cfg);
			return 2;
		}
		status = edge_run(&(struct edge_options){ .cfg = cfg, .cluster_url = cluster_url, .name = o.edge_name,
							  .listen = o.listen, .port = o.port,
							  .clients_dir = clients_dir() });
		config_destroy(cfg);
		return status;
	}
	bool stage_auto;
	struct visuals_options stage = stage_options(&o, &stage_auto);

	/*
	 * Mesa's software GL (llvmpipe, the GPU path where there is no GPU)
	 * rasterises on a thread per core by default: during a show that would
	 * take every core from the phones and the sound. One core fewer, at least
	 * one. Before any thread starts; a value in the environment wins.
	 */
	{
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		char n[24];

		snprintf(n, sizeof(n), "%ld", cores > 2 ? cores - 1 : 1);
		setenv("LP_NUM_THREADS", n, 0);
	}

	if (tlscert_console_in_cleartext(cfg->console.enabled, cfg->tls_cert, o.listen ? o.listen : cfg->listen_address))
		fprintf(stderr, "tutti: WARNING: console passwords and session cookies would cross the network in "
			"cleartext (no \"tls\" in %s and listening beyond this machine); make a certificate in one "
			"step with `tutti tls-cert DIR` (docs/operations.md)\n", o.config_path);

	status = daemon_run(&(struct daemon_options){
		.cfg = cfg, .listen = o.listen, .port = o.port, .clients_dir = clients_dir(),
		.simulate = o.simulate, .seed = o.seed, .headless = o.headless,
		.audio_device = o.audio[0] ? o.audio : cfg->audio.device,
		.stage = stage, .stage_auto = stage_auto, .config_path = o.config_path,
		.journal_path = o.journal, .journal_fresh = o.journal_fresh, .cluster_url = o.cluster_url,
	});
	config_destroy(cfg);
	return status;
}
