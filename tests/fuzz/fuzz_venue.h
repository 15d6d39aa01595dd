/*
 * fuzz_venue.h - the venue every fuzz target runs against: two zones, a
 * cue with every control and a poll, an audio mapping, crowd text with a
 * word filter, and a quiet cue, so that inputs reach every path.
 */
#ifndef TUTTI_FUZZ_VENUE_H
#define TUTTI_FUZZ_VENUE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define FUZZ_VENUE_JSON									\
	"{\"name\":\"Fuzz\",\"capacity\":100,"						\
	"\"limits\":{\"inputs_per_second\":10,\"input_burst\":20,\"throttle_close_s\":3},"	\
	"\"moderation\":{\"banned_words\":[\"boo\",\"go home\"],\"text_max_chars\":80,"	\
	"\"text_interval_s\":1},"							\
	"\"zones\":[{\"id\":\"left\",\"capacity\":50},{\"id\":\"right\",\"capacity\":50}],"	\
	"\"cues\":[{\"id\":\"play\",\"scene\":\"crowd-field\","				\
	"\"controls\":[\"tap\",\"xy\",\"slider\",\"shake\",\"vote\",\"text\"],"		\
	"\"poll\":{\"id\":\"song\",\"question\":\"Which?\",\"options\":[\"A\",\"B\",\"C\"]},"	\
	"\"audio\":{\"filter_cutoff_hz\":1000,\"mappings\":[{\"source\":\"slider_mean\","	\
	"\"target\":\"filter_cutoff\",\"to\":[1000,9000],\"smoothing_s\":0}]}},"		\
	"{\"id\":\"quiet\",\"scene\":\"title\"}]}"

/* The venue, parsed once: a target that cannot load it is broken, not fuzzed. */
static inline struct venue_config *fuzz_venue(void)
{
	static struct venue_config *cfg;
	struct config_errors errors = { 0 };

	if (!cfg) {
		cfg = config_parse(FUZZ_VENUE_JSON, strlen(FUZZ_VENUE_JSON), "fuzz.json", &errors);
		if (!cfg) {
			fprintf(stderr, "fuzz: the fuzz venue does not load\n");
			abort();
		}
	}
	return cfg;
}

#endif
