/* store_idset — see store_idset.h: a set of row ids, a bitmap or a hash. */
#include "db/store_idset.h"

#include "db/store_int.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void store_idset_add(struct idset *m, int64_t k)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n++] = k;
}

static size_t slot(const int64_t *v, size_t mask, int64_t k)
{
	size_t i = (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ULL) >> 17) & mask;
	while (v[i] && v[i] != k)
		i = (i + 1) & mask;
	return i;
}

void store_idset_freeze(struct idset *m)
{
	m->lo = INT64_MAX;
	m->hi = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i] < m->lo)
			m->lo = m->v[i];
		if (m->v[i] > m->hi)
			m->hi = m->v[i];
	}
	if (!m->n)
		return;
	if ((uint64_t)(m->hi - m->lo) / 64 <= 4 * m->n) {
		m->bits = xcalloc((size_t)((m->hi - m->lo) / 64 + 1), sizeof *m->bits);
		for (size_t i = 0; i < m->n; i++) {
			uint64_t o = (uint64_t)(m->v[i] - m->lo);
			m->bits[o / 64] |= 1ULL << (o % 64);
		}
		free(m->v);
		m->v = NULL;
		return;
	}
	m->mask = 1024;
	while (m->mask < 2 * m->n)
		m->mask *= 2;
	m->mask--;
	int64_t *h = xcalloc(m->mask + 1, sizeof *h);
	for (size_t i = 0; i < m->n; i++)
		h[slot(h, m->mask, m->v[i])] = m->v[i];
	free(m->v);
	m->v = h;
}

int store_idset_has(const struct idset *m, int64_t k)
{
	if (!m->n || k < m->lo || k > m->hi)
		return 0;
	if (m->bits) {
		uint64_t o = (uint64_t)(k - m->lo);
		return (m->bits[o / 64] >> (o % 64)) & 1;
	}
	return m->v[slot(m->v, m->mask, k)] != 0;
}

void store_idset_free(struct idset *m)
{
	free(m->v);
	free(m->bits);
	memset(m, 0, sizeof *m);
}

int store_idset_query(struct store *st, struct idset *m, const char *sql, int64_t a1, const char *t2, int64_t a9)
{
	sqlite3_stmt *s = store_prep(st, sql);
	if (!s)
		return STORE_ERR;
	if (sqlite3_bind_parameter_index(s, "?1"))
		sqlite3_bind_int64(s, 1, a1);
	if (t2 && sqlite3_bind_parameter_index(s, "?2"))
		sqlite3_bind_text(s, 2, t2, -1, SQLITE_TRANSIENT);
	if (sqlite3_bind_parameter_index(s, "?9"))
		sqlite3_bind_int64(s, 9, a9);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		store_idset_add(m, sqlite3_column_int64(s, 0));
	if (step != SQLITE_DONE)
		rc = store_fail(st, "id set");
	sqlite3_finalize(s);
	return rc;
}
