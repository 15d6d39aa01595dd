/*
 * crowd_sim.c - simulated phones. See crowd_sim.h.
 * Thread: net thread only.
 */
#include "crowd_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CROWD_BPM		120.0	/* the simulated crowd taps around this tempo */
#define SPAMMER_RATE_FACTOR	3.0	/* spammers send at 3x the venue's input limit */
#define RECONNECT_AFTER_S	2.0
#define VOTE_MEAN_OPEN_S	8.0	/* a poll with no timer: votes come this long after it opens, on average */
#define VOTE_NEVER		0.12	/* share of the crowd that never votes */
#define VOTE_CHANGE		0.10	/* share that changes its vote once, later */
#define TEXT_SHARE		0.25	/* share of the crowd that writes to the wall in a cue that takes text */
#define TEXT_FILTERED		0.2	/* share of those messages the word filter should catch */

struct sim_phone {
	struct audience_peer peer;
	enum sim_behaviour behaviour;
	bool connected;
	bool joined_once;
	char token[CROWD_TOKEN_CHARS + 1];
	uint64_t seq;
	double next_join_s;
	double next_tap_s, next_move_s, next_shake_s, next_ping_s, next_vote_s;
	double tap_period_s;
	double burst_phase_s;		/* bursty: offset of its on/off cycle */
	float x, y, slider;
	int voted_poll;			/* poll index it has voted in, -1 */
	uint32_t voted_round;		/* ... in that round of it (a reset asks again) */
	int seen_poll;			/* the open poll (and round) it has planned its vote for, -1 */
	uint32_t seen_round;
	double change_at_s;		/* when it changes its vote, -1 = it will not */
	int favourite;			/* option it prefers */
	double leave_at_s;		/* leavers: when it goes, -1 = stays */
	int texts_cue;			/* the cue it has planned its crowd text for, -1 */
	double next_text_s;		/* when it sends it, -1 = none planned */
};

struct sim {
	struct audience *a;
	struct sim_phone *phones;
	uint32_t count;
	uint64_t rng;
	uint32_t round;			/* this tick: the round of the poll phones see (poll.reset starts another) */
	int cue;			/* this tick: the current cue */
	double poll_closes_at;		/* this tick: when that poll closes by itself, -1 = no timer */
	int coordinated_choice;		/* the option the coordinated group pushes */
	double now_s;			/* the last tick's show time: when the phones leave at the end */
};

static const char *const behaviour_names[SIM_BEHAVIOUR_COUNT] = {
	"steady", "bursty", "idle", "spammer", "leaver", "coordinated"
};

/* What people write to the stage's wall. */
static const char *const texts[] = {
	"Encore!", "Hello from the back row", "Best night ever", "Play it louder", "We love you",
	"Happy birthday Sam", "First show, so good", "One more song", "Greetings from the balcony",
};

const char *sim_behaviour_name(enum sim_behaviour b)
{
	return (unsigned)b < SIM_BEHAVIOUR_COUNT ? behaviour_names[b] : "unknown";
}

/* xorshift64*: small, fast, and the same sequence for the same seed everywhere. */
static uint64_t rng_next(struct sim *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545F4914F6CDD1DULL;
}

static double rng_unit(struct sim *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

/* Roughly normal (sum of uniforms), mean 0, deviation @sd. */
static double rng_normal(struct sim *s, double sd)
{
	double sum = 0;

	for (int i = 0; i < 4; i++)
		sum += rng_unit(s);
	return (sum - 2.0) * sd * 1.732;
}

static float clamp01f(double v)
{
	return (float)(v < 0 ? 0 : v > 1 ? 1 : v);
}

static enum sim_behaviour pick_behaviour(uint32_t i)
{
	/* One spammer in ten, one in twenty coordinated, one in twenty leaving; the rest a typical crowd's mix. */
	switch (i % 20) {
	case 3:
	case 13:
		return SIM_SPAMMER;
	case 1:
	case 6:
	case 11:
	case 16:
		return SIM_BURSTY;
	case 8:
	case 18:
		return SIM_IDLE;
	case 5:
		return SIM_COORDINATED;
	case 15:
		return SIM_LEAVER;
	default:
		return SIM_STEADY;
	}
}

/* A zone for a new phone: each zone in proportion to its capacity, as a venue fills. */
static uint32_t pick_zone(struct sim *s)
{
	const struct venue_config *cfg = s->a->cfg;
	double total = 0, at;

	for (uint32_t z = 0; z < cfg->zone_count; z++)
		total += cfg->zones[z].capacity;
	if (total <= 0)
		return (uint32_t)(rng_next(s) % cfg->zone_count);
	at = rng_unit(s) * total;
	for (uint32_t z = 0; z < cfg->zone_count; z++) {
		if (at < cfg->zones[z].capacity)
			return z;
		at -= cfg->zones[z].capacity;
	}
	return cfg->zone_count - 1;
}

struct sim *sim_create(struct audience *a, uint32_t count, uint64_t seed, double now_s)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->phones = calloc(count ? count : 1, sizeof(*s->phones));
	if (!s->phones) {
		free(s);
		return NULL;
	}
	s->a = a;
	s->count = count;
	s->now_s = now_s;
	s->rng = seed ? seed : 0x7475747469ULL;
	s->coordinated_choice = 2;	/* an option most of the crowd does not favour first */
	for (uint32_t i = 0; i < count; i++) {
		struct sim_phone *ph = &s->phones[i];

		ph->behaviour = pick_behaviour(i);
		ph->next_join_s = now_s + 2.0 * rng_unit(s);
		ph->tap_period_s = 60.0 / (CROWD_BPM + rng_normal(s, 3.0));
		ph->burst_phase_s = 8.0 * rng_unit(s);
		ph->x = clamp01f(0.5 + rng_normal(s, 0.15));
		ph->y = clamp01f(0.5 + rng_normal(s, 0.15));
		ph->slider = clamp01f(0.6 + rng_normal(s, 0.1));
		ph->voted_poll = -1;
		ph->seen_poll = -1;
		ph->texts_cue = -1;
		ph->next_text_s = -1;
		ph->leave_at_s = -1;
		if (ph->behaviour == SIM_LEAVER) {
			/* Comes late, stays a while, goes. */
			ph->next_join_s = now_s + 10.0 * rng_unit(s);
			ph->leave_at_s = ph->next_join_s + 30.0 + 60.0 * rng_unit(s);
		}
		ph->favourite = (int)(rng_next(s) % 3);
		ph->peer.participant = -1;	/* not joined: no participant 0 by accident */
	}
	return s;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->count; i++)
		if (s->phones[i].connected)
			audience_peer_closed(s->a, &s->phones[i].peer, s->now_s);
	free(s->phones);
	free(s);
}

uint32_t sim_count(const struct sim *s)
{
	return s->count;
}

uint32_t sim_count_behaviour(const struct sim *s, enum sim_behaviour b)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->count; i++)
		n += s->phones[i].behaviour == b;
	return n;
}

/* Reads what the daemon told this phone, as its socket would, and keeps the token. */
static void drain(struct sim *s, struct sim_phone *ph, double now_s)
{
	int closed = audience_peer_drain(s->a, &ph->peer, now_s);

	if (ph->peer.participant >= 0 && !ph->token[0])
		snprintf(ph->token, sizeof(ph->token), "%s",
			 crowd_participant_token(s->a->crowd, ph->peer.participant));
	if (closed) {
		audience_peer_closed(s->a, &ph->peer, now_s);
		ph->connected = false;
		ph->next_join_s = now_s + RECONNECT_AFTER_S;
	}
}

static void join(struct sim *s, struct sim_phone *ph, double now_s)
{
	const struct venue_config *cfg = s->a->cfg;

	audience_peer_init(s->a, &ph->peer, NULL, now_s);
	ph->connected = true;
	if (ph->token[0])
		audience_peer_sendf(s->a, &ph->peer, now_s,
				    "{\"type\":\"hello\",\"token\":\"%s\",\"zone\":null}", ph->token);
	else
		audience_peer_sendf(s->a, &ph->peer, now_s, "{\"type\":\"hello\",\"token\":null,\"zone\":\"%s\"}",
				    cfg->zones[pick_zone(s)].id);
	if (ph->peer.participant >= 0)
		ph->seq = crowd_participant_last_seq(s->a->crowd, ph->peer.participant);
	ph->next_tap_s = ph->next_move_s = ph->next_shake_s = now_s + rng_unit(s);
	ph->next_ping_s = now_s + 3.0 * rng_unit(s);
	ph->next_vote_s = now_s + 1.0 + 6.0 * rng_unit(s);
	ph->joined_once = true;
}

static void vote(struct sim *s, struct sim_phone *ph, int poll, uint32_t choice, double now_s)
{
	const struct config_poll *p = &s->a->cfg->polls[poll];

	audience_peer_sendf(s->a, &ph->peer, now_s, "{\"type\":\"vote\",\"seq\":%llu,\"poll\":\"%s\",\"choice\":%u}",
			    (unsigned long long)++ph->seq, p->id, choice % p->option_count);
	ph->voted_poll = poll;
	ph->voted_round = s->round;
}

/*
 * A new poll (or a new round of one): when this phone will vote. People
 * read the question first, then most vote early and the rest trickle in:
 * an exponential wait, a quarter of the time left on average (8 s with no
 * timer), always before the poll closes. Some never vote; some change
 * their mind once.
 */
static void plan_vote(struct sim *s, struct sim_phone *ph, int poll, double now_s)
{
	double left = s->poll_closes_at >= 0 ? s->poll_closes_at - now_s : -1;
	double mean = left > 0 ? left / 4 : VOTE_MEAN_OPEN_S, wait = -mean * log(1.0 - rng_unit(s));

	ph->seen_poll = poll;
	ph->seen_round = s->round;
	ph->change_at_s = -1;
	if (rng_unit(s) < VOTE_NEVER) {
		ph->next_vote_s = -1;
		return;
	}
	if (left > 0 && wait > left * 0.9)
		wait = left * (0.5 + 0.4 * rng_unit(s));
	ph->next_vote_s = now_s + 0.8 + wait;
	if (rng_unit(s) < VOTE_CHANGE)
		ph->change_at_s = ph->next_vote_s + 5.0 + 15.0 * rng_unit(s);
}

static void vote_in_time(struct sim *s, struct sim_phone *ph, int poll, double now_s)
{
	bool voted = ph->voted_poll == poll && ph->voted_round == s->round;

	if (ph->seen_poll != poll || ph->seen_round != s->round)
		plan_vote(s, ph, poll, now_s);
	if (!voted && ph->next_vote_s >= 0 && now_s >= ph->next_vote_s) {
		uint32_t choice = (uint32_t)ph->favourite;

		if (rng_unit(s) < 0.3)
			choice = (uint32_t)(rng_next(s) % CONFIG_POLL_OPTIONS_MAX);
		vote(s, ph, poll, choice, now_s);
	} else if (voted && ph->change_at_s >= 0 && now_s >= ph->change_at_s) {
		ph->change_at_s = -1;
		vote(s, ph, poll, (uint32_t)ph->favourite + 1, now_s);
	}
}

/*
 * A cue that takes crowd text: a quarter of the crowd writes one message to
 * the wall, some time into the cue; some of them hold a word the venue's
 * filter refuses (its first banned word, when it has one).
 */
static void write_to_the_wall(struct sim *s, struct sim_phone *ph, double now_s)
{
	const struct config_moderation *mod = &s->a->cfg->moderation;
	const char *text;

	if (ph->texts_cue != s->cue) {
		ph->texts_cue = s->cue;
		ph->next_text_s = rng_unit(s) < TEXT_SHARE ? now_s + 2.0 + 25.0 * rng_unit(s) : -1;
	}
	if (ph->next_text_s < 0 || now_s < ph->next_text_s)
		return;
	ph->next_text_s = -1;
	text = texts[rng_next(s) % (sizeof(texts) / sizeof(texts[0]))];
	if (mod->banned_count && rng_unit(s) < TEXT_FILTERED)
		audience_peer_sendf(s->a, &ph->peer, now_s,
				    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"text\",\"text\":\"%s %s\"}",
				    (unsigned long long)++ph->seq, text, mod->banned[0]);
	else
		audience_peer_sendf(s->a, &ph->peer, now_s,
				    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"text\",\"text\":\"%s\"}",
				    (unsigned long long)++ph->seq, text);
}

/*
 * One of a coordinated group: all of them vote the same option the moment
 * a poll opens and hold the slider and the pad at an extreme, each within
 * its own rate, as a group organised in a chat would. One vote each, and
 * medians the rest of the crowd holds in place, is all it gets.
 */
static void act_coordinated(struct sim *s, struct sim_phone *ph, double now_s, uint32_t controls, int poll)
{
	if (poll >= 0 && (controls & (1u << CONTROL_VOTE)) && (ph->voted_poll != poll || ph->voted_round != s->round))
		vote(s, ph, poll, (uint32_t)s->coordinated_choice, now_s);
	ph->x = ph->y = ph->slider = 1.0f;
	if (now_s >= ph->next_move_s) {
		if (controls & (1u << CONTROL_XY))
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"xy\",\"x\":1,\"y\":1}",
					    (unsigned long long)++ph->seq);
		if (controls & (1u << CONTROL_SLIDER))
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"slider\",\"value\":1}",
					    (unsigned long long)++ph->seq);
		ph->next_move_s = now_s + 0.5;
	}
	if ((controls & (1u << CONTROL_TAP)) && now_s >= ph->next_tap_s) {
		audience_peer_sendf(s->a, &ph->peer, now_s, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
				    (unsigned long long)++ph->seq);
		ph->next_tap_s = now_s + ph->tap_period_s;
	}
}

/* A leaver whose time has come goes; half of them come back later with their token. */
static void leave_maybe(struct sim *s, struct sim_phone *ph, double now_s)
{
	if (ph->leave_at_s < 0 || now_s < ph->leave_at_s)
		return;
	audience_peer_closed(s->a, &ph->peer, now_s);
	ph->connected = false;
	ph->leave_at_s = -1;
	ph->next_join_s = rng_unit(s) < 0.5 ? now_s + 10.0 + 20.0 * rng_unit(s) : INFINITY;
}

static void act_normal(struct sim *s, struct sim_phone *ph, double now_s, uint32_t controls,
		       int poll, double energy)
{
	if ((controls & (1u << CONTROL_TAP)) && now_s >= ph->next_tap_s) {
		audience_peer_sendf(s->a, &ph->peer, now_s, "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}",
				    (unsigned long long)++ph->seq);
		ph->next_tap_s += ph->tap_period_s / energy;
		if (ph->next_tap_s < now_s)
			ph->next_tap_s = now_s + ph->tap_period_s;
	}
	if (now_s >= ph->next_move_s) {
		/* Drift: a random walk pulled back towards the middle. */
		ph->x = clamp01f(ph->x + rng_normal(s, 0.03) + (0.5 - ph->x) * 0.02);
		ph->y = clamp01f(ph->y + rng_normal(s, 0.03) + (0.45 - ph->y) * 0.02);
		ph->slider = clamp01f(ph->slider + rng_normal(s, 0.03));
		if (controls & (1u << CONTROL_XY))
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"xy\",\"x\":%.4f,\"y\":%.4f}",
					    (unsigned long long)++ph->seq, ph->x, ph->y);
		if (controls & (1u << CONTROL_SLIDER))
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"slider\",\"value\":%.4f}",
					    (unsigned long long)++ph->seq, ph->slider);
		ph->next_move_s = now_s + 0.4 + 0.4 * rng_unit(s);
	}
	if ((controls & (1u << CONTROL_SHAKE)) && now_s >= ph->next_shake_s) {
		audience_peer_sendf(s->a, &ph->peer, now_s,
				    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"shake\",\"energy\":%.3f}",
				    (unsigned long long)++ph->seq, clamp01f(0.3 + 0.4 * energy * rng_unit(s)));
		ph->next_shake_s = now_s + 0.25 + 0.25 * rng_unit(s);
	}
	if (poll >= 0 && (controls & (1u << CONTROL_VOTE)))
		vote_in_time(s, ph, poll, now_s);
	if (controls & (1u << CONTROL_TEXT))
		write_to_the_wall(s, ph, now_s);
}

/*
 * A spammer sends far over its rate: corner xy, full slider, wild taps and
 * the same vote again and again. It gets throttled, then closed, then comes
 * back with its token; the crowd's aggregates must not move for it.
 */
static void act_spammer(struct sim *s, struct sim_phone *ph, double now_s, uint32_t controls,
			int poll)
{
	const struct venue_config *cfg = s->a->cfg;
	double rate = cfg->limits.inputs_per_second * SPAMMER_RATE_FACTOR;

	while (ph->connected && ph->peer.participant >= 0 && now_s >= ph->next_tap_s) {
		unsigned long long seq = ++ph->seq;

		ph->next_tap_s += 1.0 / rate;
		if (ph->next_tap_s < now_s - 1.0)
			ph->next_tap_s = now_s;
		if (poll >= 0 && (controls & (1u << CONTROL_VOTE)) && seq % 2 == 0)
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"vote\",\"seq\":%llu,\"poll\":\"%s\",\"choice\":0}",
					    seq, cfg->polls[poll].id);
		else if (controls & (1u << CONTROL_XY))
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"xy\",\"x\":1,\"y\":1}", seq);
		else if (controls & (1u << CONTROL_SLIDER))
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"slider\",\"value\":1}", seq);
		else
			audience_peer_sendf(s->a, &ph->peer, now_s,
					    "{\"type\":\"input\",\"seq\":%llu,\"control\":\"tap\"}", seq);
		if (ph->peer.close_code)
			break;
	}
}

void sim_tick(struct sim *s, double now_s)
{
	uint32_t controls = show_controls(s->a->show);
	const struct config_cue *cue = show_cue(s->a->show);
	/* The poll phones see: the console's ad-hoc one while it asks, else the cue's. */
	int shown = show_poll_adhoc_shown(s->a->show) >= 0 ? show_poll_adhoc_shown(s->a->show) :
		    cue->poll ? (int)cue->poll->index : -1;
	int poll = shown >= 0 && show_poll_is_open(s->a->show, (uint32_t)shown) ? shown : -1;
	struct show_poll_snapshot snap = { 0 };

	s->now_s = now_s;
	if (poll >= 0)
		show_poll_snapshot_get(s->a->show, (uint32_t)poll, &snap);
	s->round = snap.round;
	s->poll_closes_at = poll >= 0 ? snap.closes_at : -1;
	s->cue = show_cue_index(s->a->show);

	for (uint32_t i = 0; i < s->count; i++) {
		struct sim_phone *ph = &s->phones[i];

		if (!ph->connected) {
			if (now_s < ph->next_join_s)
				continue;
			join(s, ph, now_s);
			drain(s, ph, now_s);
			continue;
		}
		if (ph->peer.participant < 0) {
			drain(s, ph, now_s);
			continue;
		}
		if (now_s >= ph->next_ping_s) {
			audience_peer_sendf(s->a, &ph->peer, now_s, "{\"type\":\"ping\",\"t0\":%.3f}", now_s * 1000.0);
			ph->next_ping_s = now_s + 3.0;
		}
		switch (ph->behaviour) {
		case SIM_STEADY:
			act_normal(s, ph, now_s, controls, poll, 1.0);
			break;
		case SIM_BURSTY:
			/* 3 s of eager input out of every 8. */
			if (fmod(now_s + ph->burst_phase_s, 8.0) < 3.0)
				act_normal(s, ph, now_s, controls, poll, 1.6);
			else
				ph->next_tap_s = ph->next_move_s = ph->next_shake_s = now_s;
			break;
		case SIM_SPAMMER:
			act_spammer(s, ph, now_s, controls, poll);
			break;
		case SIM_LEAVER:
			act_normal(s, ph, now_s, controls, poll, 1.0);
			leave_maybe(s, ph, now_s);
			if (!ph->connected)
				continue;
			break;
		case SIM_COORDINATED:
			act_coordinated(s, ph, now_s, controls, poll);
			break;
		default:
			break;
		}
		drain(s, ph, now_s);
	}
}
