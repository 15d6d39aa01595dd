/*
 * cli.h - command-line parsing for `tutti`.
 * Thread: main, at start-up.
 */
#ifndef TUTTI_CLI_H
#define TUTTI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_command { CLI_RUN, CLI_EDGE, CLI_CHECK, CLI_HELP, CLI_VERSION, CLI_LIST_AUDIO, CLI_HASH_PASSWORD, CLI_TLS_CERT,
		   CLI_PURGE, CLI_REHEARSE, CLI_REPLAY, CLI_REPORT };

#define CLI_AUDIO_MAX 128
#define CLI_TLS_NAMES_MAX 32
#define CLI_TLS_DAYS 365	/* a year: under the 825 days Apple devices accept */
#define CLI_STILLS_KEPT 3600	/* an hour of stills at one a second */

/* Where the stage screen goes. */
enum cli_stage { CLI_STAGE_AUTO, CLI_STAGE_WINDOW, CLI_STAGE_FULLSCREEN, CLI_STAGE_OFFSCREEN, CLI_STAGE_NONE };

struct cli_options {
	enum cli_command command;
	const char *config_path;
	int port;			/* -1 = from the config */
	const char *listen;		/* NULL = from the config */
	bool headless;			/* same as --stage none */
	enum cli_stage stage;		/* AUTO: a window when there is a display */
	int stage_width, stage_height;	/* default 1280x720 */
	int stage_display;
	double stage_fps;		/* default 60 */
	int stage_renderer;		/* enum stage_renderer: 0 auto (GPU when there is GL), 1 gpu, 2 software */
	const char *stage_png;		/* directory for PNG stills, NULL = none */
	double stage_png_every;		/* seconds, default 1 */
	bool stage_png_keep;		/* numbered stills besides latest.png */
	uint32_t stage_png_keep_max;	/* at most this many, default CLI_STILLS_KEPT */
	char audio[CLI_AUDIO_MAX];	/* "none", "default", a device name, or "" = the config's */
	uint32_t simulate;		/* simulated phones */
	uint64_t seed;			/* simulated crowd's seed */
	const char *journal;		/* --journal PATH: the show's memory; NULL = in memory only */
	bool journal_fresh;		/* --journal-fresh: a new show in that file */
	const char *cluster_url;	/* --cluster URL: run is a core, edge needs it; NULL = the config's */
	const char *edge_name;		/* edge --name NAME, NULL = "edge" */
	/* tls-cert DIR [--name NAME]... [--days N] */
	const char *tls_dir;
	const char *tls_names[CLI_TLS_NAMES_MAX];
	size_t tls_name_count;
	int tls_days;
	/* purge SHOW.db... */
	char **journals;
	int journal_count;
	/* rehearse VENUE.json (config_path) --crowd N (simulate) --seed K ..., replay SHOW.db ... */
	const char *show_db;		/* replay, report: the recorded show's journal */
	const char *out_dir;		/* --out DIR (report: --out FILE) */
	double duration_s;		/* rehearse: --duration S */
	const char *run_sheet;		/* rehearse: --run-sheet FILE, NULL = none */
	double frames_every_s;		/* --frames-every S: a still every S s of show (default 1; 0 = none) */
};

/*
 * Parses @argv. Returns 0 and fills @o, or -1 with a message for a person
 * in @err (the caller prints it and exits with status 2).
 */
int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t err_size);
void cli_usage(FILE *out);

#endif
