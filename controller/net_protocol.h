/*
 * net_protocol.h - the audience protocol tutti.audience.v2 (docs/protocol.md):
 * decoding what phones send and encoding what the daemon sends back.
 *
 * Decoding is strict about what it needs and ignores fields it does not
 * know, so newer phones can talk to this daemon. Nothing here touches
 * show state: the audience module applies decoded messages.
 *
 * Thread: any; functions are pure apart from the buffers given to them.
 */
#ifndef TUTTI_NET_PROTOCOL_H
#define TUTTI_NET_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"

#define PROTOCOL_NAME		"tutti.audience.v2"
#define PROTOCOL_TOKEN_MAX	64	/* longest token string accepted in hello */
#define PROTOCOL_SEQ_MAX	9007199254740991ULL	/* 2^53 - 1: exact in JavaScript */

/* Why a message (or connection) was refused; also the /metrics reason label. */
enum reject_reason {
	REJECT_NONE = 0,
	REJECT_MALFORMED_JSON,
	REJECT_UNKNOWN_TYPE,
	REJECT_INVALID_FIELD,
	REJECT_OUT_OF_RANGE,
	REJECT_NOT_JOINED,
	REJECT_ALREADY_JOINED,
	REJECT_UNKNOWN_ZONE,
	REJECT_CONTROL_DISABLED,
	REJECT_POLL_CLOSED,
	REJECT_UNKNOWN_POLL,
	REJECT_RATE_LIMITED,
	REJECT_BINARY_FRAME,
	REJECT_TOO_LARGE,
	REJECT_INVALID_UTF8,
	REJECT_DUPLICATE,		/* a re-sent seq: acked, not applied */
	REJECT_VENUE_FULL,
	REJECT_TOO_MANY_CONNECTIONS,
	REJECT_ORIGIN,
	REJECT_TOO_MANY_JOINS,		/* too many new participants from one address */
	REJECT_MUTED,			/* the venue muted this participant */
	REJECT_TEXT_REFUSED,		/* the venue's word filter refused a crowd text */
	REJECT_TOO_SOON,		/* a crowd text within the participant's interval */
	REJECT_QUEUE_FULL,		/* the moderators' queue is full */
	REJECT_REMOVED,			/* the venue removed this phone for the rest of the show */
	REJECT_SHOW_OVER,		/* the show is over: nobody joins; a phone asks for its recap */
	REJECT_COUNT
};

enum client_msg_type {
	CLIENT_HELLO = 0,
	CLIENT_INPUT,
	CLIENT_VOTE,
	CLIENT_PING,
	CLIENT_FORGET,			/* forget me: the participant's data is deleted */
	CLIENT_RECAP,			/* what the participant whose token it carries did (journal_recap.h) */
	CLIENT_SYNC,			/* the whole show again, in the next state */
	CLIENT_VISIBILITY		/* the phone's page was hidden or shown (the state rate) */
};

struct client_msg {
	enum client_msg_type type;
	uint64_t seq;			/* input, vote: >= 1 */
	/* hello; forget (optional), recap (required) */
	bool has_token;
	char token[PROTOCOL_TOKEN_MAX + 1];
	bool has_zone;
	char zone[CONFIG_ID_MAX + 1];
	/* input */
	enum control control;
	double x, y;			/* xy */
	double value;			/* slider value or shake energy */
	char text[CONFIG_TEXT_BYTES_MAX + 1];	/* text: as sent (cleaned by crowdtext) */
	/* vote */
	char poll[CONFIG_ID_MAX + 1];
	int64_t choice;
	/* ping */
	double t0;
	/* visibility */
	bool hidden;
	/* on error: what was wrong, for the error message */
	char detail[96];
};

/*
 * Decodes one text frame. Returns REJECT_NONE and fills @msg, or the reason
 * it was refused (REJECT_MALFORMED_JSON, _UNKNOWN_TYPE, _INVALID_FIELD,
 * _OUT_OF_RANGE) with @msg->detail saying what was wrong. When seq could be
 * read before the error, @msg->seq holds it (else 0).
 */
enum reject_reason protocol_decode(const char *buf, size_t len, struct client_msg *msg);

/* True when @buf holds valid UTF-8 (RFC 3629: no overlongs, no surrogates). */
bool protocol_utf8_valid(const char *buf, size_t len);

/* The wire name of a reason ("malformed_json", ...), also the metrics label. */
const char *reject_reason_name(enum reject_reason r);
/* A sentence for a person, used in error messages when there is no detail. */
const char *reject_reason_message(enum reject_reason r);

/*
 * Encoders write one JSON text into @out (size @cap) and return its length,
 * or 0 when it does not fit. Times are show seconds; they go out as ms.
 * The state stream has its own module (state_stream.h).
 */
size_t protocol_encode_pong(char *out, size_t cap, double t0, double t1_s, double t2_s);
/* The moderators' verdict on the crowd text sent by input @seq. */
size_t protocol_encode_text_status(char *out, size_t cap, uint64_t seq, bool approved);
/* The participant's data is deleted, as it asked (the connection then closes with 4004). */
size_t protocol_encode_forgotten(char *out, size_t cap);
/* @seq = 0 leaves seq out; @retry_ms < 0 leaves retry_ms out. */
size_t protocol_encode_error(char *out, size_t cap, enum reject_reason code,
			     const char *message, uint64_t seq, int retry_ms);

struct welcome_info {
	const char *id;
	const char *token;
	bool resumed;
	const char *zone_id;
	uint64_t last_seq;
	const int8_t *votes;		/* per poll index, -1 = none; may be NULL */
	double t_s;
};
size_t protocol_encode_welcome(char *out, size_t cap, const struct venue_config *cfg,
			       const struct welcome_info *w);

#endif
