/*
 * test_util.h - helpers shared by the Check suites: build a venue config
 * from inline JSON (through the real parser) and small assertions.
 */
#ifndef TUTTI_TEST_UTIL_H
#define TUTTI_TEST_UTIL_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* Parses @json with the real config parser; fails the test on any error. */
static inline struct venue_config *test_config(const char *json)
{
	struct config_errors errors = { 0 };
	struct venue_config *cfg = config_parse(json, strlen(json), "test.json", &errors);

	if (!cfg) {
		char line[600];

		for (size_t i = 0; i < errors.count; i++) {
			config_error_format(&errors.items[i], "test.json", line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		config_errors_free(&errors);
		ck_abort_msg("test config did not load");
	}
	return cfg;
}

/* Runs one suite the way every tests/check_*.c does; returns the exit status. */
static inline int test_run_suite(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

/* Runs @n tests as one suite called @name, in one case; returns the exit status. */
static inline int test_run_tests(const char *name, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");

	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}

/* A suite's main(): TEST_MAIN("spsc", test_a, test_b). */
#define TEST_MAIN(name, ...)								\
	int main(void)									\
	{										\
		const TTest *const tests_[] = { __VA_ARGS__ };				\
		return test_run_tests(name, tests_, sizeof(tests_) / sizeof(tests_[0]));	\
	}

/* Two zones; cue 0 enables every control and has poll "song" (3 options). */
#define TEST_VENUE_JSON							\
	"{\"name\":\"Test\",\"capacity\":100,"				\
	"\"limits\":{\"inputs_per_second\":10,\"input_burst\":20,\"throttle_close_s\":3},"	\
	"\"zones\":[{\"id\":\"left\",\"capacity\":50},{\"id\":\"right\",\"capacity\":50}],"	\
	"\"cues\":[{\"id\":\"play\",\"scene\":\"crowd-field\","		\
	"\"controls\":[\"tap\",\"xy\",\"slider\",\"shake\",\"vote\"],"	\
	"\"poll\":{\"id\":\"song\",\"question\":\"Which?\",\"options\":[\"A\",\"B\",\"C\"]}},"	\
	"{\"id\":\"quiet\",\"scene\":\"title\"}]}"

#endif
