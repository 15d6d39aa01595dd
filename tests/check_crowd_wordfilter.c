/*
 * check_crowd_wordfilter.c - the venue's banned words, matched as whole
 * words through the disguises a crowd uses, and never inside a longer word.
 */
#include <check.h>
#include <stdlib.h>

#include "crowd_wordfilter.h"
#include "test_util.h"

static struct wordfilter *filter_of(const char *const *words, size_t n)
{
	struct wordfilter *wf = wordfilter_create(words, n);

	ck_assert_ptr_nonnull(wf);
	return wf;
}

START_TEST(test_filter_matches_whole_words_through_common_disguises)
{
	static const char *const words[] = { "boo", "hiss", "go home" };
	static const char *const caught[] = {
		"boo", "BOO", "you boo!", "b00", "B.O.O", "b o o", "booooo", "h1ss", "hi$$",
		"well, GO   HOME now", "g0 h0me", "ok boo.", "¡boo!",
		"boo\xcc\x81",	/* a combining accent does not hide it */
	};
	static const char *const passed[] = {
		"book", "bo", "taboo", "hissing", "go homer", "go", "home", "", "gohome",
		"b-o-o-k", "bo\xc3\xb3",	/* a precomposed accented letter is another letter */
	};
	struct wordfilter *wf = filter_of(words, 3);
	size_t which = 99;

	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		ck_assert_msg(wordfilter_match(wf, caught[i], NULL), "\"%s\" should be caught", caught[i]);
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		ck_assert_msg(!wordfilter_match(wf, passed[i], NULL), "\"%s\" should pass", passed[i]);
	ck_assert(wordfilter_match(wf, "just go home", &which));
	ck_assert_uint_eq(which, 2);
	wordfilter_destroy(wf);
}
END_TEST

START_TEST(test_filter_compares_other_scripts_byte_for_byte)
{
	static const char *const words[] = { "ДУРАК", "ばか" };
	struct wordfilter *wf = filter_of(words, 2);

	ck_assert(wordfilter_match(wf, "ты ДУРАК", NULL));
	ck_assert(wordfilter_match(wf, "ばか!", NULL));
	ck_assert(!wordfilter_match(wf, "ДУРАКИ", NULL));	/* a longer word */
	wordfilter_destroy(wf);
}
END_TEST

START_TEST(test_filter_with_no_words_passes_everything)
{
	struct wordfilter *wf = wordfilter_create(NULL, 0);

	ck_assert_ptr_nonnull(wf);
	ck_assert(!wordfilter_match(wf, "anything at all", NULL));
	wordfilter_destroy(wf);
}
END_TEST

TEST_MAIN("crowd_wordfilter", test_filter_matches_whole_words_through_common_disguises,
	  test_filter_compares_other_scripts_byte_for_byte,
	  test_filter_with_no_words_passes_everything)
