/* check_show.c - cue list, auto-advance and the poll lifecycle. */
#include <check.h>

#include "show.h"
#include "test_util.h"

#define SHOW_JSON							\
	"{\"name\":\"S\",\"capacity\":10,\"cues\":["			\
	"{\"id\":\"intro\",\"scene\":\"join\",\"controls\":[\"tap\"],\"advance_after_s\":10},"	\
	"{\"id\":\"vote\",\"scene\":\"poll\",\"controls\":[\"vote\"],"	\
	" \"poll\":{\"id\":\"p1\",\"question\":\"Q\",\"options\":[\"a\",\"b\"],\"duration_s\":5},"	\
	" \"advance_after_s\":20},"					\
	"{\"id\":\"reveal\",\"scene\":\"poll\",\"advance_after_s\":5,\"advance_to\":\"intro\"}]}"

START_TEST(test_show_starts_at_the_first_cue_with_its_controls)
{
	struct venue_config *cfg = test_config(SHOW_JSON);
	struct show *s = show_create(cfg, 0);

	ck_assert_int_eq(show_cue_index(s), 0);
	ck_assert_uint_eq(show_controls(s), 1u << CONTROL_TAP);
	ck_assert_double_eq(show_cue_advance_at(s), 10);
	ck_assert_int_eq(show_poll_shown(s), -1);
	show_destroy(s);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_show_auto_advances_and_loops_with_advance_to)
{
	struct venue_config *cfg = test_config(SHOW_JSON);
	struct show *s = show_create(cfg, 0);

	ck_assert(!show_tick(s, 9.99));
	ck_assert(show_tick(s, 10.0));
	ck_assert_int_eq(show_cue_index(s), 1);
	ck_assert_double_eq(show_cue_started(s), 10.0);
	ck_assert(show_tick(s, 30.0));
	ck_assert_int_eq(show_cue_index(s), 2);
	ck_assert(show_tick(s, 35.0));
	ck_assert_int_eq(show_cue_index(s), 0);	/* advance_to "intro" */
	show_destroy(s);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_show_poll_opens_with_its_cue_and_closes_after_its_duration)
{
	struct venue_config *cfg = test_config(SHOW_JSON);
	struct show *s = show_create(cfg, 0);

	show_cue_go(s, 1, 100);
	ck_assert(show_poll_is_open(s, 0));
	ck_assert_double_eq(show_poll_closes_at(s, 0), 105);
	ck_assert_int_eq(show_poll_shown(s), 0);
	show_tick(s, 104.9);
	ck_assert(show_poll_is_open(s, 0));
	show_tick(s, 105.0);
	ck_assert(!show_poll_is_open(s, 0));
	ck_assert_int_eq(show_poll_shown(s), 0);	/* still shown: results */
	show_destroy(s);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_show_leaving_a_cue_closes_its_poll_and_the_next_poll_scene_shows_it)
{
	struct venue_config *cfg = test_config(SHOW_JSON);
	struct show *s = show_create(cfg, 0);

	show_cue_go(s, 1, 0);
	show_cue_go(s, 2, 1);
	ck_assert(!show_poll_is_open(s, 0));
	ck_assert_int_eq(show_poll_shown(s), 0);	/* "reveal" has scene poll, no poll of its own */
	show_cue_go(s, 0, 2);
	ck_assert_int_eq(show_poll_shown(s), -1);
	show_destroy(s);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_show_refuses_a_cue_that_does_not_exist)
{
	struct venue_config *cfg = test_config(SHOW_JSON);
	struct show *s = show_create(cfg, 0);

	ck_assert_int_eq(show_cue_go(s, 3, 1), -1);
	ck_assert_int_eq(show_cue_go(s, -1, 1), -1);
	ck_assert_int_eq(show_cue_index(s), 0);
	ck_assert_int_eq(show_poll_open(s, 9, 1), -1);
	show_destroy(s);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_show_poll_winner_is_the_most_votes_and_none_on_a_tie_or_no_votes)
{
	const uint32_t clear[] = { 1, 4, 2 }, tie[] = { 2, 2, 1 }, none[] = { 0, 0, 0 };
	const uint32_t tie_then_more[] = { 2, 2, 5 }, more_then_tie[] = { 5, 2, 2 };

	ck_assert_int_eq(show_poll_winner(clear, 3), 1);
	ck_assert_int_eq(show_poll_winner(tie, 3), -1);
	ck_assert_int_eq(show_poll_winner(none, 3), -1);
	ck_assert_int_eq(show_poll_winner(tie_then_more, 3), 2);
	ck_assert_int_eq(show_poll_winner(more_then_tie, 3), 0);	/* a tie below the leader is no tie */
	ck_assert_int_eq(show_poll_winner(clear, 0), -1);
}
END_TEST

START_TEST(test_show_poll_frame_names_the_winner_only_once_revealed_and_not_vetoed)
{
	struct venue_config *cfg = test_config(SHOW_JSON);
	struct show *s = show_create(cfg, 0);
	struct frame_poll fp = { .tallies = { 1, 3 } };

	show_poll_frame(s, &fp);
	ck_assert_int_eq(fp.index, -1);		/* the first cue has no poll */
	ck_assert_int_eq(fp.winner, -1);
	show_cue_go(s, 1, 100);
	show_poll_frame(s, &fp);
	ck_assert_int_eq(fp.index, 0);
	ck_assert(fp.open && !fp.revealed);
	ck_assert_double_eq(fp.closes_at, 105);
	ck_assert_uint_eq(fp.total, 4);
	ck_assert_int_eq(fp.winner, -1);	/* open: no winner yet */
	show_poll_hold(s, 0, 101);
	show_poll_frame(s, &fp);
	ck_assert(!fp.open && !fp.revealed);
	ck_assert_int_eq(fp.winner, -1);	/* held back for the show caller */
	show_poll_reveal(s, 0, 102);
	show_poll_frame(s, &fp);
	ck_assert(fp.revealed);
	ck_assert_int_eq(fp.winner, 1);
	show_poll_veto(s, 0);
	show_poll_frame(s, &fp);
	ck_assert(fp.vetoed);
	ck_assert_int_eq(fp.winner, -1);
	show_destroy(s);
	config_destroy(cfg);
}
END_TEST

static Suite *show_suite(void)
{
	Suite *s = suite_create("show");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_show_starts_at_the_first_cue_with_its_controls);
	tcase_add_test(tc, test_show_auto_advances_and_loops_with_advance_to);
	tcase_add_test(tc, test_show_poll_opens_with_its_cue_and_closes_after_its_duration);
	tcase_add_test(tc, test_show_leaving_a_cue_closes_its_poll_and_the_next_poll_scene_shows_it);
	tcase_add_test(tc, test_show_refuses_a_cue_that_does_not_exist);
	tcase_add_test(tc, test_show_poll_winner_is_the_most_votes_and_none_on_a_tie_or_no_votes);
	tcase_add_test(tc, test_show_poll_frame_names_the_winner_only_once_revealed_and_not_vetoed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(show_suite());
}
