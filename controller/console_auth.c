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
#define WAIT_BUSY_S	1.0	/* this address's checks are still running */

/* Each role: its name, and its share of the session table. */
static const struct role_rule {
	const char *name;
	unsigned sessions;
} role_rules[] = {
	[CONSOLE_ROLE_NONE] = { "none", 0 },
	[CONSOLE_ROLE_ARTIST] = { "artist", CONSOLE_SESSIONS_ARTIST },
	[CONSOLE_ROLE_OPERATOR] = { "operator", CONSOLE_SESSIONS_OPERATOR },
};

struct session {
	char token[CONSOLE_TOKEN_CHARS + 1];
	enum console_role role;
	double opened, expires;
};

struct throttle {
	char addr[64];
	uint32_t failures;
	uint32_t pending;		/* checks started and not yet ended */
	double next_try, last_seen;
};

struct console_auth {
	double ttl;
	struct session sessions[CONSOLE_SESSIONS];
	struct throttle throttles[CONSOLE_THROTTLE_ADDRS];
};

static const struct role_rule *role_rule(enum console_role r)
{
	return (unsigned)r < sizeof(role_rules) / sizeof(role_rules[0]) ? &role_rules[r] :
								     &role_rules[CONSOLE_ROLE_NONE];
}

const char *console_role_name(enum console_role r)
{
	return role_rule(r)->name;
}

unsigned console_role_sessions(enum console_role r)
{
	return role_rule(r)->sessions;
}

enum console_role console_role_from_name(const char *name)
{
	for (size_t r = CONSOLE_ROLE_NONE + 1; name && r < sizeof(role_rules) / sizeof(role_rules[0]); r++)
		if (strcmp(name, role_rules[r].name) == 0)
			return (enum console_role)r;
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
	struct throttle *room = NULL;

	for (int i = 0; i < CONSOLE_THROTTLE_ADDRS; i++) {
		struct throttle *t = &a->throttles[i];

		if (t->addr[0] && strcmp(t->addr, addr) == 0)
			return t;
		if (t->pending)
			continue;	/* its checks still have to end here */
		if (!room || t->last_seen < room->last_seen)
			room = t;
	}
	if (!create || !room)
		return NULL;
	/* A full table forgets the address seen longest ago, never the one being slowed now. */
	memset(room, 0, sizeof(*room));
	snprintf(room->addr, sizeof(room->addr), "%s", addr);
	room->last_seen = now;
	return room;
}

/* A check still running is counted as a failure: parallel tries get the free ones, no more. */
static double throttle_wait(const struct throttle *t, double now)
{
	if (!t)
		return 0;
	if (t->next_try > now)
		return t->next_try - now;
	if (t->pending >= CONSOLE_LOGIN_PENDING || (t->pending && t->failures + t->pending >= FREE_FAILURES))
		return WAIT_BUSY_S;
	return 0;
}

double console_login_wait(struct console_auth *a, const char *addr, double now)
{
	return throttle_wait(throttle_find(a, addr, false, now), now);
}

double console_login_begin(struct console_auth *a, const char *addr, double now)
{
	struct throttle *t = throttle_find(a, addr, true, now);
	double wait;

	if (!t)
		return WAIT_BUSY_S;	/* every remembered address has a check running */
	wait = throttle_wait(t, now);
	if (wait > 0)
		return wait;
	t->pending++;
	t->last_seen = now;
	return 0;
}

void console_login_result(struct console_auth *a, const char *addr, bool ok, double now)
{
	struct throttle *t = throttle_find(a, addr, !ok, now);
	double wait;

	if (!t)
		return;
	if (t->pending)
		t->pending--;
	if (ok) {
		t->failures = 0;
		t->next_try = 0;
		if (!t->pending)
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

/*
 * Where a new session of @role goes: a free or expired slot while the
 * role is under its share, else the role's own oldest session. The shares
 * add up to the table, so a role under its share always finds a free slot.
 */
static struct session *session_slot(struct console_auth *a, enum console_role role, double now)
{
	struct session *free_slot = NULL, *oldest_own = NULL;
	unsigned own = 0;

	for (int i = 0; i < CONSOLE_SESSIONS; i++) {
		struct session *s = &a->sessions[i];

		if (s->role == CONSOLE_ROLE_NONE || s->expires <= now) {
			if (!free_slot)
				free_slot = s;
		} else if (s->role == role) {
			own++;
			if (!oldest_own || s->opened < oldest_own->opened)
				oldest_own = s;
		}
	}
	return own < console_role_sessions(role) && free_slot ? free_slot : oldest_own;
}

int console_session_open(struct console_auth *a, enum console_role role, double now, char *token)
{
	struct session *slot;
	unsigned char raw[CONSOLE_TOKEN_CHARS / 2];

	if (console_role_sessions(role) == 0 || !(slot = session_slot(a, role, now)))
		return -1;
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
