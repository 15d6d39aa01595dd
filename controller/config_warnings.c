/*
 * config_warnings.c - what `tutti check` (and `tutti run`, at start-up)
 * warns about in a valid config: a control whose input nothing in its cue
 * reads (the phones offer it, people use it, and neither the stage screen,
 * the sound nor the stage gear follow), and a theme colour the flash
 * limiter would dim. See docs/config.md, "Warnings".
 *
 * Thread: whichever thread loaded the config.
 */
#include "config_sections.h"
#include "safety_flash.h"
#include "stage_isf.h"
#include "suggest.h"

#include <stdio.h>

#define BIT(c) (1u << (c))
/* Every input that makes a participant active (crowd.c's mark_active()): all but text. */
#define ACTIVE_INPUTS (BIT(CONTROL_TAP) | BIT(CONTROL_XY) | BIT(CONTROL_SLIDER) | BIT(CONTROL_SHAKE) | \
		       BIT(CONTROL_VOTE))

/* Which controls' input each scene shows (stage_scene.c's scene_draw()). */
static const uint32_t scene_reads[SCENE_COUNT] = {
	[SCENE_JOIN] = 0,				/* the QR code and how many joined */
	[SCENE_CROWD_FIELD] = ACTIVE_INPUTS,		/* a square per active participant */
	[SCENE_POLL] = BIT(CONTROL_VOTE),
	[SCENE_CROWD_MAP] = BIT(CONTROL_XY),
	[SCENE_AUDIO] = 0,				/* the live input: level, beat, bands */
	[SCENE_TITLE] = 0,
	[SCENE_WALL] = BIT(CONTROL_TEXT),		/* the approved crowd messages */
	[SCENE_ISF] = 0,				/* what its bindings read (cue_reads()) */
};

/* Which controls' input each source follows (audio_map.c's audiomap_source_value()). */
static const uint32_t source_reads[SOURCE_COUNT] = {
	[SOURCE_TAPS_PER_S] = BIT(CONTROL_TAP),
	[SOURCE_TEMPO_BPM] = BIT(CONTROL_TAP),
	[SOURCE_ACTIVE_SHARE] = ACTIVE_INPUTS,
	[SOURCE_SHAKE_ENERGY] = BIT(CONTROL_SHAKE),
	[SOURCE_X_MEDIAN] = BIT(CONTROL_XY),
	[SOURCE_Y_MEDIAN] = BIT(CONTROL_XY),
	[SOURCE_SLIDER_MEDIAN] = BIT(CONTROL_SLIDER),
	[SOURCE_X_MEAN] = BIT(CONTROL_XY),
	[SOURCE_Y_MEAN] = BIT(CONTROL_XY),
	[SOURCE_SLIDER_MEAN] = BIT(CONTROL_SLIDER),
	[SOURCE_POLL_SHARE] = BIT(CONTROL_VOTE),
	[SOURCE_POLL_LEADER] = BIT(CONTROL_VOTE),
	[SOURCE_ZONE_ACTIVITY] = ACTIVE_INPUTS,
	[SOURCE_ZONE_TAPS] = BIT(CONTROL_TAP),
	[SOURCE_INPUT_LEVEL] = 0,			/* the artist's feed, not the crowd */
};

static bool cue_has_control(const struct config_cue *c, enum control ctl)
{
	return (c->controls & BIT(ctl)) != 0;
}

/* The controls whose input something in cue @c reads: its scene, its poll, its sound, its OSC. */
static uint32_t cue_reads(const struct config_cue *c)
{
	const struct config_cue_audio *a = &c->audio;
	uint32_t reads = scene_reads[c->scene];

	if (c->poll)
		reads |= BIT(CONTROL_VOTE);	/* the poll's result stands, shown or not */
	for (uint32_t i = 0; i < a->mapping_count; i++)
		reads |= source_reads[a->mappings[i].source];
	for (uint32_t i = 0; i < a->sample_count; i++) {
		const struct config_sample *s = &a->samples[i];

		/* zone_loudest: the zone tapping most (audio_map.c's loudest_zone()). */
		reads |= s->trigger == TRIGGER_RISE ? source_reads[s->source] : BIT(CONTROL_TAP);
	}
	for (uint32_t i = 0; i < a->stem_count; i++)
		if (a->stems[i].choice >= 0)
			reads |= BIT(CONTROL_VOTE);
	for (uint32_t i = 0; i < c->osc_count; i++)
		reads |= source_reads[c->osc[i].source];
	for (uint32_t i = 0; c->scene == SCENE_ISF && i < c->isf.binding_count; i++)
		reads |= isf_source_reads(c->isf.bindings[i].source);
	return reads;
}

/* A cue of @cfg whose scene shows the wall, or -1. */
static int wall_cue(const struct venue_config *cfg)
{
	for (uint32_t i = 0; i < cfg->cue_count; i++)
		if (cfg->cues[i].scene == SCENE_WALL)
			return (int)i;
	return -1;
}

static void warn_text(struct config_reader *r, const char *ptr, const struct config_cue *c)
{
	int wall = wall_cue(r->cfg);

	if (wall < 0)
		reader_fail(r, ptr, "\"text\" goes nowhere: crowd messages are shown only by the \"wall\" scene, "
			    "and no cue of this show has it");
	else
		reader_fail(r, ptr, "\"text\" in a \"%s\" cue: crowd messages are shown only by the \"wall\" "
			    "scene, so approved ones wait for cue \"%s\"", scene_name(c->scene),
			    r->cfg->cues[wall].id);
}

/* "@ctl" goes nowhere in @c: names the sources that would read it. */
static void warn_unread(struct config_reader *r, const char *ptr, const struct config_cue *c,
			enum control ctl)
{
	const char *sources[SOURCE_COUNT];
	char list[200];
	size_t n = 0;

	for (int s = 0; s < SOURCE_COUNT; s++)
		if (source_reads[s] & BIT(ctl))
			sources[n++] = audio_source_name((enum audio_source)s);
	suggest_list(list, sizeof(list), sources, n);
	reader_fail(r, ptr, "\"%s\" goes nowhere in this cue: its \"%s\" scene does not show it, and no "
		    "mapping, sample trigger or OSC message reads it; give one a source that does (%s), "
		    "or drop the control", control_name(ctl), scene_name(c->scene), list);
}

/*
 * Saturated red as the flash limiter measures it (safety_flash.c): red at
 * least 80 % of the colour in linear light. The limiter allows fewer red
 * flashes a second than others, so it dims a change to or from such a
 * colour that the show meant at full strength.
 */
static bool colour_is_saturated_red(uint32_t rgb)
{
	double r = flash_linear((uint8_t)(rgb >> 16)), g = flash_linear((uint8_t)(rgb >> 8));
	double sum = r + g + flash_linear((uint8_t)rgb);

	return sum > 0 && r / sum >= 0.8;
}

static void warn_red(struct config_reader *r, const char *ptr, uint32_t rgb, const char *use)
{
	if (colour_is_saturated_red(rgb))
		reader_fail(r, ptr, "\"#%06x\" is a saturated red: the flash limiter holds red flashes to "
			    "max_red_flashes_per_s, so it dims %s as they change; an orange or a pink keeps "
			    "full strength", rgb, use);
}

/* Theme colours that the flash limiter would dim: the accent and the palette. */
static void warn_theme(struct config_reader *r, const struct config_theme *t)
{
	char ptr[READER_PTR_MAX];

	warn_red(r, "/theme/accent", t->accent, "highlights");
	for (uint32_t i = 0; i < t->palette_count; i++) {
		reader_ptr_index(ptr, "/theme/palette", i);
		warn_red(r, ptr, t->palette[i], "the zones and poll bars of this colour");
	}
}

size_t config_warnings(const struct venue_config *cfg, struct config_errors *warnings)
{
	struct config_reader r = { .errors = warnings, .cfg = (struct venue_config *)cfg };
	size_t first = warnings->count;
	char cptr[READER_PTR_MAX], ptr[READER_PTR_MAX];

	if (cfg->capacity > CONFIG_MAX_CONNECTIONS)
		reader_fail(&r, "/capacity", "one process holds at most %d phones: a venue of %u needs edges "
			    "(`tutti edge`, docs/scale.md)", CONFIG_MAX_CONNECTIONS, cfg->capacity);

	for (uint32_t i = 0; i < cfg->cue_count; i++) {
		const struct config_cue *c = &cfg->cues[i];
		uint32_t reads = cue_reads(c);

		reader_ptr_index(cptr, "/cues", i);
		reader_ptr_key(ptr, cptr, "controls");
		for (int ctl = 0; ctl < CONTROL_COUNT; ctl++) {
			if (!cue_has_control(c, (enum control)ctl) || (reads & BIT(ctl)))
				continue;
			if (ctl == CONTROL_TEXT)
				warn_text(&r, ptr, c);
			else
				warn_unread(&r, ptr, c, (enum control)ctl);
		}
	}
	warn_theme(&r, &cfg->theme);
	return warnings->count - first;
}
