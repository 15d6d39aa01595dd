/*
 * net_origin.h - which browser pages may talk to the venue server: the
 * Origin rules for phones' and the console's sockets and the console's
 * login.
 *
 * Thread: any (pure: reads the config and the two header values).
 */
#ifndef TUTTI_NET_ORIGIN_H
#define TUTTI_NET_ORIGIN_H

#include <stdbool.h>

#include "config.h"

/*
 * Whether a request whose Origin header is @origin ("" = none) and whose
 * Host header is @host ("" = none) may go on. No Origin means not a
 * browser (a load generator, a test), which cannot be a hostile page:
 * allowed. With limits.allowed_origins, the Origin must be one of them
 * exactly. Without, it must be the page's own origin (scheme://Host, the
 * scheme "https" when @tls), on a Host that names this daemon: an IP
 * address, localhost, or the host of public_url, so that a page on
 * another name that resolves here (DNS rebinding) is not "same origin".
 */
bool net_origin_check(const struct venue_config *cfg, bool tls, const char *origin, const char *host);

#endif
