/*
 * cluster_edge.c - `tutti edge`: net and the audience in relay mode, a
 * NATS link, and the tick that moves batches both ways. See cluster_edge.h
 * and docs/scale.md.
 *
 * Thread: the net thread.
 */
#include "cluster_edge.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "clock.h"
#include "cluster_link.h"
#include "cluster_wire.h"
#include "crowd.h"
#include "log.h"
#include "metrics.h"
#include "net.h"
#include "net_audience.h"
#include "state_stream.h"

#define CONN_SLOT_BITS	20		/* a connection's number: its slot, and a generation above */
#define CONN_SLOT_MASK	((1u << CONN_SLOT_BITS) - 1)
#define HEARTBEAT_S	0.25		/* an edge with nothing to say still says so this often */

/* What the edge keeps of one phone, to resume it at a restarted core. */
struct edge_conn {
	struct audience_peer *peer;	/* NULL = free */
	uint64_t addr_key;
	char token[CROWD_TOKEN_CHARS + 1];	/* from its welcome; "" = not joined yet */
	char zone[CONFIG_ID_MAX + 1];
	bool resyncing;			/* resumed at a new core: its welcome is not the phone's news */
	uint32_t generation;		/* of the slot's numbers: a reused slot never repeats a recent one */
};

struct edge {
	const struct venue_config *cfg;
	struct net *net;
	struct audience audience;
	struct audience_relay relay;
	struct metrics metrics;
	struct cluster_link *link;
	char id[WIRE_EDGE_ID_MAX + 1];
	char subject_in[96], subject_out[160];
	struct edge_conn *conns;
	/*
	 * Free slots, a ring taken from the front and given back at the end: a
	 * slot rests as long as possible before its next phone, so an answer the
	 * core sent its last phone is long gone (or carries an older generation).
	 */
	uint32_t conn_cap, *free_slots, free_head, free_count;
	uint32_t phones;
	struct wire_buf out;		/* the batch for the core, being written */
	uint32_t out_records;
	double last_sent_s;
	uint64_t core_instance;		/* 0 = no core heard yet */
	double core_heard_s;		/* real time, -1 = never */
	double show_offset_s;		/* core show time - our real time */
	uint64_t core_restarts, resyncs, batches_garbled;
	const char *resync_due;		/* why the phones must be resumed at the core's next word; NULL = no need */
	uint64_t link_reconnects;	/* the link's reconnects seen */
	double started_s;
};

static double edge_real_now(void)
{
	return clock_real_now_s();
}

/* The core's show time, as its last message said. Pongs carry it: phones' beat grids run on it. */
static double edge_now(void *user)
{
	struct edge *e = user;

	return edge_real_now() + e->show_offset_s;
}

static void batch_start(struct edge *e)
{
	struct wire_edge_header h = { .phones = e->phones };

	snprintf(h.id, sizeof(h.id), "%s", e->id);
	wire_buf_reset(&e->out);
	wire_edge_header_put(&e->out, &h);
	e->out_records = 0;
}

static void batch_send(struct edge *e)
{
	if (e->out.failed)
		log_error("cluster: out of memory for a batch; %u phone messages lost", e->out_records);
	else
		cluster_link_publish(e->link, e->subject_in, e->out.p, e->out.len);
	e->last_sent_s = edge_real_now();
	batch_start(e);
}

/* Room for a record of @len bytes: a full batch goes first (NATS refuses messages past its max_payload). */
static void batch_room(struct edge *e, size_t len)
{
	if (e->out.len + len + 16 > CLUSTER_MESSAGE_MAX && e->out_records)
		batch_send(e);
	e->out_records++;
}

static struct edge_conn *conn_of(struct edge *e, uint32_t conn)
{
	uint32_t slot = conn & CONN_SLOT_MASK;

	if (slot >= e->conn_cap || !e->conns[slot].peer || e->conns[slot].peer->relay_conn != conn)
		return NULL;
	return &e->conns[slot];
}

/* A new number for @c's phone: the core knows it afresh, and what it said of the old one is dropped. */
static void conn_renumber(struct edge *e, struct edge_conn *c)
{
	uint32_t slot = (uint32_t)(c - e->conns);

	if (++c->generation >= (1u << (32 - CONN_SLOT_BITS)))
		c->generation = 1;
	c->peer->relay_conn = (c->generation << CONN_SLOT_BITS) | slot;
}

static void relay_open(struct edge *e, struct edge_conn *c)
{
	batch_room(e, 8);
	wire_record_u64(&e->out, WIRE_OPEN, c->peer->relay_conn, c->addr_key);
}

static void relay_opened(void *user, struct audience_peer *peer, uint64_t addr_key)
{
	struct edge *e = user;
	struct edge_conn *c;
	uint32_t slot;

	if (!e->free_count) {	/* cannot happen: as many slots as net admits sockets */
		audience_relay_close(peer, 1013);
		return;
	}
	slot = e->free_slots[e->free_head];
	e->free_head = (e->free_head + 1) % e->conn_cap;
	e->free_count--;
	c = &e->conns[slot];
	*c = (struct edge_conn){ .peer = peer, .addr_key = addr_key, .generation = c->generation };
	conn_renumber(e, c);
	e->phones++;
	relay_open(e, c);
}

static void relay_message(void *user, struct audience_peer *peer, const char *buf, size_t len)
{
	struct edge *e = user;

	batch_room(e, len);
	wire_record_put(&e->out, WIRE_TEXT, peer->relay_conn, buf, len);
}

static void relay_closed(void *user, struct audience_peer *peer)
{
	struct edge *e = user;
	struct edge_conn *c = conn_of(e, peer->relay_conn);

	if (!c)
		return;		/* never admitted */
	batch_room(e, 0);
	wire_record_put(&e->out, WIRE_CLOSED, peer->relay_conn, NULL, 0);
	c->peer = NULL;
	e->free_slots[(e->free_head + e->free_count++) % e->conn_cap] = (uint32_t)(c - e->conns);
	e->phones--;
}

/*
 * A welcome passing through: its token and zone are what the phone would
 * resume with, so a restarted core can have it back. Returns false when it
 * is a resumed welcome the phone must not see (a re-sync).
 */
static bool welcome_seen(struct edge_conn *c, const void *text, size_t len)
{
	json_t *w;
	const char *token, *zone;
	bool show = true;

	if (len < 18 || memcmp(text, "{\"type\":\"welcome\"", 17) != 0)
		return true;
	w = json_loadb(text, len, 0, NULL);
	token = json_string_value(json_object_get(w, "token"));
	zone = json_string_value(json_object_get(w, "zone"));
	if (token && strlen(token) <= CROWD_TOKEN_CHARS)
		snprintf(c->token, sizeof(c->token), "%s", token);
	if (zone && strlen(zone) <= CONFIG_ID_MAX)
		snprintf(c->zone, sizeof(c->zone), "%s", zone);
	if (c->resyncing) {
		c->resyncing = false;
		/* Resumed: the same participant, nothing for the phone. A new one: the phone must learn its new id. */
		show = !json_is_true(json_object_get(w, "resumed"));
	}
	json_decref(w);
	return show;
}

/*
 * The core may have lost some of our phones: it restarted (a new
 * instance), it let them go while it could not hear us (a silence longer
 * than its edge timeout), or what it said to us while our link was down is
 * lost (a welcome, a "joined"). Each phone here opens again under a new
 * number and, if it had joined, resumes with its token, as it would by
 * itself after a dropped connection, but without dropping anything. The
 * old number is closed first, so a core that still knew it lets it go.
 */
static void resync(struct edge *e, const char *why)
{
	char hello[128];

	e->resyncs++;
	log_warn("cluster: %s: resuming this edge's %u phones at the core", why, e->phones);
	for (uint32_t s = 0; s < e->conn_cap; s++) {
		struct edge_conn *c = &e->conns[s];
		int len;

		if (!c->peer)
			continue;
		batch_room(e, 0);
		wire_record_put(&e->out, WIRE_CLOSED, c->peer->relay_conn, NULL, 0);
		if (!c->token[0]) {
			/* Its hello may be lost with the old number: it sends no other, so it joins again by itself. */
			audience_relay_close(c->peer, 1012);
			net_peer_wake(e->net, c->peer);
			continue;
		}
		conn_renumber(e, c);
		relay_open(e, c);
		len = snprintf(hello, sizeof(hello), "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":\"%s\"}", c->token,
			       c->zone);
		c->resyncing = true;
		relay_message(e, c->peer, hello, (size_t)len);
	}
}

/* The newest state from the core into the stream phones are sent from. Returns false when it cannot be used yet. */
static bool state_take(struct edge *e, const struct wire_state *ws)
{
	struct state_stream *st = net_state_stream(e->net);

	if ((ws->show && ws->show_len > sizeof(st->show)) || ws->beat_len > sizeof(st->beat) ||
	    ws->live_len > sizeof(st->live))
		return false;	/* garbled: nothing of it is taken */
	if (ws->show) {
		memcpy(st->show, ws->show, ws->show_len);
		st->show_len = ws->show_len;
		st->show_v = ws->show_v;
	} else if (ws->show_v != st->show_v) {
		return false;	/* a show version we have not seen: its bytes come in a later message */
	}
	memcpy(st->beat, ws->beat, ws->beat_len);
	st->beat_len = ws->beat_len;
	st->beat_v = ws->beat_v;
	memcpy(st->live, ws->live, ws->live_len);
	st->live_len = ws->live_len;
	return true;
}

/* One record for one phone. */
static void record_apply(struct edge *e, const struct wire_record *rec)
{
	struct edge_conn *c = conn_of(e, rec->conn);
	uint64_t seq;
	uint16_t code;

	if (!c)
		return;		/* it closed here meanwhile */
	switch (rec->kind) {
	case WIRE_PERSONAL:
		if (welcome_seen(c, rec->data, rec->len))
			audience_relay_message(&e->audience, c->peer, rec->data, rec->len);
		break;
	case WIRE_JOINED:
		audience_relay_joined(c->peer);
		break;
	case WIRE_ACK:
		if (wire_record_u64_get(rec, &seq))
			audience_relay_ack(c->peer, seq);
		break;
	case WIRE_CLOSE:
		if (wire_record_u16_get(rec, &code))
			audience_relay_close(c->peer, code);
		break;
	default:
		return;
	}
	net_peer_wake(e->net, c->peer);
}

/* One message from the core: the clock, a restart, the state, the answers. Returns 1 when a state came. */
static int core_message(struct edge *e, const struct cluster_msg *m, bool *broadcast)
{
	struct wire_reader r;
	struct wire_core_header h;
	struct wire_record rec;
	struct wire_state ws;
	int got, state = 0;

	if (wire_core_header_get(&r, m->data, m->len, &h) != 0) {
		e->batches_garbled++;
		return 0;
	}
	e->show_offset_s = h.show_t - edge_real_now();
	if (e->core_heard_s >= 0 && edge_real_now() - e->core_heard_s > e->cfg->cluster.edge_timeout_s)
		e->resync_due = "the core did not hear from us for longer than its edge timeout";
	e->core_heard_s = edge_real_now();
	if (h.instance != e->core_instance) {
		if (e->core_instance) {
			e->core_restarts++;
			e->resync_due = "the core restarted";
		} else {
			log_info("cluster: edge %s hears its core", e->id);
			/* Phones that came before the core did said hello to nobody. */
			e->resync_due = e->phones ? "the core is heard for the first time" : NULL;
		}
		e->core_instance = h.instance;
	}
	while ((got = wire_record_next(&r, &rec)) > 0) {
		if (rec.kind == WIRE_STATE) {
			if (wire_state_get(&rec, &ws) && state_take(e, &ws)) {
				state = 1;
				*broadcast |= ws.broadcast;
			}
		} else {
			record_apply(e, &rec);
		}
	}
	if (got < 0)
		e->batches_garbled++;
	/* After its records: a welcome in this very message gives its phone a token to resume with. */
	if (e->resync_due) {
		resync(e, e->resync_due);
		e->resync_due = NULL;
	}
	return state;
}

static void edge_tick(void *user)
{
	struct edge *e = user;
	struct cluster_msg m;
	struct cluster_link_stats ls;
	bool broadcast = false, state = false;

	cluster_link_stats_get(e->link, &ls);
	if (ls.reconnects != e->link_reconnects) {
		/* What the core said while we were away is lost, a welcome or a "joined" maybe. */
		e->link_reconnects = ls.reconnects;
		e->resync_due = "our NATS link was down";
	}
	while (cluster_link_take(e->link, &m)) {
		state |= core_message(e, &m, &broadcast) > 0;
		cluster_link_release(&m);
	}
	if (state)
		net_state_publish(e->net, broadcast);
	/* Every tick with something to say; a heartbeat otherwise, so the core knows the edge lives. */
	if (e->out_records || edge_real_now() - e->last_sent_s >= HEARTBEAT_S)
		batch_send(e);
}

static size_t edge_healthz(void *user, char *out, size_t cap)
{
	struct edge *e = user;
	double seen = e->core_heard_s < 0 ? -1 : edge_real_now() - e->core_heard_s;
	bool nats = cluster_link_connected(e->link);
	bool core = seen >= 0 && seen < e->cfg->cluster.edge_timeout_s;
	int n = snprintf(out, cap,
			 "{\"status\":\"%s\",\"role\":\"edge\",\"id\":\"%s\",\"phones\":%u,"
			 "\"cluster\":{\"nats\":%s,\"core\":%s,\"core_seen_s\":%.3f,\"core_restarts\":%llu,"
			 "\"resyncs\":%llu}}\n",
			 nats && core ? "ok" : "degraded", e->id, e->phones, nats ? "true" : "false",
			 core ? "true" : "false", seen, (unsigned long long)e->core_restarts,
			 (unsigned long long)e->resyncs);

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t edge_metrics(void *user, char *out, size_t cap)
{
	struct edge *e = user;
	struct cluster_link_stats ls;
	struct metrics_live live = { .participants = e->phones, .max_connections = e->cfg->limits.max_connections,
				     .capacity = e->cfg->capacity, .uptime_s = edge_real_now() - e->started_s,
				     .state_bytes = state_stream_usual_len(net_state_stream(e->net)) };
	size_t len = metrics_render(&e->metrics, &live, out, cap);

	cluster_link_stats_get(e->link, &ls);
	const struct metrics_row rows[] = {
		{ "tutti_cluster_nats_connected", "gauge", "1 while the NATS link is up.",
		  .n = cluster_link_connected(e->link) },
		{ "tutti_cluster_messages_published_total", "counter", "Batches sent to the core.", .n = ls.published },
		{ "tutti_cluster_messages_received_total", "counter", "Messages from the core.", .n = ls.received },
		{ "tutti_cluster_messages_dropped_total", "counter", "Messages from the core dropped unread.",
		  .n = ls.dropped },
		{ "tutti_cluster_reconnects_total", "counter", "Reconnections to NATS.", .n = ls.reconnects },
		{ "tutti_cluster_core_restarts_total", "counter", "New core instances this edge heard.",
		  .n = e->core_restarts },
		{ "tutti_cluster_resyncs_total", "counter",
		  "Times this edge resumed its phones at the core (a restart, a silence, its own link down).",
		  .n = e->resyncs },
	};
	return len ? metrics_write_rows(out, cap, len, rows, sizeof(rows) / sizeof(rows[0])) : 0;
}

int edge_run(const struct edge_options *o)
{
	struct edge *e = calloc(1, sizeof(*e));
	uint32_t instance;
	char err[512];
	int status = 1;

	if (!e)
		return 1;
	e->cfg = o->cfg;
	e->started_s = edge_real_now();
	e->core_heard_s = -1;
	if (getrandom(&instance, sizeof(instance), 0) != sizeof(instance))
		instance = (uint32_t)(e->started_s * 1e6);
	snprintf(e->id, sizeof(e->id), "%.40s-%08x", o->name ? o->name : "edge", instance);
	snprintf(e->subject_in, sizeof(e->subject_in), "%s.in", o->cfg->cluster.subject);
	snprintf(e->subject_out, sizeof(e->subject_out), "%s.out.%s", o->cfg->cluster.subject, e->id);
	e->conn_cap = o->cfg->limits.max_connections + 64;
	e->conns = calloc(e->conn_cap, sizeof(*e->conns));
	e->free_slots = calloc(e->conn_cap, sizeof(*e->free_slots));
	if (!e->conns || !e->free_slots)
		goto out;
	for (uint32_t s = 0; s < e->conn_cap; s++)
		e->free_slots[e->free_count++] = s;
	audience_init(&e->audience, o->cfg, NULL, NULL, &e->metrics, NULL, NULL);
	e->relay = (struct audience_relay){ .user = e, .opened = relay_opened, .message = relay_message,
					    .closed = relay_closed };
	e->audience.relay = &e->relay;
	batch_start(e);
	e->link = cluster_link_open(&o->cfg->cluster, o->cluster_url, e->id, e->subject_out, err, sizeof(err));
	if (!e->link) {
		log_error("cluster: %s", err);
		goto out;
	}
	e->net = net_create(&(struct net_options){ .cfg = o->cfg, .listen_address = o->listen, .port = o->port,
						   .clients_dir = o->clients_dir },
			    &(struct net_handlers){ .user = e, .tick = edge_tick, .healthz = edge_healthz,
						    .metrics = edge_metrics, .now = edge_now },
			    &e->audience, &e->metrics);
	if (!e->net)
		goto out;
	printf("tutti edge %s: listening on %s://%s:%d/ for the core at %s (subjects %s.*)\n", e->id,
	       net_scheme(e->net), o->listen ? o->listen : o->cfg->listen_address, net_port(e->net), o->cluster_url,
	       o->cfg->cluster.subject);
	fflush(stdout);
	status = net_run(e->net);
	/* The core hears the phones closed, so it need not wait out the edge's silence. */
	batch_send(e);
	log_info("edge %s stopped; %u phones were connected", e->id, net_participants_at_stop(e->net));
out:
	net_destroy(e->net);
	cluster_link_close(e->link);
	wire_buf_free(&e->out);
	free(e->conns);
	free(e->free_slots);
	free(e);
	return status;
}
