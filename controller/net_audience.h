/*
 * net_audience.h - what a phone's messages do to the show.
 *
 * A peer is one audience connection: a phone's WebSocket, or a simulated
 * phone. The audience module decodes its messages, checks them (joined?
 * fresh seq? within its rate? control enabled? poll open?), applies them to
 * the crowd and queues what the phone must be told. Real and simulated
 * phones go through exactly this code.
 *
 * Personal messages (welcome, ack, pong, error) wait in a small, bounded,
 * coalescing outbox per peer: a newer ack or pong replaces an unsent one,
 * and errors beyond AUDIENCE_ERRORS_MAX drop the oldest. A peer therefore
 * never grows a queue, however slow its socket.
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_NET_AUDIENCE_H
#define TUTTI_NET_AUDIENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crowd_sanctions.h"
#include "net_addrtable.h"
#include "config.h"
#include "crowd.h"
#include "crowd_text.h"
#include "journal.h"
#include "journal_reader.h"
#include "metrics.h"
#include "net_protocol.h"
#include "ratelimit.h"
#include "show.h"

#define AUDIENCE_ERRORS_MAX	4
#define AUDIENCE_VERDICTS_MAX	4	/* crowd-text verdicts waiting to go to one phone */
#define AUDIENCE_RETRY_FULL_MS	5000	/* venue full: when to try again */
#define AUDIENCE_CLOSE_RESUMED_ELSEWHERE 4001	/* the participant moved to a newer connection */
#define AUDIENCE_CLOSE_REMOVED		4003	/* the venue removed the participant (moderation) */
#define AUDIENCE_CLOSE_FORGOTTEN	4004	/* the participant asked to be forgotten, and was */

enum {
	PEER_SEND_WELCOME = 1 << 0,
	PEER_SEND_PONG = 1 << 1,
	PEER_SEND_ACK = 1 << 2,		/* not a message: the phone's next state carries ack_seq */
	PEER_SEND_TEXT_STATUS = 1 << 3,	/* the moderators decided on its crowd text */
	PEER_SEND_FORGOTTEN = 1 << 4,	/* its rows are deleted; the connection closes after it */
	PEER_SEND_RECAP = 1 << 5,	/* the recap it asked for is in peer->recap */
};

struct peer_error {
	uint8_t code;			/* enum reject_reason */
	bool has_detail;		/* peer->detail belongs to this error */
	uint64_t seq;
};

/* The moderators decided on the crowd text sent by input @seq. */
struct peer_verdict {
	uint64_t seq;
	bool approved;
};

/* On an edge: one answer the core rendered for this phone, as the phone gets it. */
struct relayed_msg {
	struct relayed_msg *next;
	size_t len;
	char text[];
};

struct audience_peer;

#define AUDIENCE_RELAYED_MAX	16	/* answers from the core waiting for one phone; beyond, the oldest go */

/*
 * An edge (cluster_edge.h) sets this on its audience: a phone's messages
 * then go to the core, which owns the crowd, and the core's answers come
 * back as bytes (audience_relay_*). Pings, sync and visibility are the
 * edge's own business, as is every transport rule before them.
 */
struct audience_relay {
	void *user;
	/* A phone's connection was admitted, from the address @addr_key stands for. */
	void (*opened)(void *user, struct audience_peer *peer, uint64_t addr_key);
	/* Its message (decoded once here, so garbage is answered at once) for the core. */
	void (*message)(void *user, struct audience_peer *peer, const char *buf, size_t len);
	void (*closed)(void *user, struct audience_peer *peer);
};

struct audience_peer {
	int participant;		/* -1 until hello */
	uint32_t zone;
	struct addr_entry *addr;	/* NULL for simulated peers */
	struct token_bucket messages;	/* every frame, joined or not */
	struct token_bucket ping_bucket;
	double flood_since;		/* over the message rate since, -1 = not */
	double last_flood_s;
	double last_rate_error_s;
	double last_binary_error_s;	/* binary_frame errors go at most once a second */
	uint8_t pending;		/* PEER_SEND_* */
	uint8_t error_count;
	struct peer_error errors[AUDIENCE_ERRORS_MAX];	/* oldest first */
	char detail[80];		/* what was wrong, for the newest error only */
	bool resumed;
	uint64_t ack_seq;		/* every input and vote up to it processed (PEER_SEND_ACK) */
	bool hidden;			/* the phone's page is hidden: the lowest state rate */
	bool want_show;			/* it asked for the whole show (sync, or shown again); the caller clears it */
	/*
	 * Durable before acknowledged: a new participant's welcome, a vote's
	 * ack and "forgotten" wait until the journal holds this event; 0 = no
	 * wait. While it is set, a peer on a socket is in audience.held.
	 */
	uint64_t hold_journal;
	const struct journal *journal;	/* the audience's, for that wait */
	bool on_socket;			/* a real phone's connection (the caller sets it): it is woken on release */
	struct audience_peer *held_prev, *held_next;
	struct peer_verdict verdicts[AUDIENCE_VERDICTS_MAX];	/* moderators' verdicts to tell, oldest first */
	uint8_t verdict_count;
	double ping_t0, ping_t1;
	int close_code;			/* non-zero: close after the outbox drains */
	uint64_t state_gen;		/* newest state generation sent */
	bool encode_failed;		/* a personal message did not fit its buffer */
	uint64_t recap_ticket;		/* the recap asked for and not yet answered, 0 = none */
	char *recap;			/* the answer, until sent (malloc'd) */
	/* A phone on an edge: its number between edge and core (0: not one); on the edge, the core's answers waiting, oldest first. */
	uint32_t relay_conn;
	struct relayed_msg *relayed_first, *relayed_last;
	uint8_t relayed_count;
};

struct audience {
	const struct venue_config *cfg;
	struct crowd *crowd;
	struct show *show;
	struct metrics *metrics;
	struct crowdtext *texts;	/* crowd text for moderation; NULL = text refused */
	struct journal *journal;	/* joins, leaves, inputs and votes go here; NULL = none */
	bool frozen;			/* the venue froze crowd input (console): every input and vote is refused */
	struct audience_peer *displaced;	/* a socket's connection a resume or a removal took its
						 * participant from: the caller wakes it to close */
	struct crowd_sanctions sanctions;	/* mutes and removals for the rest of the show */
	/* Peers on sockets whose answer waits for the journal, oldest hold first (so in seq order). */
	struct audience_peer *held_first, *held_last;
	/* Recaps: read off the net thread (NULL = no journal: nothing is kept, so nothing to recap). */
	struct journal_reader *reader;
	uint64_t recap_asked;				/* recaps ever asked: tickets are made from it */
	struct audience_peer *recap_waiting[JOURNAL_READER_MAX];	/* by ticket % JOURNAL_READER_MAX */
	/* An edge's: phones' messages go to the core (NULL: this process owns the crowd). */
	const struct audience_relay *relay;
	/*
	 * A phone on an edge was displaced (cluster_core.h): the core is told at
	 * once, since net cannot close it. NULL: no edges.
	 */
	void (*remote_displaced)(void *user, struct audience_peer *peer);
	void *remote_user;
};

/* @texts (crowd text for moderation) may be NULL: crowd text is then refused. All borrowed. */
void audience_init(struct audience *a, const struct venue_config *cfg, struct crowd *crowd,
		   struct show *show, struct metrics *metrics, struct crowdtext *texts, struct journal *journal);

/* A new connection at show time @now_s; @addr may be NULL (simulated). */
void audience_peer_init(struct audience *a, struct audience_peer *peer,
			struct addr_entry *addr, double now_s);
/*
 * A phone's connection was admitted (net's caps passed), from the address
 * @addr_key stands for (net_addrtable.h's key). Only an edge does anything
 * with it: the core hears of the phone.
 */
void audience_peer_opened(struct audience *a, struct audience_peer *peer, uint64_t addr_key);
/* The connection closed: the participant may resume later. */
void audience_peer_closed(struct audience *a, struct audience_peer *peer, double now_s);

/*
 * Handles one text message from @peer. Returns true when it was an input or
 * vote the phone gets acknowledged (applied, refused with an error naming
 * its seq, or a re-send): its next state carries the acknowledgement.
 */
bool audience_handle_text(struct audience *a, struct audience_peer *peer,
			  const char *buf, size_t len, double now_s);
/*
 * Handles one binary frame (@len bytes) from @peer: not part of the
 * protocol, it counts against the message rate like any frame (a flood is
 * closed with 1008) and is answered with binary_frame at most once a second.
 */
void audience_handle_binary(struct audience *a, struct audience_peer *peer, size_t len, double now_s);
/*
 * Records a refusal for @peer and queues the error; @seq may be 0; @detail
 * (may be NULL) says what was wrong and replaces the generic message.
 */
void audience_peer_reject(struct audience *a, struct audience_peer *peer,
			  enum reject_reason reason, uint64_t seq, const char *detail);

/*
 * The next peer on a socket whose held answer the journal now holds (or
 * that no longer waits: a degraded journal holds nothing back), taken off
 * the held list; NULL when none. The caller writes its personal messages.
 */
struct audience_peer *audience_next_released(struct audience *a);

/*
 * The journal's reader answered recap @ticket with @json (taken over: sent
 * or freed). Returns the peer on a socket that now has it to send, or NULL
 * (the phone left, or is simulated and reads it at its next drain).
 */
struct audience_peer *audience_recap_answered(struct audience *a, uint64_t ticket, char *json);

/*
 * True while @peer's answer waits for the journal. Once the journal holds
 * it, the wait is over (cleared): for a peer with no socket here, whose
 * owner looks again each tick (an edge's phone, cluster_core.h).
 */
bool audience_peer_held(struct audience_peer *peer);
/* True when @peer has a personal message waiting (an acknowledgement is not one). */
bool audience_peer_has_personal(const struct audience_peer *peer);
/*
 * The acknowledgement of @peer's inputs (peer->ack_seq) goes in its next
 * state, not as a message: ready once the journal holds what it covers.
 * The caller marks it sent once a state carried it.
 */
bool audience_peer_ack_ready(const struct audience_peer *peer);
void audience_peer_ack_sent(struct audience_peer *peer);
/*
 * On an edge, what the core said of @peer: a message for it (rendered; the
 * oldest goes when AUDIENCE_RELAYED_MAX wait), that it joined (states go
 * to it), an acknowledgement for its next state, a close after what it has
 * waiting. The caller then has net write it (net_peer_wake()).
 */
void audience_relay_message(struct audience *a, struct audience_peer *peer, const void *text, size_t len);
void audience_relay_joined(struct audience_peer *peer);
void audience_relay_ack(struct audience_peer *peer, uint64_t seq);
void audience_relay_close(struct audience_peer *peer, int code);

/*
 * Moderation by the anonymous id phones and the console show
 * ("p-1a2b3c4d"); muting or removing also withdraws its crowd texts from
 * the queue and the wall. 0, or -1 when unknown.
 */
int audience_mute(struct audience *a, const char *id, bool muted);
/*
 * Removes a participant: its connection closes with 4003 (the caller
 * wakes a->displaced) and its token is forgotten. 0, or -1 when unknown.
 */
int audience_kick(struct audience *a, const char *id, double now_s);
/*
 * Mutes and removals outlive a reconnect: a phone from the address of a
 * muted participant joins muted, from a removed one's is refused with 4003,
 * for the rest of the show. audience_mute(id, false) lifts a mute (on that
 * address too); audience_readmit() lifts a removal by the id it was given
 * for. 0, or -1 when @id has no removal to lift.
 */
int audience_readmit(struct audience *a, const char *id);
/*
 * Tells the participant who sent @it (if it is still connected, and still
 * the same participant) the moderators' verdict; an approved text is
 * journaled with its sender at show time @now_s (the sender's recap).
 */
void audience_text_decided(struct audience *a, const struct crowdtext_item *it, bool approved, double now_s);
/*
 * Renders @peer's next personal message into @out and removes it from the
 * outbox. Returns its length, or 0 when nothing waits. @now_s stamps pongs.
 */
size_t audience_peer_next_personal(struct audience *a, struct audience_peer *peer,
				   char *out, size_t cap, double now_s);

/*
 * For phones in this process (the simulated crowd, a replay's phones), which
 * have no socket. sendf: @peer sends the text message @fmt makes, at most
 * AUDIENCE_SENDF_MAX bytes (a longer one is not sent). drain: @peer reads
 * every personal message waiting, as its socket would, and they are
 * dropped; returns the close code the show gave it (0 = open), and the
 * caller then closes it with audience_peer_closed().
 */
#define AUDIENCE_SENDF_MAX 512
void audience_peer_sendf(struct audience *a, struct audience_peer *peer, double now_s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int audience_peer_drain(struct audience *a, struct audience_peer *peer, double now_s);

#endif
