/* web_export — the officers' downloads (see web_page_int.h): a notice's
 * delivery log (what the page's filter keeps) and the households, in
 * Vietnamese (headers, states, channels, yes/no, group names), as CSV for
 * Excel (UTF-8 with a BOM, CRLF: domain/sheet.c's writer) or as .xlsx
 * (web_xlsx.c: the phone a text cell that keeps its leading 0, times real
 * dates).  `loa report --csv` and `loa household list --csv` stay the
 * machine format, in English; these are for people.
 *
 * DESIGN: a download is never held whole in memory.  A CSV is a
 * web_stream: each time libmicrohttpd wants bytes, the next CHUNK rows are
 * read from the store after the last row sent (keyset: the last row's
 * household and channel, or the last household id), written to a buffer
 * and handed out; no statement stays open between two chunks, so a slow
 * or vanished client holds no read transaction and no cursor, only this
 * small context, which `done` frees when the response goes.  An .xlsx
 * cannot be sent before it is finished: the same chunks are written into
 * a workbook in a 0600 temporary file (constant memory), which is then
 * unlinked and streamed from its descriptor.  The visit list cannot be
 * read after a key (its order is a sort, store_visit.c): its order is
 * taken once, as ids (8 bytes a household), and each chunk reads the rows
 * of the next ids. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "db/channel.h"
#include "db/store.h"
#include "domain/cause.h"
#include "domain/sheet.h"
#include "domain/visit.h"
#include "web/web_html.h"
#include "web/web_xlsx.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 500       /* rows read from the store per step */
#define MAX_COLS 16

#define TYPE_CSV "text/csv; charset=utf-8"
#define TYPE_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct export;
/* Writes up to `limit` more rows through emit(): how many it read (fewer
 * than limit: the end), or -1. */
typedef int (*export_chunk)(struct export *x, int limit);

struct export {
	struct store *st;
	const struct web_col *cols;
	int ncols;
	export_chunk chunk;
	/* where rows go: CSV text, or a workbook */
	FILE *csv;
	struct sbuf out;          /* CSV bytes not yet sent, from pos */
	size_t pos;
	int ended;
	struct web_xlsx *xlsx;
	int fd;                   /* the finished workbook being sent, or -1 */
	/* what is walked */
	int64_t notice_id;
	struct web_filter wf;
	struct report_key key;    /* the notice log: after this row */
	int64_t after_id;         /* the households: after this one */
	struct web_groups groups;
	struct sbuf names;
	struct visit_order visit; /* the visit list: its households in walking order */
	int visit_at;             /* the next one to write */
	char visit_group[160];    /* the group asked for, by name ("" every group) */
	int got, failed;
	int64_t rows;
};

static struct export *export_new(struct web_page *p, const struct web_col *cols, int ncols, export_chunk chunk)
{
	struct export *x = xcalloc(1, sizeof *x);
	x->st = p->st;
	x->cols = cols;
	x->ncols = ncols;
	x->chunk = chunk;
	x->fd = -1;
	sbuf_init(&x->out);
	sbuf_init(&x->names);
	return x;
}

static void export_free(void *ctx)
{
	struct export *x = ctx;
	if (x->fd >= 0)
		close(x->fd);
	web_xlsx_abort(x->xlsx);
	web_groups_free(&x->groups);
	store_visit_order_free(&x->visit);
	sbuf_free(&x->out);
	sbuf_free(&x->names);
	LOG_D("web", "download ended: %lld rows", (long long)x->rows);
	free(x);
}

/* One row, as the columns say, to the CSV or the workbook. */
static int emit(struct export *x, const struct web_cell *cells)
{
	x->got++;
	x->rows++;
	if (x->xlsx)
		return web_xlsx_row(x->xlsx, cells);
	char num[MAX_COLS][32];
	const char *f[MAX_COLS];
	for (int i = 0; i < x->ncols; i++) {
		f[i] = num[i];
		num[i][0] = '\0';
		if (x->cols[i].type == WEB_COL_TEXT)
			f[i] = cells[i].s ? cells[i].s : "";
		else if (x->cols[i].type == WEB_COL_NUMBER)
			snprintf(num[i], sizeof num[i], "%lld", (long long)cells[i].n);
		else if (cells[i].n > 0)
			clock_format_local(cells[i].n, num[i], sizeof num[i]);
	}
	sheet_write_row(x->csv, f, x->ncols);
	return 0;
}

static void csv_header(struct export *x)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	if (!f)
		abort();
	const char *titles[MAX_COLS];
	for (int i = 0; i < x->ncols; i++)
		titles[i] = x->cols[i].title;
	sheet_write_bom(f);
	sheet_write_row(f, titles, x->ncols);
	fclose(f);
	sbuf_addn(&x->out, mem, len);
	free(mem);
}

/* The stream of a CSV: the next chunk of rows whenever the last is sent. */
static long csv_read(void *ctx, char *buf, size_t max)
{
	struct export *x = ctx;
	while (x->pos == x->out.len) {
		if (x->ended)
			return 0;
		sbuf_reset(&x->out);
		x->pos = 0;
		char *mem = NULL;
		size_t len = 0;
		x->csv = open_memstream(&mem, &len);
		if (!x->csv)
			abort();
		x->got = 0;
		int n = x->chunk(x, CHUNK);
		fclose(x->csv);
		x->csv = NULL;
		if (n >= 0)
			sbuf_addn(&x->out, mem, len);
		free(mem);
		if (n < 0)
			return -1;
		if (n < CHUNK)
			x->ended = 1;
	}
	size_t n = x->out.len - x->pos < max ? x->out.len - x->pos : max;
	memcpy(buf, x->out.s + x->pos, n);
	x->pos += n;
	return (long)n;
}

/* The stream of a finished workbook. */
static long fd_read(void *ctx, char *buf, size_t max)
{
	struct export *x = ctx;
	for (;;) {
		ssize_t n = read(x->fd, buf, max);
		if (n >= 0)
			return (long)n;
		if (errno != EINTR) {
			LOG_E("web", "reading a finished workbook: %s", strerror(errno));
			return -1;
		}
	}
}

/* Starts the download of x as `name` (.csv or .xlsx): the reply streams
 * it, or is an error page (x freed). */
static void export_start(struct web_page *p, struct export *x, const char *sheet, const char *name, int xlsx)
{
	struct web_reply *rep = p->rep;
	if (!xlsx) {
		csv_header(x);
		rep->type = TYPE_CSV;
		snprintf(rep->filename, sizeof rep->filename, "%s.csv", name);
		rep->stream = (struct web_stream){ csv_read, export_free, x, -1 };
		return;
	}
	char err[256];
	x->xlsx = web_xlsx_new(sheet, x->cols, x->ncols, err, sizeof err);
	if (!x->xlsx) {
		LOG_E("web", "%s", err);
		export_free(x);
		web_page_error(rep, 500, "Không tạo được tệp Excel; xem nhật ký của Loa.");
		return;
	}
	int n;
	do {
		x->got = 0;
		n = x->chunk(x, CHUNK);
	} while (n == CHUNK);
	int64_t size = 0;
	if (n < 0) {
		export_free(x);
		web_page_db_error(p);
		return;
	}
	struct web_xlsx *wb = x->xlsx;
	x->xlsx = NULL;
	if (web_xlsx_finish(wb, &x->fd, &size, err, sizeof err) != 0) {
		LOG_E("web", "%s", err);
		export_free(x);
		web_page_error(rep, 500, "Không tạo được tệp Excel; xem nhật ký của Loa.");
		return;
	}
	rep->type = TYPE_XLSX;
	snprintf(rep->filename, sizeof rep->filename, "%s.xlsx", name);
	rep->stream = (struct web_stream){ fd_read, export_free, x, size };
}

/* ---- a notice's delivery log ---- */

static const struct web_col notice_cols[] = {
	{ "Mã hộ", WEB_COL_NUMBER, 7 },
	{ "Họ tên", WEB_COL_TEXT, 26 },
	{ "Số điện thoại", WEB_COL_TEXT, 14 },
	{ "Nhóm", WEB_COL_TEXT, 22 },
	{ "Kênh", WEB_COL_TEXT, 12 },
	{ "Trạng thái", WEB_COL_TEXT, 18 },
	{ "Đã nhận", WEB_COL_TEXT, 9 },
	{ "Số lần thử", WEB_COL_NUMBER, 9 },
	{ "Cập nhật lúc", WEB_COL_TIME, 17 },
	{ "Nguyên nhân", WEB_COL_TEXT, 40 },
	{ "Phím bấm", WEB_COL_TEXT, 9 },
	{ "Trả lời OK qua SMS", WEB_COL_TEXT, 11 },
	{ "Modem", WEB_COL_TEXT, 10 },
	{ "Chi tiết lỗi", WEB_COL_TEXT, 30 },
};

static int notice_row(const struct report_row *r, void *arg)
{
	struct export *x = arg;
	x->key.household_id = r->household_id;
	snprintf(x->key.channel, sizeof x->key.channel, "%s", r->channel);
	char nat[24], words[512];
	phone_national(r->phone, nat, sizeof nat);
	web_groups_names(&x->groups, r->groups, &x->names);
	cause_words(r->state, r->last_error, CAUSE_VI, words, sizeof words);
	const struct web_cell c[] = {
		{ NULL, r->household_id }, { r->name, 0 }, { nat, 0 }, { x->names.s, 0 },
		{ channel_label(r->channel), 0 }, { web_html_state(r->state), 0 },
		{ channel_state_reached(r->state) ? "có" : "không", 0 }, { NULL, r->attempts },
		{ NULL, r->updated_at }, { words, 0 }, { r->keys, 0 }, { r->acked ? "có" : "", 0 },
		{ r->modem, 0 }, { r->last_error, 0 },
	};
	_Static_assert(ARRAY_LEN(c) == ARRAY_LEN(notice_cols), "a cell per column");
	if (emit(x, c) != 0) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

static int notice_chunk(struct export *x, int limit)
{
	struct report_filter f;
	web_filter_store(&x->wf, &f);
	int before = x->got;
	int rc = store_report_page(x->st, x->notice_id, &f, &x->key, 0, limit, NULL, notice_row, x, clock_wall_s());
	if (rc != STORE_OK && !x->failed)
		LOG_E("web", "notice %lld download: %s", (long long)x->notice_id, store_errmsg(x->st));
	return rc != STORE_OK || x->failed ? -1 : x->got - before;
}

static void notice_export(struct web_page *p, int xlsx)
{
	struct web_filter wf;
	struct notice n;
	int64_t id;
	if (web_notice_filter(p, &wf) != 0 || web_page_get_notice(p, &n, &id) != 0)
		return;
	store_notice_clear(&n);
	struct export *x = export_new(p, notice_cols, (int)ARRAY_LEN(notice_cols), notice_chunk);
	x->notice_id = id;
	x->wf = wf;
	if (web_groups_load(p, &x->groups, 0) != 0) {
		export_free(x);
		return;
	}
	char name[64];
	int only_unreached = wf.unreached && !wf.state[0] && !wf.channel[0] && !wf.group[0];
	snprintf(name, sizeof name, "thong-bao-%lld%s", (long long)id,
		 only_unreached ? "-chua-nhan" : wf.state[0] || wf.channel[0] || wf.group[0] || wf.unreached ? "-loc" : "");
	export_start(p, x, "Nhật ký", name, xlsx);
}

void web_export_notice_csv(struct web_page *p)
{
	notice_export(p, 0);
}

void web_export_notice_xlsx(struct web_page *p)
{
	notice_export(p, 1);
}

/* ---- the households ---- */

static const struct web_col household_cols[] = {
	{ "Mã hộ", WEB_COL_NUMBER, 7 },
	{ "Họ tên", WEB_COL_TEXT, 26 },
	{ "Số điện thoại", WEB_COL_TEXT, 14 },
	{ "Số điện thoại 2", WEB_COL_TEXT, 14 },
	{ "Nhóm", WEB_COL_TEXT, 24 },
	{ "Kênh", WEB_COL_TEXT, 16 },
	{ "Có dấu", WEB_COL_TEXT, 8 },
	{ "Từ chối thông báo thường", WEB_COL_TEXT, 12 },
	{ "Địa chỉ", WEB_COL_TEXT, 30 },
	{ "Ghi chú", WEB_COL_TEXT, 30 },
};

static int household_row(const struct household *h, void *arg)
{
	struct export *x = arg;
	x->after_id = h->id;
	char nat[24], nat2[24] = "", chan[64] = "";
	phone_national(h->phone, nat, sizeof nat);
	if (h->phone2[0])
		phone_national(h->phone2, nat2, sizeof nat2);
	/* "SMS", "Gọi điện", "SMS + Gọi điện": the channels' own labels */
	for (const struct channel *c = channel_table; c->id; c++)
		if (h->channel & c->bit)
			snprintf(chan + strlen(chan), sizeof chan - strlen(chan), "%s%s", chan[0] ? " + " : "",
				 c->label_vi);
	web_groups_names(&x->groups, h->groups, &x->names);
	const struct web_cell c[] = {
		{ NULL, h->id }, { h->name, 0 }, { nat, 0 }, { nat2, 0 }, { x->names.s, 0 }, { chan, 0 },
		{ h->accents ? "có" : "không", 0 }, { h->opted_out ? "có" : "không", 0 }, { h->address, 0 },
		{ h->note, 0 },
	};
	_Static_assert(ARRAY_LEN(c) == ARRAY_LEN(household_cols), "a cell per column");
	if (emit(x, c) != 0) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

static int household_chunk(struct export *x, int limit)
{
	int before = x->got;
	int rc = store_household_after(x->st, x->after_id, limit, household_row, x);
	if (rc != STORE_OK && !x->failed)
		LOG_E("web", "households download: %s", store_errmsg(x->st));
	return rc != STORE_OK || x->failed ? -1 : x->got - before;
}

static void household_export(struct web_page *p, int xlsx)
{
	struct export *x = export_new(p, household_cols, (int)ARRAY_LEN(household_cols), household_chunk);
	if (web_groups_load(p, &x->groups, 0) != 0) {
		export_free(x);
		return;
	}
	export_start(p, x, "Hộ dân", "ho-dan", xlsx);
}

void web_export_households_csv(struct web_page *p)
{
	household_export(p, 0);
}

void web_export_households_xlsx(struct web_page *p)
{
	household_export(p, 1);
}

/* ---- the visit list: one row per household, in walking order ---- */

static const struct web_col visit_cols[] = {
	{ "Nhóm", WEB_COL_TEXT, 18 },
	{ "Họ tên", WEB_COL_TEXT, 26 },
	{ "Số điện thoại", WEB_COL_TEXT, 14 },
	{ "Số điện thoại 2", WEB_COL_TEXT, 14 },
	{ "Địa chỉ", WEB_COL_TEXT, 30 },
	{ "Ghi chú", WEB_COL_TEXT, 24 },
	{ "Đã thử", WEB_COL_TEXT, 44 },
	{ "Đã báo tận nhà", WEB_COL_TEXT, 30 },
	{ "Mã hộ", WEB_COL_NUMBER, 7 },
};

static int visit_row(const struct visit_row *r, void *arg)
{
	struct export *x = arg;
	char nat[24], nat2[24] = "", words[512];
	phone_national(r->phone, nat, sizeof nat);
	if (r->phone2[0])
		phone_national(r->phone2, nat2, sizeof nat2);
	struct sbuf tried, told;
	sbuf_init(&tried);
	sbuf_init(&told);
	web_visit_tried(r, &tried, words, sizeof words);
	if (words[0])
		sbuf_printf(&tried, " — %s", words);
	if (r->acked)
		sbuf_add(&tried, "; đã trả lời OK bằng SMS (chưa chắc)");
	if (r->informed) {
		char when[32];
		clock_format_local(r->informed_at, when, sizeof when);
		sbuf_printf(&told, "có, %s%s%s", when, r->note[0] ? ": " : "", r->note);
	}
	const char *group = x->visit_group[0] ? x->visit_group : visit_group_label(r);
	const struct web_cell c[] = {
		{ group[0] ? group : "Chưa có nhóm", 0 }, { r->name, 0 }, { nat, 0 }, { nat2, 0 }, { r->address, 0 },
		{ r->hh_note, 0 }, { tried.s ? tried.s : "", 0 }, { told.s ? told.s : "", 0 }, { NULL, r->household_id },
	};
	_Static_assert(ARRAY_LEN(c) == ARRAY_LEN(visit_cols), "a cell per column");
	int rc = emit(x, c);
	sbuf_free(&tried);
	sbuf_free(&told);
	if (rc != 0) {
		x->failed = 1;
		return 1;
	}
	return 0;
}

static int visit_chunk(struct export *x, int limit)
{
	int n = x->visit.got - x->visit_at < limit ? x->visit.got - x->visit_at : limit;
	int rc = store_visit_rows(x->st, x->notice_id, x->visit.ids + x->visit_at, n, visit_row, x, clock_wall_s());
	if (rc != STORE_OK && !x->failed)
		LOG_E("web", "notice %lld visit list download: %s", (long long)x->notice_id, store_errmsg(x->st));
	if (rc != STORE_OK || x->failed)
		return -1;
	x->visit_at += n;
	/* a household gone from the notice since is skipped: say a full
	 * chunk while ids are left, so the stream goes on */
	return x->visit_at < x->visit.got ? limit : n;
}

static void visit_export(struct web_page *p, int xlsx)
{
	struct notice n;
	int64_t id;
	if (web_page_get_notice(p, &n, &id) != 0)
		return;
	store_notice_clear(&n);
	struct export *x = export_new(p, visit_cols, (int)ARRAY_LEN(visit_cols), visit_chunk);
	x->notice_id = id;
	if (web_groups_load(p, &x->groups, 0) != 0) {
		export_free(x);
		return;
	}
	const char *q = web_req_form_get(&p->rq->query, "group");
	const char *code = NULL;
	for (int i = 0; q && *q && i < x->groups.n; i++)
		if (util_streq_ci(x->groups.g[i].code, q)) {
			code = x->groups.g[i].code;
			snprintf(x->visit_group, sizeof x->visit_group, "%s", web_groups_name(&x->groups, code));
		}
	if (q && *q && !code) {
		export_free(x);
		web_page_error(p->rep, 400, "Không có nhóm này (group).");
		return;
	}
	/* every household of the list: those told in person too, the last
	 * column says so */
	struct visit_ask ask = { code, 1, 0 };
	if (store_visit_order(p->st, id, &ask, 0, INT_MAX, &x->visit, clock_wall_s()) != STORE_OK) {
		export_free(x);
		web_page_db_error(p);
		return;
	}
	char name[96];
	snprintf(name, sizeof name, "bao-tan-nha-%lld%s%s", (long long)id, code ? "-" : "", code ? code : "");
	export_start(p, x, "Báo tận nhà", name, xlsx);
}

void web_export_visit_csv(struct web_page *p)
{
	visit_export(p, 0);
}

void web_export_visit_xlsx(struct web_page *p)
{
	visit_export(p, 1);
}
