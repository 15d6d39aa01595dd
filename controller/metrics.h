/*
 * metrics.h - the daemon's counters and their Prometheus text rendering
 * for GET /metrics.
 *
 * Thread: counters are plain integers owned by the net thread, which both
 * updates them and renders /metrics.
 */
#ifndef TUTTI_METRICS_H
#define TUTTI_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "net_protocol.h"

#define METRICS_TICK_BUCKETS 9

struct metrics {
	uint64_t connections_opened;	/* WebSocket connections established */
	uint64_t connections_closed;
	uint32_t connections;		/* open now (audience sockets) */
	uint64_t messages_received;
	uint64_t bytes_received;
	uint64_t inputs_accepted[CONTROL_COUNT];	/* CONTROL_VOTE counts votes */
	uint64_t rejected[REJECT_COUNT];	/* messages and connections refused, by reason */
	uint64_t closes[4];		/* by us with 1007, 1008, 1009, 1013 */
	uint64_t ticks;
	uint64_t tick_overruns;		/* ticks that took longer than the tick period */
	double tick_seconds_sum;
	double tick_seconds_max;
	uint64_t tick_buckets[METRICS_TICK_BUCKETS];	/* cumulative at render time */
	uint64_t broadcasts;		/* state generations published to every phone */
	uint64_t prompt_states;		/* between broadcasts, for phones whose input was just applied */
	uint64_t states_sent;		/* state frames written to phones */
	uint64_t states_skipped;	/* generations a slow phone never got */
	uint64_t broadcast_bytes;	/* bytes of state written to phones */
	uint64_t personal_sent;		/* welcome, ack, pong, error frames */
	uint64_t http_requests;
};

/* Live values that are not counters, passed in when rendering. */
struct metrics_live {
	uint32_t participants;		/* connected */
	uint32_t participants_known;	/* connected or waiting to resume */
	uint32_t active;
	uint32_t capacity;
	uint32_t max_connections;
	double uptime_s;
	uint32_t cue_index;
	uint32_t simulated;
	size_t state_bytes;		/* size of the newest state (venue zone 0) */
};

/* Records one tick's duration and whether it overran @period_s. */
void metrics_tick_record(struct metrics *m, double seconds, double period_s);
/* Maps a WebSocket close code we sent to its counter; other codes are ignored. */
void metrics_close_record(struct metrics *m, int code);

/* Renders Prometheus text. Returns the length, or 0 when @cap is too small. */
size_t metrics_render(const struct metrics *m, const struct metrics_live *live,
		      char *out, size_t cap);

#endif
