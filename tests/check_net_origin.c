/*
 * check_net_origin.c - which browser pages may talk to the venue server:
 * no Origin (not a browser) passes, an allowlist matches exactly, and
 * without one only the page's own origin on a Host naming this daemon
 * passes, so a rebinding DNS name or a foreign page is refused.
 */
#include <check.h>
#include <stdio.h>

#include "config.h"
#include "net_origin.h"
#include "test_util.h"

static struct venue_config *cfg;

static void setup(void)
{
	cfg = test_config(TEST_VENUE_JSON);
}

static void teardown(void)
{
	config_destroy(cfg);
}

START_TEST(test_origin_none_is_not_a_browser_and_passes)
{
	ck_assert(net_origin_check(cfg, false, "", "10.0.0.2:8080"));
	ck_assert(net_origin_check(cfg, false, "", ""));
}
END_TEST

START_TEST(test_origin_same_page_on_our_address_passes)
{
	ck_assert(net_origin_check(cfg, false, "http://10.0.0.2:8080", "10.0.0.2:8080"));
	ck_assert(net_origin_check(cfg, false, "http://localhost:8080", "localhost:8080"));
	ck_assert(net_origin_check(cfg, false, "http://[::1]:8080", "[::1]:8080"));
	ck_assert(net_origin_check(cfg, true, "https://10.0.0.2:8443", "10.0.0.2:8443"));
}
END_TEST

START_TEST(test_origin_foreign_page_or_wrong_scheme_is_refused)
{
	ck_assert(!net_origin_check(cfg, false, "http://evil.example", "10.0.0.2:8080"));
	ck_assert(!net_origin_check(cfg, false, "https://10.0.0.2:8080", "10.0.0.2:8080"));
	ck_assert(!net_origin_check(cfg, true, "http://10.0.0.2:8443", "10.0.0.2:8443"));
	ck_assert(!net_origin_check(cfg, false, "http://10.0.0.2:8080", ""));
}
END_TEST

START_TEST(test_origin_rebinding_name_is_refused_unless_it_is_public_url)
{
	/* A page on a name that resolves here is its own origin, but the name is not ours. */
	ck_assert(!net_origin_check(cfg, false, "http://rebind.example:8080", "rebind.example:8080"));
	snprintf(cfg->public_url, sizeof(cfg->public_url), "http://tutti.venue:8080/");
	ck_assert(net_origin_check(cfg, false, "http://tutti.venue:8080", "tutti.venue:8080"));
	ck_assert(!net_origin_check(cfg, false, "http://tutti.venue.evil:8080", "tutti.venue.evil:8080"));
	ck_assert(!net_origin_check(cfg, false, "http://tutti.venu:8080", "tutti.venu:8080"));
}
END_TEST

START_TEST(test_origin_allowlist_matches_exactly_whatever_the_host)
{
	cfg->limits.allowed_origin_count = 1;
	snprintf(cfg->limits.allowed_origins[0], sizeof(cfg->limits.allowed_origins[0]), "https://tutti.example");
	ck_assert(net_origin_check(cfg, false, "https://tutti.example", "10.0.0.2:8080"));
	ck_assert(!net_origin_check(cfg, false, "https://tutti.example.evil", "10.0.0.2:8080"));
	/* The page's own origin no longer passes by itself: the list is the whole rule. */
	ck_assert(!net_origin_check(cfg, false, "http://10.0.0.2:8080", "10.0.0.2:8080"));
}
END_TEST

static Suite *origin_suite(void)
{
	Suite *s = suite_create("net_origin");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_origin_none_is_not_a_browser_and_passes);
	tcase_add_test(tc, test_origin_same_page_on_our_address_passes);
	tcase_add_test(tc, test_origin_foreign_page_or_wrong_scheme_is_refused);
	tcase_add_test(tc, test_origin_rebinding_name_is_refused_unless_it_is_public_url);
	tcase_add_test(tc, test_origin_allowlist_matches_exactly_whatever_the_host);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(origin_suite());
}
