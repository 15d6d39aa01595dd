/*
 * state_stream.h - what phones are told of the show, split by how often it
 * changes (docs/protocol.md, "s: the state stream"):
 *
 *   show   the cue, its controls, the poll's question and options, frozen,
 *          over: versioned, sent to a phone only when it lacks that version;
 *   beat   the beat grid phones play by themselves, likewise;
 *   live   the numbers, built every tick, compact: only what the current
 *          cue shows, fixed decimals, no nulls.
 *
 * Each part is encoded once per tick for the whole venue; a phone's message
 * is its parts put together with its own acknowledgement, so thousands of
 * phones cost one encoding and a copy of about 70 bytes each.
 *
 * Thread: the net thread's (the tick builds it, the fan-out reads it).
 */
#ifndef TUTTI_STATE_STREAM_H
#define TUTTI_STATE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"

#define STATE_SHOW_MAX	16384	/* a cue's texts and an 8-option poll, escaped, with room */
#define STATE_BEAT_MAX	96
#define STATE_LIVE_MAX	512	/* the numbers of every control and an 8-option poll */
#define STATE_MESSAGE_MAX	(STATE_SHOW_MAX + STATE_BEAT_MAX + STATE_LIVE_MAX + 96)

struct state_stream {
	uint32_t show_v;		/* version of show[]: grows when its bytes change */
	uint32_t beat_v;		/* likewise for beat[] */
	size_t show_len, beat_len, live_len;	/* 0 = did not fit (never sent) */
	char show[STATE_SHOW_MAX];	/* the show object's fields after "v" */
	char beat[STATE_BEAT_MAX];	/* the beat object, or null */
	char live[STATE_LIVE_MAX];	/* the live fields, "n":... */
	char scratch[STATE_SHOW_MAX];	/* a new show, compared with show[] */
};

void state_stream_init(struct state_stream *s);
/*
 * Builds the parts from the tick's frame. Returns 0, or -1 when a part did
 * not fit (its old bytes stay; the caller logs it once).
 */
int state_stream_update(struct state_stream *s, const struct venue_config *cfg, const struct show_frame *f);

/* What one phone's message carries besides the live numbers. */
struct state_extras {
	uint64_t ack_seq;		/* 0 = no acknowledgement in it */
	bool show;			/* the phone lacks this show version */
	bool beat;			/* ... or this beat grid */
};

/* The length of the usual message: the live numbers alone (the /metrics gauge). */
size_t state_stream_usual_len(const struct state_stream *s);

/* One phone's message into @out (size @cap). Returns its length, or 0 when it does not fit. */
size_t state_stream_message(const struct state_stream *s, const struct state_extras *x, char *out, size_t cap);

#endif
