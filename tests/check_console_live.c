/*
 * check_console_live.c - the console's live view: how large it may grow
 * for a venue config, and `tutti check`'s warning about it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "console_auth.h"
#include "console_live.h"
#include "test_util.h"

/* A venue of @cues cues, each titled with @title_quotes quote marks, with a console when @console. */
static struct venue_config *venue_of_cues(int cues, int title_quotes, bool console)
{
	size_t cap = 4096 + (size_t)cues * (64 + 2 * (size_t)title_quotes);
	char *json = malloc(cap), hash[CONSOLE_HASH_MAX], title[2 * CONFIG_TEXT_MAX + 1] = "";
	struct venue_config *cfg;
	size_t n;

	ck_assert_ptr_nonnull(json);
	ck_assert_int_eq(console_password_hash("front of house", hash), 0);
	for (int q = 0; q < title_quotes; q++)
		strcat(title, "\\\"");
	n = (size_t)snprintf(json, cap, "{\"name\":\"Long\",\"capacity\":50,\"zones\":[{\"id\":\"all\",\"name\":\"All\","
			     "\"capacity\":50}],%s%s%s\"cues\":[", console ? "\"console\":{\"operator_password_hash\":\"" : "",
			     console ? hash : "", console ? "\"}," : "");
	for (int i = 0; i < cues; i++)
		n += (size_t)snprintf(json + n, cap - n, "%s{\"id\":\"cue-%d\",\"title\":\"%s\",\"scene\":\"title\"}",
				      i ? "," : "", i, title);
	snprintf(json + n, cap - n, "]}");
	cfg = test_config(json);
	free(json);
	return cfg;
}

START_TEST(test_a_small_venue_live_view_is_small_and_not_warned)
{
	struct venue_config *cfg = venue_of_cues(6, 10, true);
	char warning[300] = "";

	ck_assert_uint_lt(console_live_estimate(cfg), CONSOLE_LIVE_FIRST);
	ck_assert(!console_live_warning(cfg, warning, sizeof(warning)));
	config_destroy(cfg);
}
END_TEST

START_TEST(test_many_long_cue_titles_are_warned_with_their_size)
{
	struct venue_config *cfg = venue_of_cues(CONFIG_MAX_CUES, CONFIG_TEXT_MAX, true);
	char warning[300] = "";

	/* Each title is escaped to twice its length in the live view's cue list. */
	ck_assert_uint_gt(console_live_estimate(cfg), (size_t)CONFIG_MAX_CUES * 2 * CONFIG_TEXT_MAX);
	ck_assert_uint_le(console_live_estimate(cfg), CONSOLE_LIVE_MAX);
	ck_assert(console_live_warning(cfg, warning, sizeof(warning)));
	ck_assert_msg(strncmp(warning, "/cues: ", 7) == 0 && strstr(warning, " KiB"), "%s", warning);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_a_venue_without_a_console_is_not_warned)
{
	struct venue_config *cfg = venue_of_cues(CONFIG_MAX_CUES, CONFIG_TEXT_MAX, false);
	char warning[300] = "";

	ck_assert(!console_live_warning(cfg, warning, sizeof(warning)));
	config_destroy(cfg);
}
END_TEST

TEST_MAIN("console_live", test_a_small_venue_live_view_is_small_and_not_warned,
	  test_many_long_cue_titles_are_warned_with_their_size, test_a_venue_without_a_console_is_not_warned)
