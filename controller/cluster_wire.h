/*
 * cluster_wire.h - what edges and their core say to each other over NATS
 * (docs/scale.md, "On the wire"): one message per tick each way, a header
 * then records.
 *
 *   edge -> core, subject PREFIX.in: the edge's id and phone count, then
 *     what its phones did since its last message: a connection opened
 *     (from which address), a text message, a close (binary frames and
 *     pings the edge answers itself).
 *   core -> edge, subject PREFIX.out.EDGE: the core's instance and show
 *     time, the newest state (state_stream.h) when it changed, then per
 *     connection: personal messages (rendered, as the phone gets them),
 *     joined, an acknowledgement that may go out, a close.
 *
 * Numbers are little-endian, whatever the machines. A reader checks every
 * length against what is left: a short or garbled message ends the read
 * with an error, never a read past the end.
 *
 * Thread: any (plain buffers).
 */
#ifndef TUTTI_CLUSTER_WIRE_H
#define TUTTI_CLUSTER_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_EDGE_MAGIC	0x31455454u	/* "TTE1" */
#define WIRE_CORE_MAGIC	0x31435454u	/* "TTC1" */
#define WIRE_EDGE_ID_MAX 64		/* an edge's id, as it appears in its subject */

enum wire_kind {
	/* edge -> core */
	WIRE_OPEN = 1,		/* a phone connected; data: u64, the key of its address (net_addrtable.h) */
	WIRE_TEXT = 2,		/* data: one text message, as the phone sent it */
	WIRE_CLOSED = 4,	/* its socket closed */
	/* core -> edge */
	WIRE_PERSONAL = 16,	/* data: a message for this phone (welcome, pong, error, ...) */
	WIRE_JOINED = 17,	/* the phone is a participant: states go to it */
	WIRE_ACK = 18,		/* data: u64 seq, acknowledged in its next state */
	WIRE_CLOSE = 19,	/* data: u16 close code, after its personal messages */
	WIRE_STATE = 20,	/* conn 0; data: the state (wire_state_encode) */
};

/* A growing buffer a message is written into. */
struct wire_buf {
	unsigned char *p;
	size_t len, cap;
	bool failed;		/* out of memory once: the message is incomplete, do not send it */
};

void wire_buf_reset(struct wire_buf *b);
void wire_buf_free(struct wire_buf *b);

/* The headers. */
struct wire_edge_header {
	char id[WIRE_EDGE_ID_MAX + 1];	/* the edge's id, [A-Za-z0-9_-]: its subject is PREFIX.out.ID */
	uint32_t phones;		/* its admitted connections */
};
struct wire_core_header {
	uint64_t instance;		/* a new one each time the core starts: edges then re-sync */
	double show_t;			/* the core's show time when the message went */
};

void wire_edge_header_put(struct wire_buf *b, const struct wire_edge_header *h);
void wire_core_header_put(struct wire_buf *b, const struct wire_core_header *h);
/* The show time of a core message written earlier, set again as it goes: the edges' clocks follow it. */
void wire_core_header_stamp(struct wire_buf *b, double show_t);
void wire_record_put(struct wire_buf *b, enum wire_kind kind, uint32_t conn, const void *data, size_t len);
void wire_record_u64(struct wire_buf *b, enum wire_kind kind, uint32_t conn, uint64_t v);
void wire_record_u32(struct wire_buf *b, enum wire_kind kind, uint32_t conn, uint32_t v);
void wire_record_u16(struct wire_buf *b, enum wire_kind kind, uint32_t conn, uint16_t v);

/* The state as it travels: versions, the broadcast flag, and its three parts (show only when asked). */
struct wire_state {
	bool broadcast;			/* every phone's turn, or only those that acted */
	uint32_t show_v, beat_v;
	const char *show, *beat, *live;	/* show NULL: not in this message */
	uint32_t show_len, beat_len, live_len;
};
void wire_state_put(struct wire_buf *b, const struct wire_state *s);

/* Reading one message. */
struct wire_reader {
	const unsigned char *p;
	size_t len, at;
};
struct wire_record {
	enum wire_kind kind;
	uint32_t conn;
	const unsigned char *data;
	uint32_t len;
};

/* Returns 0, or -1 when @buf is not such a message (short, or the wrong magic). */
int wire_edge_header_get(struct wire_reader *r, const void *buf, size_t len, struct wire_edge_header *h);
int wire_core_header_get(struct wire_reader *r, const void *buf, size_t len, struct wire_core_header *h);
/* The next record: 1, 0 at the end, -1 when the rest is garbled (stop reading). */
int wire_record_next(struct wire_reader *r, struct wire_record *rec);
/* A record's number (OPEN, ACK, CLOSE); false when its data is not that size. */
bool wire_record_u64_get(const struct wire_record *rec, uint64_t *v);
bool wire_record_u32_get(const struct wire_record *rec, uint32_t *v);
bool wire_record_u16_get(const struct wire_record *rec, uint16_t *v);
/* A STATE record's state; false when garbled. Its parts point into the record. */
bool wire_state_get(const struct wire_record *rec, struct wire_state *s);

#endif
