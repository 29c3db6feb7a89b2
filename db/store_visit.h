/* store_visit — the visit channel: an officer told a household in person
 * ("đã báo tận nhà"), recorded as a delivery of the notice on channel
 * `visit` in state `informed` (db/channel.c), so every count that says
 * "reached" (CHANNEL_REACHED_SQL) counts it, the resend leaves the
 * household alone, and nothing ever queues or sends it.  Also the visit
 * list itself: the households of a notice that no SMS or call reached,
 * in walking order (hamlet, then name), with what was tried.
 *
 * A visit is only for a household the notice targeted (it has a delivery
 * of that notice) and only while the notice is active.  Marking again
 * changes the note; undoing a wrong click removes the row.  Each of these
 * appends an event (`visited`, `visit_undone`) saying who and the note. */
#ifndef LOA_STORE_VISIT_H
#define LOA_STORE_VISIT_H
#include "db/store.h"

#include <stdint.h>

/* The longest note an officer may write, in characters. */
#define VISIT_NOTE_MAX 200

/* Why a mark or an undo was refused (STORE_NOTFOUND or STORE_CONFLICT),
 * so that callers can say it in their own language. */
enum visit_why {
	VISIT_OK = 0,
	VISIT_NO_NOTICE,      /* STORE_NOTFOUND: no such notice */
	VISIT_NOT_TARGETED,   /* STORE_NOTFOUND: the notice did not go to this household */
	VISIT_CANCELLED,      /* STORE_CONFLICT: the notice is cancelled (marking only) */
	VISIT_NOT_MARKED,     /* STORE_NOTFOUND: undo of a household not marked */
};

struct visit_result {
	enum visit_why why;
	int again;               /* mark: it was marked already; the note changed or not */
	int note_changed;        /* mark again: the note is a new one */
	int still_reached;       /* undo: an SMS or call reached the household anyway */
	int64_t delivery_id;
};

/* Records that `by` ("cli", "web:USER") told household `household_id`
 * notice `notice_id` in person, with `note` (NULL: keep the note a
 * repeated mark had; "" none).  Idempotent: a second mark only changes the
 * note, out->again says so.  One transaction with its `visited` event. */
STORE_CHECK int store_visit_mark(struct store *st, int64_t notice_id, int64_t household_id, const char *by,
				 const char *note, int64_t now, struct visit_result *out);
/* Undoes a mark (a wrong click): the visit delivery goes, a
 * `visit_undone` event keeps what it was.  Allowed on a cancelled notice
 * too (it corrects the record). */
STORE_CHECK int store_visit_unmark(struct store *st, int64_t notice_id, int64_t household_id, const char *by,
				   int64_t now, struct visit_result *out);

/* The households of notice `notice_id` (those with a delivery of it)
 * whose first or second phone is `e164`: cb(id, name, arg) each, by id. */
STORE_CHECK int store_visit_by_phone(struct store *st, int64_t notice_id, const char *e164,
				     int (*cb)(int64_t id, const char *name, void *arg), void *arg);

/* One household of the visit list.  Strings live until cb returns. */
struct visit_row {
	int64_t household_id;
	const char *name, *phone, *phone2, *address;
	const char *hh_note;         /* the household's own note ("nhà cuối ngõ") */
	const char *group_code;      /* its first group (by code), "" none */
	const char *group_name;      /* that group's display name, "" none */
	const char *channels;        /* SMS and call channels tried, joined by ',' */
	const char *states;          /* their states, in the same order */
	const char *causes;          /* their causes, joined by "; " */
	int attempts;
	int pending;                 /* an SMS or call is still in progress */
	int acked;                   /* answered "OK" by SMS (never proof) */
	int informed;                /* told in person */
	const char *note;            /* the officer's note on the visit */
	int64_t informed_at;
};
/* The visit list of a notice: every household none of whose SMS or calls
 * reached it (whether or not told in person since), grouped by its first
 * group (by the group's display name, else its code; households without a
 * group last) then by name with accents folded ("Đặng" with "Dang"),
 * numbers in names in numeric order ("Thôn 2" before "Thôn 10").
 * `now` decides which `sent` SMS still count as in progress.  The whole
 * list in one statement: for `loa visit --list`; the web page takes it a
 * page at a time (store_visit_order). */
STORE_CHECK int store_visit_list(struct store *st, int64_t notice_id,
				 int (*cb)(const struct visit_row *r, void *arg), void *arg, int64_t now);

/* Households of the list by kind: told in person, still in progress (an
 * SMS or call not final yet: not to visit yet), to visit. */
struct visit_tally {
	int informed, pending, todo;
};
/* Which households a page of the list shows. */
struct visit_ask {
	const char *group;        /* a group's code: its households only, all under it; NULL or "": every group */
	int all;                  /* households told in person too (else counted, not listed) */
	int64_t keep;             /* listed even when told: the one just marked, so the answer lands on it */
};
/* A slice of the list in walking order, as ids, and its counts. */
struct visit_order {
	struct visit_tally notice;   /* the whole notice */
	struct visit_tally shown;    /* in the group asked for (the notice's without one) */
	int n;                       /* households listed (never those in progress) */
	int hidden;                  /* told in person, not listed (without ask->all) */
	int from, got;               /* the slice: the listed households from..from+got-1 */
	int64_t *ids;                /* [got], in walking order */
	int64_t *groups;             /* [got]: the groups.id each is listed under (0: no group) */
	int64_t group_before;        /* that of the household listed before the slice; -1 none */
	int keep_at;                 /* the place of ask->keep in the list, or -1 */
};
/* The visit list of notice `notice_id` as store_visit_list orders it, read
 * from indexes (fast at 100,000 households: see store_visit.c): its
 * households from `from` on, at most `limit` (a page; INT_MAX for all)
 * but, when ask->keep is listed, the slice of `limit` that holds it
 * (out->from says where it starts).  With ask->group, the members of that
 * group (in whichever group they are listed first) by name.
 * STORE_NOTFOUND: no group with that code.  Free the answer with
 * store_visit_order_free. */
STORE_CHECK int store_visit_order(struct store *st, int64_t notice_id, const struct visit_ask *ask, int from,
				  int limit, struct visit_order *out, int64_t now);
void store_visit_order_free(struct visit_order *o);
/* The rows of households ids[0..n-1] of the notice, in that order (a
 * household the notice did not go to is skipped). */
STORE_CHECK int store_visit_rows(struct store *st, int64_t notice_id, const int64_t *ids, int n,
				 int (*cb)(const struct visit_row *r, void *arg), void *arg, int64_t now);
#endif
