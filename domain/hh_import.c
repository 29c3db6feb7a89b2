/* hh_import — see hh_import.h.
 *
 * DESIGN: the plan is computed from values only (the sheet, the world, the
 * options), so the CLI's --dry-run, the web preview and the tests see
 * exactly what apply would write.  Matching with --update, in passes so a
 * phone two households share settles by name:
 *   1. a row with an id: that household (unknown id, or an id on two
 *      rows: a problem);
 *   2. a row without one: an unclaimed household with the same name and
 *      one of the row's phones;
 *   3. then one with one of its phones, whatever its name (a rename; a
 *      remark says so); several such households: a problem asking for
 *      the id column;
 *   4. then the one household (exactly one) with its name: its phone
 *      changed in the sheet (a remark says so); else the row is a new
 *      household.
 * A phone on several households (a son's phone for two parents) is a
 * remark, not a problem; without --update a row that repeats a household
 * (same phone and name) is a problem advising --update. */
#include "domain/hh_import.h"

#include "domain/hh_header.h"

#include "base/clock.h"
#include "base/i18n.h"
#include "base/phone.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define B(c) (1u << (c))

/* ---- the world ---- */

static int load_household(const struct household *h, void *arg)
{
	struct hh_world *w = arg;
	if ((w->n & (w->n - 1)) == 0) /* 0, 1, 2, 4...: double */
		w->hs = xrealloc(w->hs, (size_t)(w->n ? w->n * 2 : 1) * sizeof *w->hs);
	w->hs[w->n++] = *h;
	return 0;
}

struct group_load {
	struct store *st;
	struct hh_world *w;
};

static int load_group(const char *code, int households, void *arg)
{
	(void)households;
	struct group_load *g = arg;
	struct hh_world *w = g->w;
	w->groups = xrealloc(w->groups, (size_t)(w->ngroups + 1) * sizeof *w->groups);
	struct hh_world_group *x = &w->groups[w->ngroups++];
	memset(x, 0, sizeof *x);
	snprintf(x->code, sizeof x->code, "%s", code);
	return store_group_name(g->st, code, x->name, sizeof x->name);
}

int hh_import_load(struct store *st, struct hh_world *w)
{
	memset(w, 0, sizeof *w);
	struct group_load g = { st, w };
	int rc = store_household_each(st, NULL, load_household, w);
	if (rc == STORE_OK)
		rc = store_group_each(st, load_group, &g);
	if (rc != STORE_OK)
		hh_world_free(w);
	return rc;
}

void hh_world_free(struct hh_world *w)
{
	free(w->hs);
	free(w->groups);
	memset(w, 0, sizeof *w);
}

static const char *world_group_name(const struct hh_world *w, const char *code)
{
	for (int i = 0; i < w->ngroups; i++)
		if (strcmp(w->groups[i].code, code) == 0)
			return w->groups[i].name;
	return "";
}

static int world_by_id(const struct hh_world *w, int64_t id)
{
	int lo = 0, hi = w->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (w->hs[mid].id == id)
			return mid;
		if (w->hs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* ---- phones shared between households: an index of (phone, who) ---- */

struct ph {
	const char *phone;
	int who;        /* >= 0: item index; < 0: -1 - world index */
};

static int cmp_ph(const void *a, const void *b)
{
	const struct ph *x = a, *y = b;
	int c = strcmp(x->phone, y->phone);
	return c ? c : (x->who > y->who) - (x->who < y->who);
}

static void ph_add(struct ph **v, int *n, const char *phone, int who)
{
	if (!phone[0])
		return;
	if ((*n & (*n - 1)) == 0) /* 0, 1, 2, 4...: double */
		*v = xrealloc(*v, (size_t)(*n ? *n * 2 : 1) * sizeof **v);
	(*v)[*n].phone = phone;
	(*v)[*n].who = who;
	(*n)++;
}

/* The first entry for phone, or n. */
static int ph_find(const struct ph *v, int n, const char *phone)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].phone, phone) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(v[lo].phone, phone) == 0 ? lo : n;
}

/* Names compare folded (accents, case, spacing): every name is folded
 * once, and the world's are also sorted to find a name quickly. */
struct nm {
	const char *fold;
	int wi;
};

static int cmp_nm(const void *a, const void *b)
{
	const struct nm *x = a, *y = b;
	int c = strcmp(x->fold, y->fold);
	return c ? c : (x->wi > y->wi) - (x->wi < y->wi);
}

/* "12" (or "12.0", as a workbook may keep a number): the id; 0 empty; -1 bad. */
static int64_t parse_id(const char *s)
{
	char *c = xstrdup(s ? s : ""), *t = util_trim(c);
	size_t n = strlen(t);
	if (n > 2 && strcmp(t + n - 2, ".0") == 0)
		t[n - 2] = '\0';
	long v = 0;
	int64_t id = !*t ? 0 : util_parse_long(t, 1, INT32_MAX, &v) == 0 ? v : -1;
	free(c);
	return id;
}

/* ---- the plan ---- */

struct gname {
	char code[HH_GROUP_CODE_MAX + 1];
	char full[96];
	char name[HH_GROUP_NAME_MAX + 1];
	int line;
};

struct ctx {
	const struct hh_import_opts *o;
	const struct hh_world *w;
	struct hh_plan *pl;
	struct hh_header hd;
	struct gname *gn;
	int ngn;
	int *claimed;              /* per world household: item index + 1, 0 free */
	char **wfold, **ifold;     /* folded names: per world household, per item */
	struct nm *wnames;         /* the world's folded names, sorted */
	struct ph *wph;            /* world phones */
	int nwph;
};

/* A row with a problem: never written (and the plan is not applied). */
static void item_problem(struct hh_item *it)
{
	it->kind = HH_ITEM_BAD;
}

/* Registers a row's group names; a code two different names cut to is a problem. */
static void note_groups(struct ctx *x, struct hh_item *it, const struct hh_row *r)
{
	for (int g = 0; g < r->ngroups; g++) {
		const struct hh_group *grp = &r->groups[g];
		int found = -1;
		for (int i = 0; i < x->ngn; i++)
			if (strcmp(x->gn[i].code, grp->code) == 0)
				found = i;
		if (found >= 0) {
			const struct gname *o = &x->gn[found];
			if (strcmp(o->full, grp->full) != 0 && grp->name[0] && o->name[0]) {
				hh_msg_say(&x->pl->problems, it->line, -1, x->hd.text[HH_GROUPS], x->hd.vi[HH_GROUPS],
				       HS_GROUP_CLASH, grp->name, o->name, o->line, grp->code);
				item_problem(it);
			} else if (!o->name[0] && grp->name[0]) {
				snprintf(x->gn[found].name, sizeof x->gn[found].name, "%s", grp->name);
			}
			continue;
		}
		x->gn = xrealloc(x->gn, (size_t)(x->ngn + 1) * sizeof *x->gn);
		struct gname *n = &x->gn[x->ngn++];
		snprintf(n->code, sizeof n->code, "%s", grp->code);
		snprintf(n->full, sizeof n->full, "%s", grp->full);
		snprintf(n->name, sizeof n->name, "%s", grp->name);
		n->line = it->line;
	}
}

static void read_rows(struct ctx *x, const struct sheet *sh)
{
	struct hh_plan *pl = x->pl;
	struct hh_labels lb;
	hh_header_labels(&x->hd, &lb);
	int n = sh->nrows - x->hd.row - 1;
	pl->items = xcalloc((size_t)n + 1, sizeof *pl->items);
	struct hh_row *r = xmalloc(sizeof *r);
	for (int i = x->hd.row + 1; i < sh->nrows; i++) {
		const struct sheet_row *row = &sh->rows[i];
		struct hh_item *it = &pl->items[pl->nitems++];
		it->line = row->line;
		const char *f[HH_NCOLS];
		for (int c = 0; c < HH_NCOLS; c++)
			f[c] = hh_header_cell(&x->hd, row, c);
		char *groups = hh_header_groups(&x->hd, sh, row);
		f[HH_GROUPS] = groups;
		int bad = household_row(f, &lb, row->line, r, &pl->problems, &pl->remarks);
		free(groups);
		it->kind = bad ? HH_ITEM_BAD : HH_ITEM_ADD;
		it->h = r->h;
		it->given = r->given;
		it->converted = r->converted;
		note_groups(x, it, r);
		if (x->o->update && x->hd.idx[HH_COL_ID] >= 0) {
			const char *idc = hh_header_cell(&x->hd, row, HH_COL_ID);
			it->id = parse_id(idc);
			if (it->id < 0) {
				hh_msg_say(&pl->problems, row->line, -1, x->hd.text[HH_COL_ID], x->hd.vi[HH_COL_ID], HS_ID, idc);
				item_problem(it);
				it->id = 0;
			}
		}
	}
	free(r);
}

/* Rows with the same phone and name: the later one is a mistake. */
static void repeated_rows(struct ctx *x)
{
	struct hh_plan *pl = x->pl;
	struct ph *v = NULL;
	int n = 0;
	for (int i = 0; i < pl->nitems; i++)
		if (pl->items[i].h.phone[0])
			ph_add(&v, &n, pl->items[i].h.phone, i);
	if (n)
		qsort(v, (size_t)n, sizeof *v, cmp_ph);
	for (int i = 1; i < n; i++) {
		for (int j = i - 1; j >= 0 && strcmp(v[j].phone, v[i].phone) == 0; j--) {
			struct hh_item *a = &pl->items[v[j].who], *b = &pl->items[v[i].who];
			if (strcmp(x->ifold[v[j].who], x->ifold[v[i].who]) != 0)
				continue;
			hh_msg_say(&pl->problems, b->line, -1, NULL, NULL, HS_DUP_ROW, a->line);
			item_problem(b);
			break;
		}
	}
	free(v);
}

static void world_phones(struct ctx *x)
{
	for (int i = 0; i < x->w->n; i++) {
		ph_add(&x->wph, &x->nwph, x->w->hs[i].phone, -1 - i);
		ph_add(&x->wph, &x->nwph, x->w->hs[i].phone2, -1 - i);
	}
	if (x->nwph)
		qsort(x->wph, (size_t)x->nwph, sizeof *x->wph, cmp_ph);
}

/* Without --update: a row that repeats a household is a problem. */
static void registered(struct ctx *x)
{
	struct hh_plan *pl = x->pl;
	for (int i = 0; i < pl->nitems; i++) {
		struct hh_item *it = &pl->items[i];
		if (!it->h.phone[0])
			continue;
		for (int k = ph_find(x->wph, x->nwph, it->h.phone); k < x->nwph && !strcmp(x->wph[k].phone, it->h.phone);
		     k++) {
			const struct household *h = &x->w->hs[-1 - x->wph[k].who];
			if (strcmp(x->wfold[-1 - x->wph[k].who], x->ifold[i]) != 0)
				continue;
			char nat[20];
			phone_national(it->h.phone, nat, sizeof nat);
			hh_msg_say(&pl->problems, it->line, -1, x->hd.text[HH_PHONE], x->hd.vi[HH_PHONE],
			       x->o->web ? HS_REGISTERED_WEB : HS_REGISTERED_CLI, nat, (long long)h->id, h->name);
			item_problem(it);
			x->claimed[-1 - x->wph[k].who] = i + 1; /* the row is that household */
			break;
		}
	}
}

/* Unclaimed households sharing a phone with item i (with its name if
 * by_name); their world indices into out (at most max), the count. */
static int candidates(struct ctx *x, int i, int by_name, int *out, int max)
{
	const struct hh_item *it = &x->pl->items[i];
	int n = 0;
	const char *phones[2] = { it->h.phone, (it->given & B(HH_PHONE2)) ? it->h.phone2 : "" };
	for (int p = 0; p < 2; p++) {
		if (!phones[p][0])
			continue;
		for (int k = ph_find(x->wph, x->nwph, phones[p]); k < x->nwph && !strcmp(x->wph[k].phone, phones[p]);
		     k++) {
			int wi = -1 - x->wph[k].who, dup = 0;
			if (x->claimed[wi] || (by_name && strcmp(x->wfold[wi], x->ifold[i]) != 0))
				continue;
			for (int j = 0; j < n; j++)
				dup |= out[j] == wi;
			if (!dup && n < max)
				out[n++] = wi;
		}
	}
	return n;
}

static void ambiguous(struct ctx *x, struct hh_item *it, int *c, int n)
{
	for (int i = 1; i < n; i++) /* by id */
		for (int j = i; j > 0 && c[j - 1] > c[j]; j--) {
			int t = c[j];
			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	struct sbuf t, v;
	sbuf_init(&t);
	sbuf_init(&v);
	for (int j = 0; j < n; j++) {
		const struct household *h = &x->w->hs[c[j]];
		char *a = hh_msg_sayf(0, HS_HOUSEHOLD_NAME, (long long)h->id, h->name);
		char *b = hh_msg_sayf(1, HS_HOUSEHOLD_NAME, (long long)h->id, h->name);
		sbuf_printf(&t, "%s%s", j ? ", " : "", a);
		sbuf_printf(&v, "%s%s", j ? ", " : "", b);
		free(a), free(b);
	}
	char nat[20];
	phone_national(it->h.phone, nat, sizeof nat);
	char *a = hh_msg_sayf(0, HS_AMBIGUOUS, nat, t.s), *b = hh_msg_sayf(1, HS_AMBIGUOUS, nat, v.s);
	struct sbuf mt, mv;
	sbuf_init(&mt);
	sbuf_init(&mv);
	sbuf_printf(&mt, "%s: %s", x->hd.text[HH_PHONE], a);
	sbuf_printf(&mv, "%s: %s", x->hd.vi[HH_PHONE], b);
	hh_msg_add(&x->pl->problems, it->line, HH_PHONE, mt.s, mv.s);
	free(a), free(b);
	sbuf_free(&t), sbuf_free(&v), sbuf_free(&mt), sbuf_free(&mv);
	item_problem(it);
}

static void claim(struct ctx *x, int item, int wi)
{
	x->claimed[wi] = item + 1;
	x->pl->items[item].id = x->w->hs[wi].id;
}

/* A row no phone matched: the one unclaimed household with its name, if
 * exactly one has it (its phone changed in the sheet), else a new one. */
static void by_name(struct ctx *x, int i)
{
	struct hh_item *it = &x->pl->items[i];
	struct nm key = { x->ifold[i], -1 };
	int lo = 0, hi = x->w->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cmp_nm(&x->wnames[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int found = -1, n = 0;
	for (int k = lo; k < x->w->n && strcmp(x->wnames[k].fold, key.fold) == 0; k++) {
		if (!x->claimed[x->wnames[k].wi]) {
			found = x->wnames[k].wi;
			n++;
		}
	}
	if (n != 1)
		return;
	const struct household *h = &x->w->hs[found];
	char was[20], now[20];
	phone_national(h->phone, was, sizeof was);
	phone_national(it->h.phone, now, sizeof now);
	hh_msg_say(&x->pl->remarks, it->line, -1, NULL, NULL, HS_MATCHED_BY_NAME, (long long)h->id, h->name, was, now);
	claim(x, i, found);
}

/* The household after the row: the fields the row gives, the others kept. */
static void merge(struct ctx *x, struct hh_item *it, const struct household *old)
{
	struct household n = *old;
	const struct household *r = &it->h;
	unsigned g = it->given, d = 0;
	if (g & B(HH_NAME))
		snprintf(n.name, sizeof n.name, "%s", r->name);
	if (g & B(HH_PHONE)) {
		snprintf(n.phone, sizeof n.phone, "%s", r->phone);
		n.landline = r->landline;
	}
	if (g & B(HH_PHONE2))
		snprintf(n.phone2, sizeof n.phone2, "%s", r->phone2);
	if (g & B(HH_GROUPS))
		snprintf(n.groups, sizeof n.groups, "%s", r->groups);
	if (g & B(HH_CHANNEL))
		n.channel = r->channel;
	if (g & B(HH_ACCENTS))
		n.accents = r->accents;
	if (g & B(HH_NOTE))
		snprintf(n.note, sizeof n.note, "%s", r->note);
	if (g & B(HH_ADDRESS))
		snprintf(n.address, sizeof n.address, "%s", r->address);
	if (!(g & B(HH_CHANNEL)) && n.landline && (n.channel & CH_SMS)) {
		char nat[20];
		phone_national(n.phone, nat, sizeof nat);
		hh_msg_say(&x->pl->remarks, it->line, -1, x->hd.text[HH_PHONE], x->hd.vi[HH_PHONE], HS_LANDLINE_VOICE, nat);
		n.channel = CH_VOICE;
	}
	if (n.phone2[0] && strcmp(n.phone2, n.phone) == 0) {
		hh_msg_say(&x->pl->remarks, it->line, -1, x->hd.text[HH_PHONE2], x->hd.vi[HH_PHONE2], HS_PHONE2_SAME);
		n.phone2[0] = '\0';
	}
	d |= strcmp(n.name, old->name) ? B(HH_NAME) : 0;
	d |= strcmp(n.phone, old->phone) ? B(HH_PHONE) : 0;
	d |= strcmp(n.phone2, old->phone2) ? B(HH_PHONE2) : 0;
	d |= strcmp(n.groups, old->groups) ? B(HH_GROUPS) : 0;
	d |= n.channel != old->channel ? B(HH_CHANNEL) : 0;
	d |= n.accents != old->accents ? B(HH_ACCENTS) : 0;
	d |= strcmp(n.note, old->note) ? B(HH_NOTE) : 0;
	d |= strcmp(n.address, old->address) ? B(HH_ADDRESS) : 0;
	it->diff = d;
	it->h = n;
	if (d) {
		it->kind = HH_ITEM_CHANGE;
		it->old = xmalloc(sizeof *it->old);
		*it->old = *old;
	} else {
		it->kind = HH_ITEM_SAME;
	}
}

static void match_rows(struct ctx *x)
{
	struct hh_plan *pl = x->pl;
	int c[8];
	/* 1. by id */
	for (int i = 0; i < pl->nitems; i++) {
		struct hh_item *it = &pl->items[i];
		if (!it->id)
			continue;
		char ids[24];
		snprintf(ids, sizeof ids, "%lld", (long long)it->id);
		int wi = world_by_id(x->w, it->id);
		if (wi < 0) {
			hh_msg_say(&pl->problems, it->line, -1, x->hd.text[HH_COL_ID], x->hd.vi[HH_COL_ID], HS_ID_UNKNOWN, ids);
			item_problem(it);
		} else if (x->claimed[wi]) {
			hh_msg_say(&pl->problems, it->line, -1, x->hd.text[HH_COL_ID], x->hd.vi[HH_COL_ID], HS_ID_TWICE, ids,
			       pl->items[x->claimed[wi] - 1].line);
			item_problem(it);
		} else {
			claim(x, i, wi);
		}
	}
	/* 2. by phone and name, 3. by phone, 4. by name alone */
	for (int pass = 2; pass <= 4; pass++) {
		for (int i = 0; i < pl->nitems; i++) {
			struct hh_item *it = &pl->items[i];
			if (it->id || it->kind == HH_ITEM_BAD)
				continue;
			if (pass == 4) {
				by_name(x, i);
				continue;
			}
			int n = candidates(x, i, pass == 2, c, (int)ARRAY_LEN(c));
			if (n > 1) {
				ambiguous(x, it, c, n);
			} else if (n == 1) {
				const struct household *h = &x->w->hs[c[0]];
				if (pass == 3 && strcmp(x->wfold[c[0]], x->ifold[i]) != 0)
					hh_msg_say(&pl->remarks, it->line, -1, NULL, NULL, HS_RENAMED_BY_PHONE, (long long)h->id,
					       h->name, it->h.name);
				claim(x, i, c[0]);
			}
		}
	}
	for (int i = 0; i < pl->nitems; i++) {
		struct hh_item *it = &pl->items[i];
		if (it->kind == HH_ITEM_BAD || !it->id)
			continue;
		merge(x, it, &x->w->hs[world_by_id(x->w, it->id)]);
	}
	for (int wi = 0; wi < x->w->n; wi++) {
		if (x->claimed[wi])
			continue;
		if (!x->o->deactivate_missing) {
			pl->untouched++;
			continue;
		}
		pl->deact = xrealloc(pl->deact, (size_t)(pl->ndeact + 1) * sizeof *pl->deact);
		pl->deact[pl->ndeact++] = x->w->hs[wi];
		x->claimed[wi] = -1;
	}
}

/* Who else has the phone: "line 5 (Trần Thị B), household 12 (Lê Văn C)". */
static void shared_phones(struct ctx *x)
{
	struct hh_plan *pl = x->pl;
	struct ph *v = NULL;
	int n = 0;
	for (int i = 0; i < pl->nitems; i++) {
		ph_add(&v, &n, pl->items[i].h.phone, i);
		ph_add(&v, &n, pl->items[i].h.phone2, i);
	}
	for (int wi = 0; wi < x->w->n; wi++) {
		if (x->claimed[wi])
			continue; /* in the file, or deactivated */
		ph_add(&v, &n, x->w->hs[wi].phone, -1 - wi);
		ph_add(&v, &n, x->w->hs[wi].phone2, -1 - wi);
	}
	if (n)
		qsort(v, (size_t)n, sizeof *v, cmp_ph);
	for (int i = 0; i < pl->nitems; i++) {
		struct hh_item *it = &pl->items[i];
		const char *phones[2] = { it->h.phone, it->h.phone2 };
		for (int p = 0; p < 2; p++) {
			if (!phones[p][0] || (p == 1 && !strcmp(phones[1], phones[0])))
				continue;
			struct sbuf t, vi;
			sbuf_init(&t);
			sbuf_init(&vi);
			int others = 0;
			for (int k = ph_find(v, n, phones[p]); k < n && !strcmp(v[k].phone, phones[p]); k++) {
				if (v[k].who == i || (k > 0 && v[k - 1].who == v[k].who && !strcmp(v[k - 1].phone, v[k].phone)))
					continue;
				char *a, *b;
				const struct household *h;
				if (v[k].who >= 0) {
					h = &pl->items[v[k].who].h;
					if (strcmp(x->ifold[v[k].who], x->ifold[i]) == 0)
						continue; /* a repeated row: a problem already */
					a = hh_msg_sayf(0, HS_LINE_NAME, pl->items[v[k].who].line, h->name);
					b = hh_msg_sayf(1, HS_LINE_NAME, pl->items[v[k].who].line, h->name);
				} else {
					h = &x->w->hs[-1 - v[k].who];
					a = hh_msg_sayf(0, HS_HOUSEHOLD_NAME, (long long)h->id, h->name);
					b = hh_msg_sayf(1, HS_HOUSEHOLD_NAME, (long long)h->id, h->name);
				}
				if (others++ < 5) {
					sbuf_printf(&t, "%s%s", others > 1 ? ", " : "", a);
					sbuf_printf(&vi, "%s%s", others > 1 ? ", " : "", b);
				} else if (others == 6) {
					sbuf_add(&t, ", …");
					sbuf_add(&vi, ", …");
				}
				free(a), free(b);
			}
			if (others) {
				char nat[20];
				phone_national(phones[p], nat, sizeof nat);
				enum hh_col c = p ? HH_PHONE2 : HH_PHONE;
				if (p && x->hd.idx[HH_PHONE2] < 0)
					c = HH_PHONE; /* two numbers in the phone cell */
				hh_msg_say(&pl->remarks, it->line, -1, x->hd.text[c], x->hd.vi[c], HS_SHARED, nat, t.s);
			}
			sbuf_free(&t);
			sbuf_free(&vi);
		}
	}
	free(v);
}

static void group_names(struct ctx *x)
{
	struct hh_plan *pl = x->pl;
	for (int i = 0; i < x->ngn; i++) {
		const struct gname *g = &x->gn[i];
		if (!g->name[0])
			continue;
		const char *old = world_group_name(x->w, g->code);
		if (strcmp(old, g->name) == 0)
			continue;
		pl->names = xrealloc(pl->names, (size_t)(pl->nnames + 1) * sizeof *pl->names);
		struct hh_group_name *n = &pl->names[pl->nnames++];
		snprintf(n->code, sizeof n->code, "%s", g->code);
		snprintf(n->name, sizeof n->name, "%s", g->name);
		snprintf(n->old, sizeof n->old, "%s", old);
	}
}

void hh_import_plan(const struct sheet *sh, const struct hh_import_opts *o, const struct hh_world *w,
		    struct hh_plan *pl)
{
	memset(pl, 0, sizeof *pl);
	struct ctx x;
	memset(&x, 0, sizeof x);
	x.o = o;
	x.w = w;
	x.pl = pl;
	if (hh_header_find(sh, &x.hd, &pl->problems, &pl->remarks) != 0)
		return;
	pl->header_line = x.hd.line;
	read_rows(&x, sh);
	x.claimed = xcalloc((size_t)w->n + 1, sizeof *x.claimed);
	x.wfold = xcalloc((size_t)w->n + 1, sizeof *x.wfold);
	x.wnames = xcalloc((size_t)w->n + 1, sizeof *x.wnames);
	for (int i = 0; i < w->n; i++) {
		x.wfold[i] = household_fold(w->hs[i].name);
		x.wnames[i].fold = x.wfold[i];
		x.wnames[i].wi = i;
	}
	if (w->n)
		qsort(x.wnames, (size_t)w->n, sizeof *x.wnames, cmp_nm);
	x.ifold = xcalloc((size_t)pl->nitems + 1, sizeof *x.ifold);
	for (int i = 0; i < pl->nitems; i++)
		x.ifold[i] = household_fold(pl->items[i].h.name);
	world_phones(&x);
	repeated_rows(&x);
	if (o->update)
		match_rows(&x);
	else {
		registered(&x);
		pl->untouched = w->n;
	}
	if (o->update && o->deactivate_missing && pl->nitems == 0)
		hh_msg_say(&pl->problems, 0, -1, NULL, NULL, HS_NO_ROWS_DEACTIVATE);
	for (int i = 0; i < pl->nitems; i++) {
		struct hh_item *it = &pl->items[i];
		if (it->kind == HH_ITEM_ADD && it->h.landline && !(it->given & B(HH_CHANNEL))) {
			char nat[20];
			phone_national(it->h.phone, nat, sizeof nat);
			hh_msg_say(&pl->remarks, it->line, -1, x.hd.text[HH_PHONE], x.hd.vi[HH_PHONE], HS_LANDLINE_VOICE, nat);
		}
		pl->nadds += it->kind == HH_ITEM_ADD;
		pl->nchanges += it->kind == HH_ITEM_CHANGE;
		pl->nsame += it->kind == HH_ITEM_SAME;
		pl->converted += it->converted;
	}
	shared_phones(&x);
	group_names(&x);
	hh_msg_sort(&pl->problems);
	hh_msg_sort(&pl->remarks);
	hh_header_free(&x.hd);
	free(x.gn);
	free(x.claimed);
	for (int i = 0; i < w->n; i++)
		free(x.wfold[i]);
	for (int i = 0; i < pl->nitems; i++)
		free(x.ifold[i]);
	free(x.wfold);
	free(x.ifold);
	free(x.wnames);
	free(x.wph);
}

void hh_plan_free(struct hh_plan *pl)
{
	for (int i = 0; i < pl->nitems; i++)
		free(pl->items[i].old);
	free(pl->items);
	free(pl->deact);
	free(pl->names);
	free(pl->fatal);
	hh_msg_free(&pl->problems);
	hh_msg_free(&pl->remarks);
	memset(pl, 0, sizeof *pl);
}

int hh_import_ok(const struct hh_plan *pl)
{
	return !pl->fatal && pl->problems.n == 0;
}

int hh_import_prepare(struct store *st, const char *path, const char *data, size_t len,
		      const struct hh_import_opts *o, struct hh_plan *pl)
{
	memset(pl, 0, sizeof *pl);
	struct sheet sh;
	char err[512];
	/* o->sheet: a workbook's sheet by name (--sheet NAME; NULL the first) */
	if (sheet_load(path, data, len, o->sheet, &sh, err, sizeof err) != 0) {
		pl->fatal = xstrdup(err);
		return STORE_OK;
	}
	struct hh_world w;
	if (hh_import_load(st, &w) != STORE_OK) {
		sheet_free(&sh);
		return STORE_ERR;
	}
	hh_import_plan(&sh, o, &w, pl);
	hh_world_free(&w);
	sheet_free(&sh);
	return STORE_OK;
}

/* ---- applying ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int hh_import_apply(struct store *st, const struct hh_plan *pl, const char *path, const char *by, int64_t now)
{
	if (!hh_import_ok(pl))
		return STORE_CONFLICT; /* a plan with problems is never written */
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	const char *file = base_name(path);
	int rc = STORE_OK;
	for (int i = 0; i < pl->nnames && rc == STORE_OK; i++)
		rc = store_group_set_name(st, pl->names[i].code, pl->names[i].name);
	struct sbuf d;
	sbuf_init(&d);
	for (int i = 0; i < pl->nitems && rc == STORE_OK; i++) {
		const struct hh_item *it = &pl->items[i];
		if (it->kind == HH_ITEM_ADD) {
			rc = store_household_insert(st, &it->h, NULL, now);
		} else if (it->kind == HH_ITEM_CHANGE) {
			rc = store_household_update(st, &it->h, now);
			sbuf_reset(&d);
			sbuf_printf(&d, "import by %s (%s:%d): ", by, file, it->line);
			hh_import_diff_text(it, HH_LANG_C, &d);
			if (rc == STORE_OK)
				rc = store_event(st, "household_edited", 0, 0, it->h.id, NULL, d.s, now);
		}
	}
	for (int i = 0; i < pl->ndeact && rc == STORE_OK; i++) {
		rc = store_household_remove(st, pl->deact[i].id, now);
		sbuf_reset(&d);
		sbuf_printf(&d, "import by %s (%s): not in the file", by, file);
		if (rc == STORE_OK)
			rc = store_event(st, "household_removed", 0, 0, pl->deact[i].id, NULL, d.s, now);
	}
	sbuf_reset(&d);
	sbuf_printf(&d, "%s by %s: %d added, %d changed, %d deactivated", file, by, pl->nadds, pl->nchanges,
		    pl->ndeact);
	if (rc == STORE_OK)
		rc = store_event(st, "import", 0, 0, 0, NULL, d.s, now);
	sbuf_free(&d);
	if (rc == STORE_OK)
		rc = store_commit(st);
	if (rc != STORE_OK)
		store_rollback(st);
	return rc;
}

/* ---- showing the plan ---- */

static const char *channel_vi(int ch)
{
	return ch == CH_BOTH ? "cả hai" : ch == CH_VOICE ? "gọi điện" : "tin nhắn";
}

static void field_value(const struct household *h, enum hh_col c, enum hh_lang lang, char *buf, size_t len)
{
	char nat[20];
	switch (c) {
	case HH_NAME: snprintf(buf, len, "%s", h->name); break;
	case HH_PHONE: phone_national(h->phone, nat, sizeof nat); snprintf(buf, len, "%s", nat); break;
	case HH_PHONE2: phone_national(h->phone2, nat, sizeof nat); snprintf(buf, len, "%s", nat); break;
	case HH_GROUPS: snprintf(buf, len, "%s", h->groups); break;
	case HH_CHANNEL:
		snprintf(buf, len, "%s", lang == HH_LANG_VI ? channel_vi(h->channel) : household_channel_name(h->channel));
		break;
	case HH_ACCENTS:
		snprintf(buf, len, "%s", lang == HH_LANG_VI ? (h->accents ? "có" : "không") : h->accents ? "yes" : "no");
		break;
	case HH_NOTE: snprintf(buf, len, "%s", h->note); break;
	case HH_ADDRESS: snprintf(buf, len, "%s", h->address); break;
	default: buf[0] = '\0'; break;
	}
	if (!buf[0])
		snprintf(buf, len, "—");
}

void hh_import_diff_text(const struct hh_item *it, enum hh_lang lang, struct sbuf *b)
{
	static const enum hh_col order[] = { HH_NAME, HH_PHONE, HH_PHONE2, HH_GROUPS,
					     HH_CHANNEL, HH_ACCENTS, HH_NOTE, HH_ADDRESS };
	if (!it->old)
		return;
	int first = 1;
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		enum hh_col c = order[i];
		if (!(it->diff & B(c)))
			continue;
		char was[300], now[300];
		field_value(it->old, c, lang, was, sizeof was);
		field_value(&it->h, c, lang, now, sizeof now);
		sbuf_printf(b, "%s%s %s → %s", first ? "" : ", ", household_field_words(c, (int)lang), was, now);
		first = 0;
	}
}

static void msg_lines(FILE *f, const char *path, const struct hh_msgs *m)
{
	for (int i = 0; i < m->n; i++) {
		if (m->v[i].line)
			util_fline(f, "%s:%d: %s", path, m->v[i].line, m->v[i].text);
		else
			util_fline(f, "%s: %s", path, m->v[i].text);
	}
}

void hh_import_print(const struct hh_plan *pl, const char *path, const struct hh_import_opts *o, FILE *out,
		     FILE *errs)
{
	if (pl->fatal) {
		util_fline(errs, "%s", pl->fatal);
		return;
	}
	msg_lines(errs, path, &pl->problems);
	msg_lines(out, path, &pl->remarks);
	if (pl->problems.n)
		return;
	for (int i = 0; i < pl->nnames; i++) {
		const struct hh_group_name *g = &pl->names[i];
		if (g->old[0])
			util_fline(out, _("group %s: name \"%s\" (was \"%s\")"), g->code, g->name, g->old);
		else
			util_fline(out, _("group %s: name \"%s\""), g->code, g->name);
	}
	if (!o->update)
		return;
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < pl->nitems; i++) {
		const struct hh_item *it = &pl->items[i];
		sbuf_reset(&b);
		if (it->kind == HH_ITEM_ADD) {
			char nat[20];
			phone_national(it->h.phone, nat, sizeof nat);
			sbuf_printf(&b, "%s, %s", it->h.name, nat);
			if (it->h.phone2[0]) {
				phone_national(it->h.phone2, nat, sizeof nat);
				sbuf_printf(&b, ", %s", nat);
			}
			if (it->h.groups[0])
				sbuf_printf(&b, ", %s %s", household_field_words(HH_GROUPS, 0), it->h.groups);
			util_fline(out, _("add (line %d): %s"), it->line, b.s);
		} else if (it->kind == HH_ITEM_CHANGE) {
			hh_import_diff_text(it, HH_LANG_LOCALE, &b);
			util_fline(out, _("change (line %d): %s (id %lld): %s"), it->line, it->old->name,
				   (long long)it->h.id, b.s);
		}
	}
	sbuf_free(&b);
	for (int i = 0; i < pl->ndeact; i++)
		util_fline(out, _("deactivate: %s (id %lld)"), pl->deact[i].name, (long long)pl->deact[i].id);
}

int hh_import_run(struct store *st, const char *path, const char *data, size_t len, const struct hh_import_opts *o,
		  int dry_run, FILE *out, FILE *errs, struct import_result *res)
{
	memset(res, 0, sizeof *res);
	struct hh_plan pl;
	if (hh_import_prepare(st, path, data, len, o, &pl) != STORE_OK) {
		util_fline(errs, "%s: %s", path, store_errmsg(st));
		res->errors = 1;
		return EXIT_RUNTIME;
	}
	hh_import_print(&pl, path, o, out, errs);
	res->rows = pl.nitems;
	res->errors = pl.problems.n + (pl.fatal != NULL);
	res->converted = pl.converted;
	res->adds = pl.nadds;
	res->changed = pl.nchanges;
	res->unchanged = pl.nsame;
	res->deactivated = pl.ndeact;
	int rc = EXIT_OK;
	if (!hh_import_ok(&pl)) {
		rc = EXIT_USAGE;
	} else if (!dry_run) {
		if (hh_import_apply(st, &pl, path, "cli", clock_wall_s()) != STORE_OK) {
			util_fline(errs, "%s: %s (nothing imported)", path, store_errmsg(st));
			rc = EXIT_RUNTIME;
		} else {
			res->imported = pl.nadds;
		}
	}
	hh_plan_free(&pl);
	return rc;
}
