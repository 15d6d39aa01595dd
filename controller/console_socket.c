/*
 * console_socket.c - the console's WebSocket (tutti.console.v1). See
 * console_socket.h.
 *
 * Thread: net thread.
 */
#include "console_socket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_http.h"
#include "console_live.h"
#include "log.h"
#include "net_service.h"

#define CONSOLE_RX_MAX	4096
#define LIVE_EVERY_US	250000		/* the live view, four times a second */
#define REPLIES		8

struct console_socket {
	struct console_auth *auth;		/* NULL: the venue has no console */
	struct console_net_handlers h;
	struct metrics *metrics;
	bool stopped;
	unsigned char *out;			/* scratch for one write, LWS_PRE + out_cap */
	size_t out_cap;				/* grows with the live view, up to CONSOLE_LIVE_MAX */
};

/* When the live view does not fit even CONSOLE_LIVE_MAX: the console shows this instead of going blind. */
static const char live_error[] =
	"{\"type\":\"live_error\",\"code\":\"live_too_large\",\"message\":\"the live view does not fit "
	"in 1 MiB: shorten cue titles, poll texts or the cue list (tutti check estimates it)\"}";

/* Per console socket. */
struct console_socket_pss {
	struct lws *wsi;
	char token[CONSOLE_TOKEN_CHARS + 1];
	enum console_role role;
	char who[96];
	char rx[CONSOLE_RX_MAX];
	size_t rx_len;
	char replies[REPLIES][512];
	uint64_t reply_hold[REPLIES];	/* each reply goes out once its command is in the journal */
	uint32_t reply_head, reply_count;
	bool live_due;
	bool close_armed;		/* close frame set; the timer callback closes */
};

struct console_socket *console_socket_create(struct console_auth *auth, const struct console_net_handlers *h,
					     struct metrics *metrics)
{
	struct console_socket *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->auth = auth;
	s->h = *h;
	s->metrics = metrics;
	s->out_cap = CONSOLE_LIVE_FIRST;
	if (!(s->out = malloc(LWS_PRE + s->out_cap))) {
		free(s);
		return NULL;
	}
	return s;
}

void console_socket_stop(struct console_socket *s)
{
	if (s)
		s->stopped = true;
}

void console_socket_destroy(struct console_socket *s)
{
	if (s)
		free(s->out);
	free(s);
}

static double now_s(struct console_socket *s)
{
	return s->h.now(s->h.user);
}

static void reply_queue(struct console_socket_pss *pss, const char *json, size_t len, uint64_t hold)
{
	uint32_t at = (pss->reply_head + pss->reply_count) % REPLIES;

	if (pss->reply_count == REPLIES)
		return;		/* a console sending faster than it reads: it loses replies, not the show */
	snprintf(pss->replies[at], sizeof(pss->replies[0]), "%.*s", (int)len, json);
	pss->reply_hold[at] = hold;
	pss->reply_count++;
	lws_callback_on_writable(pss->wsi);
}

/* The oldest reply may go: what it waits for is done (durable before acknowledged). */
static bool reply_ready(struct console_socket *s, const struct console_socket_pss *pss)
{
	return pss->reply_count &&
	       (!pss->reply_hold[pss->reply_head] || s->h.settled(s->h.user, pss->reply_hold[pss->reply_head]));
}

static bool session_live(struct console_socket *s, struct console_socket_pss *pss)
{
	return console_session_role(s->auth, pss->token, now_s(s)) == pss->role;
}

static int socket_receive(struct console_socket *s, struct console_socket_pss *pss, struct lws *wsi,
			  const char *in, size_t len)
{
	struct net *n = net_from_wsi(wsi);
	char reply[512];
	uint64_t hold = 0;
	size_t rlen;

	if (pss->rx_len + len > sizeof(pss->rx)) {
		net_close_with(n, wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "command too large");
		return -1;
	}
	memcpy(pss->rx + pss->rx_len, in, len);
	pss->rx_len += len;
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (!session_live(s, pss)) {
		net_close_with(n, wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, "session expired: log in again");
		return -1;
	}
	rlen = s->h.command(s->h.user, (int)pss->role, pss->who, pss->rx, pss->rx_len, reply, sizeof(reply), &hold);
	pss->rx_len = 0;
	if (rlen)
		reply_queue(pss, reply, rlen, hold);
	net_wake_displaced(n);	/* a kick closes the phone now, not at the next tick */
	return 0;
}

/*
 * The live view for @pss into the scratch buffer, which doubles until the
 * view fits, up to CONSOLE_LIVE_MAX, and stays grown. Its length, or that
 * of live_error when it does not fit.
 */
static size_t socket_live_render(struct console_socket *s, struct console_socket_pss *pss)
{
	for (;;) {
		size_t len = s->h.live(s->h.user, (int)pss->role, (char *)s->out + LWS_PRE, s->out_cap);
		unsigned char *bigger;

		if (len)
			return len;
		if (s->out_cap >= CONSOLE_LIVE_MAX || !(bigger = realloc(s->out, LWS_PRE + s->out_cap * 2)))
			break;
		s->out = bigger;
		s->out_cap *= 2;
		log_info("console: the live view outgrew its buffer: now %zu KiB", s->out_cap / 1024);
	}
	memcpy(s->out + LWS_PRE, live_error, sizeof(live_error) - 1);
	return sizeof(live_error) - 1;
}

static int socket_writeable(struct console_socket *s, struct console_socket_pss *pss, struct lws *wsi)
{
	size_t len;

	if (reply_ready(s, pss)) {
		const char *r = pss->replies[pss->reply_head];

		len = strlen(r);
		memcpy(s->out + LWS_PRE, r, len);
		pss->reply_head = (pss->reply_head + 1) % REPLIES;
		pss->reply_count--;
	} else if (pss->live_due) {
		pss->live_due = false;
		len = socket_live_render(s, pss);
	} else {
		return 0;
	}
	if (lws_write(wsi, s->out + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len)
		return -1;
	/* One write per writeable. A reply still waiting for the journal goes at a later one: the
	 * journal's commit wakes the loop (EVENT_WAIT_CANCELLED), and the live view asks again anyway. */
	if (reply_ready(s, pss) || pss->live_due)
		lws_callback_on_writable(wsi);
	return 0;
}

/* Origin and a live session, before the handshake is answered. 0, or 1 to refuse it with 403. */
static int socket_filter(struct console_socket *s, struct lws *wsi)
{
	char token[CONSOLE_TOKEN_CHARS + 1];

	if (!s->auth || s->stopped || !net_origin_allowed(net_from_wsi(wsi), wsi)) {
		s->metrics->rejected[REJECT_ORIGIN]++;
		lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin not allowed");
		return 1;
	}
	if (!console_http_session_token(wsi, token) ||
	    console_session_role(s->auth, token, now_s(s)) == CONSOLE_ROLE_NONE) {
		lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "log in first");
		return 1;
	}
	return 0;
}

static void socket_established(struct console_socket *s, struct console_socket_pss *pss, struct lws *wsi)
{
	char addr[64] = "";

	memset(pss, 0, sizeof(*pss));
	pss->wsi = wsi;
	console_http_session_token(wsi, pss->token);
	pss->role = console_session_role(s->auth, pss->token, now_s(s));
	lws_get_peer_simple(wsi, addr, sizeof(addr));
	snprintf(pss->who, sizeof(pss->who), "%s@%s", console_role_name(pss->role), addr);
	log_info("console: %s connected", pss->who);
	lws_set_timer_usecs(wsi, 1);	/* the first live view at once */
}

static int console_socket_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
				   void *in, size_t len)
{
	struct console_socket *s = lws_get_protocol(wsi)->user;
	struct console_socket_pss *pss = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return socket_filter(s, wsi);
	case LWS_CALLBACK_ESTABLISHED:
		if (s->stopped)
			return -1;	/* shutting down */
		socket_established(s, pss, wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		return s->stopped ? -1 : socket_receive(s, pss, wsi, in, len);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		return net_peer_close_check(net_from_wsi(wsi), wsi, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (pss->close_armed)
			return 0;
		if (net_stopping(net_from_wsi(wsi))) {
			/*
			 * A WRITEABLE callback that returns -1 drops the socket without
			 * the close frame (lws 4.1); the timer callback sends it.
			 */
			net_close_with(net_from_wsi(wsi), wsi, LWS_CLOSE_STATUS_GOINGAWAY, "show over: daemon stopping");
			pss->close_armed = true;
			lws_set_timer_usecs(wsi, 1);
			return 0;
		}
		return socket_writeable(s, pss, wsi);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* The journal committed (net_wake): a reply that waited for it can go now. A few consoles: ask them all. */
		if (!s->stopped)
			lws_callback_on_writable_all_protocol(lws_get_context(wsi), lws_get_protocol(wsi));
		return 0;
	case LWS_CALLBACK_TIMER:
		if (s->stopped || pss->close_armed)
			return -1;
		if (!session_live(s, pss)) {
			net_close_with(net_from_wsi(wsi), wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
				       "session expired: log in again");
			return -1;
		}
		pss->live_due = true;
		lws_callback_on_writable(wsi);
		lws_set_timer_usecs(wsi, LIVE_EVERY_US);
		return 0;
	default:
		return 0;
	}
}

struct lws_protocols console_socket_protocol(struct console_socket *s)
{
	return (struct lws_protocols){
		.name = CONSOLE_SOCKET_PROTOCOL, .callback = console_socket_callback,
		.per_session_data_size = sizeof(struct console_socket_pss), .rx_buffer_size = CONSOLE_RX_MAX,
		.tx_packet_size = LWS_PRE + CONSOLE_LIVE_FIRST, .user = s,
	};
}
