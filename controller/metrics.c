/*
 * metrics.c - counters and Prometheus text format, written as rows
 * {name, type, help, value} by one function. See metrics.h.
 * Thread: net thread only.
 */
#include "metrics.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "audio_device.h"
#include "audio_engine.h"
#include "frame.h"
#include "stage_render.h"

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

void metrics_inputs_rate_update(struct metrics *m, double now)
{
	uint64_t inputs = 0;

	for (int c = 0; c < CONTROL_COUNT; c++)
		inputs += m->inputs_accepted[c];
	if (m->rate_t > 0)
		m->inputs_per_s = (double)(inputs - m->rate_inputs) / (now - m->rate_t);
	m->rate_inputs = inputs;
	m->rate_t = now;
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

size_t metrics_write_rows(char *out, size_t cap, size_t len, const struct metrics_row *rows, size_t n)
{
	struct out o = { .p = out, .cap = cap, .len = len, .overflow = len >= cap };

	for (size_t i = 0; i < n; i++) {
		const struct metrics_row *r = &rows[i];

		if (r->type)
			put(&o, "# HELP %s %s\n# TYPE %s %s\n", r->name, r->help, r->name, r->type);
		put(&o, "%s%s", r->name, r->suffix ? r->suffix : "");
		if (r->label)
			put(&o, "{%s=\"%s\"}", r->label, r->label_value);
		if (r->prec == METRICS_INT)
			put(&o, " %llu\n", (unsigned long long)r->n);
		else if (!isfinite(r->v))	/* the exposition format's spelling, not printf's "-inf" */
			put(&o, " %s\n", isnan(r->v) ? "NaN" : r->v > 0 ? "+Inf" : "-Inf");
		else if (r->prec == METRICS_G17)
			put(&o, " %.17g\n", r->v);
		else
			put(&o, " %.*f\n", r->prec, r->v);
	}
	return o.overflow ? 0 : o.len;
}

/* The rows of one render, filled in order. */
struct rows {
	struct metrics_row r[64 + CONTROL_COUNT + REJECT_COUNT + METRICS_TICK_BUCKETS +
			     LATENCY_BUCKETS / METRICS_LATENCY_EVERY];
	size_t n;
};

static void rows_add(struct rows *rs, const struct metrics_row *add, size_t n)
{
	for (size_t i = 0; i < n && rs->n < sizeof(rs->r) / sizeof(rs->r[0]); i++)
		rs->r[rs->n++] = add[i];
}

#define ROWS_ADD(rs, table) rows_add((rs), (table), sizeof(table) / sizeof((table)[0]))

/* Appends the stage audio's health to text of length @len. */
static size_t render_audio(const struct engine_stats *s, const struct audio_status *st,
			   const struct frame_music *mu, char *out, size_t cap, size_t len)
{
	const struct metrics_row rows[] = {
		{ "tutti_audio_callbacks_total", "counter", "Audio callbacks run.", .n = s->callbacks },
		{ "tutti_audio_frames_total", "counter", "Audio frames rendered.", .n = s->frames },
		{ "tutti_audio_xruns_total", "counter", "Buffer underflows and overflows the device reported.",
		  .n = s->xruns },
		{ "tutti_audio_late_callbacks_total", "counter", "Callbacks that took longer than their block.",
		  .n = s->late_callbacks },
		{ "tutti_audio_device_clock_frames", "gauge",
		  "The device's own clock at its latest callback, in frames (JACK's frame time on JACK).",
		  .n = s->device_clock_frames },
		{ "tutti_audio_callback_seconds", "gauge", "Audio callback time.",
		  .v = s->callback_max_s, .prec = 9, .label = "stat", .label_value = "max" },
		{ "tutti_audio_callback_seconds",
		  .v = s->callback_p999_s, .prec = 9, .label = "stat", .label_value = "p99.9" },
		{ "tutti_audio_callback_seconds",
		  .v = s->budget_s, .prec = 9, .label = "stat", .label_value = "budget" },
		{ "tutti_audio_callback_load", "gauge", "p99.9 callback time over the block's duration.",
		  .v = s->budget_s > 0 ? s->callback_p999_s / s->budget_s : 0.0, .prec = 4 },
		{ "tutti_audio_device_lost", "gauge", "1 while the audio device is gone (alarm).",
		  .n = st->device_lost ? 1 : 0 },
		{ "tutti_audio_device_reopen_attempts_total", "counter", "Tries to reopen a lost device.",
		  .n = st->reopen_attempts },
		{ "tutti_audio_limiter_reduction_db", "gauge", "Master limiter gain reduction now.",
		  .v = mu->limiter_db, .prec = 2 },
		{ "tutti_audio_limiter_clamped_samples_total", "counter", "Samples the last-resort clamp held.",
		  .n = s->clamped_samples },
		{ "tutti_audio_output_peak_dbfs", "gauge", "Stage output peak, last report.",
		  .v = mu->output_peak_dbfs, .prec = 2 },
		{ "tutti_audio_input_level", "gauge", "Live input RMS (0..1).", .v = mu->level, .prec = 4 },
		{ "tutti_audio_input_bpm", "gauge", "Live input tempo (0 = unknown).", .v = mu->bpm, .prec = 2 },
		{ "tutti_audio_input_beats_total", "counter", "Beats detected in the live input.", .n = mu->beats },
		{ "tutti_audio_triggers_dropped_total", "counter", "One-shots dropped (ring full).",
		  .n = s->triggers_dropped },
		{ "tutti_audio_loudness_momentary_lufs", "gauge",
		  "Stage output loudness over the last 400 ms (EBU R 128; -Inf = silence).",
		  .v = s->loudness.momentary_lufs, .prec = 2 },
		{ "tutti_audio_loudness_shortterm_lufs", "gauge", "Stage output loudness over the last 3 s.",
		  .v = s->loudness.shortterm_lufs, .prec = 2 },
		{ "tutti_audio_loudness_integrated_lufs", "gauge", "Stage output loudness since the show began (gated).",
		  .v = s->loudness.integrated_lufs, .prec = 2 },
		{ "tutti_audio_loudness_range_lu", "gauge", "Stage output loudness range (LRA) since the show began.",
		  .v = s->loudness.range_lu, .prec = 2 },
		{ "tutti_audio_true_peak_dbtp", "gauge", "Stage output's highest true peak since the show began.",
		  .v = s->loudness.true_peak_dbtp, .prec = 2 },
		{ "tutti_audio_loudness_dropped_frames_total", "counter",
		  "Output frames the loudness meter missed (its ring was full).", .n = s->loudness.dropped },
	};

	return metrics_write_rows(out, cap, len, rows, sizeof(rows) / sizeof(rows[0]));
}

/* Appends the stage screen's and the OSC gear's health to text of length @len. */
static size_t render_stage(const struct visuals_stats *v, const struct metrics_osc *osc,
			   char *out, size_t cap, size_t len)
{
	const struct metrics_row rows[] = {
		{ "tutti_stage_running", "gauge", "1 while the stage screen renders.", .n = v->running },
		{ "tutti_stage_frames_total", "counter", "Stage frames rendered.", .n = v->frames },
		{ "tutti_stage_gpu", "gauge", "1 while the stage screen is drawn by OpenGL ES shaders, 0 in software.",
		  .n = v->renderer && strcmp(v->renderer, "gpu") == 0 },
		{ "tutti_stage_safety_share", "gauge", "Share of the stage frame time the flash limiter takes.",
		  .v = v->safety_share, .prec = 3 },
		{ "tutti_stage_frame_seconds", "gauge",
		  "Stage frame time (draw and safety pass), last 1024 frames.",
		  .v = v->frame_p99_s, .prec = 6, .label = "stat", .label_value = "p99" },
		{ "tutti_stage_frame_seconds",
		  .v = v->frame_max_s, .prec = 6, .label = "stat", .label_value = "max" },
		{ "tutti_stage_flash_cells_held_total", "counter", "Screen cells the flash limiter held back.",
		  .n = v->flash_cells_held },
		{ "tutti_stage_flash_red_dropped_total", "counter",
		  "Screen cells whose red the flash limiter removed.", .n = v->flash_red_dropped },
		{ "tutti_stage_stills_total", "counter", "PNG stills written.", .n = v->pngs_written },
		{ "tutti_osc_sent_total", "counter", "OSC messages sent to stage gear.", .n = osc->sent },
		{ "tutti_osc_errors_total", "counter", "OSC messages that could not be sent.", .n = osc->errors },
		{ "tutti_osc_input_refused_total", "counter",
		  "OSC input refused (address not allowed, unknown message).", .n = osc->input_refused },
	};

	return metrics_write_rows(out, cap, len, rows, sizeof(rows) / sizeof(rows[0]));
}

size_t metrics_render(const struct metrics *m, const struct metrics_live *live,
		      char *buf, size_t cap)
{
	struct rows rs = { .n = 0 };
	char codes[4][8], le[METRICS_TICK_BUCKETS][16], latency_le[LATENCY_BUCKETS / METRICS_LATENCY_EVERY][16];
	uint64_t cumulative = 0;
	size_t n;
	const struct metrics_row connections[] = {
		{ "tutti_uptime_seconds", "gauge", "Seconds since the daemon started.",
		  .v = live->uptime_s, .prec = METRICS_G17 },
		{ "tutti_connections", "gauge", "Open audience WebSocket connections.", .n = m->connections },
		{ "tutti_connections_max", "gauge", "Hard cap on audience connections.",
		  .n = live->max_connections },
		{ "tutti_connections_opened_total", "counter", "Audience WebSocket connections established.",
		  .n = m->connections_opened },
		{ "tutti_connections_closed_total", "counter", "Audience WebSocket connections closed.",
		  .n = m->connections_closed },
		{ "tutti_connections_idle_closed_total", "counter",
		  "Audience connections closed after limits.idle_hangup_s without a word or a pong.",
		  .n = m->connections_idle_closed },
	};
	const struct metrics_row crowd[] = {
		{ "tutti_participants", "gauge", "Participants joined now.", .n = live->participants },
		{ "tutti_participants_known", "gauge", "Participants joined or waiting to resume.",
		  .n = live->participants_known },
		{ "tutti_participants_active", "gauge", "Participants with an input in the active window.",
		  .n = live->active },
		{ "tutti_participants_simulated", "gauge", "Simulated participants (--simulate).",
		  .n = live->simulated },
		{ "tutti_capacity", "gauge", "Venue capacity (participants).", .n = live->capacity },
		{ "tutti_cue_index", "gauge", "Index of the current cue.", .n = live->cue_index },
		{ "tutti_messages_received_total", "counter", "Text frames received from phones.",
		  .n = m->messages_received },
		{ "tutti_bytes_received_total", "counter", "Bytes received from phones.", .n = m->bytes_received },
	};
	const struct metrics_row ticks[] = {
		{ "tutti_ticks_total", "counter", "Show ticks run.", .n = m->ticks },
		{ "tutti_tick_overruns_total", "counter", "Ticks that took longer than the tick period.",
		  .n = m->tick_overruns },
		{ "tutti_tick_duration_max_seconds", "gauge", "Longest tick so far.",
		  .v = m->tick_seconds_max, .prec = METRICS_G17 },
	};
	const struct metrics_row tick_total[] = {
		{ "tutti_tick_duration_seconds", .n = m->ticks, .label = "le", .label_value = "+Inf",
		  .suffix = "_bucket" },
		{ "tutti_tick_duration_seconds", .v = m->tick_seconds_sum, .prec = 9, .suffix = "_sum" },
		{ "tutti_tick_duration_seconds", .n = m->ticks, .suffix = "_count" },
	};
	const struct metrics_row latency_total[] = {
		{ "tutti_input_to_state_seconds", .n = m->input_to_state.n, .label = "le", .label_value = "+Inf",
		  .suffix = "_bucket" },
		{ "tutti_input_to_state_seconds", .v = m->input_to_state.sum_s, .prec = 9, .suffix = "_sum" },
		{ "tutti_input_to_state_seconds", .n = m->input_to_state.n, .suffix = "_count" },
	};
	const struct metrics_row states[] = {
		{ "tutti_broadcasts_total", "counter", "State generations published to phones.",
		  .n = m->broadcasts },
		{ "tutti_prompt_states_total", "counter",
		  "States published between broadcasts for phones whose input was just applied.",
		  .n = m->prompt_states },
		{ "tutti_states_sent_total", "counter", "State frames written to phones.", .n = m->states_sent },
		{ "tutti_states_skipped_total", "counter", "State generations slow phones skipped.",
		  .n = m->states_skipped },
		{ "tutti_broadcast_bytes_total", "counter", "Bytes of state written to phones.",
		  .n = m->broadcast_bytes },
		{ "tutti_state_bytes", "gauge", "Size of the newest usual state message (the live numbers alone).", .n = live->state_bytes },
		{ "tutti_personal_messages_total", "counter", "welcome, ack, pong and error frames sent.",
		  .n = m->personal_sent },
		{ "tutti_relayed_dropped_total", "counter",
		  "On an edge: the core's answers dropped for a phone that read none of the last 16.",
		  .n = m->relayed_dropped },
		{ "tutti_http_requests_total", "counter", "HTTP requests for /healthz and /metrics.",
		  .n = m->http_requests },
	};

	ROWS_ADD(&rs, connections);
	for (int i = 0; i < 4; i++) {
		snprintf(codes[i], sizeof(codes[i]), "%d", close_codes[i]);
		rows_add(&rs, &(struct metrics_row){ "tutti_connections_closed_by_code_total",
			i ? NULL : "counter", "Connections the daemon closed, by close code.",
			.n = m->closes[i], .label = "code", .label_value = codes[i] }, 1);
	}
	ROWS_ADD(&rs, crowd);
	for (int c = 0; c < CONTROL_COUNT; c++)
		rows_add(&rs, &(struct metrics_row){ "tutti_inputs_accepted_total",
			c ? NULL : "counter", "Inputs and votes applied to the show, by control.",
			.n = m->inputs_accepted[c], .label = "control",
			.label_value = control_name((enum control)c) }, 1);
	for (int r = 1; r < REJECT_COUNT; r++)
		rows_add(&rs, &(struct metrics_row){ "tutti_inputs_rejected_total",
			r > 1 ? NULL : "counter", "Messages and connections refused, by reason.",
			.n = m->rejected[r], .label = "reason",
			.label_value = reject_reason_name((enum reject_reason)r) }, 1);
	ROWS_ADD(&rs, ticks);
	for (int i = 0; i < METRICS_TICK_BUCKETS; i++) {
		cumulative += m->tick_buckets[i];
		snprintf(le[i], sizeof(le[i]), "%g", tick_bucket_le[i]);
		rows_add(&rs, &(struct metrics_row){ "tutti_tick_duration_seconds",
			i ? NULL : "histogram", "Time spent in one show tick.", .n = cumulative,
			.label = "le", .label_value = le[i], .suffix = "_bucket" }, 1);
	}
	ROWS_ADD(&rs, tick_total);
	cumulative = 0;
	for (int i = 0, row = 0; i < LATENCY_BUCKETS - 1; i++) {
		cumulative += m->input_to_state.count[i];
		if (i % METRICS_LATENCY_EVERY != METRICS_LATENCY_EVERY - 1)
			continue;
		snprintf(latency_le[row], sizeof(latency_le[row]), "%.6g", latency_hist_bound(i));
		rows_add(&rs, &(struct metrics_row){ "tutti_input_to_state_seconds",
			row ? NULL : "histogram",
			"From a phone's input or vote arriving to the first state sent to it after it was applied.",
			.n = cumulative, .label = "le", .label_value = latency_le[row], .suffix = "_bucket" }, 1);
		row++;
	}
	ROWS_ADD(&rs, latency_total);
	ROWS_ADD(&rs, states);
	n = metrics_write_rows(buf, cap, 0, rs.r, rs.n);
	if (n && live->engine)
		n = render_audio(live->engine, live->audio, live->music, buf, cap, n);
	/* An edge has no stage, audio or OSC: its page stops at the phones. */
	return n && live->stage ? render_stage(live->stage, &live->osc, buf, cap, n) : n;
}
