/* web_notice — the notice pages (see web_page_int.h): the list with
 * progress per channel, one notice (its delivery log and progress chart),
 * cancelling one, resending it to the households not reached, and their
 * CSV exports. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "db/channel.h"
#include "db/store.h"
#include "domain/notice.h"
#include "domain/report.h"
#include "domain/sheet.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>

/* ---- progress per channel ---- */

struct chan {
	int total, reached, pending, failed, cancelled;
};
struct progress {
	struct chan sms, voice, visit;
};

static int add_count(const struct report_count *c, void *arg)
{
	struct progress *pr = arg;
	struct chan *ch = strcmp(c->channel, "sms") == 0 ? &pr->sms
			: strcmp(c->channel, "visit") == 0 ? &pr->visit : &pr->voice;
	ch->total += c->n;
	if (channel_state_reached(c->state))
		ch->reached += c->n;
	else if (strcmp(c->state, "cancelled") == 0)
		ch->cancelled += c->n; /* stopped on purpose: not a failure to reach */
	else
		ch->failed += c->n - c->pending;
	ch->pending += c->pending;
	return 0;
}

static void chan_cell(struct sbuf *b, const struct chan *c)
{
	if (!c->total) {
		sbuf_add(b, "<td class=\"muted\">—</td>");
		return;
	}
	web_html_out(b, "<td>%d/%d <progress value=\"%d\" max=\"%d\"></progress>", c->reached, c->total, c->reached,
		     c->total);
	if (c->pending)
		web_html_out(b, "<br><span class=\"muted\">%d đang gửi/chờ</span>", c->pending);
	if (c->failed)
		web_html_out(b, "<br><span class=\"bad\">%d không tới</span>", c->failed);
	if (c->cancelled)
		web_html_out(b, "<br><span class=\"muted\">%d đã hủy</span>", c->cancelled);
	sbuf_add(b, "</td>");
}

/* ---- notices list ---- */

static int notice_row(const struct notice *n, void *arg)
{
	struct web_page_list *l = arg;
	struct progress pr;
	memset(&pr, 0, sizeof pr);
	if (store_report_counts(l->p->st, n->id, add_count, &pr, clock_wall_s()) != STORE_OK) {
		l->rc = STORE_ERR;
		return 1;
	}
	l->n++;
	char when[32];
	clock_format_local(n->created_at, when, sizeof when);
	if (l->csv) {
		char id[24], st[4][16];
		snprintf(id, sizeof id, "%lld", (long long)n->id);
		snprintf(st[0], sizeof st[0], "%d", pr.sms.total);
		snprintf(st[1], sizeof st[1], "%d", pr.sms.reached);
		snprintf(st[2], sizeof st[2], "%d", pr.voice.total);
		snprintf(st[3], sizeof st[3], "%d", pr.voice.reached);
		const char *f[] = { id, when, n->targets, n->urgent ? "yes" : "no", n->state, n->source, n->text,
				    st[0], st[1], st[2], st[3] };
		sheet_write_row(l->csv, f, (int)ARRAY_LEN(f));
		return 0;
	}
	struct sbuf *b = l->p->b;
	sbuf_add(b, n->urgent ? "<tr class=\"urgent-row\">" : "<tr>");
	web_html_out(b, "<td><a href=\"/notice?id=%lld\">%lld</a></td><td>%s", (long long)n->id, (long long)n->id,
		     when);
	if (n->due_at > n->created_at) {
		sbuf_add(b, "<br><span class=\"muted\">gửi lúc ");
		web_html_time(b, n->due_at);
		sbuf_add(b, "</span>");
	}
	sbuf_add(b, "</td><td>");
	if (n->urgent)
		sbuf_add(b, "<span class=\"urgent\">KHẨN</span> ");
	web_html_out(b, "%s%s</td><td>%s", n->targets, strcmp(n->state, "cancelled") == 0 ? " (đã hủy)" : "", n->text);
	char src[96];
	web_html_out(b, "<br><span class=\"muted\">%s</span></td>", web_page_source(n->source, src, sizeof src));
	chan_cell(b, &pr.sms);
	chan_cell(b, &pr.voice);
	sbuf_add(b, "</tr>");
	return 0;
}

void web_notice_list(struct web_page *p)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Thông báo", p->user, p->csrf);
	sbuf_add(b, "<h1>Thông báo</h1><p class=\"links noprint\"><a href=\"/new\">+ Tạo thông báo</a>"
		    "<a href=\"/notices.csv\">Tải CSV</a></p>"
		    "<div class=\"wrap\"><table><tr><th>Số</th><th>Lúc tạo</th><th>Gửi tới</th><th>Nội dung</th>"
		    "<th>SMS đã nhận</th><th>Cuộc gọi đã nghe</th></tr>");
	struct web_page_list l = { p, NULL, 0, STORE_OK };
	int rc = store_notice_each(p->st, 200, notice_row, &l);
	if (rc != STORE_OK || l.rc != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	if (!l.n)
		sbuf_add(b, "<p>Chưa có thông báo nào.</p>");
	web_html_foot(b);
}

void web_notice_list_csv(struct web_page *p)
{
	static const char *const cols[] = { "notice", "created", "targets", "urgent", "state", "source", "text",
					    "sms", "sms_reached", "voice", "voice_reached" };
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, "thong-bao.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct web_page_list l = { p, f, 0, STORE_OK };
	int rc = store_notice_each(p->st, 0, notice_row, &l);
	web_page_csv_end(p, &c, rc != STORE_OK ? rc : l.rc);
}

/* ---- one notice ---- */

struct svg_pt {
	int64_t at;
	int sms;   /* 1 sms, 0 voice, 2 told in person */
};
struct svg_ctx {
	struct svg_pt *pts;
	int n, cap;
};

static int svg_add(const char *channel, int64_t at, void *arg)
{
	struct svg_ctx *s = arg;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->pts = xrealloc(s->pts, (size_t)s->cap * sizeof *s->pts);
	}
	s->pts[s->n].at = at;
	s->pts[s->n].sms = strcmp(channel, "sms") == 0 ? 1 : strcmp(channel, "visit") == 0 ? 2 : 0;
	s->n++;
	return 0;
}

/* Reached households over time, one step line per channel, as inline SVG
 * (no script, no external file: it prints and saves with the page). */
static int progress_svg(struct web_page *p, const struct notice *n, const struct progress *pr)
{
	struct svg_ctx s = { NULL, 0, 0 };
	if (store_web_progress(p->st, n->id, svg_add, &s) != STORE_OK) {
		free(s.pts);
		return STORE_ERR;
	}
	struct sbuf *b = p->b;
	const int W = 640, H = 240, L = 48, R = 12, T = 12, B = 36;
	int64_t t0 = n->due_at > n->created_at ? n->due_at : n->created_at;
	int64_t t1 = s.n ? s.pts[s.n - 1].at : t0;
	int64_t now = clock_wall_s();
	if ((pr->sms.pending || pr->voice.pending) && now > t1)
		t1 = now;
	if (t1 <= t0)
		t1 = t0 + 60;
	int ymax = pr->sms.total > pr->voice.total ? pr->sms.total : pr->voice.total;
	if (pr->visit.total > ymax)
		ymax = pr->visit.total;
	if (ymax < 1)
		ymax = 1;
	web_html_out(b,
		     "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		     "aria-label=\"Số hộ đã nhận theo thời gian\" xmlns=\"http://www.w3.org/2000/svg\">",
		     W, H, W, H);
	/* axes and grid */
	web_html_out(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", L, H - B, W - R, H - B);
	web_html_out(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", L, T, L, H - B);
	int ticks = ymax < 4 ? ymax : 4;
	for (int i = 0; i <= ticks; i++) {
		int y = H - B - (H - B - T) * i / ticks;
		web_html_out(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", L + 1, y, W - R, y);
		web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d</text>", L - 4, y + 4,
			     ymax * i / ticks);
	}
	char a[32], z[32];
	clock_format_local(t0, a, sizeof a);
	clock_format_local(t1, z, sizeof z);
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", L, H - B + 16, a);
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", W - R, H - B + 16, z);
	for (int ch = 2; ch >= 0; ch--) {
		const struct chan *c = ch == 2 ? &pr->visit : ch ? &pr->sms : &pr->voice;
		if (!c->total)
			continue;
		sbuf_printf(b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"%d,%d",
			    ch == 2 ? "#b45309" : ch ? "#15803d" : "#1d4ed8", L, H - B);
		int cnt = 0, y = H - B;
		for (int i = 0; i < s.n; i++) {
			if (s.pts[i].sms != ch)
				continue;
			int64_t at = s.pts[i].at < t0 ? t0 : s.pts[i].at;
			int x = L + (int)((at - t0) * (W - L - R) / (t1 - t0));
			cnt++;
			sbuf_printf(b, " %d,%d", x, y);
			y = H - B - (int)((int64_t)cnt * (H - B - T) / ymax);
			sbuf_printf(b, " %d,%d", x, y);
		}
		sbuf_printf(b, " %d,%d\"/>", W - R, y);
	}
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#15803d\">— SMS đã nhận (%d/%d)</text>", L,
		     H - 6, pr->sms.reached, pr->sms.total);
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1d4ed8\">— cuộc gọi đã nghe (%d/%d)</text>",
		     L + 260, H - 6, pr->voice.reached, pr->voice.total);
	if (pr->visit.total)
		web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#b45309\">— báo tận nhà (%d)</text>",
			     W - R - 130, T + 12, pr->visit.reached);
	sbuf_add(b, "</svg>");
	free(s.pts);
	return STORE_OK;
}

static int count_cell(const struct report_count *c, void *arg)
{
	struct sbuf *b = arg;
	web_html_out(b, "<tr><td>%s</td><td>%s</td><td>%d</td></tr>", channel_label(c->channel),
		     web_html_state(c->state), c->n);
	return 0;
}

static int delivery_row(const struct report_row *r, void *arg)
{
	struct sbuf *b = arg;
	web_html_out(b, "<tr><td><a href=\"/household?id=%lld\">%s</a></td>", (long long)r->household_id, r->name);
	web_page_row_phone_cell(b, r, 0);
	web_html_out(b, "<td>%s</td><td>%s</td>", r->groups, channel_label(r->channel));
	web_html_out(b, "<td class=\"%s\">%s</td><td>%d</td><td>", channel_state_reached(r->state) ? "ok" : "",
		     web_html_state(r->state), r->attempts);
	web_html_time(b, r->updated_at);
	web_html_out(b, "</td><td>%s</td>", r->keys);
	web_page_cause_cells(b, r->state, r->last_error, 1);
	web_html_out(b, "<td>%s</td></tr>", r->modem);
	return 0;
}

/* Deliveries not started yet (a cancel stops them) and under way (a
 * cancel lets them finish). */
struct waiting {
	int queued, inflight;
};

static int add_waiting(const struct report_count *c, void *arg)
{
	struct waiting *w = arg;
	if (strcmp(c->state, "queued") == 0)
		w->queued += c->n;
	else if (strcmp(c->state, "sending") == 0 || strcmp(c->state, "dialing") == 0 ||
		 strcmp(c->state, "ringing") == 0 || strcmp(c->state, "answered") == 0)
		w->inflight += c->n;
	return 0;
}

static void notice_header(struct web_page *p, const struct notice *n)
{
	struct sbuf *b = p->b;
	web_html_out(b, "<h1>Thông báo %lld", (long long)n->id);
	if (n->urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	if (strcmp(n->state, "cancelled") == 0)
		sbuf_add(b, " <span class=\"bad\">(đã hủy)</span>");
	web_html_out(b, "</h1><pre>%s</pre><p class=\"muted\">Tạo lúc ", n->text);
	web_html_time(b, n->created_at);
	if (n->due_at > n->created_at) {
		sbuf_add(b, ", gửi lúc ");
		web_html_time(b, n->due_at);
	}
	char src[96];
	web_html_out(b, " · gửi tới: %s · nguồn: %s</p>", n->targets, web_page_source(n->source, src, sizeof src));
}

void web_notice_page(struct web_page *p)
{
	struct notice n;
	int64_t id;
	if (web_page_get_notice(p, &n, &id) != 0)
		return;
	struct sbuf *b = p->b;
	char title[48];
	snprintf(title, sizeof title, "Thông báo %lld", (long long)id);
	web_html_head(b, title, p->user, p->csrf);
	if (web_req_form_get(&p->rq->query, "created"))
		web_html_out(b, "<p class=\"ok\">Đã tạo thông báo %lld; các hộ đang chờ gửi.</p>", (long long)id);
	const char *cancelled = web_req_form_get(&p->rq->query, "cancelled");
	long ncancel;
	if (cancelled && util_parse_long(cancelled, 0, 1000000000L, &ncancel) == 0)
		web_html_out(b, "<p class=\"ok\">Đã hủy thông báo %lld: %ld lượt gửi đang chờ đã dừng; "
				"lượt đang gửi dở sẽ xong và được ghi lại.</p>",
			     (long long)id, ncancel);
	const char *resent = web_req_form_get(&p->rq->query, "resent");
	long nresent;
	if (resent && util_parse_long(resent, 0, 1000000000L, &nresent) == 0)
		web_html_out(b, "<p class=\"ok\">Đã gửi lại thông báo %lld cho %ld hộ chưa nhận; "
				"các lượt gửi mới đang chờ.</p>",
			     (long long)id, nresent);
	notice_header(p, &n);
	web_html_out(b,
		     "<p class=\"links noprint\"><a href=\"/unreached?id=%lld\">Hộ chưa nhận (đi đến tận nhà)</a>"
		     "<a href=\"/notice.csv?id=%lld\">Tải CSV nhật ký</a>"
		     "<a href=\"/notice.csv?id=%lld&amp;unreached=1\">Tải CSV hộ chưa nhận</a></p>",
		     (long long)id, (long long)id, (long long)id);
	struct progress pr;
	memset(&pr, 0, sizeof pr);
	int rc = store_report_counts(p->st, id, add_count, &pr, clock_wall_s());
	struct waiting w = { 0, 0 };
	if (rc == STORE_OK)
		rc = store_report_counts(p->st, id, add_waiting, &w, clock_wall_s());
	if (rc == STORE_OK && strcmp(n.state, "cancelled") != 0 && w.queued) {
		web_html_out(b, "<form method=\"post\" action=\"/notice/cancel\" class=\"noprint\">"
				"<input type=\"hidden\" name=\"id\" value=\"%lld\">",
			     (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<button class=\"btn danger\" type=\"submit\">Hủy thông báo…</button> "
				"<span class=\"muted\">%d lượt gửi đang chờ</span></form>",
			     w.queued);
	}
	struct resend_stats rs;
	if (rc == STORE_OK && strcmp(n.state, "cancelled") != 0 &&
	    (rc = store_resend_preview(p->st, id, NULL, 0, &rs, clock_wall_s())) == STORE_OK && rs.households) {
		web_html_out(b, "<form method=\"post\" action=\"/notice/resend\" class=\"noprint\">"
				"<input type=\"hidden\" name=\"id\" value=\"%lld\">",
			     (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<button class=\"btn\" type=\"submit\">Gửi lại cho hộ chưa nhận…</button> "
				"<span class=\"muted\">%d hộ</span></form>",
			     rs.households);
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Tiến độ</h2><div class=\"wrap\"><table><tr><th>Kênh</th><th>Đã tới</th></tr><tr><td>SMS</td>");
		chan_cell(b, &pr.sms);
		sbuf_add(b, "</tr><tr><td>Cuộc gọi</td>");
		chan_cell(b, &pr.voice);
		if (pr.visit.total) {
			sbuf_add(b, "</tr><tr><td>Báo tận nhà</td>");
			chan_cell(b, &pr.visit);
		}
		/* households, whatever the channel: what the report's line says */
		struct report_reach rr;
		if ((rc = store_report_reach(p->st, id, &rr, clock_wall_s())) == STORE_OK) {
			web_html_out(b, "</tr><tr><td><b>Số hộ đã nhận</b></td><td><b>%d/%d</b> <progress value=\"%d\" "
					"max=\"%d\"></progress>",
				     rr.reached, rr.households, rr.reached, rr.households);
			if (rr.visited)
				web_html_out(b, "<br><span class=\"muted\">trong đó %d hộ được báo tận nhà</span>", rr.visited);
			if (rr.unreached)
				web_html_out(b, "<br><a href=\"/unreached?id=%lld\">%d hộ chưa nhận: đến báo tận nhà</a>",
					     (long long)id, rr.unreached);
			sbuf_add(b, "</td>");
		}
		sbuf_add(b, "</tr></table></div><h2>Theo thời gian</h2><div class=\"wrap\">");
		if (rc == STORE_OK)
			rc = progress_svg(p, &n, &pr);
		sbuf_add(b, "</div>");
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Theo trạng thái</h2><div class=\"wrap\"><table><tr><th>Kênh</th><th>Trạng thái</th>"
			    "<th>Số</th></tr>");
		rc = store_report_counts(p->st, id, count_cell, b, clock_wall_s());
		sbuf_add(b, "</table></div>");
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Nhật ký từng hộ</h2><div class=\"wrap\"><table><tr><th>Hộ</th><th>SĐT</th><th>Nhóm</th>"
			    "<th>Kênh</th><th>Trạng thái</th><th>Lần thử</th><th>Cập nhật</th><th>Phím bấm</th>"
			    "<th>Nguyên nhân</th><th>Chi tiết</th><th>Modem</th></tr>");
		rc = store_report_deliveries(p->st, id, delivery_row, b);
		sbuf_add(b, "</table></div>");
	}
	store_notice_clear(&n);
	if (rc != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	web_html_foot(b);
}

/* The notice a cancel or resend form names (its "id"): 0 with the notice
 * loaded (caller clears it) and `back` its page; -1 when the answer is
 * already made (a bad id, no such notice, or a cancelled one: back to its
 * page, nothing to do). */
static int active_notice(struct web_page *p, int64_t *id, struct notice *n, char *back, size_t backlen)
{
	if (web_req_id(web_req_form_get(&p->rq->form, "id"), id) != 0) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã số (id).");
		return -1;
	}
	if (web_page_get_notice_id(p, *id, n) != 0)
		return -1;
	snprintf(back, backlen, "/notice?id=%lld", (long long)*id);
	if (strcmp(n->state, "cancelled") == 0) {
		store_notice_clear(n);
		web_page_redirect(p->rep, back);
		return -1;
	}
	return 0;
}

/* Cancelling a notice: the notice page's button posts here without
 * confirm and gets a page saying what will happen; its button posts again
 * with confirm=1.  Both carry the CSRF token (the gate checks it). */
void web_notice_cancel(struct web_page *p)
{
	int64_t id;
	struct notice n;
	char back[64];
	if (active_notice(p, &id, &n, back, sizeof back) != 0)
		return;
	if (!web_req_form_get(&p->rq->form, "confirm")) {
		struct waiting w = { 0, 0 };
		if (store_report_counts(p->st, id, add_waiting, &w, clock_wall_s()) != STORE_OK) {
			store_notice_clear(&n);
			web_page_db_error(p);
			return;
		}
		struct sbuf *b = p->b;
		char title[48];
		snprintf(title, sizeof title, "Hủy thông báo %lld", (long long)id);
		web_html_head(b, title, p->user, p->csrf);
		web_html_out(b, "<h1>Hủy thông báo %lld?</h1><pre>%s</pre>", (long long)id, n.text);
		web_html_out(b,
			     "<p><b>%d</b> lượt gửi đang chờ sẽ bị hủy và không gửi nữa.</p>"
			     "<p>%d lượt đang gửi dở (đang gửi SMS hoặc đang gọi) sẽ tiếp tục cho xong và được ghi lại.</p>"
			     "<p>Việc hủy không lấy lại được.</p>"
			     "<form method=\"post\" action=\"/notice/cancel\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
			     "<input type=\"hidden\" name=\"confirm\" value=\"1\">",
			     w.queued, w.inflight, (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<p><button class=\"btn danger\" type=\"submit\">Xác nhận hủy</button></p></form>"
				"<p><a href=\"%s\">Không hủy, quay lại</a></p>",
			     back);
		web_html_foot(b);
		store_notice_clear(&n);
		return;
	}
	store_notice_clear(&n);
	char by[96];
	snprintf(by, sizeof by, "web:%s", p->user);
	int k = 0;
	if (store_notice_cancel(p->st, id, by, &k, clock_wall_s()) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	LOG_I("web", "notice %lld cancelled by %s from %s: %d pending deliveries", (long long)id, p->user,
	      p->rq->addr ? p->rq->addr : "?", k);
	char to[80];
	snprintf(to, sizeof to, "/notice?id=%lld&cancelled=%d", (long long)id, k);
	web_page_redirect(p->rep, to);
}

/* Resending to the households not reached: like cancelling, the notice
 * page's button posts here without confirm and gets the preview (who, how
 * many SMS parts and calls, who is left out and why); its button posts
 * again with confirm=1.  Uncertain SMS are left out here: resending them
 * is a decision for the command line (`--uncertain`). */
void web_notice_resend(struct web_page *p)
{
	int64_t id;
	struct notice n;
	char back[64];
	if (active_notice(p, &id, &n, back, sizeof back) != 0)
		return;
	struct resend_stats rs;
	if (!web_req_form_get(&p->rq->form, "confirm")) {
		if (store_resend_preview(p->st, id, NULL, 0, &rs, clock_wall_s()) != STORE_OK) {
			store_notice_clear(&n);
			web_page_db_error(p);
			return;
		}
		struct sbuf *b = p->b;
		char title[64];
		snprintf(title, sizeof title, "Gửi lại thông báo %lld", (long long)id);
		web_html_head(b, title, p->user, p->csrf);
		web_html_out(b, "<h1>Gửi lại thông báo %lld cho hộ chưa nhận?</h1><pre>%s</pre>", (long long)id, n.text);
		store_notice_clear(&n);
		web_html_out(b, "<p>%d hộ chưa nhận.</p>", rs.unreached);
		if (rs.households)
			web_html_out(b,
				     "<p><b>%d</b> hộ sẽ được gửi lại: %d tin SMS (%d phần, khoảng %ld đ), %d cuộc gọi. "
				     "Đây là lượt gửi mới của cùng thông báo; số lần thử tính lại từ đầu.</p>",
				     rs.households, rs.sms, rs.sms_parts,
				     (long)rs.sms_parts * p->app->cfg.notice.sms_part_cost, rs.voice);
		if (rs.pending)
			web_html_out(b, "<p>%d hộ đang được gửi hoặc chờ gửi: không gửi lại.</p>", rs.pending);
		if (rs.uncertain)
			web_html_out(b, "<p>%d tin SMS chưa chắc chắn (điện thoại có thể đã nhận): không gửi lại ở đây.</p>",
				     rs.uncertain);
		if (rs.gone)
			web_html_out(b, "<p>%d hộ đã bị xóa hoặc đã từ chối nhận thông báo thường: không gửi lại.</p>",
				     rs.gone);
		if (!rs.households) {
			web_html_out(b, "<p>Không có hộ nào cần gửi lại.</p><p><a href=\"%s\">Quay lại</a></p>", back);
			web_html_foot(b);
			return;
		}
		web_html_out(b, "<form method=\"post\" action=\"/notice/resend\"><input type=\"hidden\" name=\"id\" "
				"value=\"%lld\"><input type=\"hidden\" name=\"confirm\" value=\"1\">",
			     (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<p><button class=\"btn\" type=\"submit\">Xác nhận gửi lại</button></p></form>"
				"<p><a href=\"%s\">Không gửi, quay lại</a></p>",
			     back);
		web_html_foot(b);
		return;
	}
	store_notice_clear(&n);
	char by[96];
	snprintf(by, sizeof by, "web:%s", p->user);
	if (store_resend(p->st, id, NULL, 0, by, &rs, clock_wall_s()) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	LOG_I("web", "notice %lld resent by %s from %s: %d households, %d sms, %d voice", (long long)id, p->user,
	      p->rq->addr ? p->rq->addr : "?", rs.households, rs.sms, rs.voice);
	char to[80];
	snprintf(to, sizeof to, "/notice?id=%lld&resent=%d", (long long)id, rs.households);
	web_page_redirect(p->rep, to);
}

void web_notice_csv(struct web_page *p)
{
	int64_t id;
	if (web_page_query_id(p, "id", &id) != 0)
		return;
	int unreached = web_req_form_get(&p->rq->query, "unreached") != NULL;
	char name[64];
	snprintf(name, sizeof name, unreached ? "thong-bao-%lld-chua-nhan.csv" : "thong-bao-%lld.csv", (long long)id);
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, name);
	web_page_csv_end(p, &c, report_notice_csv(p->st, id, unreached, f));
}

