/*
 * cli.c - `tutti` command line. See cli.h.
 * Thread: main.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void cli_usage(FILE *out)
{
	fputs("usage: tutti run VENUE.json [options]   run the show: phones, stage, crowd\n"
	      "       tutti check VENUE.json           validate a venue config (exit 1 on errors)\n"
	      "       tutti --list-audio                list audio devices\n"
	      "       tutti --help | --version\n"
	      "\n"
	      "run options:\n"
	      "  --port N          listen on port N (0 = any free port); default: the config's\n"
	      "  --listen ADDR     listen on address ADDR (0.0.0.0 = every interface)\n"
	      "  --headless        run without a stage window\n"
	      "  --audio DEVICE    none (no sound card: a paced null device), default, or a\n"
	      "                    device name (exact, else part of it); default: the config's\n"

	      "  --simulate N      add N simulated phones (steady, bursty, idle, spammers)\n"
	      "  --seed N          seed for the simulated crowd (default 1)\n"
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

int cli_parse(int argc, char **argv, struct cli_options *o, char *err, size_t err_size)
{
	int i = 1;
	unsigned long long v;

	memset(o, 0, sizeof(*o));
	o->port = -1;
	o->seed = 1;
	if (argc < 2)
		return fail(err, err_size, "missing command (run or check)");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		o->command = CLI_HELP;
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
	else if (strcmp(argv[1], "check") == 0)
		o->command = CLI_CHECK;
	else
		return fail(err, err_size, "unknown command '%s' (expected run or check)", argv[1]);

	for (i = 2; i < argc; i++) {
		char name[32];
		const char *arg = argv[i], *value = NULL, *eq;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			o->command = CLI_HELP;
			return 0;
		}
		if (arg[0] != '-' || arg[1] != '-') {
			if (arg[0] == '-' && arg[1])
				return fail(err, err_size, "unknown option '%s'", arg);
			if (o->config_path)
				return fail(err, err_size, "unexpected argument '%s' (one venue config only)", arg);
			o->config_path = arg;
			continue;
		}
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
		if (strcmp(name, "--headless") == 0) {
			if (eq)
				return fail(err, err_size, "--headless takes no value");
			o->headless = true;
			continue;
		}
		if (strcmp(name, "--port") && strcmp(name, "--listen") && strcmp(name, "--audio") &&
		    strcmp(name, "--simulate") && strcmp(name, "--seed"))
			return fail(err, err_size, "unknown option '%s'", name);
		if (o->command != CLI_RUN)
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
