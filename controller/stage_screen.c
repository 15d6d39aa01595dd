/*
 * stage_screen.c - one stage picture: scene, then the flash limiter. See
 * stage_screen.h.
 * Thread: the creator's (a render thread).
 */
#include "stage_screen.h"

#include <SDL.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config_reader.h"
#include "log.h"
#include "stage_gpu.h"
#include "stage_scene.h"
#include "stage_still.h"
#include "stage_transition.h"

#define FLASH_CELL_PX	80	/* the limiter measures the screen in cells about this big */

struct stage_screen {
	SDL_Surface *surface;		/* what we draw (or read back) and limit */
	SDL_Renderer *draw;		/* software path: a renderer on the surface */
	struct scene_view *scene;	/* software path: its scenes */
	struct stage_gpu *gpu;		/* GPU path; NULL on the software path */
	char detail[256];		/* what draws, or why the GPU does not */
	double draw_s, safety_s;	/* the last picture's */
	const struct venue_config *cfg;
	struct stage_transition change;	/* software path: the scene shown, and the transition into it */
	uint32_t *from;			/* software path: the last picture of the scene being left */
	struct flash_screen *flash;
	struct flash_limits limits;	/* the policy the limiter holds now */
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

int stage_renderer_from_name(const char *name)
{
	static const char *const names[] = { "auto", "gpu", "software" };

	return reader_name_index(names, 3, name);
}

struct stage_screen *stage_screen_create(const struct venue_config *cfg, int width, int height,
					      const char *font_path, enum stage_renderer want, char *err,
					      size_t err_size)
{
	struct stage_screen *sc = calloc(1, sizeof(*sc));
	char why[300] = "";

	if (!sc) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	sc->cfg = cfg;
	stage_transition_init(&sc->change);
	sc->limits = (struct flash_limits){ .max_per_s = (uint8_t)cfg->safety.max_flashes_per_s,
					    .max_red_per_s = (uint8_t)cfg->safety.max_red_flashes_per_s };
	sc->surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
	if (sc->surface && want != STAGE_RENDERER_SOFTWARE) {
		sc->gpu = stage_gpu_create(cfg, width, height, font_path, why, sizeof(why));
		if (!sc->gpu && want == STAGE_RENDERER_GPU) {
			snprintf(err, err_size, "no GPU stage: %s", why);
			goto fail;
		}
		if (sc->gpu && want == STAGE_RENDERER_AUTO_HARDWARE && stage_gpu_on_cpu(sc->gpu)) {
			snprintf(why, sizeof(why), "the only OpenGL ES here runs on the CPU (%s)", stage_gpu_name(sc->gpu));
			stage_gpu_destroy(sc->gpu);
			sc->gpu = NULL;
		}
		if (!sc->gpu)
			log_info("stage: drawing in software: %s", why);
	}
	snprintf(sc->detail, sizeof(sc->detail), "%s", sc->gpu ? stage_gpu_name(sc->gpu) :
		 why[0] ? why : "software chosen");
	if (sc->surface && !sc->gpu)
		sc->draw = SDL_CreateSoftwareRenderer(sc->surface);
	if (!sc->draw && !sc->gpu) {
		snprintf(err, err_size, "cannot create the stage surface: %s", SDL_GetError());
		goto fail;
	}
	sc->flash = flash_screen_create(&sc->limits, width, height, (width + FLASH_CELL_PX - 1) / FLASH_CELL_PX,
					(height + FLASH_CELL_PX - 1) / FLASH_CELL_PX);
	if (!sc->flash) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
	if (sc->gpu)
		return sc;
	sc->scene = scene_create(sc->draw, cfg, font_path, err, err_size);
	if (!sc->scene)
		goto fail;
	return sc;
fail:
	stage_screen_destroy(sc);
	return NULL;
}

void stage_screen_destroy(struct stage_screen *sc)
{
	if (!sc)
		return;
	scene_destroy(sc->scene);
	free(sc->from);
	stage_gpu_destroy(sc->gpu);
	flash_screen_destroy(sc->flash);
	if (sc->draw)
		SDL_DestroyRenderer(sc->draw);
	if (sc->surface)
		SDL_FreeSurface(sc->surface);
	free(sc);
}

static float smooth(float e0, float e1, float x)
{
	float t = (x - e0) / (e1 - e0);

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return t * t * (3 - 2 * t);
}

/*
 * The software path's transition: the kept picture mixed into the new
 * scene's, @mix of the way, by the kind the GPU's compose shader draws
 * (the zoom's circle without its scaling).
 */
static void mix_pictures(struct stage_screen *sc, float mix)
{
	int w = sc->surface->w, h = sc->surface->h, stride = sc->surface->pitch / 4;
	enum transition kind = sc->change.kind.type;

	for (int y = 0; y < h; y++) {
		uint32_t *to = (uint32_t *)sc->surface->pixels + (size_t)y * (size_t)stride;
		const uint32_t *from = sc->from + (size_t)y * (size_t)w;
		float v = (float)y / (float)h;

		for (int x = 0; x < w; x++) {
			float u = (float)x / (float)w, m = mix;
			uint32_t a = from[x], b = to[x], out = b & 0xff000000u;
			int k;

			if (kind == TRANSITION_WIPE)
				m = smooth(u - 0.08f, u + 0.08f, mix * 1.16f - 0.08f);
			else if (kind == TRANSITION_ZOOM) {
				float r = sqrtf((u - 0.5f) * (u - 0.5f) * 1.78f * 1.78f + (v - 0.5f) * (v - 0.5f));

				m = smooth(r, r + 0.12f, mix * 1.2f);
			}
			k = (int)(m * 256.0f);
			for (int sh = 0; sh <= 16; sh += 8) {
				int ca = (int)(a >> sh & 0xff), cb = (int)(b >> sh & 0xff);

				out |= (uint32_t)(ca + ((cb - ca) * k >> 8)) << sh;
			}
			to[x] = out;
		}
	}
}

/* The software path's picture: the scene, and the last scene's picture mixed in while a transition runs. */
static void draw_software(struct stage_screen *sc, const struct stage_frame *f, double dt_s)
{
	int cue = stage_transition_cue(sc->cfg, f);
	float mix;

	if (stage_transition_step(&sc->change, sc->cfg, cue, dt_s) && sc->change.started >= 0) {
		if (!sc->from)
			sc->from = malloc((size_t)sc->surface->w * (size_t)sc->surface->h * 4);
		for (int y = 0; sc->from && y < sc->surface->h; y++)
			memcpy(sc->from + (size_t)y * (size_t)sc->surface->w,
			       (uint8_t *)sc->surface->pixels + (size_t)y * (size_t)sc->surface->pitch,
			       (size_t)sc->surface->w * 4);
	}
	scene_draw(sc->scene, f, dt_s);
	SDL_RenderFlush(sc->draw);
	mix = stage_transition_mix(&sc->change);
	if (mix >= 0 && sc->from)	/* with no room for the old picture, a cut */
		mix_pictures(sc, mix);
}

void stage_screen_draw(struct stage_screen *sc, const struct stage_frame *f, double t_s, double dt_s)
{
	/* A stricter policy from the console (or back to the venue's) from this picture on. */
	if (f->max_flashes_per_s != sc->limits.max_per_s || f->max_red_flashes_per_s != sc->limits.max_red_per_s) {
		sc->limits = (struct flash_limits){ .max_per_s = f->max_flashes_per_s,
						    .max_red_per_s = f->max_red_flashes_per_s };
		flash_screen_set_limits(sc->flash, &sc->limits);
	}
	double start = now_s(), drawn;

	if (sc->gpu) {
		stage_gpu_draw(sc->gpu, f, dt_s, sc->surface->pixels, sc->surface->pitch);
	} else {
		draw_software(sc, f, dt_s);
	}
	drawn = now_s();
	/* The safety pass, last, over the pixels as they will be shown: nothing reaches the screen or a still without it. */
	flash_screen_apply(sc->flash, t_s, sc->surface->pixels, sc->surface->pitch);
	sc->draw_s = drawn - start;
	sc->safety_s = now_s() - drawn;
}

const char *stage_screen_renderer(const struct stage_screen *sc, const char **detail)
{
	if (detail)
		*detail = sc->detail;
	return sc->gpu ? "gpu" : "software";
}

bool stage_screen_gl_on_cpu(const struct stage_screen *sc)
{
	return sc->gpu && stage_gpu_on_cpu(sc->gpu);
}

void stage_screen_times(const struct stage_screen *sc, double *draw_s, double *safety_s)
{
	*draw_s = sc->draw_s;
	*safety_s = sc->safety_s;
}

const uint32_t *stage_screen_pixels(const struct stage_screen *sc, int *width, int *height, int *pitch)
{
	*width = sc->surface->w;
	*height = sc->surface->h;
	*pitch = sc->surface->pitch;
	return sc->surface->pixels;
}

void stage_screen_flash_stats(const struct stage_screen *sc, struct flash_stats *out)
{
	flash_screen_stats(sc->flash, out);
}

int stage_screen_write_png(const struct stage_screen *sc, const char *path, char *err, size_t err_size)
{
	return stillframe_write_png(path, sc->surface->pixels, sc->surface->w, sc->surface->h, sc->surface->pitch,
				    err, err_size);
}
