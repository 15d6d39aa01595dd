/*
 * state_stream.c - the phones' state, split by how often it changes.
 * See state_stream.h.
 * Thread: the net thread's.
 */
#include "state_stream.h"

#include <stdio.h>
#include <string.h>

#include "json_writer.h"

void state_stream_init(struct state_stream *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->beat, "null", 4);
	s->beat_len = 4;
	s->beat_v = 1;
}

/* The poll phones see: the console's ad-hoc poll while it asks, else the cue's. */
static const struct frame_poll *shown_poll(const struct venue_config *cfg, const struct show_frame *f)
{
	const struct frame_poll *fp = f->adhoc_asking ? &f->adhoc_poll : &f->poll;

	return fp->index >= 0 && (uint32_t)fp->index < cfg->poll_count ? fp : NULL;
}

static void encode_show(struct jw *w, const struct venue_config *cfg, const struct show_frame *f)
{
	const struct config_cue *cue = &cfg->cues[f->cue_index];
	const struct frame_poll *fp = shown_poll(cfg, f);
	enum control order[CONTROL_COUNT];
	uint32_t n;

	jw_fmt(w, "\"frozen\":%s,\"over\":%s,\"cue\":{\"index\":%d,\"id\":", f->frozen ? "true" : "false",
	       f->over ? "true" : "false", f->cue_index);
	jw_str(w, cue->id);
	jw_lit(w, ",\"title\":");
	jw_str(w, cue->title);
	jw_lit(w, ",\"prompt\":");
	jw_str(w, cue->prompt);
	jw_lit(w, ",\"scene\":");
	jw_str(w, scene_name(cue->scene));
	/* In the order phones show them: the config's, which the enum's order is not. */
	jw_lit(w, ",\"controls\":[");
	n = config_cue_controls_ordered(cue, f->controls, order);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			jw_lit(w, ",");
		jw_str(w, control_name(order[i]));
	}
	jw_fmt(w, "],\"final\":%s,\"started\":", config_cue_is_final(cfg, f->cue_index) ? "true" : "false");
	jw_ms(w, f->cue_started);
	jw_lit(w, ",\"advance_at\":");
	jw_ms(w, f->cue_advance_at);
	jw_lit(w, "},\"poll\":");
	if (!fp) {
		jw_lit(w, "null");
		return;
	}
	const struct config_poll *p = &cfg->polls[fp->index];

	jw_lit(w, "{\"id\":");
	jw_str(w, p->id);
	jw_lit(w, ",\"question\":");
	jw_str(w, p->question);
	jw_lit(w, ",\"options\":[");
	for (uint32_t o = 0; o < p->option_count; o++) {
		if (o)
			jw_lit(w, ",");
		jw_str(w, p->options[o]);
	}
	jw_fmt(w, "],\"open\":%s,\"hidden\":%s,\"round\":%u,\"closes_at\":", fp->open ? "true" : "false",
	       fp->hidden ? "true" : "false", fp->round);
	jw_ms(w, fp->closes_at);
	jw_fmt(w, ",\"revealed\":%s,\"vetoed\":%s,\"winner\":", fp->revealed ? "true" : "false",
	       fp->vetoed ? "true" : "false");
	if (fp->winner >= 0)
		jw_fmt(w, "%d}", fp->winner);
	else
		jw_lit(w, "null}");
}

static void encode_beat(struct jw *w, const struct frame_beat *b)
{
	if (!b->on) {
		jw_lit(w, "null");
		return;
	}
	jw_fmt(w, "{\"at\":%.1f,\"ms\":%.1f,\"flash\":%u}", b->at * 1000.0, b->period * 1000.0, b->flash_every);
}

/* Only what the cue's controls show, and only what has a value: a phone draws nothing else. */
static void encode_live(struct jw *w, const struct venue_config *cfg, const struct show_frame *f,
			uint32_t show_v)
{
	const struct crowd_summary *c = &f->venue;
	const struct frame_poll *fp = shown_poll(cfg, f);

	jw_fmt(w, "\"n\":%llu,\"v\":%u,\"p\":%u,\"a\":%u", (unsigned long long)f->tick, show_v,
	       c->participants, c->active);
	if (f->controls & (1u << CONTROL_TAP)) {
		jw_fmt(w, ",\"tap\":[%.1f", c->taps_per_s > 0 ? c->taps_per_s : 0.0);
		if (c->tempo_bpm > 0)
			jw_fmt(w, ",%.0f", c->tempo_bpm);
		jw_lit(w, "]");
	}
	if ((f->controls & (1u << CONTROL_XY)) && c->xy_n)
		jw_fmt(w, ",\"xy\":[%.2f,%.2f,%.2f,%.2f]", c->x_mean, c->y_mean, c->x_median, c->y_median);
	if ((f->controls & (1u << CONTROL_SLIDER)) && c->slider_n)
		jw_fmt(w, ",\"sl\":[%.2f,%.2f]", c->slider_mean, c->slider_median);
	if (f->controls & (1u << CONTROL_SHAKE))
		jw_fmt(w, ",\"sh\":[%u,%.2f]", c->shake_n, c->shake_energy);
	/* Counts held back for the reveal are not on the wire at all. */
	if (fp && !fp->hidden) {
		uint32_t options = cfg->polls[fp->index].option_count;

		jw_lit(w, ",\"t\":[");
		for (uint32_t o = 0; o < options; o++)
			jw_fmt(w, o ? ",%u" : "%u", fp->tallies[o]);
		jw_lit(w, "]");
	}
}

int state_stream_update(struct state_stream *s, const struct venue_config *cfg, const struct show_frame *f)
{
	struct jw show = JW_INIT(s->scratch, sizeof(s->scratch));
	char beat_now[STATE_BEAT_MAX];
	struct jw beat = JW_INIT(beat_now, sizeof(beat_now));
	struct jw live = JW_INIT(s->live, sizeof(s->live));
	int rc = 0;
	size_t len;

	encode_show(&show, cfg, f);
	len = jw_done(&show);
	if (!len)
		rc = -1;
	else if (len != s->show_len || memcmp(s->scratch, s->show, len) != 0) {
		memcpy(s->show, s->scratch, len);
		s->show_len = len;
		s->show_v++;
	}
	encode_beat(&beat, &f->beat);
	len = jw_done(&beat);
	if (len && (len != s->beat_len || memcmp(beat_now, s->beat, len) != 0)) {
		memcpy(s->beat, beat_now, len);
		s->beat_len = len;
		s->beat_v++;
	}
	encode_live(&live, cfg, f, s->show_v);
	s->live_len = jw_done(&live);
	if (!s->live_len)
		rc = -1;
	return rc;
}

size_t state_stream_usual_len(const struct state_stream *s)
{
	/* {"type":"s", + the live fields + } */
	return s->live_len ? strlen("{\"type\":\"s\",") + s->live_len + 1 : 0;
}

size_t state_stream_message(const struct state_stream *s, const struct state_extras *x, char *out, size_t cap)
{
	struct jw w = JW_INIT(out, cap);

	if (!s->live_len || !s->show_len)
		return 0;
	jw_lit(&w, "{\"type\":\"s\"");
	if (x->ack_seq)
		jw_fmt(&w, ",\"k\":%llu", (unsigned long long)x->ack_seq);
	if (x->show) {
		jw_fmt(&w, ",\"show\":{\"v\":%u,", s->show_v);
		jw_raw(&w, s->show, s->show_len);
		jw_lit(&w, "}");
	}
	if (x->beat) {
		jw_lit(&w, ",\"beat\":");
		jw_raw(&w, s->beat, s->beat_len);
	}
	jw_lit(&w, ",");
	jw_raw(&w, s->live, s->live_len);
	jw_lit(&w, "}");
	return jw_done(&w);
}
