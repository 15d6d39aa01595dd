/*
 * stage_screen.c - one stage picture: scene, then the flash limiter. See
 * stage_screen.h.
 * Thread: the creator's (a render thread).
 */
#include "stage_screen.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>

#include "stage_scene.h"
#include "stage_still.h"

#define FLASH_CELL_PX	80	/* the limiter measures the screen in cells about this big */

struct stage_screen {
	SDL_Surface *surface;		/* what we draw and limit */
	SDL_Renderer *draw;		/* software renderer on the surface */
	struct scene_view *scene;
	struct flash_screen *flash;
	struct flash_limits limits;	/* the policy the limiter holds now */
};

struct stage_screen *stage_screen_create(const struct venue_config *cfg, int width, int height,
					 const char *font_path, char *err, size_t err_size)
{
	struct stage_screen *sc = calloc(1, sizeof(*sc));

	if (!sc) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	sc->limits = (struct flash_limits){ .max_per_s = (uint8_t)cfg->safety.max_flashes_per_s,
					    .max_red_per_s = (uint8_t)cfg->safety.max_red_flashes_per_s };
	sc->surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
	if (sc->surface)
		sc->draw = SDL_CreateSoftwareRenderer(sc->surface);
	if (!sc->draw) {
		snprintf(err, err_size, "cannot create the stage surface: %s", SDL_GetError());
		goto fail;
	}
	sc->flash = flash_screen_create(&sc->limits, width, height, (width + FLASH_CELL_PX - 1) / FLASH_CELL_PX,
					(height + FLASH_CELL_PX - 1) / FLASH_CELL_PX);
	if (!sc->flash) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
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
	flash_screen_destroy(sc->flash);
	if (sc->draw)
		SDL_DestroyRenderer(sc->draw);
	if (sc->surface)
		SDL_FreeSurface(sc->surface);
	free(sc);
}

void stage_screen_draw(struct stage_screen *sc, const struct stage_frame *f, double t_s, double dt_s)
{
	/* A stricter policy from the console (or back to the venue's) from this picture on. */
	if (f->max_flashes_per_s != sc->limits.max_per_s || f->max_red_flashes_per_s != sc->limits.max_red_per_s) {
		sc->limits = (struct flash_limits){ .max_per_s = f->max_flashes_per_s,
						    .max_red_per_s = f->max_red_flashes_per_s };
		flash_screen_set_limits(sc->flash, &sc->limits);
	}
	scene_draw(sc->scene, f, dt_s);
	SDL_RenderFlush(sc->draw);
	/* The safety pass, last: nothing reaches the screen or a still without it. */
	flash_screen_apply(sc->flash, t_s, sc->surface->pixels, sc->surface->pitch);
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
