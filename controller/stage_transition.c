/*
 * stage_transition.c - scene changes and transition progress. See
 * stage_transition.h.
 */
#include "stage_transition.h"

void stage_transition_init(struct stage_transition *t)
{
	*t = (struct stage_transition){ .cue = STAGE_CUE_NONE, .started = -1 };
}

int stage_transition_cue(const struct venue_config *cfg, const struct stage_frame *f)
{
	if (f->blackout)
		return STAGE_CUE_BLACKOUT;
	return f->show.cue_index >= 0 && (uint32_t)f->show.cue_index < cfg->cue_count ? f->show.cue_index :
											  STAGE_CUE_NONE;
}

bool stage_transition_step(struct stage_transition *t, const struct venue_config *cfg, int cue, double dt_s)
{
	bool changed = cue != t->cue;

	t->clock += dt_s;
	if (changed) {
		const struct config_transition *k = cue >= 0 ? &cfg->cues[cue].transition : NULL;

		t->started = k && t->cue >= 0 && k->type != TRANSITION_CUT && k->seconds > 0 ? t->clock : -1;
		if (k)
			t->kind = *k;
		t->cue = cue;
	}
	if (dt_s <= 0 || (t->started >= 0 && t->clock - t->started >= t->kind.seconds))
		t->started = -1;
	return changed;
}

float stage_transition_mix(const struct stage_transition *t)
{
	double u;

	if (t->started < 0)
		return -1;
	u = (t->clock - t->started) / t->kind.seconds;
	return (float)(u * u * (3 - 2 * u));
}
