/*
 * daemon.h - `tutti run`: wires config, crowd, show, audience, simulated
 * crowd and network together and runs the show tick.
 * Thread: creates everything on the calling thread, which becomes the net
 * thread for the daemon's lifetime.
 */
#ifndef TUTTI_DAEMON_H
#define TUTTI_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "stage_render.h"

struct daemon_options {
	const struct venue_config *cfg;
	const char *listen;		/* NULL = cfg */
	int port;			/* -1 = cfg */
	const char *clients_dir;
	uint32_t simulate;
	uint64_t seed;
	bool headless;
	const char *audio_device;	/* "none", "default" or a device name */
	struct visuals_options stage;	/* mode VISUALS_NONE = no stage screen */
	bool stage_auto;		/* chosen by default: a failing window is not an error */
	const char *config_path;	/* the venue config's file, whose text the journal keeps */
	const char *journal_path;	/* the show's journal; NULL = in memory only */
	bool journal_fresh;		/* start a new show in the journal instead of resuming it */
	const char *cluster_url;	/* the core of edges joined by NATS here (docs/scale.md); NULL = none */
};

/* Runs until SIGINT/SIGTERM. Returns the process exit status (0 = clean). */
int daemon_run(const struct daemon_options *o);

#endif
