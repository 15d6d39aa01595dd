/*
 * osc_out.c - OSC to stage gear. See osc_out.h.
 */
#include "osc_out.h"

#include <lo/lo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "audio_map.h"

struct osc_out {
	const struct venue_config *cfg;
	lo_address targets[CONFIG_MAX_OSC_TARGETS];
	int cue;			/* the cue the timers below belong to */
	double next_send[CONFIG_MAX_OSC_SENDS];
	uint64_t sent, errors;
};

struct osc_out *osc_out_create(const struct venue_config *cfg, char *err, size_t err_size)
{
	struct osc_out *o = calloc(1, sizeof(*o));

	if (!o) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	o->cfg = cfg;
	o->cue = -1;
	for (uint32_t t = 0; t < cfg->osc_target_count; t++) {
		char port[8];

		snprintf(port, sizeof(port), "%u", cfg->osc_targets[t].port);
		o->targets[t] = lo_address_new(cfg->osc_targets[t].host, port);
		if (!o->targets[t]) {
			snprintf(err, err_size, "OSC target \"%s\" (%s:%s) cannot be set up",
				 cfg->osc_targets[t].id, cfg->osc_targets[t].host, port);
			osc_out_destroy(o);
			return NULL;
		}
	}
	return o;
}

void osc_out_destroy(struct osc_out *o)
{
	if (!o)
		return;
	for (uint32_t t = 0; t < CONFIG_MAX_OSC_TARGETS; t++)
		if (o->targets[t])
			lo_address_free(o->targets[t]);
	free(o);
}

static void count(struct osc_out *o, int rc)
{
	if (rc < 0)
		o->errors++;	/* a desk that is off: the show goes on, /metrics says so */
	else
		o->sent++;
}

void osc_out_tick(struct osc_out *o, const struct show_frame *f, double now)
{
	const struct config_cue *cue;

	if (!o || f->cue_index < 0 || (uint32_t)f->cue_index >= o->cfg->cue_count)
		return;
	cue = &o->cfg->cues[f->cue_index];
	if (f->cue_index != o->cue) {
		o->cue = f->cue_index;
		for (uint32_t i = 0; i < CONFIG_MAX_OSC_SENDS; i++)
			o->next_send[i] = now;
		for (uint32_t t = 0; t < o->cfg->osc_target_count; t++)
			count(o, lo_send(o->targets[t], "/tutti/cue", "is", f->cue_index, cue->id));
	}
	for (uint32_t i = 0; i < cue->osc_count; i++) {
		const struct config_osc_send *s = &cue->osc[i];
		double v, u;

		if (now < o->next_send[i])
			continue;
		/* Keep the rate even when a tick is late, without bursting to catch up. */
		o->next_send[i] += 1.0 / s->rate_hz;
		if (o->next_send[i] < now)
			o->next_send[i] = now + 1.0 / s->rate_hz;
		v = audiomap_source_value(f, s->source, s->source_arg);
		if (isnan(v))
			continue;	/* no data yet (nobody on the slider): send nothing rather than a guess */
		u = s->in_max != s->in_min ? (v - s->in_min) / (s->in_max - s->in_min) : 0;
		u = u < 0 ? 0 : u > 1 ? 1 : u;
		count(o, lo_send(o->targets[s->target], s->address, "f",
				 (float)(s->out_min + u * (s->out_max - s->out_min))));
	}
}

uint64_t osc_out_sent(const struct osc_out *o)
{
	return o ? o->sent : 0;
}

uint64_t osc_out_errors(const struct osc_out *o)
{
	return o ? o->errors : 0;
}
