/*
 * check_suggest.c - "did you mean": a near miss gets the name meant, a far
 * one gets none, and the names there are fit in a message, cut with a count
 * when they are many.
 */
#include <check.h>
#include <string.h>

#include "suggest.h"
#include "test_util.h"

static const char *const scenes[] = { "join", "crowd-field", "poll", "crowd-map", "audio", "title", "wall" };
#define SCENES (sizeof(scenes) / sizeof(scenes[0]))

START_TEST(test_suggest_near_miss_gets_the_name_meant)
{
	ck_assert_str_eq(suggest_nearest("crowdfield", scenes, SCENES), "crowd-field");
	ck_assert_str_eq(suggest_nearest("tilte", scenes, SCENES), "title");	/* a swap costs one */
	ck_assert_str_eq(suggest_nearest("WALL", scenes, SCENES), "wall");	/* case does not count */
	ck_assert_str_eq(suggest_nearest("aud", scenes, SCENES), "audio");	/* the one it starts */
}
END_TEST

START_TEST(test_suggest_far_or_ambiguous_word_gets_none)
{
	static const char *const upper[] = { "HDA Intel PCH", "USB Audio" };

	ck_assert_ptr_null(suggest_nearest("laser", scenes, SCENES));
	ck_assert_ptr_null(suggest_nearest("crowd", scenes, SCENES));	/* crowd-field or crowd-map */
	ck_assert_ptr_null(suggest_nearest("", scenes, SCENES));
	ck_assert_ptr_null(suggest_nearest("join", scenes, 0));
	ck_assert_str_eq(suggest_nearest("usb audoi", upper, 2), "USB Audio");
}
END_TEST

START_TEST(test_suggest_list_names_every_one_that_fits)
{
	char out[128];

	ck_assert_uint_eq(suggest_list(out, sizeof(out), scenes, SCENES), strlen(out));
	ck_assert_str_eq(out, "join, crowd-field, poll, crowd-map, audio, title, wall");
	suggest_list(out, sizeof(out), scenes, 1);
	ck_assert_str_eq(out, "join");
	suggest_list(out, sizeof(out), scenes, 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_suggest_long_list_is_cut_with_how_many_more)
{
	char out[40];

	suggest_list(out, sizeof(out), scenes, SCENES);
	ck_assert_str_eq(out, "join, crowd-field, poll, … 4 more");
	suggest_list(out, 17, scenes, SCENES);
	ck_assert_str_eq(out, "join, … 6 more");
}
END_TEST

START_TEST(test_suggest_hint_says_the_nearest_then_the_list)
{
	char out[160];

	suggest_hint(out, sizeof(out), "crowdfield", scenes, SCENES, '"');
	ck_assert_str_eq(out, "; did you mean \"crowd-field\"? "
			      "(one of: join, crowd-field, poll, crowd-map, audio, title, wall)");
	suggest_hint(out, sizeof(out), "laser", scenes, 3, '\'');
	ck_assert_str_eq(out, " (one of: join, crowd-field, poll)");
	suggest_hint(out, sizeof(out), "tilte", scenes, SCENES, '\'');
	ck_assert(strncmp(out, "; did you mean 'title'? (one of: join", 37) == 0);
	suggest_hint(out, 30, "tilte", scenes, SCENES, '\'');
	ck_assert_str_eq(out, "; did you mean 'title'?");	/* no room for a list: none */
}
END_TEST

static Suite *suggest_suite(void)
{
	Suite *s = suite_create("suggest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_suggest_near_miss_gets_the_name_meant);
	tcase_add_test(tc, test_suggest_far_or_ambiguous_word_gets_none);
	tcase_add_test(tc, test_suggest_list_names_every_one_that_fits);
	tcase_add_test(tc, test_suggest_long_list_is_cut_with_how_many_more);
	tcase_add_test(tc, test_suggest_hint_says_the_nearest_then_the_list);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(suggest_suite());
}
