/*
 * joinqr.h - the join URL phones open, and its QR code for the terminal.
 * Thread: main/net thread at start-up.
 */
#ifndef TUTTI_JOINQR_H
#define TUTTI_JOINQR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/*
 * The URL phones open: cfg->public_url when set, otherwise
 * SCHEME://ADDRESS:PORT/ where ADDRESS is @listen, or, when the daemon
 * listens on every interface, this machine's first non-loopback IPv4
 * address (what a phone on the venue network can reach).
 */
void joinqr_url(char *out, size_t cap, const struct venue_config *cfg, const char *scheme,
		const char *listen, int port);

/*
 * Draws @url as a QR code with Unicode half blocks (two modules per
 * character cell, with the quiet zone), dark on light so phones read it
 * on dark terminals. Returns 0, or -1 when the code cannot be made.
 */
int joinqr_print(FILE *out, const char *url);

/*
 * Prints the start-up lines to @out: where the daemon listens ("tutti:
 * listening on URL", which tests and scripts wait for), the venue, the join
 * URL (and one per zone), and its QR code when @out is a terminal. The join
 * URL goes into @join_url too, for the stage screen's join scene.
 */
void joinqr_announce(FILE *out, const struct venue_config *cfg, const char *scheme, const char *listen, int port,
		     bool simulated, char *join_url, size_t join_url_cap);

#endif
