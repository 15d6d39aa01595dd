/*
 * stage_render.c - benchmark: the stage screen's frame time with a full
 * crowd. Draws the crowd field for 5,000 active participants (two zones,
 * pulses changing every frame) at 1280x720 offscreen, exactly as the
 * render thread does (a stage_screen: scene, then photosensitivity pass), and prints
 * the frame-time percentiles and the safety pass's share of the time.
 * Target: p99 under 16.7 ms (60 fps) on the venue's machine.
 *
 * The renderer: "software" (SDL's), or "gpu" (OpenGL ES shaders; with no
 * GPU, Mesa's llvmpipe rasterises them on the CPU, and the picture is read
 * back for the safety pass either way).
 *
 * Usage: bench_stage_render [PARTICIPANTS] [FRAMES] [WIDTHxHEIGHT] [software|gpu]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "stage_screen.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint32_t dots = argc > 1 ? (uint32_t)atoi(argv[1]) : 5000;
	int frames = argc > 2 ? atoi(argv[2]) : 600, w = 1280, h = 720;
	char json[512], err[256];
	struct config_errors errors = { 0 };
	struct venue_config *cfg;
	struct stage_screen *screen;
	struct stage_frame *f;
	double *times, total = 0, drawing = 0, safety = 0;
	int renderer = argc > 4 ? stage_renderer_from_name(argv[4]) : STAGE_RENDERER_SOFTWARE;

	if ((argc > 3 && sscanf(argv[3], "%dx%d", &w, &h) != 2) || renderer < 0 || renderer == STAGE_RENDERER_AUTO)
		return 2;
	snprintf(json, sizeof(json),
		 "{\"name\":\"Bench\",\"capacity\":%u,\"zones\":[{\"id\":\"floor\",\"capacity\":%u},"
		 "{\"id\":\"balcony\",\"capacity\":%u}],\"cues\":[{\"id\":\"field\",\"title\":\"Tap along\","
		 "\"scene\":\"crowd-field\",\"controls\":[\"tap\"]}]}", dots, dots, dots);
	cfg = config_parse(json, strlen(json), "bench.json", &errors);
	if (!cfg)
		return 1;
	screen = stage_screen_create(cfg, w, h, TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf",
					  (enum stage_renderer)renderer, err, sizeof(err));
	f = calloc(1, stage_frame_size(dots));
	times = calloc((size_t)frames, sizeof(*times));
	if (!screen || !f || !times) {
		fprintf(stderr, "bench: set-up failed: %s\n", screen ? "out of memory" : err);
		return 1;
	}
	f->max_flashes_per_s = f->max_red_flashes_per_s = 3;
	f->show.zone_count = 2;
	f->show.cue_index = 0;
	f->dot_count = dots;
	for (int n = 0; n < frames; n++) {
		double start;

		/* Every participant's pulse moves every frame: the worst case for the field. */
		for (uint32_t i = 0; i < dots; i++)
			f->dots[i] = (struct stage_dot){ .id = i, .zone = (uint8_t)(i % 3 == 0),
				.pulse = (float)((i * 7 + (uint32_t)n) % 30) / 29.0f, .x = -1, .y = -1 };
		start = now_s();
		stage_screen_draw(screen, f, n / 60.0, 1.0 / 60);
		times[n] = now_s() - start;
		total += times[n];
		{
			double d, s;

			stage_screen_times(screen, &d, &s);
			drawing += d;
			safety += s;
		}
	}
	qsort(times, (size_t)frames, sizeof(*times), cmp_double);
	{
		const char *detail, *kind = stage_screen_renderer(screen, &detail);

		printf("stage %dx%d, %s (%s), crowd field, %u participants, %d frames: mean %.2f ms  p50 %.2f ms  "
		       "p99 %.2f ms  max %.2f ms  (budget 16.7 ms); drawing %.2f ms, safety pass %.2f ms a frame "
		       "(%.0f %%)\n", w, h, kind, detail, dots, frames, total / frames * 1e3, times[frames / 2] * 1e3,
		       times[frames * 99 / 100] * 1e3, times[frames - 1] * 1e3, drawing / frames * 1e3,
		       safety / frames * 1e3, 100 * safety / (drawing + safety));
	}
	stage_screen_destroy(screen);
	config_destroy(cfg);
	free(f);
	free(times);
	return 0;
}
