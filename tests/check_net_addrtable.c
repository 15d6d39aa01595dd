/*
 * check_net_addrtable.c - which sockets count as one client, and how many
 * each client may hold: IPv6 addresses whole by default or cut to the
 * venue's prefix, IPv4-mapped addresses as plain IPv4, sockets capped per
 * address from accept and given back when they close, audience WebSockets
 * capped within them.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "net_addrtable.h"
#include "test_util.h"

/* @address normalized with @prefix, into a static buffer. */
static const char *key_of(const char *address, uint32_t prefix)
{
	static char out[ADDR_TEXT_MAX];

	ck_assert_int_eq(addrtable_address_normalize(address, prefix, out, sizeof(out)), 0);
	return out;
}

START_TEST(test_addrtable_two_phones_in_one_64_are_two_clients_by_default)
{
	const uint32_t whole = 128;	/* limits.ipv6_prefix by default */
	char a[ADDR_TEXT_MAX];

	snprintf(a, sizeof(a), "%s", key_of("2001:db8:1:2:aaaa::1", whole));
	ck_assert_str_eq(a, "2001:db8:1:2:aaaa::1");
	ck_assert_str_ne(a, key_of("2001:db8:1:2:bbbb::2", whole));
}
END_TEST

START_TEST(test_addrtable_prefix_64_makes_one_network_one_client)
{
	char a[ADDR_TEXT_MAX];

	snprintf(a, sizeof(a), "%s", key_of("2001:db8:1:2:aaaa::1", 64));
	ck_assert_str_eq(a, "2001:db8:1:2::");
	ck_assert_str_eq(a, key_of("2001:db8:1:2:bbbb::2", 64));
	ck_assert_str_ne(a, key_of("2001:db8:1:3:aaaa::1", 64));
	/* A prefix that is not a whole byte: /60 joins 2001:db8:1:10 and :1f, not :20. */
	snprintf(a, sizeof(a), "%s", key_of("2001:db8:1:10::1", 60));
	ck_assert_str_eq(a, key_of("2001:db8:1:1f::9", 60));
	ck_assert_str_ne(a, key_of("2001:db8:1:20::1", 60));
}
END_TEST

START_TEST(test_addrtable_ipv4_mapped_is_plain_ipv4)
{
	ck_assert_str_eq(key_of("::ffff:192.168.10.7", 128), "192.168.10.7");
	ck_assert_str_eq(key_of("::FFFF:192.168.10.7", 64), "192.168.10.7");
	ck_assert_str_eq(key_of("192.168.10.7", 64), "192.168.10.7");
}
END_TEST

START_TEST(test_addrtable_not_an_address_is_kept_as_its_own_key)
{
	char out[ADDR_TEXT_MAX];

	ck_assert_int_eq(addrtable_address_normalize("unix:/run/x", 128, out, sizeof(out)), -1);
	ck_assert_str_eq(out, "unix:/run/x");
}
END_TEST

START_TEST(test_addrtable_socket_address_gives_the_same_key_as_its_text)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	char out[ADDR_TEXT_MAX];

	inet_pton(AF_INET6, "2001:db8:1:2:aaaa::1", &s6.sin6_addr);
	ck_assert_int_eq(addrtable_address_from_sockaddr((struct sockaddr *)&s6, 64, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "2001:db8:1:2::");
	/* What a dual-stack listener gives for an IPv4 phone. */
	inet_pton(AF_INET6, "::ffff:10.0.0.7", &s6.sin6_addr);
	ck_assert_int_eq(addrtable_address_from_sockaddr((struct sockaddr *)&s6, 128, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "10.0.0.7");
	inet_pton(AF_INET, "10.0.0.7", &s4.sin_addr);
	ck_assert_int_eq(addrtable_address_from_sockaddr((struct sockaddr *)&s4, 128, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "10.0.0.7");
}
END_TEST

START_TEST(test_addrtable_sockets_past_the_cap_are_refused_and_come_back_on_close)
{
	struct addrtable t;
	struct addr_entry *held[4 + ADDR_SOCKETS_EXTRA];

	ck_assert_int_eq(addrtable_init(&t, 8, 4), 0);
	for (int i = 0; i < 4 + ADDR_SOCKETS_EXTRA; i++) {
		held[i] = addrtable_socket_open(&t, "10.0.0.5", 1, 0);
		ck_assert_ptr_nonnull(held[i]);
	}
	ck_assert_ptr_null(addrtable_socket_open(&t, "10.0.0.5", 1, 0));
	/* Another address is not affected. */
	ck_assert_ptr_nonnull(addrtable_socket_open(&t, "10.0.0.9", 1, 0));
	addrtable_socket_close(&t, held[0]);
	ck_assert_ptr_eq(addrtable_socket_open(&t, "10.0.0.5", 1, 0), held[1]);
	addrtable_free(&t);
}
END_TEST

START_TEST(test_addrtable_websockets_are_capped_within_the_sockets)
{
	struct addrtable t;
	struct addr_entry *e = NULL;

	ck_assert_int_eq(addrtable_init(&t, 8, 2), 0);
	for (int i = 0; i < 3; i++)
		e = addrtable_socket_open(&t, "10.0.0.5", 1, 0);
	ck_assert(addrtable_admit(&t, e));
	ck_assert(addrtable_admit(&t, e));
	ck_assert(!addrtable_admit(&t, e));
	ck_assert(!addrtable_admit(&t, NULL));
	addrtable_release(&t, e);
	ck_assert(addrtable_admit(&t, e));
	addrtable_free(&t);
}
END_TEST

START_TEST(test_addrtable_a_full_table_reuses_the_longest_idle_address_only)
{
	struct addrtable t;
	struct addr_entry *a, *b;

	ck_assert_int_eq(addrtable_init(&t, 2, 4), 0);
	a = addrtable_socket_open(&t, "10.0.0.1", 1, 0);
	b = addrtable_socket_open(&t, "10.0.0.2", 1, 0);
	/* Both hold a socket: no room for a third address. */
	ck_assert_ptr_null(addrtable_socket_open(&t, "10.0.0.3", 1, 0));
	addrtable_socket_close(&t, a);
	ck_assert_ptr_eq(addrtable_socket_open(&t, "10.0.0.3", 1, 0), a);
	ck_assert_ptr_eq(addrtable_socket_open(&t, "10.0.0.2", 1, 0), b);
	addrtable_free(&t);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_addrtable_two_phones_in_one_64_are_two_clients_by_default,
		test_addrtable_prefix_64_makes_one_network_one_client,
		test_addrtable_ipv4_mapped_is_plain_ipv4,
		test_addrtable_not_an_address_is_kept_as_its_own_key,
		test_addrtable_socket_address_gives_the_same_key_as_its_text,
		test_addrtable_sockets_past_the_cap_are_refused_and_come_back_on_close,
		test_addrtable_websockets_are_capped_within_the_sockets,
		test_addrtable_a_full_table_reuses_the_longest_idle_address_only,
	};

	return test_run_tests("net_addrtable", tests, sizeof(tests) / sizeof(tests[0]));
}
