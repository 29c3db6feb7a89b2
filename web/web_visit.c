/* web_visit — the visit list (see web_page_int.h): the households of a
 * notice that no SMS or call reached, grouped by hamlet then by name
 * (store_visit_order), to be told in person; a "Đã báo tận nhà" button per
 * household records it (store_visit_mark: the visit channel, counted as
 * reached everywhere) and an undo takes a wrong click back.
 *
 * DESIGN: one page for three uses.  On a phone each household is a card
 * (table.stack) with its numbers as tel: links and the button under them;
 * printed (the shared CSS's @media print) it is an A4 walking list: the
 * notice at the top, a heading per hamlet, a box to tick by hand and room
 * to write in place of the buttons.  A notice to 100,000 households can
 * leave 10,000 to visit: the list comes PAGE_ROWS households a page, in
 * walking order across pages (a hamlet that goes on from the last page
 * starts with its heading again, "(tiếp)"), and a GET form picks one
 * group (an officer prints one hamlet at a time).  The counts at the top
 * are the whole notice's.  Households already told are hidden with a
 * count and a link to show them, except the one just marked, which stays
 * where it was so that the answer to the button lands on it (#h-ID, on
 * whichever page holds it now).  No script: every action is a form POST
 * with the CSRF token, answered by a redirect back to the same page. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "db/channel.h"
#include "db/store.h"
#include "domain/cause.h"
#include "domain/visit.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_ROWS 150   /* households a page: about 120 KB of HTML, 6 to 10 sheets of A4 */

struct visit_page {
	struct web_page *p;
	int64_t id;
	int all;                  /* show households already told */
	int page;
	const char *group;        /* the group asked for (its code), or "" */
	const char *group_label;  /* its name, for the heading */
	int continued;            /* the page starts inside its first group */
	char heading[160];        /* the heading of the open table */
	int open;                 /* a group's table is open */
	int n;                    /* the number of the next row, across pages */
};

static void close_group(struct visit_page *v)
{
	if (v->open)
		sbuf_add(v->p->b, "</table></div>");
	v->open = 0;
}

static void open_group(struct visit_page *v, const char *label)
{
	struct sbuf *b = v->p->b;
	close_group(v);
	snprintf(v->heading, sizeof v->heading, "%s", label);
	web_html_out(b, "<h2>%s%s</h2>", label[0] ? label : "Chưa có nhóm", v->continued ? " (tiếp)" : "");
	v->continued = 0;
	sbuf_add(b, "<div class=\"wrap\"><table class=\"stack visit\"><tr><th class=\"tick\">✓</th>"
		    "<th>Họ tên</th><th>SĐT</th><th>Địa chỉ</th><th>Ghi chú</th><th>Đã thử</th>"
		    "<th>Báo tận nhà</th></tr>");
	v->open = 1;
}

static void phone_link(struct sbuf *b, const char *e164)
{
	char nat[24];
	phone_national(e164, nat, sizeof nat);
	web_html_out(b, "<a href=\"tel:%s\">%s</a>", e164, nat);
}

/* A cell with a label for the phone's card; an empty one takes no room
 * there (td.empty), but keeps its column on a wide screen and on paper. */
static void text_cell(struct sbuf *b, const char *label, const char *text)
{
	if (text[0])
		web_html_out(b, "<td data-l=\"%s\">%s</td>", label, text);
	else
		sbuf_add(b, "<td class=\"empty\"></td>");
}

void web_visit_tried(const struct visit_row *r, struct sbuf *tried, char *words, size_t len)
{
	char *ch = xstrdup(r->channels), *stt = xstrdup(r->states);
	char *s1 = NULL, *s2 = NULL;
	const char *c = strtok_r(ch, ",", &s1), *s = strtok_r(stt, ",", &s2);
	for (; c && s; c = strtok_r(NULL, ",", &s1), s = strtok_r(NULL, ",", &s2))
		sbuf_printf(tried, "%s%s: %s", tried->len ? " · " : "", channel_label(c), web_html_state(s));
	free(ch);
	free(stt);
	cause_words(r->states, r->causes, CAUSE_VI, words, len);
}

/* "SMS: lỗi · Gọi điện: không liên lạc được", then the causes in words. */
static void tried_cell(struct sbuf *b, const struct visit_row *r)
{
	struct sbuf t;
	sbuf_init(&t);
	char words[512];
	web_visit_tried(r, &t, words, sizeof words);
	web_html_out(b, "<td data-l=\"Đã thử\">%s", t.s ? t.s : "");
	sbuf_free(&t);
	if (words[0])
		web_html_out(b, "<br><span class=\"muted\">%s</span>", words);
	if (r->acked)
		sbuf_add(b, "<br><span class=\"muted\">đã trả lời OK bằng SMS (chưa chắc: số gửi có thể bị giả)</span>");
	sbuf_add(b, "</td>");
}

/* The hidden fields every form of a row carries: what it acts on, and the
 * page to come back to. */
static void row_fields(const struct visit_page *v, const struct visit_row *r)
{
	struct sbuf *b = v->p->b;
	web_html_csrf(b, v->p->csrf);
	web_html_out(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"household\" "
			"value=\"%lld\">",
		     (long long)v->id, (long long)r->household_id);
	if (v->group[0])
		web_html_out(b, "<input type=\"hidden\" name=\"group\" value=\"%s\">", v->group);
	if (v->page > 1)
		web_html_out(b, "<input type=\"hidden\" name=\"page\" value=\"%d\">", v->page);
	if (v->all)
		sbuf_add(b, "<input type=\"hidden\" name=\"all\" value=\"1\">");
}

static int visit_row(const struct visit_row *r, void *arg)
{
	struct visit_page *v = arg;
	const char *g = v->group[0] ? v->group_label : visit_group_label(r);
	if (!v->open || strcmp(g, v->heading) != 0)
		open_group(v, g);
	struct sbuf *b = v->p->b;
	v->n++;
	web_html_out(b, "<tr id=\"h-%lld\"", (long long)r->household_id);
	if (r->informed)
		sbuf_add(b, " class=\"done\"");
	web_html_out(b, "><td class=\"tick\"><span class=\"box\"></span></td>"
			"<td data-l=\"Họ tên\">%d. <a href=\"/household?id=%lld\">%s</a></td><td data-l=\"SĐT\">",
		     v->n, (long long)r->household_id, r->name);
	phone_link(b, r->phone);
	if (r->phone2[0]) {
		sbuf_add(b, "<br>số 2: ");
		phone_link(b, r->phone2);
	}
	sbuf_add(b, "</td>");
	text_cell(b, "Địa chỉ", r->address);
	text_cell(b, "Ghi chú", r->hh_note);
	tried_cell(b, r);
	sbuf_add(b, "<td data-l=\"Báo tận nhà\" class=\"act\">");
	if (r->informed) {
		sbuf_add(b, "<span class=\"ok\">✓ Đã báo tận nhà</span> <span class=\"muted\">");
		web_html_time(b, r->informed_at);
		sbuf_add(b, "</span>");
		if (r->note[0])
			web_html_out(b, "<br>%s", r->note);
		sbuf_add(b, "<form method=\"post\" action=\"/visit/undo\">");
		row_fields(v, r);
		sbuf_add(b, "<button class=\"linkbtn\" type=\"submit\">Bỏ đánh dấu (bấm nhầm)</button></form>");
	} else {
		sbuf_add(b, "<form method=\"post\" action=\"/visit\">");
		row_fields(v, r);
		web_html_out(b, "<input name=\"note\" maxlength=\"%d\" placeholder=\"Ghi chú\" "
				"aria-label=\"Ghi chú\"><button class=\"btn\" type=\"submit\">Đã báo tận nhà</button></form>",
			     VISIT_NOTE_MAX);
	}
	sbuf_add(b, "</td></tr>");
	return 0;
}

/* The name of household `id` for a message ("" when it has none). */
static void household_name(struct web_page *p, int64_t id, char *out, size_t len)
{
	struct household h;
	snprintf(out, len, "%s", store_household_get(p->st, id, &h) == STORE_OK ? h.name : "");
}

/* The query's group, checked against the groups: 0 with *code pointing
 * at the group's own code ("" for none), or -1 after a 400 page. */
static int asked_group(struct web_page *p, const struct web_groups *g, const char **code, const char **label)
{
	const char *q = web_req_form_get(&p->rq->query, "group");
	*code = *label = "";
	if (!q || !*q)
		return 0;
	for (int i = 0; i < g->n; i++)
		if (util_streq_ci(g->g[i].code, q)) {
			*code = g->g[i].code;
			*label = g->g[i].name[0] ? g->g[i].name : g->g[i].code;
			return 0;
		}
	web_page_error(p->rep, 400, "Không có nhóm này (group).");
	return -1;
}

/* "&amp;group=thon-2&amp;all=1" for the links of the page (a group's own
 * code: letters, digits, '-' and '_'; escaped all the same). */
static void view_query(struct sbuf *b, const struct visit_page *v, int all)
{
	if (v->group[0])
		web_html_out(b, "&amp;group=%s", v->group);
	if (all)
		sbuf_add(b, "&amp;all=1");
}

static void filter_form(struct visit_page *v, const struct web_groups *g)
{
	struct sbuf *b = v->p->b;
	web_html_out(b, "<form method=\"get\" action=\"/unreached\" class=\"filters noprint\">"
			"<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			"<label>Nhóm (thôn, xóm)<br><select name=\"group\"><option value=\"\">Tất cả</option>",
		     (long long)v->id);
	for (int i = 0; i < g->n; i++)
		web_html_out(b, "<option value=\"%s\"%s>%s</option>", g->g[i].code,
			     strcmp(g->g[i].code, v->group) == 0 ? " selected" : "",
			     g->g[i].name[0] ? g->g[i].name : g->g[i].code);
	web_html_out(b, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"all\" value=\"1\"%s>"
			" Hiện cả hộ đã báo</label><button class=\"btn\" type=\"submit\">Xem</button></form>",
		     v->all ? " checked" : "");
}

/* "12 hộ cần đến báo tận nhà · 3 hộ đã được báo tận nhà · 2 hộ đang gửi". */
static void tally_line(struct sbuf *b, const char *what, const struct visit_tally *t)
{
	web_html_out(b, "<p>%s: <b>%d</b> hộ cần đến báo tận nhà · %d hộ đã được báo tận nhà · %d hộ đang gửi, "
			"chưa có kết quả cuối.</p>",
		     what, t->todo, t->informed, t->pending);
}

/* What the list holds, in the scope shown (a group, or the notice). */
static void counts(struct visit_page *v, const struct visit_order *o)
{
	struct sbuf *b = v->p->b;
	const struct visit_tally *t = &o->shown;
	int hidden = o->hidden;
	if (v->group[0]) {
		tally_line(b, "Cả thông báo", &o->notice);
		web_html_out(b, "<p>Nhóm %s: ", v->group_label);
	} else {
		sbuf_add(b, "<p>");
	}
	if (!t->todo)
		sbuf_add(b, "Không còn hộ nào cần đến báo tận nhà.");
	else
		web_html_out(b, "<b>%d</b> hộ chưa nhận được thông báo, cần đến báo tận nhà.", t->todo);
	if (t->informed)
		web_html_out(b, " %d hộ đã được báo tận nhà (tính là đã nhận)%s", t->informed,
			     hidden > 0 ? ", không hiện trong danh sách" : "");
	if (hidden > 0) {
		web_html_out(b, " — <a class=\"noprint\" href=\"/unreached?id=%lld", (long long)v->id);
		view_query(b, v, 1);
		sbuf_add(b, "\">hiện cả hộ đã báo</a>");
	}
	if (t->informed)
		sbuf_add(b, ".");
	sbuf_add(b, "</p>");
	if (t->pending)
		web_html_out(b, "<p class=\"muted\">%d hộ đang được gửi, chưa có kết quả cuối: chưa cần đến.</p>",
			     t->pending);
}

/* 12345 -> "12.345", as Vietnamese write it. */
static const char *thousands(int n, char *buf, size_t len)
{
	char digits[16];
	snprintf(digits, sizeof digits, "%d", n < 0 ? 0 : n);
	size_t d = strlen(digits), o = 0;
	for (size_t i = 0; i < d && o + 2 < len; i++) {
		if (i && (d - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* The households of the page, with where they are in the list, and the
 * page links. */
static int list_page(struct visit_page *v, const struct visit_order *o)
{
	struct sbuf *b = v->p->b;
	int pages = (o->n + PAGE_ROWS - 1) / PAGE_ROWS;
	char a[16], z[16], all[16];
	if (o->n && v->page > pages)
		web_html_out(b, "<p>Trang %d không có: danh sách có %s hộ, %d trang.</p>", v->page,
			     thousands(o->n, all, sizeof all), pages);
	else if (pages > 1)
		web_html_out(b, "<p>Hộ %s–%s trong %s · trang %d/%d.</p>", thousands(o->from + 1, a, sizeof a),
			     thousands(o->from + o->got, z, sizeof z), thousands(o->n, all, sizeof all), v->page, pages);
	v->n = o->from;
	v->continued = o->got && o->group_before == o->groups[0];
	int rc = store_visit_rows(v->p->st, v->id, o->ids, o->got, visit_row, v, clock_wall_s());
	close_group(v);
	struct sbuf base;
	sbuf_init(&base);
	sbuf_printf(&base, "/unreached?id=%lld", (long long)v->id);
	view_query(&base, v, v->all);
	web_page_pager(b, base.s, v->page, pages);
	sbuf_free(&base);
	return rc;
}

void web_visit_list(struct web_page *p)
{
	struct notice n;
	int64_t id;
	int page;
	if (web_page_number(p, &page) != 0 || web_page_get_notice(p, &n, &id) != 0)
		return;
	const struct web_form *q = &p->rq->query;
	struct visit_page v = { .p = p, .id = id, .all = web_req_form_get(q, "all") != NULL, .page = page };
	int64_t marked = 0, undone = 0;
	if (web_req_id(web_req_form_get(q, "marked"), &marked) != 0)
		marked = 0;
	if (web_req_id(web_req_form_get(q, "undone"), &undone) != 0)
		undone = 0;
	struct web_groups g;
	if (web_groups_load(p, &g, 0) != 0) {
		store_notice_clear(&n);
		return;
	}
	if (asked_group(p, &g, &v.group, &v.group_label) != 0) {
		store_notice_clear(&n);
		web_groups_free(&g);
		return;
	}
	struct visit_ask ask = { v.group, v.all, marked ? marked : undone };
	struct visit_order o;
	if (store_visit_order(p->st, id, &ask, (page - 1) * PAGE_ROWS, PAGE_ROWS, &o, clock_wall_s()) != STORE_OK) {
		store_notice_clear(&n);
		web_groups_free(&g);
		web_page_db_error(p);
		return;
	}
	/* the household just marked or unmarked: on the page that holds it */
	if (o.keep_at >= 0)
		v.page = o.from / PAGE_ROWS + 1;
	struct sbuf *b = p->b;
	char title[64];
	snprintf(title, sizeof title, "Báo tận nhà — thông báo %lld", (long long)id);
	web_html_head(b, title, p->user, p->csrf);
	web_html_out(b, "<h1>Hộ cần đến báo tận nhà — thông báo %lld%s</h1>", (long long)id,
		     strcmp(n.state, "cancelled") == 0 ? " (đã hủy)" : "");
	web_html_out(b, "<pre>%s</pre><p class=\"muted\">Tạo lúc ", n.text);
	web_html_time(b, n.created_at);
	web_html_out(b, " · gửi tới: %s · in lúc ", n.targets);
	web_html_time(b, clock_wall_s());
	sbuf_add(b, "</p>");
	store_notice_clear(&n);
	char name[160];
	if (marked) {
		household_name(p, marked, name, sizeof name);
		web_html_out(b, "<p class=\"flash noprint\">Đã ghi nhận: hộ %s đã được báo tận nhà.</p>", name);
	}
	if (undone) {
		household_name(p, undone, name, sizeof name);
		web_html_out(b, "<p class=\"flash noprint\">Đã bỏ đánh dấu báo tận nhà của hộ %s.</p>", name);
	}
	web_html_out(b, "<p class=\"links noprint\"><a href=\"/notice?id=%lld\">← Nhật ký</a>", (long long)id);
	web_html_out(b, "<a href=\"/unreached.csv?id=%lld", (long long)id);
	view_query(b, &v, 0);
	web_html_out(b, "\">Tải CSV</a><a href=\"/unreached.xlsx?id=%lld", (long long)id);
	view_query(b, &v, 0);
	sbuf_add(b, "\">Tải Excel (.xlsx)</a></p>");
	filter_form(&v, &g);
	web_html_out(b, "<p class=\"muted noprint\">In danh sách: chọn một thôn, xóm ở ô Nhóm rồi bấm Xem, in từng thôn "
			"một bằng lệnh In của trình duyệt (khổ A4 dọc); mỗi trang hiện tối đa %d hộ. "
			"Bấm số điện thoại để gọi.</p>",
		     PAGE_ROWS);
	counts(&v, &o);
	int rc = list_page(&v, &o);
	store_visit_order_free(&o);
	web_groups_free(&g);
	if (rc != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	web_html_foot(b);
}

/* The notice and household a row's form names, its note checked. */
static int form_ids(struct web_page *p, int64_t *id, int64_t *hid)
{
	const struct web_form *f = &p->rq->form;
	if (web_req_id(web_req_form_get(f, "id"), id) != 0 || web_req_id(web_req_form_get(f, "household"), hid) != 0) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã số thông báo hoặc hộ.");
		return -1;
	}
	return 0;
}

static void refused(struct web_page *p, const struct visit_result *r)
{
	switch (r->why) {
	case VISIT_NO_NOTICE: web_page_error(p->rep, 404, "Không có thông báo này."); break;
	case VISIT_NOT_TARGETED: web_page_error(p->rep, 404, "Thông báo này không gửi tới hộ này."); break;
	case VISIT_CANCELLED:
		web_page_error(p->rep, 409, "Thông báo đã hủy: không ghi nhận báo tận nhà được.");
		break;
	case VISIT_NOT_MARKED: web_page_error(p->rep, 409, "Hộ này chưa được đánh dấu báo tận nhà."); break;
	default: web_page_db_error(p);
	}
}

/* Back to the list where the button was: its group, page and view (the
 * page handler moves to the page that holds the household, should it have
 * moved). */
static void back(struct web_page *p, int64_t id, const char *what, int64_t hid)
{
	const struct web_form *f = &p->rq->form;
	struct sbuf to;
	sbuf_init(&to);
	sbuf_printf(&to, "/unreached?id=%lld&%s=%lld", (long long)id, what, (long long)hid);
	const char *group = web_req_form_get(f, "group"), *page = web_req_form_get(f, "page");
	long n;
	if (group && *group && strlen(group) < 64)
		web_page_url_param(&to, "group", group);
	if (page && util_parse_long(page, 2, 1000000L, &n) == 0)
		sbuf_printf(&to, "&page=%ld", n);
	if (web_req_form_get(f, "all"))
		sbuf_add(&to, "&all=1");
	sbuf_printf(&to, "#h-%lld", (long long)hid);
	web_page_redirect(p->rep, to.s);
	sbuf_free(&to);
}

void web_visit_mark(struct web_page *p)
{
	int64_t id, hid;
	if (form_ids(p, &id, &hid) != 0)
		return;
	enum visit_note_check why;
	const char *raw = web_req_form_get(&p->rq->form, "note");
	char *note = visit_note_clean(raw, &why);
	if (!note) {
		char msg[96];
		if (why == VISIT_NOTE_LONG)
			snprintf(msg, sizeof msg, "Ghi chú quá dài (tối đa %d ký tự).", VISIT_NOTE_MAX);
		else
			snprintf(msg, sizeof msg, "Ghi chú có ký tự không hợp lệ.");
		web_page_error(p->rep, 400, msg);
		return;
	}
	char by[96];
	snprintf(by, sizeof by, "web:%s", p->user);
	struct visit_result r;
	/* an empty field keeps the note a repeated mark had */
	int rc = store_visit_mark(p->st, id, hid, by, note[0] ? note : NULL, clock_wall_s(), &r);
	free(note);
	if (rc != STORE_OK) {
		refused(p, &r);
		return;
	}
	LOG_I("web", "notice %lld: household %lld told in person%s, marked by %s from %s", (long long)id,
	      (long long)hid, r.again ? " (again)" : "", p->user, p->rq->addr ? p->rq->addr : "?");
	back(p, id, "marked", hid);
}

void web_visit_undo(struct web_page *p)
{
	int64_t id, hid;
	if (form_ids(p, &id, &hid) != 0)
		return;
	char by[96];
	snprintf(by, sizeof by, "web:%s", p->user);
	struct visit_result r;
	if (store_visit_unmark(p->st, id, hid, by, clock_wall_s(), &r) != STORE_OK) {
		refused(p, &r);
		return;
	}
	LOG_I("web", "notice %lld: household %lld no longer marked told in person, by %s from %s", (long long)id,
	      (long long)hid, p->user, p->rq->addr ? p->rq->addr : "?");
	back(p, id, "undone", hid);
}
