/*
 * show.c - cue list and poll lifecycle. See show.h.
 * Thread: net thread only.
 */
#include "show.h"

#include <stdlib.h>

#include "log.h"

struct poll_state {
	bool open;
	double closes_at;		/* -1 = no timer */
	bool revealed;			/* its result may be shown (closed by time or cue, or revealed) */
	bool vetoed;			/* the artist rejected its result */
	bool hidden;			/* phones and the stage see no counts until the reveal */
	uint32_t round;			/* bumped by each reset: a fresh vote, fresh tallies */
};

struct show {
	const struct venue_config *cfg;
	int cue;
	double cue_started;
	double advance_at;		/* when the cue follows on by itself, -1 = never or held */
	double held_left_s;		/* while held: the auto-follow's time left, -1 = not held */
	int last_closed_poll;
	int adhoc_shown;		/* the console's ad-hoc poll phones see over the cue's, -1 = none */
	bool over;			/* show_end(): no controls, no timers, for good */
	struct poll_state polls[CONFIG_MAX_POLLS];
};

struct show *show_create(const struct venue_config *cfg, double now_s)
{
	struct show *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = cfg;
	s->cue = -1;
	s->last_closed_poll = -1;
	s->adhoc_shown = -1;
	for (uint32_t p = 0; p < cfg->poll_count; p++) {
		s->polls[p].closes_at = -1;
		s->polls[p].hidden = cfg->polls[p].hide_results;
	}
	show_cue_go(s, 0, now_s);
	return s;
}

void show_destroy(struct show *s)
{
	free(s);
}

int show_cue_index(const struct show *s)
{
	return s->cue;
}

const struct config_cue *show_cue(const struct show *s)
{
	return &s->cfg->cues[s->cue];
}

double show_cue_started(const struct show *s)
{
	return s->cue_started;
}

double show_cue_advance_at(const struct show *s)
{
	return s->advance_at;
}

int show_cue_hold(struct show *s, double now_s)
{
	if (s->held_left_s >= 0)
		return 0;	/* held already */
	if (s->advance_at < 0)
		return -1;
	s->held_left_s = s->advance_at > now_s ? s->advance_at - now_s : 0;
	s->advance_at = -1;
	return 0;
}

int show_cue_resume(struct show *s, double now_s)
{
	if (s->held_left_s < 0)
		return -1;
	s->advance_at = now_s + s->held_left_s;
	s->held_left_s = -1;
	return 0;
}

double show_cue_held_left(const struct show *s)
{
	return s->held_left_s;
}

uint32_t show_controls(const struct show *s)
{
	if (s->over)
		return 0;
	/* An ad-hoc poll asks every phone to vote, whatever the cue's controls. */
	return show_cue(s)->controls | (s->adhoc_shown >= 0 ? 1u << CONTROL_VOTE : 0);
}

bool show_end(struct show *s, double now_s)
{
	if (s->over)
		return false;
	for (uint32_t i = 0; i < s->cfg->poll_count; i++)
		if (s->polls[i].open)
			show_poll_close(s, i, now_s);
	s->advance_at = -1;
	s->held_left_s = -1;
	s->over = true;
	return true;
}

bool show_over(const struct show *s)
{
	return s->over;
}

int show_poll_adhoc_show(struct show *s, uint32_t poll)
{
	if (poll < s->cfg->adhoc_first || poll >= s->cfg->poll_count)
		return -1;
	s->adhoc_shown = (int)poll;
	return 0;
}

int show_poll_adhoc_shown(const struct show *s)
{
	return s->adhoc_shown;
}

int show_poll_open(struct show *s, uint32_t poll, double now_s)
{
	const struct config_poll *p;

	if (poll >= s->cfg->poll_count)
		return -1;
	p = &s->cfg->polls[poll];
	s->polls[poll].open = true;
	s->polls[poll].closes_at = p->duration_s > 0 ? now_s + p->duration_s : -1;
	s->polls[poll].revealed = false;
	s->polls[poll].vetoed = false;
	return 0;
}

int show_poll_reset(struct show *s, uint32_t poll)
{
	struct poll_state *p;

	if (poll >= s->cfg->poll_count)
		return -1;
	p = &s->polls[poll];
	*p = (struct poll_state){ .closes_at = -1, .hidden = p->hidden, .round = p->round + 1 };
	if (s->last_closed_poll == (int)poll)
		s->last_closed_poll = -1;
	return 0;
}

int show_poll_hide(struct show *s, uint32_t poll, bool hidden)
{
	if (poll >= s->cfg->poll_count)
		return -1;
	s->polls[poll].hidden = hidden;
	return 0;
}

int show_poll_set_timer(struct show *s, uint32_t poll, double duration_s, double now_s)
{
	if (poll >= s->cfg->poll_count || !s->polls[poll].open)
		return -1;
	s->polls[poll].closes_at = duration_s > 0 ? now_s + duration_s : -1;
	return 0;
}

int show_poll_hold(struct show *s, uint32_t poll, double now_s)
{
	if (show_poll_close(s, poll, now_s) != 0)
		return -1;
	s->polls[poll].revealed = false;
	return 0;
}

int show_poll_reveal(struct show *s, uint32_t poll, double now_s)
{
	if (show_poll_close(s, poll, now_s) != 0)
		return -1;
	return 0;
}

int show_poll_veto(struct show *s, uint32_t poll)
{
	if (poll >= s->cfg->poll_count || s->polls[poll].open)
		return -1;
	s->polls[poll].vetoed = true;
	return 0;
}

bool show_poll_revealed(const struct show *s, uint32_t poll)
{
	return poll < s->cfg->poll_count && s->polls[poll].revealed;
}

bool show_poll_vetoed(const struct show *s, uint32_t poll)
{
	return poll < s->cfg->poll_count && s->polls[poll].vetoed;
}

int show_poll_close(struct show *s, uint32_t poll, double now_s)
{
	if (poll >= s->cfg->poll_count)
		return -1;
	if (s->polls[poll].open)
		s->last_closed_poll = (int)poll;
	s->polls[poll].open = false;
	s->polls[poll].closes_at = -1;
	s->polls[poll].revealed = true;	/* a timer or a cue change shows the result at once */
	(void)now_s;
	return 0;
}

bool show_poll_is_open(const struct show *s, uint32_t poll)
{
	return poll < s->cfg->poll_count && s->polls[poll].open;
}

double show_poll_closes_at(const struct show *s, uint32_t poll)
{
	return poll < s->cfg->poll_count ? s->polls[poll].closes_at : -1;
}

int show_cue_go(struct show *s, int index, double now_s)
{
	const struct config_cue *cue;

	if (index < 0 || (uint32_t)index >= s->cfg->cue_count || (s->over && s->cue >= 0))
		return -1;
	if (s->cue >= 0 && show_cue(s)->poll)
		show_poll_close(s, show_cue(s)->poll->index, now_s);
	/* An ad-hoc poll belongs to the moment it was asked in: the next cue closes and drops it. */
	if (s->adhoc_shown >= 0)
		show_poll_close(s, (uint32_t)s->adhoc_shown, now_s);
	s->adhoc_shown = -1;
	s->cue = index;
	s->cue_started = now_s;
	cue = show_cue(s);
	s->advance_at = cue->advance_after_s > 0 ? now_s + cue->advance_after_s : -1;
	s->held_left_s = -1;
	if (cue->poll && cue->poll->open_with_cue)
		show_poll_open(s, cue->poll->index, now_s);
	log_info("cue %d \"%s\" (%s)", index, cue->title, scene_name(cue->scene));
	return 0;
}

bool show_tick(struct show *s, double now_s)
{
	double advance_at = show_cue_advance_at(s);

	if (s->over)
		return false;
	for (uint32_t i = 0; i < s->cfg->poll_count; i++)
		if (s->polls[i].open && s->polls[i].closes_at >= 0 && now_s >= s->polls[i].closes_at)
			show_poll_close(s, i, now_s);
	if (advance_at >= 0 && now_s >= advance_at) {
		show_cue_go(s, show_cue(s)->advance_to, now_s);
		return true;
	}
	return false;
}

int show_poll_shown(const struct show *s)
{
	const struct config_cue *cue = show_cue(s);

	if (cue->poll)
		return (int)cue->poll->index;
	if (cue->scene == SCENE_POLL)
		return s->last_closed_poll;
	return -1;
}

void show_poll_frame(const struct show *s, struct frame_poll *fp)
{
	show_poll_frame_of(s, show_poll_shown(s), fp);
}

void show_poll_frame_of(const struct show *s, int poll, struct frame_poll *fp)
{
	uint32_t options;

	fp->index = poll;
	fp->open = fp->revealed = fp->vetoed = fp->hidden = false;
	fp->round = 0;
	fp->closes_at = -1;
	fp->total = 0;
	fp->winner = -1;
	if (poll < 0)
		return;
	options = s->cfg->polls[poll].option_count;
	fp->open = show_poll_is_open(s, (uint32_t)poll);
	fp->closes_at = show_poll_closes_at(s, (uint32_t)poll);
	for (uint32_t o = 0; o < options; o++)
		fp->total += fp->tallies[o];
	fp->revealed = !fp->open && show_poll_revealed(s, (uint32_t)poll);
	fp->vetoed = show_poll_vetoed(s, (uint32_t)poll);
	fp->hidden = s->polls[poll].hidden && !fp->revealed;
	fp->round = s->polls[poll].round;
	if (fp->revealed && !fp->vetoed)
		fp->winner = show_poll_winner(fp->tallies, options);
}

int show_poll_winner(const uint32_t *tallies, uint32_t options)
{
	int best = -1;
	uint32_t best_n = 0;
	bool tie = false;

	for (uint32_t o = 0; o < options; o++) {
		if (tallies[o] > best_n) {
			best = (int)o;
			best_n = tallies[o];
			tie = false;
		} else if (tallies[o] == best_n && best_n > 0) {
			tie = true;
		}
	}
	return tie ? -1 : best;
}

void show_poll_snapshot_get(const struct show *s, uint32_t poll, struct show_poll_snapshot *out)
{
	const struct poll_state *p = &s->polls[poll];

	*out = (struct show_poll_snapshot){ .open = p->open, .revealed = p->revealed, .vetoed = p->vetoed,
					    .hidden = p->hidden, .round = p->round, .closes_at = p->closes_at };
}

int show_poll_restore(struct show *s, uint32_t poll, const struct show_poll_snapshot *st)
{
	struct poll_state *p;

	if (poll >= s->cfg->poll_count)
		return -1;
	p = &s->polls[poll];
	if (p->open && !st->open)
		s->last_closed_poll = (int)poll;
	*p = (struct poll_state){ .open = st->open, .revealed = st->revealed, .vetoed = st->vetoed,
				  .hidden = st->hidden, .round = st->round, .closes_at = st->closes_at };
	return 0;
}
