/* web_auth — who may see the officers' page: password hashes (base/pwhash:
 * argon2id, shared with senders' PINs), session tokens, CSRF tokens, the failed-login
 * rate limiter, and the `loa user` subcommand.
 *
 * DESIGN:
 * - A session token is 32 random bytes (base64url, 43 characters) sent only
 *   in an HttpOnly; SameSite=Strict cookie.  The database keeps its BLAKE2b
 *   hash, so a copy of loa.db does not log anyone in.
 * - The CSRF token is derived from the session token (keyed BLAKE2b), so it
 *   needs no storage, differs per session and cannot be computed from the
 *   database.  The login form, which has no session yet, uses the same
 *   derivation on a separate pre-login cookie (double submit).
 * - Rate limit: a failed login must slow the one who fails, not
 *   the officer whose name they type.  Three kinds of record, keyed in
 *   login_failures by text:
 *     "ua:USER|ADDR"  failures of one name from one address: after n the
 *                     pair waits 2 s * 2^(n-1) (capped at 15 min) before
 *                     another attempt is even checked (429 meanwhile);
 *     "a:ADDR"        every failure from one address, whatever the name
 *                     (password spraying): the first WEB_LIMIT_ADDR_FREE
 *                     cost nothing here, then the same doubling;
 *     "g:all"         every failure from anywhere, as a leaky bucket
 *                     (WEB_LIMIT_GLOBAL_FREE failures, one leaking away per
 *                     WEB_LIMIT_GLOBAL_LEAK_MS).  While it is full the page
 *                     is under a guessing attack from many addresses:
 *                     addresses that failed in the last hour are checked
 *                     one at a time, one per WEB_LIMIT_GLOBAL_SLOT_MS for
 *                     the whole page (429 until the next slot), and an
 *                     address that has not failed is always checked but
 *                     its answer is held WEB_LIMIT_GLOBAL_HOLD_MS.  So a
 *                     correct password from a clean address is slowed,
 *                     never refused, however many addresses attack.
 *   No name is ever limited on its own, so failures from one address never
 *   keep an officer out at another.  The answer to a failed attempt is also
 *   held by half the new wait (at most 4 s), so a wrong password is visibly
 *   slow and even a patient client that waits for each answer meets the
 *   limit.  Records live in the database so a restart does not reset them;
 *   a record is forgotten an hour after its last failure (and deleted then).
 *   A successful login clears its "ua:" record and takes that pair's
 *   failures back off the address: an officer's own typos, now vindicated,
 *   while names sprayed from the same address stay counted.
 *   Unknown users are checked against a dummy hash, so timing does not tell
 *   which names exist. */
#ifndef LOA_WEB_AUTH_H
#define LOA_WEB_AUTH_H
#include "db/store_web.h"

#include <stddef.h>
#include <stdint.h>

#define WEB_TOKEN_LEN 43          /* base64url of 32 bytes, no padding */
#define WEB_HEX_LEN 64            /* hex of a 32-byte hash */
#define WEB_LIMIT_BASE_MS 2000
#define WEB_LIMIT_MAX_MS (15 * 60 * 1000)
#define WEB_LIMIT_FORGET_MS (60 * 60 * 1000)
#define WEB_LIMIT_REPLY_MAX_MS 4000
#define WEB_LIMIT_ADDR_FREE 3             /* failures per address before it waits */
#define WEB_LIMIT_GLOBAL_FREE 20          /* the bucket: failures from everywhere */
#define WEB_LIMIT_GLOBAL_LEAK_MS 60000    /* ... one leaks away per minute */
#define WEB_LIMIT_GLOBAL_MAX 60           /* fullest level: drains in an hour */
#define WEB_LIMIT_GLOBAL_SLOT_MS 10000    /* while full: one failed address per slot */
#define WEB_LIMIT_GLOBAL_HOLD_MS 3000     /* while full: a clean address waits this */
#define WEB_PASSWORD_MIN 8
#define WEB_PASSWORD_MAX 256

/* 1 if name is 1..32 of [A-Za-z0-9._-]. */
int web_auth_name_ok(const char *name);

void web_auth_new_token(char out[WEB_TOKEN_LEN + 1]);
/* 1 if s looks like a token (length and alphabet). */
int web_auth_token_ok(const char *s);
void web_auth_token_hash(const char *token, char out[WEB_HEX_LEN + 1]);
void web_auth_csrf(const char *token, char out[WEB_HEX_LEN + 1]);
/* 1 if given is the CSRF token of `token` (constant time). */
int web_auth_csrf_ok(const char *token, const char *given);

/* The limiter's pure rules (times in wall ms). */
int64_t web_auth_limit_delay(int failures);
/* How long this key must still wait before an attempt is checked; 0 = now. */
int64_t web_auth_limit_wait(const struct store_web_limit *l, int64_t now_ms);
/* Records a failure; the first `free_failures` of a run cost no wait.
 * Returns the new wait. */
int64_t web_auth_limit_fail(struct store_web_limit *l, int64_t now_ms, int free_failures);
/* 1 if the record holds a failure from the last WEB_LIMIT_FORGET_MS. */
int web_auth_limit_recent(const struct store_web_limit *l, int64_t now_ms);
/* How long to hold the answer to a failed attempt that must now wait. */
int64_t web_auth_reply_delay(int64_t wait_ms);
/* The global bucket: its level after leaking until now (updates g). */
int web_auth_global_level(struct store_web_limit *g, int64_t now_ms);
/* Records a failure in the global bucket. */
void web_auth_global_fail(struct store_web_limit *g, int64_t now_ms);
/* Admits an attempt through the global cap: 0 and *hold_ms (how long to
 * hold its answer) when it may be checked now, else the wait before the
 * next slot.  `clean`: the address has no recent failure.  May update g. */
int64_t web_auth_global_admit(struct store_web_limit *g, int64_t now_ms, int clean, int64_t *hold_ms);

enum web_login_rc { WEB_LOGIN_OK = 0, WEB_LOGIN_BAD, WEB_LOGIN_LIMITED, WEB_LOGIN_ERR };
struct web_login_result {
	char token[WEB_TOKEN_LEN + 1];   /* WEB_LOGIN_OK: the new session */
	int64_t wait_ms;                 /* BAD: the new wait; LIMITED: Retry-After */
	int64_t hold_ms;                 /* OK, BAD: hold the answer this long */
};
/* Checks limits, then the password; on success opens a session of
 * session_min minutes.  Times from the clock module. */
enum web_login_rc web_auth_login(struct store *st, int session_min, const char *user, const char *password,
				 const char *addr, struct web_login_result *r);
/* The live session of a cookie token: STORE_OK, STORE_NOTFOUND. */
int web_auth_session(struct store *st, const char *token, struct store_web_session *out);
int web_auth_logout(struct store *st, const char *token);
#endif
