/*
 * crowd_text.h - crowd text: what phones send for the stage screen, the
 * moderators' queue it waits in, and the wall of approved texts the
 * stage shows.
 *
 * A text is cleaned first (whitespace folded, invisible characters
 * dropped, control and direction-override characters refused, its length
 * in characters checked), then
 * held to one per participant per `moderation.text_interval_s`, then run
 * past the venue's word filter; what passes waits in a bounded queue
 * until the operator approves or rejects it. Nothing reaches the screen
 * without an approval. The newest approved texts form the wall; the
 * operator may take any of them down again.
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_CROWD_TEXT_H
#define TUTTI_CROWD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CROWDTEXT_FROM_MAX 15		/* a participant's anonymous id, "p-1a2b3c4d" */

struct crowdtext_item {
	uint32_t id;			/* grows from 1; how the console names it */
	int participant;		/* crowd index when it was sent */
	char from[CROWDTEXT_FROM_MAX + 1];	/* the participant's anonymous id */
	uint32_t zone;
	uint64_t seq;			/* the input that sent it, for the phone's answer */
	double at_s;			/* show time it arrived */
	char text[CONFIG_TEXT_BYTES_MAX + 1];	/* cleaned, UTF-8 */
};

enum crowdtext_result {
	CROWDTEXT_QUEUED = 0,
	CROWDTEXT_EMPTY,		/* nothing but whitespace */
	CROWDTEXT_TOO_LONG,		/* over text_max_chars */
	CROWDTEXT_BAD_CHARS,		/* control or direction-override characters */
	CROWDTEXT_TOO_SOON,		/* within the participant's interval */
	CROWDTEXT_FILTERED,		/* the word filter refused it */
	CROWDTEXT_QUEUE_FULL,		/* queue_max texts already wait */
	CROWDTEXT_UNDRAWABLE,		/* nothing in it the stage screen can draw */
};

struct crowdtext_counts {
	uint64_t submitted;		/* every text that arrived */
	uint64_t filtered;
	uint64_t refused;		/* empty, too long, bad characters, too soon or queue full */
	uint64_t approved;
	uint64_t rejected;
	uint64_t withdrawn;		/* taken away with a muted or removed participant */
};

struct crowdtext;

/* For @participants crowd slots, with the venue's moderation settings. NULL when out of memory. */
struct crowdtext *crowdtext_create(const struct config_moderation *cfg, uint32_t participants);
void crowdtext_destroy(struct crowdtext *ct);

/*
 * Cleans @raw (valid UTF-8, NUL-terminated) into @out: runs of whitespace
 * become one space, the ends are trimmed, and invisible characters (zero
 * widths, joiners, variation selectors, soft hyphens: what could hide a
 * word from the filter or the moderator) are dropped, and so are
 * characters not in @drawable (NULL = keep all). Returns CROWDTEXT_QUEUED
 * (meaning "fine"), _EMPTY, _TOO_LONG (over @max_chars characters) or
 * _BAD_CHARS. @out has room for CONFIG_TEXT_BYTES_MAX + 1 bytes.
 */
enum crowdtext_result crowdtext_clean(const char *raw, uint32_t max_chars, const uint8_t *drawable,
				      char *out);
/*
 * The stage font's coverage (stage_font.h), or NULL for every character.
 * Characters the stage cannot draw are dropped when a text is cleaned, so
 * the moderators approve exactly what the screen will show; a text with
 * nothing left is CROWDTEXT_UNDRAWABLE. @bits must outlive @ct.
 */
void crowdtext_set_drawable(struct crowdtext *ct, const uint8_t *bits);

/*
 * One text from @participant (anonymous id @from, zone @zone, sent by
 * input @seq) at show time @now_s. On CROWDTEXT_QUEUED *@id is its id; on
 * CROWDTEXT_TOO_SOON *@wait_s says how long until the next one may come.
 */
enum crowdtext_result crowdtext_submit(struct crowdtext *ct, int participant, const char *from,
				       uint32_t zone, uint64_t seq, const char *raw, double now_s,
				       uint32_t *id, double *wait_s);

/*
 * The operator's verdict on queued text @id: approved, it goes to the top
 * of the wall (the oldest shown text leaves when the wall is full). The
 * decided item is copied to @decided (may be NULL). 0, or -1 when no
 * queued text has that id.
 */
int crowdtext_decide(struct crowdtext *ct, uint32_t id, bool approve, struct crowdtext_item *decided);
/* Takes approved text @id off the wall. 0, or -1 when it is not shown. */
int crowdtext_unshow(struct crowdtext *ct, uint32_t id);
/*
 * A muted or removed participant: its queued texts go, and so do its
 * texts on the wall. @from is its anonymous id. Returns how many went.
 */
uint32_t crowdtext_withdraw(struct crowdtext *ct, const char *from);

/* A new participant took crowd slot @participant: its text interval starts afresh. */
void crowdtext_participant_new(struct crowdtext *ct, int participant);

/* The queue, oldest first. */
uint32_t crowdtext_pending_count(const struct crowdtext *ct);
const struct crowdtext_item *crowdtext_pending(const struct crowdtext *ct, uint32_t i);
/* The wall, newest first. */
uint32_t crowdtext_wall_count(const struct crowdtext *ct);
const struct crowdtext_item *crowdtext_wall(const struct crowdtext *ct, uint32_t i);
/* Grows whenever the wall changes. */
uint32_t crowdtext_wall_generation(const struct crowdtext *ct);
const struct crowdtext_counts *crowdtext_counts(const struct crowdtext *ct);

#endif
