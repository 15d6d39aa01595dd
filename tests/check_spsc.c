/*
 * check_spsc.c - the single-producer, single-consumer ring between the net
 * thread and the audio thread keeps order, and refuses (and counts) a push
 * when full rather than block or overwrite.
 */
#include <check.h>

#include "spsc.h"
#include "test_util.h"

START_TEST(test_spsc_keeps_order_and_refuses_when_full)
{
	struct spsc r;
	uint32_t x;

	ck_assert_int_eq(spsc_init(&r, NULL, 4, sizeof(x)), 0);
	for (x = 0; x < 4; x++)
		ck_assert(spsc_push(&r, &x));
	ck_assert(!spsc_push(&r, &x));
	ck_assert_uint_eq(spsc_dropped(&r), 1);
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert(spsc_pop(&r, &x));
		ck_assert_uint_eq(x, i);
	}
	ck_assert(!spsc_pop(&r, &x));
	spsc_free(&r);
}
END_TEST

TEST_MAIN("spsc", test_spsc_keeps_order_and_refuses_when_full)
