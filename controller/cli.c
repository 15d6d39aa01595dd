/*
 * cli.c - `tutti` command line. See cli.h.
 * Thread: main.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "stage_screen.h"
#include "suggest.h"

/* One option of a command: its name and whether a value follows it. */
struct cli_option {
	const char *name;
	bool takes_value;
};

#define OPTIONS_MAX 32

/* `tutti run`'s options; `tutti check` knows them only to say they are run's. */
static const struct cli_option run_options[] = {
	{ "--help", false },	/* taken before the table: listed for suggestions */
	{ "--headless", false },
	{ "--journal-fresh", false },
	{ "--stage-png-keep", false },
	{ "--port", true },
	{ "--listen", true },
	{ "--audio", true },
	{ "--simulate", true },
	{ "--seed", true },
	{ "--stage", true },
	{ "--stage-size", true },
	{ "--stage-display", true },
	{ "--stage-fps", true },
	{ "--stage-renderer", true },
	{ "--stage-png", true },
	{ "--stage-png-every", true },
	{ "--stage-png-keep-max", true },
	{ "--journal", true },
	{ "--cluster", true },
	{ "--name", true },
};

/* What `tutti edge` takes of them (it runs no show: no stage, audio, journal or crowd of its own). */
static const char *const edge_option_names[] = { "--help", "--port", "--listen", "--cluster", "--name" };

/* `tutti rehearse`'s options, and `tutti replay`'s (the show's length, crowd and operator are the journal's). */
static const struct cli_option rehearse_options[] = {
	{ "--help", false },
	{ "--crowd", true },
	{ "--duration", true },
	{ "--seed", true },
	{ "--run-sheet", true },
	{ "--out", true },
	{ "--frames-every", true },
	{ "--stage-size", true },
	{ "--stage-fps", true },
	{ "--stage-renderer", true },
};
static const struct cli_option replay_options[] = {
	{ "--help", false },
	{ "--out", true },
	{ "--frames-every", true },
	{ "--stage-size", true },
	{ "--stage-fps", true },
	{ "--stage-renderer", true },
};

static const struct cli_option tls_cert_options[] = {
	{ "--name", true },
	{ "--days", true },
};

/* The first word of a command line: the commands, and the options that stand for one. */
static const char *const commands[] = {
	"run", "edge", "check", "rehearse", "replay", "report", "tls-cert", "hash-password", "purge", "--list-audio", "--help",
	"--version",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void cli_usage(FILE *out)
{
	fputs("usage: tutti run VENUE.json [options]   run the show: phones, stage, crowd\n"
	      "       tutti edge VENUE.json --cluster nats://HOST:PORT [--port N] [--listen ADDR] [--name NAME]\n"
	      "                                        hold phones for a core (`run --cluster`) on\n"
	      "                                        another process or machine (docs/scale.md)\n"
	      "       tutti check VENUE.json           validate a venue config (exit 1 on errors)\n"
	      "       tutti rehearse VENUE.json --duration S --out DIR [options]\n"
	      "                                        the show on a virtual clock, as fast as it goes:\n"
	      "                                        DIR/show.wav, DIR/frames/, DIR/show.db\n"
	      "       tutti replay SHOW.db --out DIR [options]\n"
	      "                                        a recorded show again from its journal: audio, stills\n"
	      "       tutti report SHOW.db --out FILE   the post-show report of a show's journal: one HTML\n"
	      "                                        file that opens offline (docs/report.md)\n"
	      "       tutti --list-audio                list audio devices\n"
	      "       tutti hash-password               read a console password on stdin, print its hash\n"
	      "       tutti tls-cert DIR [--name HOST]... [--days N]\n"
	      "                                        make DIR/console.crt and .key, a self-signed\n"
	      "                                        certificate for the console on the venue LAN\n"
	      "                                        (default names: this machine's; 365 days)\n"
	      "       tutti purge SHOW.db...            apply each show's retention period (privacy.retention_days):\n"
	      "                                        once it is over, who did what is deleted, the\n"
	      "                                        aggregates stay (run it daily, docs/privacy.md)\n"
	      "       tutti --help | --version\n"
	      "\n"
	      "run options:\n"
	      "  --port N          listen on port N (0 = any free port); default: the config's\n"
	      "  --listen ADDR     listen on address ADDR (0.0.0.0 = every interface)\n"
	      "  --stage MODE      window, fullscreen, offscreen (no display; pair it with\n"
	      "                    --stage-png) or none; default: a window if there is a display\n"
	      "  --headless        the same as --stage none\n"
	      "  --stage-size WxH  stage render size (default 1280x720)\n"
	      "  --stage-display N which display the stage window opens on (default 0)\n"
	      "  --stage-fps N     frame rate cap (default 60)\n"
	      "  --stage-renderer R  auto (OpenGL ES shaders where GL works, else software; the\n"
	      "                    default), gpu (GL or no stage screen) or software\n"
	      "  --stage-png DIR   write the stage screen to DIR/latest.png every second\n"
	      "  --stage-png-every S  ... every S seconds instead (0 = every frame)\n"
	      "  --stage-png-keep  also keep numbered stills (DIR/stage-000001.png, ...), numbered on\n"
	      "                    from the stills already there\n"
	      "  --stage-png-keep-max N  keep at most N numbered stills, the oldest go (default 3600)\n"
	      "  --audio DEVICE    none (no sound card: a paced null device), default, or a\n"
	      "                    device name (exact, else part of it); default: the config's\n"

	      "  --journal PATH    keep the show's memory in PATH (SQLite): a restart resumes the show\n"
	      "                    there; default: none, the show is kept in memory only\n"
	      "  --journal-fresh   start a new show in the --journal file instead of resuming it\n"
	      "  --cluster URL     be the core of edges joined by NATS at URL (nats://HOST:PORT,\n"
	      "                    several separated by commas): docs/scale.md\n"
	      "  --name NAME       (edge) the edge's name in its id, its subject and the console\n"
	      "  --simulate N      add N simulated phones that behave like a crowd (steady, bursty,\n"
	      "                    idle, leavers, spammers, a coordinated group)\n"
	      "  --seed N          seed for the simulated crowd (default 1)\n"
	      "\n"
	      "rehearse and replay options (docs/rehearsal.md):\n"
	      "  --crowd N         rehearse with N simulated phones (default 0)\n"
	      "  --seed K          the simulated crowd's seed (default 1): same seed, same show\n"
	      "  --duration S      rehearse S seconds of show (also M:SS)\n"
	      "  --run-sheet FILE  the operator's console commands at show times, one a line\n"
	      "  --out DIR         write show.wav, frames/ (and show.db) into DIR\n"
	      "  --frames-every S  a stage still every S seconds of show (default 1; 0 = none)\n"
	      "  --stage-size WxH  the stills' size (default 1280x720)\n"
	      "  --stage-fps N     stage pictures drawn per second of show (default 10)\n"
	      "  --stage-renderer R  auto (the default: the shaders where a GPU runs them, else\n"
	      "                    software, for speed), gpu (the shaders, even on the CPU) or software\n"
	      "\n"
	      "Phones join at the URL printed on start-up (and its QR code).\n"
	      "Docs: docs/config.md, docs/protocol.md, docs/operations.md\n", out);
}

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

_Static_assert(COUNT(run_options) <= OPTIONS_MAX, "run_options fits the suggestions' list");

/* The row of @opts named @name, or NULL. */
static bool name_in(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static const struct cli_option *option_find(const struct cli_option *opts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

/* "@what unknown option 'NAME'; did you mean '--NEAR'?": the nearest of @opts, if near. */
static int fail_unknown_option(char *err, size_t size, const char *what, const char *name,
			       const struct cli_option *opts, size_t n)
{
	const char *names[OPTIONS_MAX];
	const char *near;

	for (size_t i = 0; i < n && i < OPTIONS_MAX; i++)
		names[i] = opts[i].name;
	near = suggest_nearest(name, names, n < OPTIONS_MAX ? n : OPTIONS_MAX);
	if (near)
		return fail(err, size, "%sunknown option '%s'; did you mean '%s'?", what, name, near);
	return fail(err, size, "%sunknown option '%s'", what, name);
}

/* "unknown command 'WORD'; did you mean 'NEAR'? (one of: run, check, ...)" */
static int fail_unknown_command(char *err, size_t size, const char *word)
{
	char hint[200];
	size_t len = strlen(word);

	/* The command left out before the venue's file: say how to run or check it. */
	if (!suggest_nearest(word, commands, COUNT(commands)) && len > 5 &&
	    strcmp(word + len - 5, ".json") == 0)
		return fail(err, size, "unknown command '%s'; to run it: tutti run %s; to check it: tutti check %s",
			    word, word, word);
	suggest_hint(hint, sizeof(hint), word, commands, COUNT(commands), '\'');
	return fail(err, size, "unknown command '%s'%s", word, hint);
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* tutti tls-cert DIR [--name HOST]... [--days N] */
static int parse_tls_cert(int argc, char **argv, struct cli_options *o, char *err, size_t err_size)
{
	unsigned long long v;

	o->command = CLI_TLS_CERT;
	o->tls_days = CLI_TLS_DAYS;
	for (int i = 2; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--name") == 0) {
			if (!value || !*value)
				return fail(err, err_size, "tls-cert: --name needs a host name or an IP address");
			if (o->tls_name_count == CLI_TLS_NAMES_MAX)
				return fail(err, err_size, "tls-cert: at most %d names", CLI_TLS_NAMES_MAX);
			o->tls_names[o->tls_name_count++] = value;
			i++;
		} else if (strcmp(argv[i], "--days") == 0) {
			if (parse_uint(value, 825, &v) || v < 1)
				return fail(err, err_size, "tls-cert: --days: '%s' is not 1 to 825 days",
					    value ? value : "");
			o->tls_days = (int)v;
			i++;
		} else if (argv[i][0] == '-') {
			return fail_unknown_option(err, err_size, "tls-cert: ", argv[i], tls_cert_options,
						   COUNT(tls_cert_options));
		} else if (o->tls_dir) {
			return fail(err, err_size, "tls-cert: one folder only ('%s' and '%s')", o->tls_dir, argv[i]);
		} else {
			o->tls_dir = argv[i];
		}
	}
	if (!o->tls_dir)
		return fail(err, err_size, "tls-cert: give the folder to write console.crt and console.key to");
	return 0;
}

/* "12.5" or "1:05" seconds, from @lo to @hi. */
static int parse_seconds(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end), sec;

	if (*end == ':' && v == floor(v) && v >= 0 && end[1] >= '0' && end[1] <= '9') {
		sec = strtod(end + 1, &end);
		v = sec < 60 ? v * 60 + sec : -1;
	}
	if (end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

/* tutti report SHOW.db --out FILE */
static int parse_report(int argc, char **argv, struct cli_options *o, char *err, size_t err_size)
{
	o->command = CLI_REPORT;
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--out") == 0 || strncmp(arg, "--out=", 6) == 0) {
			const char *value = arg[5] == '=' ? arg + 6 : i + 1 < argc ? argv[++i] : NULL;

			if (!value || !*value)
				return fail(err, err_size, "report: --out needs the report's file (e.g. report.html)");
			o->out_dir = value;
		} else if (arg[0] == '-') {
			return fail(err, err_size, "report: unknown option '%s' (report SHOW.db --out FILE)", arg);
		} else if (o->show_db) {
			return fail(err, err_size, "report: unexpected argument '%s' (one journal only)", arg);
		} else {
			o->show_db = arg;
		}
	}
	if (!o->show_db)
		return fail(err, err_size, "report: give the show's journal (SHOW.db)");
	if (!o->out_dir)
		return fail(err, err_size, "report: give the report's file: --out FILE (e.g. report.html)");
	return 0;
}

/* --stage-renderer NAME into @o. */
static int parse_renderer(const char *value, struct cli_options *o, const char *cmd, char *err, size_t err_size)
{
	o->stage_renderer = stage_renderer_from_name(value);
	if (o->stage_renderer < 0)
		return fail(err, err_size, "%s: --stage-renderer: '%s' is not auto, gpu or software", cmd, value);
	return 0;
}

/* tutti rehearse VENUE.json [options] | tutti replay SHOW.db [options] */
static int parse_offline(int argc, char **argv, struct cli_options *o, char *err, size_t err_size)
{
	bool replay = strcmp(argv[1], "replay") == 0;
	const char *cmd = argv[1], *positional = NULL;
	const struct cli_option *opts = replay ? replay_options : rehearse_options;
	size_t n = replay ? COUNT(replay_options) : COUNT(rehearse_options);
	unsigned long long v;

	o->command = replay ? CLI_REPLAY : CLI_REHEARSE;
	o->frames_every_s = 1;
	o->stage_fps = 10;
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '='), *value;
		char name[32];

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			o->command = CLI_HELP;
			return 0;
		}
		if (arg[0] != '-') {
			if (positional)
				return fail(err, err_size, "%s: unexpected argument '%s' (one %s only)", cmd, arg,
					    replay ? "journal" : "venue config");
			positional = arg;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		if (!option_find(opts, n, name))
			return fail_unknown_option(err, err_size, replay ? "replay: " : "rehearse: ", name, opts, n);
		value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!value || !*value)
			return fail(err, err_size, "%s: %s needs a value", cmd, name);
		if (strcmp(name, "--crowd") == 0) {
			if (parse_uint(value, CONFIG_MAX_CONNECTIONS, &v))
				return fail(err, err_size, "rehearse: --crowd: '%s' is not a number of phones (0 to %d)",
					    value, CONFIG_MAX_CONNECTIONS);
			o->simulate = (uint32_t)v;
		} else if (strcmp(name, "--seed") == 0) {
			if (parse_uint(value, UINT64_MAX, &v))
				return fail(err, err_size, "rehearse: --seed: '%s' is not a whole number", value);
			o->seed = v;
		} else if (strcmp(name, "--duration") == 0) {
			if (parse_seconds(value, 0.001, 86400, &o->duration_s))
				return fail(err, err_size, "rehearse: --duration: '%s' is not a length of show (seconds, "
					    "or minutes:seconds, up to a day)", value);
		} else if (strcmp(name, "--run-sheet") == 0) {
			o->run_sheet = value;
		} else if (strcmp(name, "--out") == 0) {
			o->out_dir = value;
		} else if (strcmp(name, "--frames-every") == 0) {
			if (parse_seconds(value, 0, 3600, &o->frames_every_s) ||
			    (o->frames_every_s > 0 && o->frames_every_s < 0.01))
				return fail(err, err_size, "%s: --frames-every: '%s' is not seconds (0.01 to 3600, or 0 "
					    "for no stills)", cmd, value);
		} else if (strcmp(name, "--stage-size") == 0) {
			int w, h;
			char tail;

			if (sscanf(value, "%dx%d%c", &w, &h, &tail) != 2 || w < 160 || h < 90 || w > 7680 || h > 4320)
				return fail(err, err_size, "%s: --stage-size: '%s' is not WIDTHxHEIGHT (160x90 to "
					    "7680x4320)", cmd, value);
			o->stage_width = w;
			o->stage_height = h;
		} else if (strcmp(name, "--stage-renderer") == 0) {
			if (parse_renderer(value, o, cmd, err, err_size) != 0)
				return -1;
		} else if (parse_uint(value, 240, &v) || v < 1) {
			return fail(err, err_size, "%s: --stage-fps: '%s' is not a frame rate (1 to 240)", cmd, value);
		} else {
			o->stage_fps = (double)v;
		}
	}
	if (!positional)
		return fail(err, err_size, "%s: give the %s", cmd, replay ? "show's journal (SHOW.db)" : "venue config");
	if (replay)
		o->show_db = positional;
	else
		o->config_path = positional;
	if (!replay && o->duration_s <= 0)
		return fail(err, err_size, "rehearse: give the show's length: --duration S (seconds, or minutes:seconds)");
	if (!o->out_dir)
		return fail(err, err_size, "%s: give the folder to write into: --out DIR", cmd);
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t err_size)
{
	int i = 1;
	unsigned long long v;

	memset(o, 0, sizeof(*o));
	o->port = -1;
	o->seed = 1;
	o->stage_width = 1280;
	o->stage_height = 720;
	o->stage_fps = 60;
	o->stage_png_every = 1;
	o->stage_png_keep_max = CLI_STILLS_KEPT;
	if (argc < 2) {
		char list[200];

		suggest_list(list, sizeof(list), commands, COUNT(commands));
		return fail(err, err_size, "missing command (one of: %s)", list);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		o->command = CLI_HELP;
		return 0;
	}
	if (strcmp(argv[1], "hash-password") == 0) {
		if (argc > 2)
			return fail(err, err_size, "hash-password reads the password on stdin, not the command line");
		o->command = CLI_HASH_PASSWORD;
		return 0;
	}
	if (strcmp(argv[1], "tls-cert") == 0)
		return parse_tls_cert(argc, argv, o, err, err_size);
	if (strcmp(argv[1], "rehearse") == 0 || strcmp(argv[1], "replay") == 0)
		return parse_offline(argc, argv, o, err, err_size);
	if (strcmp(argv[1], "report") == 0)
		return parse_report(argc, argv, o, err, err_size);
	if (strcmp(argv[1], "purge") == 0) {
		if (argc < 3)
			return fail(err, err_size, "purge: give the show journals (SHOW.db) to purge");
		for (i = 2; i < argc; i++)
			if (argv[i][0] == '-')
				return fail(err, err_size, "purge: unknown option '%s'", argv[i]);
		o->command = CLI_PURGE;
		o->journals = argv + 2;
		o->journal_count = argc - 2;
		return 0;
	}
	if (strcmp(argv[1], "--list-audio") == 0) {
		o->command = CLI_LIST_AUDIO;
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		o->command = CLI_VERSION;
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		o->command = CLI_RUN;
	else if (strcmp(argv[1], "edge") == 0)
		o->command = CLI_EDGE;
	else if (strcmp(argv[1], "check") == 0)
		o->command = CLI_CHECK;
	else
		return fail_unknown_command(err, err_size, argv[1]);

	for (i = 2; i < argc; i++) {
		char name[32];
		const char *arg = argv[i], *value = NULL, *eq;
		const struct cli_option *opt;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			o->command = CLI_HELP;
			return 0;
		}
		if (arg[0] != '-' || arg[1] != '-') {
			if (arg[0] == '-' && arg[1])
				return fail_unknown_option(err, err_size, "", arg, run_options, COUNT(run_options));
			if (o->config_path)
				return fail(err, err_size, "unexpected argument '%s' (one venue config only)", arg);
			o->config_path = arg;
			continue;
		}
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		opt = option_find(run_options, COUNT(run_options), name);
		if (!opt)
			return fail_unknown_option(err, err_size, "", name, run_options, COUNT(run_options));
		if (!opt->takes_value && eq)
			return fail(err, err_size, "%s takes no value", name);
		if (o->command == CLI_EDGE && !name_in(name, edge_option_names, COUNT(edge_option_names)))
			return fail(err, err_size, "%s is not an option of 'tutti edge' (it takes --port, --listen, "
				    "--cluster and --name)", name);
		if (o->command == CLI_RUN && strcmp(name, "--name") == 0)
			return fail(err, err_size, "--name is an option of 'tutti edge'");
		if (strcmp(name, "--headless") == 0) {
			o->headless = true;
			o->stage = CLI_STAGE_NONE;
			continue;
		}
		if (strcmp(name, "--journal-fresh") == 0) {
			o->journal_fresh = true;
			continue;
		}
		if (strcmp(name, "--stage-png-keep") == 0) {
			o->stage_png_keep = true;
			continue;
		}
		if (o->command != CLI_RUN && o->command != CLI_EDGE)
			return fail(err, err_size, "%s is an option of 'tutti run'", name);
		value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!value)
			return fail(err, err_size, "%s needs a value", name);
		if (strcmp(name, "--port") == 0) {
			if (parse_uint(value, 65535, &v))
				return fail(err, err_size, "--port: '%s' is not a port number (0 to 65535)", value);
			o->port = (int)v;
		} else if (strcmp(name, "--listen") == 0) {
			unsigned char addr[16];

			if (inet_pton(AF_INET, value, addr) != 1 && inet_pton(AF_INET6, value, addr) != 1)
				return fail(err, err_size, "--listen: '%s' is not an IPv4 or IPv6 address", value);
			o->listen = value;
		} else if (strcmp(name, "--audio") == 0) {
			if (!*value || strlen(value) >= sizeof(o->audio))
				return fail(err, err_size, "--audio: give none, default or a device name");
			snprintf(o->audio, sizeof(o->audio), "%s", value);
		} else if (strcmp(name, "--stage") == 0) {
			static const char *const modes[] = { "window", "fullscreen", "offscreen", "none" };
			int m = -1;

			for (int k = 0; k < 4; k++)
				if (strcmp(value, modes[k]) == 0)
					m = k;
			if (m < 0) {
				const char *near = suggest_nearest(value, modes, 4);

				return fail(err, err_size, "--stage: '%s' is not window, fullscreen, offscreen or none%s%s%s",
					    value, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
			}
			o->stage = (enum cli_stage)(CLI_STAGE_WINDOW + m);
		} else if (strcmp(name, "--stage-size") == 0) {
			int w, h;
			char tail;

			if (sscanf(value, "%dx%d%c", &w, &h, &tail) != 2 || w < 160 || h < 90 || w > 7680 ||
			    h > 4320)
				return fail(err, err_size, "--stage-size: '%s' is not WIDTHxHEIGHT (160x90 to 7680x4320)",
					    value);
			o->stage_width = w;
			o->stage_height = h;
		} else if (strcmp(name, "--stage-display") == 0) {
			if (parse_uint(value, 63, &v))
				return fail(err, err_size, "--stage-display: '%s' is not a display number", value);
			o->stage_display = (int)v;
		} else if (strcmp(name, "--stage-fps") == 0) {
			if (parse_uint(value, 240, &v) || v < 1)
				return fail(err, err_size, "--stage-fps: '%s' is not a frame rate (1 to 240)", value);
			o->stage_fps = (double)v;
		} else if (strcmp(name, "--stage-renderer") == 0) {
			if (parse_renderer(value, o, "run", err, err_size) != 0)
				return -1;
		} else if (strcmp(name, "--stage-png") == 0) {
			if (!*value)
				return fail(err, err_size, "--stage-png needs a directory");
			o->stage_png = value;
		} else if (strcmp(name, "--stage-png-every") == 0) {
			char *end;
			double s = strtod(value, &end);

			if (*end || end == value || !(s >= 0 && s <= 3600))
				return fail(err, err_size, "--stage-png-every: '%s' is not seconds (0 to 3600)", value);
			o->stage_png_every = s;
		} else if (strcmp(name, "--cluster") == 0) {
			if (strncmp(value, "nats://", 7) != 0 && strncmp(value, "tls://", 6) != 0)
				return fail(err, err_size, "--cluster: '%s' is not nats://HOST:PORT (or tls://HOST:PORT)",
					    value);
			o->cluster_url = value;
		} else if (strcmp(name, "--name") == 0) {
			size_t n = strlen(value);

			if (!n || n > 40 || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n)
				return fail(err, err_size, "--name: '%s' is not 1 to 40 letters, digits, - or _", value);
			o->edge_name = value;
		} else if (strcmp(name, "--journal") == 0) {
			if (!*value)
				return fail(err, err_size, "--journal needs a file");
			o->journal = value;
		} else if (strcmp(name, "--stage-png-keep-max") == 0) {
			if (parse_uint(value, 1000000, &v) || v < 1)
				return fail(err, err_size, "--stage-png-keep-max: '%s' is not a number of stills (1 to 1000000)",
					    value);
			o->stage_png_keep_max = (uint32_t)v;
		} else if (strcmp(name, "--simulate") == 0) {
			if (parse_uint(value, CONFIG_MAX_CONNECTIONS, &v))
				return fail(err, err_size, "--simulate: '%s' is not a number of phones (0 to %d)",
					    value, CONFIG_MAX_CONNECTIONS);
			o->simulate = (uint32_t)v;
		} else {
			if (parse_uint(value, UINT64_MAX, &v))
				return fail(err, err_size, "--seed: '%s' is not a whole number", value);
			o->seed = v;
		}
	}
	if (!o->config_path)
		return fail(err, err_size, "missing VENUE.json");
	return 0;
}
