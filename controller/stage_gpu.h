/*
 * stage_gpu.h - the stage picture drawn with OpenGL ES 2 shaders: a moving
 * background that breathes with the music, the crowd as glowing particles
 * in their zones' colours with a ripple at every tap, poll bars that grow
 * and burst into confetti at the reveal, a smooth crowd heat map, an audio
 * scene of rings, ISF shader scenes played by the crowd, and a transition
 * (fade, wipe, zoom or cut) at every cue change.
 *
 * Text, the QR code and the logo come from the software scene
 * (stage_scene.h) drawn as an overlay, so both paths share one layout. The
 * finished picture is read back into the caller's pixels: the safety pass
 * (stage_screen.c) judges exactly what will be shown.
 *
 * Thread: the one that created it (it owns a GL context).
 */
#ifndef TUTTI_STAGE_GPU_H
#define TUTTI_STAGE_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stage_frame.h"

struct stage_gpu;

/*
 * A @width x @height GPU picture for @cfg's scenes (their ISF shaders
 * compiled now), text in the font at @font_path. NULL with the reason in
 * @err when there is no usable GL: the caller falls back to software.
 */
struct stage_gpu *stage_gpu_create(const struct venue_config *cfg, int width, int height, const char *font_path,
				   char *err, size_t err_size);
void stage_gpu_destroy(struct stage_gpu *g);
/*
 * Draws @f, @dt_s after the previous picture (0 = animations jump to rest),
 * into @pixels (ARGB8888 words, @pitch bytes per row, the create size).
 */
void stage_gpu_draw(struct stage_gpu *g, const struct stage_frame *f, double dt_s, uint32_t *pixels, int pitch);
/* What draws, e.g. "OpenGL ES 3.2 Mesa 22.3.6 (llvmpipe ...)". */
const char *stage_gpu_name(const struct stage_gpu *g);
/* True when that GL is Mesa's rasteriser on the CPU (llvmpipe, softpipe, swrast): shaders there cost many times the software renderer. */
bool stage_gpu_on_cpu(const struct stage_gpu *g);

#endif
