/*
 * stage_render.c - the stage screen's render thread. See stage_render.h.
 *
 * Every frame: take the newest stage frame, draw it as a stage_screen
 * picture (the scene, then the photosensitivity limiter over its pixels),
 * then show it (a streaming texture in the window), write a PNG still
 * when one is due, and offer it to the console's thumbnail
 * (stage_preview.h). Drawing into our own surface is what lets the limiter
 * see and correct exactly what the audience will see, in either mode.
 */
#include "stage_render.h"

#include <SDL.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crowd_text.h"
#include "log.h"
#include "stage_preview.h"
#include "stage_screen.h"
#include "stage_still.h"
#include "tribuf.h"

#define TIMES		1024	/* frame times kept for the percentile */

struct visuals {
	const struct venue_config *cfg;
	struct visuals_options o;
	char png_dir[512], font_path[512];
	struct still_keeper kept;	/* numbered stills: the render thread's alone once started */
	uint32_t max_dots;
	size_t frame_size;
	struct tribuf frames;		/* net -> render */
	struct stage_preview *preview;	/* render -> the console's thumbnail (its own lock) */
	pthread_t thread;
	_Atomic bool running;

	/* start-up hand-shake */
	pthread_mutex_t lock;
	pthread_cond_t ready_cond;
	int ready;			/* 0 starting, 1 up, -1 failed */
	char err[256];

	/* health: written by the render thread, read by the net thread */
	_Atomic uint64_t frame_count, pngs, cells_held, red_dropped;
	_Atomic uint32_t times_us[TIMES];
	_Atomic uint32_t max_us;
	_Atomic uint64_t draw_us_sum, safety_us_sum;	/* the share's parts, decayed by half every 1,024 frames */
	char renderer[16], renderer_detail[256];	/* set before the start-up hand-shake, then read-only */
	bool gl_on_cpu;					/* likewise: the GPU path runs on Mesa's CPU rasteriser */
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void sleep_until(double t)
{
	struct timespec ts = { (time_t)t, (long)((t - (double)(time_t)t) * 1e9) };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void report_ready(struct visuals *v, int state, const char *err)
{
	pthread_mutex_lock(&v->lock);
	v->ready = state;
	if (err)
		snprintf(v->err, sizeof(v->err), "%s", err);
	pthread_cond_signal(&v->ready_cond);
	pthread_mutex_unlock(&v->lock);
}

/* The window mode's part; the picture itself is a stage_screen. */
struct screen {
	SDL_Window *window;
	SDL_Renderer *shown;		/* the window's renderer */
	SDL_Texture *texture;		/* streaming copy of the picture */
	struct stage_screen *picture;	/* what we draw and limit */
};

static void screen_close(struct screen *sc)
{
	stage_screen_destroy(sc->picture);
	if (sc->texture)
		SDL_DestroyTexture(sc->texture);
	if (sc->shown)
		SDL_DestroyRenderer(sc->shown);
	if (sc->window)
		SDL_DestroyWindow(sc->window);
	SDL_Quit();
}

static int screen_open(struct visuals *v, struct screen *sc, char *err, size_t err_size)
{
	const struct visuals_options *o = &v->o;

	memset(sc, 0, sizeof(*sc));
	if (o->mode == VISUALS_WINDOW) {
		Uint32 flags = o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE;

		if (SDL_Init(SDL_INIT_VIDEO) != 0) {
			snprintf(err, err_size, "no display for the stage window: %s", SDL_GetError());
			return -1;
		}
		if (o->display >= SDL_GetNumVideoDisplays()) {
			snprintf(err, err_size, "display %d not found (%d connected)", o->display,
				 SDL_GetNumVideoDisplays());
			return -1;
		}
		sc->window = SDL_CreateWindow(v->cfg->name, SDL_WINDOWPOS_CENTERED_DISPLAY(o->display),
					      SDL_WINDOWPOS_CENTERED_DISPLAY(o->display), o->width,
					      o->height, flags);
		if (sc->window)
			sc->shown = SDL_CreateRenderer(sc->window, -1, SDL_RENDERER_PRESENTVSYNC);
		if (sc->shown)
			sc->texture = SDL_CreateTexture(sc->shown, SDL_PIXELFORMAT_ARGB8888,
							SDL_TEXTUREACCESS_STREAMING, o->width, o->height);
		if (!sc->texture) {
			snprintf(err, err_size, "cannot open the stage window: %s", SDL_GetError());
			return -1;
		}
		/* Letterboxed to the render size's shape, whatever the window's. */
		SDL_RenderSetLogicalSize(sc->shown, o->width, o->height);
		SDL_ShowCursor(SDL_DISABLE);
	}
	sc->picture = stage_screen_create(v->cfg, o->width, o->height, v->font_path, o->renderer, err, err_size);
	if (!sc->picture)
		return -1;
	/* Read by the net thread only after the start-up hand-shake, and never changed after. */
	{
		const char *detail, *kind = stage_screen_renderer(sc->picture, &detail);

		snprintf(v->renderer, sizeof(v->renderer), "%s", kind);
		snprintf(v->renderer_detail, sizeof(v->renderer_detail), "%s", detail);
		v->gl_on_cpu = stage_screen_gl_on_cpu(sc->picture);
	}
	return 0;
}

/* Window events: the stage window stays up whatever is clicked; F toggles fullscreen. */
static void handle_events(struct screen *sc)
{
	SDL_Event ev;

	while (SDL_PollEvent(&ev)) {
		if (ev.type == SDL_QUIT) {
			log_info("stage: closing the stage window is ignored; the show goes on");
		} else if (ev.type == SDL_KEYDOWN && ev.key.keysym.sym == SDLK_f) {
			bool full = SDL_GetWindowFlags(sc->window) & SDL_WINDOW_FULLSCREEN_DESKTOP;

			SDL_SetWindowFullscreen(sc->window, full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
		}
	}
}

static void write_still(struct visuals *v, struct screen *sc)
{
	char latest[600], err[700];

	snprintf(latest, sizeof(latest), "%s/latest.png", v->png_dir);
	if (stage_screen_write_png(sc->picture, latest, err, sizeof(err)) != 0) {
		log_error("stage: %s", err);
		return;
	}
	atomic_fetch_add(&v->pngs, 1);
	/*
	 * A numbered still is the same file under a second name: the next
	 * latest.png replaces its name, not its bytes, so one encode serves both.
	 */
	if (v->o.keep_pngs && still_keeper_add(&v->kept, latest, err, sizeof(err)) != 0)
		log_error("stage: %s", err);
}

/* The console's thumbnail: after the frame's timing, so its few encodes a second stay out of the p99. */
static void offer_preview(struct visuals *v, struct screen *sc, double t)
{
	int w, h, pitch;
	const uint32_t *pixels = stage_screen_pixels(sc->picture, &w, &h, &pitch);

	stage_preview_offer(v->preview, pixels, w, h, pitch, t);
}

static void *render_thread(void *arg)
{
	struct visuals *v = arg;
	struct screen sc;
	struct stage_frame *f = malloc(v->frame_size);
	char err[256];
	double period = 1.0 / (v->o.fps > 0 ? v->o.fps : 60), next, last, next_png;
	uint64_t n = 0;

	if (!f || screen_open(v, &sc, err, sizeof(err)) != 0) {
		report_ready(v, -1, f ? err : "out of memory");
		if (f)
			screen_close(&sc);
		free(f);
		return NULL;
	}
	report_ready(v, 1, NULL);
	next = last = next_png = now_s();
	while (atomic_load_explicit(&v->running, memory_order_acquire)) {
		double start = now_s(), took;
		struct flash_stats fs;
		uint32_t us;

		tribuf_read(&v->frames, f);
		stage_screen_draw(sc.picture, f, start, n ? start - last : 0);
		last = start;
		if (sc.texture) {
			int w, h, pitch;
			const uint32_t *pixels = stage_screen_pixels(sc.picture, &w, &h, &pitch);

			SDL_UpdateTexture(sc.texture, NULL, pixels, pitch);
		}
		took = now_s() - start;
		us = (uint32_t)(took * 1e6);
		atomic_store_explicit(&v->times_us[n % TIMES], us, memory_order_relaxed);
		if (us > atomic_load_explicit(&v->max_us, memory_order_relaxed))
			atomic_store_explicit(&v->max_us, us, memory_order_relaxed);
		{
			double draw_s, safety_s;

			/* Halved every 1,024 frames: the share follows the show, not its first minute. */
			stage_screen_times(sc.picture, &draw_s, &safety_s);
			if (n % TIMES == TIMES - 1) {
				atomic_store(&v->draw_us_sum, atomic_load(&v->draw_us_sum) / 2);
				atomic_store(&v->safety_us_sum, atomic_load(&v->safety_us_sum) / 2);
			}
			atomic_fetch_add(&v->draw_us_sum, (uint64_t)(draw_s * 1e6));
			atomic_fetch_add(&v->safety_us_sum, (uint64_t)(safety_s * 1e6));
		}
		stage_screen_flash_stats(sc.picture, &fs);
		atomic_store(&v->cells_held, fs.cells_held);
		atomic_store(&v->red_dropped, fs.cells_red_dropped);
		atomic_store(&v->frame_count, ++n);
		if (v->png_dir[0] && start >= next_png) {
			write_still(v, &sc);
			next_png = start + v->o.png_every_s;
		}
		offer_preview(v, &sc, start);
		if (sc.window) {
			handle_events(&sc);
			SDL_RenderClear(sc.shown);
			SDL_RenderCopy(sc.shown, sc.texture, NULL, NULL);
			SDL_RenderPresent(sc.shown);	/* waits for vsync where the display has it */
		}
		/* The frame-rate cap; if we fell behind (a stall), start afresh instead of racing. */
		next += period;
		if (next < now_s() - period)
			next = now_s();
		sleep_until(next);
	}
	screen_close(&sc);
	free(f);
	return NULL;
}

struct visuals *visuals_start(const struct venue_config *cfg, const struct visuals_options *o,
			      uint32_t max_dots, char *err, size_t err_size)
{
	struct visuals *v = calloc(1, sizeof(*v));
	struct stage_frame *blank;

	if (!v) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	v->cfg = cfg;
	v->o = *o;
	v->max_dots = max_dots;
	v->frame_size = stage_frame_size(max_dots);
	snprintf(v->png_dir, sizeof(v->png_dir), "%s", o->png_dir ? o->png_dir : "");
	snprintf(v->font_path, sizeof(v->font_path), "%s", o->font_path);
	if (o->png_dir && o->keep_pngs &&
	    still_keeper_open(&v->kept, o->png_dir, o->keep_pngs_max, err, err_size) != 0) {
		free(v);
		return NULL;
	}
	blank = calloc(1, v->frame_size);
	if (!blank || tribuf_init(&v->frames, NULL, v->frame_size, blank) != 0) {
		free(blank);
		free(v);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	free(blank);
	v->preview = stage_preview_create();	/* NULL (no memory): the show runs on without one */
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->ready_cond, NULL);
	atomic_store(&v->running, true);
	if (pthread_create(&v->thread, NULL, render_thread, v) != 0) {
		snprintf(err, err_size, "cannot start the render thread");
		tribuf_free(&v->frames);
		stage_preview_destroy(v->preview);
		free(v);
		return NULL;
	}
	pthread_mutex_lock(&v->lock);
	while (v->ready == 0)
		pthread_cond_wait(&v->ready_cond, &v->lock);
	pthread_mutex_unlock(&v->lock);
	if (v->ready < 0) {
		snprintf(err, err_size, "%s", v->err);
		pthread_join(v->thread, NULL);
		tribuf_free(&v->frames);
		stage_preview_destroy(v->preview);
		free(v);
		return NULL;
	}
	return v;
}

void visuals_publish(struct visuals *v, const struct stage_frame *f)
{
	if (v)
		tribuf_write(&v->frames, f);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void visuals_flash_counts(struct visuals *v, uint64_t *held, uint64_t *red_dropped)
{
	*held = v ? atomic_load(&v->cells_held) : 0;
	*red_dropped = v ? atomic_load(&v->red_dropped) : 0;
}

struct stage_preview *visuals_preview(struct visuals *v)
{
	return v ? v->preview : NULL;
}

void visuals_stats_get(struct visuals *v, struct visuals_stats *s)
{
	uint32_t times[TIMES];
	uint64_t n;
	uint32_t count;

	memset(s, 0, sizeof(*s));
	s->renderer = s->renderer_detail = "";
	if (!v)
		return;
	s->running = true;
	s->width = v->o.width;
	s->height = v->o.height;
	n = atomic_load(&v->frame_count);
	s->frames = n;
	s->frame_max_s = atomic_load(&v->max_us) * 1e-6;
	s->flash_cells_held = atomic_load(&v->cells_held);
	s->flash_red_dropped = atomic_load(&v->red_dropped);
	s->pngs_written = atomic_load(&v->pngs);
	s->renderer = v->renderer;
	s->renderer_detail = v->renderer_detail;
	{
		uint64_t d = atomic_load(&v->draw_us_sum), f = atomic_load(&v->safety_us_sum);

		s->safety_share = d + f ? (double)f / (double)(d + f) : 0;
	}
	count = n < TIMES ? (uint32_t)n : TIMES;
	for (uint32_t i = 0; i < count; i++)
		times[i] = atomic_load_explicit(&v->times_us[i], memory_order_relaxed);
	if (count) {
		qsort(times, count, sizeof(times[0]), cmp_u32);
		s->frame_p99_s = times[(count * 99) / 100 < count ? (count * 99) / 100 : count - 1] * 1e-6;
	}
}

void visuals_stop(struct visuals *v)
{
	if (!v)
		return;
	atomic_store_explicit(&v->running, false, memory_order_release);
	pthread_join(v->thread, NULL);
	tribuf_free(&v->frames);
	stage_preview_destroy(v->preview);	/* the render thread, its only writer, is gone */
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->ready_cond);
	free(v);
}

struct visuals *visuals_start_for_show(const struct venue_config *cfg, const struct visuals_options *o)
{
	struct visuals *v;
	char err[256];

	v = visuals_start(cfg, o, cfg->capacity, err, sizeof(err));
	if (!v) {
		log_error("stage: %s; running without a stage screen", err);
		return NULL;
	}
	log_info("stage: %s %dx%d%s%s, drawn by %s: %s", o->mode == VISUALS_WINDOW ? (o->fullscreen ? "fullscreen" : "window") :
		 "offscreen", o->width, o->height, o->png_dir ? ", stills in " : "", o->png_dir ? o->png_dir : "",
		 v->renderer, v->renderer_detail);
	if (v->gl_on_cpu)
		log_info("stage: this OpenGL ES is Mesa's rasteriser on the CPU (no GPU here): it takes about a core "
			 "and draws %dx%d at tens of frames a second; --stage-renderer software draws flat scenes for "
			 "a fraction of that", o->width, o->height);
	return v;
}

void stage_frame_copy_wall(struct stage_frame *s, const struct crowdtext *texts, uint32_t *generation)
{
	if (crowdtext_wall_generation(texts) == *generation)
		return;
	*generation = crowdtext_wall_generation(texts);
	s->wall_count = crowdtext_wall_count(texts);
	for (uint32_t i = 0; i < s->wall_count; i++) {
		const struct crowdtext_item *it = crowdtext_wall(texts, i);

		memcpy(s->wall[i].from, it->from, sizeof(s->wall[i].from));
		memcpy(s->wall[i].text, it->text, strlen(it->text) + 1);
	}
}
