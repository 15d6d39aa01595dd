/*
 * fuzz_cluster.c - what an edge sends the core: the input is the records of
 * one edge's batches (header added here, so the fuzzer spends its time on
 * the records), applied to a core's audience with its crowd, show and
 * crowd text, and every answer the core would send back built. Before it,
 * the edge opened two phones and one said hello, so that texts, votes,
 * takeovers and closes meet joined participants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"

#include "cluster_core.h"
#include "cluster_wire.h"
#include "crowd.h"
#include "crowd_text.h"
#include "fuzz_venue.h"
#include "metrics.h"
#include "net_audience.h"
#include "show.h"

static void batch(struct cluster_core *cc, const void *records, size_t len, double now)
{
	struct wire_buf h = { 0 };
	struct wire_edge_header head = { .phones = 2 };
	unsigned char *msg;

	strcpy(head.id, "fuzz-00000001");
	wire_edge_header_put(&h, &head);
	msg = h.failed ? NULL : malloc(h.len + len + 1);
	if (msg) {
		memcpy(msg, h.p, h.len);
		if (len)
			memcpy(msg + h.len, records, len);
		/* Exactly its bytes: the sanitizers catch a read beyond them. */
		cluster_core_apply(cc, msg, h.len + len, now);
	}
	cluster_core_publish(cc, NULL, false, now);
	free(msg);
	wire_buf_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct venue_config *cfg = fuzz_venue();
	struct crowd *crowd = crowd_create(cfg, 8);
	struct show *show = show_create(cfg, 0);
	struct crowdtext *texts = crowdtext_create(&cfg->moderation, 8);
	struct metrics metrics = { 0 };
	struct audience a;
	struct cluster_core *cc;
	struct wire_buf setup = { 0 };
	static const char hello[] = "{\"type\":\"hello\",\"token\":null,\"zone\":\"left\"}";
	static const unsigned char key[8] = { 1 };

	audience_init(&a, cfg, crowd, show, &metrics, texts, NULL);
	cc = cluster_core_create(cfg, NULL, &a, NULL);
	if (cc) {
		wire_record_put(&setup, WIRE_OPEN, 1, key, sizeof(key));
		wire_record_put(&setup, WIRE_OPEN, 2, key, sizeof(key));
		wire_record_put(&setup, WIRE_TEXT, 1, hello, strlen(hello));
		if (!setup.failed)
			batch(cc, setup.p, setup.len, 0);
		batch(cc, data, size, 0.05);
		show_tick(show, 0.1);
		batch(cc, NULL, 0, 0.1);
		cluster_core_destroy(cc);
	}
	wire_buf_free(&setup);
	crowdtext_destroy(texts);
	show_destroy(show);
	crowd_destroy(crowd);
	return 0;
}
