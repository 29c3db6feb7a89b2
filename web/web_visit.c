/* web_visit — the visit list (see web_page_int.h): the households of a
 * notice that no SMS or call reached, grouped by hamlet then by name
 * (store_visit_list), to be told in person; a "Đã báo tận nhà" button per
 * household records it (store_visit_mark: the visit channel, counted as
 * reached everywhere) and an undo takes a wrong click back.
 *
 * DESIGN: one page for three uses.  On a phone each household is a card
 * (table.stack) with its numbers as tel: links and the button under them;
 * printed (the shared CSS's @media print) it is an A4 walking list: the
 * notice at the top, a heading per hamlet, a box to tick by hand and room
 * to write in place of the buttons.  Households already told are hidden
 * with a count and a link to show them, except the one just marked, which
 * stays where it was so that the answer to the button lands on it
 * (#h-ID).  No script: every action is a form POST with the CSRF token,
 * answered by a redirect back to the list. */
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

struct visit_page {
	struct web_page *p;
	int64_t id;
	int all;                  /* show households already told */
	int64_t marked;           /* the household just marked: shown */
	char group[160];          /* the heading of the open table */
	int open;                 /* a group's table is open */
	int n, todo, informed, hidden, pending;
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
	snprintf(v->group, sizeof v->group, "%s", label);
	web_html_out(b, "<h2>%s</h2>", label[0] ? label : "Chưa có nhóm");
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

/* "SMS: lỗi · Gọi điện: không liên lạc được", then the causes in words. */
static void tried_cell(struct sbuf *b, const struct visit_row *r)
{
	sbuf_add(b, "<td data-l=\"Đã thử\">");
	char *ch = xstrdup(r->channels), *stt = xstrdup(r->states);
	char *s1 = NULL, *s2 = NULL;
	int i = 0;
	const char *c = strtok_r(ch, ",", &s1), *s = strtok_r(stt, ",", &s2);
	for (; c && s; c = strtok_r(NULL, ",", &s1), s = strtok_r(NULL, ",", &s2))
		web_html_out(b, "%s%s: %s", i++ ? " · " : "", channel_label(c), web_html_state(s));
	free(ch);
	free(stt);
	char words[512];
	cause_words(r->states, r->causes, CAUSE_VI, words, sizeof words);
	if (words[0])
		web_html_out(b, "<br><span class=\"muted\">%s</span>", words);
	if (r->acked)
		sbuf_add(b, "<br><span class=\"muted\">đã trả lời OK bằng SMS (chưa chắc: số gửi có thể bị giả)</span>");
	sbuf_add(b, "</td>");
}

/* The hidden fields every form of a row carries. */
static void row_fields(const struct visit_page *v, const struct visit_row *r)
{
	struct sbuf *b = v->p->b;
	web_html_csrf(b, v->p->csrf);
	web_html_out(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"household\" "
			"value=\"%lld\">",
		     (long long)v->id, (long long)r->household_id);
	if (v->all)
		sbuf_add(b, "<input type=\"hidden\" name=\"all\" value=\"1\">");
}

static int visit_row(const struct visit_row *r, void *arg)
{
	struct visit_page *v = arg;
	if (r->pending && !r->informed) {
		v->pending++;
		return 0;
	}
	if (r->informed) {
		v->informed++;
		if (!v->all && r->household_id != v->marked) {
			v->hidden++;
			return 0;
		}
	} else {
		v->todo++;
	}
	const char *g = visit_group_label(r);
	if (!v->open || strcmp(g, v->group) != 0)
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
		web_html_out(b, "<input name=\"note\" maxlength=\"%d\" placeholder=\"Ghi chú (không bắt buộc)\" "
				"aria-label=\"Ghi chú khi báo tận nhà\"><button class=\"btn\" type=\"submit\">Đã báo tận nhà"
				"</button></form>",
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

void web_visit_list(struct web_page *p)
{
	struct notice n;
	int64_t id;
	if (web_page_get_notice(p, &n, &id) != 0)
		return;
	const struct web_form *q = &p->rq->query;
	struct visit_page v = { .p = p, .id = id, .all = web_req_form_get(q, "all") != NULL };
	int64_t undone = 0;
	if (web_req_id(web_req_form_get(q, "marked"), &v.marked) != 0)
		v.marked = 0;
	if (web_req_id(web_req_form_get(q, "undone"), &undone) != 0)
		undone = 0;
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
	web_html_out(b,
		     "<p class=\"links noprint\"><a href=\"/notice?id=%lld\">← Nhật ký</a>"
		     "<a href=\"/notice.csv?id=%lld&amp;unreached=1\">Tải CSV</a>",
		     (long long)id, (long long)id);
	if (v.all)
		web_html_out(b, "<a href=\"/unreached?id=%lld\">Ẩn hộ đã báo</a>", (long long)id);
	else
		web_html_out(b, "<a href=\"/unreached?id=%lld&amp;all=1\">Hiện cả hộ đã báo</a>", (long long)id);
	sbuf_add(b, "</p><p class=\"muted noprint\">In danh sách: dùng lệnh In của trình duyệt (khổ A4 dọc). "
		    "Bấm số điện thoại để gọi.</p>");
	char name[160];
	if (v.marked) {
		household_name(p, v.marked, name, sizeof name);
		web_html_out(b, "<p class=\"flash noprint\">Đã ghi nhận: hộ %s đã được báo tận nhà.</p>", name);
	}
	if (undone) {
		household_name(p, undone, name, sizeof name);
		web_html_out(b, "<p class=\"flash noprint\">Đã bỏ đánh dấu báo tận nhà của hộ %s.</p>", name);
	}
	if (store_visit_list(p->st, id, visit_row, &v, clock_wall_s()) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	close_group(&v);
	if (!v.todo)
		sbuf_add(b, "<p>Không còn hộ nào cần đến báo tận nhà.</p>");
	else
		web_html_out(b, "<p><b>%d</b> hộ chưa nhận được thông báo, cần đến báo tận nhà.</p>", v.todo);
	if (v.informed)
		web_html_out(b, "<p>%d hộ đã được báo tận nhà (tính là đã nhận)%s", v.informed,
			     v.hidden ? ", không hiện trong danh sách" : "");
	if (v.hidden)
		web_html_out(b, " — <a class=\"noprint\" href=\"/unreached?id=%lld&amp;all=1\">hiện cả hộ đã báo</a>",
			     (long long)id);
	if (v.informed)
		sbuf_add(b, ".</p>");
	if (v.pending)
		web_html_out(b, "<p class=\"muted\">%d hộ đang được gửi, chưa có kết quả cuối.</p>", v.pending);
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

static void back(struct web_page *p, int64_t id, const char *what, int64_t hid)
{
	char to[160];
	snprintf(to, sizeof to, "/unreached?id=%lld&%s=%lld%s#h-%lld", (long long)id, what, (long long)hid,
		 web_req_form_get(&p->rq->form, "all") ? "&all=1" : "", (long long)hid);
	web_page_redirect(p->rep, to);
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
