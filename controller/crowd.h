/*
 * crowd.h - the participant table and the crowd's aggregates.
 *
 * A fixed-capacity table of participants. A participant survives a dropped
 * connection for the venue's resume window: hello with its token makes the
 * same phone the same participant again, with its votes and its seq.
 *
 * Aggregates are kept incrementally from mergeable partials (crowd_stats.h), one
 * per zone: each participant contributes its latest value once, replaced
 * when it sends a new one and removed when it goes quiet or leaves, so a
 * phone sending 50 inputs a second weighs no more than one sending one.
 * A tick is O(inputs + expiries), not O(participants).
 *
 * Thread: net thread only (the owner of show state).
 */
#ifndef TUTTI_CROWD_H
#define TUTTI_CROWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"
#include "ratelimit.h"

/* A participant's input rate state: kept across reconnects, so reconnecting buys nothing. */
struct crowd_throttle {
	struct token_bucket bucket;	/* inputs and votes */
	double throttled_since;		/* -1 when within its rate */
	double last_limited_s;
};

#define CROWD_TOKEN_CHARS	22	/* 16 random bytes, base64url, no padding */
#define CROWD_ID_CHARS		10	/* "p-" + 8 hex digits */
#define CROWD_TAP_WINDOW_S	2.0	/* taps_per_s is measured over this */
#define CROWD_KINETIC_WINDOW_S	2.0	/* a tempo or shake lasts this long without taps/shakes */

struct crowd;

/*
 * Creates an empty crowd for @cfg (which must outlive it) with room for
 * @table_size participants, connected or waiting to resume. Returns NULL
 * when out of memory.
 */
struct crowd *crowd_create(const struct venue_config *cfg, uint32_t table_size);
void crowd_destroy(struct crowd *c);

/*
 * Joins a participant at show time @now_s. With the @token of a known
 * participant, that participant resumes (*@resumed = true) and keeps its
 * zone; if it was still connected (a phone that changed network before its
 * old socket timed out), the new connection takes it over and
 * *@taken_over is set: the caller must drop the old connection. Otherwise
 * a new participant joins zone @zone. When the table has no free slot, the
 * participant that has waited longest to resume is forgotten to make room.
 * Returns the participant's index, or -1 when every slot holds a connected
 * participant. @taken_over may be NULL.
 */
int crowd_join(struct crowd *c, const char *token, uint32_t zone, double now_s, bool *resumed,
	       bool *taken_over);
/*
 * Where new participants' tokens and anonymous ids come from: the
 * system's random source unless a source is set. A replay hands each join
 * the identity its journal holds: @fn fills @id ("p-1a2b3c4d") and @token
 * (as phones hold it) and returns true, or false to leave it to chance.
 * When it gives one already in use (or a malformed one), it is asked
 * again, and after a few tries the random source answers. @fn NULL: random
 * again.
 */
typedef bool crowd_identity_fn(void *user, char id[CROWD_ID_CHARS + 2], char token[CROWD_TOKEN_CHARS + 2]);
void crowd_set_identities(struct crowd *c, crowd_identity_fn *fn, void *user);
/*
 * Tokens and ids from a sequence seeded with @seed: a rehearsal's crowd
 * gets the same ids with the same seed. Such tokens guard nothing: never
 * for a show with real phones.
 */
void crowd_seed_identities(struct crowd *c, uint64_t seed);

/*
 * A participant from the show's journal, after a restart: anonymous id @id
 * ("p-1a2b3c4d"), its @token and @zone, waiting to resume from @now_s (its
 * phone's hello with the token brings it back, as after a dropped
 * connection). Returns its index, or -1 when @id or @token is malformed,
 * the id is taken, or the table is full.
 */
int crowd_restore(struct crowd *c, const char *id, const char *token, uint32_t zone, double now_s);
/*
 * After a restart: every participant waiting to resume waits from @now_s
 * (the show time the crash cut off), not from its join. A phone connected
 * until the crash has the whole resume window from the restart.
 */
void crowd_restored_wait_from(struct crowd *c, double now_s);
/* True when @token belongs to a participant that can resume. */
bool crowd_token_known(const struct crowd *c, const char *token);
/* The participant (connected or waiting to resume) whose token is @token, or -1. */
int crowd_find_by_token(const struct crowd *c, const char *token);
/* True when @token belongs to a participant connected now: a hello with it is a takeover. */
bool crowd_token_connected(const struct crowd *c, const char *token);
/* The connection object that owns participant @p (set by its owner), or NULL. */
void *crowd_participant_owner(const struct crowd *c, int p);
void crowd_participant_set_owner(struct crowd *c, int p, void *owner);
/* Moderation: a muted participant's contributions go at once and its inputs are refused. */
void crowd_participant_set_muted(struct crowd *c, int p, bool muted);
bool crowd_participant_muted(const struct crowd *c, int p);
/* An opaque key of where @p last connected from (never an address), 0 = unknown: for sanctions. */
void crowd_participant_set_origin(struct crowd *c, int p, uint64_t origin);
uint64_t crowd_participant_origin(const struct crowd *c, int p);
/* Participant @p's rate state. */
struct crowd_throttle *crowd_participant_throttle(struct crowd *c, int p);
/* The connection of participant @p closed: it may resume until the resume window ends. */
void crowd_leave(struct crowd *c, int p, double now_s);
/*
 * Forgets participant @p, which must not be connected (its connection
 * would point at a reused slot); its token no longer resumes. Its votes
 * stay counted. Does nothing for a connected participant.
 */
void crowd_forget(struct crowd *c, int p);

const char *crowd_participant_id(const struct crowd *c, int p);
const char *crowd_participant_token(const struct crowd *c, int p);
uint32_t crowd_participant_zone(const struct crowd *c, int p);
uint64_t crowd_participant_last_seq(const struct crowd *c, int p);
/* Per poll index, -1 = no vote; poll_count entries. */
const int8_t *crowd_participant_votes(const struct crowd *c, int p);
/* Index of the connected-or-resumable participant with anonymous id @id, or -1. */
int crowd_find_by_id(const struct crowd *c, const char *id);

/*
 * Takes @seq from participant @p if it is newer than every seq taken
 * before. Returns false for a re-sent (or older) seq.
 */
bool crowd_seq_take(struct crowd *c, int p, uint64_t seq);

/* Inputs; values are in [0, 1]. Each also marks the participant active. */
void crowd_tap(struct crowd *c, int p, double now_s);
void crowd_xy(struct crowd *c, int p, double x, double y, double now_s);
void crowd_slider(struct crowd *c, int p, double value, double now_s);
void crowd_shake(struct crowd *c, int p, double energy, double now_s);
/*
 * Sets participant @p's vote in poll @poll to @choice (changing an earlier
 * vote, never adding a second). The caller checks the poll is open and
 * @choice is one of its options.
 */
void crowd_vote(struct crowd *c, int p, uint32_t poll, uint32_t choice, double now_s);
/* The poll starts over: nobody has voted in @poll, its tallies are zero. */
void crowd_poll_reset(struct crowd *c, uint32_t poll);
/*
 * After a restart: @count votes for @choice of @poll that belong to nobody
 * any more (participants who asked to be forgotten). They count in the
 * tallies like any vote; nobody can change them.
 */
void crowd_count_anonymous_votes(struct crowd *c, uint32_t poll, uint32_t choice, uint32_t count);
/* Exact tallies of @poll over the whole venue into @tallies (option_count entries). */
void crowd_poll_tallies(const struct crowd *c, uint32_t poll, uint32_t *tallies);

/* Expires quiet contributions and stale resumable participants. Call once per tick. */
void crowd_tick(struct crowd *c, double now_s);
/* Fills the venue's and each zone's summary (cfg->zone_count entries). */
void crowd_summarize(const struct crowd *c, double now_s, struct crowd_summary *venue,
		     struct crowd_summary *zones);

uint32_t crowd_connected(const struct crowd *c);
/*
 * Connected participants whose last input came at or after show time
 * @since_s: the whole venue's count, and per zone into @zones (room for
 * the venue's zones; may be NULL). Walks the table: for the console's
 * live view, a few times a second, not for every tick.
 */
uint32_t crowd_active_since(const struct crowd *c, double since_s, uint32_t *zones);
/*
 * Fills @dots (room for @max) with the active participants, newest input
 * first: zone, a pulse that is 1 at a tap or shake and decays over half a
 * second, and their xy. Returns how many.
 */
struct stage_dot;
uint32_t crowd_dots(const struct crowd *c, double now_s, struct stage_dot *dots, uint32_t max);
uint32_t crowd_table_used(const struct crowd *c);

#endif
