/* web_notice — the notice pages (see web_page_int.h): the list with
 * progress per channel, one notice (its counts, progress chart and
 * delivery log a page at a time, filtered), cancelling one, resending it
 * to the households not reached, and the list's CSV (the log's downloads
 * are web_export.c's).
 *
 * DESIGN: a notice to 100,000 households has 200,000 deliveries; the page
 * must stay small and quick whatever it shows.  The counts (progress per
 * channel, by state, what a cancel would stop) come from one index-only
 * tally (store_report_tally); the log shows PAGE_ROWS deliveries at a time
 * with page links, filtered by state, channel, group and "only households
 * not reached" through plain GET forms; the chart, which reads every
 * reached delivery, is drawn on the overview (the first page, unfiltered)
 * only; the exact count of a resend is asked of the store only for small
 * notices, a large one shows the button and its confirmation page counts. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "db/channel.h"
#include "db/store.h"
#include "domain/cause.h"
#include "domain/notice.h"
#include "domain/sheet.h"
#include "web/web_html.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_ROWS 100          /* deliveries per page of the log */
#define LIST_ROWS 20           /* notices per page of the list */
#define RESEND_EXACT_MAX 20000 /* deliveries: up to this the resend button says how many households */
#define MAX_CH 8
#define MAX_COUNTS 64

/* ---- counts per channel, from the index ---- */

struct chan {
	int total, reached, pending, failed, cancelled;
};
struct tally {
	struct chan ch[MAX_CH];      /* by row of channel_table */
	int total;
	int queued, inflight;        /* a cancel stops the first, lets the second finish */
	int resendable;              /* final, not reached, not uncertain */
	int ncounts;
	struct {
		int ch;
		char state[16];
		int n;
	} counts[MAX_COUNTS];
};

static int chan_index(const char *id)
{
	for (int i = 0; i < MAX_CH && channel_table[i].id; i++)
		if (strcmp(channel_table[i].id, id) == 0)
			return i;
	return -1;
}

static int tally_add(const struct report_count *c, void *arg)
{
	struct tally *t = arg;
	int i = chan_index(c->channel);
	if (i < 0)
		return 0; /* not a channel of this build: nothing to show it as */
	struct chan *ch = &t->ch[i];
	ch->total += c->n;
	t->total += c->n;
	if (channel_state_reached(c->state))
		ch->reached += c->n;
	else if (strcmp(c->state, "cancelled") == 0)
		ch->cancelled += c->n; /* stopped on purpose: not a failure to reach */
	else
		ch->failed += c->n - c->pending;
	ch->pending += c->pending;
	if (strcmp(c->state, "queued") == 0)
		t->queued += c->n;
	else if (strcmp(c->state, "sending") == 0 || strcmp(c->state, "dialing") == 0 ||
		 strcmp(c->state, "ringing") == 0 || strcmp(c->state, "answered") == 0)
		t->inflight += c->n;
	if (channel_state_final(c->channel, c->state) && !channel_state_reached(c->state) &&
	    strcmp(c->state, "uncertain") != 0)
		t->resendable += c->n;
	if (t->ncounts < MAX_COUNTS) {
		t->counts[t->ncounts].ch = i;
		snprintf(t->counts[t->ncounts].state, sizeof t->counts[0].state, "%s", c->state);
		t->counts[t->ncounts++].n = c->n;
	}
	return 0;
}

static int tally_load(struct store *st, int64_t id, struct tally *t)
{
	memset(t, 0, sizeof *t);
	return store_report_tally(st, id, tally_add, t, clock_wall_s());
}

static void chan_cell(struct sbuf *b, const struct chan *c, const char *label)
{
	if (!c->total) {
		web_html_out(b, "<td data-l=\"%s\" class=\"muted\">—</td>", label);
		return;
	}
	web_html_out(b, "<td data-l=\"%s\">%d/%d <progress value=\"%d\" max=\"%d\"></progress>", label, c->reached,
		     c->total, c->reached, c->total);
	if (c->pending)
		web_html_out(b, "<br><span class=\"muted\">%d đang gửi/chờ</span>", c->pending);
	if (c->failed)
		web_html_out(b, "<br><span class=\"bad\">%d không tới</span>", c->failed);
	if (c->cancelled)
		web_html_out(b, "<br><span class=\"muted\">%d đã hủy</span>", c->cancelled);
	sbuf_add(b, "</td>");
}

/* 200000 -> "200.000", as Vietnamese write it. */
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

/* ---- notices list ---- */

struct list_ctx {
	struct web_page *p;
	FILE *csv;
	int n, rc;
};

static int notice_row(const struct notice *n, void *arg)
{
	struct list_ctx *l = arg;
	struct tally t;
	if (tally_load(l->p->st, n->id, &t) != STORE_OK) {
		l->rc = STORE_ERR;
		return 1;
	}
	l->n++;
	char when[32], due[32] = "";
	clock_format_local(n->created_at, when, sizeof when);
	if (n->due_at > n->created_at)
		clock_format_local(n->due_at, due, sizeof due);
	if (l->csv) {
		char id[24], src[96], num[MAX_CH][2][16];
		const char *f[8 + 2 * MAX_CH];
		int k = 0;
		snprintf(id, sizeof id, "%lld", (long long)n->id);
		f[k++] = id;
		f[k++] = when;
		f[k++] = due;
		f[k++] = n->targets;
		f[k++] = n->urgent ? "có" : "không";
		f[k++] = strcmp(n->state, "cancelled") == 0 ? "đã hủy" : "đang có hiệu lực";
		f[k++] = web_page_source(n->source, src, sizeof src);
		f[k++] = n->text;
		for (int i = 0; i < MAX_CH && channel_table[i].id; i++) {
			snprintf(num[i][0], sizeof num[i][0], "%d", t.ch[i].total);
			snprintf(num[i][1], sizeof num[i][1], "%d", t.ch[i].reached);
			f[k++] = num[i][0];
			f[k++] = num[i][1];
		}
		sheet_write_row(l->csv, f, k);
		return 0;
	}
	struct sbuf *b = l->p->b;
	sbuf_add(b, n->urgent ? "<tr class=\"urgent-row\">" : "<tr>");
	web_html_out(b, "<td data-l=\"Số\"><a href=\"/notice?id=%lld\">%lld</a></td><td data-l=\"Lúc tạo\">%s",
		     (long long)n->id, (long long)n->id, when);
	if (due[0])
		web_html_out(b, "<br><span class=\"muted\">gửi lúc %s</span>", due);
	sbuf_add(b, "</td><td data-l=\"Gửi tới\">");
	if (n->urgent)
		sbuf_add(b, "<span class=\"urgent\">KHẨN</span> ");
	web_html_out(b, "%s%s</td><td data-l=\"Nội dung\">%s", n->targets,
		     strcmp(n->state, "cancelled") == 0 ? " (đã hủy)" : "", n->text);
	char src[96];
	web_html_out(b, "<br><span class=\"muted\">%s</span></td>", web_page_source(n->source, src, sizeof src));
	for (int i = 0; i < MAX_CH && channel_table[i].id; i++)
		chan_cell(b, &t.ch[i], channel_table[i].label_vi);
	sbuf_add(b, "</tr>");
	return 0;
}

void web_notice_list(struct web_page *p)
{
	int page, total = 0;
	if (web_page_number(p, &page) != 0)
		return;
	struct sbuf *b = p->b;
	web_html_head(b, "Thông báo", p->user, p->csrf);
	sbuf_add(b, "<h1>Thông báo</h1><p class=\"links noprint\"><a href=\"/new\">+ Tạo thông báo</a>"
		    "<a href=\"/notices.csv\">Tải CSV</a></p>"
		    "<div class=\"wrap\"><table class=\"stack\"><tr><th>Số</th><th>Lúc tạo</th><th>Gửi tới</th>"
		    "<th>Nội dung</th>");
	for (int i = 0; i < MAX_CH && channel_table[i].id; i++)
		web_html_out(b, "<th>%s</th>", channel_table[i].label_vi);
	sbuf_add(b, "</tr>");
	struct list_ctx l = { p, NULL, 0, STORE_OK };
	int rc = store_notice_page(p->st, (page - 1) * LIST_ROWS, LIST_ROWS, &total, notice_row, &l);
	if (rc != STORE_OK || l.rc != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	if (!total)
		sbuf_add(b, "<p>Chưa có thông báo nào.</p>");
	else if (!l.n)
		sbuf_add(b, "<p>Trang này không có thông báo nào.</p>");
	web_page_pager(b, "/", page, (total + LIST_ROWS - 1) / LIST_ROWS);
	web_html_foot(b);
}

void web_notice_list_csv(struct web_page *p)
{
	const char *cols[8 + 2 * MAX_CH] = { "Số", "Lúc tạo", "Gửi lúc", "Gửi tới", "Khẩn", "Trạng thái",
					     "Người tạo", "Nội dung" };
	char titles[MAX_CH][2][64];
	int k = 8;
	for (int i = 0; i < MAX_CH && channel_table[i].id; i++) {
		snprintf(titles[i][0], sizeof titles[i][0], "%s: số hộ", channel_table[i].label_vi);
		snprintf(titles[i][1], sizeof titles[i][1], "%s: đã tới", channel_table[i].label_vi);
		cols[k++] = titles[i][0];
		cols[k++] = titles[i][1];
	}
	struct web_page_csv c;
	FILE *f = web_page_csv_begin(p, &c, "thong-bao.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, k);
	struct list_ctx l = { p, f, 0, STORE_OK };
	int rc = store_notice_page(p->st, 0, -1, NULL, notice_row, &l);
	web_page_csv_end(p, &c, rc != STORE_OK ? rc : l.rc);
}

/* ---- one notice: the chart ---- */

#define SVG_W 640
#define SVG_H 240
#define SVG_L 48
#define SVG_R 12
#define SVG_T 12
#define SVG_B 36
#define SVG_PW (SVG_W - SVG_L - SVG_R) /* one bucket per pixel of the time axis */

struct svg_pt {
	int64_t at;
	int ch;
};
struct svg_ctx {
	struct svg_pt *pts;
	int n, cap;
};

static int svg_add(const char *channel, int64_t at, void *arg)
{
	struct svg_ctx *s = arg;
	int ch = chan_index(channel);
	if (ch < 0)
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->pts = xrealloc(s->pts, (size_t)s->cap * sizeof *s->pts);
	}
	s->pts[s->n].at = at;
	s->pts[s->n].ch = ch;
	s->n++;
	return 0;
}

static const char *const chan_color[MAX_CH] = { "#15803d", "#1d4ed8", "#b45309", "#7c3aed",
						"#be123c", "#0f766e", "#4d7c0f", "#334155" };

/* Reached households over time, one step line per channel, as inline SVG
 * (no script, no external file: it prints and saves with the page).  The
 * points are counted into one bucket per pixel of the time axis, so a
 * notice to 100,000 households draws as few points as one to 100. */
static int progress_svg(struct web_page *p, const struct notice *n, const struct tally *t)
{
	struct svg_ctx s = { NULL, 0, 0 };
	if (store_web_progress(p->st, n->id, svg_add, &s) != STORE_OK) {
		free(s.pts);
		return STORE_ERR;
	}
	struct sbuf *b = p->b;
	const int W = SVG_W, H = SVG_H, L = SVG_L, R = SVG_R, T = SVG_T, B = SVG_B;
	int64_t t0 = n->due_at > n->created_at ? n->due_at : n->created_at;
	int64_t t1 = t0;
	int pending = 0, ymax = 1;
	for (int i = 0; i < s.n; i++)
		if (s.pts[i].at > t1)
			t1 = s.pts[i].at;
	for (int c = 0; c < MAX_CH; c++) {
		pending += t->ch[c].pending;
		if (t->ch[c].total > ymax)
			ymax = t->ch[c].total;
	}
	int64_t now = clock_wall_s();
	if (pending && now > t1)
		t1 = now;
	if (t1 <= t0)
		t1 = t0 + 60;
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
	int *bucket = xcalloc(SVG_PW + 1, sizeof *bucket);
	int legend = 0;
	for (int c = MAX_CH - 1; c >= 0; c--) {
		if (!t->ch[c].total)
			continue;
		memset(bucket, 0, (SVG_PW + 1) * sizeof *bucket);
		for (int i = 0; i < s.n; i++) {
			if (s.pts[i].ch != c)
				continue;
			int64_t at = s.pts[i].at < t0 ? t0 : s.pts[i].at;
			bucket[(at - t0) * SVG_PW / (t1 - t0)]++;
		}
		sbuf_printf(b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"%d,%d", chan_color[c], L,
			    H - B);
		int cnt = 0, y = H - B;
		for (int x = 0; x <= SVG_PW; x++) {
			if (!bucket[x])
				continue;
			cnt += bucket[x];
			sbuf_printf(b, " %d,%d", L + x, y);
			y = H - B - (int)((int64_t)cnt * (H - B - T) / ymax);
			sbuf_printf(b, " %d,%d", L + x, y);
		}
		sbuf_printf(b, " %d,%d\"/>", W - R, y);
	}
	for (int c = 0; c < MAX_CH && channel_table[c].id; c++) {
		if (!t->ch[c].total)
			continue;
		web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"", L + 190 * legend++, H - 6);
		sbuf_add(b, chan_color[c]);
		web_html_out(b, "\">— %s: %d/%d đã tới</text>", channel_table[c].label_vi, t->ch[c].reached,
			     t->ch[c].total);
	}
	sbuf_add(b, "</svg>");
	free(bucket);
	free(s.pts);
	return STORE_OK;
}

/* ---- one notice: the filter and the log ---- */

/* Letters, digits, '-' and '_' only: safe in a link and a form as is. */
static int plain(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n >= max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int state_known(const char *state)
{
	for (const struct channel *c = channel_table; c->id; c++)
		if (channel_state_known(c->id, state))
			return 1;
	return 0;
}

int web_notice_filter(struct web_page *p, struct web_filter *wf)
{
	memset(wf, 0, sizeof *wf);
	const struct web_form *q = &p->rq->query;
	const char *state = web_req_form_get(q, "state");
	const char *channel = web_req_form_get(q, "channel");
	const char *group = web_req_form_get(q, "group");
	const char *unreached = web_req_form_get(q, "unreached");
	if (state && *state) {
		if (!plain(state, sizeof wf->state) || !state_known(state)) {
			web_page_error(p->rep, 400, "Bộ lọc trạng thái không hợp lệ (state).");
			return -1;
		}
		snprintf(wf->state, sizeof wf->state, "%s", state);
	}
	if (channel && *channel) {
		if (!plain(channel, sizeof wf->channel) || !channel_find(channel)) {
			web_page_error(p->rep, 400, "Bộ lọc kênh không hợp lệ (channel).");
			return -1;
		}
		snprintf(wf->channel, sizeof wf->channel, "%s", channel);
	}
	if (group && *group) {
		if (!plain(group, sizeof wf->group)) {
			web_page_error(p->rep, 400, "Bộ lọc nhóm không hợp lệ (group).");
			return -1;
		}
		snprintf(wf->group, sizeof wf->group, "%s", group);
	}
	if (unreached && *unreached) {
		if (strcmp(unreached, "1") != 0) {
			web_page_error(p->rep, 400, "Bộ lọc \"chỉ hộ chưa nhận\" không hợp lệ (unreached).");
			return -1;
		}
		wf->unreached = 1;
	}
	return 0;
}

void web_filter_store(const struct web_filter *wf, struct report_filter *f)
{
	f->state = wf->state[0] ? wf->state : NULL;
	f->channel = wf->channel[0] ? wf->channel : NULL;
	f->group = wf->group[0] ? wf->group : NULL;
	f->unreached = wf->unreached;
}

void web_filter_query(struct sbuf *b, const struct web_filter *wf)
{
	if (wf->state[0])
		sbuf_printf(b, "&amp;state=%s", wf->state);
	if (wf->channel[0])
		sbuf_printf(b, "&amp;channel=%s", wf->channel);
	if (wf->group[0])
		sbuf_printf(b, "&amp;group=%s", wf->group);
	if (wf->unreached)
		sbuf_add(b, "&amp;unreached=1");
}

static int filtered(const struct web_filter *wf)
{
	return wf->state[0] || wf->channel[0] || wf->group[0] || wf->unreached;
}

/* The states any channel has, each once, in the channels' order. */
static int state_options(const char **out, int max)
{
	int n = 0;
	for (const struct channel *c = channel_table; c->id; c++)
		for (const char *const *s = c->states; *s; s++) {
			int seen = 0;
			for (int i = 0; i < n && !seen; i++)
				seen = strcmp(out[i], *s) == 0;
			if (!seen && n < max)
				out[n++] = *s;
		}
	return n;
}

static void filter_form(struct sbuf *b, int64_t id, const struct web_filter *wf, const struct web_groups *g)
{
	web_html_out(b, "<form method=\"get\" action=\"/notice\" class=\"filters noprint\">"
			"<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			"<label>Trạng thái<br><select name=\"state\"><option value=\"\">Tất cả</option>",
		     (long long)id);
	const char *states[64];
	int ns = state_options(states, (int)ARRAY_LEN(states));
	for (int i = 0; i < ns; i++)
		web_html_out(b, "<option value=\"%s\"%s>%s</option>", states[i],
			     strcmp(states[i], wf->state) == 0 ? " selected" : "", web_html_state(states[i]));
	sbuf_add(b, "</select></label><label>Kênh<br><select name=\"channel\"><option value=\"\">Tất cả</option>");
	for (const struct channel *c = channel_table; c->id; c++)
		web_html_out(b, "<option value=\"%s\"%s>%s</option>", c->id, strcmp(c->id, wf->channel) == 0 ? " selected" : "",
			     c->label_vi);
	sbuf_add(b, "</select></label><label>Nhóm<br><select name=\"group\"><option value=\"\">Tất cả</option>");
	for (int i = 0; i < g->n; i++)
		web_html_out(b, "<option value=\"%s\"%s>%s</option>", g->g[i].code,
			     strcasecmp(g->g[i].code, wf->group) == 0 ? " selected" : "",
			     g->g[i].name[0] ? g->g[i].name : g->g[i].code);
	web_html_out(b, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"unreached\" value=\"1\"%s>"
			" Chỉ hộ chưa nhận</label><button class=\"btn\" type=\"submit\">Lọc</button>",
		     wf->unreached ? " checked" : "");
	if (filtered(wf))
		web_html_out(b, " <a href=\"/notice?id=%lld\">Bỏ lọc</a>", (long long)id);
	sbuf_add(b, "</form>");
}

struct log_ctx {
	struct sbuf *b;
	const struct web_groups *g;
	struct sbuf names;
};

static int delivery_row(const struct report_row *r, void *arg)
{
	struct log_ctx *x = arg;
	struct sbuf *b = x->b;
	web_groups_names(x->g, r->groups, &x->names);
	char nat[24];
	phone_national(r->phone, nat, sizeof nat);
	web_html_out(b, "<tr><td data-l=\"Hộ\"><a href=\"/household?id=%lld\">%s</a></td><td data-l=\"SĐT\">%s%s</td>",
		     (long long)r->household_id, r->name, nat, r->phone_idx ? " (số 2)" : "");
	web_html_out(b, "<td data-l=\"Nhóm\">%s</td><td data-l=\"Kênh\">%s</td>", x->names.s, channel_label(r->channel));
	web_html_out(b, "<td data-l=\"Trạng thái\" class=\"%s\">%s</td><td data-l=\"Lần thử\">%d</td>"
			"<td data-l=\"Cập nhật\">",
		     channel_state_reached(r->state) ? "ok" : "", web_html_state(r->state), r->attempts);
	web_html_time(b, r->updated_at);
	sbuf_add(b, "</td>");
	if (r->keys[0])
		web_html_out(b, "<td data-l=\"Phím bấm\">%s</td>", r->keys);
	else
		sbuf_add(b, "<td class=\"empty\"></td>");
	char words[512];
	cause_words(r->state, r->last_error, CAUSE_VI, words, sizeof words);
	if (words[0])
		web_html_out(b, "<td data-l=\"Nguyên nhân\">%s</td>", words);
	else
		sbuf_add(b, "<td class=\"empty\"></td>");
	if (r->last_error[0])
		web_html_out(b, "<td data-l=\"Chi tiết\" class=\"muted\">%s</td>", r->last_error);
	else
		sbuf_add(b, "<td class=\"empty\"></td>");
	if (r->modem[0])
		web_html_out(b, "<td data-l=\"Modem\">%s</td></tr>", r->modem);
	else
		sbuf_add(b, "<td class=\"empty\"></td></tr>");
	return 0;
}

/* The log: the filter form, where these rows are in it, the rows, the
 * page links and the downloads of what the filter keeps. */
static int delivery_log(struct web_page *p, int64_t id, const struct web_filter *wf, int page, const struct tally *t)
{
	struct sbuf *b = p->b;
	struct web_groups g;
	if (web_groups_load(p, &g, 0) != 0)
		return STORE_ERR;
	struct report_filter f;
	web_filter_store(wf, &f);
	sbuf_add(b, "<h2 id=\"nhat-ky\">Nhật ký từng hộ</h2>");
	filter_form(b, id, wf, &g);
	/* The whole notice, or only a channel and a state: the tally knows how
	 * many; otherwise the store counts with the page. */
	int total = -1;
	if (!wf->group[0] && !wf->unreached) {
		total = 0;
		for (int i = 0; i < t->ncounts; i++)
			if ((!wf->state[0] || strcmp(t->counts[i].state, wf->state) == 0) &&
			    (!wf->channel[0] || strcmp(channel_table[t->counts[i].ch].id, wf->channel) == 0))
				total += t->counts[i].n;
	}
	struct sbuf rows;
	sbuf_init(&rows);
	struct log_ctx x = { &rows, &g, { NULL, 0, 0 } };
	int rc = store_report_page(p->st, id, &f, NULL, (page - 1) * PAGE_ROWS, PAGE_ROWS, total < 0 ? &total : NULL,
				   delivery_row, &x, clock_wall_s());
	sbuf_free(&x.names);
	web_groups_free(&g);
	if (rc != STORE_OK) {
		sbuf_free(&rows);
		return rc;
	}
	int pages = (total + PAGE_ROWS - 1) / PAGE_ROWS;
	char a[16], z[16], all[16];
	if (!total)
		sbuf_add(b, filtered(wf) ? "<p>Không có lượt gửi nào khớp bộ lọc.</p>" : "<p>Chưa có lượt gửi nào.</p>");
	else if (page > pages)
		web_html_out(b, "<p>Trang %d không có: bộ lọc còn %s lượt gửi, %d trang.</p>", page,
			     thousands(total, all, sizeof all), pages);
	else
		web_html_out(b, "<p>Lượt gửi %s–%s trong %s%s · trang %d/%d.</p>",
			     thousands((page - 1) * PAGE_ROWS + 1, a, sizeof a),
			     thousands(page * PAGE_ROWS < total ? page * PAGE_ROWS : total, z, sizeof z),
			     thousands(total, all, sizeof all), filtered(wf) ? " khớp bộ lọc" : "", page, pages);
	if (rows.len) {
		sbuf_add(b, "<div class=\"wrap\"><table class=\"stack\"><tr><th>Hộ</th><th>SĐT</th><th>Nhóm</th><th>Kênh</th>"
			    "<th>Trạng thái</th><th>Lần thử</th><th>Cập nhật</th><th>Phím bấm</th><th>Nguyên nhân</th>"
			    "<th>Chi tiết</th><th>Modem</th></tr>");
		sbuf_addn(b, rows.s, rows.len);
		sbuf_add(b, "</table></div>");
	}
	sbuf_free(&rows);
	struct sbuf base;
	sbuf_init(&base);
	sbuf_printf(&base, "/notice?id=%lld", (long long)id);
	web_filter_query(&base, wf);
	web_page_pager(b, base.s, page, pages);
	sbuf_reset(&base);
	sbuf_printf(&base, "?id=%lld", (long long)id);
	web_filter_query(&base, wf);
	if (total) {
		web_html_out(b, "<p class=\"links noprint\">Tải về %s: ",
			     filtered(wf) ? "các lượt gửi khớp bộ lọc" : "cả nhật ký");
		sbuf_printf(b, "<a href=\"/notice.csv%s\">CSV</a><a href=\"/notice.xlsx%s\">Excel (.xlsx)</a></p>",
			    base.s, base.s);
	}
	sbuf_free(&base);
	return STORE_OK;
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
	/* a recording (--audio, or the head's by phone): playable here */
	if (n->audio_path && n->audio_path[0])
		web_html_out(b,
			     "<p class=\"noprint\"><audio controls preload=\"none\" src=\"/notice.wav?id=%lld\">"
			     "<a href=\"/notice.wav?id=%lld\">Nghe bản ghi âm</a></audio></p>",
			     (long long)n->id, (long long)n->id);
}

/* ---- GET /notice.wav?id=N: the notice's recording ---- */

struct wav_stream {
	int fd;
};

static long wav_read(void *ctx, char *buf, size_t max)
{
	struct wav_stream *w = ctx;
	for (;;) {
		ssize_t n = read(w->fd, buf, max);
		if (n >= 0)
			return (long)n;
		if (errno != EINTR)
			return -1;
	}
}

static void wav_done(void *ctx)
{
	struct wav_stream *w = ctx;
	close(w->fd);
	free(w);
}

/* The path comes from the notice's row, never from the request: the URL
 * carries only the id.  Even so, only a regular file that is a WAV (RIFF
 * ... WAVE) is sent, never through a symlink. */
void web_notice_audio(struct web_page *p)
{
	struct notice n;
	int64_t id;
	if (web_page_get_notice(p, &n, &id) != 0)
		return;
	int fd = -1;
	if (n.audio_path && n.audio_path[0])
		fd = open(n.audio_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && n.audio_path && n.audio_path[0])
		LOG_W("web", "notice %lld: its recording cannot be opened: %s", (long long)id, strerror(errno));
	store_notice_clear(&n);
	struct stat sb;
	unsigned char head[12];
	if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || pread(fd, head, sizeof head, 0) != sizeof head ||
			memcmp(head, "RIFF", 4) != 0 || memcmp(head + 8, "WAVE", 4) != 0)) {
		LOG_W("web", "notice %lld: its recording is not a WAV file; not sent", (long long)id);
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		web_page_error(p->rep, 404, "Thông báo này không có bản ghi âm.");
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	struct wav_stream *w = xmalloc(sizeof *w);
	w->fd = fd;
	p->rep->status = 200;
	p->rep->type = "audio/wav";
	p->rep->stream = (struct web_stream){ wav_read, wav_done, w, (int64_t)sb.st_size };
}

static void flash(struct web_page *p, int64_t id)
{
	struct sbuf *b = p->b;
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
}

/* The cancel and resend buttons, when they would do something. */
static int action_forms(struct web_page *p, const struct notice *n, const struct tally *t)
{
	struct sbuf *b = p->b;
	if (strcmp(n->state, "cancelled") == 0)
		return STORE_OK;
	if (t->queued) {
		web_html_out(b, "<form method=\"post\" action=\"/notice/cancel\" class=\"noprint\">"
				"<input type=\"hidden\" name=\"id\" value=\"%lld\">",
			     (long long)n->id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<button class=\"btn danger\" type=\"submit\">Hủy thông báo…</button> "
				"<span class=\"muted\">%d lượt gửi đang chờ</span></form>",
			     t->queued);
	}
	if (!t->resendable)
		return STORE_OK;
	/* How many households a resend takes needs every delivery of the
	 * notice: asked for small notices; a large one's confirmation page
	 * says it. */
	struct resend_stats rs;
	int exact = t->total <= RESEND_EXACT_MAX;
	if (exact) {
		int rc = store_resend_preview(p->st, n->id, NULL, 0, &rs, clock_wall_s());
		if (rc != STORE_OK)
			return rc;
		if (!rs.households)
			return STORE_OK;
	}
	web_html_out(b, "<form method=\"post\" action=\"/notice/resend\" class=\"noprint\">"
			"<input type=\"hidden\" name=\"id\" value=\"%lld\">",
		     (long long)n->id);
	web_html_csrf(b, p->csrf);
	sbuf_add(b, "<button class=\"btn\" type=\"submit\">Gửi lại cho hộ chưa nhận…</button>");
	if (exact)
		web_html_out(b, " <span class=\"muted\">%d hộ</span>", rs.households);
	else
		sbuf_add(b, " <span class=\"muted\">số hộ sẽ hiện ở bước sau</span>");
	sbuf_add(b, "</form>");
	return STORE_OK;
}

void web_notice_page(struct web_page *p)
{
	struct notice n;
	int64_t id;
	struct web_filter wf;
	int page;
	if (web_notice_filter(p, &wf) != 0 || web_page_number(p, &page) != 0)
		return;
	if (web_page_get_notice(p, &n, &id) != 0)
		return;
	struct sbuf *b = p->b;
	char title[48];
	snprintf(title, sizeof title, "Thông báo %lld", (long long)id);
	web_html_head(b, title, p->user, p->csrf);
	flash(p, id);
	notice_header(p, &n);
	web_html_out(b,
		     "<p class=\"links noprint\"><a href=\"/unreached?id=%lld\">Hộ chưa nhận (đi đến tận nhà)</a>"
		     "<a href=\"/notice.csv?id=%lld\">Tải CSV nhật ký</a>"
		     "<a href=\"/notice.csv?id=%lld&amp;unreached=1\">Tải CSV hộ chưa nhận</a></p>",
		     (long long)id, (long long)id, (long long)id);
	struct tally t;
	int rc = tally_load(p->st, id, &t);
	if (rc == STORE_OK)
		rc = action_forms(p, &n, &t);
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Tiến độ</h2><div class=\"wrap\"><table><tr><th>Kênh</th><th>Đã tới</th></tr>");
		for (int i = 0; i < MAX_CH && channel_table[i].id; i++) {
			if (!t.ch[i].total && i > 1)
				continue; /* SMS and calls always; another channel once used */
			web_html_out(b, "<tr><td>%s</td>", channel_table[i].label_vi);
			chan_cell(b, &t.ch[i], channel_table[i].label_vi);
			sbuf_add(b, "</tr>");
		}
		/* households reached by any channel (a visit too): one pass over
		 * the notice's rows, so only where that fits a page's time */
		struct report_reach reach;
		if (t.total <= RESEND_EXACT_MAX && store_report_reach(p->st, id, &reach, clock_wall_s()) == STORE_OK) {
			web_html_out(b, "<tr><td>Số hộ đã nhận</td><td data-l=\"Số hộ đã nhận\"><b>%d/%d</b>",
				     reach.reached, reach.households);
			if (reach.visited)
				web_html_out(b, " (trong đó %d hộ được báo tận nhà)", reach.visited);
			sbuf_add(b, "</td></tr>");
		}
		sbuf_add(b, "</table></div>");
	}
	if (rc == STORE_OK && page == 1 && !filtered(&wf)) {
		sbuf_add(b, "<h2>Theo thời gian</h2><div class=\"wrap\">");
		rc = progress_svg(p, &n, &t);
		sbuf_add(b, "</div>");
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Theo trạng thái</h2><div class=\"wrap\"><table><tr><th>Kênh</th><th>Trạng thái</th>"
			    "<th>Số</th></tr>");
		for (int i = 0; i < t.ncounts; i++)
			web_html_out(b, "<tr><td>%s</td><td>%s</td><td>%d</td></tr>",
				     channel_table[t.counts[i].ch].label_vi, web_html_state(t.counts[i].state),
				     t.counts[i].n);
		sbuf_add(b, "</table></div>");
	}
	if (rc == STORE_OK)
		rc = delivery_log(p, id, &wf, page, &t);
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
		struct tally w;
		if (tally_load(p->st, id, &w) != STORE_OK) {
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

