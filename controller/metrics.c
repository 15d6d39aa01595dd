/*
 * metrics.c - counters and Prometheus text format. See metrics.h.
 * Thread: net thread only.
 */
#include "metrics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static const double tick_bucket_le[METRICS_TICK_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1
};

static const int close_codes[4] = { 1007, 1008, 1009, 1013 };

void metrics_tick_record(struct metrics *m, double seconds, double period_s)
{
	m->ticks++;
	m->tick_seconds_sum += seconds;
	if (seconds > m->tick_seconds_max)
		m->tick_seconds_max = seconds;
	if (seconds > period_s)
		m->tick_overruns++;
	for (int i = 0; i < METRICS_TICK_BUCKETS; i++) {
		if (seconds <= tick_bucket_le[i]) {
			m->tick_buckets[i]++;
			break;
		}
	}
}

void metrics_close_record(struct metrics *m, int code)
{
	for (int i = 0; i < 4; i++)
		if (close_codes[i] == code)
			m->closes[i]++;
}

struct out {
	char *p;
	size_t cap, len;
	bool overflow;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->overflow = true;
	else
		o->len += (size_t)n;
}

static void gauge(struct out *o, const char *name, const char *help, double v)
{
	put(o, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name, name, v);
}

static void counter(struct out *o, const char *name, const char *help, uint64_t v)
{
	put(o, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
	    (unsigned long long)v);
}

size_t metrics_render(const struct metrics *m, const struct metrics_live *live,
		      char *buf, size_t cap)
{
	struct out o = { .p = buf, .cap = cap, .overflow = cap == 0 };
	uint64_t cumulative = 0;

	gauge(&o, "tutti_uptime_seconds", "Seconds since the daemon started.", live->uptime_s);
	gauge(&o, "tutti_connections", "Open audience WebSocket connections.", m->connections);
	gauge(&o, "tutti_connections_max", "Hard cap on audience connections.", live->max_connections);
	counter(&o, "tutti_connections_opened_total", "Audience WebSocket connections established.",
		m->connections_opened);
	counter(&o, "tutti_connections_closed_total", "Audience WebSocket connections closed.",
		m->connections_closed);
	put(&o, "# HELP tutti_connections_closed_by_code_total Connections the daemon closed, by close code.\n"
		"# TYPE tutti_connections_closed_by_code_total counter\n");
	for (int i = 0; i < 4; i++)
		put(&o, "tutti_connections_closed_by_code_total{code=\"%d\"} %llu\n", close_codes[i],
		    (unsigned long long)m->closes[i]);
	gauge(&o, "tutti_participants", "Participants joined now.", live->participants);
	gauge(&o, "tutti_participants_known", "Participants joined or waiting to resume.",
	      live->participants_known);
	gauge(&o, "tutti_participants_active", "Participants with an input in the active window.",
	      live->active);
	gauge(&o, "tutti_participants_simulated", "Simulated participants (--simulate).", live->simulated);
	gauge(&o, "tutti_capacity", "Venue capacity (participants).", live->capacity);
	gauge(&o, "tutti_cue_index", "Index of the current cue.", live->cue_index);
	counter(&o, "tutti_messages_received_total", "Text frames received from phones.",
		m->messages_received);
	counter(&o, "tutti_bytes_received_total", "Bytes received from phones.", m->bytes_received);
	put(&o, "# HELP tutti_inputs_accepted_total Inputs and votes applied to the show, by control.\n"
		"# TYPE tutti_inputs_accepted_total counter\n");
	for (int c = 0; c < CONTROL_COUNT; c++)
		put(&o, "tutti_inputs_accepted_total{control=\"%s\"} %llu\n",
		    control_name((enum control)c), (unsigned long long)m->inputs_accepted[c]);
	put(&o, "# HELP tutti_inputs_rejected_total Messages and connections refused, by reason.\n"
		"# TYPE tutti_inputs_rejected_total counter\n");
	for (int r = 1; r < REJECT_COUNT; r++)
		put(&o, "tutti_inputs_rejected_total{reason=\"%s\"} %llu\n",
		    reject_reason_name((enum reject_reason)r), (unsigned long long)m->rejected[r]);
	counter(&o, "tutti_ticks_total", "Show ticks run.", m->ticks);
	counter(&o, "tutti_tick_overruns_total", "Ticks that took longer than the tick period.",
		m->tick_overruns);
	gauge(&o, "tutti_tick_duration_max_seconds", "Longest tick so far.", m->tick_seconds_max);
	put(&o, "# HELP tutti_tick_duration_seconds Time spent in one show tick.\n"
		"# TYPE tutti_tick_duration_seconds histogram\n");
	for (int i = 0; i < METRICS_TICK_BUCKETS; i++) {
		cumulative += m->tick_buckets[i];
		put(&o, "tutti_tick_duration_seconds_bucket{le=\"%g\"} %llu\n", tick_bucket_le[i],
		    (unsigned long long)cumulative);
	}
	put(&o, "tutti_tick_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
		"tutti_tick_duration_seconds_sum %.9f\ntutti_tick_duration_seconds_count %llu\n",
	    (unsigned long long)m->ticks, m->tick_seconds_sum, (unsigned long long)m->ticks);
	counter(&o, "tutti_broadcasts_total", "State generations published to phones.", m->broadcasts);
	counter(&o, "tutti_prompt_states_total",
		"States published between broadcasts for phones whose input was just applied.", m->prompt_states);
	counter(&o, "tutti_states_sent_total", "State frames written to phones.", m->states_sent);
	counter(&o, "tutti_states_skipped_total", "State generations slow phones skipped.",
		m->states_skipped);
	counter(&o, "tutti_broadcast_bytes_total", "Bytes of state written to phones.",
		m->broadcast_bytes);
	gauge(&o, "tutti_state_bytes", "Size of the newest state message.", (double)live->state_bytes);
	counter(&o, "tutti_personal_messages_total", "welcome, ack, pong and error frames sent.",
		m->personal_sent);
	counter(&o, "tutti_http_requests_total", "HTTP requests for /healthz and /metrics.",
		m->http_requests);
	return o.overflow ? 0 : o.len;
}
