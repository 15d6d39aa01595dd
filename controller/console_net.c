/*
 * console_net.c - the console's part of the venue server as one service
 * (net_service.h): the login protocol (console_http.c), the socket
 * protocol (console_socket.c), their paths, and the sessions they share.
 *
 * Thread: net thread.
 */
#include "console_net.h"

#include <stdlib.h>

#include "console_auth.h"
#include "console_http.h"
#include "console_socket.h"
#include "net_service.h"

/* The console's paths: its files, and its login and logout to their protocol. */
static const struct net_mount console_mounts[] = {
	{ .path = "/console/login", .protocol = CONSOLE_HTTP_PROTOCOL },
	{ .path = "/console/logout", .protocol = CONSOLE_HTTP_PROTOCOL },
	{ .path = "/console/session", .protocol = CONSOLE_HTTP_PROTOCOL },
	{ .path = "/console/report", .protocol = CONSOLE_HTTP_PROTOCOL },
	{ .path = "/console/stage.png", .protocol = CONSOLE_HTTP_PROTOCOL },
	{ .path = "/console", .folder = "console" },
	{ 0 }
};

struct console_net {
	struct console_auth *auth;		/* NULL: the venue has no console */
	struct console_http *http;
	struct console_socket *socket;
	struct lws_protocols protocols[3];	/* http, socket, the zeroed end */
	struct net_service service;
};

static void console_net_stop(void *user)
{
	struct console_net *c = user;

	console_http_stop(c->http);
	console_socket_stop(c->socket);
}

static void console_net_destroy(void *user)
{
	struct console_net *c = user;

	console_http_destroy(c->http);
	console_socket_destroy(c->socket);
	console_auth_destroy(c->auth);
	free(c);
}

struct net_service *console_net_create(const struct venue_config *cfg,
				       const struct console_net_handlers *h, struct metrics *metrics)
{
	struct console_net *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (cfg->console.enabled && !(c->auth = console_auth_create(cfg->console.session_ttl_s)))
		goto fail;
	c->http = console_http_create(&cfg->console, c->auth, h, metrics);
	c->socket = console_socket_create(c->auth, h, metrics);
	if (!c->http || !c->socket)
		goto fail;
	console_http_set_report(c->http, cfg, h->journal_path);
	c->protocols[0] = console_http_protocol(c->http);
	c->protocols[1] = console_socket_protocol(c->socket);
	c->service = (struct net_service){
		.protocols = c->protocols, .mounts = console_mounts, .user = c,
		.stop = console_net_stop, .destroy = console_net_destroy,
	};
	return &c->service;
fail:
	console_net_destroy(c);
	return NULL;
}
