/*
 * fuzz_phone.c - a phone's messages through decode, validation and apply:
 * the input is a joined phone's messages, one per line (the first line is
 * sent as is, so a fuzzed hello is tried too), through the audience code
 * with its crowd, show, crowd text and rate limits, every answer drained.
 */
#include <stdint.h>

#include "fuzz_target.h"

#include "crowd.h"
#include "crowd_text.h"
#include "fuzz_venue.h"
#include "metrics.h"
#include "net_audience.h"
#include "net_protocol.h"
#include "show.h"

static void drain(struct audience *a, struct audience_peer *peer, double now)
{
	static char out[65536];

	while (audience_peer_next_personal(a, peer, out, sizeof(out), now))
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct venue_config *cfg = fuzz_venue();
	struct crowd *crowd = crowd_create(cfg, 8);
	struct show *show = show_create(cfg, 0);
	struct crowdtext *texts = crowdtext_create(&cfg->moderation, 8);
	struct metrics metrics = { 0 };
	struct audience a;
	struct audience_peer phone, other;
	static const char hello[] = "{\"type\":\"hello\",\"token\":null,\"zone\":\"left\"}";
	double now = 0;
	size_t at = 0;

	audience_init(&a, cfg, crowd, show, &metrics, texts, NULL);
	audience_peer_init(&a, &phone, NULL, now);
	audience_peer_init(&a, &other, NULL, now);
	/* Another phone joined, so that votes and aggregates have company. */
	audience_handle_text(&a, &other, hello, strlen(hello), now);
	drain(&a, &other, now);
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) : size - at;

		if (at == 0 && len == 0)	/* an empty first line: join first, fuzz after */
			audience_handle_text(&a, &phone, hello, strlen(hello), now);
		else if (protocol_utf8_valid((const char *)data + at, len))	/* net closes on the rest (1007) */
			audience_handle_text(&a, &phone, (const char *)data + at, len, now);
		drain(&a, &phone, now);
		now += 0.05;
		show_tick(show, now);
		at += len + 1;
	}
	audience_peer_closed(&a, &phone, now);
	audience_peer_closed(&a, &other, now);
	crowdtext_destroy(texts);
	show_destroy(show);
	crowd_destroy(crowd);
	return 0;
}
