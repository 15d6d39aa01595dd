/*
 * show.h - the cue list and the polls' lifecycle.
 *
 * One cue is current. Moving to a cue closes the previous cue's open poll,
 * opens the new cue's poll when it opens with its cue, and arms its
 * auto-advance. Polls with a duration close by themselves.
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_SHOW_H
#define TUTTI_SHOW_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "frame.h"

struct show;

/* Starts at the first cue at show time @now_s. @cfg must outlive the show. */
struct show *show_create(const struct venue_config *cfg, double now_s);
void show_destroy(struct show *s);

int show_cue_index(const struct show *s);
const struct config_cue *show_cue(const struct show *s);
double show_cue_started(const struct show *s);
/* When the current cue advances by itself, or -1 (none, or held). */
double show_cue_advance_at(const struct show *s);
/*
 * Console: holds the current cue's auto-follow (its time left is kept) or
 * resumes it from where it was held. The next cue change ends a hold.
 * 0, or -1 when there is nothing to hold (no auto-follow) or to resume.
 */
int show_cue_hold(struct show *s, double now_s);
int show_cue_resume(struct show *s, double now_s);
/* While held: the auto-follow's time left; -1 when not held. */
double show_cue_held_left(const struct show *s);
/* Phone controls enabled now (bits of enum control): none once the show is over. */
uint32_t show_controls(const struct show *s);
/*
 * The show is over (console "show.end", or a resumed show that had
 * stopped cleanly): open polls close and show their results, the cue no
 * longer follows on, phones get no controls and turn to their recap. For
 * good: nothing starts it again. Returns false when it was over already.
 */
bool show_end(struct show *s, double now_s);
bool show_over(const struct show *s);

/* Makes cue @index current. Returns 0, or -1 when @index is not a cue or the show is over. */
int show_cue_go(struct show *s, int index, double now_s);

/* Runs auto-advance and poll timers. Returns true when the cue changed. */
bool show_tick(struct show *s, double now_s);

/* Opens or closes poll @poll (index into cfg->polls). Return 0 or -1. */
int show_poll_open(struct show *s, uint32_t poll, double now_s);
int show_poll_close(struct show *s, uint32_t poll, double now_s);
bool show_poll_is_open(const struct show *s, uint32_t poll);
/* Console: a new timer for an open poll (0 = none). 0 or -1. */
int show_poll_set_timer(struct show *s, uint32_t poll, double duration_s, double now_s);
/*
 * Console: closes voting but holds the result back until
 * show_poll_reveal(), for the show caller's moment. (A poll closed by its
 * timer or by the cue moving on is revealed at once.) 0 or -1.
 */
int show_poll_hold(struct show *s, uint32_t poll, double now_s);
/* Closes the poll if it is open, and shows its result. 0 or -1. */
int show_poll_reveal(struct show *s, uint32_t poll, double now_s);
/*
 * Console: the poll starts over, closed, with nothing revealed; its round
 * goes up, so phones forget their vote (the caller clears the crowd's
 * votes in it). 0 or -1.
 */
int show_poll_reset(struct show *s, uint32_t poll);
/*
 * Console: ad-hoc poll slot @poll (config adhoc_first and after) is the
 * poll phones see, over the cue's (which goes on, and the sound still
 * follows it), with voting enabled, until the next cue. 0, or -1 when
 * @poll is not an ad-hoc slot.
 */
int show_poll_adhoc_show(struct show *s, uint32_t poll);
/* The ad-hoc poll phones see, or -1. */
int show_poll_adhoc_shown(const struct show *s);
/* Console: phones and the stage see no counts of the poll until its reveal (or see them again). 0 or -1. */
int show_poll_hide(struct show *s, uint32_t poll, bool hidden);
/* The artist rejects a closed poll's result: it shows no winner, the cue plays its default. 0 or -1. */
int show_poll_veto(struct show *s, uint32_t poll);
bool show_poll_revealed(const struct show *s, uint32_t poll);
bool show_poll_vetoed(const struct show *s, uint32_t poll);
/* When an open poll closes by itself, or -1. */
double show_poll_closes_at(const struct show *s, uint32_t poll);
/*
 * The poll phones see now: the current cue's poll, or, in a cue whose
 * scene is "poll" but which has none, the poll that closed last. -1 = none.
 */
int show_poll_shown(const struct show *s);
/*
 * The poll phones see now, into @fp, whose tallies the crowd filled (all
 * zero when no poll is shown): its index (-1 = none), open or closed, its
 * timer, the total, and the winner once it is revealed and not vetoed.
 */
void show_poll_frame(const struct show *s, struct frame_poll *fp);
/* The same for poll @poll (-1: none), e.g. the ad-hoc poll. */
void show_poll_frame_of(const struct show *s, int poll, struct frame_poll *fp);
/* A poll's whole state, as the journal keeps it. */
struct show_poll_snapshot {
	bool open, revealed, vetoed, hidden;
	uint32_t round;			/* resets so far */
	double closes_at;		/* -1 = no timer */
};

void show_poll_snapshot_get(const struct show *s, uint32_t poll, struct show_poll_snapshot *out);
/* Puts poll @poll back in state @st (after a restart). 0, or -1 when @poll is not a poll. */
int show_poll_restore(struct show *s, uint32_t poll, const struct show_poll_snapshot *st);

/* The winning option of a closed poll's @tallies (@options of them), or -1 on a tie or no votes. */
int show_poll_winner(const uint32_t *tallies, uint32_t options);

#endif
