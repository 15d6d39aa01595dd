/*
 * cluster_core.c - the edges' phones as peers of the core's audience: their
 * batches applied each tick, one message back to each edge with the state
 * and its phones' answers, silent edges let go. See cluster_core.h and
 * docs/scale.md.
 *
 * Thread: the net thread.
 */
#include "cluster_core.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cluster_link.h"
#include "cluster_wire.h"
#include "idmap.h"
#include "log.h"
#include "net.h"
#include "net_addrtable.h"
#include "net_protocol.h"
#include "net_service.h"

#define ANSWER_MAX	(64 * 1024)	/* the largest personal message (a recap) */
#define SHOW_RESEND_S	2.0		/* the show part again this often, whether or not it changed */

/* One phone on an edge. */
struct remote {
	struct audience_peer peer;	/* peer.relay_conn: its number on its edge */
	uint32_t edge;			/* index into edges */
	uint32_t slot;			/* in remotes */
	bool joined_told;		/* the edge knows it joined: states go to it */
	bool listed;			/* in the touched list */
	struct remote *touched_prev, *touched_next;
};

struct core_edge {
	bool used;
	char id[WIRE_EDGE_ID_MAX + 1];
	char subject[160];
	double heard_s;			/* show time of its last batch */
	uint32_t phones;		/* as it last said */
	uint32_t remotes;		/* its phones known here */
	uint32_t show_v_sent;		/* the show version it has */
	double show_sent_s;
	struct wire_buf out;
	uint32_t out_records;
	bool out_state;			/* the state is in out already */
};

struct cluster_core {
	const struct venue_config *cfg;
	struct audience *audience;
	struct net *net;
	struct cluster_link *link;
	uint64_t instance;
	struct core_edge edges[CLUSTER_EDGES_MAX];
	struct idmap map;		/* edge << 32 | conn -> slot */
	struct remote **remotes;
	uint32_t remote_cap, *free_slots, free_count;
	struct remote *touched;		/* phones with something for their edge, or waiting for the journal */
	struct addrtable addrs;		/* the edges' phones' addresses: caps and budgets venue-wide */
	bool awaited;
	uint64_t link_reconnects;	/* the link's reconnects seen */
	uint32_t edges_lost;
	char lost_edge[72];
	uint64_t batches, garbled;
	char *answer;			/* scratch for one personal message */
};

static void touch(struct cluster_core *cc, struct remote *r)
{
	if (r->listed)
		return;
	r->listed = true;
	r->touched_prev = NULL;
	r->touched_next = cc->touched;
	if (cc->touched)
		cc->touched->touched_prev = r;
	cc->touched = r;
}

/* Off the touched list, in O(1): an edge lost frees thousands at once. */
static void untouch(struct cluster_core *cc, struct remote *r)
{
	if (!r->listed)
		return;
	*(r->touched_prev ? &r->touched_prev->touched_next : &cc->touched) = r->touched_next;
	if (r->touched_next)
		r->touched_next->touched_prev = r->touched_prev;
	r->listed = false;
	r->touched_prev = r->touched_next = NULL;
}

/* A phone of ours displaced by another connection (a resume elsewhere, a removal): its edge closes it. */
static void remote_displaced(void *user, struct audience_peer *peer)
{
	touch(user, (struct remote *)((char *)peer - offsetof(struct remote, peer)));
}

struct cluster_core *cluster_core_create(const struct venue_config *cfg, const char *url, struct audience *audience,
					 struct net *net)
{
	struct cluster_core *cc = calloc(1, sizeof(*cc));
	const struct config_limits *lim = &cfg->limits;
	char subject[96], err[512];

	if (!cc)
		return NULL;
	cc->cfg = cfg;
	cc->audience = audience;
	cc->net = net;
	if (getrandom(&cc->instance, sizeof(cc->instance), 0) != sizeof(cc->instance) || !cc->instance)
		cc->instance = (uint64_t)time(NULL) | 1;
	/* Venue-wide: capacity and a tenth more, as one process allows sockets, without its file limit. */
	cc->remote_cap = cfg->capacity + cfg->capacity / 10 + 16;
	cc->remotes = calloc(cc->remote_cap, sizeof(*cc->remotes));
	cc->free_slots = calloc(cc->remote_cap, sizeof(*cc->free_slots));
	cc->answer = malloc(ANSWER_MAX);
	if (!cc->remotes || !cc->free_slots || !cc->answer || idmap_init(&cc->map, cc->remote_cap) != 0 ||
	    addrtable_init(&cc->addrs, cc->remote_cap * 2, lim->max_connections_per_address) != 0)
		goto fail;
	for (uint32_t s = cc->remote_cap; s-- > 0;)
		cc->free_slots[cc->free_count++] = s;
	snprintf(subject, sizeof(subject), "%s.in", cfg->cluster.subject);
	cc->link = url ? cluster_link_open(&cfg->cluster, url, "core", subject, err, sizeof(err)) : NULL;
	if (url && !cc->link) {
		log_error("cluster: %s", err);
		goto fail;
	}
	audience->remote_displaced = remote_displaced;
	audience->remote_user = cc;
	if (url)
		log_info("cluster: core listening for edges on %s (NATS %s)", subject, url);
	return cc;
fail:
	cluster_core_destroy(cc);
	return NULL;
}

static void remote_free(struct cluster_core *cc, struct remote *r, double now)
{
	struct core_edge *e = &cc->edges[r->edge];

	audience_peer_closed(cc->audience, &r->peer, now);
	if (r->peer.addr)
		addrtable_release(&cc->addrs, r->peer.addr);
	idmap_del(&cc->map, (uint64_t)r->edge << 32 | r->peer.relay_conn);
	cc->remotes[r->slot] = NULL;
	cc->free_slots[cc->free_count++] = r->slot;
	e->remotes--;
	untouch(cc, r);
	free(r);
}

void cluster_core_destroy(struct cluster_core *cc)
{
	if (!cc)
		return;
	cluster_link_close(cc->link);
	if (cc->audience && cc->audience->remote_user == cc)
		cc->audience->remote_displaced = NULL;
	for (uint32_t s = 0; cc->remotes && s < cc->remote_cap; s++)
		if (cc->remotes[s])
			remote_free(cc, cc->remotes[s], 0);
	for (int e = 0; e < CLUSTER_EDGES_MAX; e++)
		wire_buf_free(&cc->edges[e].out);
	idmap_free(&cc->map);
	addrtable_free(&cc->addrs);
	free(cc->remotes);
	free(cc->free_slots);
	free(cc->answer);
	free(cc);
}

static void edge_out_start(struct cluster_core *cc, struct core_edge *e, double now);
static void edge_out_room(struct cluster_core *cc, struct core_edge *e, size_t len, double now);

static struct core_edge *edge_find(struct cluster_core *cc, const char *id, double now)
{
	struct core_edge *free_edge = NULL;

	for (int i = 0; i < CLUSTER_EDGES_MAX; i++) {
		struct core_edge *e = &cc->edges[i];

		if (e->used && strcmp(e->id, id) == 0)
			return e;
		if (!e->used && !free_edge)
			free_edge = e;
	}
	if (!free_edge) {
		log_error("cluster: edge %s refused: %d edges already", id, CLUSTER_EDGES_MAX);
		return NULL;
	}
	wire_buf_free(&free_edge->out);
	*free_edge = (struct core_edge){ .used = true, .heard_s = now };
	snprintf(free_edge->id, sizeof(free_edge->id), "%s", id);
	snprintf(free_edge->subject, sizeof(free_edge->subject), "%s.out.%s", cc->cfg->cluster.subject, id);
	edge_out_start(cc, free_edge, now);
	log_info("cluster: edge %s joined", id);
	return free_edge;
}

/* A phone connected on edge @ei. */
static void remote_open(struct cluster_core *cc, uint32_t ei, const struct wire_record *rec, double now)
{
	const struct config_limits *lim = &cc->cfg->limits;
	uint64_t key = (uint64_t)ei << 32 | rec->conn, addr_key;
	struct remote *r;
	char address[24];

	if (!rec->conn || !wire_record_u64_get(rec, &addr_key) || idmap_get(&cc->map, key) >= 0)
		return;		/* garbled, or said twice */
	r = cc->free_count ? calloc(1, sizeof(*r)) : NULL;
	if (!r) {
		/* As full as the venue gets: told so, as one process tells it, and it tries again later. */
		size_t len = protocol_encode_error(cc->answer, ANSWER_MAX, REJECT_VENUE_FULL, NULL, 0,
						   AUDIENCE_RETRY_FULL_MS);
		struct core_edge *e = &cc->edges[ei];

		cc->audience->metrics->rejected[REJECT_VENUE_FULL]++;
		edge_out_room(cc, e, len + 2, now);
		wire_record_put(&e->out, WIRE_PERSONAL, rec->conn, cc->answer, len);
		wire_record_u16(&e->out, WIRE_CLOSE, rec->conn, 1013);	/* try again later */
		return;
	}
	r->edge = ei;
	r->slot = cc->free_slots[--cc->free_count];
	cc->remotes[r->slot] = r;
	idmap_put(&cc->map, key, r->slot);
	cc->edges[ei].remotes++;
	/* The edge's key of the address stands for it: every edge hashes an address alike. */
	snprintf(address, sizeof(address), "edge:%016llx", (unsigned long long)addr_key);
	audience_peer_init(cc->audience, &r->peer,
			   addrtable_acquire(&cc->addrs, address, lim->input_burst * lim->max_connections_per_address,
					     now), now);
	r->peer.relay_conn = rec->conn;
	if (!r->peer.addr) {
		/* Over the address's cap across the edges: refused as one process refuses it. */
		audience_peer_reject(cc->audience, &r->peer, REJECT_TOO_MANY_CONNECTIONS, 0, NULL);
		r->peer.close_code = 1008;
	}
	touch(cc, r);
}

static struct remote *remote_of(struct cluster_core *cc, uint32_t ei, uint32_t conn)
{
	int64_t slot = idmap_get(&cc->map, (uint64_t)ei << 32 | conn);

	return slot < 0 ? NULL : cc->remotes[slot];
}

void cluster_core_apply(struct cluster_core *cc, const void *data, size_t len, double now)
{
	struct wire_reader rd;
	struct wire_edge_header h;
	struct wire_record rec;
	struct core_edge *e;
	struct remote *r;
	uint32_t ei;
	int got;

	if (wire_edge_header_get(&rd, data, len, &h) != 0 || !(e = edge_find(cc, h.id, now))) {
		cc->garbled++;
		return;
	}
	cc->batches++;
	ei = (uint32_t)(e - cc->edges);
	e->heard_s = now;
	e->phones = h.phones;
	while ((got = wire_record_next(&rd, &rec)) > 0) {
		if (rec.kind == WIRE_OPEN) {
			remote_open(cc, ei, &rec, now);
			continue;
		}
		if (!(r = remote_of(cc, ei, rec.conn))) {
			/*
			 * Unknown here: closed meanwhile (our close crossed its message), or
			 * let go while the edge was cut off. Either way the edge closes it,
			 * and a phone still there reconnects and resumes with its token.
			 */
			if (rec.kind == WIRE_TEXT) {
				edge_out_room(cc, e, 2, now);
				wire_record_u16(&e->out, WIRE_CLOSE, rec.conn, 1012);
			}
			continue;
		}
		if (rec.kind == WIRE_TEXT) {
			if (audience_handle_text(cc->audience, &r->peer, (const char *)rec.data, rec.len, now))
				cc->awaited = true;
			touch(cc, r);
			if (cc->net)	/* a takeover of a phone on a socket here: net closes it */
				net_wake_displaced(cc->net);
		} else if (rec.kind == WIRE_CLOSED) {
			remote_free(cc, r, now);
		}
	}
	if (got < 0)
		cc->garbled++;
}

/*
 * An edge that said nothing for its timeout is gone: its phones leave, free
 * to resume elsewhere. Not while our own link is down: then nobody is heard,
 * and the edges keep their phones; their silence counts from our reconnect.
 */
static void edges_expire(struct cluster_core *cc, double now)
{
	bool link_up = !cc->link || cluster_link_connected(cc->link);

	for (uint32_t ei = 0; ei < CLUSTER_EDGES_MAX; ei++) {
		struct core_edge *e = &cc->edges[ei];
		uint32_t left = e->remotes;

		if (e->used && !link_up)
			e->heard_s = now;
		if (!e->used || now - e->heard_s < cc->cfg->cluster.edge_timeout_s)
			continue;
		for (uint32_t s = 0; s < cc->remote_cap && e->remotes; s++)
			if (cc->remotes[s] && cc->remotes[s]->edge == ei)
				remote_free(cc, cc->remotes[s], now);
		log_warn("cluster: edge %s silent for %.1f s: its %u phones left (they may resume on another edge)",
			 e->id, now - e->heard_s, left);
		cc->edges_lost++;
		snprintf(cc->lost_edge, sizeof(cc->lost_edge), "%s", e->id);
		wire_buf_free(&e->out);
		*e = (struct core_edge){ 0 };
	}
}

/*
 * Our link was down: what the edges sent meanwhile is lost (NATS keeps
 * nothing for a subject nobody reads): a close, a hello, a vote. Every
 * edge phone is let go (they stay resumable) and a new instance tells the
 * edges to resume each of theirs, as after a restart, so nothing stays
 * half known.
 */
static void link_came_back(struct cluster_core *cc, double now)
{
	uint32_t n = 0;

	for (uint32_t s = 0; s < cc->remote_cap; s++)
		if (cc->remotes[s]) {
			remote_free(cc, cc->remotes[s], now);
			n++;
		}
	if (getrandom(&cc->instance, sizeof(cc->instance), 0) != sizeof(cc->instance) || !cc->instance)
		cc->instance++;
	log_warn("cluster: the core's NATS link is back: its edges resume their %u phones", n);
}

void cluster_core_receive(struct cluster_core *cc, double now)
{
	struct cluster_msg m;
	struct cluster_link_stats ls;

	if (cc->link) {
		cluster_link_stats_get(cc->link, &ls);
		if (ls.reconnects != cc->link_reconnects) {
			cc->link_reconnects = ls.reconnects;
			link_came_back(cc, now);
		}
	}

	while (cc->link && cluster_link_take(cc->link, &m)) {
		cluster_core_apply(cc, m.data, m.len, now);
		cluster_link_release(&m);
	}
	edges_expire(cc, now);
}

bool cluster_core_states_awaited(const struct cluster_core *cc)
{
	return cc->awaited;
}

static void edge_out_start(struct cluster_core *cc, struct core_edge *e, double now)
{
	wire_buf_reset(&e->out);
	wire_core_header_put(&e->out, &(struct wire_core_header){ .instance = cc->instance, .show_t = now });
	e->out_records = 0;
}

static void edge_out_send(struct cluster_core *cc, struct core_edge *e, double now)
{
	if (e->out.failed)
		log_error("cluster: out of memory for edge %s's message", e->id);
	else if (e->out_records && cc->link) {
		wire_core_header_stamp(&e->out, now);
		cluster_link_publish(cc->link, e->subject, e->out.p, e->out.len);
	}
	edge_out_start(cc, e, now);
}

static void edge_out_room(struct cluster_core *cc, struct core_edge *e, size_t len, double now)
{
	if (e->out.len + len + 16 > CLUSTER_MESSAGE_MAX && e->out_records)
		edge_out_send(cc, e, now);
	e->out_records++;
}

/* What the audience has for one phone, into its edge's message. Returns true when it is done with. */
static bool remote_flush(struct cluster_core *cc, struct remote *r, double now)
{
	struct audience_peer *peer = &r->peer;
	struct core_edge *e = &cc->edges[r->edge];
	size_t len;

	while (audience_peer_has_personal(peer) &&
	       (len = audience_peer_next_personal(cc->audience, peer, cc->answer, ANSWER_MAX, now))) {
		edge_out_room(cc, e, len, now);
		wire_record_put(&e->out, WIRE_PERSONAL, peer->relay_conn, cc->answer, len);
	}
	/* After its welcome (which may wait for the journal): states go to it from then on. */
	if (peer->participant >= 0 && !r->joined_told && !(peer->pending & PEER_SEND_WELCOME)) {
		r->joined_told = true;
		edge_out_room(cc, e, 0, now);
		wire_record_put(&e->out, WIRE_JOINED, peer->relay_conn, NULL, 0);
	}
	if (audience_peer_ack_ready(peer)) {
		edge_out_room(cc, e, 8, now);
		wire_record_u64(&e->out, WIRE_ACK, peer->relay_conn, peer->ack_seq);
		audience_peer_ack_sent(peer);
	}
	if (peer->close_code) {
		edge_out_room(cc, e, 2, now);
		wire_record_u16(&e->out, WIRE_CLOSE, peer->relay_conn, (uint16_t)peer->close_code);
		remote_free(cc, r, now);
		return true;
	}
	/* Still waiting for the journal (its welcome, its vote's ack) or its recap: looked at again next tick. */
	return !audience_peer_held(peer) && !peer->recap_ticket && !(peer->pending & PEER_SEND_ACK) &&
	       !audience_peer_has_personal(peer);
}

void cluster_core_publish(struct cluster_core *cc, const struct state_stream *st, bool broadcast, double now)
{
	struct remote *r, *keep = NULL;

	for (uint32_t ei = 0; ei < CLUSTER_EDGES_MAX; ei++) {
		struct core_edge *e = &cc->edges[ei];
		bool show;

		if (!e->used || !st || !st->live_len)
			continue;
		/* The state first: an edge applies the answers after it, then sends, so an ack rides in this state. */
		show = e->show_v_sent != st->show_v || now - e->show_sent_s >= SHOW_RESEND_S;
		edge_out_room(cc, e, st->show_len + st->beat_len + st->live_len + 32, now);
		wire_state_put(&e->out, &(struct wire_state){
			.broadcast = broadcast, .show_v = st->show_v, .beat_v = st->beat_v,
			.show = show ? st->show : NULL, .show_len = (uint32_t)st->show_len,
			.beat = st->beat, .beat_len = (uint32_t)st->beat_len,
			.live = st->live, .live_len = (uint32_t)st->live_len });
		if (show) {
			e->show_v_sent = st->show_v;
			e->show_sent_s = now;
		}
	}
	if (st)
		cc->awaited = false;
	while ((r = cc->touched)) {
		untouch(cc, r);
		if (!remote_flush(cc, r, now)) {
			r->touched_next = keep;		/* kept on a list of its own, then put back */
			keep = r;
		}
	}
	while (keep) {
		r = keep;
		keep = r->touched_next;
		touch(cc, r);
	}
	for (uint32_t ei = 0; ei < CLUSTER_EDGES_MAX; ei++)
		if (cc->edges[ei].used)
			edge_out_send(cc, &cc->edges[ei], now);
}

void cluster_core_status_get(const struct cluster_core *cc, struct cluster_core_status *s)
{
	*s = (struct cluster_core_status){ .nats = cc->link && cluster_link_connected(cc->link),
					   .edges_lost = cc->edges_lost,
					   .batches = cc->batches, .garbled = cc->garbled };
	for (int ei = 0; ei < CLUSTER_EDGES_MAX; ei++)
		if (cc->edges[ei].used) {
			s->edges++;
			s->phones += cc->edges[ei].phones;
		}
	snprintf(s->lost_edge, sizeof(s->lost_edge), "%s", cc->lost_edge);
}
