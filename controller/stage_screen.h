/*
 * stage_screen.h - one stage picture: the cue's scene drawn on the GPU
 * (stage_gpu.h: OpenGL ES shaders, read back) or, where there is no GL,
 * by SDL's software renderer, into a surface this module owns; then the
 * photosensitivity limiter (safety_flash.h) over those pixels, so nothing a
 * scene, the crowd or the artist does reaches the screen or a still
 * unchecked, on either path. The live render thread (stage_render.c) shows the pixels in a
 * window or writes them as stills; a rehearsal's (stage_offline.c) draws
 * its frames on the show's clock.
 *
 * Thread: the one that created it (SDL's renderer and SDL_ttf are not
 * shared between threads).
 */
#ifndef TUTTI_STAGE_SCREEN_H
#define TUTTI_STAGE_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "safety_flash.h"
#include "stage_frame.h"

struct stage_screen;

/* Which path draws the pictures. */
enum stage_renderer {
	STAGE_RENDERER_AUTO = 0,	/* the GPU when OpenGL ES works here, else software (logged) */
	STAGE_RENDERER_GPU,		/* the GPU or nothing */
	STAGE_RENDERER_SOFTWARE,	/* SDL's software renderer */
	STAGE_RENDERER_AUTO_HARDWARE,	/* the GPU only where GL runs on one (not Mesa's CPU rasteriser), else software */
};

/* "auto", "gpu", "software" to the enum; -1 for another name. */
int stage_renderer_from_name(const char *name);

/* A @width x @height picture for @cfg's scenes in the font at @font_path, drawn by the path @want says. NULL with @err. */
struct stage_screen *stage_screen_create(const struct venue_config *cfg, int width, int height,
					      const char *font_path, enum stage_renderer want, char *err,
					      size_t err_size);
/* "gpu" or "software", and what draws ("OpenGL ES 3.2 Mesa ... (llvmpipe ...)", or why not the GPU). */
const char *stage_screen_renderer(const struct stage_screen *sc, const char **detail);
/* True when the GPU path's OpenGL ES is Mesa's rasteriser on the CPU (llvmpipe and its kin), not a GPU. */
bool stage_screen_gl_on_cpu(const struct stage_screen *sc);
/* The last picture's time drawing (and reading back) and in the safety pass, seconds. */
void stage_screen_times(const struct stage_screen *sc, double *draw_s, double *safety_s);
void stage_screen_destroy(struct stage_screen *sc);
/*
 * Draws @f at time @t_s (the limiter's clock), @dt_s after the previous
 * picture (0 = animations jump to rest), within the flash policy @f
 * carries, then limits it.
 */
void stage_screen_draw(struct stage_screen *sc, const struct stage_frame *f, double t_s, double dt_s);
/* The picture's pixels (ARGB8888 words) and bytes per row. */
const uint32_t *stage_screen_pixels(const struct stage_screen *sc, int *width, int *height, int *pitch);
void stage_screen_flash_stats(const struct stage_screen *sc, struct flash_stats *out);
/* The picture as a PNG file at @path, written atomically. 0, or -1 with @err. */
int stage_screen_write_png(const struct stage_screen *sc, const char *path, char *err, size_t err_size);

#endif
