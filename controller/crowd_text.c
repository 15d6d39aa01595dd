/*
 * crowd_text.c - crowd text, its queue and the wall. See crowd_text.h.
 */
#include "crowd_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stage_font.h"
#include "utf8.h"
#include "crowd_wordfilter.h"

struct crowdtext {
	const struct config_moderation *cfg;
	struct wordfilter *filter;
	const uint8_t *drawable;	/* the stage font's coverage; NULL = everything */
	double *last_s;			/* per crowd slot: when its last text counted */
	uint32_t participants;
	struct crowdtext_item *queue;	/* cfg->queue_max, oldest first */
	uint32_t queued;
	struct crowdtext_item wall[CONFIG_WALL_MAX];	/* newest first */
	uint32_t shown;
	uint32_t wall_generation;
	uint32_t next_id;
	struct crowdtext_counts counts;
};

struct crowdtext *crowdtext_create(const struct config_moderation *cfg, uint32_t participants)
{
	struct crowdtext *ct = calloc(1, sizeof(*ct));
	const char *words[CONFIG_BANNED_MAX];

	if (!ct)
		return NULL;
	for (uint32_t i = 0; i < cfg->banned_count; i++)
		words[i] = cfg->banned[i];
	ct->cfg = cfg;
	ct->participants = participants;
	ct->filter = wordfilter_create(words, cfg->banned_count);
	ct->last_s = malloc((size_t)participants * sizeof(*ct->last_s) + 1);
	ct->queue = calloc(cfg->queue_max, sizeof(*ct->queue));
	if (!ct->filter || !ct->last_s || !ct->queue) {
		crowdtext_destroy(ct);
		return NULL;
	}
	for (uint32_t i = 0; i < participants; i++)
		ct->last_s[i] = -INFINITY;
	ct->next_id = 1;
	return ct;
}

void crowdtext_destroy(struct crowdtext *ct)
{
	if (!ct)
		return;
	wordfilter_destroy(ct->filter);
	free(ct->last_s);
	free(ct->queue);
	free(ct);
}

static bool is_space(int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/*
 * Characters that have no business on a stage screen: control codes, and
 * the direction overrides and isolates that can make a text read
 * differently on screen from how it read in the queue.
 */
static bool is_refused(int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xfff9 && cp <= 0xfffb) || cp == 0xfeff;
}

/*
 * Default-ignorable characters (Unicode's list): drawn as nothing, so they
 * could split a banned word for the filter while the moderator sees it
 * whole. Dropped; the emoji they may belong to stay.
 */
static bool is_invisible(int32_t cp)
{
	return cp == 0xad || cp == 0x34f || cp == 0x61c || cp == 0x115f || cp == 0x1160 ||
	       (cp >= 0x17b4 && cp <= 0x17b5) || (cp >= 0x180b && cp <= 0x180f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0x3164 ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xffa0 || (cp >= 0x1bca0 && cp <= 0x1bca3) ||
	       (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0000 && cp <= 0xe0fff);
}

enum crowdtext_result crowdtext_clean(const char *raw, uint32_t max_chars, const uint8_t *drawable,
				      char *out)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t left = strlen(raw), o = 0;
	uint32_t chars = 0, undrawable = 0;
	bool space = false;

	while (*s) {
		size_t n;
		int32_t cp = utf8_next(s, left, &n);

		if (cp < 0)
			return CROWDTEXT_BAD_CHARS;
		if (is_space(cp)) {
			space = o > 0;		/* leading whitespace is dropped */
		} else if (is_refused(cp)) {
			return CROWDTEXT_BAD_CHARS;
		} else if (is_invisible(cp)) {
			;	/* dropped: nothing to see, and nothing to hide a word behind */
		} else if (drawable && !stagefont_has(drawable, (uint32_t)cp)) {
			undrawable++;	/* dropped: the screen would not show it, so the queue does not */
		} else {
			if (chars + space + 1 > max_chars)
				return CROWDTEXT_TOO_LONG;
			if (space) {
				out[o++] = ' ';
				chars++;
				space = false;
			}
			memcpy(out + o, s, n);
			o += n;
			chars++;
		}
		s += n;
		left -= n;
	}
	out[o] = '\0';		/* trailing whitespace was never written */
	return o ? CROWDTEXT_QUEUED : undrawable ? CROWDTEXT_UNDRAWABLE : CROWDTEXT_EMPTY;
}

enum crowdtext_result crowdtext_submit(struct crowdtext *ct, int participant, const char *from,
				       uint32_t zone, uint64_t seq, const char *raw, double now_s,
				       uint32_t *id, double *wait_s)
{
	struct crowdtext_item *it;
	char clean[CONFIG_TEXT_BYTES_MAX + 1];
	enum crowdtext_result r;
	double *last;

	ct->counts.submitted++;
	if (participant < 0 || (uint32_t)participant >= ct->participants) {
		ct->counts.refused++;
		return CROWDTEXT_BAD_CHARS;
	}
	r = crowdtext_clean(raw, ct->cfg->text_max_chars, ct->drawable, clean);
	if (r != CROWDTEXT_QUEUED) {
		ct->counts.refused++;
		return r;	/* a typo to fix: it does not use up the participant's turn */
	}
	last = &ct->last_s[participant];
	if (now_s - *last < ct->cfg->text_interval_s) {
		*wait_s = ct->cfg->text_interval_s - (now_s - *last);
		ct->counts.refused++;
		return CROWDTEXT_TOO_SOON;
	}
	if (ct->queued == ct->cfg->queue_max) {
		ct->counts.refused++;
		return CROWDTEXT_QUEUE_FULL;
	}
	/* A filtered text uses up the turn too, so nobody can probe the list at the input rate. */
	*last = now_s;
	if (wordfilter_match(ct->filter, clean, NULL)) {
		ct->counts.filtered++;
		return CROWDTEXT_FILTERED;
	}
	it = &ct->queue[ct->queued++];
	memset(it, 0, sizeof(*it));
	it->id = ct->next_id++;
	it->participant = participant;
	strncpy(it->from, from, CROWDTEXT_FROM_MAX);
	it->zone = zone;
	it->seq = seq;
	it->at_s = now_s;
	memcpy(it->text, clean, strlen(clean) + 1);
	*id = it->id;
	return CROWDTEXT_QUEUED;
}

static void queue_remove(struct crowdtext *ct, uint32_t i)
{
	memmove(&ct->queue[i], &ct->queue[i + 1], (ct->queued - i - 1) * sizeof(ct->queue[0]));
	ct->queued--;
}

static void wall_remove(struct crowdtext *ct, uint32_t i)
{
	memmove(&ct->wall[i], &ct->wall[i + 1], (ct->shown - i - 1) * sizeof(ct->wall[0]));
	ct->shown--;
	ct->wall_generation++;
}

int crowdtext_decide(struct crowdtext *ct, uint32_t id, bool approve, struct crowdtext_item *decided)
{
	for (uint32_t i = 0; i < ct->queued; i++) {
		if (ct->queue[i].id != id)
			continue;
		if (decided)
			*decided = ct->queue[i];
		if (approve) {
			uint32_t keep = ct->shown < ct->cfg->wall_size ? ct->shown : ct->cfg->wall_size - 1;

			memmove(&ct->wall[1], &ct->wall[0], keep * sizeof(ct->wall[0]));
			ct->wall[0] = ct->queue[i];
			ct->shown = keep + 1;
			ct->wall_generation++;
			ct->counts.approved++;
		} else {
			ct->counts.rejected++;
		}
		queue_remove(ct, i);
		return 0;
	}
	return -1;
}

int crowdtext_unshow(struct crowdtext *ct, uint32_t id)
{
	for (uint32_t i = 0; i < ct->shown; i++) {
		if (ct->wall[i].id == id) {
			wall_remove(ct, i);
			return 0;
		}
	}
	return -1;
}

uint32_t crowdtext_withdraw(struct crowdtext *ct, const char *from)
{
	uint32_t gone = 0;

	for (uint32_t i = ct->queued; i-- > 0;) {
		if (strcmp(ct->queue[i].from, from) == 0) {
			queue_remove(ct, i);
			gone++;
		}
	}
	for (uint32_t i = ct->shown; i-- > 0;) {
		if (strcmp(ct->wall[i].from, from) == 0) {
			wall_remove(ct, i);
			gone++;
		}
	}
	ct->counts.withdrawn += gone;
	return gone;
}

void crowdtext_set_drawable(struct crowdtext *ct, const uint8_t *bits)
{
	ct->drawable = bits;
}

void crowdtext_participant_new(struct crowdtext *ct, int participant)
{
	if (participant >= 0 && (uint32_t)participant < ct->participants)
		ct->last_s[participant] = -INFINITY;
}

uint32_t crowdtext_pending_count(const struct crowdtext *ct)
{
	return ct->queued;
}

const struct crowdtext_item *crowdtext_pending(const struct crowdtext *ct, uint32_t i)
{
	return i < ct->queued ? &ct->queue[i] : NULL;
}

uint32_t crowdtext_wall_count(const struct crowdtext *ct)
{
	return ct->shown;
}

const struct crowdtext_item *crowdtext_wall(const struct crowdtext *ct, uint32_t i)
{
	return i < ct->shown ? &ct->wall[i] : NULL;
}

uint32_t crowdtext_wall_generation(const struct crowdtext *ct)
{
	return ct->wall_generation;
}

const struct crowdtext_counts *crowdtext_counts(const struct crowdtext *ct)
{
	return &ct->counts;
}
