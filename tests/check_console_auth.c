/*
 * check_console_auth.c - console roles, password hashes, sessions, their
 * expiry and each role's share, and the slow-down of logins per address.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "console_auth.h"
#include "test_util.h"

START_TEST(test_role_names_are_exact)
{
	ck_assert_int_eq(console_role_from_name("operator"), CONSOLE_ROLE_OPERATOR);
	ck_assert_int_eq(console_role_from_name("artist"), CONSOLE_ROLE_ARTIST);
	ck_assert_int_eq(console_role_from_name("Operator"), CONSOLE_ROLE_NONE);
	ck_assert_int_eq(console_role_from_name(NULL), CONSOLE_ROLE_NONE);
	ck_assert_str_eq(console_role_name(CONSOLE_ROLE_ARTIST), "artist");
}
END_TEST

START_TEST(test_passwords_are_stored_as_argon2id_hashes_and_checked)
{
	char h1[CONSOLE_HASH_MAX], h2[CONSOLE_HASH_MAX];

	ck_assert_int_eq(console_password_hash("front of house", h1), 0);
	ck_assert_int_eq(console_password_hash("front of house", h2), 0);
	ck_assert_msg(strncmp(h1, "$argon2id$", 10) == 0, "%s", h1);
	ck_assert(strstr(h1, "front") == NULL);		/* never the password itself */
	ck_assert_str_ne(h1, h2);			/* salted */
	ck_assert(console_password_check(h1, "front of house"));
	ck_assert(console_password_check(h2, "front of house"));
	ck_assert(!console_password_check(h1, "front of housE"));
	ck_assert(!console_password_check(h1, ""));
	ck_assert(!console_password_check("", "front of house"));
	ck_assert(!console_password_check("$argon2id$garbage", "front of house"));
}
END_TEST

START_TEST(test_sessions_carry_their_role_until_they_expire_or_close)
{
	struct console_auth *a = console_auth_create(3600);
	char op[CONSOLE_TOKEN_CHARS + 1], art[CONSOLE_TOKEN_CHARS + 1], forged[CONSOLE_TOKEN_CHARS + 1];

	ck_assert_int_eq(console_session_open(a, CONSOLE_ROLE_OPERATOR, 100, op), 0);
	ck_assert_int_eq(console_session_open(a, CONSOLE_ROLE_ARTIST, 100, art), 0);
	ck_assert_uint_eq(strlen(op), CONSOLE_TOKEN_CHARS);
	ck_assert_str_ne(op, art);
	ck_assert_int_eq(console_session_role(a, op, 200), CONSOLE_ROLE_OPERATOR);
	ck_assert_int_eq(console_session_role(a, art, 200), CONSOLE_ROLE_ARTIST);
	ck_assert_double_eq(console_session_expires(a, op, 200), 3700);
	/* A token one character off, a short one, none: no role. */
	memcpy(forged, op, sizeof(forged));
	forged[10] = forged[10] == 'a' ? 'b' : 'a';
	ck_assert_int_eq(console_session_role(a, forged, 200), CONSOLE_ROLE_NONE);
	ck_assert_int_eq(console_session_role(a, "abc", 200), CONSOLE_ROLE_NONE);
	ck_assert_int_eq(console_session_role(a, NULL, 200), CONSOLE_ROLE_NONE);
	/* Expiry, and closing. */
	ck_assert_int_eq(console_session_role(a, op, 3700), CONSOLE_ROLE_NONE);
	ck_assert_double_eq(console_session_expires(a, op, 3700), -1);
	console_session_close(a, art);
	ck_assert_int_eq(console_session_role(a, art, 200), CONSOLE_ROLE_NONE);
	ck_assert_int_eq(console_session_open(a, CONSOLE_ROLE_NONE, 100, op), -1);
	console_auth_destroy(a);
}
END_TEST

START_TEST(test_artist_logins_never_end_an_operator_session)
{
	struct console_auth *a = console_auth_create(3600);
	char op[CONSOLE_TOKEN_CHARS + 1], tok[CONSOLE_TOKEN_CHARS + 1], first_artist[CONSOLE_TOKEN_CHARS + 1];
	char artists[CONSOLE_SESSIONS * 2][CONSOLE_TOKEN_CHARS + 1];
	int live = 0;

	console_session_open(a, CONSOLE_ROLE_OPERATOR, 0, op);
	console_session_open(a, CONSOLE_ROLE_ARTIST, 1, first_artist);
	for (int i = 0; i < CONSOLE_SESSIONS * 2; i++)
		ck_assert_int_eq(console_session_open(a, CONSOLE_ROLE_ARTIST, 2 + i, artists[i]), 0);
	ck_assert_int_eq(console_session_role(a, op, 100), CONSOLE_ROLE_OPERATOR);
	/* The artists share their own slots, newest kept. */
	ck_assert_int_eq(console_session_role(a, first_artist, 100), CONSOLE_ROLE_NONE);
	for (int i = 0; i < CONSOLE_SESSIONS * 2; i++)
		live += console_session_role(a, artists[i], 100) == CONSOLE_ROLE_ARTIST;
	ck_assert_int_eq(live, CONSOLE_SESSIONS_ARTIST);
	ck_assert_int_eq(console_session_role(a, artists[CONSOLE_SESSIONS * 2 - 1], 100), CONSOLE_ROLE_ARTIST);
	/* An operator login still finds a free slot of its own share. */
	ck_assert_int_eq(console_session_open(a, CONSOLE_ROLE_OPERATOR, 101, tok), 0);
	ck_assert_int_eq(console_session_role(a, tok, 102), CONSOLE_ROLE_OPERATOR);
	ck_assert_int_eq(console_session_role(a, op, 102), CONSOLE_ROLE_OPERATOR);
	console_auth_destroy(a);
}
END_TEST

START_TEST(test_a_full_role_share_ends_that_roles_oldest_session)
{
	struct console_auth *a = console_auth_create(3600);
	char ops[CONSOLE_SESSIONS_OPERATOR + 1][CONSOLE_TOKEN_CHARS + 1], art[CONSOLE_TOKEN_CHARS + 1];

	ck_assert_uint_eq(console_role_sessions(CONSOLE_ROLE_OPERATOR) + console_role_sessions(CONSOLE_ROLE_ARTIST),
			  CONSOLE_SESSIONS);
	ck_assert_uint_eq(console_role_sessions(CONSOLE_ROLE_NONE), 0);
	console_session_open(a, CONSOLE_ROLE_ARTIST, 0, art);
	for (int i = 0; i <= CONSOLE_SESSIONS_OPERATOR; i++)
		console_session_open(a, CONSOLE_ROLE_OPERATOR, 1 + i, ops[i]);
	ck_assert_int_eq(console_session_role(a, ops[0], 50), CONSOLE_ROLE_NONE);
	ck_assert_int_eq(console_session_role(a, ops[1], 50), CONSOLE_ROLE_OPERATOR);
	ck_assert_int_eq(console_session_role(a, ops[CONSOLE_SESSIONS_OPERATOR], 50), CONSOLE_ROLE_OPERATOR);
	ck_assert_int_eq(console_session_role(a, art, 50), CONSOLE_ROLE_ARTIST);
	/* An expired session's slot is free for any role. */
	ck_assert_int_eq(console_session_open(a, CONSOLE_ROLE_ARTIST, 5000, art), 0);
	ck_assert_int_eq(console_session_role(a, art, 5001), CONSOLE_ROLE_ARTIST);
	console_auth_destroy(a);
}
END_TEST

START_TEST(test_failed_logins_are_slowed_down_per_address)
{
	struct console_auth *a = console_auth_create(3600);
	double now = 1000;

	/* Three free tries, then 1, 2, 4, 8, 16, 30, 30 seconds. */
	for (int i = 0; i < 3; i++) {
		ck_assert_double_eq(console_login_wait(a, "192.0.2.7", now), 0);
		console_login_result(a, "192.0.2.7", false, now);
	}
	{
		static const double waits[] = { 1, 2, 4, 8, 16, 30, 30 };

		for (int i = 0; i < 7; i++) {
			console_login_result(a, "192.0.2.7", false, now);
			ck_assert_double_eq_tol(console_login_wait(a, "192.0.2.7", now), waits[i], 1e-9);
			now += waits[i];
			ck_assert_double_eq(console_login_wait(a, "192.0.2.7", now), 0);
		}
	}
	console_login_result(a, "192.0.2.7", false, now);
	/* Another address is not held up; success forgets the failures. */
	ck_assert_double_eq(console_login_wait(a, "192.0.2.8", now), 0);
	ck_assert_double_gt(console_login_wait(a, "192.0.2.7", now), 0);
	console_login_result(a, "192.0.2.7", true, now);
	ck_assert_double_eq(console_login_wait(a, "192.0.2.7", now), 0);
	console_login_result(a, "192.0.2.7", false, now);
	ck_assert_double_eq(console_login_wait(a, "192.0.2.7", now), 0);
	console_auth_destroy(a);
}
END_TEST

/* One try from @ip starts, a second beside it must wait; the first fails. */
static void fail_one_try_alone(struct console_auth *a, const char *ip, double now)
{
	ck_assert_double_eq(console_login_begin(a, ip, now), 0);
	ck_assert_double_gt(console_login_begin(a, ip, now), 0);
	console_login_result(a, ip, false, now);
}

START_TEST(test_a_running_check_counts_against_its_address)
{
	struct console_auth *a = console_auth_create(3600);
	const char *ip = "192.0.2.7";
	double now = 1000;

	/* Parallel tries: CONSOLE_LOGIN_PENDING start, the rest wait; another address does not. */
	for (int i = 0; i < CONSOLE_LOGIN_PENDING; i++)
		ck_assert_double_eq(console_login_begin(a, ip, now), 0);
	ck_assert_double_gt(console_login_begin(a, ip, now), 0);
	ck_assert_double_gt(console_login_wait(a, ip, now), 0);
	ck_assert_double_eq(console_login_wait(a, "192.0.2.8", now), 0);
	for (int i = 0; i < CONSOLE_LOGIN_PENDING; i++)
		console_login_result(a, ip, false, now);
	/* Two failures: the third free try may start, but not a fourth beside it. */
	fail_one_try_alone(a, ip, now);
	/* Three failures: one more try, alone, then the wait. */
	fail_one_try_alone(a, ip, now);
	ck_assert_double_eq_tol(console_login_wait(a, ip, now), 1, 1e-9);
	console_auth_destroy(a);
}
END_TEST

START_TEST(test_a_login_flood_gets_few_checks_and_locks_out_no_one_else)
{
	/* 15,000 tries in 12 s from one address, each abandoned but still checked and recorded. */
	const char *flood = "192.0.2.66";
	struct console_auth *a = console_auth_create(3600);
	int checks = 0;

	for (double now = 1000; now < 1012; now += 12.0 / 15000) {
		if (console_login_begin(a, flood, now) == 0) {
			checks++;
			console_login_result(a, flood, false, now + 0.05);
		}
		ck_assert_double_eq(console_login_wait(a, "192.0.2.10", now), 0);
	}
	/* Three free, then after waits of 1, 2 and 4 s: at most 8 checks in 12 s. */
	ck_assert_int_le(checks, 8);
	ck_assert_int_ge(checks, 4);
	console_auth_destroy(a);
}
END_TEST

START_TEST(test_the_remembered_addresses_keep_those_with_checks_running)
{
	struct console_auth *a = console_auth_create(3600);
	char ip[32];

	ck_assert_double_eq(console_login_begin(a, "192.0.2.1", 0), 0);
	ck_assert_double_eq(console_login_begin(a, "192.0.2.1", 0), 0);
	/* Failures from more addresses than the table holds push out others, not one with checks running. */
	for (int i = 0; i < CONSOLE_THROTTLE_ADDRS * 2; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d:%d", i % 250, i);
		console_login_result(a, ip, false, 1 + i);
	}
	ck_assert_double_gt(console_login_begin(a, "192.0.2.1", 1000), 0);
	console_auth_destroy(a);
}
END_TEST

static Suite *console_auth_suite(void)
{
	Suite *s = suite_create("console_auth");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_role_names_are_exact);
	tcase_add_test(tc, test_passwords_are_stored_as_argon2id_hashes_and_checked);
	tcase_add_test(tc, test_sessions_carry_their_role_until_they_expire_or_close);
	tcase_add_test(tc, test_artist_logins_never_end_an_operator_session);
	tcase_add_test(tc, test_a_full_role_share_ends_that_roles_oldest_session);
	tcase_add_test(tc, test_failed_logins_are_slowed_down_per_address);
	tcase_add_test(tc, test_a_running_check_counts_against_its_address);
	tcase_add_test(tc, test_a_login_flood_gets_few_checks_and_locks_out_no_one_else);
	tcase_add_test(tc, test_the_remembered_addresses_keep_those_with_checks_running);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(console_auth_suite());
}
