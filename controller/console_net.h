/*
 * console_net.h - the console on the venue server: POST /console/login,
 * POST /console/logout, GET /console/session, /console/report and
 * /console/stage.png (console_http.c), the WebSocket subprotocol
 * tutti.console.v1 (console_socket.c) and the console's files at
 * /console/, all as one service for net_create() (net_service.h).
 *
 * Thread: net thread, except the login worker console_http.c starts.
 */
#ifndef TUTTI_CONSOLE_NET_H
#define TUTTI_CONSOLE_NET_H

#include <stddef.h>

#include "config.h"
#include "metrics.h"

struct net_service;
struct stage_preview;

/* What the daemon gives the console. All run on the net thread. */
struct console_net_handlers {
	void *user;
	double (*now)(void *user);	/* show time in seconds */
	/*
	 * Runs a command in a role (enum console_role); writes the reply JSON;
	 * returns its length. *@hold is what the reply waits for (the journal
	 * event that records the command, 0 = nothing): see settled.
	 */
	size_t (*command)(void *user, int role, const char *who, const char *text, size_t len,
			  char *out, size_t cap, uint64_t *hold);
	/* True when what a reply waits for is done (the show's journal holds the command). */
	bool (*settled)(void *user, uint64_t hold);
	/* The live view JSON for a role; returns its length (0 = does not fit). */
	size_t (*live)(void *user, int role, char *out, size_t cap);
	const char *journal_path;	/* the show's journal, for GET /console/report; NULL = none */
	/* The stage screen's thumbnail, for GET /console/stage.png; NULL = no stage screen. */
	struct stage_preview *(*stage_preview)(void *user);
};

/*
 * The console's endpoints, as a service to hand to net_create(), which
 * takes it over. With no console section in @cfg, login answers 404 and
 * the socket is refused (403). NULL when memory runs out or the login
 * worker cannot start.
 */
struct net_service *console_net_create(const struct venue_config *cfg,
				       const struct console_net_handlers *h, struct metrics *metrics);

#endif
