/*
 * net.c - libwebsockets server: phone app, /healthz, /metrics and the
 * audience WebSocket, plus the endpoints of a registered service (the
 * console). See net.h and net_service.h.
 *
 * Thread: the net thread runs every function here, inside lws_service().
 * Signals only set flags (net_signals.c) that the next tick reads.
 */
#include "net.h"

#include <libwebsockets.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "net_addrtable.h"
#include "net_http.h"
#include "net_listen.h"
#include "net_origin.h"
#include "net_protocol.h"
#include "net_pss_set.h"
#include "net_signals.h"
#include "net_service.h"
#include "state_stream.h"

#define RX_BUFFER_SIZE		512	/* small: most phone messages fit; saves RSS per socket */
#define PERSONAL_MAX		65536	/* largest welcome (32 zones of escaped names, 64 votes), or state */
#define FANOUT_SLICE		256	/* states written per slice of a broadcast */
#define FD_RESERVE		64	/* files kept free for logs, configs, the listener */
#define HANDSHAKE_TIMEOUT_S	5	/* a request's headers, from accept or from the last request */
#define SHUTDOWN_GRACE_US	(1000 * 1000)	/* for close frames to reach phones */
#define HTTP_BODY_MAX		65536	/* /metrics fits with room to spare */
#define MOUNTS_MAX		12	/* the phones' paths and a service's (the console has 6) */
#define PROTOCOLS_MAX		8
#define HTTP_PROTOCOL		"tutti-http"
#define LISTEN_PROTOCOL		"tutti-listen"
#define CLOSE_TRY_AGAIN_LATER	1013	/* RFC 6455 registry; lws 4.1 has no name for it */

/* The server's own paths; a service adds its own (net_service.h). */
static const struct net_mount net_mounts[] = {
	{ .path = "/healthz", .protocol = HTTP_PROTOCOL },
	{ .path = "/metrics", .protocol = HTTP_PROTOCOL },
	{ .path = "/", .folder = "audience" },
	{ 0 }
};

struct net {
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	const struct venue_config *cfg;
	struct audience *audience;
	struct metrics *metrics;
	struct net_handlers h;
	struct net_service *service;		/* NULL = none */
	struct addrtable addrs;
	int listen_fd;				/* the listening socket (net_listen.h); lws' once adopted */
	struct lws *listen_wsi;			/* lws' watch on it, NULL once closed */
	bool accept_paused;			/* out of files: not watching it until the next tick */
	struct addr_entry *accepted;		/* counted at accept, for the connection lws makes next */
	uint32_t ipv6_prefix;			/* bits of an IPv6 address that make one client */
	lws_sorted_usec_list_t tick_sul;
	lws_usec_t tick_period_us;
	lws_usec_t next_tick_us;
	bool stopping;
	uint32_t participants_at_stop;		/* joined phones when the stop began */
	lws_usec_t stop_deadline_us;		/* stop waiting for phones to close */
	bool tls;
	int port;
	uint32_t max_connections;
	int fd_ceiling;				/* accepted sockets at or above this fd are refused */
	/* the newest state, for every phone (state_stream.h) */
	struct state_stream *stream;
	uint64_t state_gen;			/* every publish, broadcast or prompt */
	struct pss_set awaiting;		/* of net_pss: phones with an input applied since the last publish */
	struct pss_set peers;			/* of net_pss: every admitted phone, for the broadcast */
	uint32_t fanout_next;			/* the broadcast goes round peers from here */
	uint32_t fanout_left;			/* phones still to visit for the newest broadcast */
	uint32_t idle_next;			/* the idle sweep goes round peers from here */
	lws_sorted_usec_list_t fanout_sul;
	unsigned char personal[LWS_PRE + PERSONAL_MAX];	/* scratch for one write */
	char http_scratch[HTTP_BODY_MAX];		/* /healthz, /metrics rendered here */
	char mount_origins[MOUNTS_MAX][CONFIG_PATH_MAX + 16];
	struct lws_http_mount mounts[MOUNTS_MAX];
	struct lws_protocols protocols[PROTOCOLS_MAX];	/* http, audience, listener, the service's, a zeroed end */
	pthread_mutex_t wake_lock;		/* net_wake() from other threads against the loop's end */
	bool wakeable;				/* the context is up and not stopping (under wake_lock) */
};

/* Per audience connection. */
struct net_pss {
	struct audience_peer peer;
	struct lws *wsi;
	char *rx;			/* assembling a message split over callbacks */
	uint32_t rx_len;
	bool admitted;			/* counted in connections and the address table */
	bool close_armed;		/* close frame set; the timer callback closes */
	uint32_t awaiting_at;		/* slot in net.awaiting (net_pss_set.h) */
	uint32_t peer_at;		/* slot in net.peers */
	bool closing;			/* a close frame went or came: no more data frames */
	uint32_t show_v, beat_v;	/* the show and beat versions it has (state_stream.h) */
	bool state_owed;		/* its turn came (or it acted): the newest state goes at the next write */
	bool prompted;			/* its last state came between broadcasts, after its input: it was its turn */
	lws_usec_t state_at_us;		/* its last state went then */
	lws_usec_t acted_us;		/* its last input or vote came then: the full rate for a while */
	uint64_t ack_gen;		/* the state generation when its newest input came: a newer one holds it */
	lws_usec_t heard_us;		/* when the phone last sent anything, a pong included */
	bool ping_due;			/* the idle sweep asked for a WebSocket ping */
	bool ping_sent;			/* one went and nothing came back since */
	double input_at;		/* show time its oldest input not yet in a state arrived; 0 = none */
	uint64_t input_gen;		/* the state generation then: a newer one holds the input */
};

_Static_assert(STATE_MESSAGE_MAX <= PERSONAL_MAX, "a phone's state is written from the personal buffer");

static bool ack_due(const struct net *n, const struct net_pss *pss);
static void deliver_state(struct net *n, struct net_pss *pss, bool turn);

/* Per HTTP connection to /healthz or /metrics. */
struct http_pss {
	char *body;			/* LWS_PRE headroom, then the response body */
	size_t len;
	bool closes;			/* the request asked to close after the response */
};

void net_stop(struct net *n)
{
	(void)n;
	net_signals_request_stop();
}

struct net *net_from_wsi(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

/* ---- HTTP: /healthz, /metrics, and headers for the static files (net_http.h) ---- */

/* After a response of ours: keep the connection for the next request, or end it (-1). */
static int http_done(struct lws *wsi, bool closes)
{
	return lws_http_transaction_completed(wsi) || closes ? -1 : 0;
}

static void http_body_free(struct http_pss *hp)
{
	if (!hp)
		return;		/* e.g. a TLS connection that closed before any request */
	free(hp->body);
	hp->body = NULL;
}

/* ---- accept: the file ceiling and the per-address socket cap ---- */

/*
 * A socket was just accepted; returns non-zero to close it at once. The
 * kernel gives the lowest free descriptor, so one at the ceiling means
 * every one below is taken: refuse it before the process runs out
 * (accept() failing in a level-triggered loop would spin). lws' own fd
 * limit would do this, but setting it turns its socket lookup into a
 * linear search. Then the address's share: one machine holding idle or
 * half-sent sockets fills its own cap, never the daemon's files.
 */
static int accept_filter(struct net *n, const struct sockaddr *from, int fd)
{
	const struct config_limits *lim = &n->cfg->limits;
	char address[ADDR_TEXT_MAX];

	if (fd >= n->fd_ceiling) {
		n->metrics->rejected[REJECT_TOO_MANY_CONNECTIONS]++;
		return 1;
	}
	if (addrtable_address_from_sockaddr(from, n->ipv6_prefix, address, sizeof(address)) != 0)
		return 0;	/* not IP (a local socket): nobody else's share to take */
	n->accepted = addrtable_socket_open(&n->addrs, address,
					    lim->input_burst * lim->max_connections_per_address,
					    n->h.now(n->h.user));
	if (!n->accepted) {
		n->metrics->rejected[REJECT_TOO_MANY_CONNECTIONS]++;
		return 1;
	}
	return 0;
}

/* From the listener (net_listen.h): a socket to count, then to hand to lws. */
static void accept_socket(void *user, int fd, const struct sockaddr *from)
{
	struct net *n = user;

	if (accept_filter(n, from, fd) != 0) {
		close(fd);
		return;
	}
	/* lws closes the socket itself when it cannot take it. */
	if (!lws_adopt_socket_vhost(n->vhost, fd)) {
		addrtable_socket_close(&n->addrs, n->accepted);
		n->accepted = NULL;
	}
}

/* The listening socket, watched by lws as a plain descriptor: it says when phones wait. */
static int listen_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			   void *in, size_t len)
{
	struct net *n = net_from_wsi(wsi);

	(void)user, (void)in, (void)len;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (!net_listen_accept_batch(lws_get_socket_fd(wsi), accept_socket, n)) {
			lws_rx_flow_control(wsi, 0);
			n->accept_paused = true;
		}
		return 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		n->listen_wsi = NULL;
		return 0;
	default:
		return 0;
	}
}

static int watch_listener(struct net *n)
{
	lws_sock_file_fd_type fd = { .filefd = n->listen_fd };

	n->listen_wsi = lws_adopt_descriptor_vhost(n->vhost, LWS_ADOPT_RAW_FILE_DESC, fd, LISTEN_PROTOCOL,
						   NULL);
	if (!n->listen_wsi)
		return -1;
	n->listen_fd = -1;	/* lws' now: it closes it with the context */
	return 0;
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			 void *in, size_t len)
{
	struct http_pss *hp = user;
	struct net *n = net_from_wsi(wsi);
	unsigned char headers[LWS_PRE + 512], *start = &headers[LWS_PRE], *p = start,
		*end = &headers[sizeof(headers) - 1];
	char uri[64] = "";
	const char *type;

	switch (reason) {
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		/* Right after accept_filter(), for the socket it let in: it carries its address's count. */
		lws_set_opaque_user_data(wsi, n->accepted);
		n->accepted = NULL;
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		/* Every socket ends here, whatever it became (HTTP, either WebSocket) and however it closed. */
		addrtable_socket_close(&n->addrs, lws_get_opaque_user_data(wsi));
		lws_set_opaque_user_data(wsi, NULL);
		break;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
		/*
		 * A WebSocket without the tutti.audience.v1 subprotocol lands on
		 * this default protocol: refuse it, or it would dodge every cap.
		 */
		n->metrics->rejected[REJECT_ORIGIN]++;
		return -1;
	case LWS_CALLBACK_HTTP:
		n->metrics->http_requests++;
		/* @in is the path below the mount point: read the whole path instead. */
		lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
		http_body_free(hp);
		/* Rendered into one shared buffer, then copied at its exact size. */
		if (strcmp(uri, "/healthz") == 0) {
			hp->len = n->h.healthz(n->h.user, n->http_scratch, HTTP_BODY_MAX);
			type = "application/json";
		} else if (strcmp(uri, "/metrics") == 0) {
			hp->len = n->h.metrics(n->h.user, n->http_scratch, HTTP_BODY_MAX);
			type = "text/plain; version=0.0.4; charset=utf-8";
		} else {
			http_body_free(hp);
			if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL))
				return -1;
			return http_done(wsi, net_http_request_closes(wsi));
		}
		hp->body = malloc(LWS_PRE + hp->len + 1);
		if (!hp->body)
			return 1;
		memcpy(hp->body + LWS_PRE, n->http_scratch, hp->len);
		if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, type, hp->len, &p, end) ||
		    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
						 (const unsigned char *)"no-store", 8, &p, end) ||
		    net_http_add_connection_close(wsi, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return 1;
		hp->closes = net_http_request_closes(wsi);
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_ADD_HEADERS:
		return net_http_file_headers(wsi, in);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!hp || !hp->body)
			break;
		if (lws_write(wsi, (unsigned char *)hp->body + LWS_PRE, hp->len,
			      LWS_WRITE_HTTP_FINAL) != (int)hp->len)
			return 1;
		http_body_free(hp);
		return http_done(wsi, hp->closes);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:	/* a keep-alive connection's next request goes elsewhere */
	case LWS_CALLBACK_CLOSED_HTTP:
		http_body_free(hp);
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- the client's address (net_service.h) ---- */

void net_peer_address(struct lws *wsi, char *out, size_t cap)
{
	char raw[ADDR_TEXT_MAX] = "";

	lws_get_peer_simple(wsi, raw, sizeof(raw));
	addrtable_address_normalize(raw, net_from_wsi(wsi)->ipv6_prefix, out, cap);
}

/* ---- Origin (net_origin.h) ---- */

bool net_origin_allowed(struct net *n, struct lws *wsi)
{
	char origin[CONFIG_ORIGIN_MAX + 1] = "", host[256] = "";

	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) >= (int)sizeof(origin) ||
	    (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0 &&
	     lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0))
		return false;
	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		host[0] = '\0';
	return net_origin_check(n->cfg, n->tls, origin, host);
}

/* ---- audience WebSocket ---- */

void net_close_with(struct net *n, struct lws *wsi, int code, const char *why)
{
	metrics_close_record(n->metrics, code);
	lws_close_reason(wsi, (enum lws_close_status)code, (unsigned char *)why, strlen(why));
}

/*
 * lws 4.1 echoes any close payload, but RFC 6455 (5.5.1, 7.1.6) allows
 * only none, or a two-byte code and UTF-8 text: anything else fails the
 * connection. lws itself already turns codes no one may send into 1002.
 */
int net_peer_close_check(struct net *n, struct lws *wsi, const void *in, size_t len)
{
	if (len == 1) {
		net_close_with(n, wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, "a close payload of one byte");
		return -1;
	}
	if (len > 2 && !protocol_utf8_valid((const char *)in + 2, len - 2)) {
		net_close_with(n, wsi, LWS_CLOSE_STATUS_INVALID_PAYLOAD, "close reason not UTF-8");
		return -1;
	}
	return 0;
}

/*
 * @pss is to close (its close_code is set): asked to write its close now,
 * and, since a phone that stops reading never becomes writable, closed
 * anyway within 2 s by its timer.
 */
static void close_soon(struct net_pss *pss)
{
	if (!pss->wsi || pss->close_armed)
		return;
	lws_callback_on_writable(pss->wsi);
	lws_set_timer_usecs(pss->wsi, 2 * LWS_USEC_PER_SEC);
}

/* A participant resumed elsewhere or was removed by the venue: close its old connection. */
void net_wake_displaced(struct net *n)
{
	struct net_pss *old;

	if (!n->audience->displaced)
		return;
	old = lws_container_of(n->audience->displaced, struct net_pss, peer);
	n->audience->displaced = NULL;
	close_soon(old);
}

/*
 * The ack (or pong, or error) a message earned, written at once when lws
 * holds nothing back for this socket, as deliver_state does for states:
 * a writable request and its undoing cost two epoll_ctl calls per input.
 * Anything else (a close, a socket with buffered output) waits for the
 * WRITEABLE callback.
 */
static void send_personal_now(struct net *n, struct net_pss *pss)
{
	struct audience_peer *peer = &pss->peer;
	double now = n->h.now(n->h.user);

	if (pss->closing)
		return;
	while (!peer->close_code && !n->stopping && audience_peer_has_personal(peer) &&
	       !lws_partial_buffered(pss->wsi)) {
		size_t len = audience_peer_next_personal(n->audience, peer, (char *)n->personal + LWS_PRE,
							 PERSONAL_MAX, now);

		if (!len)
			break;
		if (lws_write(pss->wsi, n->personal + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len) {
			lws_set_timeout(pss->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);	/* the socket failed */
			return;
		}
	}
	if (audience_peer_has_personal(peer) || peer->close_code)
		lws_callback_on_writable(pss->wsi);
}

void net_peer_wake(struct net *n, struct audience_peer *peer)
{
	struct net_pss *pss = lws_container_of(peer, struct net_pss, peer);

	if (pss->closing || !pss->wsi)
		return;
	send_personal_now(n, pss);
	if (audience_peer_ack_ready(peer))
		pss_set_add(&n->awaiting, pss);	/* its acknowledgement goes in the next state */
	if (peer->close_code)
		close_soon(pss);
}

/*
 * Phones whose welcome, ack or "forgotten" waited for the journal, which
 * now holds it; and phones whose recap the journal's reader has read.
 */
static void release_held(struct net *n)
{
	struct audience_peer *peer;
	uint64_t ticket;
	char *json;

	while ((peer = audience_next_released(n->audience))) {
		struct net_pss *pss = lws_container_of(peer, struct net_pss, peer);

		send_personal_now(n, pss);
		if (ack_due(n, pss))
			deliver_state(n, pss, false);	/* the vote's acknowledgement, now that it is on disk */
	}
	while (n->audience->reader && journal_reader_take(n->audience->reader, &ticket, &json))
		if ((peer = audience_recap_answered(n->audience, ticket, json)))
			send_personal_now(n, lws_container_of(peer, struct net_pss, peer));
}

/* What a handled message leaves to do: its answer, a displaced phone, a close. */
static void after_message(struct net *n, struct net_pss *pss)
{
	send_personal_now(n, pss);
	net_wake_displaced(n);
	if (pss->peer.close_code)
		close_soon(pss);
}

static void handle_complete_message(struct net *n, struct net_pss *pss, const char *buf,
				    size_t len)
{
	double now = n->h.now(n->h.user);
	struct audience_peer *peer = &pss->peer;

	if (audience_handle_text(n->audience, peer, buf, len, now) && !pss->closing) {
		/* An input or vote was processed: this phone gets the next tick's state, with its acknowledgement. */
		pss_set_add(&n->awaiting, pss);
		pss->acted_us = lws_now_usecs();
		pss->ack_gen = n->state_gen;
		if (pss->input_at <= 0) {
			pss->input_at = now;
			pss->input_gen = n->state_gen;
		}
	}
	if (peer->participant >= 0 && !pss->closing && peer->want_show)
		pss_set_add(&n->awaiting, pss);	/* sync, or the page shown again: the whole show next tick */
	after_message(n, pss);
}

/* Returns -1 to close the connection. */
static int audience_receive(struct net *n, struct net_pss *pss, struct lws *wsi,
			    const char *in, size_t len)
{
	bool done = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;
	uint32_t max = n->cfg->limits.max_message_bytes;

	if (pss->rx_len + len > max) {
		n->metrics->rejected[REJECT_TOO_LARGE]++;
		net_close_with(n, wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too large");
		return -1;
	}
	if (lws_frame_is_binary(wsi)) {
		/* Not part of the protocol: counted (size included) and answered once it ends. */
		pss->rx_len += (uint32_t)len;
		if (done) {
			audience_handle_binary(n->audience, &pss->peer, pss->rx_len, n->h.now(n->h.user));
			pss->rx_len = 0;
			after_message(n, pss);
		}
		return 0;
	}
	if (done && pss->rx_len == 0) {
		/* The whole message arrived in one piece: no copy. */
		if (!protocol_utf8_valid(in, len))
			goto bad_utf8;
		handle_complete_message(n, pss, in, len);
		return 0;
	}
	if (!pss->rx) {
		pss->rx = malloc(max);
		if (!pss->rx)
			return -1;
	}
	memcpy(pss->rx + pss->rx_len, in, len);
	pss->rx_len += (uint32_t)len;
	if (!done)
		return 0;
	if (!protocol_utf8_valid(pss->rx, pss->rx_len))
		goto bad_utf8;
	handle_complete_message(n, pss, pss->rx, pss->rx_len);
	free(pss->rx);
	pss->rx = NULL;
	pss->rx_len = 0;
	return 0;
bad_utf8:
	n->metrics->rejected[REJECT_INVALID_UTF8]++;
	net_close_with(n, wsi, LWS_CLOSE_STATUS_INVALID_PAYLOAD, "invalid UTF-8");
	return -1;
}

/* The state rate @pss is owed now (docs/protocol.md, "Rates"), as a period. */
static lws_usec_t state_period_us(const struct net *n, const struct net_pss *pss, lws_usec_t now)
{
	const struct venue_config *cfg = n->cfg;
	double hz;

	if (pss->peer.hidden)
		hz = cfg->hidden_hz;
	else if (pss->acted_us && now - pss->acted_us < (lws_usec_t)(cfg->active_window_s * LWS_US_PER_SEC))
		hz = cfg->broadcast_hz;
	else
		hz = cfg->calm_hz;
	return (lws_usec_t)(LWS_US_PER_SEC / hz);
}

/*
 * Whether a broadcast is @pss's turn: its period has passed since its last
 * state, less half a broadcast period (broadcasts come on ticks, so a turn
 * a hair early is the right one). A state between broadcasts, after the
 * phone's own input, takes the place of its next turn (the whole period
 * must pass): a phone that acts gets broadcast_hz states a second, its
 * prompt ones among them, never those plus its acknowledgements.
 */
static bool state_turn(const struct net *n, const struct net_pss *pss, lws_usec_t now)
{
	lws_usec_t slack = pss->prompted ? 0 : (lws_usec_t)(LWS_US_PER_SEC / n->cfg->broadcast_hz / 2);

	return now - pss->state_at_us >= state_period_us(n, pss, now) - slack;
}

/* True when @pss has its acknowledgement to go in a state built after the input it covers. */
static bool ack_due(const struct net *n, const struct net_pss *pss)
{
	return audience_peer_ack_ready(&pss->peer) && n->state_gen > pss->ack_gen;
}

/* True when a state waits to go to @pss at its next write. */
static bool state_waiting(const struct net *n, const struct net_pss *pss)
{
	const struct audience_peer *peer = &pss->peer;

	if (peer->participant < 0 || (peer->pending & PEER_SEND_WELCOME) || !n->stream->live_len)
		return false;	/* no state before the welcome (which may wait for the journal) */
	return (pss->state_owed && peer->state_gen < n->state_gen) || ack_due(n, pss) || peer->want_show;
}

/*
 * The state @pss is owed, if any: the newest live numbers, with its
 * acknowledgement and whatever show or beat version it lacks. Returns -1
 * when the socket failed.
 */
static int send_state(struct net *n, struct net_pss *pss)
{
	struct audience_peer *peer = &pss->peer;
	struct state_stream *st = n->stream;
	char *out = (char *)n->personal + LWS_PRE;
	struct state_extras x;
	bool ack;
	size_t len;

	if (!state_waiting(n, pss))
		return 0;
	if (peer->want_show) {
		peer->want_show = false;
		pss->show_v = pss->beat_v = 0;
	}
	ack = ack_due(n, pss);
	x = (struct state_extras){ .ack_seq = ack ? peer->ack_seq : 0, .show = pss->show_v != st->show_v,
				   .beat = pss->beat_v != st->beat_v };
	len = state_stream_message(st, &x, out, PERSONAL_MAX);
	if (!len)
		return 0;	/* cannot happen: PERSONAL_MAX holds the largest (state_stream.h) */
	if (lws_write(pss->wsi, (unsigned char *)out, len, LWS_WRITE_TEXT) < (int)len)
		return -1;
	if (ack)
		audience_peer_ack_sent(peer);
	pss->show_v = st->show_v;
	pss->beat_v = st->beat_v;
	pss->state_owed = false;
	pss->state_at_us = lws_now_usecs();
	peer->state_gen = n->state_gen;
	/* The first state built after its input arrived: the input-to-state latency, as the phone sees it
	 * less the network. (A vote's state also waited for the journal's commit; that is counted too.) */
	/* On an edge, a state before the core's acknowledgement may not hold the input yet: the ack's state does. */
	if (pss->input_at > 0 && n->state_gen > pss->input_gen && (!n->audience->relay || ack)) {
		latency_hist_add(&n->metrics->input_to_state, n->h.now(n->h.user) - pss->input_at);
		pss->input_at = 0;
	}
	n->metrics->states_sent++;
	n->metrics->broadcast_bytes += len;
	return 0;
}

/* The reason a phone's close frame carries. */
static const char *close_reason(int code)
{
	static const struct {
		int code;
		const char *why;
	} reasons[] = {
		{ CLOSE_TRY_AGAIN_LATER, "venue full" },
		{ LWS_CLOSE_STATUS_GOINGAWAY, "show over: daemon stopping" },
		{ AUDIENCE_CLOSE_RESUMED_ELSEWHERE, "resumed on another connection" },
		{ AUDIENCE_CLOSE_REMOVED, "removed by the venue" },
		{ AUDIENCE_CLOSE_FORGOTTEN, "forgotten, as asked" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].why;
	return "policy";
}

/*
 * Close, then personal, then the newest state. More than one write per
 * callback only while lws buffered nothing (lws_partial_buffered).
 */
static int audience_writeable(struct net *n, struct net_pss *pss, struct lws *wsi)
{
	struct audience_peer *peer = &pss->peer;
	double now = n->h.now(n->h.user);
	size_t len;

	if (pss->closing)
		return 0;	/* a close frame went or came: no more data frames (RFC 6455 5.5.1) */
	if (n->stopping && !peer->close_code)
		peer->close_code = LWS_CLOSE_STATUS_GOINGAWAY;
	if (pss->ping_due && !peer->close_code) {
		pss->ping_due = false;
		/* One byte of payload: lws 4.1 does not pass an empty pong up (RECEIVE_PONG). */
		n->personal[LWS_PRE] = 'k';
		if (lws_write(wsi, n->personal + LWS_PRE, 1, LWS_WRITE_PING) < 1)
			return -1;
		if (lws_partial_buffered(wsi)) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	}

	len = audience_peer_next_personal(n->audience, peer, (char *)n->personal + LWS_PRE,
					  PERSONAL_MAX, now);
	if (!len && peer->encode_failed) {
		peer->encode_failed = false;
		log_error("a personal message did not fit in %d bytes (config too large?)", PERSONAL_MAX);
	}
	if (len) {
		if (lws_write(wsi, n->personal + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len)
			return -1;
	} else if (peer->close_code) {
		if (pss->close_armed)
			return 0;
		/*
		 * lws 4.1 treats a WRITEABLE callback that returns -1 as a broken
		 * socket and drops it without the close frame; closing from the
		 * connection's timer callback sends our close code.
		 */
		net_close_with(n, wsi, peer->close_code, close_reason(peer->close_code));
		pss->close_armed = true;
		lws_set_timer_usecs(wsi, 1);
		return 0;
	} else if (send_state(n, pss) != 0) {
		return -1;
	}
	/* After a pong or an error, a state it waited behind goes in the same callback when the socket took it all. */
	if (len && !peer->close_code && !audience_peer_has_personal(peer) && !lws_partial_buffered(wsi) &&
	    send_state(n, pss) != 0)
		return -1;
	if (audience_peer_has_personal(peer) || (peer->close_code && !pss->close_armed) || state_waiting(n, pss))
		lws_callback_on_writable(wsi);
	return 0;
}

static void audience_established(struct net *n, struct net_pss *pss, struct lws *wsi)
{
	double now = n->h.now(n->h.user);
	struct addr_entry *e;

	pss->wsi = wsi;
	pss->heard_us = lws_now_usecs();
	audience_peer_init(n->audience, &pss->peer, NULL, now);
	pss->peer.on_socket = true;
	n->metrics->connections_opened++;
	if (n->metrics->connections >= n->max_connections) {
		audience_peer_reject(n->audience, &pss->peer, REJECT_VENUE_FULL, 0, NULL);
		pss->peer.close_code = CLOSE_TRY_AGAIN_LATER;
		lws_callback_on_writable(wsi);
		return;
	}
	/* The socket's address entry, counted since accept (accept_filter). */
	e = lws_get_opaque_user_data(wsi);
	if (!addrtable_admit(&n->addrs, e)) {
		audience_peer_reject(n->audience, &pss->peer, REJECT_TOO_MANY_CONNECTIONS, 0, NULL);
		pss->peer.close_code = LWS_CLOSE_STATUS_POLICY_VIOLATION;
		lws_callback_on_writable(wsi);
		return;
	}
	pss->peer.addr = e;
	pss->admitted = true;
	audience_peer_opened(n->audience, &pss->peer, e->key);
	pss_set_add(&n->peers, pss);
	n->metrics->connections++;
}

/* Takes @pss off the broadcast list. */
static void peers_remove(struct net *n, struct net_pss *pss)
{
	struct net_pss *moved = pss_set_remove(&n->peers, pss);

	/* Moved behind the broadcast's cursor mid-round, it would miss its turn: give it now. */
	if (moved && n->fanout_left && moved->peer.state_gen < n->state_gen && !moved->closing &&
	    state_turn(n, moved, lws_now_usecs())) {
		moved->state_owed = true;
		lws_callback_on_writable(moved->wsi);
	}
	if (n->fanout_left > n->peers.n)
		n->fanout_left = n->peers.n;
}

static void audience_closed(struct net *n, struct net_pss *pss)
{
	pss_set_remove(&n->awaiting, pss);
	peers_remove(n, pss);
	if (n->audience->displaced == &pss->peer)
		n->audience->displaced = NULL;	/* gone before its tick came: nothing left to wake */
	n->metrics->connections_closed++;
	free(pss->rx);
	pss->rx = NULL;
	audience_peer_closed(n->audience, &pss->peer, n->h.now(n->h.user));
	if (pss->admitted) {
		addrtable_release(&n->addrs, pss->peer.addr);
		n->metrics->connections--;
		pss->admitted = false;
	}
}

/* The connection is closing: off the broadcast and prompt lists, and no more writes of ours. */
static void closing(struct net *n, struct net_pss *pss)
{
	pss->closing = true;
	pss_set_remove(&n->awaiting, pss);
	peers_remove(n, pss);
}

/* The phone spoke (a message, a fragment or a pong): it is there, no ping needed. */
static void heard(struct net_pss *pss)
{
	pss->heard_us = lws_now_usecs();
	pss->ping_sent = false;
}

/*
 * Keep-alive without lws' per-socket timers (see net_create): each tick
 * visits 1/tick_hz of the phones, so each is seen about once a second.
 * Silent for limits.idle_ping_s, a phone gets a WebSocket ping (browsers
 * and the load generator answer it on their own); silent for
 * limits.idle_hangup_s, it is gone (out of range, battery, a NAT that
 * forgot it) and its socket is dropped, as lws' own keep-alive did.
 */
static void idle_sweep(struct net *n, lws_usec_t now)
{
	lws_usec_t ping_us = (lws_usec_t)(n->cfg->limits.idle_ping_s * LWS_US_PER_SEC);
	lws_usec_t hangup_us = (lws_usec_t)(n->cfg->limits.idle_hangup_s * LWS_US_PER_SEC);
	uint32_t visits = (uint32_t)(n->peers.n / n->cfg->tick_hz) + 1;

	for (uint32_t k = 0; k < visits && n->peers.n; k++) {
		struct net_pss *pss;

		if (n->idle_next >= n->peers.n)
			n->idle_next = 0;
		pss = n->peers.items[n->idle_next++];
		if (now - pss->heard_us >= hangup_us) {
			n->metrics->connections_idle_closed++;
			closing(n, pss);
			n->idle_next--;	/* the last phone took its slot: look at it next */
			/* Like a failed write: no close frame, a phone that went silent would not read it. */
			lws_set_timeout(pss->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		} else if (now - pss->heard_us >= ping_us && !pss->ping_sent) {
			pss->ping_due = pss->ping_sent = true;
			lws_callback_on_writable(pss->wsi);
		}
	}
}

static int audience_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			     void *in, size_t len)
{
	struct net_pss *pss = user;
	struct net *n = net_from_wsi(wsi);

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (!net_origin_allowed(n, wsi)) {
			n->metrics->rejected[REJECT_ORIGIN]++;
			lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin not allowed");
			return 1;
		}
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		audience_established(n, pss, wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE_PONG:
		heard(pss);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		heard(pss);
		if (audience_receive(n, pss, wsi, in, len) == 0)
			return 0;
		closing(n, pss);
		return -1;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		closing(n, pss);	/* lws answers the phone's close; nothing of ours goes after it */
		return net_peer_close_check(n, wsi, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return audience_writeable(n, pss, wsi);
	case LWS_CALLBACK_TIMER:
		return pss->peer.close_code ? -1 : 0;	/* armed only to close */
	case LWS_CALLBACK_CLOSED:
		audience_closed(n, pss);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:	/* net_wake(): the journal committed, or a recap is read */
		release_held(n);
		return 0;
	default:
		return 0;
	}
}

/* ---- ticks ---- */

static void service_stop(struct net *n)
{
	pthread_mutex_lock(&n->wake_lock);
	n->wakeable = false;
	pthread_mutex_unlock(&n->wake_lock);
	if (n->service && n->service->stop)
		n->service->stop(n->service->user);
}

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	struct net *n = lws_container_of(sul, struct net, tick_sul);
	lws_usec_t now;

	if (net_signals_take_hangup())
		log_info("SIGHUP: ignored, the show goes on (logs go to stderr: nothing to reopen)");
	if (net_signals_stop_requested() && !n->stopping) {
		/* Tell every phone we are going away (LWS_CLOSE_STATUS_GOINGAWAY), then stop the loop. */
		n->stopping = true;
		n->stop_deadline_us = lws_now_usecs() + SHUTDOWN_GRACE_US;
		/* An edge has no crowd of its own: its phones are its participants. */
		n->participants_at_stop = n->audience->crowd ? crowd_connected(n->audience->crowd)
							     : (uint32_t)n->metrics->connections;
		log_info("shutting down: closing %u connections", n->metrics->connections);
		/* Every WebSocket protocol (not HTTP, not the listener): a writable WebSocket closes now. */
		for (const struct lws_protocols *p = &n->protocols[1]; p->name; p++)
			if (p->callback != listen_callback)
				lws_callback_on_writable_all_protocol(n->ctx, p);
	} else if (n->stopping && (n->metrics->connections == 0 || lws_now_usecs() > n->stop_deadline_us)) {
		/* Not in the tick that began it: sockets no phone count holds (the console's) close first. */
		service_stop(n);	/* no other thread may wake a context that is going away */
		lws_sul_cancel(&n->fanout_sul);
		n->fanout_left = 0;
		/* Inside the loop: lws closes what is left and uv_run() then returns. */
		lws_context_destroy(n->ctx);
		return;
	}
	n->h.tick(n->h.user);
	idle_sweep(n, lws_now_usecs());
	if (n->accept_paused && n->listen_wsi) {
		n->accept_paused = false;	/* out of files at the last try: try again */
		lws_rx_flow_control(n->listen_wsi, 1);
	}
	net_wake_displaced(n);	/* the venue may have removed a participant this tick */
	release_held(n);	/* a wake that came while the loop was busy is not lost */
	/* Schedule against an absolute timeline so the tick rate does not drift. */
	now = lws_now_usecs();
	n->next_tick_us += n->tick_period_us;
	if (n->next_tick_us < now)
		n->next_tick_us = now + n->tick_period_us / 4;	/* fell behind: do not burst */
	lws_sul_schedule(n->ctx, 0, &n->tick_sul, tick_cb, n->next_tick_us - now);
}

/* ---- public ---- */

struct state_stream *net_state_stream(struct net *n)
{
	return n->stream;
}

/*
 * A new state to one phone. A phone with nothing else to send and nothing
 * buffered gets it written now, from the tick; the rest ask for a
 * WRITEABLE callback as usual. Writing from the tick (on the service
 * thread, never across threads) saves the two epoll_ctl calls a writable
 * request costs: with thousands of phones at 20 Hz they were a quarter of
 * the daemon's time (bench/RESULTS.md). lws_partial_buffered() is the
 * guard lws gives for writing more than once: a socket that did not take
 * the last write whole waits for its callback.
 */
static void deliver_state(struct net *n, struct net_pss *pss, bool turn)
{
	struct audience_peer *peer = &pss->peer;
	lws_usec_t now;

	if (pss->closing)
		return;
	if (turn) {
		now = lws_now_usecs();
		if (!state_turn(n, pss, now))
			return;
		/*
		 * A socket still sending its last message does not take a turn: it
		 * gets the next one rather than a writable request (two epoll_ctl
		 * calls) for a state that will be old by then. What it missed is
		 * counted as skipped.
		 */
		if (lws_partial_buffered(pss->wsi) && !pss->state_owed) {
			n->metrics->states_skipped++;
			return;
		}
		if (pss->state_at_us) {
			lws_usec_t period = state_period_us(n, pss, now);
			lws_usec_t missed = (now - pss->state_at_us + period / 4) / period;

			if (missed > 1)
				n->metrics->states_skipped += (uint64_t)(missed - 1);
		}
		pss->prompted = false;
	}
	pss->state_owed = true;
	if (n->stopping || peer->close_code || audience_peer_has_personal(peer) || lws_partial_buffered(pss->wsi)) {
		lws_callback_on_writable(pss->wsi);
		return;
	}
	if (send_state(n, pss) != 0)
		lws_set_timeout(pss->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);	/* the socket failed */
}

/*
 * The broadcast, FANOUT_SLICE phones at a time with the loop polling in
 * between, so inputs keep flowing while thousands of states go out and
 * the tick itself stays short. Under overload a new broadcast carries on
 * round the list from where the last one got to: every phone gets the
 * newest state in turn, none is starved.
 */
static void fanout_cb(lws_sorted_usec_list_t *sul)
{
	struct net *n = lws_container_of(sul, struct net, fanout_sul);

	for (uint32_t k = 0; k < FANOUT_SLICE && n->fanout_left && n->peers.n; k++, n->fanout_left--) {
		if (n->fanout_next >= n->peers.n)
			n->fanout_next = 0;
		deliver_state(n, n->peers.items[n->fanout_next++], true);
	}
	if (n->fanout_left && n->peers.n)
		lws_sul_schedule(n->ctx, 0, &n->fanout_sul, fanout_cb, 1);
}

void net_state_publish(struct net *n, bool broadcast)
{
	n->state_gen++;
	/*
	 * Phones that acted (or asked for the whole show) get this state now,
	 * whatever their turn: at a broadcast too, where their turn may have
	 * come just after their last state. Their broadcast turn is then spent.
	 */
	for (uint32_t i = 0; i < n->awaiting.n; i++) {
		struct net_pss *pss = n->awaiting.items[i];

		deliver_state(n, pss, false);
		pss->prompted = !broadcast;	/* at a broadcast it was the phone's turn */
	}
	pss_set_clear(&n->awaiting);
	if (broadcast) {
		n->metrics->broadcasts++;
		/* Every phone's turn, in slices from where the last round got to (fanout_cb). */
		n->fanout_left = n->peers.n;
		lws_sul_schedule(n->ctx, 0, &n->fanout_sul, fanout_cb, 1);
	} else {
		n->metrics->prompt_states++;
	}
}

bool net_stopping(const struct net *n)
{
	return n->stopping;
}

uint32_t net_participants_at_stop(const struct net *n)
{
	return n->participants_at_stop;
}

bool net_states_awaited(const struct net *n)
{
	return n->awaiting.n > 0;
}

int net_port(const struct net *n)
{
	return n->port;
}

const char *net_scheme(const struct net *n)
{
	return n->tls ? "https" : "http";
}

/* Descriptors from here up are refused at accept: FD_RESERVE stay free for logs, files, the console. */
static int fd_ceiling(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX)
		return INT_MAX;
	return (int)rl.rlim_cur > FD_RESERVE * 2 ? (int)rl.rlim_cur - FD_RESERVE : (int)rl.rlim_cur / 2;
}

static uint32_t connection_cap(const struct venue_config *cfg)
{
	struct rlimit rl;
	uint32_t cap = cfg->limits.max_connections;

	/* Stay below the process's open-file limit, whatever the config says. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)cap + FD_RESERVE * 2)
		cap = rl.rlim_cur > FD_RESERVE * 2 ? (uint32_t)rl.rlim_cur - FD_RESERVE * 2 : 1;
	return cap;
}

/* The server's HTTP and audience protocols, then the service's, then the zeroed end lws wants. */
static int protocols_fill(struct net *n)
{
	size_t k = 0;

	n->protocols[k++] = (struct lws_protocols){
		.name = HTTP_PROTOCOL, .callback = http_callback,
		.per_session_data_size = sizeof(struct http_pss),
	};
	n->protocols[k++] = (struct lws_protocols){
		.name = PROTOCOL_NAME, .callback = audience_callback,
		.per_session_data_size = sizeof(struct net_pss),
		.rx_buffer_size = RX_BUFFER_SIZE,
		/* lets one lws_write() carry a whole message, whatever rx_buffer_size is */
		.tx_packet_size = LWS_PRE + PERSONAL_MAX,
	};
	n->protocols[k++] = (struct lws_protocols){ .name = LISTEN_PROTOCOL, .callback = listen_callback };
	for (const struct lws_protocols *p = n->service ? n->service->protocols : NULL; p && p->name; p++) {
		if (k == PROTOCOLS_MAX - 1) {
			log_error("too many protocols for the server (at most %d)", PROTOCOLS_MAX - 1);
			return -1;
		}
		n->protocols[k++] = *p;
	}
	return 0;
}

/* Appends the lws mounts for @table; a folder is served from below @clients_dir. */
static int mounts_add(struct net *n, size_t *k, const struct net_mount *table, const char *clients_dir)
{
	static const struct lws_protocol_vhost_options mime_js = {
		NULL, NULL, ".mjs", "text/javascript"
	};
	static const struct lws_protocol_vhost_options mime_webmanifest = {
		&mime_js, NULL, ".webmanifest", "application/manifest+json"
	};

	for (const struct net_mount *m = table; m && m->path; m++, (*k)++) {
		struct lws_http_mount *lm = &n->mounts[*k];

		if (*k == MOUNTS_MAX) {
			log_error("too many paths for the server (at most %d)", MOUNTS_MAX);
			return -1;
		}
		*lm = (struct lws_http_mount){
			.mountpoint = m->path, .mountpoint_len = (unsigned char)strlen(m->path),
			.origin = m->protocol, .origin_protocol = LWSMPRO_CALLBACK,
		};
		if (m->folder) {
			snprintf(n->mount_origins[*k], sizeof(n->mount_origins[*k]), "%s/%s", clients_dir,
				 m->folder);
			lm->origin = n->mount_origins[*k];
			lm->origin_protocol = LWSMPRO_FILE;
			lm->protocol = HTTP_PROTOCOL;	/* its LWS_CALLBACK_ADD_HEADERS: "connection: close" */
			lm->def = "index.html";
			lm->extra_mimetypes = &mime_webmanifest;
		}
		if (*k)
			n->mounts[*k - 1].mount_next = lm;
	}
	return 0;
}

static int mounts_fill(struct net *n, const char *clients_dir)
{
	size_t k = 0;

	return mounts_add(n, &k, net_mounts, clients_dir) != 0 ||
	       mounts_add(n, &k, n->service ? n->service->mounts : NULL, clients_dir) != 0 ? -1 : 0;
}

/* The listening socket, before lws: a port in use is said as such. */
static int open_listener(struct net *n, const struct net_options *o)
{
	const char *address = o->listen_address ? o->listen_address : n->cfg->listen_address;
	int port = o->port >= 0 ? o->port : n->cfg->port;
	bool every = strcmp(address, "0.0.0.0") == 0 || strcmp(address, "::") == 0;
	char why[160] = "";

	n->listen_fd = net_listen_open(every ? NULL : address, port, &n->port, why, sizeof(why));
	if (n->listen_fd < 0) {
		log_error("cannot listen on %s:%d: %s%s", every ? "*" : address, port, why,
			  strstr(why, "in use") ? " (port in use: another tutti, or change listen.port)" : "");
		return -1;
	}
	return 0;
}

struct net *net_create(const struct net_options *o, const struct net_handlers *h,
		       struct audience *audience, struct metrics *metrics)
{
	const struct venue_config *cfg = o->cfg;
	struct lws_context_creation_info info;
	struct net *n = calloc(1, sizeof(*n));

	if (!n) {
		if (o->service)
			o->service->destroy(o->service->user);
		return NULL;
	}
	pthread_mutex_init(&n->wake_lock, NULL);
	n->listen_fd = -1;
	n->cfg = cfg;
	n->audience = audience;
	n->metrics = metrics;
	n->h = *h;
	n->service = o->service;
	n->tls = cfg->tls_cert[0] != '\0';
	n->max_connections = connection_cap(cfg);
	n->fd_ceiling = fd_ceiling();
	n->ipv6_prefix = cfg->limits.ipv6_prefix;
	n->stream = malloc(sizeof(*n->stream));
	if (n->stream)
		state_stream_init(n->stream);
	if (!n->stream ||
	    pss_set_init(&n->awaiting, n->max_connections + FD_RESERVE,
			 offsetof(struct net_pss, awaiting_at)) != 0 ||
	    pss_set_init(&n->peers, n->max_connections + FD_RESERVE, offsetof(struct net_pss, peer_at)) != 0 ||
	    addrtable_init(&n->addrs, n->max_connections * 2 + FD_RESERVE,
			   cfg->limits.max_connections_per_address))
		goto fail;

	if (protocols_fill(n) != 0 || mounts_fill(n, o->clients_dir) != 0)
		goto fail;

	/* lws speaks only about trouble; the daemon's own log says what happens. */
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	memset(&info, 0, sizeof(info));
	/*
	 * Without NO_SIGSEGV_SIGFPE_SPIN, lws' libuv loop catches SIGSEGV and
	 * SIGFPE and spins at full CPU (to wait for a debugger), and SIGHUP
	 * ends the loop with no close frames: a crash must die instead, so a
	 * supervisor restarts it; net_signals says what the others do.
	 */
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN |
		       LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
	if (open_listener(n, o) != 0)
		goto fail;
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;	/* a server, on the listener's sockets */
	info.protocols = n->protocols;
	info.mounts = &n->mounts[0];
	info.user = n;
	/*
	 * No fd_limit_per_thread: below the process's open-file limit it makes
	 * lws 4.1 find each socket by a linear search (wsi_from_fd), which at
	 * 15,000 phones cost a sixth of the daemon's time. The connection cap
	 * (connection_cap) keeps us under the limit instead.
	 */
	/*
	 * No retry_and_idle_policy: lws 4.1 would keep one "validity" timer per
	 * phone in its single sorted timer list, re-inserted from the list's
	 * head at every join and every pong. With 15,000 phones that walk took
	 * most of the loop, and when the pings of a whole join storm fell due
	 * together the loop never got back to the sockets (bench/RESULTS.md,
	 * "Restart with 15,000 participants"). idle_sweep() does the same job
	 * from the tick, a slice of the phones at a time.
	 */
	info.timeout_secs = 20;	/* HTTP: slow or stuck clients */
	/*
	 * A socket that sends no request, or only part of its headers, holds a
	 * place of its address's: it loses it after this (lws' default is 10 s).
	 */
	info.timeout_secs_ah_idle = HANDSHAKE_TIMEOUT_S;
	info.alpn = "http/1.1";	/* HTTP/1.1 only, also over TLS */
	info.vhost_name = "tutti";
	if (n->tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath = cfg->tls_key;
	}

	n->ctx = lws_create_context(&info);
	if (!n->ctx) {
		log_error("cannot start the server (TLS files unreadable?)");
		goto fail;
	}
	n->wakeable = true;
	n->vhost = lws_get_vhost_by_name(n->ctx, "tutti");
	if (!n->vhost || watch_listener(n) != 0) {
		log_error("cannot accept connections on the server's loop");
		goto fail;
	}

	net_signals_install();

	n->tick_period_us = (lws_usec_t)(1e6 / cfg->tick_hz);
	n->next_tick_us = lws_now_usecs();
	lws_sul_schedule(n->ctx, 0, &n->tick_sul, tick_cb, 1);
	return n;
fail:
	net_destroy(n);
	return NULL;
}

void net_wake(struct net *n)
{
	pthread_mutex_lock(&n->wake_lock);
	if (n->wakeable)
		lws_cancel_service(n->ctx);
	pthread_mutex_unlock(&n->wake_lock);
}

int net_run(struct net *n)
{
	lws_service(n->ctx, 0);		/* with libuv: runs until the context is destroyed */
	lws_context_destroy(n->ctx);	/* completes a destroy begun inside the loop */
	n->ctx = NULL;
	return 0;
}

void net_destroy(struct net *n)
{
	if (!n)
		return;
	service_stop(n);
	if (n->ctx)
		lws_context_destroy(n->ctx);	/* closes the listening socket once adopted */
	if (n->listen_fd >= 0)
		close(n->listen_fd);
	if (n->service)
		n->service->destroy(n->service->user);
	addrtable_free(&n->addrs);
	free(n->stream);
	pss_set_free(&n->awaiting);
	pss_set_free(&n->peers);
	pthread_mutex_destroy(&n->wake_lock);
	free(n);
}
