/*
 * crowd.c - participant table and incremental, mergeable crowd aggregates.
 * See crowd.h. Thread: net thread only.
 */
#include "crowd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "idmap.h"
#include "stage_frame.h"
#include "crowd_stats.h"

#define NIL			UINT32_MAX
#define TAP_BUCKET_S		0.1
#define TAP_BUCKETS		20	/* CROWD_TAP_WINDOW_S / TAP_BUCKET_S */
#define TEMPO_INTERVALS		4	/* a personal tempo is the median of these */
#define TEMPO_MIN_STEADY	3	/* intervals needed before a tempo counts */
#define TEMPO_STEADY_TOLERANCE	0.2	/* every interval within 20 % of their median */
#define TEMPO_SHORTEST_S	(60.0 / TEMPO_MAX_BPM)
#define TEMPO_LONGEST_S		(60.0 / TEMPO_MIN_BPM)
#define TEMPO_MIN_TAPPERS	3	/* fewer steady tappers: no crowd tempo */

enum slot_state { SLOT_FREE = 0, SLOT_CONNECTED, SLOT_WAITING };

struct participant {
	uint8_t token[16];
	uint32_t anon_id;
	uint8_t state;			/* enum slot_state */
	uint8_t zone;
	uint8_t tap_interval_count;
	bool active;			/* counted in its zone's active */
	bool has_xy, has_slider, has_tempo, has_shake;
	bool muted;			/* the venue muted it: its inputs and votes are refused */
	uint64_t origin;		/* opaque key of where it connected from, for sanctions */
	uint64_t last_seq;
	double last_input_s;		/* orders the active list */
	double last_kinetic_s;		/* last tap or shake: orders the kinetic list */
	double last_tap_s, last_shake_s;
	double left_s;			/* when it became SLOT_WAITING */
	float x, y, slider, shake, tempo_bpm;	/* what it contributes now */
	float tap_intervals[TEMPO_INTERVALS];	/* newest first */
	char id[CROWD_ID_CHARS + 1];
	char token_text[CROWD_TOKEN_CHARS + 1];
	void *owner;			/* the connection serving it now */
	struct crowd_throttle throttle;
};

/* An intrusive doubly-linked list of participant indices, ordered by a time. */
struct plist {
	uint32_t head, tail;
	uint32_t *prev, *next;
	uint8_t *member;
};

struct tap_bucket {
	int64_t stamp;			/* which 100 ms slot of show time it holds */
	uint32_t taps;
};

/* One zone's mergeable partial. */
struct zone_agg {
	uint32_t participants, active;
	struct value_stats x, y, slider;
	struct tempo_stats tempo;
	uint32_t shake_n;
	int64_t shake_micro;
	struct tap_bucket taps[TAP_BUCKETS];
};

struct crowd {
	const struct venue_config *cfg;
	uint32_t size;
	struct participant *p;
	uint32_t *free_stack;
	uint32_t free_count;
	uint32_t connected;
	struct idmap by_token, by_id;
	struct plist active, kinetic, waiting;
	struct zone_agg *zones;
	int8_t *votes;			/* size * poll_count, -1 = none */
	uint32_t *tallies;		/* poll_count * CONFIG_POLL_OPTIONS_MAX */
	crowd_identity_fn *identity;	/* where new tokens and ids come from; NULL = the system's random */
	void *identity_user;
	bool seeded;			/* ... or from a seeded sequence */
	uint64_t identity_seed;		/* its state */
};

/* ---- lists ---- */

static int plist_init(struct plist *l, uint32_t n)
{
	l->head = l->tail = NIL;
	l->prev = malloc(n * sizeof(*l->prev));
	l->next = malloc(n * sizeof(*l->next));
	l->member = calloc(n, 1);
	return (l->prev && l->next && l->member) ? 0 : -1;
}

static void plist_free(struct plist *l)
{
	free(l->prev);
	free(l->next);
	free(l->member);
}

static void plist_remove(struct plist *l, uint32_t i)
{
	if (!l->member[i])
		return;
	if (l->prev[i] != NIL)
		l->next[l->prev[i]] = l->next[i];
	else
		l->head = l->next[i];
	if (l->next[i] != NIL)
		l->prev[l->next[i]] = l->prev[i];
	else
		l->tail = l->prev[i];
	l->member[i] = 0;
}

/* Moves @i to the tail: the list stays ordered by the time just set. */
static void plist_touch(struct plist *l, uint32_t i)
{
	plist_remove(l, i);
	l->prev[i] = l->tail;
	l->next[i] = NIL;
	if (l->tail != NIL)
		l->next[l->tail] = i;
	else
		l->head = i;
	l->tail = i;
	l->member[i] = 1;
}

/* ---- tokens and ids ---- */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void token_encode(const uint8_t in[16], char out[CROWD_TOKEN_CHARS + 1])
{
	uint32_t acc = 0;
	int bits = 0, o = 0;

	for (int i = 0; i < 16; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64url[(acc >> bits) & 63];
		}
	}
	if (bits)
		out[o++] = b64url[(acc << (6 - bits)) & 63];
	out[o] = '\0';
}

static bool token_decode(const char *s, uint8_t out[16])
{
	uint32_t acc = 0;
	int bits = 0, o = 0;

	if (strlen(s) != CROWD_TOKEN_CHARS)
		return false;
	for (int i = 0; i < CROWD_TOKEN_CHARS; i++) {
		const char *pos = s[i] ? strchr(b64url, s[i]) : NULL;

		if (!pos)
			return false;
		acc = (acc << 6) | (uint32_t)(pos - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < 16)
				out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == 16;
}

static uint64_t token_key(const uint8_t t[16])
{
	uint64_t k;

	memcpy(&k, t, sizeof(k));
	return k;
}

/* Constant-time compare, so response timing does not leak a token's bytes. */
static bool token_equal(const uint8_t a[16], const uint8_t b[16])
{
	uint8_t d = 0;

	for (int i = 0; i < 16; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

static void fill_random(void *buf, size_t n)
{
	uint8_t *b = buf;

	while (n) {
		ssize_t got = getrandom(b, n, 0);

		if (got <= 0)
			continue;	/* EINTR; getrandom never fails once the pool is ready */
		b += got;
		n -= (size_t)got;
	}
}

/* ---- create / destroy ---- */

struct crowd *crowd_create(const struct venue_config *cfg, uint32_t table_size)
{
	struct crowd *c = calloc(1, sizeof(*c));
	size_t polls = cfg->poll_count ? cfg->poll_count : 1;

	if (!c || table_size == 0)
		goto fail;
	c->cfg = cfg;
	c->size = table_size;
	c->p = calloc(table_size, sizeof(*c->p));
	c->free_stack = malloc(table_size * sizeof(*c->free_stack));
	c->zones = calloc(cfg->zone_count, sizeof(*c->zones));
	c->votes = malloc((size_t)table_size * polls);
	c->tallies = calloc(polls * CONFIG_POLL_OPTIONS_MAX, sizeof(*c->tallies));
	if (!c->p || !c->free_stack || !c->zones || !c->votes || !c->tallies)
		goto fail;
	if (idmap_init(&c->by_token, table_size) || idmap_init(&c->by_id, table_size))
		goto fail;
	if (plist_init(&c->active, table_size) || plist_init(&c->kinetic, table_size) ||
	    plist_init(&c->waiting, table_size))
		goto fail;
	/* Hand out low slots first: the table is then compact in the common case. */
	for (uint32_t i = 0; i < table_size; i++)
		c->free_stack[i] = table_size - 1 - i;
	c->free_count = table_size;
	return c;
fail:
	crowd_destroy(c);
	return NULL;
}

void crowd_destroy(struct crowd *c)
{
	if (!c)
		return;
	free(c->p);
	free(c->free_stack);
	free(c->zones);
	free(c->votes);
	free(c->tallies);
	idmap_free(&c->by_token);
	idmap_free(&c->by_id);
	plist_free(&c->active);
	plist_free(&c->kinetic);
	plist_free(&c->waiting);
	free(c);
}

/* ---- contributions ---- */

static void drop_tempo(struct crowd *c, struct participant *p)
{
	if (p->has_tempo)
		tempo_stats_sub(&c->zones[p->zone].tempo, p->tempo_bpm);
	p->has_tempo = false;
}

static void drop_shake(struct crowd *c, struct participant *p)
{
	struct zone_agg *z = &c->zones[p->zone];

	if (p->has_shake) {
		z->shake_n--;
		z->shake_micro -= (int64_t)(p->shake * 1e6f);
	}
	p->has_shake = false;
}

static void drop_positional(struct crowd *c, struct participant *p)
{
	struct zone_agg *z = &c->zones[p->zone];

	if (p->has_xy) {
		value_stats_sub(&z->x, p->x);
		value_stats_sub(&z->y, p->y);
	}
	if (p->has_slider)
		value_stats_sub(&z->slider, p->slider);
	p->has_xy = p->has_slider = false;
}

static void drop_activity(struct crowd *c, uint32_t i)
{
	struct participant *p = &c->p[i];

	drop_positional(c, p);
	drop_tempo(c, p);
	drop_shake(c, p);
	p->tap_interval_count = 0;
	if (p->active)
		c->zones[p->zone].active--;
	p->active = false;
	plist_remove(&c->active, i);
	plist_remove(&c->kinetic, i);
}

static void mark_active(struct crowd *c, uint32_t i, double now_s)
{
	struct participant *p = &c->p[i];

	if (!p->active)
		c->zones[p->zone].active++;
	p->active = true;
	p->last_input_s = now_s;
	plist_touch(&c->active, i);
}

static void mark_kinetic(struct crowd *c, uint32_t i, double now_s)
{
	c->p[i].last_kinetic_s = now_s;
	plist_touch(&c->kinetic, i);
}

/* ---- join / leave ---- */

static void slot_release(struct crowd *c, uint32_t i)
{
	struct participant *p = &c->p[i];

	drop_activity(c, i);
	plist_remove(&c->waiting, i);
	idmap_del(&c->by_token, token_key(p->token));
	idmap_del(&c->by_id, (uint64_t)p->anon_id | (1ULL << 32));
	if (p->state == SLOT_CONNECTED) {
		c->connected--;
		c->zones[p->zone].participants--;
	}
	memset(p, 0, sizeof(*p));
	c->free_stack[c->free_count++] = i;
}

static int slot_take(struct crowd *c)
{
	if (c->free_count == 0) {
		/* Forget whoever has waited longest to resume; connected phones stay. */
		if (c->waiting.head == NIL)
			return -1;
		slot_release(c, c->waiting.head);
	}
	return (int)c->free_stack[--c->free_count];
}

static int find_waiting(const struct crowd *c, const char *token)
{
	uint8_t raw[16];
	int64_t i;

	if (!token || !token_decode(token, raw))
		return -1;
	i = idmap_get(&c->by_token, token_key(raw));
	if (i < 0 || !token_equal(c->p[i].token, raw))
		return -1;
	return (int)i;
}

/* Slot @i becomes a participant of @zone with @p's token and anon_id already set. */
static void participant_init(struct crowd *c, int i, uint32_t zone)
{
	struct participant *p = &c->p[i];

	idmap_put(&c->by_token, token_key(p->token), (uint32_t)i);
	idmap_put(&c->by_id, (uint64_t)p->anon_id | (1ULL << 32), (uint32_t)i);
	token_encode(p->token, p->token_text);
	snprintf(p->id, sizeof(p->id), "p-%08x", p->anon_id);
	p->zone = (uint8_t)zone;
	p->muted = false;
	p->origin = 0;
	p->last_seq = 0;
	p->throttle.throttled_since = -1;
	memset(c->votes + (size_t)i * (c->cfg->poll_count ? c->cfg->poll_count : 1), -1,
	       c->cfg->poll_count ? c->cfg->poll_count : 1);
}

void crowd_set_identities(struct crowd *c, crowd_identity_fn *fn, void *user)
{
	c->identity = fn;
	c->identity_user = user;
	c->seeded = false;
}

/* splitmix64: every seed, even 0, gives a well-mixed sequence. */
static uint64_t seeded_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void crowd_seed_identities(struct crowd *c, uint64_t seed)
{
	crowd_set_identities(c, NULL, NULL);
	c->identity_seed = seed;
	c->seeded = true;
}

/* The identity the caller's source gives, decoded; false when it gives none or a malformed one. */
static bool given_identity(struct crowd *c, struct participant *p)
{
	char id[CROWD_ID_CHARS + 2] = "", token[CROWD_TOKEN_CHARS + 2] = "";
	unsigned int anon;
	int end = 0;

	if (!c->identity(c->identity_user, id, token) || !token_decode(token, p->token) ||
	    sscanf(id, "p-%8x%n", &anon, &end) != 1 || end != CROWD_ID_CHARS || id[end])
		return false;
	p->anon_id = anon;
	return true;
}

/* A new token and id, unused here: from the identity source, else (or after it repeats itself) at random. */
static void new_identity(struct crowd *c, struct participant *p)
{
	for (int tries = 0;; tries++) {
		if (c->seeded && tries < 8) {
			uint64_t a = seeded_next(&c->identity_seed), b = seeded_next(&c->identity_seed);

			memcpy(p->token, &a, 8);
			memcpy(p->token + 8, &b, 8);
			p->anon_id = (uint32_t)seeded_next(&c->identity_seed);
		} else if (!(c->identity && tries < 8 && given_identity(c, p))) {
			fill_random(p->token, sizeof(p->token));
			fill_random(&p->anon_id, sizeof(p->anon_id));
		}
		if (token_key(p->token) != 0 && idmap_get(&c->by_token, token_key(p->token)) < 0 &&
		    idmap_get(&c->by_id, (uint64_t)p->anon_id | (1ULL << 32)) < 0)
			return;
	}
}

static int new_participant(struct crowd *c, uint32_t zone)
{
	int i = slot_take(c);

	if (i < 0)
		return -1;
	new_identity(c, &c->p[i]);
	participant_init(c, i, zone);
	return i;
}

int crowd_restore(struct crowd *c, const char *id, const char *token, uint32_t zone, double now_s)
{
	uint8_t raw[16];
	unsigned int anon;
	int end = 0, i;

	if (!token_decode(token, raw) || token_key(raw) == 0 || sscanf(id, "p-%8x%n", &anon, &end) != 1 ||
	    end != 10 || id[end])
		return -1;
	i = find_waiting(c, token);
	if (i >= 0)
		return i;	/* already back */
	if (idmap_get(&c->by_id, (uint64_t)anon | (1ULL << 32)) >= 0 || (i = slot_take(c)) < 0)
		return -1;
	memcpy(c->p[i].token, raw, sizeof(raw));
	c->p[i].anon_id = anon;
	participant_init(c, i, zone < c->cfg->zone_count ? zone : 0);
	token_bucket_init(&c->p[i].throttle.bucket, c->cfg->limits.input_burst, now_s);
	c->p[i].state = SLOT_WAITING;
	c->p[i].left_s = now_s;
	plist_touch(&c->waiting, (uint32_t)i);
	return i;
}


void crowd_restored_wait_from(struct crowd *c, double now_s)
{
	for (uint32_t i = 0; i < c->size; i++)
		if (c->p[i].state == SLOT_WAITING && c->p[i].left_s < now_s)
			c->p[i].left_s = now_s;
}

int crowd_join(struct crowd *c, const char *token, uint32_t zone, double now_s, bool *resumed,
	       bool *taken_over)
{
	int i = find_waiting(c, token);
	struct participant *p;

	*resumed = false;
	if (taken_over)
		*taken_over = false;
	if (zone >= c->cfg->zone_count)
		zone = 0;
	if (i >= 0 && c->p[i].state == SLOT_CONNECTED) {
		/* Its phone is back on a new connection before the old one timed out. */
		*resumed = true;
		if (taken_over)
			*taken_over = true;
		drop_activity(c, (uint32_t)i);
		return i;
	}
	if (i >= 0 && c->p[i].state == SLOT_WAITING) {
		*resumed = true;
		plist_remove(&c->waiting, (uint32_t)i);
	} else {
		i = new_participant(c, zone);
		if (i < 0)
			return -1;
		token_bucket_init(&c->p[i].throttle.bucket, c->cfg->limits.input_burst, now_s);
	}
	p = &c->p[i];
	p->state = SLOT_CONNECTED;
	c->connected++;
	c->zones[p->zone].participants++;
	return i;
}

bool crowd_token_known(const struct crowd *c, const char *token)
{
	return find_waiting(c, token) >= 0;
}

int crowd_find_by_token(const struct crowd *c, const char *token)
{
	return find_waiting(c, token);
}

bool crowd_token_connected(const struct crowd *c, const char *token)
{
	int i = find_waiting(c, token);

	return i >= 0 && c->p[i].state == SLOT_CONNECTED;
}

void *crowd_participant_owner(const struct crowd *c, int i)
{
	return c->p[i].owner;
}

void crowd_participant_set_owner(struct crowd *c, int i, void *owner)
{
	c->p[i].owner = owner;
}

void crowd_participant_set_muted(struct crowd *c, int i, bool muted)
{
	c->p[i].muted = muted;
	if (muted)
		drop_activity(c, (uint32_t)i);	/* what it contributed goes at once */
}

void crowd_participant_set_origin(struct crowd *c, int i, uint64_t origin)
{
	c->p[i].origin = origin;
}

uint64_t crowd_participant_origin(const struct crowd *c, int i)
{
	return c->p[i].origin;
}

bool crowd_participant_muted(const struct crowd *c, int i)
{
	return c->p[i].muted;
}

struct crowd_throttle *crowd_participant_throttle(struct crowd *c, int i)
{
	return &c->p[i].throttle;
}

void crowd_leave(struct crowd *c, int i, double now_s)
{
	struct participant *p;

	if (i < 0 || (uint32_t)i >= c->size || c->p[i].state != SLOT_CONNECTED)
		return;
	p = &c->p[i];
	drop_activity(c, (uint32_t)i);
	p->owner = NULL;
	p->state = SLOT_WAITING;
	p->left_s = now_s;
	c->connected--;
	c->zones[p->zone].participants--;
	plist_touch(&c->waiting, (uint32_t)i);
}

void crowd_forget(struct crowd *c, int i)
{
	if (i < 0 || (uint32_t)i >= c->size || c->p[i].state != SLOT_WAITING)
		return;
	slot_release(c, (uint32_t)i);
}

const char *crowd_participant_id(const struct crowd *c, int i)
{
	return c->p[i].id;
}

const char *crowd_participant_token(const struct crowd *c, int i)
{
	return c->p[i].token_text;
}

uint32_t crowd_participant_zone(const struct crowd *c, int i)
{
	return c->p[i].zone;
}

uint64_t crowd_participant_last_seq(const struct crowd *c, int i)
{
	return c->p[i].last_seq;
}

const int8_t *crowd_participant_votes(const struct crowd *c, int i)
{
	return c->votes + (size_t)i * (c->cfg->poll_count ? c->cfg->poll_count : 1);
}

int crowd_find_by_id(const struct crowd *c, const char *id)
{
	unsigned int anon;
	char tail;

	/* Only the form phones show: "p-" and eight lowercase hex digits (no sign, no 0x, no capitals). */
	if (!id || strlen(id) != CROWD_ID_CHARS || strncmp(id, "p-", 2) != 0 ||
	    strspn(id + 2, "0123456789abcdef") != CROWD_ID_CHARS - 2 ||
	    sscanf(id, "p-%8x%c", &anon, &tail) != 1)
		return -1;
	return (int)idmap_get(&c->by_id, (uint64_t)anon | (1ULL << 32));
}

bool crowd_seq_take(struct crowd *c, int i, uint64_t seq)
{
	if (seq <= c->p[i].last_seq)
		return false;
	c->p[i].last_seq = seq;
	return true;
}

/* ---- inputs ---- */

static int compare_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/*
 * A participant's own tempo: the median of its last few tap intervals, if
 * they agree with each other. Irregular tapping contributes nothing.
 */
static void update_tempo(struct crowd *c, struct participant *p, double interval)
{
	float sorted[TEMPO_INTERVALS];
	int n;
	float median;

	if (interval < TEMPO_SHORTEST_S * 0.9)
		return;		/* a bounce or a double tap: keep the rhythm we had */
	if (interval > TEMPO_LONGEST_S) {
		p->tap_interval_count = 0;	/* a pause: the next taps start a new rhythm */
		drop_tempo(c, p);
		return;
	}
	memmove(p->tap_intervals + 1, p->tap_intervals, (TEMPO_INTERVALS - 1) * sizeof(float));
	p->tap_intervals[0] = (float)interval;
	if (p->tap_interval_count < TEMPO_INTERVALS)
		p->tap_interval_count++;
	n = p->tap_interval_count;
	drop_tempo(c, p);
	if (n < TEMPO_MIN_STEADY)
		return;
	memcpy(sorted, p->tap_intervals, n * sizeof(float));
	qsort(sorted, n, sizeof(float), compare_float);
	median = (n % 2) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	for (int k = 0; k < n; k++)
		if (sorted[k] < median * (1 - TEMPO_STEADY_TOLERANCE) ||
		    sorted[k] > median * (1 + TEMPO_STEADY_TOLERANCE))
			return;
	p->tempo_bpm = 60.0f / median;
	p->has_tempo = true;
	tempo_stats_add(&c->zones[p->zone].tempo, p->tempo_bpm);
}

void crowd_tap(struct crowd *c, int i, double now_s)
{
	struct participant *p = &c->p[i];
	struct zone_agg *z = &c->zones[p->zone];
	int64_t slot = (int64_t)(now_s / TAP_BUCKET_S);
	struct tap_bucket *b = &z->taps[slot % TAP_BUCKETS];

	if (b->stamp != slot) {
		b->stamp = slot;
		b->taps = 0;
	}
	b->taps++;
	if (p->last_tap_s > 0)
		update_tempo(c, p, now_s - p->last_tap_s);
	p->last_tap_s = now_s;
	if (p->has_shake && now_s - p->last_shake_s > CROWD_KINETIC_WINDOW_S)
		drop_shake(c, p);
	mark_active(c, (uint32_t)i, now_s);
	mark_kinetic(c, (uint32_t)i, now_s);
}

void crowd_xy(struct crowd *c, int i, double x, double y, double now_s)
{
	struct participant *p = &c->p[i];
	struct zone_agg *z = &c->zones[p->zone];

	if (p->has_xy) {
		value_stats_sub(&z->x, p->x);
		value_stats_sub(&z->y, p->y);
	}
	p->x = (float)x;
	p->y = (float)y;
	p->has_xy = true;
	value_stats_add(&z->x, p->x);
	value_stats_add(&z->y, p->y);
	mark_active(c, (uint32_t)i, now_s);
}

void crowd_slider(struct crowd *c, int i, double value, double now_s)
{
	struct participant *p = &c->p[i];
	struct zone_agg *z = &c->zones[p->zone];

	if (p->has_slider)
		value_stats_sub(&z->slider, p->slider);
	p->slider = (float)value;
	p->has_slider = true;
	value_stats_add(&z->slider, p->slider);
	mark_active(c, (uint32_t)i, now_s);
}

void crowd_shake(struct crowd *c, int i, double energy, double now_s)
{
	struct participant *p = &c->p[i];
	struct zone_agg *z = &c->zones[p->zone];

	drop_shake(c, p);
	p->shake = (float)energy;
	p->has_shake = true;
	p->last_shake_s = now_s;
	z->shake_n++;
	z->shake_micro += (int64_t)(p->shake * 1e6f);
	if (p->has_tempo && now_s - p->last_tap_s > CROWD_KINETIC_WINDOW_S)
		drop_tempo(c, p);
	mark_active(c, (uint32_t)i, now_s);
	mark_kinetic(c, (uint32_t)i, now_s);
}

void crowd_vote(struct crowd *c, int i, uint32_t poll, uint32_t choice, double now_s)
{
	int8_t *votes = (int8_t *)crowd_participant_votes(c, i);
	uint32_t *tally = c->tallies + (size_t)poll * CONFIG_POLL_OPTIONS_MAX;

	if (poll >= c->cfg->poll_count || choice >= c->cfg->polls[poll].option_count)
		return;
	if (votes[poll] >= 0)
		tally[votes[poll]]--;
	votes[poll] = (int8_t)choice;
	tally[choice]++;
	mark_active(c, (uint32_t)i, now_s);
}

void crowd_poll_reset(struct crowd *c, uint32_t poll)
{
	uint32_t stride = c->cfg->poll_count;

	if (poll >= stride)
		return;
	/* Every slot, free ones too: a vote must not come back with the next owner of a slot. */
	for (uint32_t i = 0; i < c->size; i++)
		c->votes[(size_t)i * stride + poll] = -1;
	memset(c->tallies + (size_t)poll * CONFIG_POLL_OPTIONS_MAX, 0, CONFIG_POLL_OPTIONS_MAX * sizeof(*c->tallies));
}

void crowd_count_anonymous_votes(struct crowd *c, uint32_t poll, uint32_t choice, uint32_t count)
{
	if (poll >= c->cfg->poll_count || choice >= c->cfg->polls[poll].option_count)
		return;
	c->tallies[(size_t)poll * CONFIG_POLL_OPTIONS_MAX + choice] += count;
}

void crowd_poll_tallies(const struct crowd *c, uint32_t poll, uint32_t *tallies)
{
	if (poll >= c->cfg->poll_count)
		return;
	memcpy(tallies, c->tallies + (size_t)poll * CONFIG_POLL_OPTIONS_MAX,
	       c->cfg->polls[poll].option_count * sizeof(*tallies));
}

/* ---- tick and summaries ---- */

void crowd_tick(struct crowd *c, double now_s)
{
	double active_window = c->cfg->active_window_s;

	while (c->kinetic.head != NIL &&
	       now_s - c->p[c->kinetic.head].last_kinetic_s > CROWD_KINETIC_WINDOW_S) {
		uint32_t i = c->kinetic.head;

		drop_tempo(c, &c->p[i]);
		drop_shake(c, &c->p[i]);
		c->p[i].tap_interval_count = 0;
		plist_remove(&c->kinetic, i);
	}
	while (c->active.head != NIL &&
	       now_s - c->p[c->active.head].last_input_s > active_window) {
		uint32_t i = c->active.head;
		struct participant *p = &c->p[i];

		drop_positional(c, p);
		if (p->active)
			c->zones[p->zone].active--;
		p->active = false;
		plist_remove(&c->active, i);
	}
	while (c->waiting.head != NIL &&
	       now_s - c->p[c->waiting.head].left_s > c->cfg->resume_window_s)
		slot_release(c, c->waiting.head);
}

static uint32_t taps_in_window(const struct zone_agg *z, double now_s)
{
	int64_t now_slot = (int64_t)(now_s / TAP_BUCKET_S);
	uint32_t sum = 0;

	for (int b = 0; b < TAP_BUCKETS; b++)
		if (z->taps[b].stamp > now_slot - TAP_BUCKETS && z->taps[b].stamp <= now_slot)
			sum += z->taps[b].taps;
	return sum;
}

static void summary_fill(struct crowd_summary *s, const struct zone_agg *a, uint32_t taps)
{
	double median = tempo_stats_median(&a->tempo);

	s->participants = a->participants;
	s->active = a->active;
	s->taps_per_s = taps / CROWD_TAP_WINDOW_S;
	s->tempo_n = a->tempo.n;
	s->tempo_bpm = (a->tempo.n >= TEMPO_MIN_TAPPERS && median > 0) ? median : -1;
	s->xy_n = a->x.n;
	s->x_mean = value_stats_mean(&a->x);
	s->y_mean = value_stats_mean(&a->y);
	s->x_median = value_stats_median(&a->x);
	s->y_median = value_stats_median(&a->y);
	s->slider_n = a->slider.n;
	s->slider_mean = value_stats_mean(&a->slider);
	s->slider_median = value_stats_median(&a->slider);
	s->shake_n = a->shake_n;
	/* Mean over everyone active, so one wild shaker moves it by 1/active at most. */
	s->shake_energy = a->active ? (double)a->shake_micro / 1e6 / a->active : 0;
	if (s->shake_energy > 1)
		s->shake_energy = 1;
}

void crowd_summarize(const struct crowd *c, double now_s, struct crowd_summary *venue,
		     struct crowd_summary *zones)
{
	/* Static: the merged partial is ~4 KB, and the net thread is the only caller. */
	static struct zone_agg all;
	uint32_t all_taps = 0;

	memset(&all, 0, sizeof(all));
	for (uint32_t z = 0; z < c->cfg->zone_count; z++) {
		const struct zone_agg *a = &c->zones[z];
		uint32_t taps = taps_in_window(a, now_s);

		summary_fill(&zones[z], a, taps);
		all_taps += taps;
		all.participants += a->participants;
		all.active += a->active;
		value_stats_merge(&all.x, &a->x);
		value_stats_merge(&all.y, &a->y);
		value_stats_merge(&all.slider, &a->slider);
		tempo_stats_merge(&all.tempo, &a->tempo);
		all.shake_n += a->shake_n;
		all.shake_micro += a->shake_micro;
	}
	summary_fill(venue, &all, all_taps);
}

uint32_t crowd_connected(const struct crowd *c)
{
	return c->connected;
}

uint32_t crowd_active_since(const struct crowd *c, double since_s, uint32_t *zones)
{
	uint32_t n = 0;

	if (zones)
		memset(zones, 0, c->cfg->zone_count * sizeof(*zones));
	for (uint32_t i = 0; i < c->size; i++) {
		const struct participant *p = &c->p[i];

		/* A participant that never sent anything has last_input_s 0: not active. */
		if (p->state != SLOT_CONNECTED || p->last_input_s <= 0 || p->last_input_s < since_s)
			continue;
		n++;
		if (zones)
			zones[p->zone]++;
	}
	return n;
}

uint32_t crowd_table_used(const struct crowd *c)
{
	return c->size - c->free_count;
}

uint32_t crowd_dots(const struct crowd *c, double now_s, struct stage_dot *dots, uint32_t max)
{
	uint32_t n = 0;

	/* The active list is newest-first from its tail: the freshest survive a full screen. */
	for (uint32_t i = c->active.tail; i != NIL && n < max; i = c->active.prev[i]) {
		const struct participant *p = &c->p[i];
		double since = now_s - p->last_kinetic_s;
		float pulse = since >= 0 && since < 0.5 ? (float)(1.0 - since / 0.5) : 0.0f;

		dots[n++] = (struct stage_dot){
			.id = p->anon_id, .zone = p->zone, .pulse = pulse,
			.x = p->has_xy ? p->x : -1.0f, .y = p->has_xy ? p->y : -1.0f,
		};
	}
	return n;
}
