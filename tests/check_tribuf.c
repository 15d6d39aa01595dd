/*
 * check_tribuf.c - the triple buffer that hands frames to the audio and
 * render threads always yields the newest whole value, and holds up, beside
 * the SPSC ring, with a real producer thread racing a consumer thread
 * (the ring's own rules: check_spsc.c).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "spsc.h"
#include "test_util.h"
#include "tribuf.h"

struct value {
	uint64_t seq;
	uint64_t check[15];		/* every word = seq: a torn read shows up */
};

START_TEST(test_tribuf_reader_gets_the_newest_value_once)
{
	struct tribuf t;
	struct value v = { 0 }, out;

	ck_assert_int_eq(tribuf_init(&t, NULL, sizeof(v), &v), 0);
	ck_assert(!tribuf_read(&t, &out));
	for (uint64_t i = 1; i <= 3; i++) {
		v.seq = i;
		tribuf_write(&t, &v);
	}
	ck_assert(tribuf_read(&t, &out));
	ck_assert_uint_eq(out.seq, 3);
	ck_assert(!tribuf_read(&t, &out));	/* nothing new: same value again */
	ck_assert_uint_eq(out.seq, 3);
	tribuf_free(&t);
}
END_TEST

static struct tribuf shared_t;
static struct spsc shared_r;
static _Atomic bool producing;

static void *producer(void *arg)
{
	struct value v;

	(void)arg;
	for (uint64_t i = 1; i <= 200000; i++) {
		v.seq = i;
		for (int k = 0; k < 15; k++)
			v.check[k] = i;
		tribuf_write(&shared_t, &v);
		while (!spsc_push(&shared_r, &i))
			;	/* spin: the test wants every item through */
	}
	atomic_store(&producing, false);
	return NULL;
}

START_TEST(test_tribuf_and_spsc_under_a_racing_producer)
{
	pthread_t th;
	struct value v = { 0 }, out;
	uint64_t expect = 1, last_seq = 0, item;

	ck_assert_int_eq(tribuf_init(&shared_t, NULL, sizeof(v), &v), 0);
	ck_assert_int_eq(spsc_init(&shared_r, NULL, 64, sizeof(uint64_t)), 0);
	atomic_store(&producing, true);
	pthread_create(&th, NULL, producer, NULL);
	while (atomic_load(&producing) || expect <= 200000) {
		if (spsc_pop(&shared_r, &item)) {
			ck_assert_uint_eq(item, expect);
			expect++;
		}
		tribuf_read(&shared_t, &out);
		for (int k = 0; k < 15; k++)
			ck_assert_uint_eq(out.check[k], out.seq);	/* never torn */
		ck_assert_uint_ge(out.seq, last_seq);		/* never older */
		last_seq = out.seq;
	}
	pthread_join(th, NULL);
	tribuf_read(&shared_t, &out);
	ck_assert_uint_eq(out.seq, 200000);
	tribuf_free(&shared_t);
	spsc_free(&shared_r);
}
END_TEST

static Suite *tribuf_suite(void)
{
	Suite *s = suite_create("tribuf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tribuf_reader_gets_the_newest_value_once);
	tcase_add_test(tc, test_tribuf_and_spsc_under_a_racing_producer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(tribuf_suite());
}
