/* web_household — the households pages (see web_page_int.h): the list
 * with its search and filters, 50 to a page; adding and editing a
 * household (every field, groups by the names people write, opt-out,
 * deactivate and reactivate); and the groups every page loads to show
 * names and to turn typed names into codes.
 *
 * DESIGN: a household is validated by household_from_fields, the rules
 * the importer and `loa household add/edit` use; this file only words
 * its refusals in Vietnamese beside the field at fault (asking it again
 * with the faulty field replaced by a good one, so every problem of the
 * form is shown at once).  A phone shared with another household is a
 * warning on the saved page, never a refusal.  Every save is one
 * transaction with its event, whose detail names the web user and each
 * field that changed ("by an: phone 0912345678 → 0987654321"). */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "base/text.h"
#include "db/store.h"
#include "db/store_webhh.h"
#include "domain/group.h"
#include "domain/household.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { PAGE_SIZE = 50 };

/* ---- shared with web_admin.c ---- */

static int group_row(const struct store_group_row *r, void *arg)
{
	struct web_groups *gs = arg;
	gs->g = xrealloc(gs->g, (size_t)(gs->n + 1) * sizeof *gs->g);
	struct web_group *g = &gs->g[gs->n++];
	snprintf(g->code, sizeof g->code, "%s", r->code);
	snprintf(g->name, sizeof g->name, "%s", r->name);
	g->households = r->households;
	return 0;
}

int web_groups_load(struct web_page *p, struct web_groups *gs, int counts)
{
	memset(gs, 0, sizeof *gs);
	if (store_hh_group_each(p->st, counts, group_row, gs) != STORE_OK) {
		web_groups_free(gs);
		web_page_db_error(p);
		return -1;
	}
	gs->ref = xcalloc((size_t)gs->n + 1, sizeof *gs->ref);
	for (int i = 0; i < gs->n; i++) {
		gs->ref[i].code = gs->g[i].code;
		gs->ref[i].name = gs->g[i].name;
	}
	return 0;
}

void web_groups_free(struct web_groups *gs)
{
	free(gs->g);
	free(gs->ref);
	memset(gs, 0, sizeof *gs);
}

const char *web_groups_name(const struct web_groups *gs, const char *code)
{
	for (int i = 0; i < gs->n; i++)
		if (util_streq_ci(gs->g[i].code, code))
			return gs->g[i].name[0] ? gs->g[i].name : gs->g[i].code;
	return code;
}

void web_groups_names(const struct web_groups *g, const char *codes, struct sbuf *out)
{
	sbuf_reset(out);
	sbuf_add(out, "");
	const char *c = codes;
	while (*c) {
		while (*c == ' ')
			c++;
		size_t n = strcspn(c, " ");
		if (!n)
			break;
		char code[40];
		snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code ? n : sizeof code - 1), c);
		sbuf_printf(out, "%s%s", out->len ? ", " : "", web_groups_name(g, code));
		c += n;
	}
}

void web_page_url_param(struct sbuf *b, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	sbuf_addc(b, b->s && strchr(b->s, '?') ? '&' : '?');
	sbuf_add(b, key);
	sbuf_addc(b, '=');
	for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
		    strchr("-_.~", *v)) {
			sbuf_addc(b, (char)*v);
		} else {
			sbuf_addc(b, '%');
			sbuf_addc(b, hex[*v >> 4]);
			sbuf_addc(b, hex[*v & 15]);
		}
	}
}

void web_page_event_by(struct web_page *p, struct sbuf *detail)
{
	sbuf_printf(detail, "by web:%s: ", p->user);
}

/* ---- the list ---- */

/* The filters as the query string carries them. */
struct filters {
	const char *q, *group, *channel, *state;
	int optout;
	long page;
};

static void read_filters(struct web_page *p, struct filters *f)
{
	const struct web_form *qf = &p->rq->query;
	f->q = web_req_form_get(qf, "q");
	f->group = web_req_form_get(qf, "group");
	f->channel = web_req_form_get(qf, "channel");
	f->state = web_req_form_get(qf, "state");
	f->optout = web_req_form_get(qf, "optout") != NULL;
	const char *pg = web_req_form_get(qf, "page");
	if (!pg || util_parse_long(pg, 1, 1000000, &f->page) != 0)
		f->page = 1;
	if (!f->q)
		f->q = "";
	if (!f->group)
		f->group = "";
	if (!f->channel)
		f->channel = "";
	if (!f->state)
		f->state = "";
}

/* The list's address for another page, with the same filters. */
static void filters_url(struct sbuf *b, const struct filters *f, long page)
{
	sbuf_add(b, "/households");
	if (f->q[0])
		web_page_url_param(b, "q", f->q);
	if (f->group[0])
		web_page_url_param(b, "group", f->group);
	if (f->channel[0])
		web_page_url_param(b, "channel", f->channel);
	if (f->state[0])
		web_page_url_param(b, "state", f->state);
	if (f->optout)
		web_page_url_param(b, "optout", "1");
	if (page > 1) {
		char n[24];
		snprintf(n, sizeof n, "%ld", page);
		web_page_url_param(b, "page", n);
	}
}

static const char *channel_vi(int ch)
{
	return ch == CH_BOTH ? "SMS và gọi điện" : ch == CH_VOICE ? "Gọi điện" : "SMS";
}

static void option(struct sbuf *b, const char *value, const char *label, const char *current)
{
	web_html_out(b, "<option value=\"%s\"%s>%s</option>", value, strcmp(value, current) ? "" : " selected", label);
}

static void filter_form(struct web_page *p, const struct filters *f, const struct web_groups *gs)
{
	struct sbuf *b = p->b;
	web_html_out(b,
		     "<form method=\"get\" action=\"/households\" class=\"filters\" id=\"filters\">"
		     "<label>Tìm tên hoặc số điện thoại<br><input type=\"search\" name=\"q\" value=\"%s\" "
		     "maxlength=\"100\" placeholder=\"nguyen van an, 0912 345 678\"></label>"
		     "<label>Nhóm<br><select name=\"group\">",
		     f->q);
	option(b, "", "Tất cả các nhóm", f->group);
	for (int i = 0; i < gs->n; i++)
		option(b, gs->g[i].code, gs->g[i].name[0] ? gs->g[i].name : gs->g[i].code, f->group);
	sbuf_add(b, "</select></label><label>Nhận qua<br><select name=\"channel\">");
	option(b, "", "Mọi kênh", f->channel);
	option(b, "sms", "Chỉ SMS", f->channel);
	option(b, "voice", "Chỉ gọi điện", f->channel);
	option(b, "both", "Cả SMS và gọi điện", f->channel);
	sbuf_add(b, "</select></label><label>Hộ<br><select name=\"state\">");
	option(b, "", "Đang nhận thông báo", f->state);
	option(b, "inactive", "Đã ngừng (đã xóa)", f->state);
	option(b, "all", "Tất cả", f->state);
	web_html_out(b,
		     "</select></label><label><input type=\"checkbox\" name=\"optout\" value=\"1\"%s> "
		     "Chỉ hộ từ chối thông báo thường</label>"
		     "<p><button class=\"btn\" type=\"submit\">Tìm</button> <a href=\"/households\">Xóa bộ lọc</a></p>"
		     "</form>",
		     f->optout ? " checked" : "");
}

struct list_ctx {
	struct sbuf *b;                  /* the rows, written before the count */
	const struct web_groups *gs;
};

static void phone_link(struct sbuf *b, const char *e164)
{
	char nat[24];
	phone_national(e164, nat, sizeof nat);
	web_html_out(b, "<a href=\"tel:%s\">%s</a>", nat, nat);
}

/* The groups of a household ("a b"), by display name, comma-separated. */
static void groups_cell(struct sbuf *b, const struct web_groups *gs, const char *codes)
{
	char *copy = xstrdup(codes), *save = NULL;
	int i = 0;
	for (char *c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save))
		web_html_out(b, "%s%s", i++ ? ", " : "", web_groups_name(gs, c));
	free(copy);
}

static int list_row(const struct household *h, int active, void *arg)
{
	struct list_ctx *c = arg;
	struct sbuf *b = c->b;
	/* markup of ours goes in with sbuf_add: web_html_out escapes every %s */
	sbuf_add(b, active ? "<tr>" : "<tr class=\"muted\">");
	web_html_out(b, "<td data-l=\"Họ tên\"><a href=\"/household?id=%lld\">%s</a></td><td data-l=\"Điện thoại\">",
		     (long long)h->id, h->name);
	phone_link(b, h->phone);
	if (h->phone2[0]) {
		sbuf_add(b, "<br>");
		phone_link(b, h->phone2);
	}
	sbuf_add(b, "</td><td data-l=\"Nhóm\">");
	if (h->groups[0])
		groups_cell(b, c->gs, h->groups);
	else
		sbuf_add(b, "—");
	int remark = !active || h->opted_out || h->note[0];
	web_html_out(b, "</td><td data-l=\"Nhận qua\">%s%s</td>", channel_vi(h->channel), h->accents ? "" : " (không dấu)");
	sbuf_add(b, remark ? "<td data-l=\"Ghi chú\">" : "<td class=\"empty\">");
	int any = 0;
	if (!active) {
		sbuf_add(b, "<b>đã ngừng</b>");
		any = 1;
	}
	if (h->opted_out) {
		web_html_out(b, "%sđã từ chối thông báo thường", any ? "; " : "");
		any = 1;
	}
	if (h->note[0])
		web_html_out(b, "%s%s", any ? "; " : "", h->note);
	web_html_out(b, "</td><td><a href=\"/household/edit?id=%lld\">Sửa</a></td></tr>", (long long)h->id);
	return 0;
}

static void page_links(struct web_page *p, const struct filters *f, long pages)
{
	if (pages <= 1)
		return;
	struct sbuf *b = p->b;
	sbuf_add(b, "<p class=\"links pages noprint\">");
	struct sbuf u;
	sbuf_init(&u);
	long shown = 0;
	for (long i = 1; i <= pages; i++) {
		/* first, last, and two either side of this one */
		if (i != 1 && i != pages && (i < f->page - 2 || i > f->page + 2)) {
			if (shown != -1)
				sbuf_add(b, "<span>…</span>");
			shown = -1;
			continue;
		}
		shown = i;
		if (i == f->page) {
			web_html_out(b, "<b>%ld</b>", i);
			continue;
		}
		sbuf_reset(&u);
		filters_url(&u, f, i);
		web_html_out(b, "<a href=\"%s\">%ld</a>", u.s, i);
	}
	if (f->page < pages) {
		sbuf_reset(&u);
		filters_url(&u, f, f->page + 1);
		web_html_out(b, "<a href=\"%s\" rel=\"next\">Trang sau »</a>", u.s);
	}
	sbuf_free(&u);
	sbuf_add(b, "</p>");
}

void web_household_list(struct web_page *p)
{
	struct filters f;
	read_filters(p, &f);
	struct web_groups gs;
	if (web_groups_load(p, &gs, 0) != 0)
		return;
	struct store_hh_query q;
	memset(&q, 0, sizeof q);
	q.text = f.q;
	q.group = f.group[0] ? f.group : NULL;
	q.opted_out = f.optout;
	q.state = !strcmp(f.state, "inactive") ? STORE_HH_INACTIVE : !strcmp(f.state, "all") ? STORE_HH_ANY
												: STORE_HH_ACTIVE;
	q.channel = !strcmp(f.channel, "sms") ? CH_SMS : !strcmp(f.channel, "voice") ? CH_VOICE
						: !strcmp(f.channel, "both") ? CH_BOTH : 0;
	q.limit = PAGE_SIZE;
	q.offset = (int)((f.page - 1) * PAGE_SIZE);

	struct sbuf *b = p->b;
	web_html_head(b, "Hộ dân", p->user, p->csrf);
	sbuf_add(b, "<h1>Hộ dân</h1><p class=\"links noprint\"><a href=\"/household/new\">+ Thêm hộ</a>"
		    "<a href=\"/households/upload\">Tải danh sách hộ (Excel, CSV)</a><a href=\"/groups\">Nhóm</a><a href=\"/senders\">Người gửi SMS</a><a href=\"/templates\">Mẫu tin</a></p>");
	filter_form(p, &f, &gs);
	/* the table is written after the count is known */
	struct sbuf rows;
	sbuf_init(&rows);
	struct list_ctx c = { &rows, &gs };
	int total = 0;
	int rc = store_hh_find(p->st, &q, list_row, &c, &total);
	if (rc != STORE_OK) {
		sbuf_free(&rows);
		web_groups_free(&gs);
		web_page_db_error(p);
		return;
	}
	long pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (!total)
		sbuf_add(b, "<p id=\"count\">Không tìm thấy hộ nào.</p>");
	else if (pages > 1)
		web_html_out(b, "<p id=\"count\">%d hộ · trang %ld / %ld</p>", total, f.page, pages);
	else
		web_html_out(b, "<p id=\"count\">%d hộ</p>", total);
	if (rows.len) {
		sbuf_add(b, "<table class=\"stack compact\" id=\"households\"><tr><th>Họ tên</th><th>Điện thoại</th><th>Nhóm</th>"
			    "<th>Nhận qua</th><th>Ghi chú</th><th></th></tr>");
		sbuf_addn(b, rows.s, rows.len);
		sbuf_add(b, "</table>");
	} else if (total) {
		sbuf_add(b, "<p>Trang này không có hộ nào.</p>");
	}
	page_links(p, &f, pages);
	sbuf_free(&rows);
	web_groups_free(&gs);
	web_html_foot(b);
}

/* ---- the form ---- */

enum field { F_NAME, F_PHONE, F_PHONE2, F_GROUPS, F_CHANNEL, F_ADDRESS, F_NOTE, F_N };

struct hh_form {
	int64_t id;                  /* 0: a new household */
	const char *v[F_N];          /* as typed (or as stored, for GET) */
	int accents, optout, active;
	char *err[F_N];              /* owned; NULL: fine */
	/* the groups, resolved: codes ("a b") and the new display names */
	char codes[256];
	int nnew;
	struct {
		char code[GROUP_CODE_MAX + 1];
		char name[160];
	} named[16];
};

static const char *const field_names[F_N] = { "name", "phone", "phone2", "groups", "channel", "address", "note" };

static void form_free(struct hh_form *f)
{
	for (int i = 0; i < F_N; i++)
		free(f->err[i]);
}

static void set_err(struct hh_form *f, enum field k, const char *msg)
{
	if (!f->err[k])
		f->err[k] = xstrdup(msg);
}

/* A field's value trimmed, NFC, and on one line (a textarea's newlines
 * become spaces); NULL when it is not valid UTF-8. */
static char *clean(const char *v)
{
	char *nfc = text_nfc(v ? v : "");
	if (!nfc)
		return NULL;
	for (char *c = nfc; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	char *t = xstrdup(util_trim(nfc));
	free(nfc);
	return t;
}

/* Why a number cannot be a household's, in Vietnamese. */
static void phone_problem(const char *raw, char *buf, size_t len)
{
	struct phone ph;
	switch (phone_normalise(raw, &ph)) {
	case PHONE_EMERGENCY:
		snprintf(buf, len, "“%s” là số khẩn cấp, không nhận được thông báo.", raw);
		return;
	case PHONE_TOLLFREE:
	case PHONE_PREMIUM:
	case PHONE_SHORTCODE:
		snprintf(buf, len, "“%s” là số tổng đài, không nhận được thông báo.", raw);
		return;
	default:
		if (!raw[strspn(raw, " \t")])
			snprintf(buf, len, "Hãy nhập số điện thoại.");
		else
			snprintf(buf, len,
				 "“%.40s” không phải số di động Việt Nam (10 chữ số: 03, 05, 07, 08, 09…) hay số máy "
				 "bàn (11 chữ số: 02…).", raw);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b); /* as COLLATE NOCASE */
}

/* "b a c" -> "a b c": the order the store reads them back in (codes
 * compare without case), so an edit that only reorders them changes
 * nothing. */
static void sort_codes(char *codes)
{
	char *copy = xstrdup(codes), *save = NULL, *v[64] = { NULL };
	size_t n = 0;
	for (char *c = strtok_r(copy, " ", &save); c && n < ARRAY_LEN(v); c = strtok_r(NULL, " ", &save))
		v[n++] = c;
	qsort(v, n, sizeof v[0], cmp_str);
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&b, "%s%s", i ? " " : "", v[i]);
	snprintf(codes, strlen(codes) + 1, "%s", b.s ? b.s : "");
	sbuf_free(&b);
	free(copy);
}

/* The typed groups ("Xóm Đông Tiến, Tổ 5") into codes: a group that
 * exists by its code or name, else a new one named as typed. */
static void resolve_groups(struct hh_form *f, const struct web_groups *gs)
{
	char *copy = clean(f->v[F_GROUPS]);
	if (!copy) {
		set_err(f, F_GROUPS, "Tên nhóm có ký tự không hợp lệ.");
		return;
	}
	char *save = NULL;
	size_t len = 0;
	f->codes[0] = '\0';
	for (char *item = strtok_r(copy, ",;", &save); item; item = strtok_r(NULL, ",;", &save)) {
		item = util_trim(item);
		if (!*item)
			continue;
		char code[GROUP_CODE_MAX * 4], msg[300];
		int k = group_resolve(item, gs->ref, gs->n, code, sizeof code);
		if (!code[0]) {
			snprintf(msg, sizeof msg, "“%.60s” không có chữ hay số nào để làm tên nhóm.", item);
			set_err(f, F_GROUPS, msg);
			continue;
		}
		if (strlen(code) > GROUP_CODE_MAX || strlen(item) >= sizeof f->named[0].name) {
			snprintf(msg, sizeof msg, "Tên nhóm “%.80s” quá dài (mã nhóm tối đa %d ký tự).", item,
				 GROUP_CODE_MAX);
			set_err(f, F_GROUPS, msg);
			continue;
		}
		char spaced[GROUP_CODE_MAX * 4 + 3];
		snprintf(spaced, sizeof spaced, " %s ", code);
		char have[260];
		snprintf(have, sizeof have, " %s ", f->codes);
		if (strstr(have, spaced))
			continue; /* named twice */
		int w = snprintf(f->codes + len, sizeof f->codes - len, "%s%s", len ? " " : "", code);
		if (w < 0 || (size_t)w >= sizeof f->codes - len) {
			set_err(f, F_GROUPS, "Quá nhiều nhóm cho một hộ.");
			break;
		}
		len += (size_t)w;
		/* a new group keeps the name as typed; so does one that has no
		 * name yet, when the name is more than its code */
		int needs_name = k < 0 || (!gs->g[k].name[0] && !util_streq_ci(item, gs->g[k].code));
		if (needs_name && f->nnew < (int)ARRAY_LEN(f->named)) {
			snprintf(f->named[f->nnew].code, sizeof f->named[f->nnew].code, "%.*s", GROUP_CODE_MAX, code);
			snprintf(f->named[f->nnew].name, sizeof f->named[f->nnew].name, "%s", item);
			f->nnew++;
		}
	}
	free(copy);
	sort_codes(f->codes);
}

/* The refusal of household_from_fields for column `col`, in Vietnamese. */
static void hh_problem(struct hh_form *f, int col, const char *const fields[HH_NCOLS], const char *why)
{
	char msg[400];
	switch (col) {
	case HH_NAME:
		/* the reason is worded for the command line: ours from the value */
		set_err(f, F_NAME, !fields[HH_NAME][0] ? "Hãy nhập họ tên chủ hộ." : "Họ tên quá dài.");
		break;
	case HH_PHONE:
		phone_problem(fields[HH_PHONE], msg, sizeof msg);
		set_err(f, F_PHONE, msg);
		break;
	case HH_GROUPS:
		snprintf(msg, sizeof msg,
			 "Không dùng được nhóm này (mã nhóm: chữ không dấu, số, dấu “-”, tối đa %d ký tự, không được "
			 "là “all”): %.100s",
			 GROUP_CODE_MAX, fields[HH_GROUPS]);
		set_err(f, F_GROUPS, msg);
		break;
	case HH_CHANNEL:
		if (strcmp(fields[HH_CHANNEL], "sms") && strcmp(fields[HH_CHANNEL], "voice") &&
		    strcmp(fields[HH_CHANNEL], "both"))
			set_err(f, F_CHANNEL, "Hãy chọn cách nhận thông báo.");
		else
			set_err(f, F_CHANNEL, "Số máy bàn không nhận được SMS: hãy chọn “Gọi điện”.");
		break;
	case HH_NOTE:
		set_err(f, F_NOTE, "Ghi chú quá dài.");
		break;
	case HH_PHONE2:
		phone_problem(fields[HH_PHONE2], msg, sizeof msg);
		set_err(f, F_PHONE2, msg);
		break;
	case HH_ADDRESS:
		set_err(f, F_ADDRESS, "Địa chỉ quá dài.");
		break;
	default:
		snprintf(msg, sizeof msg, "Dữ liệu không hợp lệ (%.200s).", why);
		set_err(f, F_NAME, msg);
	}
}

/* Validates the form into h: every field's problem into f->err. */
static int validate(struct hh_form *f, const struct web_groups *gs, struct household *h)
{
	resolve_groups(f, gs);
	const char *ok_values[HH_NCOLS] = { [HH_NAME] = "x", [HH_PHONE] = "0912345678", [HH_GROUPS] = "",
					    [HH_CHANNEL] = "", [HH_ACCENTS] = "yes", [HH_NOTE] = "",
					    [HH_PHONE2] = "", [HH_ADDRESS] = "" };
	const char *fields[HH_NCOLS] = { [HH_NAME] = f->v[F_NAME], [HH_PHONE] = f->v[F_PHONE],
					 [HH_GROUPS] = f->codes, [HH_CHANNEL] = f->v[F_CHANNEL],
					 [HH_ACCENTS] = f->accents ? "yes" : "no", [HH_NOTE] = f->v[F_NOTE],
					 [HH_PHONE2] = f->v[F_PHONE2], [HH_ADDRESS] = f->v[F_ADDRESS] };
	/* each refusal names one column: ask again with it replaced by a good
	 * value, so the officer sees every problem at once */
	char why[300], note[200];
	int bad;
	for (int tries = 0; tries < HH_NCOLS && (bad = household_from_fields(fields, h, why, sizeof why, note,
									     sizeof note)) >= 0; tries++) {
		hh_problem(f, bad, fields, why);
		fields[bad] = ok_values[bad];
		if (bad == HH_PHONE)
			fields[HH_CHANNEL] = ""; /* a landline's channel follows the phone */
	}
	h->opted_out = f->optout;
	for (int i = 0; i < F_N; i++)
		if (f->err[i])
			return -1;
	return 0;
}

/* Marks a field at fault for screen readers (markup: not through the
 * escaping %s of web_html_out). */
static void invalid(struct sbuf *b, const char *err)
{
	if (err)
		sbuf_add(b, " aria-invalid=\"true\"");
}

/* One labelled input with its problem beside it. */
static void field(struct sbuf *b, const struct hh_form *f, enum field k, const char *label, const char *attrs)
{
	const char *name = field_names[k];
	web_html_out(b, "<label for=\"f-%s\">%s</label>", name, label);
	if (k == F_NOTE) {
		web_html_out(b, "<textarea id=\"f-%s\" name=\"%s\" rows=\"2\" maxlength=\"255\"", name, name);
		invalid(b, f->err[k]);
		web_html_out(b, ">%s</textarea>", f->v[k]);
	} else {
		web_html_out(b, "<input id=\"f-%s\" name=\"%s\" value=\"%s\"", name, name, f->v[k]);
		invalid(b, f->err[k]);
		sbuf_addc(b, ' ');
		sbuf_add(b, attrs); /* a literal of ours */
		sbuf_add(b, ">");
	}
	if (f->err[k])
		web_html_out(b, "<p class=\"fielderr\" id=\"err-%s\">%s</p>", name, f->err[k]);
}

struct shared {
	struct sbuf *b;
	int n;
};

static int shared_row(int64_t id, const char *name, void *arg)
{
	struct shared *s = arg;
	web_html_out(s->b, "%s<a href=\"/household/edit?id=%lld\">%s</a>", s->n++ ? ", " : "", (long long)id, name);
	return 0;
}

/* "0912… is also the number of: …" for each phone another active
 * household has too. */
static int shared_warning(struct web_page *p, const struct household *h)
{
	const char *phones[2] = { h->phone, h->phone2 };
	for (int i = 0; i < 2; i++) {
		if (!phones[i][0])
			continue;
		struct sbuf names;
		sbuf_init(&names);
		struct shared s = { &names, 0 };
		if (store_hh_phone_others(p->st, phones[i], h->id, shared_row, &s) != STORE_OK) {
			sbuf_free(&names);
			return -1;
		}
		if (s.n) {
			char nat[24];
			phone_national(phones[i], nat, sizeof nat);
			web_html_out(p->b, "<p class=\"warn\" id=\"shared-%d\">Số %s cũng là số của %d hộ khác: ", i + 1, nat,
				     s.n);
			sbuf_addn(p->b, names.s, names.len);
			sbuf_add(p->b, ". Được phép (một số dùng chung cho nhiều hộ), chỉ cần chắc là đúng.</p>");
		}
		sbuf_free(&names);
	}
	return 0;
}

static void form_page(struct web_page *p, struct hh_form *f, const struct web_groups *gs,
		      const struct household *saved, int active_now)
{
	struct sbuf *b = p->b;
	char title[200];
	if (f->id)
		snprintf(title, sizeof title, "Sửa hộ: %s", saved ? saved->name : f->v[F_NAME]);
	else
		snprintf(title, sizeof title, "Thêm hộ");
	web_html_head(b, title, p->user, p->csrf);
	web_html_out(b, "<h1>%s</h1>", title);
	if (f->id && web_req_form_get(&p->rq->query, "saved") && !p->rq->form.n)
		sbuf_add(b, "<p class=\"ok\" id=\"saved\">Đã lưu.</p>");
	if (f->id && !active_now)
		sbuf_add(b, "<p class=\"warn\">Hộ này đã ngừng nhận thông báo (đã xóa khỏi danh sách). Chọn "
			    "“Đang nhận thông báo” rồi Lưu để dùng lại.</p>");
	int any = 0;
	for (int i = 0; i < F_N; i++)
		any |= f->err[i] != NULL;
	if (any)
		sbuf_add(b, "<p class=\"err\">Chưa lưu: hãy sửa các chỗ ghi màu đỏ.</p>");
	if (saved && !any && shared_warning(p, saved) != 0) {
		web_page_db_error(p);
		return;
	}
	web_html_out(b, "<form method=\"post\" action=\"%s\" id=\"household\" class=\"wide\">",
		     f->id ? "/household/edit" : "/household/new");
	web_html_csrf(b, p->csrf);
	if (f->id)
		web_html_out(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">", (long long)f->id);
	field(b, f, F_NAME, "Họ tên chủ hộ", "required maxlength=\"159\" autocomplete=\"off\"");
	field(b, f, F_PHONE, "Số điện thoại", "required maxlength=\"30\" inputmode=\"tel\"");
	field(b, f, F_PHONE2, "Số điện thoại thứ hai (nếu có: gọi hoặc nhắn khi số thứ nhất không được)",
	      "maxlength=\"30\" inputmode=\"tel\"");
	field(b, f, F_GROUPS, "Nhóm (xóm, tổ…), cách nhau bằng dấu phẩy", "maxlength=\"250\"");
	if (gs->n) {
		sbuf_add(b, "<p class=\"muted\">Nhóm đã có: ");
		for (int i = 0; i < gs->n; i++)
			web_html_out(b, "%s%s", i ? ", " : "", gs->g[i].name[0] ? gs->g[i].name : gs->g[i].code);
		sbuf_add(b, ". Tên mới sẽ tạo nhóm mới.</p>");
	}
	const char *ch = f->v[F_CHANNEL];
	sbuf_add(b, "<label for=\"f-channel\">Nhận thông báo qua</label><select id=\"f-channel\" name=\"channel\"");
	invalid(b, f->err[F_CHANNEL]);
	sbuf_add(b, ">");
	option(b, "sms", "Tin nhắn SMS", ch);
	option(b, "voice", "Gọi điện đọc thông báo", ch);
	option(b, "both", "Cả SMS và gọi điện", ch);
	sbuf_add(b, "</select>");
	if (f->err[F_CHANNEL])
		web_html_out(b, "<p class=\"fielderr\" id=\"err-channel\">%s</p>", f->err[F_CHANNEL]);
	web_html_out(b,
		     "<label><input type=\"checkbox\" name=\"accents\" value=\"1\"%s> Điện thoại hiện được chữ có dấu"
		     "</label><label><input type=\"checkbox\" name=\"optout\" value=\"1\"%s> Từ chối thông báo thường "
		     "(vẫn nhận thông báo khẩn)</label>",
		     f->accents ? " checked" : "", f->optout ? " checked" : "");
	if (f->id)
		web_html_out(b,
			     "<label><input type=\"checkbox\" name=\"active\" value=\"1\"%s> Đang nhận thông báo (bỏ chọn "
			     "để ngừng: lịch sử nhận thông báo vẫn được giữ)</label>",
			     f->active ? " checked" : "");
	field(b, f, F_ADDRESS, "Địa chỉ (cho danh sách đến tận nhà)", "maxlength=\"159\"");
	field(b, f, F_NOTE, "Ghi chú", "");
	sbuf_add(b, "<p><button class=\"btn\" type=\"submit\">Lưu</button></p></form><p class=\"links noprint\">");
	if (f->id)
		web_html_out(b, "<a href=\"/household?id=%lld\">Lịch sử nhận thông báo</a>", (long long)f->id);
	sbuf_add(b, "<a href=\"/households\">Danh sách hộ</a></p>");
	web_html_foot(b);
}

/* The form as stored, for GET. */
static void form_from(struct hh_form *f, const struct household *h, int active, const struct web_groups *gs,
		      char nat[2][24], struct sbuf *groups)
{
	phone_national(h->phone, nat[0], 24);
	if (h->phone2[0])
		phone_national(h->phone2, nat[1], 24);
	else
		nat[1][0] = '\0';
	char *copy = xstrdup(h->groups), *save = NULL;
	for (char *c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save))
		sbuf_printf(groups, "%s%s", groups->len ? ", " : "", web_groups_name(gs, c));
	free(copy);
	f->id = h->id;
	f->v[F_NAME] = h->name;
	f->v[F_PHONE] = nat[0];
	f->v[F_PHONE2] = nat[1];
	f->v[F_GROUPS] = groups->s ? groups->s : "";
	f->v[F_CHANNEL] = household_channel_name(h->channel);
	f->v[F_ADDRESS] = h->address;
	f->v[F_NOTE] = h->note;
	f->accents = h->accents;
	f->optout = h->opted_out;
	f->active = active;
}

/* ---- saving ---- */

struct changes {
	struct sbuf *d;
	int n;
};

static void change(struct changes *c, const char *what, const char *from, const char *to)
{
	if (!strcmp(from, to))
		return;
	sbuf_printf(c->d, "%s%s '%s' → '%s'", c->n++ ? "; " : "", what, from, to);
}

/* What changed, for the event ("phone '0912…' → '0987…'; …"). */
static void describe(struct sbuf *d, const struct household *o, int oact, const struct household *n, int nact)
{
	struct changes c = { d, 0 };
	char a[24], b[24];
	change(&c, "name", o->name, n->name);
	phone_national(o->phone, a, sizeof a);
	phone_national(n->phone, b, sizeof b);
	change(&c, "phone", a, b);
	phone_national(o->phone2, a, sizeof a);
	phone_national(n->phone2, b, sizeof b);
	change(&c, "phone2", a, b);
	change(&c, "groups", o->groups, n->groups);
	change(&c, "channel", household_channel_name(o->channel), household_channel_name(n->channel));
	change(&c, "accents", o->accents ? "yes" : "no", n->accents ? "yes" : "no");
	change(&c, "opted out", o->opted_out ? "yes" : "no", n->opted_out ? "yes" : "no");
	change(&c, "active", oact ? "yes" : "no", nact ? "yes" : "no");
	change(&c, "address", o->address, n->address);
	change(&c, "note", o->note, n->note);
	if (!c.n)
		sbuf_add(d, "nothing changed");
}

/* Group names, the household and its event in one transaction. */
static int save_household(struct web_page *p, const struct hh_form *f, struct household *h, const struct household *old,
		int old_active, int64_t *id)
{
	int64_t now = clock_wall_s();
	struct sbuf d;
	sbuf_init(&d);
	web_page_event_by(p, &d);
	const char *kind;
	if (!old) {
		char nat[24];
		phone_national(h->phone, nat, sizeof nat);
		sbuf_printf(&d, "added '%s', %s, groups '%s', %s", h->name, nat, h->groups,
			    household_channel_name(h->channel));
		kind = "household_added";
	} else {
		describe(&d, old, old_active, h, f->active);
		kind = old_active && !f->active ? "household_removed"
		       : !old_active && f->active ? "household_reactivated" : "household_edited";
	}
	int rc = store_begin(p->st);
	for (int i = 0; rc == STORE_OK && i < f->nnew; i++)
		rc = store_group_set_name(p->st, f->named[i].code, f->named[i].name);
	if (rc == STORE_OK && !old) {
		rc = store_household_insert(p->st, h, id, now);
	} else if (rc == STORE_OK) {
		*id = old->id;
		h->id = old->id;
		/* the update keeps to active households: wake it for the write */
		if (!old_active)
			rc = store_hh_set_active(p->st, old->id, 1, now);
		if (rc == STORE_OK)
			rc = store_household_update(p->st, h, now);
		if (rc == STORE_OK && !f->active)
			rc = store_hh_set_active(p->st, old->id, 0, now);
	}
	if (rc == STORE_OK)
		rc = store_event(p->st, kind, 0, 0, *id, NULL, d.s, now);
	if (rc == STORE_OK)
		rc = store_commit(p->st);
	if (rc != STORE_OK)
		store_rollback(p->st);
	else
		LOG_I("web", "household %lld: %s", (long long)*id, d.s);
	sbuf_free(&d);
	return rc;
}

/* The posted form; every value cleaned (one line, NFC, trimmed). */
static int read_form(struct web_page *p, struct hh_form *f, char *vals[F_N])
{
	const struct web_form *fm = &p->rq->form;
	for (int i = 0; i < F_N; i++) {
		const char *raw = web_req_form_get(fm, field_names[i]);
		if (i == F_NOTE || i == F_ADDRESS || i == F_NAME || i == F_GROUPS)
			vals[i] = clean(raw);
		else
			vals[i] = xstrdup(raw ? raw : "");
		if (!vals[i]) {
			web_page_error(p->rep, 400, "Dữ liệu gửi lên không hợp lệ (không phải UTF-8).");
			return -1;
		}
		f->v[i] = vals[i];
	}
	f->accents = web_req_form_get(fm, "accents") != NULL;
	f->optout = web_req_form_get(fm, "optout") != NULL;
	f->active = f->id ? web_req_form_get(fm, "active") != NULL : 1;
	return 0;
}

/* POST: validate, save and go to the saved page; or the form again with
 * its problems (400). */
static void post(struct web_page *p, struct hh_form *f, const struct household *old, int old_active,
		 const struct web_groups *gs)
{
	char *vals[F_N] = { NULL };
	if (read_form(p, f, vals) == 0) {
		struct household h;
		if (validate(f, gs, &h) != 0) {
			p->rep->status = 400;
			form_page(p, f, gs, NULL, old ? old_active : 1);
		} else {
			int64_t id = 0;
			int rc = save_household(p, f, &h, old, old_active, &id);
			if (rc == STORE_OK) {
				char to[80];
				snprintf(to, sizeof to, "/household/edit?id=%lld&saved=1", (long long)id);
				web_page_redirect(p->rep, to);
			} else if (rc == STORE_NOTFOUND) {
				web_page_error(p->rep, 409, "Hộ này vừa bị người khác thay đổi; hãy tải lại trang.");
			} else {
				web_page_db_error(p);
			}
		}
	}
	for (int i = 0; i < F_N; i++)
		free(vals[i]);
}

void web_household_new(struct web_page *p)
{
	struct web_groups gs;
	if (web_groups_load(p, &gs, 0) != 0)
		return;
	struct hh_form f;
	memset(&f, 0, sizeof f);
	if (!strcmp(p->rq->method, "POST")) {
		post(p, &f, NULL, 1, &gs);
	} else {
		for (int i = 0; i < F_N; i++)
			f.v[i] = "";
		f.v[F_CHANNEL] = "sms";
		const char *g = web_req_form_get(&p->rq->query, "group");
		if (g)
			f.v[F_GROUPS] = web_groups_name(&gs, g);
		f.accents = 1;
		f.active = 1;
		form_page(p, &f, &gs, NULL, 1);
	}
	form_free(&f);
	web_groups_free(&gs);
}

void web_household_edit(struct web_page *p)
{
	int post_req = !strcmp(p->rq->method, "POST");
	int64_t id;
	if (post_req ? web_req_id(web_req_form_get(&p->rq->form, "id"), &id) != 0
		     : web_page_query_id(p, "id", &id) != 0) {
		if (post_req)
			web_page_error(p->rep, 400, "Thiếu hoặc sai mã số (id).");
		return;
	}
	struct household h;
	int active = 0;
	if (web_page_loaded(p, store_hh_get(p->st, id, &h, &active), "Không có hộ này.") != 0)
		return;
	struct web_groups gs;
	if (web_groups_load(p, &gs, 0) != 0)
		return;
	struct hh_form f;
	memset(&f, 0, sizeof f);
	f.id = id;
	if (post_req) {
		post(p, &f, &h, active, &gs);
	} else {
		char nat[2][24];
		struct sbuf groups;
		sbuf_init(&groups);
		form_from(&f, &h, active, &gs, nat, &groups);
		form_page(p, &f, &gs, &h, active);
		sbuf_free(&groups);
	}
	form_free(&f);
	web_groups_free(&gs);
}
