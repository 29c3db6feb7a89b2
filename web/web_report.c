/* web_report — the read-only pages beside the notices (see
 * web_page_int.h): one household's history, modem health, and the audit
 * trail of inbound SMS and replies, with their CSV exports.  (The visit
 * list of households not reached is web_visit.c.) */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/phone.h"
#include "db/channel.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "db/store_webhh.h"
#include "domain/report.h"
#include "domain/sheet.h"
#include "domain/shortcode.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>

/* ---- one household ---- */

static int history_row(const struct report_row *r, void *arg)
{
	struct sbuf *b = arg;
	web_html_out(b, "<tr><td><a href=\"/notice?id=%lld\">%lld</a></td><td>%s</td><td>%s%s</td>",
		     (long long)r->notice_id, (long long)r->notice_id, r->notice_text,
		     channel_label(r->channel), r->phone_idx ? " (số 2)" : "");
	web_html_out(b, "<td class=\"%s\">%s</td><td>%d</td><td>", channel_state_reached(r->state) ? "ok" : "",
		     web_html_state(r->state), r->attempts);
	web_html_time(b, r->updated_at);
	web_html_out(b, "</td><td>%s</td>", r->keys);
	web_page_cause_cells(b, r->state, r->last_error, 1);
	sbuf_add(b, "</tr>");
	return 0;
}

/* A household, deactivated ones too: their history stays readable. */
static int get_household(struct web_page *p, struct household *h, int64_t *id, int *active)
{
	if (web_page_query_id(p, "id", id) != 0)
		return -1;
	return web_page_loaded(p, store_hh_get(p->st, *id, h, active), "Không có hộ này.");
}

void web_report_household(struct web_page *p)
{
	struct household h;
	int64_t id;
	int active;
	if (get_household(p, &h, &id, &active) != 0)
		return;
	struct sbuf *b = p->b;
	web_html_head(b, h.name, p->user, p->csrf);
	char nat[24], nat2[48] = "";
	phone_national(h.phone, nat, sizeof nat);
	if (h.phone2[0]) {
		char n2[24];
		phone_national(h.phone2, n2, sizeof n2);
		snprintf(nat2, sizeof nat2, ", số 2: %s", n2);
	}
	web_html_out(b, "<h1>%s</h1><p>SĐT %s%s · nhóm: %s · nhận qua: %s · %s%s</p>", h.name, nat, nat2, h.groups,
		     h.channel == CH_SMS ? "SMS" : h.channel == CH_VOICE ? "cuộc gọi" : "SMS và cuộc gọi",
		     h.accents ? "máy hiện dấu" : "máy không hiện dấu",
		     h.opted_out ? " · đã từ chối thông báo thường" : "");
	if (h.note[0])
		web_html_out(b, "<p>Ghi chú: %s</p>", h.note);
	if (!active)
		sbuf_add(b, "<p class=\"warn\">Hộ này đã ngừng nhận thông báo (đã xóa khỏi danh sách).</p>");
	web_html_out(b,
		     "<p class=\"links noprint\"><a href=\"/household/edit?id=%lld\">Sửa thông tin hộ</a>"
		     "<a href=\"/household.csv?id=%lld\">Tải CSV</a></p>",
		     (long long)id, (long long)id);
	sbuf_add(b, "<h2>Lịch sử nhận thông báo</h2><div class=\"wrap\"><table><tr><th>Số</th><th>Nội dung</th>"
		    "<th>Kênh</th><th>Trạng thái</th><th>Lần thử</th><th>Cập nhật</th><th>Phím bấm</th>"
		    "<th>Nguyên nhân</th><th>Chi tiết</th></tr>");
	if (store_report_household(p->st, id, history_row, b) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	web_html_foot(b);
}

void web_report_household_csv(struct web_page *p)
{
	int64_t id;
	if (web_page_query_id(p, "id", &id) != 0)
		return;
	char name[48];
	snprintf(name, sizeof name, "ho-%lld.csv", (long long)id);
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, name);
	web_page_csv_end(p, &c, report_household_csv(p->st, id, f));
}

/* ---- modem health ---- */

static int64_t today_start(void)
{
	int64_t now = clock_wall_s();
	return now - (int64_t)clock_local_minutes_of_day(now) * 60 - now % 60;
}

static void signal_text(int csq, char *buf, size_t len)
{
	if (csq < 0 || csq > 31)
		snprintf(buf, len, "không rõ");
	else
		snprintf(buf, len, "%d/31 (%d dBm)", csq, -113 + 2 * csq);
}

/* The modem's state as officers read it. */
static const char *state_vi(const char *state)
{
	static const struct {
		const char *state, *vi;
	} w[] = {
		{ "ready", "sẵn sàng" }, { "opening", "đang mở cổng" }, { "init", "đang khởi động" },
		{ "backoff", "không trả lời, đang thử lại" }, { "failed", "hỏng, thử lại chậm" },
		{ "closed", "đã dừng" },
	};
	for (size_t i = 0; i < ARRAY_LEN(w); i++)
		if (!strcmp(state, w[i].state))
			return w[i].vi;
	return *state ? state : "không rõ";
}

static int modem_row(const struct store_web_modem *m, void *arg)
{
	struct web_page_list *l = arg;
	char sig[32], when[32] = "", until[32] = "", bal_at[32] = "";
	signal_text(m->signal, sig, sizeof sig);
	if (m->updated_at)
		clock_format_local(m->updated_at, when, sizeof when);
	int paused = m->paused_until > clock_wall_s();
	if (paused)
		clock_format_local(m->paused_until, until, sizeof until);
	if (m->balance_at)
		clock_format_local(m->balance_at, bal_at, sizeof bal_at);
	l->n++;
	if (l->csv) {
		char parts[16], calls[16], bal[24] = "";
		snprintf(parts, sizeof parts, "%d", m->sms_parts);
		snprintf(calls, sizeof calls, "%d", m->calls);
		if (m->balance >= 0)
			snprintf(bal, sizeof bal, "%lld", (long long)m->balance);
		const char *f[] = { m->name, m->state, m->registered ? "yes" : "no", sig, m->operator_name,
				    m->last_error, when, parts, calls, until, paused ? m->pause_reason : "", bal,
				    bal_at };
		sheet_write_row(l->csv, f, (int)ARRAY_LEN(f));
		return 0;
	}
	struct sbuf *b = l->p->b;
	if (paused)
		web_html_out(b, "<tr><td>%s</td><td class=\"bad\">TẠM DỪNG đến %s: %s</td>", m->name, until,
			     m->pause_reason);
	else
		web_html_out(b, "<tr><td>%s</td><td class=\"%s\">%s</td>", m->name,
			     !strcmp(m->state, "ready") ? "ok" : "bad", state_vi(m->state));
	web_html_out(b, "<td class=\"%s\">%s</td><td>%s</td><td>%s</td>", m->registered ? "ok" : "bad",
		     m->registered ? "có" : "không", sig, m->operator_name);
	if (m->balance >= 0)
		web_html_out(b, "<td>%lld đ<br><small>%s</small></td>", (long long)m->balance, bal_at);
	else
		sbuf_add(b, "<td>chưa biết</td>");
	web_html_out(b, "<td class=\"bad\">%s</td><td>%s</td><td>%d</td><td>%d</td></tr>", m->last_error, when,
		     m->sms_parts, m->calls);
	return 0;
}

void web_report_modems(struct web_page *p)
{
	struct sbuf *b = p->b;
	int parts = 0, msgs = 0, calls = 0;
	int64_t since = today_start();
	if (store_web_today(p->st, since, &parts, &msgs, &calls) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	web_html_head(b, "Modem", p->user, p->csrf);
	web_html_out(b,
		     "<h1>Tình trạng modem</h1><p>Hôm nay: <b>%d</b> tin SMS đã gửi (%d phần), <b>%d</b> cuộc gọi.</p>"
		     "<p class=\"links noprint\"><a href=\"/modems.csv\">Tải CSV</a></p>"
		     "<div class=\"wrap\"><table><tr><th>Modem</th><th>Trạng thái</th><th>Đăng ký mạng</th><th>Sóng</th>"
		     "<th>Nhà mạng</th><th>Số dư SIM</th><th>Lỗi gần nhất</th><th>Cập nhật</th><th>SMS hôm nay (phần)</th>"
		     "<th>Cuộc gọi hôm nay</th></tr>",
		     msgs, parts, calls);
	struct web_page_list l = { p, NULL, 0, STORE_OK };
	if (store_web_modems(p->st, since, modem_row, &l) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	if (!l.n)
		sbuf_add(b, "<p>Chưa có modem nào báo tình trạng (dịch vụ <code>loa run</code> chưa chạy?).</p>");
	web_html_foot(b);
}

void web_report_modems_csv(struct web_page *p)
{
	static const char *const cols[] = { "modem", "state", "registered", "signal", "operator", "last_error",
					    "updated", "sms_parts_today", "calls_today", "paused_until", "pause_reason",
					    "balance", "balance_at" };
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, "modem.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct web_page_list l = { p, f, 0, STORE_OK };
	web_page_csv_end(p, &c, store_web_modems(p->st, today_start(), modem_row, &l));
}

/* ---- inbound SMS and replies: the audit trail of short codes ---- */

#define INBOX_PAGE_ROWS 300

struct reply_list {
	struct outbox_row *r;    /* strings owned */
	int n, cap;
};

static int reply_add(const struct outbox_row *r, void *arg)
{
	struct reply_list *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->r = xrealloc(l->r, (size_t)l->cap * sizeof *l->r);
	}
	struct outbox_row *c = &l->r[l->n++];
	*c = *r;
	c->to = xstrdup(r->to);
	c->text = sc_mask_codes(r->text); /* one-time codes are not for the log */
	c->kind = xstrdup(r->kind);
	c->state = xstrdup(r->state);
	c->error = xstrdup(r->error);
	return 0;
}

static void reply_list_free(struct reply_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free((char *)l->r[i].to);
		free((char *)l->r[i].text);
		free((char *)l->r[i].kind);
		free((char *)l->r[i].state);
		free((char *)l->r[i].error);
	}
	free(l->r);
}

static const char *decision_vi(const char *d)
{
	static const struct {
		const char *en, *vi;
	} t[] = {
		{ "accepted", "đã làm theo" }, { "pending", "chờ xác nhận" }, { "refused", "từ chối" },
		{ "ignored", "bỏ qua" }, { "stored", "chỉ lưu" }, { "", "chưa xử lý" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(t[i].en, d) == 0)
			return t[i].vi;
	return d;
}

static const char *kind_vi(const char *k)
{
	return strcmp(k, "reply") == 0 ? "trả lời" : strcmp(k, "summary") == 0 ? "báo cáo"
		: strcmp(k, "forward") == 0 ? "chuyển tiếp" : strcmp(k, "command") == 0 ? "trả lời lệnh"
		: strcmp(k, "alert") == 0 ? "cảnh báo" : k;
}

/* Every household of a shared number: "An, Bình". */
struct names {
	char *out;
	size_t n, len;
};

static int add_name(const struct household *h, void *arg)
{
	struct names *nm = arg;
	if (nm->len < nm->n)
		nm->len += (size_t)snprintf(nm->out + nm->len, nm->n - nm->len, "%s%s", nm->len ? ", " : "", h->name);
	return 0;
}

/* The name of a registered sender or household.  The store joins on the
 * number as received; a modem (or `loa inbox --simulate`) may give it in
 * national form, so a miss is retried with the normalised number. */
static void who(struct web_page *p, const struct inbound_row *r, char *out, size_t n)
{
	snprintf(out, n, "%s", r->sender_name);
	if (out[0])
		return;
	struct phone ph;
	phone_normalise(r->sender, &ph);
	if ((ph.kind != PHONE_MOBILE && ph.kind != PHONE_LANDLINE) || strcmp(ph.e164, r->sender) == 0)
		return;
	struct sender sd;
	struct names nm = { out, n, 0 };
	if (store_sender_by_phone(p->st, ph.e164, &sd) == STORE_OK)
		snprintf(out, n, "%s", sd.name);
	else if (store_household_each_by_phone(p->st, ph.e164, add_name, &nm) != STORE_OK)
		out[0] = '\0';
}

struct inbox_ctx {
	struct web_page *p;
	FILE *csv;
	const struct reply_list *replies;
	int n;
};

static int inbound_row(const struct inbound_row *r, void *arg)
{
	struct inbox_ctx *x = arg;
	char when[32], nat[24];
	char name[160];
	clock_format_local(r->received_at, when, sizeof when);
	phone_national(r->sender, nat, sizeof nat);
	who(x->p, r, name, sizeof name);
	x->n++;
	char *text = sc_mask_codes(r->text);
	if (x->csv) {
		struct sbuf rs;
		sbuf_init(&rs);
		for (int i = 0; i < x->replies->n; i++)
			if (x->replies->r[i].inbound_id == r->id)
				sbuf_printf(&rs, "%s%s", rs.len ? "\n" : "", x->replies->r[i].text);
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)r->id);
		const char *f[] = { id, when, r->modem, nat, name, text, r->decision, r->reason,
				    rs.s ? rs.s : "" };
		sheet_write_row(x->csv, f, (int)ARRAY_LEN(f));
		sbuf_free(&rs);
		free(text);
		return 0;
	}
	struct sbuf *b = x->p->b;
	const char *cls = strcmp(r->decision, "accepted") == 0 ? "ok" : strcmp(r->decision, "refused") == 0 ? "bad" : "";
	web_html_out(b, "<tr><td data-l=\"Lúc nhận\">%s</td><td data-l=\"Người gửi\">%s", when, nat);
	if (name[0])
		web_html_out(b, "<br>%s", name);
	else
		sbuf_add(b, "<br><span class=\"muted\">(không đăng ký)</span>");
	web_html_out(b,
		     "</td><td data-l=\"Nội dung\"><pre>%s</pre></td><td data-l=\"Quyết định\" class=\"%s\">%s</td>"
		     "<td data-l=\"Lý do\">%s</td><td data-l=\"Trả lời\">",
		     text, cls, decision_vi(r->decision), r->reason);
	free(text);
	int any = 0;
	for (int i = 0; i < x->replies->n; i++) {
		const struct outbox_row *o = &x->replies->r[i];
		if (o->inbound_id != r->id)
			continue;
		if (any++)
			sbuf_add(b, "<hr>"); /* markup: web_html_out's %s would escape it */
		web_html_out(b, "<pre>%s</pre><span class=\"muted\">%s · %s</span>", o->text, kind_vi(o->kind),
			     web_html_state(o->state));
	}
	if (!any)
		sbuf_add(b, "<span class=\"muted\">—</span>");
	sbuf_add(b, "</td></tr>");
	return 0;
}

static int outbox_row_html(const struct outbox_row *o, void *arg)
{
	struct inbox_ctx *x = arg;
	char when[32], nat[24];
	clock_format_local(o->created_at, when, sizeof when);
	phone_national(o->to, nat, sizeof nat);
	x->n++;
	char *text = sc_mask_codes(o->text);
	if (x->csv) {
		char id[24], in[24];
		snprintf(id, sizeof id, "%lld", (long long)o->id);
		snprintf(in, sizeof in, "%lld", (long long)o->inbound_id);
		const char *f[] = { id, when, nat, o->kind, text, o->state, o->error, o->inbound_id ? in : "" };
		sheet_write_row(x->csv, f, (int)ARRAY_LEN(f));
		free(text);
		return 0;
	}
	web_html_out(x->p->b,
		     "<tr><td data-l=\"Lúc tạo\">%s</td><td data-l=\"Gửi tới\">%s</td><td data-l=\"Loại\">%s</td>"
		     "<td data-l=\"Nội dung\"><pre>%s</pre></td><td data-l=\"Trạng thái\">%s</td>",
		     when, nat, kind_vi(o->kind), text, web_html_state(o->state));
	free(text);
	if (o->error[0])
		web_html_out(x->p->b, "<td data-l=\"Lỗi\" class=\"bad\">%s</td></tr>", o->error);
	else
		sbuf_add(x->p->b, "<td class=\"empty\"></td></tr>");
	return 0;
}

void web_report_inbox(struct web_page *p)
{
	struct sbuf *b = p->b;
	struct reply_list rl = { NULL, 0, 0 };
	if (store_outbox_each(p->st, 0, reply_add, &rl) != STORE_OK) {
		reply_list_free(&rl);
		web_page_db_error(p);
		return;
	}
	web_html_head(b, "Tin nhắn đến", p->user, p->csrf);
	web_html_out(b,
		     "<h1>Tin nhắn đến</h1><p class=\"muted\">Mọi tin SMS gửi tới số của Loa, Loa đã làm gì và vì sao, "
		     "và tin Loa trả lời; mới nhất trước (%d tin gần nhất). Chỉ để xem.</p>"
		     "<p class=\"links noprint\"><a href=\"/inbox.csv\">Tải CSV tin đến</a>"
		     "<a href=\"/outbox.csv\">Tải CSV tin trả lời</a></p>"
		     "<div class=\"wrap\"><table class=\"stack\"><tr><th>Lúc nhận</th><th>Người gửi</th><th>Nội dung</th><th>Quyết định</th>"
		     "<th>Lý do</th><th>Trả lời</th></tr>",
		     INBOX_PAGE_ROWS);
	struct inbox_ctx x = { p, NULL, &rl, 0 };
	int rc = store_inbound_each(p->st, INBOX_PAGE_ROWS, inbound_row, &x);
	sbuf_add(b, "</table></div>");
	if (rc == STORE_OK && !x.n)
		sbuf_add(b, "<p>Chưa có tin nhắn đến nào.</p>");
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Tin Loa đã gửi đi (trả lời, báo cáo, chuyển tiếp)</h2><div class=\"wrap\"><table class=\"stack\"><tr>"
			    "<th>Lúc tạo</th><th>Gửi tới</th><th>Loại</th><th>Nội dung</th><th>Trạng thái</th><th>Lỗi</th></tr>");
		x.n = 0;
		rc = store_outbox_each(p->st, INBOX_PAGE_ROWS, outbox_row_html, &x);
		sbuf_add(b, "</table></div>");
		if (rc == STORE_OK && !x.n)
			sbuf_add(b, "<p>Chưa có tin trả lời nào.</p>");
	}
	reply_list_free(&rl);
	if (rc != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	web_html_foot(b);
}

void web_report_inbox_csv(struct web_page *p)
{
	static const char *const cols[] = { "inbound", "received", "modem", "sender", "sender_name", "text",
					    "decision", "reason", "replies" };
	struct reply_list rl = { NULL, 0, 0 };
	if (store_outbox_each(p->st, 0, reply_add, &rl) != STORE_OK) {
		reply_list_free(&rl);
		web_page_db_error(p);
		return;
	}
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, "tin-den.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct inbox_ctx x = { p, f, &rl, 0 };
	web_page_csv_end(p, &c, store_inbound_each(p->st, 0, inbound_row, &x));
	reply_list_free(&rl);
}

void web_report_outbox_csv(struct web_page *p)
{
	static const char *const cols[] = { "outbox", "created", "to", "kind", "text", "state", "error", "inbound" };
	struct reply_list rl = { NULL, 0, 0 };
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, "tin-tra-loi.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct inbox_ctx x = { p, f, &rl, 0 };
	web_page_csv_end(p, &c, store_outbox_each(p->st, 0, outbox_row_html, &x));
}

