/*
 * check_crowd_text.c - crowd text before it reaches the screen: cleaning,
 * the per-participant interval, the bounded queue, the operator's verdicts
 * and the wall (the word filter itself: check_crowd_wordfilter.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "crowd_text.h"
#include "test_util.h"

/* Cleaning with no font coverage: every character is drawable. */
static enum crowdtext_result crowdtext_clean_all(const char *raw, uint32_t max_chars, char *out)
{
	return crowdtext_clean(raw, max_chars, NULL, out);
}

START_TEST(test_clean_folds_whitespace_counts_characters_and_refuses_controls)
{
	char out[CONFIG_TEXT_BYTES_MAX + 1];

	ck_assert_int_eq(crowdtext_clean_all("  hello \t\n  world  ", 80, out), CROWDTEXT_QUEUED);
	ck_assert_str_eq(out, "hello world");
	ck_assert_int_eq(crowdtext_clean_all(" \xc2\xa0\t ", 80, out), CROWDTEXT_EMPTY);
	ck_assert_int_eq(crowdtext_clean_all("", 80, out), CROWDTEXT_EMPTY);
	/* Characters, not bytes: five Cyrillic letters are ten bytes. */
	ck_assert_int_eq(crowdtext_clean_all("ПРИВЕ", 5, out), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_clean_all("ПРИВЕТ", 5, out), CROWDTEXT_TOO_LONG);
	ck_assert_int_eq(crowdtext_clean_all("ab cd", 5, out), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_clean_all("ab  cde", 5, out), CROWDTEXT_TOO_LONG);
	ck_assert_int_eq(crowdtext_clean_all("bell\x07", 80, out), CROWDTEXT_BAD_CHARS);
	ck_assert_int_eq(crowdtext_clean_all("esc\x1b[2J", 80, out), CROWDTEXT_BAD_CHARS);
	ck_assert_int_eq(crowdtext_clean_all("c1 \xc2\x9b", 80, out), CROWDTEXT_BAD_CHARS);
	/* A right-to-left override would make the screen read differently from the queue. */
	ck_assert_int_eq(crowdtext_clean_all("abc\xe2\x80\xae" "cba", 80, out), CROWDTEXT_BAD_CHARS);
	ck_assert_int_eq(crowdtext_clean_all("abc\xe2\x81\xa6x", 80, out), CROWDTEXT_BAD_CHARS);
	/* Emoji and right-to-left scripts themselves are fine. */
	ck_assert_int_eq(crowdtext_clean_all("\xf0\x9f\x8e\xb8 שלום", 80, out), CROWDTEXT_QUEUED);
	ck_assert_str_eq(out, "\xf0\x9f\x8e\xb8 שלום");
}
END_TEST

#define MOD_JSON(extra)								\
	"{\"name\":\"T\",\"capacity\":10,\"moderation\":{" extra "},"		\
	"\"cues\":[{\"id\":\"a\",\"scene\":\"wall\",\"controls\":[\"text\"]}]}"

START_TEST(test_texts_wait_for_the_operator_and_approved_ones_go_on_the_wall)
{
	struct venue_config *cfg = test_config(MOD_JSON("\"wall_size\":2,\"text_interval_s\":0"));
	struct crowdtext *ct = crowdtext_create(&cfg->moderation, 8);
	struct crowdtext_item it;
	uint32_t id[4];
	double wait;

	for (int i = 0; i < 4; i++) {
		char text[16];

		snprintf(text, sizeof(text), "hello %d", i);
		ck_assert_int_eq(crowdtext_submit(ct, i, "p-0000000a", 0, 10 + (uint64_t)i, text, 1, &id[i], &wait),
				 CROWDTEXT_QUEUED);
	}
	/* Nothing is shown until approved. */
	ck_assert_uint_eq(crowdtext_pending_count(ct), 4);
	ck_assert_uint_eq(crowdtext_wall_count(ct), 0);
	ck_assert_str_eq(crowdtext_pending(ct, 0)->text, "hello 0");
	ck_assert_int_eq(crowdtext_decide(ct, id[1], false, &it), 0);
	ck_assert_uint_eq(it.seq, 11);
	ck_assert_int_eq(crowdtext_decide(ct, id[1], true, NULL), -1);	/* decided once */
	ck_assert_uint_eq(crowdtext_wall_count(ct), 0);
	ck_assert_int_eq(crowdtext_decide(ct, id[0], true, NULL), 0);
	ck_assert_int_eq(crowdtext_decide(ct, id[2], true, NULL), 0);
	ck_assert_int_eq(crowdtext_decide(ct, id[3], true, &it), 0);
	ck_assert_str_eq(it.text, "hello 3");
	/* Newest first; the wall holds two, so the oldest approved left. */
	ck_assert_uint_eq(crowdtext_wall_count(ct), 2);
	ck_assert_str_eq(crowdtext_wall(ct, 0)->text, "hello 3");
	ck_assert_str_eq(crowdtext_wall(ct, 1)->text, "hello 2");
	ck_assert_uint_eq(crowdtext_pending_count(ct), 0);
	/* Taking one down. */
	uint32_t gen = crowdtext_wall_generation(ct);

	ck_assert_int_eq(crowdtext_unshow(ct, id[3]), 0);
	ck_assert_int_eq(crowdtext_unshow(ct, id[3]), -1);
	ck_assert_uint_gt(crowdtext_wall_generation(ct), gen);
	ck_assert_uint_eq(crowdtext_wall_count(ct), 1);
	ck_assert_str_eq(crowdtext_wall(ct, 0)->text, "hello 2");
	ck_assert_uint_eq(crowdtext_counts(ct)->approved, 3);
	ck_assert_uint_eq(crowdtext_counts(ct)->rejected, 1);
	crowdtext_destroy(ct);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_one_text_per_interval_and_a_filtered_one_uses_the_turn)
{
	struct venue_config *cfg = test_config(MOD_JSON("\"text_interval_s\":30,\"banned_words\":[\"boo\"]"));
	struct crowdtext *ct = crowdtext_create(&cfg->moderation, 8);
	uint32_t id;
	double wait = 0;

	ck_assert_int_eq(crowdtext_submit(ct, 1, "p-1", 0, 1, "first", 100, &id, &wait), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_submit(ct, 1, "p-1", 0, 2, "second", 110, &id, &wait), CROWDTEXT_TOO_SOON);
	ck_assert_double_eq_tol(wait, 20, 1e-9);
	/* Another participant has its own turn. */
	ck_assert_int_eq(crowdtext_submit(ct, 2, "p-2", 0, 1, "mine", 110, &id, &wait), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_submit(ct, 1, "p-1", 0, 3, "second", 130, &id, &wait), CROWDTEXT_QUEUED);
	/* Filtered: refused, and the next try waits the interval too, so nobody probes the list. */
	ck_assert_int_eq(crowdtext_submit(ct, 3, "p-3", 0, 1, "BOO!", 200, &id, &wait), CROWDTEXT_FILTERED);
	ck_assert_int_eq(crowdtext_submit(ct, 3, "p-3", 0, 2, "fine", 201, &id, &wait), CROWDTEXT_TOO_SOON);
	/* A typo (too long, empty) does not use the turn. */
	ck_assert_int_eq(crowdtext_submit(ct, 4, "p-4", 0, 1, "   ", 300, &id, &wait), CROWDTEXT_EMPTY);
	ck_assert_int_eq(crowdtext_submit(ct, 4, "p-4", 0, 2, "ok", 300, &id, &wait), CROWDTEXT_QUEUED);
	ck_assert_uint_eq(crowdtext_pending_count(ct), 4);
	ck_assert_uint_eq(crowdtext_counts(ct)->filtered, 1);
	ck_assert_uint_eq(crowdtext_counts(ct)->submitted, 8);
	crowdtext_destroy(ct);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_a_full_queue_refuses_and_withdraw_takes_a_participants_texts_away)
{
	struct venue_config *cfg = test_config(MOD_JSON("\"queue_max\":3,\"text_interval_s\":0"));
	struct crowdtext *ct = crowdtext_create(&cfg->moderation, 8);
	uint32_t id, first;
	double wait;

	ck_assert_int_eq(crowdtext_submit(ct, 1, "p-1", 0, 1, "one", 1, &first, &wait), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_submit(ct, 2, "p-2", 0, 1, "two", 1, &id, &wait), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_submit(ct, 1, "p-1", 0, 2, "three", 1, &id, &wait), CROWDTEXT_QUEUED);
	ck_assert_int_eq(crowdtext_submit(ct, 3, "p-3", 0, 1, "four", 1, &id, &wait), CROWDTEXT_QUEUE_FULL);
	ck_assert_int_eq(crowdtext_decide(ct, first, true, NULL), 0);
	/* p-1 is muted: its waiting text and its text on the wall both go. */
	ck_assert_uint_eq(crowdtext_withdraw(ct, "p-1"), 2);
	ck_assert_uint_eq(crowdtext_pending_count(ct), 1);
	ck_assert_str_eq(crowdtext_pending(ct, 0)->from, "p-2");
	ck_assert_uint_eq(crowdtext_wall_count(ct), 0);
	ck_assert_int_eq(crowdtext_submit(ct, 3, "p-3", 0, 1, "four", 2, &id, &wait), CROWDTEXT_QUEUED);
	crowdtext_destroy(ct);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_invisible_characters_cannot_hide_a_word_from_the_filter)
{
	struct venue_config *cfg = test_config(MOD_JSON("\"banned_words\":[\"boo\"],\"text_interval_s\":0"));
	struct crowdtext *ct = crowdtext_create(&cfg->moderation, 8);
	/* word joiner, zero-width space, variation selector 16, soft hyphen */
	static const char *const hidden[] = {
		"bo\xe2\x81\xa0o", "b\xe2\x80\x8boo", "boo\xef\xb8\x8f", "bo\xc2\xado",
	};
	char out[CONFIG_TEXT_BYTES_MAX + 1];
	uint32_t id;
	double wait;

	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		ck_assert_int_eq(crowdtext_clean_all(hidden[i], 80, out), CROWDTEXT_QUEUED);
		ck_assert_str_eq(out, "boo");	/* what the moderator would see, and the filter reads */
		ck_assert_int_eq(crowdtext_submit(ct, (int)i, "p-1", 0, 1, hidden[i], 1, &id, &wait),
				 CROWDTEXT_FILTERED);
	}
	crowdtext_participant_new(ct, 0);	/* a new participant in a used slot: its own turn */
	ck_assert_int_eq(crowdtext_submit(ct, 0, "p-2", 0, 1, "hello", 1, &id, &wait), CROWDTEXT_QUEUED);
	crowdtext_destroy(ct);
	config_destroy(cfg);
}
END_TEST


static Suite *crowd_text_suite(void)
{
	Suite *s = suite_create("crowd_text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_clean_folds_whitespace_counts_characters_and_refuses_controls);
	tcase_add_test(tc, test_texts_wait_for_the_operator_and_approved_ones_go_on_the_wall);
	tcase_add_test(tc, test_one_text_per_interval_and_a_filtered_one_uses_the_turn);
	tcase_add_test(tc, test_a_full_queue_refuses_and_withdraw_takes_a_participants_texts_away);
	tcase_add_test(tc, test_invisible_characters_cannot_hide_a_word_from_the_filter);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(crowd_text_suite());
}
