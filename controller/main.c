/*
 * main.c - `tutti`: parses the command line and hands over to `check` or
 * `run`. Exit status: 0 fine, 1 the config or the daemon failed, 2 usage.
 * Thread: main (which becomes the net thread in `run`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio_device.h"
#include "cli.h"
#include "config.h"
#include "console_auth.h"
#include "daemon.h"

static void print_errors(const struct config_errors *errors, const char *path)
{
	char line[600];

	for (size_t i = 0; i < errors->count; i++) {
		config_error_format(&errors->items[i], path, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
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
		.fps = o->stage_fps, .png_dir = o->stage_png, .png_every_s = o->stage_png_every,
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

int main(int argc, char **argv)
{
	struct cli_options o;
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	char err[256];
	int status;

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
	if (o.command == CLI_VERSION) {
		printf("tutti %s\n", TUTTI_VERSION);
		return 0;
	}
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
		       cfg->poll_count);
		config_destroy(cfg);
		return 0;
	}
	bool stage_auto;
	struct visuals_options stage = stage_options(&o, &stage_auto);

	status = daemon_run(&(struct daemon_options){
		.cfg = cfg, .listen = o.listen, .port = o.port, .clients_dir = clients_dir(),
		.simulate = o.simulate, .seed = o.seed, .headless = o.headless,
		.audio_device = o.audio[0] ? o.audio : cfg->audio.device,
		.stage = stage, .stage_auto = stage_auto,
	});
	config_destroy(cfg);
	return status;
}
