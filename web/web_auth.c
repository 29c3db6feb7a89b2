/* web_auth — see web_auth.h; also the `loa user` subcommand. */
#include "web/web_auth.h"

#include "db/store.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/pwhash.h"
#include "base/util.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
	if (sodium_init() < 0)
		abort(); /* no usable randomness: nothing here can be safe */
}

static void ready(void)
{
	pthread_once(&sodium_once, sodium_start);
}

_Static_assert(PWHASH_MAX <= STORE_WEB_HASH_MAX, "users.pwhash buffer");

int web_auth_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n < 1 || n > 32)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return 0;
	return 1;
}

void web_auth_new_token(char out[WEB_TOKEN_LEN + 1])
{
	ready();
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, WEB_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

int web_auth_token_ok(const char *s)
{
	if (!s || strlen(s) != WEB_TOKEN_LEN)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return 0;
	return 1;
}

static void hex32(const unsigned char h[32], char out[WEB_HEX_LEN + 1])
{
	sodium_bin2hex(out, WEB_HEX_LEN + 1, h, 32);
}

void web_auth_token_hash(const char *token, char out[WEB_HEX_LEN + 1])
{
	ready();
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	hex32(h, out);
}

void web_auth_csrf(const char *token, char out[WEB_HEX_LEN + 1])
{
	ready();
	static const char what[] = "loa csrf v1";
	unsigned char h[32];
	size_t kl = strlen(token);
	if (kl > crypto_generichash_KEYBYTES_MAX)
		kl = crypto_generichash_KEYBYTES_MAX;
	crypto_generichash(h, sizeof h, (const unsigned char *)what, sizeof what - 1, (const unsigned char *)token,
			   kl);
	hex32(h, out);
}

int web_auth_csrf_ok(const char *token, const char *given)
{
	if (!web_auth_token_ok(token) || !given || strlen(given) != WEB_HEX_LEN)
		return 0;
	char want[WEB_HEX_LEN + 1];
	web_auth_csrf(token, want);
	return sodium_memcmp(want, given, WEB_HEX_LEN) == 0;
}

int64_t web_auth_limit_delay(int failures)
{
	if (failures <= 0)
		return 0;
	int64_t d = WEB_LIMIT_BASE_MS;
	for (int i = 1; i < failures && d < WEB_LIMIT_MAX_MS; i++)
		d *= 2;
	return d < WEB_LIMIT_MAX_MS ? d : WEB_LIMIT_MAX_MS;
}

int64_t web_auth_limit_wait(const struct store_web_limit *l, int64_t now_ms)
{
	return l->until_ms > now_ms ? l->until_ms - now_ms : 0;
}

int web_auth_limit_recent(const struct store_web_limit *l, int64_t now_ms)
{
	return l->failures > 0 && now_ms - l->last_ms < WEB_LIMIT_FORGET_MS;
}

int64_t web_auth_limit_fail(struct store_web_limit *l, int64_t now_ms, int free_failures)
{
	if (!web_auth_limit_recent(l, now_ms))
		l->failures = 0;
	if (l->failures < 1000)
		l->failures++;
	l->last_ms = now_ms;
	int64_t d = web_auth_limit_delay(l->failures - free_failures);
	l->until_ms = now_ms + d;
	return d;
}

int64_t web_auth_reply_delay(int64_t wait_ms)
{
	return wait_ms / 2 < WEB_LIMIT_REPLY_MAX_MS ? wait_ms / 2 : WEB_LIMIT_REPLY_MAX_MS;
}

/* The global record reuses store_web_limit: failures is the bucket's level,
 * last_ms the time up to which it has leaked (moved on in whole leak steps,
 * so no fraction is lost), until_ms the next slot while the bucket is full. */
int web_auth_global_level(struct store_web_limit *g, int64_t now_ms)
{
	if (g->failures <= 0 || now_ms <= g->last_ms) {
		if (g->failures <= 0) {
			g->failures = 0;
			g->last_ms = now_ms;
		}
		return g->failures;
	}
	int64_t steps = (now_ms - g->last_ms) / WEB_LIMIT_GLOBAL_LEAK_MS;
	if (steps >= g->failures) {
		g->failures = 0;
		g->last_ms = now_ms;
	} else {
		g->failures -= (int)steps;
		g->last_ms += steps * WEB_LIMIT_GLOBAL_LEAK_MS;
	}
	return g->failures;
}

void web_auth_global_fail(struct store_web_limit *g, int64_t now_ms)
{
	if (web_auth_global_level(g, now_ms) < WEB_LIMIT_GLOBAL_MAX)
		g->failures++;
}

int64_t web_auth_global_admit(struct store_web_limit *g, int64_t now_ms, int clean, int64_t *hold_ms)
{
	*hold_ms = 0;
	if (web_auth_global_level(g, now_ms) < WEB_LIMIT_GLOBAL_FREE)
		return 0;
	if (clean) {
		*hold_ms = WEB_LIMIT_GLOBAL_HOLD_MS;
		return 0;
	}
	if (g->until_ms > now_ms)
		return g->until_ms - now_ms;
	g->until_ms = now_ms + WEB_LIMIT_GLOBAL_SLOT_MS;
	return 0;
}

/* A hash no password matches in practice, verified for unknown users so a
 * wrong name costs the same time as a wrong password. */
static char dummy_hash[STORE_WEB_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[WEB_TOKEN_LEN + 1];
	web_auth_new_token(pw);
	if (pwhash_str(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

#define GLOBAL_KEY "g:all"

enum web_login_rc web_auth_login(struct store *st, int session_min, const char *user, const char *password,
				 const char *addr, struct web_login_result *r)
{
	memset(r, 0, sizeof *r);
	const char *a = addr ? addr : "";
	char uakey[160], akey[96];
	snprintf(uakey, sizeof uakey, "ua:%.64s|%.64s", user, a);
	snprintf(akey, sizeof akey, "a:%.64s", a);
	struct store_web_limit ual, al, gl;
	if (store_web_limit_get(st, uakey, &ual) != STORE_OK || store_web_limit_get(st, akey, &al) != STORE_OK ||
	    store_web_limit_get(st, GLOBAL_KEY, &gl) != STORE_OK)
		return WEB_LOGIN_ERR;
	int64_t now = clock_wall_ms();
	int64_t wait = web_auth_limit_wait(&ual, now), aw = web_auth_limit_wait(&al, now);
	if (aw > wait)
		wait = aw;
	int64_t hold = 0;
	if (wait == 0) {
		int clean = !web_auth_limit_recent(&al, now) && !web_auth_limit_recent(&ual, now);
		int64_t slot = gl.until_ms;
		wait = web_auth_global_admit(&gl, now, clean, &hold);
		if (wait == 0 && gl.until_ms != slot && store_web_limit_put(st, GLOBAL_KEY, &gl) != STORE_OK)
			return WEB_LOGIN_ERR;
	}
	if (wait > 0) {
		r->wait_ms = wait;
		LOG_W("web", "login of '%.64s' from %s refused: rate limit, %lld ms to wait", user, addr ? addr : "?",
		      (long long)wait);
		return WEB_LOGIN_LIMITED;
	}
	struct store_web_user u;
	int rc = web_auth_name_ok(user) ? store_web_user_get(st, user, &u) : STORE_NOTFOUND;
	if (rc == STORE_ERR)
		return WEB_LOGIN_ERR;
	int ok;
	if (rc == STORE_OK) {
		ok = pwhash_verify(u.pwhash, password);
	} else {
		pthread_once(&dummy_once, dummy_init);
		pwhash_verify(dummy_hash, password);
		ok = 0;
	}
	if (!ok) {
		/* The wait counts from the answer, not from the request: a hash
		 * check slowed by a busy box must not use up the wait. */
		now = clock_wall_ms();
		int64_t d = web_auth_limit_fail(&ual, now, 0), da = web_auth_limit_fail(&al, now, WEB_LIMIT_ADDR_FREE);
		web_auth_global_fail(&gl, now);
		r->wait_ms = d > da ? d : da;
		r->hold_ms = web_auth_reply_delay(r->wait_ms);
		if (hold > r->hold_ms)
			r->hold_ms = hold;
		if (store_web_limit_put(st, uakey, &ual) != STORE_OK || store_web_limit_put(st, akey, &al) != STORE_OK ||
		    store_web_limit_put(st, GLOBAL_KEY, &gl) != STORE_OK ||
		    store_web_limit_purge(st, now - WEB_LIMIT_FORGET_MS, now) != STORE_OK)
			return WEB_LOGIN_ERR;
		char detail[200];
		snprintf(detail, sizeof detail, "user %.64s from %.64s: failure %d (%d from the address)", user,
			 addr ? addr : "?", ual.failures, al.failures);
		if (store_event(st, "web_login_failed", 0, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK)
			return WEB_LOGIN_ERR;
		LOG_W("web", "login of '%.64s' from %s failed (%d in a row, %d from the address)", user,
		      addr ? addr : "?", ual.failures, al.failures);
		return WEB_LOGIN_BAD;
	}
	/* The pair's failures were this officer's own typos: take them back off
	 * the address, keep any other names tried from it. */
	if (web_auth_limit_recent(&ual, now) && web_auth_limit_recent(&al, now)) {
		al.failures -= ual.failures < al.failures ? ual.failures : al.failures;
		rc = al.failures > 0 ? store_web_limit_put(st, akey, &al) : store_web_limit_clear(st, akey);
		if (rc != STORE_OK)
			return WEB_LOGIN_ERR;
	}
	if (store_web_limit_clear(st, uakey) != STORE_OK)
		return WEB_LOGIN_ERR;
	r->hold_ms = hold;
	int64_t now_s = clock_wall_s();
	if (store_web_session_purge(st, now_s) != STORE_OK)
		return WEB_LOGIN_ERR;
	char hash[WEB_HEX_LEN + 1];
	web_auth_new_token(r->token);
	web_auth_token_hash(r->token, hash);
	if (store_web_session_add(st, hash, u.id, addr, now_s, now_s + (int64_t)session_min * 60) != STORE_OK ||
	    store_web_user_touch(st, u.id, now_s) != STORE_OK)
		return WEB_LOGIN_ERR;
	LOG_I("web", "user %s logged in from %s", u.name, addr ? addr : "?");
	return WEB_LOGIN_OK;
}

int web_auth_session(struct store *st, const char *token, struct store_web_session *out)
{
	if (!web_auth_token_ok(token))
		return STORE_NOTFOUND;
	char hash[WEB_HEX_LEN + 1];
	web_auth_token_hash(token, hash);
	return store_web_session_get(st, hash, clock_wall_s(), out);
}

int web_auth_logout(struct store *st, const char *token)
{
	if (!web_auth_token_ok(token))
		return STORE_NOTFOUND;
	char hash[WEB_HEX_LEN + 1];
	web_auth_token_hash(token, hash);
	return store_web_session_remove(st, hash);
}
