/*
 * net_tlscert.c - a self-signed certificate for the venue LAN (OpenSSL).
 * See net_tlscert.h.
 */
#include "net_tlscert.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

size_t tlscert_local_names(char names[][64], size_t max)
{
	struct ifaddrs *ifs, *i;
	size_t n = 0;

	if (n < max && gethostname(names[n], 64) == 0 && names[n][0])
		names[n++][63] = '\0';
	if (n < max)
		snprintf(names[n++], 64, "localhost");
	if (getifaddrs(&ifs) != 0)
		return n;
	for (i = ifs; i && n < max; i = i->ifa_next) {
		const void *a;
		int family;

		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP))
			continue;
		family = i->ifa_addr->sa_family;
		if (family == AF_INET)
			a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		else if (family == AF_INET6)
			a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		else
			continue;
		/* Link-local IPv6 needs a zone in a URL: no browser opens it, so it is left out. */
		if (family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)a))
			continue;
		inet_ntop(family, a, names[n], 64);
		n++;
	}
	freeifaddrs(ifs);
	return n;
}

/* "IP:a.b.c.d" for an address, "DNS:name" for anything else. */
static int san_entry(const char *name, char *out, size_t cap)
{
	unsigned char buf[16];
	bool ip = inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;

	if (!ip && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*") != strlen(name))
		return -1;
	return snprintf(out, cap, "%s:%s", ip ? "IP" : "DNS", name) < (int)cap ? 0 : -1;
}

static int add_names(X509 *cert, const struct tlscert_request *req, char *err, size_t err_size)
{
	char local[TLSCERT_NAMES_MAX][64], san[4096] = "", entry[80];
	const char *names[TLSCERT_NAMES_MAX];
	size_t n = req->name_count;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	for (size_t i = 0; i < n; i++)
		names[i] = req->names[i];
	if (n == 0) {
		n = tlscert_local_names(local, TLSCERT_NAMES_MAX);
		for (size_t i = 0; i < n; i++)
			names[i] = local[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (san_entry(names[i], entry, sizeof(entry)) != 0) {
			snprintf(err, err_size, "'%s' is neither an IP address nor a host name", names[i]);
			return -1;
		}
		if (strlen(san) + strlen(entry) + 2 >= sizeof(san))
			break;
		if (san[0])
			strcat(san, ",");
		strcat(san, entry);
	}
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
	if (!ext || !X509_add_ext(cert, ext, -1)) {
		X509_EXTENSION_free(ext);
		snprintf(err, err_size, "cannot name %s in the certificate", san);
		return -1;
	}
	X509_EXTENSION_free(ext);
	/* The common name is for people reading the certificate; browsers go by the names above. */
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "O", MBSTRING_ASC,
				   (const unsigned char *)"Tutti venue console", -1, -1, 0);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
				   (const unsigned char *)names[0], -1, -1, 0);
	return 0;
}

/* Opens @path for writing, never over an existing file; @mode for a new one. */
static FILE *create_new(const char *path, mode_t mode, char *err, size_t err_size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	FILE *f;

	if (fd < 0) {
		snprintf(err, err_size, errno == EEXIST ? "%s already exists: remove it first, or choose another folder" :
			 "cannot create %s: %s", path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

static void fingerprint_of(X509 *cert, char out[TLSCERT_FINGERPRINT_CHARS])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (!X509_digest(cert, EVP_sha256(), md, &len))
		return;
	for (unsigned int i = 0; i < len && 3 * i + 3 <= TLSCERT_FINGERPRINT_CHARS; i++)
		snprintf(out + 3 * i, 4, i + 1 < len ? "%02X:" : "%02X", md[i]);
}

int tlscert_make(const struct tlscert_request *req, char fingerprint[TLSCERT_FINGERPRINT_CHARS],
		 char *err, size_t err_size)
{
	char crt_path[600], key_path[600];
	unsigned char serial[16];
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	BIGNUM *bn = NULL;
	FILE *f = NULL;
	int status = -1;

	snprintf(crt_path, sizeof(crt_path), "%s/console.crt", req->dir);
	snprintf(key_path, sizeof(key_path), "%s/console.key", req->dir);
	if (!key || !cert || RAND_bytes(serial, sizeof(serial)) != 1) {
		snprintf(err, err_size, "cannot make a key (OpenSSL)");
		goto out;
	}
	serial[0] &= 0x7f;	/* a positive serial number */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	X509_set_version(cert, 2);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);	/* a venue clock a little behind still accepts it */
	X509_gmtime_adj(X509_getm_notAfter(cert), (long)req->days * 86400);
	X509_set_pubkey(cert, key);
	if (add_names(cert, req, err, err_size) != 0)
		goto out;
	X509_set_issuer_name(cert, X509_get_subject_name(cert));
	if (!X509_sign(cert, key, EVP_sha256())) {
		snprintf(err, err_size, "cannot sign the certificate (OpenSSL)");
		goto out;
	}
	f = create_new(key_path, 0600, err, err_size);
	if (!f)
		goto out;
	if (!PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) || fclose(f) != 0) {
		f = NULL;
		snprintf(err, err_size, "cannot write %s", key_path);
		goto out;
	}
	f = create_new(crt_path, 0644, err, err_size);
	if (!f) {
		unlink(key_path);	/* no key without its certificate */
		goto out;
	}
	if (!PEM_write_X509(f, cert) || fclose(f) != 0) {
		f = NULL;
		snprintf(err, err_size, "cannot write %s", crt_path);
		goto out;
	}
	f = NULL;
	fingerprint_of(cert, fingerprint);
	status = 0;
out:
	if (f)
		fclose(f);
	BN_free(bn);
	X509_free(cert);
	EVP_PKEY_free(key);
	return status;
}

bool tlscert_console_in_cleartext(bool console_enabled, const char *tls_cert, const char *listen_address)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!console_enabled || (tls_cert && tls_cert[0]))
		return false;
	if (inet_pton(AF_INET, listen_address, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) != 127;
	if (inet_pton(AF_INET6, listen_address, &a6) == 1)
		return !IN6_IS_ADDR_LOOPBACK(&a6);
	return true;
}
