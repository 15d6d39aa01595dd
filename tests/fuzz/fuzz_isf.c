/*
 * fuzz_isf.c - an ISF scene file as a venue's config brings it: read (the
 * JSON header, the GLSL, every refusal), and when it reads, every input
 * bound to every source the venue offers (the kinds that fit and those
 * that do not), each bound value computed for a frame whose numbers come
 * from the input too, so ranges, clamps and NaN meet the bindings.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"

#include "config.h"
#include "stage_isf.h"

static const char *const sources[] = {
	"music.level", "music.peak", "music.bass", "music.low_mid", "music.high_mid", "music.treble", "music.bpm",
	"music.beat", "crowd.participants", "crowd.active", "crowd.active_share", "crowd.taps_per_s",
	"crowd.tempo_bpm", "crowd.x", "crowd.y", "crowd.xy", "crowd.slider", "crowd.shake", "zone.floor.x",
	"zone.balcony.xy", "zone.floor.color", "zone.nowhere.x", "poll.share.0", "poll.share.7", "poll.share.9",
	"poll.open", "theme.accent", "theme.background", "", "music", "zone.floor.", "zone..x",
};

static struct venue_config *cfg;
static struct stage_frame *frame;

/* The venue every input is bound against, made at the first input. */
static void venue_once(void)
{
	static const char json[] =
		"{\"name\":\"Fuzz\",\"capacity\":10,\"zones\":[{\"id\":\"floor\",\"capacity\":5},"
		"{\"id\":\"balcony\",\"capacity\":5}],\"theme\":{\"palette\":[\"#ff8800\"]},"
		"\"cues\":[{\"id\":\"vote\",\"scene\":\"poll\",\"controls\":[\"vote\"],\"poll\":{\"id\":\"p\","
		"\"question\":\"Q?\",\"options\":[\"a\",\"b\"]}}]}";
	struct config_errors errors = { 0 };

	if (cfg)
		return;
	cfg = config_parse(json, sizeof(json) - 1, "fuzz.json", &errors);
	frame = calloc(1, stage_frame_size(10));
	if (!cfg || !frame) {
		fprintf(stderr, "fuzz_isf: set-up failed\n");
		exit(1);
	}
	config_errors_free(&errors);
}

/* The frame's numbers from the input's last bytes: any float, NaN and infinities included. */
static void frame_from(const uint8_t *data, size_t size)
{
	float v[8] = { 0 };

	if (size >= sizeof(v))
		memcpy(v, data + size - sizeof(v), sizeof(v));
	frame->show.music = (struct frame_music){ .level = v[0], .peak = v[1], .bands = { v[2], v[3], v[4], v[5] },
						  .bpm = v[6] };
	frame->show.venue = (struct crowd_summary){ .participants = 7, .active = 3, .taps_per_s = v[7],
						    .tempo_bpm = v[0], .xy_n = 2, .x_mean = v[1], .y_mean = v[2],
						    .slider_n = 1, .slider_mean = v[3], .shake_energy = v[4] };
	frame->show.zones[0] = frame->show.zones[1] = frame->show.venue;
	frame->show.zone_count = 2;
	frame->show.poll = (struct frame_poll){ .index = 0, .open = true, .tallies = { 3, 4 }, .total = 7,
						.winner = -1, .hidden = v[5] > 0 };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isf_scene scene;
	char err[512];

	venue_once();
	if (isf_parse((const char *)data, size, "fuzz.fs", &scene, err, sizeof(err)) != 0)
		return 0;
	frame_from(data, size);
	for (uint32_t i = 0; i < scene.input_count; i++) {
		for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]); k++) {
			struct config_isf_binding b = { .has_range = k % 3 == 0, .range_lo = 0, .range_hi = k % 2 ? 1 : -4 };
			struct isf_binding rb;
			float out[4];

			snprintf(b.input, sizeof(b.input), "%s", scene.inputs[i].name);
			snprintf(b.source, sizeof(b.source), "%s", sources[k]);
			if (isf_binding_resolve(&scene, cfg, &b, &rb, err, sizeof(err)) == 0) {
				isf_binding_value(&rb, &scene, cfg, frame, 0.5f, out);
				/* A bound value is what the shader may take: never NaN, whatever came in. */
				for (int c = 0; c < 4; c++)
					if (isnan(out[c]))
						abort();
			}
		}
	}
	isf_free(&scene);
	return 0;
}
