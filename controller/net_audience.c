/*
 * net_audience.c - applies phone messages to the show. See net_audience.h.
 * Thread: net thread only.
 */
#include "net_audience.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"

#define PING_RATE	2.0	/* pings per second a phone may send */
#define PING_BURST	8.0
#define RATE_ERROR_EVERY_S 1.0	/* at most one rate_limited or binary_frame error a second */
#define THROTTLE_FORGIVE_S 1.0	/* a second within its rate ends a throttle */

/* Every frame, of any kind, counts against this: twice the input rate plus room for pings. */
static double message_rate(const struct audience *a)
{
	return a->cfg->limits.inputs_per_second * 2 + PING_RATE * 2;
}

static double message_burst(const struct audience *a)
{
	return a->cfg->limits.input_burst * 2 + PING_BURST;
}

void audience_init(struct audience *a, const struct venue_config *cfg, struct crowd *crowd,
		   struct show *show, struct metrics *metrics, struct crowdtext *texts, struct journal *journal)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->crowd = crowd;
	a->show = show;
	a->metrics = metrics;
	a->texts = texts;
	a->journal = journal;
	sanctions_init(&a->sanctions);
}

void audience_peer_init(struct audience *a, struct audience_peer *peer,
			struct addr_entry *addr, double now_s)
{
	memset(peer, 0, sizeof(*peer));
	peer->participant = -1;
	peer->journal = a->journal;
	peer->addr = addr;
	peer->flood_since = -1;
	peer->last_rate_error_s = -1e9;
	peer->last_binary_error_s = -1e9;
	token_bucket_init(&peer->messages, message_burst(a), now_s);
	token_bucket_init(&peer->ping_bucket, PING_BURST, now_s);
}

/* Journals what participant @p did (NULL journal: nothing). Returns the event's sequence number. */
static uint64_t journal_note(struct audience *a, enum journal_kind kind, int p, int32_t x1, int32_t x2, double x,
			     double y, const char *text, double now_s)
{
	struct journal_event e = { .kind = (uint8_t)kind, .t = now_s, .a = x1, .b = x2, .x = x, .y = y };

	if (!a->journal)
		return 0;
	snprintf(e.participant, sizeof(e.participant), "%s", crowd_participant_id(a->crowd, p));
	if (text)
		snprintf(e.text, sizeof(e.text), "%s", text);
	return journal_push(a->journal, &e);
}

static bool held_listed(const struct audience *a, const struct audience_peer *peer)
{
	return peer->held_prev || a->held_first == peer;
}

static void held_unlink(struct audience *a, struct audience_peer *peer)
{
	if (!held_listed(a, peer))
		return;
	*(peer->held_prev ? &peer->held_prev->held_next : &a->held_first) = peer->held_next;
	*(peer->held_next ? &peer->held_next->held_prev : &a->held_last) = peer->held_prev;
	peer->held_prev = peer->held_next = NULL;
}

/*
 * The peer's answer waits until the journal holds event @seq (0: no
 * journal, nothing to wait for). Moved to the list's end, so the list
 * stays in seq order and release stops at the first one still waiting.
 */
static void hold_until_journal(struct audience *a, struct audience_peer *peer, uint64_t seq)
{
	if (!seq)
		return;
	peer->hold_journal = seq;
	if (!peer->on_socket)
		return;		/* a simulated phone reads its outbox every tick: nothing to wake */
	held_unlink(a, peer);
	peer->held_prev = a->held_last;
	*(a->held_last ? &a->held_last->held_next : &a->held_first) = peer;
	a->held_last = peer;
}

/* An answer the journal does not hold yet waits (the show never waits for a degraded journal). */
static bool held(const struct audience_peer *peer)
{
	return peer->hold_journal && !journal_settled(peer->journal, peer->hold_journal);
}

bool audience_peer_held(struct audience_peer *peer)
{
	if (held(peer))
		return true;
	peer->hold_journal = 0;
	return false;
}

struct audience_peer *audience_next_released(struct audience *a)
{
	struct audience_peer *peer = a->held_first;

	if (!peer || held(peer))
		return NULL;
	held_unlink(a, peer);
	peer->hold_journal = 0;
	return peer;
}

void audience_peer_opened(struct audience *a, struct audience_peer *peer, uint64_t addr_key)
{
	if (a->relay)
		a->relay->opened(a->relay->user, peer, addr_key);
}

static void relayed_free(struct audience_peer *peer)
{
	while (peer->relayed_first) {
		struct relayed_msg *m = peer->relayed_first;

		peer->relayed_first = m->next;
		free(m);
	}
	peer->relayed_last = NULL;
	peer->relayed_count = 0;
}

void audience_peer_closed(struct audience *a, struct audience_peer *peer, double now_s)
{
	if (a->relay) {
		a->relay->closed(a->relay->user, peer);
		relayed_free(peer);
		peer->participant = -1;
		return;
	}
	if (peer->participant >= 0 && crowd_participant_owner(a->crowd, peer->participant) == peer) {
		crowd_leave(a->crowd, peer->participant, now_s);
		journal_note(a, JOURNAL_LEAVE, peer->participant, 0, 0, 0, 0, NULL, now_s);
	}
	peer->participant = -1;
	held_unlink(a, peer);
	if (peer->recap_ticket)	/* its answer finds nobody */
		a->recap_waiting[peer->recap_ticket % JOURNAL_READER_MAX] = NULL;
	peer->recap_ticket = 0;
	free(peer->recap);
	peer->recap = NULL;
}

void audience_peer_reject(struct audience *a, struct audience_peer *peer,
			  enum reject_reason reason, uint64_t seq, const char *detail)
{
	bool has_detail = detail && *detail;

	a->metrics->rejected[reason]++;
	if (peer->error_count == AUDIENCE_ERRORS_MAX) {
		memmove(peer->errors, peer->errors + 1,
			(AUDIENCE_ERRORS_MAX - 1) * sizeof(peer->errors[0]));
		peer->error_count--;
	}
	if (has_detail) {
		for (int i = 0; i < peer->error_count; i++)
			peer->errors[i].has_detail = false;
		snprintf(peer->detail, sizeof(peer->detail), "%s", detail);
		utf8_trim(peer->detail);
	}
	peer->errors[peer->error_count].code = (uint8_t)reason;
	peer->errors[peer->error_count].has_detail = has_detail;
	peer->errors[peer->error_count].seq = seq;
	peer->error_count++;
}

/*
 * A refusal that can come with every frame of a flood: the phone hears of
 * it at most once a second (the error per frame would cost more than the
 * frame); every one is counted.
 */
static void reject_coalesced(struct audience *a, struct audience_peer *peer, enum reject_reason reason,
			     uint64_t seq, double *last_s, double now_s)
{
	if (now_s - *last_s >= RATE_ERROR_EVERY_S) {
		*last_s = now_s;
		audience_peer_reject(a, peer, reason, seq, NULL);
	} else {
		a->metrics->rejected[reason]++;
	}
}

/*
 * @old's connection is to close (its close_code is set) because another
 * took its participant, or the venue removed it: a socket here is woken by
 * net (a->displaced), a phone on an edge by the core (remote_displaced); a
 * simulated phone reads its close at its next drain.
 */
static void displace(struct audience *a, struct audience_peer *old)
{
	if (old->on_socket)
		a->displaced = old;
	else if (old->relay_conn && a->remote_displaced)
		a->remote_displaced(a->remote_user, old);
}

static void queue_ack(struct audience_peer *peer, uint64_t seq)
{
	if (!(peer->pending & PEER_SEND_ACK) || seq > peer->ack_seq)
		peer->ack_seq = seq;
	peer->pending |= PEER_SEND_ACK;	/* it rides in the phone's next state */
}

static void handle_hello(struct audience *a, struct audience_peer *peer,
			 const struct client_msg *m, double now_s)
{
	int zone = 0;
	bool taken_over = false;
	unsigned sanctioned;
	uint64_t seq;
	int p;

	if (peer->participant >= 0) {
		audience_peer_reject(a, peer, REJECT_ALREADY_JOINED, 0, NULL);
		return;
	}
	if (show_over(a->show)) {	/* nobody joins after the end: a phone asks for its recap instead */
		audience_peer_reject(a, peer, REJECT_SHOW_OVER, 0, NULL);
		return;
	}
	/* A phone taking its place back from its own old socket adds nobody: a full venue still takes it. */
	if (crowd_connected(a->crowd) >= a->cfg->capacity &&
	    !(m->has_token && crowd_token_connected(a->crowd, m->token))) {
		audience_peer_reject(a, peer, REJECT_VENUE_FULL, 0, NULL);
		peer->close_code = 1013;
		return;
	}
	if (m->has_zone) {
		zone = config_zone_index(a->cfg, m->zone);
		if (zone < 0) {
			audience_peer_reject(a, peer, REJECT_UNKNOWN_ZONE, 0, NULL);
			zone = 0;
		}
	}
	sanctioned = sanctions_of_origin(&a->sanctions, peer->addr ? peer->addr->key : 0);
	if (sanctioned & SANCTION_REMOVE) {
		audience_peer_reject(a, peer, REJECT_REMOVED, 0, NULL);
		peer->close_code = AUDIENCE_CLOSE_REMOVED;
		return;
	}
	if (!(m->has_token && crowd_token_known(a->crowd, m->token)) &&
	    !addrtable_join_allowed(peer->addr, now_s)) {
		/* A new participant from an address that made too many: no poll stuffing. */
		audience_peer_reject(a, peer, REJECT_TOO_MANY_JOINS, 0, NULL);
		peer->close_code = 1008;
		return;
	}
	p = crowd_join(a->crowd, m->has_token ? m->token : NULL, (uint32_t)zone, now_s,
		       &peer->resumed, &taken_over);
	if (p < 0) {
		/* Every slot holds a connected phone: as full as it gets. */
		audience_peer_reject(a, peer, REJECT_VENUE_FULL, 0, NULL);
		peer->close_code = 1013;
		return;
	}
	if (taken_over) {
		struct audience_peer *old = crowd_participant_owner(a->crowd, p);

		if (old && old != peer) {
			old->participant = -1;
			old->close_code = AUDIENCE_CLOSE_RESUMED_ELSEWHERE;
			displace(a, old);
		}
	}
	if (!peer->resumed && a->texts)
		crowdtext_participant_new(a->texts, p);	/* the slot's last owner's interval is not theirs */
	/*
	 * A new participant's token goes to the journal so a restarted daemon
	 * knows it again; its welcome waits for that, so a phone that was
	 * given an id and a token can always come back as it.
	 */
	seq = journal_note(a, peer->resumed ? JOURNAL_RESUME : JOURNAL_JOIN, p, crowd_participant_zone(a->crowd, p),
			   0, 0, 0, peer->resumed ? NULL : crowd_participant_token(a->crowd, p), now_s);
	if (!peer->resumed)
		hold_until_journal(a, peer, seq);
	crowd_participant_set_owner(a->crowd, p, peer);
	if (peer->addr)
		crowd_participant_set_origin(a->crowd, p, peer->addr->key);
	if (sanctioned & SANCTION_MUTE)	/* the same phone under a new id: still muted */
		crowd_participant_set_muted(a->crowd, p, true);
	peer->participant = p;
	peer->zone = crowd_participant_zone(a->crowd, p);
	peer->pending |= PEER_SEND_WELCOME;
}

/*
 * A phone closed for flooding, into the journal for the report's
 * co-destruction chart: its participant when it has one, and why.
 */
static void journal_closed(struct audience *a, const struct audience_peer *peer, const char *why, double now_s)
{
	struct journal_event e = { .kind = JOURNAL_MODERATION, .t = now_s };

	if (!a->journal)
		return;
	if (peer->participant >= 0)
		snprintf(e.participant, sizeof(e.participant), "%s", crowd_participant_id(a->crowd, peer->participant));
	snprintf(e.text, sizeof(e.text), "closed: %s for %g s", why, a->cfg->limits.throttle_close_s);
	journal_push(a->journal, &e);
}

/*
 * Token buckets per participant (kept across reconnects) and per address.
 * A participant that stays over its rate for throttle_close_s is closed
 * with 1008; reconnecting does not refill its bucket.
 */
static bool within_rate(struct audience *a, struct audience_peer *peer, uint64_t seq, double now_s)
{
	const struct config_limits *lim = &a->cfg->limits;
	struct crowd_throttle *th = crowd_participant_throttle(a->crowd, peer->participant);
	bool ok = token_bucket_take(&th->bucket, lim->inputs_per_second, lim->input_burst, now_s);

	if (ok && peer->addr) {
		double n = lim->max_connections_per_address;

		ok = token_bucket_take(&peer->addr->bucket, lim->inputs_per_second * n,
				       lim->input_burst * n, now_s);
	}
	if (ok) {
		if (th->throttled_since >= 0 && now_s - th->last_limited_s > THROTTLE_FORGIVE_S)
			th->throttled_since = -1;
		return true;
	}
	th->last_limited_s = now_s;
	if (th->throttled_since < 0)
		th->throttled_since = now_s;
	reject_coalesced(a, peer, REJECT_RATE_LIMITED, seq, &peer->last_rate_error_s, now_s);
	if (now_s - th->throttled_since >= lim->throttle_close_s && peer->close_code != 1008) {
		peer->close_code = 1008;
		journal_closed(a, peer, "over the input rate", now_s);
	}
	return false;
}

/*
 * Every frame from a connection, joined or not, hello or garbage, is
 * charged here first, so no kind of flood goes unthrottled.
 */
static bool within_message_rate(struct audience *a, struct audience_peer *peer, double now_s)
{
	if (token_bucket_take(&peer->messages, message_rate(a), message_burst(a), now_s)) {
		if (peer->flood_since >= 0 && now_s - peer->last_flood_s > THROTTLE_FORGIVE_S)
			peer->flood_since = -1;
		return true;
	}
	a->metrics->rejected[REJECT_RATE_LIMITED]++;
	peer->last_flood_s = now_s;
	if (peer->flood_since < 0)
		peer->flood_since = now_s;
	if (now_s - peer->flood_since >= a->cfg->limits.throttle_close_s && peer->close_code != 1008) {
		peer->close_code = 1008;
		journal_closed(a, peer, "over the message rate", now_s);
	}
	return false;
}

/* A crowd text into the moderators' queue. False (and the phone told why) when refused. */
static bool handle_text(struct audience *a, struct audience_peer *peer,
			const struct client_msg *m, double now_s)
{
	const struct config_moderation *mod = &a->cfg->moderation;
	enum crowdtext_result r;
	char detail[80];
	uint32_t id = 0;
	double wait_s = 0;

	if (!a->texts) {
		audience_peer_reject(a, peer, REJECT_CONTROL_DISABLED, m->seq, "text is not taken here");
		return false;
	}
	r = crowdtext_submit(a->texts, peer->participant,
			     crowd_participant_id(a->crowd, peer->participant), peer->zone, m->seq,
			     m->text, now_s, &id, &wait_s);
	switch (r) {
	case CROWDTEXT_QUEUED:
		return true;
	case CROWDTEXT_EMPTY:
		audience_peer_reject(a, peer, REJECT_INVALID_FIELD, m->seq, "the text is empty");
		break;
	case CROWDTEXT_TOO_LONG:
		snprintf(detail, sizeof(detail), "at most %u characters", mod->text_max_chars);
		audience_peer_reject(a, peer, REJECT_OUT_OF_RANGE, m->seq, detail);
		break;
	case CROWDTEXT_BAD_CHARS:
		audience_peer_reject(a, peer, REJECT_INVALID_FIELD, m->seq,
				     "the text holds characters that cannot be shown");
		break;
	case CROWDTEXT_UNDRAWABLE:
		audience_peer_reject(a, peer, REJECT_INVALID_FIELD, m->seq,
				     "the stage screen cannot draw any of these characters");
		break;
	case CROWDTEXT_TOO_SOON:
		snprintf(detail, sizeof(detail), "one message every %g s: wait %.0f s",
			 mod->text_interval_s, ceil(wait_s));
		audience_peer_reject(a, peer, REJECT_TOO_SOON, m->seq, detail);
		break;
	case CROWDTEXT_FILTERED:
		audience_peer_reject(a, peer, REJECT_TEXT_REFUSED, m->seq, NULL);
		break;
	case CROWDTEXT_QUEUE_FULL:
		audience_peer_reject(a, peer, REJECT_QUEUE_FULL, m->seq, NULL);
		break;
	}
	return false;
}

static void handle_input(struct audience *a, struct audience_peer *peer,
			 const struct client_msg *m, double now_s)
{
	int p = peer->participant;

	if (crowd_participant_muted(a->crowd, p)) {
		audience_peer_reject(a, peer, REJECT_MUTED, m->seq, NULL);
		return;
	}
	if (a->frozen || !(show_controls(a->show) & (1u << m->control))) {
		char detail[64];

		snprintf(detail, sizeof(detail), a->frozen ? "the venue is listening: %s is paused" :
			 "%s is not enabled in this cue", control_name(m->control));
		audience_peer_reject(a, peer, REJECT_CONTROL_DISABLED, m->seq, detail);
		return;
	}
	switch (m->control) {
	case CONTROL_TAP:
		crowd_tap(a->crowd, p, now_s);
		break;
	case CONTROL_XY:
		crowd_xy(a->crowd, p, m->x, m->y, now_s);
		break;
	case CONTROL_SLIDER:
		crowd_slider(a->crowd, p, m->value, now_s);
		break;
	case CONTROL_SHAKE:
		crowd_shake(a->crowd, p, m->value, now_s);
		break;
	case CONTROL_TEXT:
		if (!handle_text(a, peer, m, now_s))
			return;
		break;
	default:
		return;
	}
	a->metrics->inputs_accepted[m->control]++;
	if (m->control != CONTROL_TEXT)	/* what a phone writes stays out of the journal */
		journal_note(a, JOURNAL_INPUT, p, m->control, 0, m->control == CONTROL_XY ? m->x : m->value,
			     m->y, NULL, now_s);
}

static void handle_vote(struct audience *a, struct audience_peer *peer,
			const struct client_msg *m, double now_s)
{
	const struct config_poll *poll = config_poll_find(a->cfg, m->poll);

	if (crowd_participant_muted(a->crowd, peer->participant)) {
		audience_peer_reject(a, peer, REJECT_MUTED, m->seq, NULL);
		return;
	}
	if (!poll) {
		audience_peer_reject(a, peer, REJECT_UNKNOWN_POLL, m->seq, NULL);
		return;
	}
	if (a->frozen || !(show_controls(a->show) & (1u << CONTROL_VOTE)) ||
	    !show_poll_is_open(a->show, poll->index)) {
		audience_peer_reject(a, peer, REJECT_POLL_CLOSED, m->seq, NULL);
		return;
	}
	if (m->choice >= (int64_t)poll->option_count) {
		audience_peer_reject(a, peer, REJECT_OUT_OF_RANGE, m->seq, NULL);
		return;
	}
	crowd_vote(a->crowd, peer->participant, poll->index, (uint32_t)m->choice, now_s);
	a->metrics->inputs_accepted[CONTROL_VOTE]++;
	/* Durable before acknowledged: the ack waits for the journal to hold the vote. */
	hold_until_journal(a, peer, journal_note(a, JOURNAL_VOTE, peer->participant, (int32_t)poll->index,
						 (int32_t)m->choice, (double)m->seq, 0, NULL, now_s));
}

/*
 * Forget me: the participant's rows leave the journal (its votes stay only
 * as anonymous counts), its crowd texts leave the queue and the wall, and
 * it leaves the show with its token ended. "forgotten" goes once the
 * journal holds that, then the connection closes. A mute or removal stays
 * on the phone's address: forgetting is no way around moderation.
 */
static void handle_forget(struct audience *a, struct audience_peer *peer, double now_s)
{
	int p = peer->participant;
	uint64_t seq;

	if (a->texts)
		crowdtext_withdraw(a->texts, crowd_participant_id(a->crowd, p));
	seq = journal_note(a, JOURNAL_FORGET, p, 0, 0, 0, 0, NULL, now_s);
	crowd_leave(a->crowd, p, now_s);
	crowd_forget(a->crowd, p);
	peer->participant = -1;
	peer->pending |= PEER_SEND_FORGOTTEN;
	hold_until_journal(a, peer, seq);
}

static void recap_ready(struct audience_peer *peer, char *json)
{
	free(peer->recap);
	peer->recap = json;
	peer->pending |= PEER_SEND_RECAP;
}

/*
 * recap: what the participant whose token it carries did, read by the
 * journal's reader once the journal holds everything before it. One at a
 * time per connection; a socket needs no hello for it (after the show,
 * nobody joins). Without a journal nothing was kept: nothing to recap.
 */
static void handle_recap(struct audience *a, struct audience_peer *peer, const struct client_msg *m)
{
	uint32_t slot = 0;

	if (peer->recap_ticket)
		return;		/* one is being read: its answer will do */
	if (!a->reader) {
		recap_ready(peer, strdup("{\"type\":\"recap\",\"found\":false}"));
		return;
	}
	while (slot < JOURNAL_READER_MAX && a->recap_waiting[slot])
		slot++;
	uint64_t ticket = (++a->recap_asked) * JOURNAL_READER_MAX + slot;

	if (slot == JOURNAL_READER_MAX ||
	    journal_reader_ask(a->reader, m->token, ticket, journal_pushed(a->journal)) != 0) {
		audience_peer_reject(a, peer, REJECT_QUEUE_FULL, 0, "many phones are asking: ask again in a moment");
		return;
	}
	a->recap_waiting[slot] = peer;
	peer->recap_ticket = ticket;
}

struct audience_peer *audience_recap_answered(struct audience *a, uint64_t ticket, char *json)
{
	struct audience_peer **waiting = &a->recap_waiting[ticket % JOURNAL_READER_MAX];
	struct audience_peer *peer = *waiting;

	if (!peer || peer->recap_ticket != ticket || !json) {
		free(json);	/* the phone left (or the file could not be read: it may ask again) */
		if (peer && peer->recap_ticket == ticket) {
			peer->recap_ticket = 0;
			*waiting = NULL;
		}
		return NULL;
	}
	*waiting = NULL;
	peer->recap_ticket = 0;
	recap_ready(peer, json);
	return peer->on_socket ? peer : NULL;
}

/*
 * forget from a phone that has not joined (after the show): the journal
 * deletes whoever its token names (journal.h); a participant the show still
 * holds with that token is forgotten here too. The same "forgotten" and
 * close follow.
 */
static void handle_forget_token(struct audience *a, struct audience_peer *peer, const struct client_msg *m,
				double now_s)
{
	struct journal_event e = { .kind = JOURNAL_FORGET, .t = now_s };
	int p = crowd_find_by_token(a->crowd, m->token);

	if (p >= 0) {
		struct audience_peer *owner = crowd_participant_owner(a->crowd, p);

		if (owner && owner != peer) {	/* its other connection closes as forgotten too */
			owner->participant = -1;
			owner->close_code = AUDIENCE_CLOSE_FORGOTTEN;
			displace(a, owner);
		}
		if (a->texts)
			crowdtext_withdraw(a->texts, crowd_participant_id(a->crowd, p));
		crowd_leave(a->crowd, p, now_s);
		crowd_forget(a->crowd, p);
	}
	snprintf(e.text, sizeof(e.text), "%s", m->token);
	peer->pending |= PEER_SEND_FORGOTTEN;
	hold_until_journal(a, peer, a->journal ? journal_push(a->journal, &e) : 0);
}

bool audience_handle_text(struct audience *a, struct audience_peer *peer,
			  const char *buf, size_t len, double now_s)
{
	struct client_msg m;
	enum reject_reason r;

	a->metrics->messages_received++;
	a->metrics->bytes_received += len;
	if (peer->close_code)
		return false;	/* closing: nothing more counts */
	if (!within_message_rate(a, peer, now_s))
		return false;
	r = protocol_decode(buf, len, &m);
	if (r != REJECT_NONE) {
		audience_peer_reject(a, peer, r, m.seq, m.detail);
		return false;
	}
	if (a->relay && m.type != CLIENT_PING && m.type != CLIENT_SYNC && m.type != CLIENT_VISIBILITY) {
		/* The core owns the crowd: it applies it and answers; an input or vote earns a prompt state here. */
		a->relay->message(a->relay->user, peer, buf, len);
		return m.type == CLIENT_INPUT || m.type == CLIENT_VOTE;
	}
	switch (m.type) {
	case CLIENT_HELLO:
		handle_hello(a, peer, &m, now_s);
		return false;
	case CLIENT_PING:
		if (!token_bucket_take(&peer->ping_bucket, PING_RATE, PING_BURST, now_s)) {
			a->metrics->rejected[REJECT_RATE_LIMITED]++;
			return false;
		}
		peer->ping_t0 = m.t0;
		peer->ping_t1 = now_s;
		peer->pending |= PEER_SEND_PONG;
		return false;
	case CLIENT_FORGET:
		if (peer->participant >= 0)
			handle_forget(a, peer, now_s);
		else if (m.has_token)
			handle_forget_token(a, peer, &m, now_s);
		else
			audience_peer_reject(a, peer, REJECT_NOT_JOINED, 0, NULL);
		return false;
	case CLIENT_RECAP:
		handle_recap(a, peer, &m);
		return false;
	case CLIENT_SYNC:
	case CLIENT_VISIBILITY:
		/* The state stream's business (the caller's): what it sends this phone, and how often. */
		if (peer->participant < 0) {
			audience_peer_reject(a, peer, REJECT_NOT_JOINED, 0, NULL);
			return false;
		}
		if (m.type == CLIENT_VISIBILITY && m.hidden != peer->hidden) {
			peer->hidden = m.hidden;
			peer->want_show = !m.hidden;	/* shown again: the whole show at once */
		} else if (m.type == CLIENT_SYNC) {
			peer->want_show = true;
		}
		return false;
	case CLIENT_INPUT:
	case CLIENT_VOTE:
		break;
	}
	if (peer->participant < 0) {
		audience_peer_reject(a, peer, REJECT_NOT_JOINED, m.seq, NULL);
		return false;
	}
	if (!within_rate(a, peer, m.seq, now_s))
		return false;
	if (!crowd_seq_take(a->crowd, peer->participant, m.seq)) {
		a->metrics->rejected[REJECT_DUPLICATE]++;
		queue_ack(peer, crowd_participant_last_seq(a->crowd, peer->participant));
		return true;
	}
	if (m.type == CLIENT_INPUT)
		handle_input(a, peer, &m, now_s);
	else
		handle_vote(a, peer, &m, now_s);
	queue_ack(peer, m.seq);
	return true;
}

void audience_handle_binary(struct audience *a, struct audience_peer *peer, size_t len, double now_s)
{
	a->metrics->messages_received++;
	a->metrics->bytes_received += len;
	if (peer->close_code || !within_message_rate(a, peer, now_s))
		return;
	reject_coalesced(a, peer, REJECT_BINARY_FRAME, 0, &peer->last_binary_error_s, now_s);
}

bool audience_peer_has_personal(const struct audience_peer *peer)
{
	uint8_t pending = peer->pending;

	if (held(peer)) {
		if (pending & PEER_SEND_WELCOME)
			return false;	/* nothing goes before the welcome */
		pending &= (uint8_t)~PEER_SEND_FORGOTTEN;
	}
	pending &= (uint8_t)~PEER_SEND_ACK;	/* not a message of its own: it rides in a state */
	return pending || peer->error_count || peer->relayed_first;
}

bool audience_peer_ack_ready(const struct audience_peer *peer)
{
	return (peer->pending & PEER_SEND_ACK) && !held(peer);
}

void audience_peer_ack_sent(struct audience_peer *peer)
{
	peer->pending &= (uint8_t)~PEER_SEND_ACK;
}

size_t audience_peer_next_personal(struct audience *a, struct audience_peer *peer,
				   char *out, size_t cap, double now_s)
{
	size_t n = 0;
	bool attempted;

	/*
	 * Forgotten, removed or taken over before its welcome went (a hello and
	 * a forget in one packet, the welcome held for the journal): there is
	 * nobody to welcome, and the slot may already be someone else's.
	 */
	if ((peer->pending & PEER_SEND_WELCOME) && peer->participant < 0)
		peer->pending &= (uint8_t)~PEER_SEND_WELCOME;
	attempted = audience_peer_has_personal(peer);
	if (!attempted)
		return 0;
	if (peer->pending & PEER_SEND_WELCOME) {
		int p = peer->participant;
		struct welcome_info w = {
			.id = crowd_participant_id(a->crowd, p),
			.token = crowd_participant_token(a->crowd, p),
			.resumed = peer->resumed,
			.zone_id = a->cfg->zones[peer->zone].id,
			.last_seq = crowd_participant_last_seq(a->crowd, p),
			.votes = crowd_participant_votes(a->crowd, p),
			.t_s = now_s,
		};

		peer->pending &= (uint8_t)~PEER_SEND_WELCOME;
		n = protocol_encode_welcome(out, cap, a->cfg, &w);
	} else if (peer->relayed_first) {
		struct relayed_msg *m = peer->relayed_first;

		if (m->len <= cap) {
			memcpy(out, m->text, m->len);
			n = m->len;
		}
		peer->relayed_first = m->next;
		if (!peer->relayed_first)
			peer->relayed_last = NULL;
		peer->relayed_count--;
		free(m);
	} else if (peer->error_count) {
		struct peer_error e = peer->errors[0];
		enum reject_reason code = (enum reject_reason)e.code;

		memmove(peer->errors, peer->errors + 1,
			(AUDIENCE_ERRORS_MAX - 1) * sizeof(peer->errors[0]));
		peer->error_count--;
		n = protocol_encode_error(out, cap, code, e.has_detail ? peer->detail : NULL, e.seq,
					  code == REJECT_VENUE_FULL ? AUDIENCE_RETRY_FULL_MS : -1);
	} else if (peer->pending & PEER_SEND_PONG) {
		peer->pending &= (uint8_t)~PEER_SEND_PONG;
		n = protocol_encode_pong(out, cap, peer->ping_t0, peer->ping_t1, now_s);
	} else if ((peer->pending & PEER_SEND_FORGOTTEN) && !held(peer)) {
		peer->pending &= (uint8_t)~PEER_SEND_FORGOTTEN;
		n = protocol_encode_forgotten(out, cap);
		peer->close_code = AUDIENCE_CLOSE_FORGOTTEN;	/* after "forgotten", nothing more */
	} else if (peer->pending & PEER_SEND_RECAP) {
		size_t len = peer->recap ? strlen(peer->recap) : 0;

		peer->pending &= (uint8_t)~PEER_SEND_RECAP;
		if (len < cap) {
			memcpy(out, peer->recap, len + 1);
			n = len;
		}
		free(peer->recap);
		peer->recap = NULL;
	} else if (peer->pending & PEER_SEND_TEXT_STATUS) {
		struct peer_verdict v = peer->verdicts[0];

		memmove(peer->verdicts, peer->verdicts + 1, (AUDIENCE_VERDICTS_MAX - 1) * sizeof(peer->verdicts[0]));
		if (--peer->verdict_count == 0)
			peer->pending &= (uint8_t)~PEER_SEND_TEXT_STATUS;
		n = protocol_encode_text_status(out, cap, v.seq, v.approved);
	}
	if (n)
		a->metrics->personal_sent++;
	else if (attempted)
		peer->encode_failed = true;	/* something was due but did not fit: it is lost */
	return n;
}

void audience_relay_message(struct audience *a, struct audience_peer *peer, const void *text, size_t len)
{
	struct relayed_msg *m = malloc(sizeof(*m) + len);

	if (!m) {
		peer->encode_failed = true;
		return;
	}
	if (peer->relayed_count == AUDIENCE_RELAYED_MAX) {
		/* A phone that reads nothing for this long has lost the thread anyway: its oldest goes. */
		struct relayed_msg *old = peer->relayed_first;

		peer->relayed_first = old->next;
		peer->relayed_count--;
		free(old);
		a->metrics->relayed_dropped++;
	}
	m->next = NULL;
	m->len = len;
	memcpy(m->text, text, len);
	*(peer->relayed_last ? &peer->relayed_last->next : &peer->relayed_first) = m;
	peer->relayed_last = m;
	peer->relayed_count++;
}

void audience_relay_joined(struct audience_peer *peer)
{
	peer->participant = 0;	/* a participant somewhere: the edge has no crowd of its own */
}

void audience_relay_ack(struct audience_peer *peer, uint64_t seq)
{
	queue_ack(peer, seq);
}

void audience_relay_close(struct audience_peer *peer, int code)
{
	peer->close_code = code;
	peer->participant = -1;
}

int audience_mute(struct audience *a, const char *id, bool muted)
{
	int p = crowd_find_by_id(a->crowd, id);

	if (p < 0)
		return -1;
	crowd_participant_set_muted(a->crowd, p, muted);
	if (!muted) {
		sanctions_lift(&a->sanctions, id, crowd_participant_origin(a->crowd, p), SANCTION_MUTE);
		return 0;
	}
	if (sanctions_add(&a->sanctions, crowd_participant_origin(a->crowd, p), crowd_participant_id(a->crowd, p),
			  SANCTION_MUTE) != 0)
		log_warn("moderation: %d sanctions already; %s is muted until it reconnects without its token",
			 SANCTIONS_MAX, id);
	if (a->texts)
		crowdtext_withdraw(a->texts, crowd_participant_id(a->crowd, p));
	return 0;
}

int audience_readmit(struct audience *a, const char *id)
{
	return sanctions_lift(&a->sanctions, id, 0, SANCTION_REMOVE) ? 0 : -1;
}

/*
 * An approved text is journaled with its sender, for that participant's
 * recap alone: forget-me and the retention period delete it (docs/privacy.md).
 */
static void journal_wall(struct audience *a, const struct crowdtext_item *it, double now_s)
{
	struct journal_event e = { .kind = JOURNAL_WALL, .t = now_s, .a = (int32_t)it->id };

	if (!a->journal)
		return;
	snprintf(e.participant, sizeof(e.participant), "%s", it->from);
	/* A text is at most CONFIG_TEXT_BYTES_MAX; one that would not fit the event ends on a whole character. */
	snprintf(e.text, sizeof(e.text), "%.*s", (int)sizeof(e.text) - 1, it->text);
	utf8_trim(e.text);
	journal_push(a->journal, &e);
}

void audience_text_decided(struct audience *a, const struct crowdtext_item *it, bool approved, double now_s)
{
	struct audience_peer *owner;

	if (approved)
		journal_wall(a, it, now_s);

	/* The slot may belong to someone else by now: only the same anonymous id hears it. */
	if (it->participant < 0 || strcmp(crowd_participant_id(a->crowd, it->participant), it->from) != 0)
		return;
	owner = crowd_participant_owner(a->crowd, it->participant);
	if (!owner)
		return;
	if (owner->verdict_count == AUDIENCE_VERDICTS_MAX) {	/* the oldest goes; a phone never has more waiting */
		memmove(owner->verdicts, owner->verdicts + 1, (AUDIENCE_VERDICTS_MAX - 1) * sizeof(owner->verdicts[0]));
		owner->verdict_count--;
	}
	owner->verdicts[owner->verdict_count++] = (struct peer_verdict){ it->seq, approved };
	owner->pending |= PEER_SEND_TEXT_STATUS;
}

int audience_kick(struct audience *a, const char *id, double now_s)
{
	int p = crowd_find_by_id(a->crowd, id);
	struct audience_peer *owner;

	if (p < 0)
		return -1;
	if (a->texts)	/* by its own id: the console may have typed it another way */
		crowdtext_withdraw(a->texts, crowd_participant_id(a->crowd, p));
	if (sanctions_add(&a->sanctions, crowd_participant_origin(a->crowd, p), crowd_participant_id(a->crowd, p),
			  SANCTION_REMOVE) != 0)
		log_warn("moderation: %d sanctions already; %s can come back as a new participant", SANCTIONS_MAX, id);
	journal_note(a, JOURNAL_MODERATION, p, 0, 0, 0, 0, "removed by the venue", now_s);
	owner = crowd_participant_owner(a->crowd, p);
	if (owner) {
		/* Its connection closes with 4003 once it is woken (displace). */
		owner->participant = -1;
		owner->close_code = AUDIENCE_CLOSE_REMOVED;
		displace(a, owner);
	}
	/* Gone for good: its token no longer resumes, so a reload cannot bring it back. */
	crowd_leave(a->crowd, p, now_s);
	crowd_forget(a->crowd, p);
	return 0;
}

void audience_peer_sendf(struct audience *a, struct audience_peer *peer, double now_s, const char *fmt, ...)
{
	char msg[AUDIENCE_SENDF_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(msg))
		audience_handle_text(a, peer, msg, (size_t)n, now_s);
}

int audience_peer_drain(struct audience *a, struct audience_peer *peer, double now_s)
{
	char scratch[4096];	/* the largest personal message: a welcome with every poll's vote */

	while (audience_peer_next_personal(a, peer, scratch, sizeof(scratch), now_s))
		;
	if (audience_peer_ack_ready(peer))
		audience_peer_ack_sent(peer);	/* read in the state the phone would get */
	return peer->close_code;
}
