/*
 * console_auth.h - who is at the console: the two roles (what each may
 * do is written in the command table, console_commands.h), password
 * hashes (libsodium's Argon2id crypto_pwhash_str, checked in constant
 * time), login sessions with an expiry and a share of the session table
 * per role, and a per-address slow-down for logins.
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
#define CONSOLE_SESSIONS_OPERATOR 16	/* operator consoles logged in at once */
#define CONSOLE_SESSIONS_ARTIST	8	/* artist consoles logged in at once */
#define CONSOLE_SESSIONS	(CONSOLE_SESSIONS_OPERATOR + CONSOLE_SESSIONS_ARTIST)
#define CONSOLE_THROTTLE_ADDRS	256	/* addresses whose failures are remembered */
#define CONSOLE_LOGIN_PENDING	2	/* password checks one address may have queued or running */

enum console_role { CONSOLE_ROLE_NONE, CONSOLE_ROLE_ARTIST, CONSOLE_ROLE_OPERATOR };

const char *console_role_name(enum console_role r);
/* CONSOLE_ROLE_NONE for an unknown name. */
enum console_role console_role_from_name(const char *name);
/* How many sessions of @r may be open at once (0 for CONSOLE_ROLE_NONE). */
unsigned console_role_sessions(enum console_role r);

/* Hashes @password for a venue config (`tutti hash-password`). 0, or -1 (out of memory). */
int console_password_hash(const char *password, char out[CONSOLE_HASH_MAX]);
/* Constant-time check of @password against a stored hash. Slow on purpose. */
bool console_password_check(const char *hash, const char *password);

struct console_auth;

/* Sessions last @session_ttl_s seconds from login. */
struct console_auth *console_auth_create(double session_ttl_s);
void console_auth_destroy(struct console_auth *a);

/*
 * Whether @addr (the client's address as net_peer_address() gives it) may
 * start a password check now: 0 when it may, else the seconds to wait.
 * Three failures are free; each one after that doubles the wait, up to
 * 30 s. Checks still running count as failures until they end, so
 * parallel tries get no more than the free ones, and one address has at
 * most CONSOLE_LOGIN_PENDING checks queued or running.
 */
double console_login_wait(struct console_auth *a, const char *addr, double now);
/*
 * As console_login_wait(), and when it is 0, counts a check as started
 * for @addr: every started check must end in console_login_result(),
 * whether or not its client is still there to hear the answer.
 */
double console_login_begin(struct console_auth *a, const char *addr, double now);
/* After the check: ends one started check of @addr and records the failure, or forgets its failures on success. */
void console_login_result(struct console_auth *a, const char *addr, bool ok, double now);

/*
 * Opens a session for @role; writes its token (CONSOLE_TOKEN_CHARS + 1).
 * When @role already has console_role_sessions() live sessions, its own
 * oldest is ended: a login never ends another role's session. Returns 0,
 * or -1 for CONSOLE_ROLE_NONE.
 */
int console_session_open(struct console_auth *a, enum console_role role, double now, char *token);
/* The role of a live session, or CONSOLE_ROLE_NONE (unknown, ended or expired). Constant time per session. */
enum console_role console_session_role(struct console_auth *a, const char *token, double now);
/* When the session expires (show time), or -1 when it is not live. */
double console_session_expires(struct console_auth *a, const char *token, double now);
void console_session_close(struct console_auth *a, const char *token);

#endif
