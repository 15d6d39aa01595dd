/*
 * fuzz_crowdtext.c - a phone's crowd text as the queue takes it: cleaned
 * (whitespace, invisible characters, the stage font's coverage), checked
 * against the venue's word filter, queued, approved onto the wall and
 * taken off it again. The input is the text's raw bytes; like the
 * daemon, only valid UTF-8 reaches the queue.
 */
#include <stdint.h>

#include "fuzz_target.h"

#include "crowd_text.h"
#include "crowd_wordfilter.h"
#include "fuzz_venue.h"
#include "net_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct venue_config *cfg = fuzz_venue();
	static const char *const words[] = { "boo", "go home", "ÄÖÜ", "x y" };
	struct wordfilter *wf = wordfilter_create(words, sizeof(words) / sizeof(words[0]));
	struct crowdtext *ct = crowdtext_create(&cfg->moderation, 4);
	char *raw = malloc(size + 1);
	uint32_t id;
	double wait;
	size_t which;

	if (!raw || !wf || !ct)
		abort();
	memcpy(raw, data, size);
	raw[size] = '\0';
	if (protocol_utf8_valid(raw, strlen(raw))) {
		wordfilter_match(wf, raw, &which);
		crowdtext_participant_new(ct, 1);
		if (crowdtext_submit(ct, 1, "p-fuzz", 0, 1, raw, 0, &id, &wait) == CROWDTEXT_QUEUED) {
			crowdtext_decide(ct, id, true, NULL);
			crowdtext_unshow(ct, id);
		}
	}
	free(raw);
	crowdtext_destroy(ct);
	wordfilter_destroy(wf);
	return 0;
}
