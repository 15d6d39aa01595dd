/*
 * stage_transition.h - when the stage screen changes scene, and how far a
 * cue's transition (config_transition: cut, fade, wipe, zoom) has got.
 * One clock for both paths: the GPU mixes the two scenes in a shader
 * (stage_gpu.c), the software path on the CPU (stage_screen.c).
 *
 * Into or out of a blackout, and the first scene, is always a cut: the
 * venue's call, not a look. A picture drawn with no time since the last
 * (dt 0, "jump to rest") ends any transition.
 *
 * Thread: the render thread's; plain data.
 */
#ifndef TUTTI_STAGE_TRANSITION_H
#define TUTTI_STAGE_TRANSITION_H

#include <stdbool.h>

#include "config.h"
#include "stage_frame.h"

#define STAGE_CUE_BLACKOUT	-2	/* stage_transition.cue while the venue blacks the screen out */
#define STAGE_CUE_NONE		-1

struct stage_transition {
	int cue;			/* the scene shown: a cue index, STAGE_CUE_NONE or STAGE_CUE_BLACKOUT */
	double clock;			/* seconds of pictures drawn */
	double started;			/* clock when the running transition began; < 0: none runs */
	struct config_transition kind;
};

void stage_transition_init(struct stage_transition *t);
/* The scene @f shows: a cue index, STAGE_CUE_NONE or STAGE_CUE_BLACKOUT. */
int stage_transition_cue(const struct venue_config *cfg, const struct stage_frame *f);
/*
 * One picture, @dt_s after the last, of scene @cue. True when the scene
 * changed with it: the caller keeps the last picture to leave from (a
 * transition starts when the new cue has one).
 */
bool stage_transition_step(struct stage_transition *t, const struct venue_config *cfg, int cue, double dt_s);
/* How far the running transition is, 0..1 eased in and out; -1 when none runs. */
float stage_transition_mix(const struct stage_transition *t);

#endif
