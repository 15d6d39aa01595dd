/*
 * fuzz_console.c - console commands as the console's WebSocket hands them
 * over: each line of the input is one command, run in turn by the
 * operator and the artist against a show with a crowd, polls, the audio
 * mapping, the venue's safety and crowd text, each reply encoded.
 */
#include <stdint.h>

#include "fuzz_target.h"

#include "audio_map.h"
#include "console_commands.h"
#include "crowd.h"
#include "crowd_text.h"
#include "fuzz_venue.h"
#include "metrics.h"
#include "net_audience.h"
#include "safety.h"
#include "show.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct venue_config *cfg = fuzz_venue();
	struct crowd *crowd = crowd_create(cfg, 8);
	struct show *show = show_create(cfg, 0);
	struct crowdtext *texts = crowdtext_create(&cfg->moderation, 8);
	struct audiomap *map = audiomap_create(cfg);
	struct safety *safety = safety_create(cfg, &(struct safety_wiring){ .audiomap = map });
	struct metrics metrics = { 0 };
	struct audience a;
	struct audience_peer phone;
	struct console c;
	struct console_reply r;
	static const char hello[] = "{\"type\":\"hello\",\"token\":null,\"zone\":\"left\"}";
	static const char text[] = "{\"type\":\"text\",\"seq\":1,\"text\":\"hello there\"}";
	static char reply[65536];
	double now = 0;
	size_t at = 0;
	int turn = 0;

	audience_init(&a, cfg, crowd, show, &metrics, texts, NULL);
	audience_peer_init(&a, &phone, NULL, now);
	/* A participant with a queued text, for moderation commands to find. */
	audience_handle_text(&a, &phone, hello, strlen(hello), now);
	audience_handle_text(&a, &phone, text, strlen(text), now);
	console_init(&c, &(struct console_wiring){ .cfg = cfg, .show = show, .audiomap = map,
						   .safety = safety, .audience = &a, .texts = texts });
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;

		console_execute(&c, turn++ % 3 == 2 ? CONSOLE_ROLE_ARTIST : CONSOLE_ROLE_OPERATOR, "fuzz",
				(const char *)data + at, len, now, &r);
		console_reply_encode(&r, reply, sizeof(reply));
		now += 0.05;
		show_tick(show, now);
		at += len + 1;
	}
	audience_peer_closed(&a, &phone, now);
	safety_destroy(safety);
	audiomap_destroy(map);
	crowdtext_destroy(texts);
	show_destroy(show);
	crowd_destroy(crowd);
	return 0;
}
