/*
 * console_http.c - the console's login and logout: POST /console/login
 * and POST /console/logout on their own lws protocol; GET /console/session,
 * GET /console/report (the live post-show report) and GET /console/stage.png
 * (the stage screen's thumbnail). See console_http.h.
 *
 * Thread: net thread, except login_worker.
 */
#include "console_http.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_report.h"
#include "report_html.h"
#include "log.h"
#include "net_service.h"
#include "stage_preview.h"

#define LOGIN_BODY_MAX	1024
#define LOGIN_JOBS	8		/* password checks in flight; more get 503 */
#define COOKIE_NAME	"tutti_console"
#define PAGE_CHUNK	16384		/* the report goes out this much per writeable callback */
#define REPORT_PARTS	"/console/report/"	/* the report's script, style and chart library */
#define STAGE_PNG	"/console/stage.png"	/* the stage screen's thumbnail */
#define NO_STAGE	"no stage screen\n"	/* its 404s, in words */
#define NO_PICTURE	"no picture yet\n"

enum wait { WAIT_NONE, WAIT_BODY, WAIT_CHECK, WAIT_WRITE, WAIT_REPORT, WAIT_PAGE };
enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* Per login or logout request. */
struct console_http_pss {
	enum wait wait;			/* what the request is waiting for */
	char *body;			/* the login body, as it arrives */
	size_t body_len;
	int job;			/* its login job's slot + 1; 0, as lws zeroes it, = none */
	int status;			/* the answer's HTTP status, once known */
	char answer[160];		/* its JSON body */
	char cookie[200];		/* its Set-Cookie, or "" */
	char addr[64];			/* the client's address, for the slow-down */
	char *page;			/* the report being sent (owned), or NULL */
	const char *part;		/* or one of its parts (static bytes), or NULL */
	const char *page_type;		/* the MIME type of what is sent */
	size_t page_len, page_sent;
	bool page_headers_sent;
};

struct login_job {
	enum job_state state;
	uint64_t seq;			/* queued checks run oldest first */
	struct lws *wsi;		/* NULL once the client went away */
	struct console_http_pss *hp;
	char addr[64];			/* whose try it is, to record even when the client left */
	enum console_role role;
	char hash[CONSOLE_HASH_MAX];
	char password[256];
	bool ok;
};

struct console_http {
	const struct config_console *cc;
	struct console_auth *auth;		/* NULL: the venue has no console */
	struct console_net_handlers h;
	struct metrics *metrics;
	char dummy_hash[CONSOLE_HASH_MAX];	/* checked for an unknown role: same time as a real one */
	pthread_t worker;
	bool worker_started;
	bool stopped;
	pthread_mutex_t lock;			/* guards what follows, shared with the worker */
	pthread_cond_t wake;
	bool stop;
	struct lws_context *ctx;		/* the worker wakes it when a check is done */
	uint64_t next_seq;
	struct login_job jobs[LOGIN_JOBS];
	struct console_report *report;		/* NULL: no report (set by console_http_set_report) */
	struct lws *report_wsi;			/* the request waiting for the report being built, or NULL */
	struct console_http_pss *report_hp;
};

/* ---- the password worker ---- */

static void *login_worker(void *arg)
{
	struct console_http *c = arg;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		struct login_job *job = NULL;

		for (int i = 0; i < LOGIN_JOBS; i++)
			if (c->jobs[i].state == JOB_QUEUED && (!job || c->jobs[i].seq < job->seq))
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
		lws_cancel_service(c->ctx);	/* the net thread answers (EVENT_WAIT_CANCELLED) */
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct console_http *console_http_create(const struct config_console *cc, struct console_auth *auth,
					 const struct console_net_handlers *h, struct metrics *metrics)
{
	struct console_http *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cc = cc;
	c->auth = auth;
	c->h = *h;
	c->metrics = metrics;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (!auth)
		return c;	/* no console: nothing to check */
	if (console_password_hash("tutti: no such role", c->dummy_hash) != 0 ||
	    pthread_create(&c->worker, NULL, login_worker, c) != 0) {
		console_http_destroy(c);
		return NULL;
	}
	c->worker_started = true;
	return c;
}

void console_http_stop(struct console_http *c)
{
	if (!c || c->stopped)
		return;
	c->stopped = true;
	/* A report still being built is waited for while the loop it would wake still exists. */
	console_report_destroy(c->report);
	c->report = NULL;
	c->report_wsi = NULL;
	c->report_hp = NULL;
	if (c->worker_started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->worker, NULL);
		c->worker_started = false;
	}
}

void console_http_destroy(struct console_http *c)
{
	if (!c)
		return;
	console_http_stop(c);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	free(c);
}

/* ---- login and logout ---- */

static double now_s(struct console_http *c)
{
	return c->h.now(c->h.user);
}

/* Queues the answer; the writeable callback sends it. */
static int answer(struct lws *wsi, struct console_http_pss *hp, int status, const char *json)
{
	hp->status = status;
	snprintf(hp->answer, sizeof(hp->answer), "%s", json);
	hp->wait = WAIT_WRITE;
	lws_callback_on_writable(wsi);
	return 0;
}

static int answer_write(struct lws *wsi, struct console_http_pss *hp)
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
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_FINAL) != (int)(p - start))
		return 1;
	hp->wait = WAIT_NONE;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int answer_slow_down(struct lws *wsi, struct console_http_pss *hp)
{
	return answer(wsi, hp, 429, "{\"error\":\"slow_down\",\"message\":\"too many wrong passwords; wait and try again\"}");
}

static void body_free(struct console_http_pss *hp)
{
	free(hp->body);
	hp->body = NULL;
	hp->body_len = 0;
}

/*
 * Hands a password check to the worker and counts it against the client's
 * address from now, whether or not the client stays for the answer
 * (console_login_begin()). The job's slot, or -1 when every slot is taken.
 */
static int login_queue(struct console_http *c, struct lws *wsi, struct console_http_pss *hp,
		       enum console_role r, const char *hash, const char *password)
{
	int slot = -1;

	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < LOGIN_JOBS && slot < 0; i++)
		if (c->jobs[i].state == JOB_FREE)
			slot = i;
	if (slot >= 0 && console_login_begin(c->auth, hp->addr, now_s(c)) != 0)
		slot = -1;	/* every address auth remembers has a check running */
	if (slot >= 0) {
		struct login_job *job = &c->jobs[slot];

		c->ctx = lws_get_context(wsi);
		job->state = JOB_QUEUED;
		job->seq = c->next_seq++;
		job->wsi = wsi;
		job->hp = hp;
		snprintf(job->addr, sizeof(job->addr), "%s", hp->addr);
		job->role = r;
		/* An unknown role, or one with no password, costs the same check and always fails. */
		snprintf(job->hash, sizeof(job->hash), "%s", hash[0] ? hash : c->dummy_hash);
		job->ok = false;
		snprintf(job->password, sizeof(job->password), "%s", hash[0] ? password : "");
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	return slot;
}

/*
 * The body is complete: check it, and unless its address must wait (429)
 * or every check slot is taken (503), hand it to the worker.
 */
static int login_submit(struct console_http *c, struct lws *wsi, struct console_http_pss *hp)
{
	json_error_t jerr;
	json_t *body = json_loadb(hp->body ? hp->body : "", hp->body_len, 0, &jerr);
	const char *role = json_string_value(json_object_get(body, "role"));
	const char *password = json_string_value(json_object_get(body, "password"));
	enum console_role r = console_role_from_name(role);
	const char *hash = r == CONSOLE_ROLE_OPERATOR ? c->cc->operator_hash :
			   r == CONSOLE_ROLE_ARTIST ? c->cc->artist_hash : "";
	int slot;

	body_free(hp);
	if (!json_is_object(body) || !role || !password || strlen(password) >= sizeof(c->jobs[0].password)) {
		json_decref(body);
		return answer(wsi, hp, 400, "{\"error\":\"bad_request\",\"message\":\"send a JSON object with role and password\"}");
	}
	/* Tries sent in parallel pass request_start() together: the address's share is checked again here. */
	if (console_login_wait(c->auth, hp->addr, now_s(c)) > 0) {
		json_decref(body);
		return answer_slow_down(wsi, hp);
	}
	slot = login_queue(c, wsi, hp, r, hash, password);
	json_decref(body);
	if (slot < 0)
		return answer(wsi, hp, 503, "{\"error\":\"busy\",\"message\":\"too many logins at once; try again\"}");
	hp->job = slot + 1;
	hp->wait = WAIT_CHECK;
	return 0;
}

/*
 * Net thread, woken by the worker: records every finished check against
 * its address, and answers those whose client is still here.
 */
static void login_finish(struct console_http *c)
{
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < LOGIN_JOBS; i++) {
		struct login_job *job = &c->jobs[i];
		struct console_http_pss *hp = job->hp;
		char token[CONSOLE_TOKEN_CHARS + 1], ok[160];

		if (job->state != JOB_DONE)
			continue;
		job->state = JOB_FREE;
		console_login_result(c->auth, job->addr, job->ok, now_s(c));
		log_info("console: login as %s from %s: %s%s", console_role_name(job->role), job->addr,
			 job->ok ? "ok" : "wrong password", job->wsi ? "" : " (client gone)");
		if (!job->wsi)
			continue;	/* the client left while we checked */
		hp->job = 0;
		if (!job->ok || console_session_open(c->auth, job->role, now_s(c), token) != 0) {
			answer(job->wsi, hp, 401, "{\"error\":\"wrong_password\",\"message\":\"wrong role or password\"}");
			continue;
		}
		snprintf(hp->cookie, sizeof(hp->cookie), COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%.0f%s",
			 token, c->cc->session_ttl_s, lws_is_ssl(job->wsi) ? "; Secure" : "");
		snprintf(ok, sizeof(ok), "{\"role\":\"%s\",\"expires_in_s\":%.0f}",
			 console_role_name(job->role), c->cc->session_ttl_s);
		answer(job->wsi, hp, 200, ok);
	}
	pthread_mutex_unlock(&c->lock);
}

/* The request's client went away, or its connection moves on to another protocol. */
static void request_end(struct console_http *c, struct console_http_pss *hp)
{
	body_free(hp);
	free(hp->page);
	hp->page = NULL;
	hp->part = NULL;
	if (c->report_hp == hp) {	/* the report being built has nowhere to go */
		c->report_wsi = NULL;
		c->report_hp = NULL;
	}
	if (hp->job) {
		pthread_mutex_lock(&c->lock);
		c->jobs[hp->job - 1].wsi = NULL;	/* its answer has nowhere to go */
		pthread_mutex_unlock(&c->lock);
		hp->job = 0;
	}
}

bool console_http_session_token(struct lws *wsi, char token[CONSOLE_TOKEN_CHARS + 1])
{
	size_t max = CONSOLE_TOKEN_CHARS + 1;

	token[0] = '\0';
	return lws_http_cookie_get(wsi, COOKIE_NAME, token, &max) == 0 && token[0];
}

/*
 * GET /console/session: whether this browser's session is live, and as
 * which role. A console asks before it opens its socket, after a reload or
 * a lost connection, so it asks for the password only when the session is
 * really gone, and never knocks on the socket's door (a 403 each time).
 */
static void report_wake(void *user)
{
	struct console_http *c = user;

	lws_cancel_service(c->ctx);	/* the net thread sends it (EVENT_WAIT_CANCELLED) */
}

void console_http_set_report(struct console_http *c, const struct venue_config *cfg, const char *journal_path)
{
	c->report = console_report_create(cfg, journal_path, report_wake, c);
}

/*
 * GET /console/report: the post-show report of the show so far, built from
 * its journal off the net thread (console_report.h); an operator's or an
 * artist's session. One at a time: another request meanwhile gets 503.
 */
static int report_request(struct console_http *c, struct lws *wsi, struct console_http_pss *hp)
{
	char token[CONSOLE_TOKEN_CHARS + 1];
	enum console_role role = console_http_session_token(wsi, token) ?
				 console_session_role(c->auth, token, now_s(c)) : CONSOLE_ROLE_NONE;

	if (role != CONSOLE_ROLE_OPERATOR && role != CONSOLE_ROLE_ARTIST)
		return answer(wsi, hp, 401, "{\"error\":\"no_session\",\"message\":\"log in\"}");
	if (!console_report_available(c->report))
		return answer(wsi, hp, 404, "{\"error\":\"no_journal\",\"message\":\"this show keeps no journal "
				  "(--journal): there is no report\"}");
	if (c->report_wsi)
		return answer(wsi, hp, 503, "{\"error\":\"busy\",\"message\":\"a report is being built; try again\"}");
	c->ctx = lws_get_context(wsi);
	if (console_report_start(c->report) != 0)
		return answer(wsi, hp, 503, "{\"error\":\"busy\",\"message\":\"a report is being built; try again\"}");
	c->report_wsi = wsi;
	c->report_hp = hp;
	hp->wait = WAIT_REPORT;
	return 0;
}

/*
 * Queues a body for page_write(): @page (taken over, freed once sent) or
 * @part (static bytes), @len bytes of @type with @status.
 */
static int page_send(struct lws *wsi, struct console_http_pss *hp, int status, const char *type, char *page,
		     const char *part, size_t len)
{
	free(hp->page);
	hp->page = page;
	hp->part = part;
	hp->page_type = type;
	hp->page_len = len;
	hp->page_sent = 0;
	hp->page_headers_sent = false;
	hp->status = status;
	hp->wait = WAIT_PAGE;
	lws_callback_on_writable(wsi);
	return 0;
}

/* A report is built: hands it to its request, if the client is still here. */
static void report_finish(struct console_http *c)
{
	size_t len;
	bool ok;
	char *page = c->report ? console_report_take(c->report, &len, &ok) : NULL;

	if (!page)
		return;
	if (!c->report_wsi) {
		free(page);	/* the client left while it was built */
		return;
	}
	page_send(c->report_wsi, c->report_hp, ok ? 200 : 500, "text/html; charset=utf-8", page, NULL, len);
	c->report_wsi = NULL;
	c->report_hp = NULL;
}

/*
 * GET /console/report/NAME: the report's chart library, script and style
 * (report_html_part()), which the Report view loads from here because the
 * console's policy runs no inline script. The same bytes every report
 * file holds inline; no session needed, nothing of the show in them.
 */
static int report_part(struct lws *wsi, struct console_http_pss *hp, const char *name)
{
	size_t len;
	const char *mime, *bytes = report_html_part(name, &len, &mime);

	if (!bytes)
		return answer(wsi, hp, 404, "{\"error\":\"not_found\",\"message\":\"no such part of the report\"}");
	return page_send(wsi, hp, 200, mime, NULL, bytes, len);
}

/* Sends the report (or a part): its headers, then PAGE_CHUNK bytes per writeable callback. */
static int page_write(struct lws *wsi, struct console_http_pss *hp)
{
	unsigned char buf[LWS_PRE + PAGE_CHUNK], *start = &buf[LWS_PRE], *p = start, *end = &buf[sizeof(buf) - 1];
	size_t n = hp->page_len - hp->page_sent;
	bool last;

	if (!hp->page_headers_sent) {
		if (lws_add_http_common_headers(wsi, (unsigned int)hp->status, hp->page_type, hp->page_len,
						&p, end) ||
		    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
						 (const unsigned char *)"no-store", 8, &p, end) ||
		    lws_finalize_http_header(wsi, &p, end) ||
		    lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS) != (int)(p - start))
			return 1;
		hp->page_headers_sent = true;
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (n > PAGE_CHUNK)
		n = PAGE_CHUNK;
	last = hp->page_sent + n == hp->page_len;
	memcpy(start, (hp->part ? hp->part : hp->page) + hp->page_sent, n);
	if (lws_write(wsi, start, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
		return 1;
	hp->page_sent += n;
	if (!last) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	free(hp->page);
	hp->page = NULL;
	hp->part = NULL;
	hp->wait = WAIT_NONE;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/*
 * GET /console/stage.png: the newest thumbnail of the stage screen
 * (stage_preview.h), for any console session; no-store, as it changes a
 * few times a second. 404 in words when the show has no stage screen or
 * no thumbnail yet.
 */
static int stage_png_request(struct console_http *c, struct lws *wsi, struct console_http_pss *hp)
{
	char token[CONSOLE_TOKEN_CHARS + 1];
	struct stage_preview *preview = c->h.stage_preview ? c->h.stage_preview(c->h.user) : NULL;
	uint8_t *png = NULL;
	size_t cap = 0, len;

	if (!console_http_session_token(wsi, token) ||
	    console_session_role(c->auth, token, now_s(c)) == CONSOLE_ROLE_NONE)
		return answer(wsi, hp, 401, "{\"error\":\"no_session\",\"message\":\"log in\"}");
	if (!preview)
		return page_send(wsi, hp, 404, "text/plain; charset=utf-8", NULL, NO_STAGE, strlen(NO_STAGE));
	len = stage_preview_copy(preview, &png, &cap, NULL);
	if (!len) {
		free(png);
		return page_send(wsi, hp, 404, "text/plain; charset=utf-8", NULL, NO_PICTURE, strlen(NO_PICTURE));
	}
	return page_send(wsi, hp, 200, "image/png", (char *)png, NULL, len);
}

static int session_status(struct console_http *c, struct lws *wsi, struct console_http_pss *hp)
{
	char uri[64] = "", token[CONSOLE_TOKEN_CHARS + 1], ok[96];
	enum console_role role;

	lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
	if (strcmp(uri, "/console/report") == 0)
		return report_request(c, wsi, hp);
	if (strncmp(uri, REPORT_PARTS, strlen(REPORT_PARTS)) == 0)
		return report_part(wsi, hp, uri + strlen(REPORT_PARTS));
	if (strcmp(uri, STAGE_PNG) == 0)
		return stage_png_request(c, wsi, hp);
	if (strcmp(uri, "/console/session") != 0)
		return answer(wsi, hp, 405, "{\"error\":\"method\",\"message\":\"POST only\"}");
	role = console_http_session_token(wsi, token) ? console_session_role(c->auth, token, now_s(c)) :
							CONSOLE_ROLE_NONE;
	if (role == CONSOLE_ROLE_NONE)
		return answer(wsi, hp, 401, "{\"error\":\"no_session\",\"message\":\"log in\"}");
	snprintf(ok, sizeof(ok), "{\"role\":\"%s\"}", console_role_name(role));
	return answer(wsi, hp, 200, ok);
}

static int request_start(struct console_http *c, struct lws *wsi, struct console_http_pss *hp)
{
	char uri[64] = "", token[CONSOLE_TOKEN_CHARS + 1];

	c->metrics->http_requests++;
	lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_POST_URI);
	hp->job = 0;
	hp->cookie[0] = '\0';
	net_peer_address(wsi, hp->addr, sizeof(hp->addr));
	if (!c->auth || c->stopped)
		return answer(wsi, hp, 404, "{\"error\":\"no_console\",\"message\":\"this venue has no console section\"}");
	if (!uri[0])
		return session_status(c, wsi, hp);
	if (!net_origin_allowed(net_from_wsi(wsi), wsi)) {
		c->metrics->rejected[REJECT_ORIGIN]++;
		return answer(wsi, hp, 403, "{\"error\":\"origin\",\"message\":\"origin not allowed\"}");
	}
	if (strcmp(uri, "/console/logout") == 0) {
		if (console_http_session_token(wsi, token))
			console_session_close(c->auth, token);
		snprintf(hp->cookie, sizeof(hp->cookie), COOKIE_NAME "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
		hp->wait = WAIT_BODY;	/* answered when the (empty) body is done */
		hp->status = 200;
		return 0;
	}
	if (console_login_wait(c->auth, hp->addr, now_s(c)) > 0)
		return answer_slow_down(wsi, hp);
	hp->wait = WAIT_BODY;
	hp->status = 0;
	return 0;
}

static int console_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
				 void *in, size_t len)
{
	struct console_http *c = lws_get_protocol(wsi)->user;
	struct console_http_pss *hp = user;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (c->worker_started)
			login_finish(c);
		report_finish(c);
		return 0;
	case LWS_CALLBACK_HTTP:
		return request_start(c, wsi, hp);
	case LWS_CALLBACK_HTTP_BODY:
		if (hp->wait != WAIT_BODY || hp->status)
			return 0;	/* logout ignores its body */
		if (hp->body_len + len > LOGIN_BODY_MAX)
			return answer(wsi, hp, 413, "{\"error\":\"too_large\",\"message\":\"login body too large\"}");
		if (!hp->body && !(hp->body = malloc(LOGIN_BODY_MAX)))
			return 1;
		memcpy(hp->body + hp->body_len, in, len);
		hp->body_len += len;
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (hp->wait != WAIT_BODY)
			return 0;
		if (hp->status == 200)
			return answer(wsi, hp, 200, "{\"ok\":true}");
		return login_submit(c, wsi, hp);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (hp && hp->wait == WAIT_PAGE)
			return page_write(wsi, hp);
		return hp && hp->wait == WAIT_WRITE ? answer_write(wsi, hp) : 0;
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (hp)
			request_end(c, hp);
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

struct lws_protocols console_http_protocol(struct console_http *c)
{
	return (struct lws_protocols){
		.name = CONSOLE_HTTP_PROTOCOL, .callback = console_http_callback,
		.per_session_data_size = sizeof(struct console_http_pss), .user = c,
	};
}
