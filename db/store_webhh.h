/* store_webhh — the SQL behind the web pages that keep households and
 * groups: the household list with its search and filters (one page of a
 * sorted result and the total, fast at 100,000 households), a household
 * whatever its state, deactivating and reactivating, the other households
 * that share a phone, and every group with its display name and count. */
#ifndef LOA_STORE_WEBHH_H
#define LOA_STORE_WEBHH_H
#include <stdint.h>

#include "db/store.h"

enum store_hh_state { STORE_HH_ACTIVE = 0, STORE_HH_INACTIVE, STORE_HH_ANY };

struct store_hh_query {
	/* As the officer typed it: a phone number in any form or a part of
	 * one ("0912 345 678", "+84 912...", "345678"), else words of a name,
	 * each of which must appear, case and accents optional ("nguyen an"
	 * finds "Nguyễn Văn An").  NULL or blank: every household. */
	const char *text;
	const char *group;      /* a group code, or NULL: any */
	int opted_out;          /* 1: only households that opted out */
	int state;              /* enum store_hh_state */
	int channel;            /* 0: any; CH_SMS, CH_VOICE or CH_BOTH exactly */
	int offset, limit;      /* the page: rows [offset, offset + limit) */
};
/* Calls cb for the page of households the query finds, by name (accents
 * ignored, numbers as numbers: loa_sortkey, as the visit list) then id; *total = how many it finds in all.  A non-zero return
 * from cb stops the walk and is returned. */
STORE_CHECK int store_hh_find(struct store *st, const struct store_hh_query *q,
			      int (*cb)(const struct household *h, int active, void *arg), void *arg, int *total);
/* A household, active or not (*active says which); STORE_NOTFOUND. */
STORE_CHECK int store_hh_get(struct store *st, int64_t id, struct household *out, int *active);
/* Deactivates (0) or reactivates (1) a household; STORE_NOTFOUND when it
 * does not exist or is already so. */
STORE_CHECK int store_hh_set_active(struct store *st, int64_t id, int active, int64_t now);
/* The other active households (not `except`) with `e164` as their first
 * or second phone, by id. */
STORE_CHECK int store_hh_phone_others(struct store *st, const char *e164, int64_t except,
				      int (*cb)(int64_t id, const char *name, void *arg), void *arg);
/* Every group (with a member or not), by display name or code (as the
 * visit list orders them): its code,
 * display name ("" none) and, with `counts`, its number of active
 * households (a pass over the memberships: 0 without `counts`). */
struct store_group_row {
	const char *code, *name;
	int households;
};
STORE_CHECK int store_hh_group_each(struct store *st, int counts,
				    int (*cb)(const struct store_group_row *g, void *arg), void *arg);
#endif
