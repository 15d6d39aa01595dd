/*
 * check_safety.c - the venue's safety state: the ceiling only lower than
 * the venue's, the flash policy only stricter, the curfew, every change
 * raised once as an event, and each tick's apply reaching the sound, the
 * phones' input and the phones' flashes.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "safety.h"
#include "test_util.h"

/* A venue at -3 dBFS, 2 flashes a second, 1 red. */
static const char *venue =
	"{\"name\":\"V\",\"capacity\":10,"
	"\"safety\":{\"ceiling_dbfs\":-3,\"max_flashes_per_s\":2,\"max_red_flashes_per_s\":1},"
	"\"cues\":[{\"id\":\"intro\",\"scene\":\"title\"}]}";

struct rig {
	struct venue_config *cfg;
	struct audiomap *map;
	struct audience aud;
	uint32_t phone_flash_max;	/* the phones' limit, as safety sets it */
	struct safety *s;
	struct safety_event events[16];	/* as heard by the hook */
	uint32_t heard;
};

static void hear(void *user, const struct safety_event *e)
{
	struct rig *g = user;

	ck_assert_uint_lt(g->heard, 16);
	g->events[g->heard++] = *e;
}

static void rig_open(struct rig *g)
{
	memset(g, 0, sizeof(*g));
	g->cfg = test_config(venue);
	g->map = audiomap_create(g->cfg);
	audience_init(&g->aud, g->cfg, NULL, NULL, NULL, NULL, NULL);
	g->phone_flash_max = 2;
	g->s = safety_create(g->cfg, &(struct safety_wiring){ .audiomap = g->map, .audience = &g->aud,
		.phone_flash_max = &g->phone_flash_max, .on_event = hear, .user = g });
	ck_assert_ptr_nonnull(g->s);
}

static void rig_close(struct rig *g)
{
	safety_destroy(g->s);
	audiomap_destroy(g->map);
	config_destroy(g->cfg);
}

/* What the audio map now asks the engine for. */
static struct audio_params sound(struct rig *g)
{
	struct show_frame f;
	struct audio_params p;

	memset(&f, 0, sizeof(f));
	f.poll.index = -1;
	audiomap_update(g->map, &f, 1.0 / 60, &p, NULL, NULL);
	return p;
}

START_TEST(test_safety_starts_at_the_venues_limits_with_nothing_on)
{
	struct rig g;
	const struct safety_state *st;

	rig_open(&g);
	st = safety_state(g.s);
	ck_assert(!st->fade_to_silence && !st->blackout && !st->freeze);
	ck_assert_double_eq(st->curfew_at, -1);
	ck_assert_double_eq(st->ceiling_dbfs, -3);
	ck_assert_uint_eq(st->max_flashes_per_s, 2);
	ck_assert_uint_eq(st->max_red_flashes_per_s, 1);
	ck_assert_uint_eq(safety_event_count(g.s), 0);
	safety_destroy(NULL);
	rig_close(&g);
}
END_TEST

START_TEST(test_the_ceiling_can_only_be_lowered_below_the_venues)
{
	struct rig g;

	rig_open(&g);
	ck_assert_int_eq(safety_set_ceiling(g.s, -10, 1), 0);
	ck_assert_double_eq(safety_state(g.s)->ceiling_dbfs, -10);
	ck_assert_int_eq(safety_set_ceiling(g.s, -2, 2), -ERANGE);	/* above the venue's -3 */
	ck_assert_int_eq(safety_set_ceiling(g.s, -31, 2), -ERANGE);
	ck_assert_double_eq(safety_state(g.s)->ceiling_dbfs, -10);
	ck_assert_int_eq(safety_set_ceiling(g.s, -3, 3), 0);		/* the venue's own is allowed */
	ck_assert_int_eq(safety_set_ceiling(g.s, -30, 3), 0);
	ck_assert_int_eq(safety_set_ceiling(g.s, NAN, 4), 0);		/* back to the venue's */
	ck_assert_double_eq(safety_state(g.s)->ceiling_dbfs, -3);
	ck_assert_uint_eq(safety_event_count(g.s), 4);			/* refusals raise nothing */
	rig_close(&g);
}
END_TEST

START_TEST(test_the_flash_policy_can_only_be_made_stricter)
{
	struct rig g;
	int64_t red = 0, too_red = 2;

	rig_open(&g);
	ck_assert_int_eq(safety_set_flash_policy(g.s, 3, NULL, 1), -ERANGE);	/* the venue allows 2 */
	ck_assert_int_eq(safety_set_flash_policy(g.s, -1, NULL, 1), -ERANGE);
	ck_assert_int_eq(safety_set_flash_policy(g.s, 1, &too_red, 1), -ERANGE);
	ck_assert_uint_eq(safety_state(g.s)->flash_generation, 0);
	ck_assert_int_eq(safety_set_flash_policy(g.s, 1, &red, 2), 0);
	ck_assert_uint_eq(safety_state(g.s)->max_flashes_per_s, 1);
	ck_assert_uint_eq(safety_state(g.s)->max_red_flashes_per_s, 0);
	/* Without a red limit, red follows the general one, capped at the venue's red. */
	ck_assert_int_eq(safety_set_flash_policy(g.s, 2, NULL, 3), 0);
	ck_assert_uint_eq(safety_state(g.s)->max_flashes_per_s, 2);
	ck_assert_uint_eq(safety_state(g.s)->max_red_flashes_per_s, 1);
	ck_assert_uint_eq(safety_state(g.s)->flash_generation, 2);
	rig_close(&g);
}
END_TEST

START_TEST(test_the_curfew_is_set_from_now_and_cleared)
{
	struct rig g;

	rig_open(&g);
	ck_assert_int_eq(safety_set_curfew(g.s, 600, 10), 0);
	ck_assert_double_eq(safety_state(g.s)->curfew_at, 610);
	ck_assert_int_eq(safety_set_curfew(g.s, -1, 11), -ERANGE);
	ck_assert_int_eq(safety_set_curfew(g.s, 86401, 11), -ERANGE);
	ck_assert_double_eq(safety_state(g.s)->curfew_at, 610);
	ck_assert_int_eq(safety_set_curfew(g.s, NAN, 12), 0);
	ck_assert_double_eq(safety_state(g.s)->curfew_at, -1);
	rig_close(&g);
}
END_TEST

/* The same value again is no change: no event, no log line, no new flash policy for the stage. */
START_TEST(test_setting_what_is_already_in_force_raises_nothing)
{
	struct rig g;
	int64_t red = 1;

	rig_open(&g);
	safety_set_blackout(g.s, true, 1);
	safety_set_blackout(g.s, true, 2);
	safety_set_fade(g.s, false, 3);				/* off already */
	ck_assert_int_eq(safety_set_ceiling(g.s, NAN, 4), 0);	/* the venue's already */
	ck_assert_int_eq(safety_set_flash_policy(g.s, 1, &red, 5), 0);
	ck_assert_int_eq(safety_set_flash_policy(g.s, 1, &red, 6), 0);
	ck_assert_uint_eq(safety_event_count(g.s), 2);
	ck_assert_uint_eq(g.heard, 2);
	ck_assert_uint_eq(safety_state(g.s)->flash_generation, 1);
	rig_close(&g);
}
END_TEST

START_TEST(test_every_change_raises_one_event_with_the_state_after_it)
{
	struct rig g;

	rig_open(&g);
	safety_set_blackout(g.s, true, 5);
	safety_set_freeze(g.s, true, 6);
	safety_set_ceiling(g.s, 0, 7);		/* refused: no event */
	safety_set_fade(g.s, true, 8);
	ck_assert_uint_eq(g.heard, 3);
	ck_assert_uint_eq(safety_event_count(g.s), 3);
	ck_assert_int_eq(g.events[0].change, SAFETY_BLACKOUT);
	ck_assert_uint_eq(g.events[0].seq, 1);
	ck_assert_double_eq(g.events[0].t, 5);
	ck_assert(g.events[0].state.blackout && !g.events[0].state.freeze);
	ck_assert_str_eq(g.events[0].text, "stage blackout on");
	ck_assert_int_eq(g.events[1].change, SAFETY_FREEZE);
	ck_assert(g.events[1].state.freeze);
	ck_assert_int_eq(g.events[2].change, SAFETY_FADE);
	ck_assert_uint_eq(g.events[2].seq, 3);
	ck_assert(g.events[2].state.fade_to_silence);
	safety_set_flash_policy(g.s, 1, NULL, 9);
	ck_assert_str_eq(g.events[3].text, "flash policy now 1 flashes (1 red) per second");
	rig_close(&g);
}
END_TEST

START_TEST(test_apply_reaches_the_sound_the_phones_and_their_flashes)
{
	struct rig g;
	struct audio_params p;

	rig_open(&g);
	safety_set_fade(g.s, true, 1);
	safety_set_freeze(g.s, true, 1);
	safety_set_ceiling(g.s, -12, 1);
	safety_set_flash_policy(g.s, 0, NULL, 1);
	/* Nothing moves until the tick applies it. */
	ck_assert(!sound(&g).fade_to_silence);
	ck_assert(!g.aud.frozen);
	ck_assert_uint_gt(g.phone_flash_max, 0);
	safety_apply(g.s);
	p = sound(&g);
	ck_assert(p.fade_to_silence);
	ck_assert_float_eq(p.ceiling_dbfs, -12);
	ck_assert(g.aud.frozen);
	ck_assert_uint_eq(g.phone_flash_max, 0);	/* no flashes at all now */
	/* And back. */
	safety_set_fade(g.s, false, 2);
	safety_set_freeze(g.s, false, 2);
	safety_set_ceiling(g.s, NAN, 2);
	safety_apply(g.s);
	p = sound(&g);
	ck_assert(!p.fade_to_silence);
	ck_assert_float_eq(p.ceiling_dbfs, -3);
	ck_assert(!g.aud.frozen);
	rig_close(&g);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("safety");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_safety_starts_at_the_venues_limits_with_nothing_on);
	tcase_add_test(tc, test_the_ceiling_can_only_be_lowered_below_the_venues);
	tcase_add_test(tc, test_the_flash_policy_can_only_be_made_stricter);
	tcase_add_test(tc, test_the_curfew_is_set_from_now_and_cleared);
	tcase_add_test(tc, test_every_change_raises_one_event_with_the_state_after_it);
	tcase_add_test(tc, test_setting_what_is_already_in_force_raises_nothing);
	tcase_add_test(tc, test_apply_reaches_the_sound_the_phones_and_their_flashes);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
