/* store_web — the SQL of the officers' web page: users (name and argon2id
 * hash), sessions (kept by the hash of their token, never the token),
 * failed-login records for the rate limiter, and the read queries the pages
 * need beyond store_report_*: reached deliveries over time (the progress
 * chart) and modem health with today's SMS parts and calls. */
#ifndef LOA_STORE_WEB_H
#define LOA_STORE_WEB_H
#include <stdint.h>

#include "db/store.h"

struct store;

#define STORE_WEB_NAME_MAX 64
#define STORE_WEB_HASH_MAX 128

struct store_web_user {
	int64_t id;
	char name[STORE_WEB_NAME_MAX];
	char pwhash[STORE_WEB_HASH_MAX];
	int64_t created_at, last_login_at;   /* wall seconds; 0 = never */
	int sessions;                        /* live sessions (list only) */
};
/* STORE_CONFLICT when the name is taken. */
STORE_CHECK int store_web_user_add(struct store *st, const char *name, const char *pwhash, int64_t now, int64_t *id_out);
STORE_CHECK int store_web_user_get(struct store *st, const char *name, struct store_web_user *out);
/* Removes the user and every session of theirs; STORE_NOTFOUND if none. */
STORE_CHECK int store_web_user_remove(struct store *st, const char *name);
STORE_CHECK int store_web_user_each(struct store *st, int64_t now, int (*cb)(const struct store_web_user *u, void *arg),
			void *arg);
STORE_CHECK int store_web_user_touch(struct store *st, int64_t id, int64_t now);

struct store_web_session {
	int64_t user_id;
	char user[STORE_WEB_NAME_MAX];
	int64_t expires_at;
};
STORE_CHECK int store_web_session_add(struct store *st, const char *token_hash, int64_t user_id, const char *address,
			  int64_t now, int64_t expires_at);
/* A live session (expires_at > now); STORE_NOTFOUND otherwise. */
STORE_CHECK int store_web_session_get(struct store *st, const char *token_hash, int64_t now, struct store_web_session *out);
STORE_CHECK int store_web_session_remove(struct store *st, const char *token_hash);
STORE_CHECK int store_web_session_purge(struct store *st, int64_t now);

/* The rate limiter's record for one key (the keys and their meaning are
 * web_auth's: "ua:NAME|IP", "a:IP", "g:all"). */
struct store_web_limit {
	int failures;
	int64_t last_ms;    /* wall ms of the last failure */
	int64_t until_ms;   /* no attempt is checked before this */
};
/* A missing key reads as all zeros (STORE_OK). */
STORE_CHECK int store_web_limit_get(struct store *st, const char *key, struct store_web_limit *out);
STORE_CHECK int store_web_limit_put(struct store *st, const char *key, const struct store_web_limit *l);
STORE_CHECK int store_web_limit_clear(struct store *st, const char *key);
/* Deletes every record whose last failure is before `before_ms` and whose
 * wait is over at `now_ms`. */
STORE_CHECK int store_web_limit_purge(struct store *st, int64_t before_ms, int64_t now_ms);

/* Deliveries of a notice that reached their household, with the time
 * they last changed (when they became delivered/played/confirmed), in no
 * particular order: the page buckets them by time itself, which costs less
 * than having SQLite sort 150,000 of them. */
STORE_CHECK int store_web_progress(struct store *st, int64_t notice_id,
		       int (*cb)(const char *channel, int64_t at, void *arg), void *arg);

struct store_web_modem {
	const char *name, *state, *operator_name, *last_error;
	int64_t updated_at;
	int registered, signal;   /* signal: CSQ 0..31, 99 unknown */
	int sms_parts, calls;     /* since `since` */
	int64_t paused_until;     /* wall s; a past time: not paused */
	const char *pause_reason;
	int64_t balance, balance_at; /* đồng, -1 unknown */
};
/* Every modem in modem_status, plus any that sent or called since `since`
 * without a status row. */
STORE_CHECK int store_web_modems(struct store *st, int64_t since, int (*cb)(const struct store_web_modem *m, void *arg),
		     void *arg);
/* Whole-gateway counts since `since`: SMS parts handed to modems, SMS
 * deliveries that went out, call attempts. */
STORE_CHECK int store_web_today(struct store *st, int64_t since, int *sms_parts, int *sms_msgs, int *calls);
#endif
