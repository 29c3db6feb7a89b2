/* web_upload — the household list from a file (see web_page_int.h): a form
 * with a file input and two choices ("update existing households",
 * "deactivate the ones not in the file"), the preview — the plan
 * `loa household import --dry-run [--update]` prints (domain/hh_import.h):
 * households to add, changes old → new, deactivations, group names, every
 * problem of every row and every remark, in Vietnamese — and, confirmed,
 * the import in one transaction, logged with the web user.
 *
 * DESIGN: between the preview and the confirm the uploaded bytes stay in
 * this process's memory under a random token tied to the session that
 * sent them (at most UPLOAD_KEPT files, for UPLOAD_TTL_MS; nothing on
 * disk; a restart forgets them and the officer uploads again).  Only the
 * request thread touches them: web.c answers one request at a time.  The
 * confirm plans again from the same bytes and the households as they are
 * now; the form carries a digest of the plan that was shown, and if the
 * new plan differs (someone changed households meanwhile) it is shown
 * again instead of writing what the officer did not see. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "db/store.h"
#include "domain/hh_import.h"
#include "web/web_html.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum { UPLOAD_KEPT = 4, SHOW_MAX = 1000 };
#define UPLOAD_TTL_MS (60 * 60 * 1000)

struct kept {
	char token[WEB_TOKEN_LEN + 1];
	char owner[WEB_HEX_LEN + 1]; /* the uploading session's CSRF token */
	char name[208];
	char *data;
	size_t len;
	int64_t at_ms;
};
static struct kept kept[UPLOAD_KEPT];

static void kept_drop(struct kept *k)
{
	if (k->data)
		sodium_memzero(k->data, k->len);
	free(k->data);
	memset(k, 0, sizeof *k);
}

static void kept_expire(void)
{
	int64_t now = clock_mono_ms();
	for (int i = 0; i < UPLOAD_KEPT; i++)
		if (kept[i].data && now - kept[i].at_ms > UPLOAD_TTL_MS)
			kept_drop(&kept[i]);
}

/* Keeps a copy of the file: the session's earlier one is replaced, else a
 * free slot, else the oldest. */
static struct kept *kept_put(const char *owner, const char *name, const char *data, size_t len)
{
	kept_expire();
	struct kept *k = NULL;
	for (int i = 0; i < UPLOAD_KEPT && !k; i++)
		if (kept[i].data && strcmp(kept[i].owner, owner) == 0)
			k = &kept[i];
	for (int i = 0; i < UPLOAD_KEPT && !k; i++)
		if (!kept[i].data)
			k = &kept[i];
	if (!k) {
		k = &kept[0];
		for (int i = 1; i < UPLOAD_KEPT; i++)
			if (kept[i].at_ms < k->at_ms)
				k = &kept[i];
	}
	kept_drop(k);
	web_auth_new_token(k->token);
	snprintf(k->owner, sizeof k->owner, "%s", owner);
	snprintf(k->name, sizeof k->name, "%s", name && name[0] ? name : "tep-ho-dan");
	k->data = xmalloc(len + 1);
	memcpy(k->data, data, len);
	k->data[len] = '\0';
	k->len = len;
	k->at_ms = clock_mono_ms();
	return k;
}

static struct kept *kept_find(const char *token, const char *owner)
{
	kept_expire();
	if (!token || strlen(token) != WEB_TOKEN_LEN)
		return NULL;
	for (int i = 0; i < UPLOAD_KEPT; i++)
		if (kept[i].data && sodium_memcmp(kept[i].token, token, WEB_TOKEN_LEN) == 0 &&
		    strcmp(kept[i].owner, owner) == 0)
			return &kept[i];
	return NULL;
}

/* ---- the form ---- */

static void upload_form(struct web_page *p, const char *err)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Tải lên danh sách hộ", p->user, p->csrf);
	sbuf_add(b, "<h1>Tải lên danh sách hộ</h1>");
	if (err)
		web_html_out(b, "<p class=\"err\">%s</p>", err);
	web_html_out(b,
		     "<p>Tệp danh sách hộ mà thôn đang giữ, lưu từ Excel dạng CSV. Hàng tiêu đề (có thể nằm dưới "
		     "vài dòng tên danh sách) cần một cột họ tên (như \"Họ và tên\") và một cột số điện thoại (như "
		     "\"Số ĐT\"); các cột khác có thể có: số điện thoại 2, nhóm (xóm, tổ, thôn…), cách nhận (tin nhắn, "
		     "gọi điện, cả hai), có dấu, ghi chú, địa chỉ, id. Tệp tối đa %d MB.</p>",
		     WEB_UPLOAD_MAX / (1024 * 1024));
	web_html_out(b, "<form method=\"post\" action=\"%s\" enctype=\"multipart/form-data\">", WEB_UPLOAD_PATH);
	web_html_csrf(b, p->csrf);
	sbuf_add(b, "<label>Tệp danh sách hộ<br><input type=\"file\" name=\"file\" required "
		    "accept=\".csv,.txt,.xlsx,text/csv\"></label>"
		    "<label><input type=\"checkbox\" name=\"update\" value=\"1\" checked> Cập nhật các hộ đã có "
		    "(tìm theo cột id, hoặc theo số điện thoại)</label>"
		    "<label><input type=\"checkbox\" name=\"deactivate\" value=\"1\"> Bỏ các hộ không có trong tệp "
		    "(khi tệp là toàn bộ danh sách)</label>"
		    "<label>Trang tính (tệp .xlsx; bỏ trống: trang đầu)<br><input name=\"sheet\" maxlength=\"64\">"
		    "</label><p><button class=\"btn\" type=\"submit\">Xem trước</button></p></form>"
		    "<p class=\"muted\">Chưa ghi gì cho đến khi bạn xem trước và bấm xác nhận.</p>");
	web_html_foot(b);
}

void web_upload_form(struct web_page *p)
{
	upload_form(p, NULL);
}

/* ---- the plan as a page ---- */

struct choice {
	struct hh_import_opts o;
	char sheet[65];
};

static int read_choice(struct web_page *p, struct choice *c)
{
	const struct web_form *f = &p->rq->form;
	memset(c, 0, sizeof *c);
	c->o.web = 1;
	c->o.update = web_req_form_get(f, "update") != NULL;
	c->o.deactivate_missing = web_req_form_get(f, "deactivate") != NULL;
	const char *sheet = web_req_form_get(f, "sheet");
	if (sheet && strlen(sheet) >= sizeof c->sheet)
		return -1;
	snprintf(c->sheet, sizeof c->sheet, "%s", sheet ? sheet : "");
	c->o.sheet = c->sheet[0] ? c->sheet : NULL;
	return 0;
}

/* A digest of the plan as the command line would print it. */
static void plan_digest(const struct hh_plan *pl, const struct kept *k, const struct hh_import_opts *o,
			char out[WEB_HEX_LEN + 1])
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		abort();
	hh_import_print(pl, k->name, o, f, f);
	fprintf(f, "%d %d %d %d\n", pl->nadds, pl->nchanges, pl->nsame, pl->ndeact);
	fclose(f);
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, len, NULL, 0);
	sodium_bin2hex(out, WEB_HEX_LEN + 1, h, sizeof h);
	free(text);
}

static void msgs_table(struct sbuf *b, const struct hh_msgs *m, const char *what)
{
	web_html_out(b, "<table class=\"stack\"><tr><th>Dòng</th><th>%s</th></tr>", what);
	for (int i = 0; i < m->n && i < SHOW_MAX; i++) {
		if (m->v[i].line)
			web_html_out(b, "<tr><td data-l=\"Dòng\">%d</td>", m->v[i].line);
		else
			sbuf_add(b, "<tr><td data-l=\"Dòng\">—</td>");
		web_html_out(b, "<td data-l=\"%s\">%s</td></tr>", what, m->v[i].vi);
	}
	sbuf_add(b, "</table>");
	if (m->n > SHOW_MAX)
		web_html_out(b, "<p class=\"muted\">… và %d dòng nữa.</p>", m->n - SHOW_MAX);
}

static const char *channel_vi(int ch)
{
	return ch == CH_BOTH ? "cả hai" : ch == CH_VOICE ? "gọi điện" : "tin nhắn";
}

/* The names people write for space-separated codes, joined by ", ": the
 * name this file gives a group, else the one it has, else its code. */
static void group_names(const struct hh_plan *pl, const struct web_groups *gs, const char *codes, struct sbuf *out)
{
	sbuf_reset(out);
	sbuf_add(out, "");
	char *copy = xstrdup(codes), *save = NULL;
	for (char *c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		const char *name = web_groups_name(gs, c);
		for (int i = 0; i < pl->nnames; i++)
			if (util_streq_ci(pl->names[i].code, c))
				name = pl->names[i].name;
		sbuf_printf(out, "%s%s", out->len ? ", " : "", name);
	}
	free(copy);
}

static void adds_table(struct sbuf *b, const struct hh_plan *pl, const struct web_groups *gs)
{
	struct sbuf names;
	sbuf_init(&names);
	web_html_out(b, "<h2>Thêm %d hộ mới</h2><table class=\"stack\"><tr><th>Dòng</th><th>Họ tên</th>"
			"<th>Số điện thoại</th><th>Nhóm</th><th>Cách nhận</th></tr>",
		     pl->nadds);
	int shown = 0;
	for (int i = 0; i < pl->nitems && shown < SHOW_MAX; i++) {
		const struct hh_item *it = &pl->items[i];
		if (it->kind != HH_ITEM_ADD)
			continue;
		shown++;
		char nat[20], nat2[20];
		phone_national(it->h.phone, nat, sizeof nat);
		phone_national(it->h.phone2, nat2, sizeof nat2);
		group_names(pl, gs, it->h.groups, &names);
		web_html_out(b,
			     "<tr><td data-l=\"Dòng\">%d</td><td data-l=\"Họ tên\">%s</td><td data-l=\"Số điện thoại\">"
			     "%s%s%s</td><td data-l=\"Nhóm\">%s</td><td data-l=\"Cách nhận\">%s</td></tr>",
			     it->line, it->h.name, nat, nat2[0] ? ", " : "", nat2, names.s ? names.s : "",
			     channel_vi(it->h.channel));
	}
	sbuf_free(&names);
	sbuf_add(b, "</table>");
	if (pl->nadds > shown)
		web_html_out(b, "<p class=\"muted\">… và %d hộ nữa.</p>", pl->nadds - shown);
}

static void changes_table(struct sbuf *b, const struct hh_plan *pl)
{
	web_html_out(b, "<h2>Sửa %d hộ</h2><table class=\"stack\"><tr><th>Dòng</th><th>Hộ</th><th>Thay đổi</th></tr>",
		     pl->nchanges);
	struct sbuf d;
	sbuf_init(&d);
	int shown = 0;
	for (int i = 0; i < pl->nitems && shown < SHOW_MAX; i++) {
		const struct hh_item *it = &pl->items[i];
		if (it->kind != HH_ITEM_CHANGE)
			continue;
		shown++;
		sbuf_reset(&d);
		hh_import_diff_text(it, HH_LANG_VI, &d);
		web_html_out(b,
			     "<tr><td data-l=\"Dòng\">%d</td><td data-l=\"Hộ\"><a href=\"/household?id=%lld\">%s</a> "
			     "(mã %lld)</td><td data-l=\"Thay đổi\">%s</td></tr>",
			     it->line, (long long)it->h.id, it->old->name, (long long)it->h.id, d.s ? d.s : "");
	}
	sbuf_free(&d);
	sbuf_add(b, "</table>");
	if (pl->nchanges > shown)
		web_html_out(b, "<p class=\"muted\">… và %d hộ nữa.</p>", pl->nchanges - shown);
}

static void deact_table(struct sbuf *b, const struct hh_plan *pl)
{
	web_html_out(b, "<h2 class=\"bad\">Bỏ %d hộ không có trong tệp</h2><table class=\"stack\"><tr><th>Mã</th>"
			"<th>Họ tên</th><th>Số điện thoại</th></tr>",
		     pl->ndeact);
	for (int i = 0; i < pl->ndeact && i < SHOW_MAX; i++) {
		char nat[20];
		phone_national(pl->deact[i].phone, nat, sizeof nat);
		web_html_out(b, "<tr><td data-l=\"Mã\">%lld</td><td data-l=\"Họ tên\">%s</td><td data-l=\"Số điện thoại\">"
				"%s</td></tr>",
			     (long long)pl->deact[i].id, pl->deact[i].name, nat);
	}
	sbuf_add(b, "</table>");
	if (pl->ndeact > SHOW_MAX)
		web_html_out(b, "<p class=\"muted\">… và %d hộ nữa.</p>", pl->ndeact - SHOW_MAX);
}

static void hidden_choice(struct sbuf *b, const struct choice *c)
{
	if (c->o.update)
		sbuf_add(b, "<input type=\"hidden\" name=\"update\" value=\"1\">");
	if (c->o.deactivate_missing)
		sbuf_add(b, "<input type=\"hidden\" name=\"deactivate\" value=\"1\">");
	if (c->sheet[0])
		web_html_out(b, "<input type=\"hidden\" name=\"sheet\" value=\"%s\">", c->sheet);
}

static void preview_page(struct web_page *p, const struct kept *k, const struct choice *c, const struct hh_plan *pl,
			 const char *notice)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Xem trước danh sách hộ", p->user, p->csrf);
	web_html_out(b, "<h1>Xem trước — chưa ghi gì</h1><p>Tệp <b>%s</b>; ", k->name);
	sbuf_add(b, c->o.update ? "cập nhật các hộ đã có" : "chỉ thêm hộ mới");
	if (c->o.deactivate_missing)
		sbuf_add(b, "; bỏ các hộ không có trong tệp");
	sbuf_add(b, ".</p>");
	if (notice)
		web_html_out(b, "<p class=\"err\">%s</p>", notice);
	int ok = hh_import_ok(pl);
	if (pl->fatal) {
		web_html_out(b, "<p class=\"err\">Không đọc được tệp: %s</p>", pl->fatal);
	} else if (!ok) {
		web_html_out(b,
			     "<h2 class=\"bad\">%d lỗi — chưa nhập gì</h2><p>Hãy sửa các dòng này trong tệp rồi tải lên "
			     "lại. Khi còn lỗi, không hộ nào được nhập.</p>",
			     pl->problems.n);
		msgs_table(b, &pl->problems, "Lỗi");
	} else {
		web_html_out(b, "<p>%d dòng hộ: thêm <b>%d</b>, sửa <b>%d</b>, giữ nguyên %d.", pl->nitems, pl->nadds,
			     pl->nchanges, pl->nsame);
		if (c->o.deactivate_missing)
			web_html_out(b, " Bỏ <b>%d</b> hộ không có trong tệp.", pl->ndeact);
		else if (c->o.update && pl->untouched)
			web_html_out(b, " %d hộ không có trong tệp được giữ nguyên.", pl->untouched);
		sbuf_add(b, "</p>");
	}
	if (pl->remarks.n) {
		web_html_out(b, "<h2>Lưu ý (%d)</h2>", pl->remarks.n);
		msgs_table(b, &pl->remarks, "Lưu ý");
	}
	if (ok) {
		if (pl->nnames) {
			sbuf_add(b, "<h2>Tên nhóm</h2><table class=\"stack\"><tr><th>Mã nhóm</th><th>Tên</th></tr>");
			for (int i = 0; i < pl->nnames; i++)
				web_html_out(b, "<tr><td data-l=\"Mã nhóm\">%s</td><td data-l=\"Tên\">%s%s%s%s</td></tr>",
					     pl->names[i].code, pl->names[i].name, pl->names[i].old[0] ? " (trước là " : "",
					     pl->names[i].old, pl->names[i].old[0] ? ")" : "");
			sbuf_add(b, "</table>");
		}
		struct web_groups gs;
		if (pl->nadds && web_groups_load(p, &gs, 0) == 0) {
			adds_table(b, pl, &gs);
			web_groups_free(&gs);
		}
		if (pl->nchanges)
			changes_table(b, pl);
		if (pl->ndeact)
			deact_table(b, pl);
		char digest[WEB_HEX_LEN + 1];
		plan_digest(pl, k, &c->o, digest);
		web_html_out(b, "<form method=\"post\" action=\"%s/confirm\">", WEB_UPLOAD_PATH);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<input type=\"hidden\" name=\"token\" value=\"%s\"><input type=\"hidden\" name=\"digest\" "
				"value=\"%s\">",
			     k->token, digest);
		hidden_choice(b, c);
		web_html_out(b, "<p><button class=\"btn%s\" type=\"submit\">Xác nhận nhập</button></p></form>",
			     pl->ndeact ? " danger" : "");
	}
	web_html_out(b, "<form method=\"post\" action=\"%s/cancel\">", WEB_UPLOAD_PATH);
	web_html_csrf(b, p->csrf);
	web_html_out(b, "<input type=\"hidden\" name=\"token\" value=\"%s\"><p><button type=\"submit\">%s</button></p>"
			"</form>",
		     k->token, ok ? "Hủy" : "Tải lên tệp khác");
	web_html_foot(b);
}

/* Plans the kept file; 0, or -1 after the database error page. */
static int plan_kept(struct web_page *p, const struct kept *k, const struct choice *c, struct hh_plan *pl)
{
	if (hh_import_prepare(p->st, k->name, k->data, k->len, &c->o, pl) != STORE_OK) {
		web_page_db_error(p);
		return -1;
	}
	return 0;
}

void web_upload_preview(struct web_page *p)
{
	const struct web_file *f = p->rq->file;
	struct choice c;
	if (read_choice(p, &c) != 0) {
		p->rep->status = 400;
		upload_form(p, "Tên trang tính quá dài.");
		return;
	}
	if (!f || f->len == 0) {
		p->rep->status = 400;
		upload_form(p, "Hãy chọn tệp danh sách hộ (tệp không được trống).");
		return;
	}
	if (c.o.deactivate_missing && !c.o.update) {
		p->rep->status = 400;
		upload_form(p, "\"Bỏ các hộ không có trong tệp\" cần chọn cả \"Cập nhật các hộ đã có\" (khi đó tệp là "
			       "toàn bộ danh sách).");
		return;
	}
	struct kept *k = kept_put(p->csrf, f->filename, f->data, f->len);
	struct hh_plan pl;
	if (plan_kept(p, k, &c, &pl) != 0)
		return;
	if (!hh_import_ok(&pl))
		p->rep->status = 400;
	preview_page(p, k, &c, &pl, NULL);
	hh_plan_free(&pl);
}

void web_upload_confirm(struct web_page *p)
{
	struct kept *k = kept_find(web_req_form_get(&p->rq->form, "token"), p->csrf);
	if (!k) {
		p->rep->status = 404;
		upload_form(p, "Tệp đã tải lên không còn (quá một giờ, hoặc đã nhập, hoặc Loa đã khởi động lại). Hãy "
			       "tải lên lại.");
		return;
	}
	struct choice c;
	if (read_choice(p, &c) != 0 || (c.o.deactivate_missing && !c.o.update)) {
		web_page_error(p->rep, 400, "Lựa chọn không hợp lệ.");
		return;
	}
	struct hh_plan pl;
	if (plan_kept(p, k, &c, &pl) != 0)
		return;
	char digest[WEB_HEX_LEN + 1] = "";
	const char *shown = web_req_form_get(&p->rq->form, "digest");
	if (hh_import_ok(&pl))
		plan_digest(&pl, k, &c.o, digest);
	if (!hh_import_ok(&pl) || !shown || strcmp(shown, digest) != 0) {
		p->rep->status = 409;
		preview_page(p, k, &c, &pl,
			     "Danh sách hộ đã thay đổi từ lúc xem trước: đây là bản xem trước mới. Hãy xem lại rồi xác "
			     "nhận.");
		hh_plan_free(&pl);
		return;
	}
	char by[96];
	snprintf(by, sizeof by, "web:%s", p->user);
	if (hh_import_apply(p->st, &pl, k->name, by, clock_wall_s()) != STORE_OK) {
		hh_plan_free(&pl);
		web_page_db_error(p);
		return;
	}
	LOG_I("web", "households imported by %s from %s (%s): %d added, %d changed, %d deactivated", p->user,
	      p->rq->addr ? p->rq->addr : "?", k->name, pl.nadds, pl.nchanges, pl.ndeact);
	struct sbuf *b = p->b;
	web_html_head(b, "Đã nhập danh sách hộ", p->user, p->csrf);
	web_html_out(b,
		     "<h1>Đã nhập danh sách hộ</h1><p class=\"ok\">Tệp <b>%s</b>: đã thêm <b>%d</b> hộ, sửa <b>%d</b> hộ, "
		     "bỏ <b>%d</b> hộ; %d hộ giữ nguyên.</p>",
		     k->name, pl.nadds, pl.nchanges, pl.ndeact, pl.nsame);
	web_html_out(b, "<p class=\"links\"><a href=\"%s\">Tải lên tệp khác</a><a href=\"/\">Về trang chính</a></p>",
		     WEB_UPLOAD_PATH);
	web_html_foot(b);
	kept_drop(k);
	hh_plan_free(&pl);
}

void web_upload_cancel(struct web_page *p)
{
	struct kept *k = kept_find(web_req_form_get(&p->rq->form, "token"), p->csrf);
	if (k)
		kept_drop(k);
	web_page_redirect(p->rep, WEB_UPLOAD_PATH);
}
