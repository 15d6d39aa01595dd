/*
 * console_auth.h - who is at the console: the two roles (what each may
 * do is written in the command table, console_commands.h), password
 * hashes (libsodium's Argon2id crypto_pwhash_str, checked in constant
 * time), login sessions with an expiry, and a per-address slow-down for
 * failed logins.
 *
 * Thread: the net thread owns a console_auth. console_password_check()
 * is deliberately slow (tens of milliseconds, by design of the hash):
 * call it from a worker, never the tick.
 */
#ifndef TUTTI_CONSOLE_AUTH_H
#define TUTTI_CONSOLE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_HASH_MAX	128	/* crypto_pwhash_STRBYTES */
#define CONSOLE_TOKEN_CHARS	64	/* session token: 32 random bytes in hex */
#define CONSOLE_SESSIONS	32	/* consoles logged in at once */
#define CONSOLE_THROTTLE_ADDRS	256	/* addresses whose failures are remembered */

enum console_role { CONSOLE_ROLE_NONE, CONSOLE_ROLE_ARTIST, CONSOLE_ROLE_OPERATOR };

const char *console_role_name(enum console_role r);
/* CONSOLE_ROLE_NONE for an unknown name. */
enum console_role console_role_from_name(const char *name);

/* Hashes @password for a venue config (`tutti hash-password`). 0, or -1 (out of memory). */
int console_password_hash(const char *password, char out[CONSOLE_HASH_MAX]);
/* Constant-time check of @password against a stored hash. Slow on purpose. */
bool console_password_check(const char *hash, const char *password);

struct console_auth;

/* Sessions last @session_ttl_s seconds from login. */
struct console_auth *console_auth_create(double session_ttl_s);
void console_auth_destroy(struct console_auth *a);

/*
 * Before checking a password from @addr (any stable key for the client's
 * address): 0 when a try is allowed now, else the seconds to wait. Three
 * failures are free; each one after that doubles the wait, up to 30 s.
 */
double console_login_wait(struct console_auth *a, const char *addr, double now);
/* After the check: records the failure, or forgets @addr's failures on success. */
void console_login_result(struct console_auth *a, const char *addr, bool ok, double now);

/*
 * Opens a session for @role; writes its token (CONSOLE_TOKEN_CHARS + 1).
 * When all sessions are taken, the oldest is ended. Returns 0 or -1.
 */
int console_session_open(struct console_auth *a, enum console_role role, double now, char *token);
/* The role of a live session, or CONSOLE_ROLE_NONE (unknown, ended or expired). Constant time per session. */
enum console_role console_session_role(struct console_auth *a, const char *token, double now);
/* When the session expires (show time), or -1 when it is not live. */
double console_session_expires(struct console_auth *a, const char *token, double now);
void console_session_close(struct console_auth *a, const char *token);

#endif
