/*
 * console_net.c - the console's endpoints on the venue server:
 * POST /console/login, POST /console/logout, and the WebSocket
 * subprotocol tutti.console.v1 (docs/protocol.md).
 *
 * Login: JSON {"role":"operator","password":"..."}. Origin must pass the
 * same rules as phones (403), an address that keeps failing waits
 * (429, Retry-After), and the password is checked against its Argon2id
 * hash on a worker thread, because that check takes tens of
 * milliseconds by design and the tick must never wait for it. Success
 * sets an HttpOnly, SameSite=Strict session cookie.
 *
 * The socket is accepted only with a live session cookie and an allowed
 * Origin; every command is checked against the session's role by the
 * console module; the live view is pushed four times a second; an
 * expired session is closed with 1008.
 *
 * Thread: net thread, except login_worker.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_auth.h"
#include "log.h"
#include "net_internal.h"

#define LOGIN_BODY_MAX	1024
#define LOGIN_JOBS	8		/* password checks in flight; more get 503 */
#define COOKIE_NAME	"tutti_console"
#define CONSOLE_RX_MAX	4096
#define CONSOLE_OUT_MAX	65536
#define LIVE_EVERY_US	250000		/* the live view, four times a second */
#define REPLIES		8

enum { WAIT_NONE, WAIT_BODY, WAIT_CHECK, WAIT_WRITE };
enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct login_job {
	enum job_state state;
	struct lws *wsi;		/* NULL once the client went away */
	struct http_pss *hp;
	enum console_role role;
	char hash[CONSOLE_HASH_MAX];
	char password[256];
	bool ok;
};

struct net_console {
	struct net *net;
	struct console_auth *auth;
	char dummy_hash[CONSOLE_HASH_MAX];	/* checked for an unknown role: same time as a real one */
	pthread_t worker;
	bool worker_started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	struct login_job jobs[LOGIN_JOBS];
};

struct console_pss {
	struct lws *wsi;
	char token[CONSOLE_TOKEN_CHARS + 1];
	enum console_role role;
	char who[96];
	char rx[CONSOLE_RX_MAX];
	size_t rx_len;
	bool rx_too_large;
	char replies[REPLIES][512];
	uint32_t reply_head, reply_count;
	bool live_due;
};

size_t net_console_pss_size(void)
{
	return sizeof(struct console_pss);
}

/* ---- the password worker ---- */

static void *login_worker(void *arg)
{
	struct net_console *c = arg;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		struct login_job *job = NULL;

		for (int i = 0; i < LOGIN_JOBS && !job; i++)
			if (c->jobs[i].state == JOB_QUEUED)
				job = &c->jobs[i];
		if (!job) {
			pthread_cond_wait(&c->wake, &c->lock);
			continue;
		}
		job->state = JOB_RUNNING;
		pthread_mutex_unlock(&c->lock);
		job->ok = console_password_check(job->hash, job->password);
		memset(job->password, 0, sizeof(job->password));
		pthread_mutex_lock(&c->lock);
		job->state = JOB_DONE;
		lws_cancel_service(c->net->ctx);	/* the net thread answers (EVENT_WAIT_CANCELLED) */
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct net_console *net_console_create(struct net *n)
{
	struct net_console *c = calloc(1, sizeof(*c));
	const struct config_console *cc = &n->cfg->console;

	if (!c)
		return NULL;
	c->net = n;
	c->auth = console_auth_create(cc->session_ttl_s);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (!c->auth || console_password_hash("tutti: no such role", c->dummy_hash) != 0 ||
	    pthread_create(&c->worker, NULL, login_worker, c) != 0) {
		net_console_destroy(c);
		return NULL;
	}
	c->worker_started = true;
	return c;
}

void net_console_destroy(struct net_console *c)
{
	if (!c)
		return;
	if (c->worker_started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->worker, NULL);
	}
	console_auth_destroy(c->auth);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	free(c);
}

/* ---- login and logout ---- */

static double now_s(struct net *n)
{
	return n->h.now(n->h.user);
}

static void client_address(struct lws *wsi, char *out, size_t size)
{
	out[0] = '\0';
	lws_get_peer_simple(wsi, out, size);
}

/* Queues the answer; the HTTP writeable callback sends it. */
static int answer(struct lws *wsi, struct http_pss *hp, int status, const char *json)
{
	hp->status = status;
	snprintf(hp->answer, sizeof(hp->answer), "%s", json);
	hp->console = WAIT_WRITE;
	lws_callback_on_writable(wsi);
	return 0;
}

static int write_answer(struct net *n, struct lws *wsi, struct http_pss *hp)
{
	unsigned char buf[LWS_PRE + 1024], *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof(buf) - 1];
	size_t len = strlen(hp->answer);

	if (lws_add_http_common_headers(wsi, (unsigned int)hp->status, "application/json", len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
					 (const unsigned char *)"no-store", 8, &p, end) ||
	    (hp->cookie[0] && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_SET_COOKIE,
							  (unsigned char *)hp->cookie,
							  (int)strlen(hp->cookie), &p, end)) ||
	    (hp->status == 429 && lws_add_http_header_by_name(wsi, (const unsigned char *)"retry-after:",
							      (const unsigned char *)"30", 2, &p, end)) ||
	    lws_finalize_http_header(wsi, &p, end))
		return 1;
	if ((size_t)(end - p) < len)
		return 1;
	memcpy(p, hp->answer, len);
	p += len;
	(void)n;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) != (int)(p - start))
		return 1;
	hp->console = WAIT_NONE;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static void login_free(struct http_pss *hp)
{
	free(hp->login);
	hp->login = NULL;
	hp->login_len = 0;
}

/* The body is complete: check it and hand the password to the worker. */
static int login_submit(struct net *n, struct lws *wsi, struct http_pss *hp)
{
	struct net_console *c = n->console;
	const struct config_console *cc = &n->cfg->console;
	json_error_t jerr;
	json_t *body = json_loadb(hp->login ? hp->login : "", hp->login_len, 0, &jerr);
	const char *role = json_string_value(json_object_get(body, "role"));
	const char *password = json_string_value(json_object_get(body, "password"));
	enum console_role r = console_role_from_name(role);
	const char *hash = r == CONSOLE_ROLE_OPERATOR ? cc->operator_hash :
			   r == CONSOLE_ROLE_ARTIST ? cc->artist_hash : "";
	int slot = -1;

	login_free(hp);
	if (!json_is_object(body) || !role || !password || strlen(password) >= sizeof(c->jobs[0].password)) {
		json_decref(body);
		return answer(wsi, hp, 400, "{\"error\":\"bad_request\",\"message\":\"send a JSON object with role and password\"}");
	}
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < LOGIN_JOBS && slot < 0; i++)
		if (c->jobs[i].state == JOB_FREE)
			slot = i;
	if (slot >= 0) {
		struct login_job *job = &c->jobs[slot];

		job->state = JOB_QUEUED;
		job->wsi = wsi;
		job->hp = hp;
		job->role = r;
		/* An unknown role, or one with no password, costs the same check and always fails. */
		snprintf(job->hash, sizeof(job->hash), "%s", hash[0] ? hash : c->dummy_hash);
		job->ok = false;
		snprintf(job->password, sizeof(job->password), "%s", hash[0] ? password : "");
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	json_decref(body);
	if (slot < 0)
		return answer(wsi, hp, 503, "{\"error\":\"busy\",\"message\":\"too many logins at once; try again\"}");
	hp->job = slot;
	hp->console = WAIT_CHECK;
	return 0;
}

/* Net thread, woken by the worker: answers every finished check whose client is still here. */
static void login_finish(struct net *n)
{
	struct net_console *c = n->console;

	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < LOGIN_JOBS; i++) {
		struct login_job *job = &c->jobs[i];
		struct http_pss *hp = job->hp;
		char token[CONSOLE_TOKEN_CHARS + 1];

		if (job->state != JOB_DONE)
			continue;
		job->state = JOB_FREE;
		if (!job->wsi)
			continue;	/* the client left while we checked */
		hp->job = -1;
		console_login_result(c->auth, hp->addr, job->ok, now_s(n));
		log_info("console: login as %s from %s: %s", console_role_name(job->role), hp->addr,
			 job->ok ? "ok" : "wrong password");
		if (!job->ok || console_session_open(c->auth, job->role, now_s(n), token) != 0) {
			answer(job->wsi, hp, 401, "{\"error\":\"wrong_password\",\"message\":\"wrong role or password\"}");
			continue;
		}
		snprintf(hp->cookie, sizeof(hp->cookie), COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%.0f%s",
			 token, n->cfg->console.session_ttl_s, n->tls ? "; Secure" : "");
		{
			char ok[160];

			snprintf(ok, sizeof(ok), "{\"role\":\"%s\",\"expires_in_s\":%.0f}",
				 console_role_name(job->role), n->cfg->console.session_ttl_s);
			answer(job->wsi, hp, 200, ok);
		}
	}
	pthread_mutex_unlock(&c->lock);
}

static bool session_token(struct lws *wsi, char *token)
{
	size_t max = CONSOLE_TOKEN_CHARS + 1;

	token[0] = '\0';
	return lws_http_cookie_get(wsi, COOKIE_NAME, token, &max) == 0 && token[0];
}

int net_console_http(struct net *n, struct lws *wsi, enum lws_callback_reasons reason,
		     struct http_pss *hp, void *in, size_t len)
{
	char uri[64] = "", token[CONSOLE_TOKEN_CHARS + 1];

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_POST_URI);
		hp->job = -1;
		hp->cookie[0] = '\0';
		client_address(wsi, hp->addr, sizeof(hp->addr));
		if (!n->console)
			return answer(wsi, hp, 404, "{\"error\":\"no_console\",\"message\":\"this venue has no console section\"}");
		if (!uri[0])
			return answer(wsi, hp, 405, "{\"error\":\"method\",\"message\":\"POST only\"}");
		if (!origin_allowed(n, wsi)) {
			n->metrics->rejected[REJECT_ORIGIN]++;
			return answer(wsi, hp, 403, "{\"error\":\"origin\",\"message\":\"origin not allowed\"}");
		}
		if (strcmp(uri, "/console/logout") == 0) {
			if (session_token(wsi, token))
				console_session_close(n->console->auth, token);
			snprintf(hp->cookie, sizeof(hp->cookie), COOKIE_NAME "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
			hp->console = WAIT_BODY;	/* answered when the (empty) body is done */
			hp->status = 200;
			return 0;
		}
		if (console_login_wait(n->console->auth, hp->addr, now_s(n)) > 0)
			return answer(wsi, hp, 429, "{\"error\":\"slow_down\",\"message\":\"too many wrong passwords; wait and try again\"}");
		hp->console = WAIT_BODY;
		hp->status = 0;
		return 0;
	case LWS_CALLBACK_HTTP_BODY:
		if (hp->console != WAIT_BODY || hp->status)
			return 0;	/* logout ignores its body */
		if (hp->login_len + len > LOGIN_BODY_MAX)
			return answer(wsi, hp, 413, "{\"error\":\"too_large\",\"message\":\"login body too large\"}");
		if (!hp->login && !(hp->login = malloc(LOGIN_BODY_MAX)))
			return 1;
		memcpy(hp->login + hp->login_len, in, len);
		hp->login_len += len;
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (hp->console != WAIT_BODY)
			return 0;
		if (hp->status == 200)
			return answer(wsi, hp, 200, "{\"ok\":true}");
		return login_submit(n, wsi, hp);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return hp->console == WAIT_WRITE ? write_answer(n, wsi, hp) : 0;
	case LWS_CALLBACK_CLOSED_HTTP:
		login_free(hp);
		if (n->console && hp->job >= 0) {
			pthread_mutex_lock(&n->console->lock);
			n->console->jobs[hp->job].wsi = NULL;	/* its answer has nowhere to go */
			pthread_mutex_unlock(&n->console->lock);
			hp->job = -1;
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- the console socket ---- */

static void queue_reply(struct console_pss *pss, const char *json, size_t len)
{
	if (pss->reply_count == REPLIES)
		return;		/* a console sending faster than it reads: it loses replies, not the show */
	snprintf(pss->replies[(pss->reply_head + pss->reply_count++) % REPLIES], sizeof(pss->replies[0]),
		 "%.*s", (int)len, json);
	lws_callback_on_writable(pss->wsi);
}

static bool session_live(struct net *n, struct console_pss *pss)
{
	return console_session_role(n->console->auth, pss->token, now_s(n)) == pss->role;
}

static int console_receive(struct net *n, struct console_pss *pss, struct lws *wsi, const char *in, size_t len)
{
	char reply[512];
	size_t rlen;

	if (pss->rx_len + len > sizeof(pss->rx)) {
		close_with(n, wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "command too large");
		return -1;
	}
	memcpy(pss->rx + pss->rx_len, in, len);
	pss->rx_len += len;
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (!session_live(n, pss)) {
		close_with(n, wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, "session expired: log in again");
		return -1;
	}
	rlen = n->h.console_command(n->h.user, (int)pss->role, pss->who, pss->rx, pss->rx_len, reply,
				    sizeof(reply));
	pss->rx_len = 0;
	if (rlen)
		queue_reply(pss, reply, rlen);
	net_wake_displaced(n);	/* a kick closes the phone now, not at the next tick */
	return 0;
}

static int console_writeable(struct net *n, struct console_pss *pss, struct lws *wsi)
{
	static unsigned char out[LWS_PRE + CONSOLE_OUT_MAX];
	size_t len;

	if (pss->reply_count) {
		const char *r = pss->replies[pss->reply_head];

		len = strlen(r);
		memcpy(out + LWS_PRE, r, len);
		pss->reply_head = (pss->reply_head + 1) % REPLIES;
		pss->reply_count--;
	} else if (pss->live_due) {
		pss->live_due = false;
		len = n->h.console_live(n->h.user, (int)pss->role, (char *)out + LWS_PRE, CONSOLE_OUT_MAX);
		if (!len)
			return 0;
	} else {
		return 0;
	}
	if (lws_write(wsi, out + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len)
		return -1;
	if (pss->reply_count || pss->live_due)
		lws_callback_on_writable(wsi);	/* one write per writeable */
	return 0;
}

int net_console_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			 void *in, size_t len)
{
	struct console_pss *pss = user;
	struct net *n = net_of(wsi);
	char token[CONSOLE_TOKEN_CHARS + 1], addr[64];
	enum console_role role;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (n && n->console)
			login_finish(n);
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (!n->console || !origin_allowed(n, wsi)) {
			n->metrics->rejected[REJECT_ORIGIN]++;
			lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin not allowed");
			return 1;
		}
		role = session_token(wsi, token) ? console_session_role(n->console->auth, token, now_s(n)) :
		       CONSOLE_ROLE_NONE;
		if (role == CONSOLE_ROLE_NONE) {
			lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "log in first");
			return 1;
		}
		return 0;
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_TIMER:
	case LWS_CALLBACK_ESTABLISHED:
		if (!n->console)
			return -1;	/* shutting down */
		break;
	default:
		break;
	}
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(pss, 0, sizeof(*pss));
		pss->wsi = wsi;
		session_token(wsi, pss->token);
		pss->role = console_session_role(n->console->auth, pss->token, now_s(n));
		client_address(wsi, addr, sizeof(addr));
		snprintf(pss->who, sizeof(pss->who), "%s@%s", console_role_name(pss->role), addr);
		log_info("console: %s connected", pss->who);
		lws_set_timer_usecs(wsi, 1);	/* the first live view at once */
		return 0;
	case LWS_CALLBACK_RECEIVE:
		return console_receive(n, pss, wsi, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (n->stopping) {
			close_with(n, wsi, LWS_CLOSE_STATUS_GOINGAWAY, "show over: daemon stopping");
			return -1;
		}
		return console_writeable(n, pss, wsi);
	case LWS_CALLBACK_TIMER:
		if (!session_live(n, pss)) {
			close_with(n, wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, "session expired: log in again");
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
