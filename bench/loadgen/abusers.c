/*
 * abusers.c - attackers to run beside the load generator's honest phones:
 * a few laptops in the crowd that flood text or binary frames, hold
 * handshakes that never end, or hammer the console's login, each from a
 * loopback address of its own (127.0.1.1, 127.0.1.2, ...: never one the
 * honest phones use), and what the daemon did to each of them.
 *
 *   abusers --port 8080 --abusers 10 --duration 60 --json abusers.json
 *
 * The kinds are dealt out in turn (text-flood, binary-flood,
 * slow-handshake, login-flood, text-flood, ...), or as --kinds lists them.
 * An attacker whose connection is closed comes back a second later, for
 * the whole run: the attack does not stop because one socket did.
 *
 * Each abuser ends "throttled" (the daemon refused its messages: a
 * rate_limited or binary_frame error, a 429), "closed" (a close frame
 * with 1008, a refused handshake, or, for held handshakes, every socket
 * cut within SLOW_HELD_MAX_S), both, or neither. Exit status 1 when any
 * abuser ended with neither, 2 on bad arguments.
 *
 * Raw sockets and one poll(2) loop rather than a WebSocket library: an
 * attacker misbehaves below where a client library lets one go (headers
 * that never end, frames written without waiting for an answer, requests
 * abandoned). Frames are masked as RFC 6455 asks of a client.
 *
 * Thread: one, the loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ABUSERS_MAX	64
#define IN_CAP		(64 * 1024)	/* a frame's start is all an abuser reads of it */
#define OUT_CAP		(64 * 1024)
#define RECONNECT_S	1.0		/* a closed attacker is back this long after */
#define SLOW_TRICKLE_S	1.0		/* a held handshake sends one more header line this often */
#define SLOW_HELD_MAX_S	10.0		/* twice the daemon's 5 s for a request's headers */
#define SLOW_AT_ONCE_S	0.5		/* cut sooner than this: refused at accept */
#define SLICE_MS	5		/* the loop's period */

enum kind { TEXT_FLOOD, BINARY_FLOOD, SLOW_HANDSHAKE, LOGIN_FLOOD, KINDS };

static const char *const kind_names[KINDS] = { "text-flood", "binary-flood", "slow-handshake", "login-flood" };

enum conn_state { C_FREE, C_CONNECTING, C_UPGRADING, C_OPEN, C_HTTP };

struct conn {
	int fd;
	enum conn_state st;
	double opened, next_at;		/* C_FREE: when to connect again; slow: the next header line */
	bool welcomed;
	bool closed_by_frame;		/* a close frame came: the code is the daemon's */
	size_t in_n, out_n;
	uint64_t skip;			/* bytes of an over-long frame still to drop */
	char in[IN_CAP];
	char out[OUT_CAP];
};

struct abuser {
	enum kind kind;
	int index;
	char addr[16];
	struct conn *conns;
	int n_conns;
	double sent_until;		/* floods: frames are due up to this time */
	uint64_t seq;
	/* what it did */
	uint64_t connects, connect_failed, frames_sent, login_requests;
	/* what the daemon did */
	uint64_t welcomes, acks, throttle_errors, other_errors, refused_handshakes;
	uint64_t closes_1008, closes_other, cut;	/* cut: no close frame, the socket just ended */
	int last_close_code;
	char last_error[32];
	uint64_t slow_cut, slow_cut_at_once, slow_held_too_long;
	double slow_max_held_s;
	uint64_t http_401, http_429, http_503, http_other;
};

struct options {
	char host[64];
	int port;
	int abusers;
	enum kind kinds[ABUSERS_MAX];
	int n_kinds;
	double duration_s;
	double flood_rate;		/* frames a second per flooding abuser */
	int slow_sockets;		/* held handshakes per slow-handshake abuser */
	int login_parallel;		/* logins in flight per login-flood abuser */
	double login_rate;		/* login requests a second per login-flood abuser */
	const char *json_path;
};

static volatile sig_atomic_t interrupted;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- a connection's bytes ---- */

static void queue(struct conn *c, const void *data, size_t n)
{
	if (c->out_n + n > OUT_CAP)
		return;		/* the daemon is not reading: a flood just drops what will not fit */
	memcpy(c->out + c->out_n, data, n);
	c->out_n += n;
}

/* A masked client frame (RFC 6455 5.2) with @opcode and @payload (< 65536 bytes). */
static void queue_frame(struct conn *c, int opcode, const void *payload, size_t n)
{
	unsigned char h[8], mask[4], body[256];
	size_t hn = 0;
	uint32_t r = (uint32_t)random();

	if (n > sizeof(body))
		return;
	h[hn++] = (unsigned char)(0x80 | opcode);
	if (n < 126) {
		h[hn++] = (unsigned char)(0x80 | n);
	} else {
		h[hn++] = 0x80 | 126;
		h[hn++] = (unsigned char)(n >> 8);
		h[hn++] = (unsigned char)n;
	}
	memcpy(mask, &r, 4);
	memcpy(h + hn, mask, 4);
	hn += 4;
	for (size_t i = 0; i < n; i++)
		body[i] = ((const unsigned char *)payload)[i] ^ mask[i % 4];
	if (c->out_n + hn + n > OUT_CAP)
		return;
	queue(c, h, hn);
	queue(c, body, n);
}

static void queue_text(struct conn *c, const char *s)
{
	queue_frame(c, 0x1, s, strlen(s));
}

/* Writes what is queued; false when the socket is gone. */
static bool flush(struct conn *c)
{
	while (c->out_n) {
		ssize_t w = send(c->fd, c->out, c->out_n, MSG_NOSIGNAL);

		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		memmove(c->out, c->out + w, c->out_n - (size_t)w);
		c->out_n -= (size_t)w;
	}
	return true;
}

/* ---- opening and closing ---- */

static void conn_close(struct conn *c, double now, double again_in)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->st = C_FREE;
	c->next_at = now + again_in;
}

static void conn_open(const struct options *o, struct abuser *a, struct conn *c, double now)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };

	memset(c, 0, offsetof(struct conn, in));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, a->addr, &src.sin_addr);
	inet_pton(AF_INET, o->host, &dst.sin_addr);
	dst.sin_port = htons((uint16_t)o->port);
	a->connects++;
	if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    (connect(c->fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 && errno != EINPROGRESS)) {
		a->connect_failed++;
		conn_close(c, now, RECONNECT_S);
		return;
	}
	c->st = C_CONNECTING;
	c->opened = now;
}

/* The TCP connection is up: say what this kind says first. */
static void conn_connected(const struct options *o, struct abuser *a, struct conn *c, double now)
{
	char req[512];
	int n;

	switch (a->kind) {
	case TEXT_FLOOD:
	case BINARY_FLOOD:
		n = snprintf(req, sizeof(req),
			     "GET / HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
			     "Sec-WebSocket-Protocol: tutti.audience.v2\r\n\r\n", o->host, o->port);
		c->st = C_UPGRADING;
		break;
	case SLOW_HANDSHAKE:
		/* A request line and one header, then one more header a second: the end never comes. */
		n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s:%d\r\n", o->host, o->port);
		c->st = C_HTTP;
		c->next_at = now + SLOW_TRICKLE_S;
		break;
	default: {
		const char *body = "{\"role\":\"operator\",\"password\":\"not-the-password\"}";

		n = snprintf(req, sizeof(req),
			     "POST /console/login HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
			     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", o->host, o->port, strlen(body), body);
		c->st = C_HTTP;
		a->login_requests++;
		break;
	}
	}
	queue(c, req, (size_t)n);
}

/* ---- what the daemon says ---- */

static void on_text(struct abuser *a, struct conn *c, const char *m)
{
	if (strstr(m, "\"type\":\"welcome\"")) {
		a->welcomes++;
		c->welcomed = true;
	} else if (strstr(m, "\"type\":\"s\"") && strstr(m, "\"k\":")) {
		a->acks++;	/* a state acknowledging the inputs up to its k */
	} else if (strstr(m, "\"type\":\"error\"")) {
		const char *code = strstr(m, "\"code\":\"");
		size_t n = 0;

		if (code)
			for (code += 8; code[n] && code[n] != '"' && n + 1 < sizeof(a->last_error); n++)
				a->last_error[n] = code[n];
		a->last_error[n] = '\0';
		if (strcmp(a->last_error, "rate_limited") == 0 || strcmp(a->last_error, "binary_frame") == 0)
			a->throttle_errors++;
		else
			a->other_errors++;
	}
}

/* Frames in c->in: each whole one is read, an over-long one dropped. False: the connection is to end. */
static bool read_frames(struct abuser *a, struct conn *c)
{
	size_t at = 0;

	while (c->in_n - at >= 2) {
		unsigned char *f = (unsigned char *)c->in + at;
		int opcode = f[0] & 0x0f;
		uint64_t len = f[1] & 0x7f;
		size_t hn = 2;

		if (len == 126) {
			if (c->in_n - at < 4)
				break;
			len = (uint64_t)f[2] << 8 | f[3];
			hn = 4;
		} else if (len == 127) {
			if (c->in_n - at < 10)
				break;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | f[2 + i];
			hn = 10;
		}
		if (hn + len > IN_CAP) {	/* longer than any message worth reading here */
			c->skip = hn + len - (c->in_n - at);
			at = c->in_n;
			break;
		}
		if (c->in_n - at < hn + len)
			break;
		if (opcode == 0x8) {
			int code = len >= 2 ? f[hn] << 8 | f[hn + 1] : 1005;

			a->last_close_code = code;
			if (code == 1008)
				a->closes_1008++;
			else
				a->closes_other++;
			c->closed_by_frame = true;
			return false;
		}
		if (opcode == 0x9)	/* the daemon's keep-alive ping: answered, as a live phone does */
			queue_frame(c, 0xA, f + hn, (size_t)len);
		if (opcode == 0x1) {
			char save = (char)f[hn + len];

			f[hn + len] = '\0';
			on_text(a, c, (char *)f + hn);
			f[hn + len] = (unsigned char)save;
		}
		at += hn + len;
	}
	memmove(c->in, c->in + at, c->in_n - at);
	c->in_n -= at;
	return true;
}

/* The upgrade's answer: 101 opens the socket, anything else is a refusal. False: end it. */
static bool read_upgrade(struct abuser *a, struct conn *c)
{
	char *end = memmem(c->in, c->in_n, "\r\n\r\n", 4);
	size_t head;

	if (!end)
		return c->in_n < IN_CAP;
	if (strncmp(c->in, "HTTP/1.1 101", 12) != 0) {
		a->refused_handshakes++;
		return false;
	}
	head = (size_t)(end - c->in) + 4;
	memmove(c->in, c->in + head, c->in_n - head);
	c->in_n -= head;
	c->st = C_OPEN;
	queue_text(c, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	return read_frames(a, c);
}

/* A login's answer, read once the daemon closed (Connection: close). */
static void read_login_answer(struct abuser *a, struct conn *c)
{
	int status = c->in_n > 12 && strncmp(c->in, "HTTP/1.", 7) == 0 ? atoi(c->in + 9) : 0;

	if (status == 401)
		a->http_401++;
	else if (status == 429)
		a->http_429++;
	else if (status == 503)
		a->http_503++;
	else
		a->http_other++;
}

/* The socket ended (EOF or an error), by the daemon's doing unless @ours. */
static void conn_ended(const struct options *o, struct abuser *a, struct conn *c, double now)
{
	double held = now - c->opened;

	switch (a->kind) {
	case SLOW_HANDSHAKE:
		a->slow_cut++;
		if (held < SLOW_AT_ONCE_S)
			a->slow_cut_at_once++;
		if (held > a->slow_max_held_s)
			a->slow_max_held_s = held;
		if (held > SLOW_HELD_MAX_S)
			a->slow_held_too_long++;
		conn_close(c, now, 0.2);
		return;
	case LOGIN_FLOOD:
		read_login_answer(a, c);
		/* The next login of this slot comes when the rate allows, spread over the slots. */
		conn_close(c, now, o->login_rate > 0 ? o->login_parallel / o->login_rate : 0);
		return;
	default:
		if (!c->closed_by_frame)
			a->cut++;
		conn_close(c, now, RECONNECT_S);
	}
}

static void on_readable(const struct options *o, struct abuser *a, struct conn *c, double now)
{
	for (;;) {
		char drop[4096];
		char *to = c->skip ? drop : c->in + c->in_n;
		size_t room = c->skip ? (c->skip < sizeof(drop) ? c->skip : sizeof(drop)) : IN_CAP - c->in_n;
		ssize_t r = recv(c->fd, to, room, 0);
		bool keep = true;

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			conn_ended(o, a, c, now);
			return;
		}
		if (c->skip) {
			c->skip -= (uint64_t)r;
			continue;
		}
		c->in_n += (size_t)r;
		if (c->st == C_UPGRADING)
			keep = read_upgrade(a, c);
		else if (c->st == C_OPEN)
			keep = read_frames(a, c);
		else if (c->in_n == IN_CAP)
			c->in_n = 64;	/* HTTP: only the status line matters */
		if (!keep) {
			conn_ended(o, a, c, now);
			return;
		}
	}
}

/* ---- the attack's pace ---- */

static void flood(const struct options *o, struct abuser *a, struct conn *c, double now)
{
	char msg[96];

	if (c->st != C_OPEN || !c->welcomed) {
		a->sent_until = now;
		return;
	}
	/* Frames due since the last slice, written without waiting for any answer. */
	while (a->sent_until < now && c->out_n < OUT_CAP / 2) {
		a->sent_until += 1.0 / o->flood_rate;
		if (a->kind == TEXT_FLOOD) {
			snprintf(msg, sizeof(msg), "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
				 (unsigned long long)++a->seq);
			queue_text(c, msg);
		} else {
			queue_frame(c, 0x2, "binary!", 7);
		}
		a->frames_sent++;
	}
	if (a->sent_until < now)
		a->sent_until = now;	/* the daemon stopped reading: no backlog of frames owed */
}

static void schedule(const struct options *o, struct abuser *a, double now)
{
	for (int i = 0; i < a->n_conns; i++) {
		struct conn *c = &a->conns[i];

		if (c->st == C_FREE && now >= c->next_at)
			conn_open(o, a, c, now);
		else if (a->kind == SLOW_HANDSHAKE && c->st == C_HTTP && now >= c->next_at) {
			char line[32];
			int n = snprintf(line, sizeof(line), "X-Wait-%u: 1\r\n", (unsigned)(now * 10) % 100000);

			queue(c, line, (size_t)n);
			c->next_at = now + SLOW_TRICKLE_S;
		} else if (a->kind == TEXT_FLOOD || a->kind == BINARY_FLOOD) {
			flood(o, a, c, now);
		}
		if (c->fd >= 0 && c->st != C_CONNECTING && !flush(c))
			conn_ended(o, a, c, now);
	}
}

/* ---- the run ---- */

static int run(const struct options *o, struct abuser *ab, int n)
{
	int total = 0;
	struct pollfd *pfd;
	struct { struct abuser *a; struct conn *c; } *who;
	double end = now_s() + o->duration_s;

	for (int i = 0; i < n; i++)
		total += ab[i].n_conns;
	pfd = calloc((size_t)total, sizeof(*pfd));
	who = calloc((size_t)total, sizeof(*who));
	if (!pfd || !who)
		return -1;
	while (!interrupted) {
		double now = now_s();
		int k = 0;

		if (now >= end)
			break;
		for (int i = 0; i < n; i++)
			schedule(o, &ab[i], now);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < ab[i].n_conns; j++) {
				struct conn *c = &ab[i].conns[j];

				if (c->fd < 0)
					continue;
				pfd[k] = (struct pollfd){ .fd = c->fd,
							  .events = (short)(POLLIN | (c->out_n || c->st == C_CONNECTING ? POLLOUT : 0)) };
				who[k].a = &ab[i];
				who[k++].c = c;
			}
		if (poll(pfd, (nfds_t)k, SLICE_MS) < 0 && errno != EINTR)
			break;
		now = now_s();
		for (int i = 0; i < k; i++) {
			struct abuser *a = who[i].a;
			struct conn *c = who[i].c;
			int err = 0;
			socklen_t len = sizeof(err);

			if (!pfd[i].revents || c->fd != pfd[i].fd)
				continue;
			if (c->st == C_CONNECTING) {
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) {
					a->connect_failed++;
					conn_close(c, now, RECONNECT_S);
					continue;
				}
				conn_connected(o, a, c, now);
			}
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				on_readable(o, a, c, now);
			if (c->fd >= 0 && !flush(c))
				conn_ended(o, a, c, now);
		}
	}
	/* Held handshakes still open at the end count by how long they have been held. */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < ab[i].n_conns; j++) {
			struct conn *c = &ab[i].conns[j];
			double held = now_s() - c->opened;

			if (ab[i].kind == SLOW_HANDSHAKE && c->fd >= 0 && c->st == C_HTTP) {
				if (held > ab[i].slow_max_held_s)
					ab[i].slow_max_held_s = held;
				if (held > SLOW_HELD_MAX_S)
					ab[i].slow_held_too_long++;
			}
			if (c->fd >= 0)
				close(c->fd);
		}
	free(pfd);
	free(who);
	return 0;
}

/* ---- the outcome ---- */

static bool throttled(const struct abuser *a)
{
	return a->throttle_errors > 0 || a->http_429 > 0;
}

static bool closed(const struct abuser *a)
{
	if (a->kind == SLOW_HANDSHAKE)
		return a->slow_cut > 0 && a->slow_held_too_long == 0;
	return a->closes_1008 > 0 || a->refused_handshakes > 0;
}

static const char *outcome(const struct abuser *a)
{
	if (throttled(a) && closed(a))
		return "throttled+closed";
	return throttled(a) ? "throttled" : closed(a) ? "closed" : "NOT-STOPPED";
}

static void report(const struct abuser *a)
{
	printf("abuser %d %s %s: %s | ", a->index, kind_names[a->kind], a->addr, outcome(a));
	switch (a->kind) {
	case SLOW_HANDSHAKE:
		printf("sockets opened %llu, cut by the daemon %llu (%llu at accept), longest held %.1f s, "
		       "held over %.0f s %llu\n", (unsigned long long)a->connects, (unsigned long long)a->slow_cut,
		       (unsigned long long)a->slow_cut_at_once, a->slow_max_held_s, SLOW_HELD_MAX_S,
		       (unsigned long long)a->slow_held_too_long);
		break;
	case LOGIN_FLOOD:
		printf("logins %llu: 401 (checked) %llu, 429 %llu, 503 %llu, other %llu\n",
		       (unsigned long long)a->login_requests, (unsigned long long)a->http_401,
		       (unsigned long long)a->http_429, (unsigned long long)a->http_503,
		       (unsigned long long)a->http_other);
		break;
	default:
		printf("connects %llu, welcomed %llu, frames sent %llu, acked %llu, throttle errors %llu, "
		       "closed 1008 %llu, other closes %llu (last %d), cut %llu, handshakes refused %llu, "
		       "other errors %llu%s%s\n", (unsigned long long)a->connects, (unsigned long long)a->welcomes,
		       (unsigned long long)a->frames_sent, (unsigned long long)a->acks,
		       (unsigned long long)a->throttle_errors, (unsigned long long)a->closes_1008,
		       (unsigned long long)a->closes_other, a->last_close_code, (unsigned long long)a->cut,
		       (unsigned long long)a->refused_handshakes, (unsigned long long)a->other_errors,
		       a->other_errors ? ", last " : "", a->other_errors ? a->last_error : "");
	}
}

static json_t *abuser_json(const struct abuser *a)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I}",
			 "index", a->index, "kind", kind_names[a->kind], "address", a->addr, "outcome", outcome(a),
			 "throttled", throttled(a), "closed", closed(a),
			 "connects", (json_int_t)a->connects, "connect_failed", (json_int_t)a->connect_failed,
			 "welcomes", (json_int_t)a->welcomes, "frames_sent", (json_int_t)a->frames_sent,
			 "acks", (json_int_t)a->acks, "throttle_errors", (json_int_t)a->throttle_errors,
			 "other_errors", (json_int_t)a->other_errors, "closes_1008", (json_int_t)a->closes_1008,
			 "closes_other", (json_int_t)a->closes_other, "cut", (json_int_t)a->cut,
			 "handshakes_refused", (json_int_t)a->refused_handshakes,
			 "slow_cut", (json_int_t)a->slow_cut, "slow_max_held_s", a->slow_max_held_s,
			 "slow_held_too_long", (json_int_t)a->slow_held_too_long,
			 "login_requests", (json_int_t)a->login_requests, "login_401", (json_int_t)a->http_401,
			 "login_429", (json_int_t)a->http_429, "login_503", (json_int_t)a->http_503);
}

/* ---- the command line ---- */

static void usage(FILE *to)
{
	fprintf(to,
		"usage: abusers [options]\n"
		"  --host ADDR          the daemon, a loopback address (default 127.0.0.1)\n"
		"  --port N             its port (default 8080)\n"
		"  --abusers N          how many (default 4, at most %d), each from 127.0.1.(k+1)\n"
		"  --kinds LIST         comma-separated, dealt out in turn (default\n"
		"                       text-flood,binary-flood,slow-handshake,login-flood)\n"
		"  --duration S         the attack's length (default 10)\n"
		"  --flood-rate F       frames a second per flooding abuser (default 1000)\n"
		"  --slow-sockets N     held handshakes per slow-handshake abuser (default 120)\n"
		"  --login-parallel N   logins in flight per login-flood abuser (default 4)\n"
		"  --login-rate R       logins a second per login-flood abuser (default 50)\n"
		"  --json FILE          every figure, per abuser\n", ABUSERS_MAX);
}

static int parse_kinds(const char *list, struct options *o)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	o->n_kinds = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = 0;

		while (k < KINDS && strcmp(t, kind_names[k]) != 0)
			k++;
		if (k == KINDS || o->n_kinds == ABUSERS_MAX) {
			fprintf(stderr, "abusers: unknown kind %s (text-flood, binary-flood, slow-handshake, login-flood)\n", t);
			return -1;
		}
		o->kinds[o->n_kinds++] = (enum kind)k;
	}
	return o->n_kinds ? 0 : -1;
}

/* The numeric options, each with its range: one table rather than a chain of comparisons. */
struct numeric_option {
	const char *name;
	bool whole;		/* an int, else a double */
	size_t at;		/* offsetof(struct options, ...) */
	double min, max;
};

static const struct numeric_option numeric_options[] = {
	{ "--port", true, offsetof(struct options, port), 1, 65535 },
	{ "--abusers", true, offsetof(struct options, abusers), 1, ABUSERS_MAX },
	{ "--duration", false, offsetof(struct options, duration_s), 0.1, 86400 },
	{ "--flood-rate", false, offsetof(struct options, flood_rate), 1, 1e5 },
	{ "--slow-sockets", true, offsetof(struct options, slow_sockets), 1, 1000 },
	{ "--login-parallel", true, offsetof(struct options, login_parallel), 1, 100 },
	{ "--login-rate", false, offsetof(struct options, login_rate), 0, 1e4 },
};

/* @name's value @v into @o; 1 when @name is not numeric, -1 when @v is out of its range. */
static int numeric_option_set(struct options *o, const char *name, const char *v)
{
	for (size_t k = 0; k < sizeof(numeric_options) / sizeof(numeric_options[0]); k++) {
		const struct numeric_option *n = &numeric_options[k];
		char *end;
		double x = strtod(v, &end);

		if (strcmp(name, n->name) != 0)
			continue;
		if (end == v || *end || x < n->min || x > n->max) {
			fprintf(stderr, "abusers: %s %s: give a number from %g to %g\n", name, v, n->min, n->max);
			return -1;
		}
		if (n->whole)
			*(int *)((char *)o + n->at) = (int)x;
		else
			*(double *)((char *)o + n->at) = x;
		return 0;
	}
	return 1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){ .port = 8080, .abusers = 4, .duration_s = 10, .flood_rate = 1000,
			       .slow_sockets = 120, .login_parallel = 4, .login_rate = 50 };
	snprintf(o->host, sizeof(o->host), "127.0.0.1");
	parse_kinds("text-flood,binary-flood,slow-handshake,login-flood", o);
	for (int i = 1; i < argc; i += 2) {
		const char *name = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int set;

		if (strcmp(name, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (!v) {
			fprintf(stderr, "abusers: %s needs a value\n", name);
			return -1;
		}
		if (strcmp(name, "--host") == 0) {
			/* Only loopback is ever a target: this is a tool for one machine. */
			if (strncmp(v, "127.", 4) != 0 || strlen(v) >= sizeof(o->host)) {
				fprintf(stderr, "abusers: --host must be a loopback address (127.0.0.0/8), got %s\n", v);
				return -1;
			}
			snprintf(o->host, sizeof(o->host), "%s", v);
		} else if (strcmp(name, "--kinds") == 0) {
			if (parse_kinds(v, o) != 0)
				return -1;
		} else if (strcmp(name, "--json") == 0) {
			o->json_path = v;
		} else if ((set = numeric_option_set(o, name, v)) != 0) {
			if (set > 0)
				fprintf(stderr, "abusers: unknown option %s\n", name);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct options o;
	struct abuser ab[ABUSERS_MAX];
	int failed = 0;

	if (parse_args(argc, argv, &o) != 0) {
		usage(stderr);
		return 2;
	}
	srandom((unsigned)time(NULL));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	memset(ab, 0, sizeof(ab));
	for (int i = 0; i < o.abusers; i++) {
		struct abuser *a = &ab[i];

		a->index = i;
		a->kind = o.kinds[i % o.n_kinds];
		snprintf(a->addr, sizeof(a->addr), "127.0.1.%d", i + 1);
		a->n_conns = a->kind == SLOW_HANDSHAKE ? o.slow_sockets : a->kind == LOGIN_FLOOD ? o.login_parallel : 1;
		a->conns = calloc((size_t)a->n_conns, sizeof(*a->conns));
		if (!a->conns) {
			fprintf(stderr, "abusers: out of memory\n");
			return 1;
		}
		for (int j = 0; j < a->n_conns; j++) {
			a->conns[j].fd = -1;
			/* Spread over the first second, as a script would start them. */
			a->conns[j].next_at = now_s() + (double)j / a->n_conns;
		}
	}
	if (run(&o, ab, o.abusers) != 0) {
		fprintf(stderr, "abusers: out of memory\n");
		return 1;
	}
	for (int i = 0; i < o.abusers; i++) {
		report(&ab[i]);
		failed += !throttled(&ab[i]) && !closed(&ab[i]);
	}
	if (o.json_path) {
		json_t *list = json_array();

		for (int i = 0; i < o.abusers; i++)
			json_array_append_new(list, abuser_json(&ab[i]));
		if (json_dump_file(list, o.json_path, JSON_INDENT(2)) != 0)
			fprintf(stderr, "abusers: cannot write %s\n", o.json_path);
		json_decref(list);
	}
	for (int i = 0; i < o.abusers; i++)
		free(ab[i].conns);
	printf("abusers: %d of %d throttled or closed\n", o.abusers - failed, o.abusers);
	return failed ? 1 : 0;
}
