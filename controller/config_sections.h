/*
 * config_sections.h - the key tables of a venue config, one file per
 * section, and what the sections share. Private to controller/config*.c
 * (and its unit test, which holds every table against docs/config.md).
 *
 * Thread: whichever thread loads the config.
 */
#ifndef TUTTI_CONFIG_SECTIONS_H
#define TUTTI_CONFIG_SECTIONS_H

#include "config_reader.h"

/* config.c: the document's top level, and every table for the docs test. */
extern const struct reader_section config_root_section;
extern const struct reader_section *const config_sections[];
extern const size_t config_section_count;

/* config_venue.c */
extern const struct reader_section config_listen_section, config_tls_section,
	config_timing_section, config_limits_section, config_zone_section,
	config_safety_section, config_privacy_section;
reader_key_fn config_capacity_read;	/* and the max_connections it implies */
reader_key_fn config_public_url_read;
reader_key_fn config_zones_read;	/* none: one zone "all" */
/* A file (a certificate, a key, a CA): readable, resolved against the config's folder; "" stays "". */
reader_key_fn config_file_read;

/* config_cues.c */
extern const struct reader_section config_cue_section, config_poll_section, config_isf_section,
	config_isf_binding_section;
reader_key_fn config_cues_read;		/* every cue, then their advance_to */

/* config_audio.c */
extern const struct reader_section config_audio_section, config_cue_audio_section,
	config_stem_section, config_sample_section, config_trigger_section,
	config_mapping_section;
/*
 * A SOURCE string ("taps_per_s", "poll_share:1", "zone_taps:ZONE") at @key
 * of @obj, for r->cue: sets *@source and *@arg (option or zone index, else
 * -1). A required key; GOT_BAD (reported) when it names nothing.
 */
enum reader_got config_source_read(struct config_reader *r, json_t *obj, const char *ptr,
				   const char *key, enum audio_source *source, int *arg);
/* A source's natural range: the default of a mapping's or an OSC send's "from". */
void config_source_range(const struct config_cue *c, enum audio_source s, double *lo,
			 double *hi);

/* config_osc.c */
extern const struct reader_section config_osc_section, config_osc_input_section,
	config_osc_target_section, config_osc_send_section;

/* config_console.c */
extern const struct reader_section config_console_section, config_secrets_section;

/* config_cluster.c */
extern const struct reader_section config_cluster_section;

/* config_moderation.c */
extern const struct reader_section config_moderation_section;

/* config_theme.c */
extern const struct reader_section config_theme_section, config_transition_section;
/* A cue's "transition": what it leaves out, or all of it when absent, is the theme's. */
reader_key_fn config_cue_transition_read;

#endif
