/*
 * check_net_tlscert.c - `tutti tls-cert`: a certificate that names the
 * console's addresses, a key only its owner can read, nothing overwritten;
 * and the start-up check that warns when console logins would cross the
 * venue network in cleartext.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "net_tlscert.h"
#include "test_util.h"

static X509 *load_cert(const char *dir)
{
	char path[128];
	FILE *f;
	X509 *cert;

	snprintf(path, sizeof(path), "%s/console.crt", dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(cert);
	return cert;
}

START_TEST(test_the_certificate_names_the_consoles_addresses_and_verifies_for_them)
{
	char dir[] = "/tmp/tutti-cert-XXXXXX", fp[TLSCERT_FINGERPRINT_CHARS], err[256], path[128];
	struct tlscert_request req = { .dir = dir, .names = { "127.0.0.1", "tutti.venue.lan", "::1" },
				       .name_count = 3, .days = 30 };
	struct stat st;
	X509 *cert;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(tlscert_make(&req, fp, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(strlen(fp), 32 * 3 - 1);
	cert = load_cert(dir);
	ck_assert_int_eq(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
	ck_assert_int_eq(X509_check_ip_asc(cert, "::1", 0), 1);
	ck_assert_int_eq(X509_check_host(cert, "tutti.venue.lan", 0, 0, NULL), 1);
	ck_assert_int_ne(X509_check_ip_asc(cert, "10.0.0.1", 0), 1);
	/* Self-signed, and the signature holds. */
	ck_assert_int_eq(X509_verify(cert, X509_get0_pubkey(cert)), 1);
	X509_free(cert);
	snprintf(path, sizeof(path), "%s/console.key", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* A second run never overwrites the venue's key. */
	ck_assert_int_eq(tlscert_make(&req, fp, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "already exists"));
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_with_no_names_the_certificate_names_this_machine)
{
	char dir[] = "/tmp/tutti-cert-XXXXXX", fp[TLSCERT_FINGERPRINT_CHARS], err[256], cmd[128];
	struct tlscert_request req = { .dir = dir, .days = 1 };
	X509 *cert;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(tlscert_make(&req, fp, err, sizeof(err)) == 0, "%s", err);
	cert = load_cert(dir);
	ck_assert_int_eq(X509_check_host(cert, "localhost", 0, 0, NULL), 1);
	ck_assert_int_eq(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
	X509_free(cert);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_a_name_that_is_neither_host_nor_address_is_refused)
{
	char dir[] = "/tmp/tutti-cert-XXXXXX", fp[TLSCERT_FINGERPRINT_CHARS], err[256] = "";
	struct tlscert_request req = { .dir = dir, .names = { "bad name/x" }, .name_count = 1, .days = 1 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(tlscert_make(&req, fp, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad name/x"));
	rmdir(dir);
}
END_TEST

START_TEST(test_cleartext_console_is_flagged_only_beyond_loopback_without_tls)
{
	ck_assert(tlscert_console_in_cleartext(true, "", "0.0.0.0"));
	ck_assert(tlscert_console_in_cleartext(true, "", "192.168.1.10"));
	ck_assert(tlscert_console_in_cleartext(true, "", "::"));
	ck_assert(!tlscert_console_in_cleartext(true, "", "127.0.0.1"));
	ck_assert(!tlscert_console_in_cleartext(true, "", "::1"));
	ck_assert(!tlscert_console_in_cleartext(true, "/etc/tutti/console.crt", "0.0.0.0"));
	ck_assert(!tlscert_console_in_cleartext(false, "", "0.0.0.0"));	/* no console logins */
}
END_TEST

TEST_MAIN("net_tlscert", test_the_certificate_names_the_consoles_addresses_and_verifies_for_them,
	  test_with_no_names_the_certificate_names_this_machine,
	  test_a_name_that_is_neither_host_nor_address_is_refused,
	  test_cleartext_console_is_flagged_only_beyond_loopback_without_tls)
