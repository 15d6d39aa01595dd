/*
 * metrics.h - the daemon's counters and their Prometheus text rendering
 * for GET /metrics, with the stage audio's and the stage screen's health.
 *
 * Thread: counters are plain integers owned by the net thread, which both
 * updates them and renders /metrics.
 */
#ifndef TUTTI_METRICS_H
#define TUTTI_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "latency_hist.h"
#include "net_protocol.h"

#define METRICS_TICK_BUCKETS 9
#define METRICS_LATENCY_EVERY 4	/* /metrics shows every 4th latency bucket: each twice the last */

struct metrics {
	uint64_t connections_opened;	/* WebSocket connections established */
	uint64_t connections_closed;
	uint64_t connections_idle_closed;	/* silent past limits.idle_hangup_s, pinged in vain */
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
	uint64_t relayed_dropped;	/* an edge's: the core's answers a phone that read nothing lost */
	uint64_t http_requests;
	/* From a phone's input or vote arriving to the first state written to it after it was applied. */
	struct latency_hist input_to_state;
	double inputs_per_s;		/* accepted inputs per second, at the last rate update */
	uint64_t rate_inputs;		/* inputs accepted at the last rate update */
	double rate_t;			/* show time of the last rate update, 0 = none yet */
};

/* The other threads' health, read by the net thread when it renders. */
struct engine_stats;
struct audio_status;
struct frame_music;
struct visuals_stats;

/* OSC to and from stage gear. */
struct metrics_osc {
	uint64_t sent;			/* messages sent to stage gear */
	uint64_t errors;		/* messages that could not be sent */
	uint64_t input_refused;		/* input refused: address not allowed, unknown message */
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
	const struct engine_stats *engine;	/* the stage audio; NULL = none */
	const struct audio_status *audio;	/* with engine: its device */
	const struct frame_music *music;	/* with engine: its newest report */
	const struct visuals_stats *stage;	/* the stage screen and OSC; NULL = none (an edge) */
	struct metrics_osc osc;
};

#define METRICS_INT	0	/* struct metrics_row.prec: the value is n, an integer */
#define METRICS_G17	(-1)	/* ... the value is v, with 17 significant digits */

/*
 * One sample line of Prometheus text: name{label="label_value"} value.
 * A row with a type starts its family: "# HELP name help" and
 * "# TYPE name type" come first. The sample's name is name then suffix
 * (a histogram's "_bucket", "_sum", "_count").
 */
struct metrics_row {
	const char *name;
	const char *type;		/* "counter", "gauge", "histogram"; NULL: the family above goes on */
	const char *help;
	uint64_t n;			/* the value when prec is METRICS_INT */
	double v;			/* the value otherwise */
	int prec;			/* METRICS_INT, METRICS_G17, or v's decimals */
	const char *label;		/* NULL = no label */
	const char *label_value;
	const char *suffix;		/* NULL = none */
};

/* Appends @n rows to the text of length @len in @out. Returns the new length, or 0 when they do not fit in @cap. */
size_t metrics_write_rows(char *out, size_t cap, size_t len, const struct metrics_row *rows, size_t n);

/* Records one tick's duration and whether it overran @period_s. */
void metrics_tick_record(struct metrics *m, double seconds, double period_s);
/* Updates inputs_per_s: the inputs accepted since the previous update at show time @now. */
void metrics_inputs_rate_update(struct metrics *m, double now);
/* Maps a WebSocket close code we sent to its counter; other codes are ignored. */
void metrics_close_record(struct metrics *m, int code);

/* Renders Prometheus text. Returns the length, or 0 when @cap is too small. */
size_t metrics_render(const struct metrics *m, const struct metrics_live *live,
		      char *out, size_t cap);

#endif
