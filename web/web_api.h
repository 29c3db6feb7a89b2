/* web_api — the small JSON API on `loa web`, for programs (a province
 * system, a script) rather than officers:
 *   POST /api/notices      {"text", "to", "urgent", "dry_run"}: the same
 *                          validation and preview as `loa notice send`
 *                          (notice_plan), created unless dry_run;
 *   GET  /api/notices/ID   its report: the figures of `loa report ID`.
 * With `loa web --hub` the same two make and read hub notices
 * (web_hub.h: `to` is a gateway, a gateway group or all).
 *
 * DESIGN: each client has its own token (`loa web token add NAME` prints
 * it once; the database keeps only its BLAKE2b hash: a random 256-bit
 * token needs no slow hash), sent as "Authorization: Bearer loa_…".  No
 * cookie is read under /api/, so a browser's session cannot be ridden
 * cross-site (no CSRF token needed) and nothing answers CORS.  A request
 * without a valid token gets 401 with a JSON error and WWW-Authenticate;
 * every refused request (401, 400, 404, 405, 413, 415, 422, 503) is
 * logged with its client and address.  POST bodies are JSON only
 * (application/json, at most WEB_API_BODY_MAX).  A notice made here has
 * the source "api:NAME", so its notice_created event and the officers'
 * page say which client made it.  web.c lets /api/ requests through with
 * their raw body and Authorization header; web_page.c hands them here
 * before its session gate. */
#ifndef LOA_WEB_API_H
#define LOA_WEB_API_H
#include "web/web_page.h"

#include <stddef.h>

struct store;

#define WEB_API_BODY_MAX (16 * 1024)
#define WEB_API_TOKEN_PREFIX "loa_"
/* "loa_" + base64url of 32 random bytes */
#define WEB_API_TOKEN_LEN (4 + 43)

/* 1 if the path (or raw request target) is under /api/. */
int web_api_path(const char *path);
void web_api_handle(struct web_app *app, const struct web_request *rq, struct web_reply *rep);
/* A request refused before it reached web_api_handle (web.c: 400, 405,
 * 413, 415, 421...): a JSON error, logged. */
void web_api_refuse(struct web_reply *rep, int status, const char *method, const char *target, const char *addr);

/* A refusal (status, a stable code, the English message and the
 * Vietnamese one or NULL) as the JSON error, logged with the client
 * (NULL: none yet) and address; for web_hub.c. */
void web_api_error(struct web_reply *rep, const struct web_request *rq, const char *client, int status,
		   const char *code, const char *msg, const char *msg_vi);

/* Makes a token for client `name` (1..32 of [A-Za-z0-9._-]), stores its
 * hash and logs an api_token_added event; the token into out.  STORE_OK,
 * STORE_CONFLICT (the name has one), STORE_ERR; -1 for a bad name. */
int web_api_token_add(struct store *st, const char *name, char out[WEB_API_TOKEN_LEN + 1]);
/* Deletes the client's token and logs api_token_revoked. */
int web_api_token_revoke(struct store *st, const char *name);
/* The hash stored for a token (hex BLAKE2b). */
void web_api_token_hash(const char *token, char out[65]);
#endif
