/*
 * bench/audio_callback.c - how long the stage audio callback takes.
 *
 * Builds the engine from a venue config (default: venue-configs/demo.json,
 * whose cues carry the shipped stems) on a cue with many stems, feeds a
 * live-input signal for analysis, moves the crowd-driven parameters every
 * tick as the daemon would, fires one-shots, and times every
 * engine_process() call at 64, 128 and 256 frames. Prints p50, p99,
 * p99.9 and max, and p99.9 as a share of the block's time budget.
 *
 * Run: build/bench/bench_audio_callback [VENUE.json] [seconds per size]
 * Not a test: figures go to bench/RESULTS.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio_map.h"
#include "config.h"
#include "audio_engine.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void on_trigger(void *user, const struct audio_trigger *t)
{
	engine_trigger(user, t);
}

/* The cue with the most stems, so the benchmark is the heaviest the show gets. */
static int busiest_cue(const struct venue_config *cfg)
{
	int best = 0;

	for (uint32_t c = 0; c < cfg->cue_count; c++)
		if (cfg->cues[c].audio.stem_count > cfg->cues[best].audio.stem_count)
			best = (int)c;
	return best;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : TUTTI_SOURCE_DIR "/venue-configs/demo.json";
	double seconds = argc > 2 ? atof(argv[2]) : 20;
	const uint32_t sizes[] = { 64, 128, 256 };
	struct config_errors errors = { 0 };
	struct venue_config *cfg = config_load(path, &errors);
	char err[512];

	if (!cfg) {
		fprintf(stderr, "%s: does not load (run tutti check)\n", path);
		return 1;
	}
	printf("venue %s, %u Hz\n", path, cfg->audio.sample_rate);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t block = sizes[s], rate = cfg->audio.sample_rate;
		struct engine *e = engine_create(cfg, rate, err, sizeof(err));
		struct audiomap *map = audiomap_create(cfg);
		size_t calls = (size_t)(seconds * rate / block), tick_every = rate / 60 / block + 1;
		uint64_t *t = malloc(calls * sizeof(*t));
		float *in = malloc(block * sizeof(float)), *out = malloc(block * 2 * sizeof(float));
		struct show_frame f;
		struct audio_params p;
		double budget_us = 1e6 * block / rate;
		int cue = busiest_cue(cfg);

		if (!e || !map || !t || !in || !out) {
			fprintf(stderr, "set-up failed: %s\n", e ? "out of memory" : err);
			return 1;
		}
		engine_set_block(e, block);
		memset(&f, 0, sizeof(f));
		f.zone_count = cfg->zone_count;
		f.cue_index = cue;
		f.poll.index = cfg->cues[cue].poll ? (int)cfg->cues[cue].poll->index : -1;
		f.poll.open = true;
		f.venue.participants = f.venue.active = 5000;
		f.venue.xy_n = f.venue.slider_n = 4000;
		for (size_t i = 0; i < calls; i++) {
			double time_s = (double)i * block / rate;

			if (i % tick_every == 0) {
				/* The crowd sweeps every control; taps rise and fall to fire one-shots. */
				f.venue.slider_median = 0.5 + 0.5 * sin(time_s * 0.7);
				f.venue.x_median = 0.5 + 0.5 * sin(time_s * 1.3);
				f.venue.y_median = 0.5 + 0.5 * cos(time_s * 0.9);
				f.venue.shake_energy = 0.5 + 0.5 * sin(time_s * 2.1);
				f.venue.taps_per_s = fmod(time_s, 2.0) < 1.0 ? 60 : 0;
				f.venue.tempo_bpm = 120;
				f.poll.tallies[0] = (uint32_t)(100 + 50 * sin(time_s));
				f.poll.tallies[1] = 100;
				audiomap_update(map, &f, 1.0 / 60, &p, on_trigger, e);
				engine_params_publish(e, &p);
			}
			for (uint32_t k = 0; k < block; k++)	/* a 120 BPM click as the live feed */
				in[k] = fmod(time_s + (double)k / rate, 0.5) < 0.01 ? 0.8f : 0.0f;
			uint64_t t0 = now_ns();
			engine_process(e, in, 1, out, 2, block);
			t[i] = now_ns() - t0;
		}
		qsort(t, calls, sizeof(*t), cmp_u64);
		{
			double p50 = t[calls / 2] / 1e3, p99 = t[calls * 99 / 100] / 1e3,
			       p999 = t[calls * 999 / 1000] / 1e3, max = t[calls - 1] / 1e3;

			printf("block %4u frames (budget %7.1f us), cue \"%s\" with %u stems: "
			       "p50 %6.1f us  p99 %6.1f us  p99.9 %6.1f us  max %7.1f us  p99.9 = %4.1f %% of budget\n",
			       block, budget_us, cfg->cues[cue].id, cfg->cues[cue].audio.stem_count,
			       p50, p99, p999, max, 100 * p999 / budget_us);
		}
		free(t);
		free(in);
		free(out);
		audiomap_destroy(map);
		engine_destroy(e);
	}
	config_destroy(cfg);
	return 0;
}
