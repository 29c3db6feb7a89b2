/* store_api — the SQL of the JSON API's clients (migration 17): one token
 * per named client, kept only as the hash of the token (web/web_api.c
 * hashes it), with when it was made and last used. */
#ifndef LOA_STORE_API_H
#define LOA_STORE_API_H
#include "db/store.h"

#include <stdint.h>

#define STORE_API_NAME_MAX 64

struct store_api_client {
	int64_t id;
	char name[STORE_API_NAME_MAX];
	int64_t created_at, last_used_at;   /* wall seconds; last_used_at 0 = never */
	int64_t uses;
};
/* STORE_CONFLICT when the name is taken (err says so). */
STORE_CHECK int store_api_token_add(struct store *st, const char *name, const char *token_hash, int64_t now);
/* The client of a token hash: STORE_OK, STORE_NOTFOUND. */
STORE_CHECK int store_api_token_find(struct store *st, const char *token_hash, struct store_api_client *out);
/* Counts one use of client `id` at `now`. */
STORE_CHECK int store_api_token_touch(struct store *st, int64_t id, int64_t now);
/* Deletes the client's token: STORE_NOTFOUND when there is none. */
STORE_CHECK int store_api_token_revoke(struct store *st, const char *name);
/* Every client, by name; a non-zero cb return stops the walk and is returned. */
STORE_CHECK int store_api_token_each(struct store *st, int (*cb)(const struct store_api_client *c, void *arg),
				     void *arg);
#endif
