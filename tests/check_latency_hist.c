/*
 * check_latency_hist.c - the input-to-state latency histogram: quantiles
 * within a bucket's width of the exact ones, over the whole run and over
 * an interval between two copies, and nothing from an empty interval.
 */
#include <check.h>
#include <math.h>

#include "latency_hist.h"
#include "test_util.h"

/* Within the 20 % a bucket spans. */
static void assert_near(double got, double want)
{
	ck_assert_msg(fabs(got - want) <= 0.2 * want, "%g, wanted about %g", got, want);
}

START_TEST(test_quantiles_are_read_within_a_bucket)
{
	struct latency_hist h = { 0 };

	/* 1 ms to 1000 ms, one sample each: p50 is 500 ms, p99 990 ms. */
	for (int ms = 1; ms <= 1000; ms++)
		latency_hist_add(&h, ms * 1e-3);
	ck_assert_uint_eq(latency_hist_count(&h, NULL), 1000);
	assert_near(latency_hist_quantile(&h, NULL, 0.5), 0.5);
	assert_near(latency_hist_quantile(&h, NULL, 0.9), 0.9);
	assert_near(latency_hist_quantile(&h, NULL, 0.99), 0.99);
	assert_near(latency_hist_quantile(&h, NULL, 0.0), 0.001);
	ck_assert_double_eq_tol(h.sum_s, 500.5, 1e-6);
}
END_TEST

START_TEST(test_an_interval_counts_only_its_own_samples)
{
	struct latency_hist h = { 0 }, then;

	for (int i = 0; i < 100; i++)
		latency_hist_add(&h, 0.2);	/* a slow second */
	then = h;
	ck_assert(isnan(latency_hist_quantile(&h, &then, 0.5)));
	ck_assert_uint_eq(latency_hist_count(&h, &then), 0);
	for (int i = 0; i < 99; i++)
		latency_hist_add(&h, 0.010);
	latency_hist_add(&h, 0.080);
	ck_assert_uint_eq(latency_hist_count(&h, &then), 100);
	assert_near(latency_hist_quantile(&h, &then, 0.5), 0.010);
	assert_near(latency_hist_quantile(&h, &then, 0.99), 0.010);
	assert_near(latency_hist_quantile(&h, &then, 1.0), 0.080);
	/* Since the start, the slow second is the upper half. */
	assert_near(latency_hist_quantile(&h, NULL, 0.75), 0.2);
}
END_TEST

START_TEST(test_odd_samples_land_at_the_ends)
{
	struct latency_hist h = { 0 };

	latency_hist_add(&h, -1);
	latency_hist_add(&h, NAN);
	latency_hist_add(&h, 0);
	ck_assert_uint_eq(h.count[0], 3);
	latency_hist_add(&h, 3600);
	ck_assert_uint_eq(h.count[LATENCY_BUCKETS - 1], 1);
	ck_assert(isinf(latency_hist_bound(LATENCY_BUCKETS - 1)));
	ck_assert_double_ge(latency_hist_quantile(&h, NULL, 1.0), 20.0);
	ck_assert_double_le(latency_hist_quantile(&h, NULL, 0.5), LATENCY_FIRST_S);
}
END_TEST

TEST_MAIN("latency_hist", test_quantiles_are_read_within_a_bucket, test_an_interval_counts_only_its_own_samples,
	  test_odd_samples_land_at_the_ends)
