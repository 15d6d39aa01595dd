/*
 * console_socket.h - the console's WebSocket, subprotocol
 * tutti.console.v1 (docs/protocol.md), on its own lws protocol.
 *
 * A socket is accepted only with a live session cookie (console_http.h)
 * and an allowed Origin; every command goes to the daemon's command
 * handler with the session's role, which checks it; the live view is
 * pushed four times a second, in a buffer that grows with it up to
 * CONSOLE_LIVE_MAX (console_live.h), past which the console gets a
 * "live_error" message in its place, never silence; an expired session is
 * closed with LWS_CLOSE_STATUS_POLICY_VIOLATION.
 *
 * Thread: net thread.
 */
#ifndef TUTTI_CONSOLE_SOCKET_H
#define TUTTI_CONSOLE_SOCKET_H

#include <libwebsockets.h>

#include "console_auth.h"
#include "console_net.h"

#define CONSOLE_SOCKET_PROTOCOL	"tutti.console.v1"

struct console_socket;

/* Sockets for the sessions of @auth; @auth NULL means the venue has no console (403). */
struct console_socket *console_socket_create(struct console_auth *auth, const struct console_net_handlers *h,
					     struct metrics *metrics);
/* Refuses every socket from now on, as with no console: the loop is ending. */
void console_socket_stop(struct console_socket *s);
void console_socket_destroy(struct console_socket *s);
/* The lws protocol CONSOLE_SOCKET_PROTOCOL, its user pointer @s. */
struct lws_protocols console_socket_protocol(struct console_socket *s);

#endif
