/*
 * config_cluster.c - the link between a core and its edges over NATS
 * (docs/scale.md): where the NATS servers are, the subjects' prefix, the
 * credentials and TLS between machines, and how long the core waits for a
 * silent edge. See docs/config.md, "cluster".
 *
 * Thread: whichever thread loads the config.
 */
#include "config_sections.h"

#include <stdio.h>
#include <string.h>

/* nats://, tls:// or a bare host:port; several separated by commas (a NATS cluster). */
static enum reader_got url_read(struct config_reader *r, struct reader_object *o, const struct reader_key *k)
{
	const char *url = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);

	if (got != GOT_OK || strncmp(url, "nats://", 7) == 0 || strncmp(url, "tls://", 6) == 0)
		return got;
	return reader_key_fail(r, o, k, "expected nats://HOST:PORT or tls://HOST:PORT, got \"%.60s\"", url);
}

/* A subject prefix: tokens of letters, digits, - and _, separated by dots (no wildcards). */
static enum reader_got subject_read(struct config_reader *r, struct reader_object *o, const struct reader_key *k)
{
	const char *s = reader_field(o, k);
	enum reader_got got = reader_key_read(r, o, k);
	bool token_empty = true;

	if (got != GOT_OK)
		return got;
	for (const char *c = s;; c++) {
		if (*c == '.' || !*c) {
			if (token_empty)
				break;
			if (!*c)
				return got;
			token_empty = true;
		} else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			   *c == '-' || *c == '_') {
			token_empty = false;
		} else {
			break;
		}
	}
	return reader_key_fail(r, o, k, "a subject prefix is words of letters, digits, - and _ joined by dots, "
			       "got \"%.60s\"", s);
}

static void cluster_finish(struct config_reader *r, struct reader_object *o)
{
	const struct config_cluster *c = o->base;
	char ptr[READER_PTR_MAX];

	if (c->token[0] && (c->user[0] || c->password[0])) {
		snprintf(ptr, sizeof(ptr), "%s/token", o->ptr);
		reader_fail(r, ptr, "a token or a user and password, not both");
	}
	if (c->password[0] && !c->user[0]) {
		snprintf(ptr, sizeof(ptr), "%s/password", o->ptr);
		reader_fail(r, ptr, "a password needs a \"user\"");
	}
	if (!c->cert_file[0] != !c->key_file[0]) {
		snprintf(ptr, sizeof(ptr), "%s/%s", o->ptr, c->cert_file[0] ? "key_file" : "cert_file");
		reader_fail(r, ptr, "a client certificate needs both \"cert_file\" and \"key_file\"");
	}
}

static const struct reader_key cluster_keys[] = {
	KEY_TEXT("url", false, struct config_cluster, url, 0, "", url_read,
		 "The NATS servers an edge joins when `--cluster` does not name them."),
	KEY_TEXT("subject", false, struct config_cluster, subject, 1, "tutti", subject_read,
		 "The prefix of this show's NATS subjects."),
	KEY_TEXT("user", false, struct config_cluster, user, 0, "", NULL, "NATS user name."),
	KEY_TEXT("password", false, struct config_cluster, password, 0, "", NULL, "Its password."),
	KEY_TEXT("token", false, struct config_cluster, token, 0, "", NULL, "A NATS token instead of a user."),
	KEY_TEXT("ca_file", false, struct config_cluster, ca_file, 0, "", config_file_read,
		 "TLS to the NATS servers, checked against this CA (PEM)."),
	KEY_TEXT("cert_file", false, struct config_cluster, cert_file, 0, "", config_file_read,
		 "A client certificate (PEM), when the servers ask for one."),
	KEY_TEXT("key_file", false, struct config_cluster, key_file, 0, "", config_file_read, "Its private key (PEM)."),
	/* 5 s: past a NATS server's failover (2-3 s) and a busy edge's stall; phones that come back take over at once. */
	KEY_NUMBER("edge_timeout_s", false, struct config_cluster, edge_timeout_s, 0.5, 60, 5, NULL,
		   "The core lets an edge's phones go after this long without a word from it."),
};
const struct reader_section config_cluster_section = READER_SECTION("/cluster", cluster_keys, cluster_finish);
