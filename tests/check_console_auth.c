/*
 * check_console_auth.c - console roles, password hashes,
 * sessions and their expiry, and the slow-down after failed logins.
 */
#include <check.h>
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

START_TEST(test_a_full_session_table_ends_the_oldest_session)
{
	struct console_auth *a = console_auth_create(3600);
	char first[CONSOLE_TOKEN_CHARS + 1], tok[CONSOLE_TOKEN_CHARS + 1];

	console_session_open(a, CONSOLE_ROLE_OPERATOR, 0, first);
	for (int i = 1; i < CONSOLE_SESSIONS; i++)
		console_session_open(a, CONSOLE_ROLE_ARTIST, i, tok);
	ck_assert_int_eq(console_session_role(a, first, 50), CONSOLE_ROLE_OPERATOR);
	console_session_open(a, CONSOLE_ROLE_ARTIST, 60, tok);
	ck_assert_int_eq(console_session_role(a, first, 61), CONSOLE_ROLE_NONE);
	ck_assert_int_eq(console_session_role(a, tok, 61), CONSOLE_ROLE_ARTIST);
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

static Suite *console_auth_suite(void)
{
	Suite *s = suite_create("console_auth");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_role_names_are_exact);
	tcase_add_test(tc, test_passwords_are_stored_as_argon2id_hashes_and_checked);
	tcase_add_test(tc, test_sessions_carry_their_role_until_they_expire_or_close);
	tcase_add_test(tc, test_a_full_session_table_ends_the_oldest_session);
	tcase_add_test(tc, test_failed_logins_are_slowed_down_per_address);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(console_auth_suite());
}
