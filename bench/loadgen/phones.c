/*
 * phones.c - the load generator's phones: libwebsockets clients on one
 * libuv loop, a 5 ms scheduler that plays the scenario, and the reading of
 * what the daemon sends. See loadgen.h.
 *
 * A phone reads only the first fragment of a frame, with no JSON parser:
 * the loadgen must keep up with 100,000 states a second on one core. In
 * v1 the daemon puts what a measurement needs at the start of each message
 * ({"type":"state","tick":N,...}, {"type":"ack","seq":S,"tick":T}), and the
 * poll, last in a state, is read only from a frame that came whole. In v2
 * a state ({"type":"s","k":S,"show":{...},"n":N,...}) is short, and a
 * small scanner finds its fields at the top level, and the show's in it.
 */
#include "loadgen.h"

#include <libwebsockets.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SCHEDULE_US	5000	/* the scheduler's period */
#define TICK_RING	4096	/* ticks remembered for the broadcast spread */
#define JOIN_GRACE_S	30	/* after the storm, how long stragglers may take to join */
#define RESUME_AFTER_S	2	/* churn: a phone comes back this long after it left */
#define RECONNECT_MIN_S	0.2	/* --reconnect: the first try comes 0.2 to 2 s after the loss */
#define RECONNECT_MAX_S	2.0
#define RECONNECT_CAP_S	5.0	/* ... and backs off by half again per failed try, up to this */
#define VOTE_RESEND_S	3.0	/* a vote with no ack for this long on a live connection goes again */
#define RX_MAX		4096	/* a frame's first fragment: the protocol's rx buffer */
#define POLL_ID_MAX	40

enum phone_state { P_WAITING, P_CONNECTING, P_JOINING, P_JOINED, P_AWAY, P_DEAD };

enum {
	WANT_HELLO = 1 << 0,
	WANT_PING = 1 << 1,
	WANT_INPUT = 1 << 2,
	WANT_VOTE = 1 << 3,
	WANT_SYNC = 1 << 4,
};

struct inflight {
	uint64_t key;			/* a seq before the ack, a tick after it (v1); a seq (v2) */
	double sent;
};

/* A phone's vote from the moment it is chosen until the daemon acks or refuses it. */
struct vote {
	char poll[POLL_ID_MAX];		/* "": no vote under way */
	uint32_t choice;
	uint64_t seq;			/* 0 until sent; a re-send keeps it, so it is never counted twice */
	double sent, resend_at;
};

struct lg_phone {
	struct lws *wsi;
	struct lg_fleet *fleet;
	uint32_t index;
	enum phone_state st;
	uint8_t want;
	bool active;			/* one of the first M phones: sends inputs */
	bool resuming;
	bool leaving;			/* we closed it (churn or the end): not lost */
	bool welcomed;			/* a welcome came at least once: the phone holds an id and a token */
	char token[48];
	char id[16];			/* the participant, from the last welcome */
	uint64_t seq;
	double connect_at;
	double heard_at;		/* the last sign of life: connect started, opened, or a message */
	double next_ping_at, next_input_at, vote_at, leave_at, back_at;
	uint32_t tries;			/* --reconnect: tries since the connection was lost, for the backoff */
	uint32_t turn;			/* --reconnect: every try after a loss, never reset: the port it moves to */
	double lost_at;			/* a joined phone's connection was lost then, no welcome since; 0 = not */
	struct vote vote;
	char voted_poll[POLL_ID_MAX];	/* --vote-polls: the last poll this phone voted in */
	/* v2: the show the phone holds, from the last state that carried one */
	bool has_show;
	bool sync_asked;		/* a sync went for a state whose v was not show_v; until a show comes */
	uint32_t show_v;
	char show_poll[POLL_ID_MAX];	/* the show's poll, while it is open; "": none */
	uint32_t show_poll_options;
	struct inflight sent[LG_INFLIGHT];	/* inputs waiting for their ack (v1) or for a k (v2) */
	struct inflight acked[LG_INFLIGHT];	/* v1: acked, waiting for a state with tick >= key */
	uint8_t n_sent, n_acked;
};

struct tick_seen {
	uint64_t tick;
	double first, last;
	uint32_t n;
};

struct lg_fleet {
	const struct lg_options *o;
	struct lg_results *r;
	struct lws_context *ctx;
	struct lws_protocols protocols[2];
	lws_sorted_usec_list_t sul;
	struct lg_phone *phones;
	uint32_t started;		/* phones whose first connect began */
	uint32_t joined_now;
	uint32_t joined_kind[LG_KINDS];	/* joined now, by kind: for the traffic per phone */
	double t0, steady_at, end_at, next_churn_at;
	double counted_at;		/* the steady phase's phone-seconds are added up to here */
	bool steady, done;
	char poll_id[POLL_ID_MAX];
	struct tick_seen ticks[TICK_RING];
	uint64_t rng;
	int ledger;			/* -1: no ledger */
	int ledger_cue;			/* the cue index the ledger names last */
};

static volatile sig_atomic_t interrupted;

double lg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: the scenario's randomness, seeded per run. */
static double rnd(struct lg_fleet *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return (double)((f->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static enum lg_kind phone_kind(const struct lg_phone *p)
{
	return p->active ? LG_ACTIVE : LG_PASSIVE;
}

static void want(struct lg_phone *p, uint8_t what)
{
	p->want |= what;
	if (p->wsi)
		lws_callback_on_writable(p->wsi);
}

/* ---- connecting ---- */

/* Seconds until a lost phone tries again: spread over 0.2 to 2 s, then half as long again per failed try. */
static double reconnect_delay(struct lg_fleet *f, struct lg_phone *p)
{
	double d = (RECONNECT_MIN_S + (RECONNECT_MAX_S - RECONNECT_MIN_S) * rnd(f)) * pow(1.5, p->tries);

	p->tries++;
	return fmin(d, RECONNECT_CAP_S);
}

/* A joined phone lost its connection: the failover clock starts, unless it runs from an earlier loss. */
static void failover_lost(struct lg_fleet *f, struct lg_phone *p, double now)
{
	if (!p->welcomed || p->lost_at > 0)
		return;
	p->lost_at = now;
	f->r->failover_lost++;
}

/* A welcome after a loss: the failover ends, resumed as the same participant or not. */
static void failover_welcome(struct lg_fleet *f, struct lg_phone *p, bool resumed, double now)
{
	if (p->lost_at <= 0)
		return;
	if (resumed) {
		f->r->failover_resumed++;
		lg_series_add(&f->r->failover_s, now - p->lost_at);
	} else {
		f->r->failover_new++;
	}
	p->lost_at = 0;
}

/*
 * The phone's connection is gone, or never came. A phone that was joined
 * or joining was lost; one still connecting failed. With --reconnect it
 * tries again either way, after a spread-out delay: the daemon may be down
 * (killed and restarting), and a whole crowd coming back in the same
 * millisecond is no crowd.
 */
static void phone_down(struct lg_fleet *f, struct lg_phone *p, double now)
{
	enum phone_state was = p->st;

	p->wsi = NULL;
	if (was == P_JOINED && f->joined_now) {
		f->joined_now--;
		f->joined_kind[phone_kind(p)]--;
	}
	if (f->done) {
		p->st = P_DEAD;
		return;
	}
	if (p->leaving) {	/* churn: we closed it, and it comes back at back_at */
		p->st = P_AWAY;
		return;
	}
	if (was != P_CONNECTING) {
		f->r->lost++;
		failover_lost(f, p, now);
	} else if (!f->o->reconnect && p->resuming) {
		f->r->resume_attempted++;
		f->r->resume_failed++;
	} else if (!f->o->reconnect) {
		f->r->failed++;
	}
	p->st = f->o->reconnect ? P_AWAY : P_DEAD;
	if (f->o->reconnect) {
		p->back_at = now + reconnect_delay(f, p);
		p->turn++;	/* the next try goes to another port: this one's edge may be dead (phone_port) */
	}
}

/*
 * Phones spread over the ports in turn. After a loss each try moves on to
 * another port, and the phones of one port spread over all the others, as
 * a venue's DNS or load balancer spreads them: the edge after a dead one
 * does not take all of its phones (past its own file limit at 40,000).
 */
static uint32_t phone_port(const struct lg_fleet *f, const struct lg_phone *p)
{
	uint32_t n = f->o->n_ports, first = p->index % n, start;

	if (n == 1 || !p->turn)
		return first;
	start = (p->index / n) % (n - 1);	/* which other port this phone tries first */
	return (first + 1 + (start + p->turn - 1) % (n - 1)) % n;
}

static void phone_connect(struct lg_fleet *f, struct lg_phone *p, double now)
{
	struct lws_client_connect_info i;
	char iface[16];

	snprintf(iface, sizeof(iface), "127.0.0.%u", 2 + p->index % f->o->sources);
	memset(&i, 0, sizeof(i));
	i.context = f->ctx;
	i.address = f->o->host;
	i.port = f->o->ports[phone_port(f, p)];
	i.path = "/";
	i.host = f->o->host;
	i.protocol = f->o->protocol == LG_V1 ? "tutti.audience.v1" : "tutti.audience.v2";
	i.local_protocol_name = "tutti-loadgen";
	i.iface = iface;
	i.userdata = p;
	i.pwsi = &p->wsi;
	p->st = P_CONNECTING;
	p->connect_at = now;
	p->heard_at = now;
	p->want = 0;
	p->n_sent = p->n_acked = 0;
	p->leaving = false;
	if (!p->resuming)
		f->r->attempted++;
	/* Refused at once; lws may already have called back with the error, which settled it. */
	if (!lws_client_connect_via_info(&i) && p->st == P_CONNECTING)
		phone_down(f, p, now);
}

/* ---- votes ---- */

/* A new vote in @poll, one of @options at random: the next write sends it. */
static void vote_choose(struct lg_fleet *f, struct lg_phone *p, const char *poll, uint32_t options)
{
	snprintf(p->vote.poll, sizeof(p->vote.poll), "%s", poll);
	p->vote.choice = (uint32_t)(rnd(f) * options);
	p->vote.seq = 0;
	want(p, WANT_VOTE);
}

static void vote_done(struct lg_phone *p)
{
	memset(&p->vote, 0, sizeof(p->vote));
}

/* The vote under way, first sent or sent again with the seq it had, so the daemon counts it once. */
static int vote_format(struct lg_fleet *f, struct lg_phone *p, char *msg, size_t cap, double now)
{
	struct vote *v = &p->vote;

	if (!v->poll[0])
		return 0;
	if (v->seq) {
		f->r->votes_resent++;
	} else {
		v->seq = ++p->seq;
		f->r->votes_sent++;
	}
	v->sent = now;
	v->resend_at = now + VOTE_RESEND_S;
	return snprintf(msg, cap, "{\"type\":\"vote\",\"seq\":%llu,\"poll\":\"%s\",\"choice\":%u}",
			(unsigned long long)v->seq, v->poll, v->choice);
}

/* The daemon holds the vote: it goes to the ledger, and the phone is free to vote in the next poll. */
static void vote_acked(struct lg_fleet *f, struct lg_phone *p, double now)
{
	f->r->votes_acked++;
	lg_series_add(&f->r->vote_s, now - p->vote.sent);
	lg_ledger_line(f->r, f->ledger, "vote %u %s %s %u %llu", p->index, p->id, p->vote.poll, p->vote.choice,
		       (unsigned long long)p->vote.seq);
	vote_done(p);
}

/* ---- what a phone sends ---- */

static int phone_write(struct lg_fleet *f, struct lg_phone *p)
{
	unsigned char buf[LWS_PRE + 320];
	char *msg = (char *)buf + LWS_PRE;
	double now = lg_now();
	int n = 0;

	if (p->want & WANT_HELLO) {
		p->want &= (uint8_t)~WANT_HELLO;
		if (p->token[0])
			f->r->resume_attempted++;
		n = p->token[0] ? snprintf(msg, 300, "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", p->token) :
				  snprintf(msg, 300, "{\"type\":\"hello\",\"token\":null,\"zone\":null}");
	} else if (p->want & WANT_VOTE) {
		p->want &= (uint8_t)~WANT_VOTE;
		n = vote_format(f, p, msg, 300, now);
	} else if (p->want & WANT_INPUT) {
		p->want &= (uint8_t)~WANT_INPUT;
		p->seq++;
		if (strcmp(f->o->control, "slider") == 0)
			n = snprintf(msg, 300, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"slider\",\"value\":%.3f}",
				     (unsigned long long)p->seq, rnd(f));
		else
			n = snprintf(msg, 300, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
				     (unsigned long long)p->seq);
		if (p->n_sent == LG_INFLIGHT) {	/* no ack for a while: forget the oldest */
			memmove(p->sent, p->sent + 1, (LG_INFLIGHT - 1) * sizeof(p->sent[0]));
			p->n_sent--;
		}
		p->sent[p->n_sent++] = (struct inflight){ p->seq, now };
		f->r->inputs_sent++;
	} else if (p->want & WANT_SYNC) {
		p->want &= (uint8_t)~WANT_SYNC;
		n = snprintf(msg, 300, "{\"type\":\"sync\"}");
		f->r->syncs_sent++;
	} else if (p->want & WANT_PING) {
		p->want &= (uint8_t)~WANT_PING;
		n = snprintf(msg, 300, "{\"type\":\"ping\",\"t0\":%.3f}", now * 1e3);
		f->r->pings_sent++;
	}
	if (n > 0 && lws_write(p->wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_TEXT) < n)
		return -1;
	if (p->want)
		lws_callback_on_writable(p->wsi);
	return 0;
}

/* ---- what a phone reads ---- */

/* The unsigned number after @key in @m (NUL-terminated), or 0. */
static uint64_t field_u64(const char *m, const char *key)
{
	const char *at = strstr(m, key);

	return at ? strtoull(at + strlen(key), NULL, 10) : 0;
}

/* The string after @key ("token":") into @out, up to its closing quote. */
static void field_str(const char *m, const char *key, char *out, size_t cap)
{
	const char *at = strstr(m, key);
	size_t n = 0;

	out[0] = '\0';
	if (!at)
		return;
	for (at += strlen(key); *at && *at != '"' && n + 1 < cap; at++)
		out[n++] = *at;
	out[n] = '\0';
}

/* How many options the poll at @poll lists ("options":["A","B"]); 0 when the list is cut short. */
static uint32_t poll_option_count(const char *poll)
{
	const char *at = strstr(poll, "\"options\":[");
	bool in_string = false;
	uint32_t n = 0;

	if (!at)
		return 0;
	for (at += strlen("\"options\":["); *at && (in_string || *at != ']'); at++) {
		if (in_string && *at == '\\' && at[1])
			at++;		/* an escaped character, perhaps a quote */
		else if (*at == '"' && (in_string = !in_string))
			n++;		/* an option's opening quote */
	}
	return *at == ']' ? n : 0;
}

/* --vote-polls: a poll open that the phone has not voted in gets its vote, once (the first free moment). */
static void vote_in_poll(struct lg_fleet *f, struct lg_phone *p, const char *id, uint32_t options)
{
	if (!id[0] || !options || p->vote.poll[0] || strcmp(id, p->voted_poll) == 0)
		return;
	snprintf(p->voted_poll, sizeof(p->voted_poll), "%s", id);
	vote_choose(f, p, id, options);
}

/* The ledger names the cue the phones see each time it changes. */
static void ledger_cue(struct lg_fleet *f, int cue)
{
	if (f->ledger < 0 || cue == f->ledger_cue)
		return;
	f->ledger_cue = cue;
	lg_ledger_line(f->r, f->ledger, "cue %d", cue);
}

/* A state of tick @tick arrived: counted, and remembered for the broadcast spread. */
static void state_seen(struct lg_fleet *f, uint64_t tick, double now)
{
	struct tick_seen *t = &f->ticks[tick % TICK_RING];

	f->r->states++;
	if (f->steady && !f->done)
		f->r->states_in_measure++;
	if (t->tick != tick)
		*t = (struct tick_seen){ tick, now, now, 0 };
	t->last = now;
	t->n++;
}

/* ---- v1: "state" and "ack" ---- */

/* A state; @whole when the frame came in one piece, so its poll, last in it, is all there. */
static void on_state(struct lg_fleet *f, struct lg_phone *p, const char *m, bool whole, double now)
{
	uint64_t tick = field_u64(m, "\"tick\":");
	const char *poll = whole ? strstr(m, "\"poll\":{\"id\":\"") : NULL;
	const char *cue = f->ledger >= 0 ? strstr(m, "\"cue\":{\"index\":") : NULL;
	bool open = poll && strstr(poll, "\"open\":true");
	uint8_t keep = 0;

	state_seen(f, tick, now);
	for (uint8_t i = 0; i < p->n_acked; i++) {
		if (p->acked[i].key <= tick) {
			if (f->steady && !f->done)
				lg_series_add(&f->r->latency_s, now - p->acked[i].sent);
		} else {
			p->acked[keep++] = p->acked[i];
		}
	}
	p->n_acked = keep;
	if (cue)
		ledger_cue(f, atoi(cue + strlen("\"cue\":{\"index\":")));
	if (open && !f->poll_id[0] && f->o->vote_at_s >= 0)
		field_str(poll, "\"poll\":{\"id\":\"", f->poll_id, sizeof(f->poll_id));
	if (open && f->o->vote_polls) {
		char id[POLL_ID_MAX];

		field_str(poll, "\"poll\":{\"id\":\"", id, sizeof(id));
		vote_in_poll(f, p, id, poll_option_count(poll));
	}
}

static void on_ack(struct lg_fleet *f, struct lg_phone *p, const char *m, double now)
{
	uint64_t seq = field_u64(m, "\"seq\":"), tick = field_u64(m, "\"tick\":");
	uint8_t keep = 0;

	for (uint8_t i = 0; i < p->n_sent; i++) {
		if (p->sent[i].key <= seq) {
			if (p->n_acked < LG_INFLIGHT)
				p->acked[p->n_acked++] = (struct inflight){ tick, p->sent[i].sent };
		} else {
			p->sent[keep++] = p->sent[i];
		}
	}
	p->n_sent = keep;
	/* An ack covers every seq up to its own; a vote it covers was not refused (that error comes first). */
	if (p->vote.seq && seq >= p->vote.seq)
		vote_acked(f, p, now);
}

/* ---- v2: the "s" stream ---- */

/* Past the JSON value at @at: a string, an object or array with all it holds, or a scalar. NULL when cut short. */
static const char *json_skip(const char *at)
{
	bool in_string = false;
	int depth = 0;

	for (; *at; at++) {
		if (in_string) {
			if (*at == '\\' && at[1]) {
				at++;
			} else if (*at == '"') {
				in_string = false;
				if (!depth)
					return at + 1;
			}
		} else if (*at == '"') {
			in_string = true;
		} else if (*at == '{' || *at == '[') {
			depth++;
		} else if (*at == '}' || *at == ']') {
			if (depth == 0)
				return at;	/* a scalar, last in its object */
			if (--depth == 0)
				return at + 1;
		} else if (*at == ',' && !depth) {
			return at;
		}
	}
	return NULL;
}

static const char *json_space(const char *at)
{
	while (*at == ' ' || *at == '\n' || *at == '\r' || *at == '\t')
		at++;
	return at;
}

/* Where the value of @key starts in the object at @obj, at its own level only; NULL when absent or cut short. */
static const char *json_get(const char *obj, const char *key)
{
	size_t n = strlen(key);
	const char *at;

	if (!obj || *obj != '{')
		return NULL;
	for (at = json_space(obj + 1); *at == '"'; at = json_space(at + 1)) {
		bool match = strncmp(at + 1, key, n) == 0 && at[1 + n] == '"';

		at = json_skip(at);	/* the key */
		if (!at || *(at = json_space(at)) != ':')
			return NULL;
		at = json_space(at + 1);
		if (match)
			return at;
		at = json_skip(at);
		if (!at || *(at = json_space(at)) != ',')
			return NULL;	/* the object's end, or cut short */
	}
	return NULL;
}

/* The JSON string at @v (its opening quote) into @out; "" when @v is no string. */
static void json_str_copy(const char *v, char *out, size_t cap)
{
	size_t n = 0;

	if (v && *v == '"')
		for (v++; *v && *v != '"' && n + 1 < cap; v++)
			out[n++] = *v;
	out[n] = '\0';
}

/* A show: its version, its cue for the ledger, and its poll, kept while open. */
static void on_show(struct lg_fleet *f, struct lg_phone *p, const char *show)
{
	const char *v = json_get(show, "v"), *poll = json_get(show, "poll");
	const char *cue = json_get(json_get(show, "cue"), "index");
	const char *open = json_get(poll, "open");

	p->has_show = true;
	p->sync_asked = false;
	p->show_v = v ? (uint32_t)strtoul(v, NULL, 10) : 0;
	if (cue)
		ledger_cue(f, atoi(cue));
	p->show_poll[0] = '\0';
	p->show_poll_options = 0;
	if (!open || strncmp(open, "true", 4) != 0)
		return;
	json_str_copy(json_get(poll, "id"), p->show_poll, sizeof(p->show_poll));
	p->show_poll_options = poll_option_count(poll);
	if (!f->poll_id[0] && f->o->vote_at_s >= 0)
		snprintf(f->poll_id, sizeof(f->poll_id), "%s", p->show_poll);
}

/*
 * A state of the v2 stream: n is its tick; k, when there, says every input
 * and vote up to that seq was processed, so an input's latency runs from
 * its sending to the first state whose k covers it; show comes on joining
 * and when it changed. A state whose v is not the show the phone holds asks
 * for the show again (sync), as the phone app does.
 */
static void on_s(struct lg_fleet *f, struct lg_phone *p, const char *m, double now)
{
	const char *n = json_get(m, "n"), *k = json_get(m, "k"), *v = json_get(m, "v");
	const char *show = json_get(m, "show");

	if (!n) {
		f->r->unparsed++;
		return;
	}
	state_seen(f, strtoull(n, NULL, 10), now);
	if (k) {
		uint64_t seq = strtoull(k, NULL, 10);
		uint8_t keep = 0;

		for (uint8_t i = 0; i < p->n_sent; i++) {
			if (p->sent[i].key > seq)
				p->sent[keep++] = p->sent[i];
			else if (f->steady && !f->done)
				lg_series_add(&f->r->latency_s, now - p->sent[i].sent);
		}
		p->n_sent = keep;
		/* A vote k covers was not refused: that error came before this state. */
		if (p->vote.seq && seq >= p->vote.seq)
			vote_acked(f, p, now);
	}
	if (show && *show == '{') {
		on_show(f, p, show);
	} else if (v && p->has_show && !p->sync_asked && strtoul(v, NULL, 10) != p->show_v) {
		p->sync_asked = true;
		want(p, WANT_SYNC);
	}
	if (f->o->vote_polls && p->show_poll[0])
		vote_in_poll(f, p, p->show_poll, p->show_poll_options);
}

/* ---- both ---- */

static void on_welcome(struct lg_fleet *f, struct lg_phone *p, const char *m, double now)
{
	uint64_t last = field_u64(m, "\"last_seq\":");
	bool resumed = strstr(m, "\"resumed\":true") != NULL;

	if (p->resuming) {
		if (resumed) {
			f->r->welcome_resumed++;
			lg_series_add(&f->r->resume_s, now - p->connect_at);
		} else {
			f->r->resume_failed++;	/* it held a token from a welcome, and came back as someone new */
		}
	} else if (!p->welcomed) {
		f->r->joined++;
		lg_series_add(&f->r->join_s, now - p->connect_at);
	}
	failover_welcome(f, p, resumed, now);
	field_str(m, "\"id\":\"", p->id, sizeof(p->id));
	field_str(m, "\"token\":\"", p->token, sizeof(p->token));
	lg_ledger_line(f->r, f->ledger, "welcome %u %s %s %s", p->index, p->id, p->token, resumed ? "resumed" : "new");
	if (last > p->seq)
		p->seq = last;
	p->st = P_JOINED;
	p->welcomed = true;
	p->resuming = false;
	p->tries = 0;
	p->has_show = false;	/* v2: the next state brings it */
	f->joined_now++;
	f->joined_kind[phone_kind(p)]++;
	if (f->joined_now > f->r->joined_peak)
		f->r->joined_peak = f->joined_now;
	/* A vote not acked on the lost connection goes (again) first, before any input takes a higher seq. */
	if (p->vote.poll[0])
		want(p, WANT_VOTE);
	if (p->active)	/* inputs at a random phase, so the phones do not fall into step */
		p->next_input_at = now + rnd(f) / f->o->rate;
	/* Clock sync as the phone app does it: a burst of three, then every few seconds. */
	p->next_ping_at = now + f->o->ping_every_s * rnd(f);
	want(p, WANT_PING);
}

static void on_error(struct lg_fleet *f, struct lg_phone *p, const char *m, double now)
{
	char code[32];
	uint64_t seq = field_u64(m, "\"seq\":");
	uint8_t keep = 0;

	field_str(m, "\"code\":\"", code, sizeof(code));
	for (uint8_t i = 0; i < p->n_sent; i++)	/* a refused input never reaches a state */
		if (p->sent[i].key != seq)
			p->sent[keep++] = p->sent[i];
	p->n_sent = keep;
	if (p->vote.seq && seq == p->vote.seq) {
		if (strcmp(code, "poll_closed") == 0) {
			/* The operator moved on before the vote arrived: a race any phone can lose. */
			f->r->votes_refused++;
			vote_done(p);
			return;
		}
		if (strcmp(code, "rate_limited") == 0)
			p->vote.resend_at = now + 1.0;	/* dropped, not refused: again once under the rate */
		else
			vote_done(p);
	}
	f->r->errors++;
	f->r->error_codes[lg_error_code_index(code)]++;
}

static void on_message(struct lg_fleet *f, struct lg_phone *p, const char *m, size_t len, bool whole)
{
	double now = lg_now();
	bool v1 = f->o->protocol == LG_V1;

	/* A message of the other protocol's is unparsed: the phone asked for this one. */
	if (!v1 && len > 12 && memcmp(m, "{\"type\":\"s\",", 12) == 0)
		on_s(f, p, m, now);
	else if (v1 && len > 16 && memcmp(m, "{\"type\":\"state\"", 15) == 0)
		on_state(f, p, m, whole, now);
	else if (v1 && memcmp(m, "{\"type\":\"ack\"", 13) == 0)
		on_ack(f, p, m, now);
	else if (memcmp(m, "{\"type\":\"pong\"", 14) == 0)
		f->r->pongs++;
	else if (memcmp(m, "{\"type\":\"welcome\"", 17) == 0)
		on_welcome(f, p, m, now);
	else if (memcmp(m, "{\"type\":\"error\"", 15) == 0)
		on_error(f, p, m, now);
	else
		f->r->unparsed++;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct lg_phone *p = user;
	struct lg_fleet *f = p ? p->fleet : NULL;
	char m[RX_MAX + 1];

	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		p->st = P_JOINING;
		p->heard_at = lg_now();
		if (!p->resuming)
			f->r->opened++;
		want(p, WANT_HELLO);
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		phone_down(f, p, lg_now());
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		p->heard_at = lg_now();
		f->r->state_bytes += len;
		if (f->steady && !f->done) {	/* the traffic per phone, by kind */
			f->r->rx_bytes[phone_kind(p)] += len;
			f->r->rx_msgs[phone_kind(p)] += lws_is_first_fragment(wsi) ? 1 : 0;
		}
		/* Only a frame's first fragment: every field measured is near its start. */
		if (!lws_is_first_fragment(wsi))
			break;
		len = len < sizeof(m) - 1 ? len : sizeof(m) - 1;
		memcpy(m, in, len);
		m[len] = '\0';
		on_message(f, p, m, len, lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi));
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (p->leaving)
			return -1;
		return phone_write(f, p);
	case LWS_CALLBACK_CLIENT_CLOSED:
		phone_down(f, p, lg_now());
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		/*
		 * A connection cut during its HTTP upgrade (the daemon killed
		 * then) ends in CLOSED_CLIENT_HTTP and this, with neither
		 * CONNECTION_ERROR nor CLIENT_CLOSED: still the phone's wsi, it
		 * is down, and the pointer must not outlive it.
		 */
		if (p && p->wsi == wsi)
			phone_down(f, p, lg_now());
		break;
	default:
		break;
	}
	return 0;
}

/* ---- the scenario ---- */

static void start_steady(struct lg_fleet *f, double now)
{
	f->steady = true;
	lg_daemon_sample(f->o->host, f->o->probe_port, f->o->daemon_pid, &f->r->d_joined);
	now = lg_now();		/* the sample may take a moment */
	f->steady_at = now;
	f->counted_at = now;
	f->end_at = now + f->o->duration_s;
	f->next_churn_at = now;
	f->r->measure_started = now;
	f->r->phones_in_measure = f->joined_now;
	for (uint32_t i = 0; i < f->o->phones; i++) {
		struct lg_phone *p = &f->phones[i];

		if (p->st != P_JOINED)
			continue;
		/* Active phones start at random phases, so inputs are spread over time. */
		if (p->active)
			p->next_input_at = now + rnd(f) / f->o->rate;
		p->vote_at = f->o->vote_at_s >= 0 ? now + f->o->vote_at_s + 2.0 * rnd(f) : -1;
	}
}

/* Every churn period, a share of the joined phones leave at random moments and come back with their token. */
static void plan_churn(struct lg_fleet *f, double now)
{
	for (uint32_t i = 0; i < f->o->phones; i++) {
		struct lg_phone *p = &f->phones[i];

		if (p->st == P_JOINED && rnd(f) < f->o->churn_share)
			p->leave_at = now + rnd(f) * f->o->churn_every_s;
	}
	f->next_churn_at = now + f->o->churn_every_s;
}

/*
 * --silence-limit, the phone app's watchdog (clients/audience/connection.js):
 * a link that went dead under a phone (the venue's Wi-Fi dropped) reports no
 * close for minutes, TCP retrying in silence. A phone that heard nothing for
 * the limit, joined (states come many times a second), opening its socket or
 * waiting for its welcome, drops the connection without a word and, with
 * --reconnect, comes back with its token. True when it gave up on it.
 */
static bool phone_watchdog(struct lg_fleet *f, struct lg_phone *p, double now)
{
	if (f->o->silence_limit_s <= 0 || !p->wsi || now - p->heard_at < f->o->silence_limit_s ||
	    (p->st != P_CONNECTING && p->st != P_JOINING && p->st != P_JOINED))
		return false;
	f->r->silent_dropped++;
	p->heard_at = now;	/* once: lws closes it on its next pass, and phone_down() follows */
	lws_set_timeout(p->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	return true;
}

static void schedule_phone(struct lg_fleet *f, struct lg_phone *p, double now)
{
	if (phone_watchdog(f, p, now))
		return;
	if (p->st == P_AWAY) {
		if (now >= p->back_at) {
			p->resuming = p->welcomed;
			phone_connect(f, p, now);
		}
		return;
	}
	if (p->st != P_JOINED)
		return;
	if (p->leave_at > 0 && now >= p->leave_at) {
		p->leave_at = 0;
		p->leaving = true;
		p->back_at = now + RESUME_AFTER_S;
		lws_callback_on_writable(p->wsi);	/* returns -1 there: a clean close */
		return;
	}
	if (now >= p->next_ping_at) {
		p->next_ping_at = now + f->o->ping_every_s;
		want(p, WANT_PING);
	}
	if ((f->steady || f->o->inputs_at_join) && p->active && now >= p->next_input_at) {
		/* Jittered by up to 20 % so the phones do not fall into step. */
		p->next_input_at += (0.8 + 0.4 * rnd(f)) / f->o->rate;
		if (p->next_input_at < now)
			p->next_input_at = now;
		want(p, WANT_INPUT);
	}
	if (p->vote_at > 0 && now >= p->vote_at) {
		p->vote_at = -1;
		if (f->poll_id[0] && !p->vote.poll[0])
			vote_choose(f, p, f->poll_id, 2);
	}
	/* No ack for a vote on a live connection (dropped over the rate, say): the same vote again. */
	if (p->vote.poll[0] && now >= p->vote.resend_at)
		want(p, WANT_VOTE);
}

static void finish(struct lg_fleet *f, double now)
{
	f->done = true;
	f->r->measure_ended = now;
	/* A phone still waiting for its connection or its welcome at the end never joined: it failed. */
	for (uint32_t i = 0; i < f->started; i++) {
		struct lg_phone *p = &f->phones[i];

		if (f->o->reconnect) {	/* coming back at the end is no failure; never having joined is */
			if (!p->welcomed)
				f->r->failed++;
		} else if (p->st == P_CONNECTING || p->st == P_JOINING) {
			if (p->resuming)
				f->r->resume_failed++;
			else
				f->r->failed++;
		}
	}
	lg_daemon_sample(f->o->host, f->o->probe_port, f->o->daemon_pid, &f->r->d_end);
	for (uint32_t i = 0; i < TICK_RING; i++) {
		struct tick_seen *t = &f->ticks[i];

		/* A tick most of the crowd received in the steady phase: how far apart the first and the last got it. */
		if (t->n && t->n >= f->r->phones_in_measure * 9 / 10 && t->first >= f->r->measure_started)
			lg_series_add(&f->r->spread_s, t->last - t->first);
	}
	lws_context_destroy(f->ctx);	/* ends lws_service(); completed in lg_fleet_run */
}

/* The steady phase's phone-seconds, by kind, up to @now: what the traffic per phone divides by. */
static void count_phone_time(struct lg_fleet *f, double now)
{
	if (!f->steady || f->done)
		return;
	for (int k = 0; k < LG_KINDS; k++)
		f->r->phone_s[k] += f->joined_kind[k] * (now - f->counted_at);
	f->counted_at = now;
}

static void on_schedule(lws_sorted_usec_list_t *sul)
{
	struct lg_fleet *f = lws_container_of(sul, struct lg_fleet, sul);
	double now = lg_now(), since = now - f->t0;
	uint32_t due;

	count_phone_time(f, now);

	if (interrupted || since > f->o->timeout_s) {
		if (!f->steady)
			start_steady(f, now);
		finish(f, now);
		return;
	}
	/* The join storm: phone k starts at k/N of join_over_s. */
	due = f->o->join_over_s > 0 ? (uint32_t)fmin(f->o->phones, f->o->phones * since / f->o->join_over_s) :
				      f->o->phones;
	while (f->started < due)
		phone_connect(f, &f->phones[f->started++], now);
	if (!f->steady) {
		uint64_t settled = f->r->joined + f->r->failed + f->r->lost;	/* refused ones settle too */

		if ((f->started == f->o->phones && settled >= f->o->phones) ||
		    since > f->o->join_over_s + JOIN_GRACE_S)
			start_steady(f, now);
	} else if (now >= f->end_at) {
		finish(f, now);
		return;
	}
	if (f->steady && f->o->churn_share > 0 && now >= f->next_churn_at)
		plan_churn(f, now);
	for (uint32_t i = 0; i < f->started; i++)
		schedule_phone(f, &f->phones[i], now);
	lws_sul_schedule(f->ctx, 0, &f->sul, on_schedule, SCHEDULE_US);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct lg_fleet *lg_fleet_create(const struct lg_options *o, struct lg_results *r)
{
	struct lg_fleet *f = calloc(1, sizeof(*f));
	struct lws_context_creation_info info;

	if (!f)
		return NULL;
	f->o = o;
	f->r = r;
	f->ledger = -1;
	f->ledger_cue = -1;
	/* The seed mixed in (a splitmix constant); xorshift must never start from 0. */
	f->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)o->phones ^ (o->seed * 0xbf58476d1ce4e5b9ULL);
	if (!f->rng)
		f->rng = 1;
	f->phones = calloc(o->phones, sizeof(*f->phones));
	if (!f->phones) {
		free(f);
		return NULL;
	}
	for (uint32_t i = 0; i < o->phones; i++) {
		f->phones[i].fleet = f;
		f->phones[i].index = i;
		f->phones[i].vote_at = -1;
		f->phones[i].active = i < o->active && o->rate > 0;
	}
	if (o->ledger_path && (f->ledger = lg_ledger_open(o->ledger_path)) < 0) {
		fprintf(stderr, "loadgen: cannot open the ledger %s\n", o->ledger_path);
		lg_fleet_destroy(f);
		return NULL;
	}
	f->protocols[0] = (struct lws_protocols){ .name = "tutti-loadgen", .callback = callback,
						  .rx_buffer_size = RX_MAX };
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_LIBUV;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = f->protocols;
	/* No fd_limit_per_thread: under the open-file limit, lws 4.1 would find sockets by linear search. */
	info.timeout_secs = 30;
	f->ctx = lws_create_context(&info);
	if (!f->ctx) {
		lg_fleet_destroy(f);
		return NULL;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	return f;
}

int lg_fleet_run(struct lg_fleet *f)
{
	f->t0 = lg_now();
	lws_sul_schedule(f->ctx, 0, &f->sul, on_schedule, 1);
	lws_service(f->ctx, 0);		/* with libuv: runs until finish() destroys the context */
	lws_context_destroy(f->ctx);
	f->ctx = NULL;
	return 0;
}

void lg_fleet_destroy(struct lg_fleet *f)
{
	if (!f)
		return;
	if (f->ctx)
		lws_context_destroy(f->ctx);
	if (f->ledger >= 0)
		close(f->ledger);
	free(f->phones);
	free(f);
}
