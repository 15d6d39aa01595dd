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

enum cli_command { CLI_RUN, CLI_CHECK, CLI_HELP, CLI_VERSION, CLI_LIST_AUDIO };

#define CLI_AUDIO_MAX 128

struct cli_options {
	enum cli_command command;
	const char *config_path;
	int port;			/* -1 = from the config */
	const char *listen;		/* NULL = from the config */
	bool headless;
	char audio[CLI_AUDIO_MAX];	/* "none", "default", a device name, or "" = the config's */
	uint32_t simulate;		/* simulated phones */
	uint64_t seed;			/* simulated crowd's seed */
};

/*
 * Parses @argv. Returns 0 and fills @o, or -1 with a message for a person
 * in @err (the caller prints it and exits with status 2).
 */
int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t err_size);
void cli_usage(FILE *out);

#endif
