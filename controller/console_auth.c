/*
 * console_auth.c - console roles, passwords, sessions, login slow-down.
 * See console_auth.h.
 */
#include "console_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FREE_FAILURES	3	/* failed logins before any wait */
#define WAIT_FIRST_S	1.0
#define WAIT_MAX_S	30.0

static const char *const role_names[] = { "none", "artist", "operator" };

struct session {
	char token[CONSOLE_TOKEN_CHARS + 1];
	enum console_role role;
	double opened, expires;
};

struct throttle {
	char addr[64];
	uint32_t failures;
	double next_try, last_seen;
};

struct console_auth {
	double ttl;
	struct session sessions[CONSOLE_SESSIONS];
	struct throttle throttles[CONSOLE_THROTTLE_ADDRS];
};

const char *console_role_name(enum console_role r)
{
	return (unsigned)r <= CONSOLE_ROLE_OPERATOR ? role_names[r] : "none";
}

enum console_role console_role_from_name(const char *name)
{
	if (name && strcmp(name, "artist") == 0)
		return CONSOLE_ROLE_ARTIST;
	if (name && strcmp(name, "operator") == 0)
		return CONSOLE_ROLE_OPERATOR;
	return CONSOLE_ROLE_NONE;
}

/* ---- passwords ---- */

static bool sodium_ready(void)
{
	return sodium_init() >= 0;	/* idempotent; < 0 only when no entropy source */
}

int console_password_hash(const char *password, char out[CONSOLE_HASH_MAX])
{
	if (!sodium_ready())
		return -1;
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

bool console_password_check(const char *hash, const char *password)
{
	if (!sodium_ready() || !hash || !hash[0] || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---- login slow-down ---- */

struct console_auth *console_auth_create(double session_ttl_s)
{
	struct console_auth *a;

	if (!sodium_ready())
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a)
		a->ttl = session_ttl_s > 0 ? session_ttl_s : 8 * 3600;
	return a;
}

void console_auth_destroy(struct console_auth *a)
{
	if (a)
		sodium_memzero(a, sizeof(*a));
	free(a);
}

static struct throttle *throttle_find(struct console_auth *a, const char *addr, bool create, double now)
{
	struct throttle *oldest = &a->throttles[0];

	for (int i = 0; i < CONSOLE_THROTTLE_ADDRS; i++) {
		struct throttle *t = &a->throttles[i];

		if (t->addr[0] && strcmp(t->addr, addr) == 0)
			return t;
		if (t->last_seen < oldest->last_seen)
			oldest = t;
	}
	if (!create)
		return NULL;
	/* A full table forgets the address seen longest ago, never the one being slowed now. */
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->addr, sizeof(oldest->addr), "%s", addr);
	oldest->last_seen = now;
	return oldest;
}

double console_login_wait(struct console_auth *a, const char *addr, double now)
{
	struct throttle *t = throttle_find(a, addr, false, now);

	return t && t->next_try > now ? t->next_try - now : 0;
}

void console_login_result(struct console_auth *a, const char *addr, bool ok, double now)
{
	struct throttle *t = throttle_find(a, addr, !ok, now);
	double wait;

	if (!t)
		return;
	if (ok) {
		memset(t, 0, sizeof(*t));
		return;
	}
	t->failures++;
	t->last_seen = now;
	if (t->failures > FREE_FAILURES) {
		uint32_t doublings = t->failures - FREE_FAILURES - 1;

		wait = doublings >= 5 ? WAIT_MAX_S : WAIT_FIRST_S * (double)(1u << doublings);
		t->next_try = now + (wait > WAIT_MAX_S ? WAIT_MAX_S : wait);
	}
}

/* ---- sessions ---- */

int console_session_open(struct console_auth *a, enum console_role role, double now, char *token)
{
	struct session *slot = &a->sessions[0];
	unsigned char raw[CONSOLE_TOKEN_CHARS / 2];

	if (role == CONSOLE_ROLE_NONE)
		return -1;
	for (int i = 0; i < CONSOLE_SESSIONS; i++) {
		struct session *s = &a->sessions[i];

		if (s->role == CONSOLE_ROLE_NONE || s->expires <= now) {
			slot = s;
			break;
		}
		if (s->opened < slot->opened)
			slot = s;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(slot->token, sizeof(slot->token), raw, sizeof(raw));
	slot->role = role;
	slot->opened = now;
	slot->expires = now + a->ttl;
	memcpy(token, slot->token, sizeof(slot->token));
	return 0;
}

static struct session *session_find(struct console_auth *a, const char *token)
{
	struct session *found = NULL;

	if (!token || strlen(token) != CONSOLE_TOKEN_CHARS)
		return NULL;
	/* Every slot is compared, in constant time: timing says nothing about which tokens exist. */
	for (int i = 0; i < CONSOLE_SESSIONS; i++) {
		struct session *s = &a->sessions[i];

		if (sodium_memcmp(s->token, token, CONSOLE_TOKEN_CHARS) == 0 && s->role != CONSOLE_ROLE_NONE)
			found = s;
	}
	return found;
}

enum console_role console_session_role(struct console_auth *a, const char *token, double now)
{
	struct session *s = session_find(a, token);

	return s && s->expires > now ? s->role : CONSOLE_ROLE_NONE;
}

double console_session_expires(struct console_auth *a, const char *token, double now)
{
	struct session *s = session_find(a, token);

	return s && s->expires > now ? s->expires : -1;
}

void console_session_close(struct console_auth *a, const char *token)
{
	struct session *s = session_find(a, token);

	if (s)
		sodium_memzero(s, sizeof(*s));
}
