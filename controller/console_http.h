/*
 * console_http.h - the console's login and logout over HTTP: its own lws
 * protocol, with its own per-connection state, for POST /console/login
 * and POST /console/logout, and the session cookie they set and clear.
 *
 * Login: JSON {"role":"operator","password":"..."}. Origin must pass the
 * phones' rules (403), an address that keeps failing or already has its
 * share of checks running waits (429, Retry-After; console_auth.h), and
 * the password is checked against its Argon2id hash on a worker thread,
 * because that check takes tens of milliseconds by design and the tick
 * must never wait for it. A check counts against its address once queued,
 * even when the client leaves before the answer. Success sets an HttpOnly,
 * SameSite=Strict session cookie.
 *
 * Thread: net thread, except the worker, which only checks passwords and
 * wakes the loop with lws_cancel_service().
 */
#ifndef TUTTI_CONSOLE_HTTP_H
#define TUTTI_CONSOLE_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>

#include "console_auth.h"
#include "console_net.h"

#define CONSOLE_HTTP_PROTOCOL	"tutti-console-http"

struct console_http;

/*
 * Login and logout against @auth, the sessions the console socket checks;
 * @auth NULL means the venue has no console (every request gets 404).
 * Starts the password worker. NULL when memory runs out or the worker
 * cannot start.
 */
struct console_http *console_http_create(const struct config_console *cc, struct console_auth *auth,
					 const struct console_net_handlers *h, struct metrics *metrics);
/* Joins the worker; requests after this get 404, as with no console. May be called twice. */
void console_http_stop(struct console_http *c);
void console_http_destroy(struct console_http *c);
/*
 * GET /console/report serves the post-show report of the journal at
 * @journal_path (NULL: the show keeps none, and the request is told so),
 * built off the net thread (console_report.h). @cfg and @journal_path must
 * outlive @c. Without this call there is no report either.
 */
void console_http_set_report(struct console_http *c, const struct venue_config *cfg, const char *journal_path);
/* The lws protocol CONSOLE_HTTP_PROTOCOL, its user pointer @c. */
struct lws_protocols console_http_protocol(struct console_http *c);

/* Copies the session token of the request's cookie into @token; false when there is none. */
bool console_http_session_token(struct lws *wsi, char token[CONSOLE_TOKEN_CHARS + 1]);

#endif
