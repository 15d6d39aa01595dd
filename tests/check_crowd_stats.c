/* check_crowd_stats.c - mergeable value and tempo statistics. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "crowd_stats.h"
#include "test_util.h"

START_TEST(test_value_stats_add_then_sub_returns_exactly_to_empty)
{
	struct value_stats s;

	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 100000; i++)
		value_stats_add(&s, (i % 997) / 996.0);
	for (int i = 0; i < 100000; i++)
		value_stats_sub(&s, (i % 997) / 996.0);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(s.sum_micro, 0);
	for (int b = 0; b < VALUE_BINS; b++)
		ck_assert_uint_eq(s.hist[b], 0);
	ck_assert(value_stats_mean(&s) < 0);
	ck_assert(value_stats_median(&s) < 0);
}
END_TEST

START_TEST(test_value_stats_sub_of_unknown_value_is_refused)
{
	struct value_stats s;

	memset(&s, 0, sizeof(s));
	value_stats_add(&s, 0.2);
	value_stats_sub(&s, 0.9);
	ck_assert_uint_eq(s.n, 1);
}
END_TEST

START_TEST(test_value_stats_mean_and_median_match_the_data)
{
	struct value_stats s;

	memset(&s, 0, sizeof(s));
	for (int i = 0; i <= 1000; i++)
		value_stats_add(&s, i / 1000.0);
	ck_assert_double_eq_tol(value_stats_mean(&s), 0.5, 1e-6);
	ck_assert_double_eq_tol(value_stats_median(&s), 0.5, 1.0 / VALUE_BINS);
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 9; i++)
		value_stats_add(&s, 0.3);
	value_stats_add(&s, 1.0);
	ck_assert_double_eq_tol(value_stats_median(&s), 0.3, 1.0 / VALUE_BINS);
	ck_assert_double_eq_tol(value_stats_mean(&s), 0.37, 1e-6);
}
END_TEST

START_TEST(test_value_stats_merge_equals_adding_everything_to_one)
{
	struct value_stats a, b, all;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&all, 0, sizeof(all));
	for (int i = 0; i < 500; i++) {
		double v = fmod(i * 0.618, 1.0);

		value_stats_add(i % 3 ? &a : &b, v);
		value_stats_add(&all, v);
	}
	value_stats_merge(&a, &b);
	ck_assert_uint_eq(a.n, all.n);
	ck_assert_int_eq(a.sum_micro, all.sum_micro);
	ck_assert_int_eq(memcmp(a.hist, all.hist, sizeof(a.hist)), 0);
}
END_TEST

START_TEST(test_value_stats_clamps_out_of_range_and_nan)
{
	struct value_stats s;

	memset(&s, 0, sizeof(s));
	value_stats_add(&s, -5);
	value_stats_add(&s, 7);
	value_stats_add(&s, NAN);
	ck_assert_uint_eq(s.n, 3);
	ck_assert(value_stats_mean(&s) >= 0 && value_stats_mean(&s) <= 1);
}
END_TEST

START_TEST(test_tempo_median_ignores_a_few_wild_tappers)
{
	struct tempo_stats s;

	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 40; i++)
		tempo_stats_add(&s, 118 + (i % 5));	/* 118..122 */
	for (int i = 0; i < 8; i++)
		tempo_stats_add(&s, 230);
	for (int i = 0; i < 4; i++)
		tempo_stats_add(&s, 45);
	ck_assert_double_eq_tol(tempo_stats_median(&s), 120, 1.0);
	ck_assert_double_eq_tol(tempo_stats_trimmed_mean(&s, 0.08), 120, 0.5);
}
END_TEST

START_TEST(test_tempo_add_sub_merge_are_exact)
{
	struct tempo_stats a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	tempo_stats_add(&a, 100);
	tempo_stats_add(&b, 140);
	tempo_stats_merge(&a, &b);
	ck_assert_uint_eq(a.n, 2);
	tempo_stats_sub(&a, 100);
	tempo_stats_sub(&a, 140);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(a.sum_micro, 0);
	ck_assert(tempo_stats_median(&a) < 0);
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("crowd_stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_value_stats_add_then_sub_returns_exactly_to_empty);
	tcase_add_test(tc, test_value_stats_sub_of_unknown_value_is_refused);
	tcase_add_test(tc, test_value_stats_mean_and_median_match_the_data);
	tcase_add_test(tc, test_value_stats_merge_equals_adding_everything_to_one);
	tcase_add_test(tc, test_value_stats_clamps_out_of_range_and_nan);
	tcase_add_test(tc, test_tempo_median_ignores_a_few_wild_tappers);
	tcase_add_test(tc, test_tempo_add_sub_merge_are_exact);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(stats_suite());
}
