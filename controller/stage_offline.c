/*
 * stage_offline.c - a rehearsal's stage screen: every frame drawn on the
 * show's clock, stills on request. See stage_offline.h.
 *
 * Threads: the driver queues frames; the render thread draws them in
 * order. A mutex and two condition variables guard the queue: neither
 * side is an audio thread, and the driver should wait when it is ahead.
 */
#include "stage_offline.h"

#include <SDL.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stage_screen.h"

#define QUEUE	4	/* frames waiting: enough to keep the render thread busy */

struct queued {
	struct stage_frame *frame;
	char still[STAGE_OFFLINE_PATH_MAX];	/* "" = no still */
};

struct stage_offline {
	const struct venue_config *cfg;
	int width, height;
	char font_path[512];
	enum stage_renderer renderer;
	size_t frame_size;
	struct queued q[QUEUE];
	uint32_t head, count;		/* under lock: the oldest waiting frame, how many wait */
	bool drawing;			/* under lock: the render thread has taken a frame it has not drawn */
	bool stopping;
	int ready;			/* under lock: 0 starting, 1 up, -1 failed */
	long stills;			/* under lock */
	char err[STAGE_OFFLINE_PATH_MAX + 200];	/* under lock: the first still that failed */
	struct flash_second *flash;	/* under lock: the flash limiter's counts, one per second of show */
	size_t flash_seconds, flash_cap;
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* a frame queued or drawn, the thread ready or stopping */
	pthread_t thread;
};

/* Under lock: the limiter's counts since the last frame, into the second of show at @t. */
static void flash_count(struct stage_offline *so, double t, const struct flash_stats *now,
			const struct flash_stats *before)
{
	size_t sec = t > 0 ? (size_t)t : 0;

	if (sec >= so->flash_cap) {
		size_t cap = sec + 64;
		struct flash_second *more = realloc(so->flash, cap * sizeof(*more));

		if (!more)
			return;		/* the report misses these holds; the pictures are right */
		memset(more + so->flash_cap, 0, (cap - so->flash_cap) * sizeof(*more));
		so->flash = more;
		so->flash_cap = cap;
	}
	so->flash[sec].held += now->cells_held - before->cells_held;
	so->flash[sec].red_dropped += now->cells_red_dropped - before->cells_red_dropped;
	if (sec + 1 > so->flash_seconds)
		so->flash_seconds = sec + 1;
}

static void *render_thread(void *arg)
{
	struct stage_offline *so = arg;
	char err[STAGE_OFFLINE_PATH_MAX + 200];
	struct stage_screen *sc = stage_screen_create(so->cfg, so->width, so->height, so->font_path, so->renderer, err,
						      sizeof(err));
	double last_t = 0;
	bool first = true;
	struct flash_stats before = { 0 }, after;

	pthread_mutex_lock(&so->lock);
	so->ready = sc ? 1 : -1;
	if (!sc)
		snprintf(so->err, sizeof(so->err), "%s", err);
	pthread_cond_broadcast(&so->changed);
	while (sc) {
		struct queued *q;
		bool wrote;

		while (!so->count && !so->stopping)
			pthread_cond_wait(&so->changed, &so->lock);
		if (!so->count)
			break;
		q = &so->q[so->head];
		so->drawing = true;
		pthread_mutex_unlock(&so->lock);
		/* The show's clock: animations and the limiter see show time, as a live screen sees its own. */
		stage_screen_draw(sc, q->frame, q->frame->show.t, first ? 0 : q->frame->show.t - last_t);
		last_t = q->frame->show.t;
		first = false;
		wrote = !q->still[0] || stage_screen_write_png(sc, q->still, err, sizeof(err)) == 0;
		stage_screen_flash_stats(sc, &after);
		pthread_mutex_lock(&so->lock);
		flash_count(so, last_t, &after, &before);
		before = after;
		if (q->still[0] && wrote)
			so->stills++;
		else if (!wrote && !so->err[0])
			snprintf(so->err, sizeof(so->err), "%s", err);
		so->head = (so->head + 1) % QUEUE;
		so->count--;
		so->drawing = false;
		pthread_cond_broadcast(&so->changed);
	}
	pthread_mutex_unlock(&so->lock);
	stage_screen_destroy(sc);
	/* SDL keeps an error message per thread, freed by itself only on threads it started. */
	SDL_TLSCleanup();
	return NULL;
}

static void queue_free(struct stage_offline *so)
{
	for (int i = 0; i < QUEUE; i++)
		free(so->q[i].frame);
	free(so->flash);
	free(so);
}

struct stage_offline *stage_offline_create(const struct venue_config *cfg, int width, int height,
					   const char *font_path, enum stage_renderer renderer, char *err,
					   size_t err_size)
{
	struct stage_offline *so = calloc(1, sizeof(*so));

	if (!so) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	so->cfg = cfg;
	so->width = width;
	so->height = height;
	snprintf(so->font_path, sizeof(so->font_path), "%s", font_path);
	so->renderer = renderer;
	so->frame_size = stage_frame_size(cfg->capacity);
	for (int i = 0; i < QUEUE; i++)
		if (!(so->q[i].frame = malloc(so->frame_size))) {
			snprintf(err, err_size, "out of memory");
			queue_free(so);
			return NULL;
		}
	pthread_mutex_init(&so->lock, NULL);
	pthread_cond_init(&so->changed, NULL);
	if (pthread_create(&so->thread, NULL, render_thread, so) != 0) {
		snprintf(err, err_size, "cannot start the render thread");
		goto fail;
	}
	pthread_mutex_lock(&so->lock);
	while (so->ready == 0)
		pthread_cond_wait(&so->changed, &so->lock);
	pthread_mutex_unlock(&so->lock);
	if (so->ready < 0) {
		snprintf(err, err_size, "%s", so->err);
		pthread_join(so->thread, NULL);
		goto fail;
	}
	return so;
fail:
	pthread_cond_destroy(&so->changed);
	pthread_mutex_destroy(&so->lock);
	queue_free(so);
	return NULL;
}

void stage_offline_draw(struct stage_offline *so, const struct stage_frame *f, const char *still_path)
{
	struct queued *q;

	pthread_mutex_lock(&so->lock);
	while (so->count == QUEUE)
		pthread_cond_wait(&so->changed, &so->lock);
	q = &so->q[(so->head + so->count) % QUEUE];
	pthread_mutex_unlock(&so->lock);
	/* The slot is the driver's until it is counted: the render thread never reads past count. */
	memcpy(q->frame, f, stage_frame_size(f->dot_count));
	snprintf(q->still, sizeof(q->still), "%s", still_path ? still_path : "");
	pthread_mutex_lock(&so->lock);
	so->count++;
	pthread_cond_broadcast(&so->changed);
	pthread_mutex_unlock(&so->lock);
}

long stage_offline_finish(struct stage_offline *so, char *err, size_t err_size)
{
	long stills;

	pthread_mutex_lock(&so->lock);
	while (so->count || so->drawing)
		pthread_cond_wait(&so->changed, &so->lock);
	stills = so->err[0] ? -1 : so->stills;
	if (so->err[0])
		snprintf(err, err_size, "%s", so->err);
	pthread_mutex_unlock(&so->lock);
	return stills;
}

size_t stage_offline_flash_seconds(struct stage_offline *so, const struct flash_second **seconds)
{
	size_t n;

	pthread_mutex_lock(&so->lock);
	*seconds = so->flash;
	n = so->flash_seconds;
	pthread_mutex_unlock(&so->lock);
	return n;
}

void stage_offline_destroy(struct stage_offline *so)
{
	if (!so)
		return;
	pthread_mutex_lock(&so->lock);
	so->stopping = true;
	pthread_cond_broadcast(&so->changed);
	pthread_mutex_unlock(&so->lock);
	pthread_join(so->thread, NULL);	/* it draws what is queued first */
	pthread_cond_destroy(&so->changed);
	pthread_mutex_destroy(&so->lock);
	queue_free(so);
}
