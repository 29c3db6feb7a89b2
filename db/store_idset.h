/* store_idset — a set of row ids for the store's walks over an index
 * (private to db/): filled from a query's first column, then frozen, then
 * asked "is this id in it?" for every entry of the walk.  The notice
 * log's filtered pages (store_report.c) and the visit list
 * (store_visit.c) build their "reached", "in progress", "in this state"
 * and "in this group" sets with it, from index ranges that read no row.
 *
 * Frozen, the set is a bitmap over [lo, hi] when the ids are dense (a
 * notice's deliveries are made in one transaction, so their ids mostly
 * follow each other), else an open-addressing hash. */
#ifndef LOA_STORE_IDSET_H
#define LOA_STORE_IDSET_H
#include <stddef.h>
#include <stdint.h>

struct store;

struct idset {
	int64_t *v;               /* while filling: the ids; frozen sparse: the hash (0 empty) */
	size_t n, cap, mask;
	int64_t lo, hi;
	uint64_t *bits;           /* frozen dense */
};

/* Adds id k (> 0) while filling. */
void store_idset_add(struct idset *m, int64_t k);
/* Adds the ids the statement `sql`'s first column gives, its parameters
 * bound by number where it has them: ?1 a1, ?2 the text t2 (when not
 * NULL), ?9 a9.  STORE_OK or STORE_ERR (st->err says why). */
int store_idset_query(struct store *st, struct idset *m, const char *sql, int64_t a1, const char *t2, int64_t a9);
/* Ends the filling: from now on only store_idset_has. */
void store_idset_freeze(struct idset *m);
int store_idset_has(const struct idset *m, int64_t k);
void store_idset_free(struct idset *m);
#endif
