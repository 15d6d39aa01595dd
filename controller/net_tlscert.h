/*
 * net_tlscert.h - `tutti tls-cert`: a self-signed certificate for the venue
 * LAN in one step, so the console's password and session cookie never cross
 * the venue Wi-Fi in cleartext (docs/operations.md, "TLS for the console").
 *
 * The certificate (ECDSA P-256, SHA-256) names every address and host name
 * the console may be opened at: those given, else this machine's host name,
 * localhost and every address of its network interfaces. Browsers warn once
 * for a self-signed certificate; the operator checks the SHA-256 fingerprint
 * this prints against the one the browser shows, then trusts it.
 *
 * Thread: main, before the show.
 */
#ifndef TUTTI_NET_TLSCERT_H
#define TUTTI_NET_TLSCERT_H

#include <stdbool.h>
#include <stddef.h>

#define TLSCERT_NAMES_MAX 32
#define TLSCERT_FINGERPRINT_CHARS 96	/* "AB:CD:..." for 32 bytes, and the NUL */

struct tlscert_request {
	const char *dir;			/* writes DIR/console.crt and DIR/console.key */
	const char *names[TLSCERT_NAMES_MAX];	/* IP addresses or DNS names; none = this machine's */
	size_t name_count;
	int days;				/* valid for this many days from now */
};

/*
 * Makes the key and the certificate. Refuses to overwrite either file. The
 * key is written readable by its owner only. Returns 0 and the certificate's
 * SHA-256 fingerprint in @fingerprint, or -1 with a message in @err.
 */
int tlscert_make(const struct tlscert_request *req, char fingerprint[TLSCERT_FINGERPRINT_CHARS],
		 char *err, size_t err_size);

/* This machine's names for a certificate (host name, localhost, interface addresses). Returns the count. */
size_t tlscert_local_names(char names[][64], size_t max);

/*
 * True when console logins would cross the network in cleartext: the venue
 * has console passwords, no TLS, and the daemon listens on @listen_address
 * beyond this machine (anything but a loopback address).
 */
bool tlscert_console_in_cleartext(bool console_enabled, const char *tls_cert, const char *listen_address);

#endif
