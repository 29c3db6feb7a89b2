/* web_admin — the pages that set Loa up (see web_page_int.h): groups
 * (display name, code, active households, rename), senders (who may
 * command the gateway by SMS: add, remove, unlock) and templates (add,
 * remove).
 *
 * DESIGN: a sender can broadcast to the whole village from a phone, so
 * each change to the senders goes through a second page, "Bạn có chắc?",
 * that says what will happen; its button posts the same form again with
 * confirm=1 (both steps carry the CSRF token, the gate checks it).  The
 * fields are checked by domain/sender.c, the rules of `loa sender` and
 * `loa template`.  Every change is an event naming the web user. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "base/text.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "db/store_webhh.h"
#include "domain/group.h"
#include "domain/sender.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>

/* Ends a change begun with store_begin: its event ("by USER: " +
 * detail), then the commit; rolls back on any failure.  `rc` is the
 * change's own result; returns the first failure. */
static int finish(struct web_page *p, int rc, const char *kind, const char *detail)
{
	struct sbuf d;
	sbuf_init(&d);
	web_page_event_by(p, &d);
	sbuf_add(&d, detail);
	if (rc == STORE_OK)
		rc = store_event(p->st, kind, 0, 0, 0, NULL, d.s, clock_wall_s());
	if (rc == STORE_OK)
		rc = store_commit(p->st);
	if (rc == STORE_OK)
		LOG_I("web", "%s %s", kind, d.s);
	else
		store_rollback(p->st);
	sbuf_free(&d);
	return rc;
}

static void done_message(struct web_page *p, const char *const msgs[][2], size_t n)
{
	const char *done = web_req_form_get(&p->rq->query, "done");
	for (size_t i = 0; done && i < n; i++)
		if (!strcmp(done, msgs[i][0]))
			web_html_out(p->b, "<p class=\"ok\" id=\"done\">%s</p>", msgs[i][1]);
}

/* ---- groups ---- */

static void groups_page(struct web_page *p, const char *err)
{
	struct web_groups gs;
	if (web_groups_load(p, &gs, 1) != 0)
		return;
	struct sbuf *b = p->b;
	web_html_head(b, "Nhóm", p->user, p->csrf);
	sbuf_add(b, "<h1>Nhóm</h1><p class=\"links noprint\"><a href=\"/households\">Hộ dân</a>"
		    "<a href=\"/senders\">Người gửi SMS</a><a href=\"/templates\">Mẫu tin</a></p>");
	static const char *const msgs[][2] = { { "renamed", "Đã đổi tên nhóm." } };
	done_message(p, msgs, ARRAY_LEN(msgs));
	if (err)
		web_html_out(b, "<p class=\"err\" id=\"error\">%s</p>", err);
	sbuf_add(b, "<p class=\"muted\">Mã nhóm là tên dùng trong tin nhắn và dòng lệnh (TB xom-dong-tien …); "
		    "đổi tên hiển thị không đổi mã. Một nhóm mới được tạo khi một hộ được thêm vào nhóm đó.</p>");
	if (!gs.n) {
		sbuf_add(b, "<p>Chưa có nhóm nào.</p>");
	} else {
		sbuf_add(b, "<table class=\"stack compact\" id=\"groups\"><tr><th>Tên nhóm</th><th>Mã</th><th>Số hộ</th>"
			    "<th>Đổi tên</th></tr>");
		struct sbuf u;
		sbuf_init(&u);
		for (int i = 0; i < gs.n; i++) {
			const struct web_group *g = &gs.g[i];
			sbuf_reset(&u);
			sbuf_add(&u, "/households");
			web_page_url_param(&u, "group", g->code);
			web_html_out(b,
				     "<tr><td data-l=\"Tên nhóm\">%s</td><td data-l=\"Mã\"><code>%s</code></td>"
				     "<td data-l=\"Số hộ\"><a href=\"%s\">%d hộ</a></td><td data-l=\"Đổi tên\">"
				     "<form method=\"post\" action=\"/group/rename\" class=\"inline\">",
				     g->name[0] ? g->name : "—", g->code, u.s, g->households);
			web_html_csrf(b, p->csrf);
			web_html_out(b,
				     "<input type=\"hidden\" name=\"code\" value=\"%s\"><input name=\"name\" value=\"%s\" "
				     "maxlength=\"100\" required aria-label=\"Tên mới của %s\"> <button class=\"btn\" "
				     "type=\"submit\">Đổi tên</button></form></td></tr>",
				     g->code, g->name, g->code);
		}
		sbuf_free(&u);
		sbuf_add(b, "</table>");
	}
	web_groups_free(&gs);
	web_html_foot(b);
}

void web_admin_groups(struct web_page *p)
{
	groups_page(p, NULL);
}

static void groups_refuse(struct web_page *p, const char *err)
{
	p->rep->status = 400;
	groups_page(p, err);
}

void web_admin_group_rename(struct web_page *p)
{
	const char *code = web_req_form_get(&p->rq->form, "code");
	const char *raw = web_req_form_get(&p->rq->form, "name");
	struct web_groups gs;
	if (web_groups_load(p, &gs, 0) != 0)
		return;
	int k = -1;
	for (int i = 0; code && i < gs.n; i++)
		if (util_streq_ci(gs.g[i].code, code))
			k = i;
	if (k < 0) {
		web_groups_free(&gs);
		web_page_error(p->rep, 404, "Không có nhóm này.");
		return;
	}
	char *name = text_nfc(raw ? raw : "");
	const char *t = name ? util_trim(name) : "";
	char msg[300] = "";
	int bad = !name || !*t || strlen(t) > 100;
	for (const char *c = t; !bad && *c; c++)
		bad = (unsigned char)*c < 0x20 || *c == 0x7f;
	if (bad)
		snprintf(msg, sizeof msg, "Tên nhóm cần từ 1 đến 100 ký tự, trên một dòng.");
	char ft[512], fo[512];
	text_fold(t, ft, sizeof ft);
	for (int i = 0; !msg[0] && i < gs.n; i++) {
		if (i == k)
			continue;
		text_fold(gs.g[i].name[0] ? gs.g[i].name : gs.g[i].code, fo, sizeof fo);
		if (!strcmp(ft, fo))
			snprintf(msg, sizeof msg, "Đã có nhóm khác tên “%.100s” (mã %s): hai nhóm không nên trùng tên.", t,
				 gs.g[i].code);
	}
	if (msg[0]) {
		web_groups_free(&gs);
		free(name);
		groups_refuse(p, msg);
		return;
	}
	struct sbuf d;
	sbuf_init(&d);
	sbuf_printf(&d, "group %s '%s' → '%s'", gs.g[k].code, gs.g[k].name, t);
	int rc = store_begin(p->st);
	if (rc == STORE_OK)
		rc = store_group_set_name(p->st, gs.g[k].code, t);
	if (finish(p, rc, "group_renamed", d.s) == STORE_OK)
		web_page_redirect(p->rep, "/groups?done=renamed");
	else
		web_page_db_error(p);
	sbuf_free(&d);
	free(name);
	web_groups_free(&gs);
}

/* ---- senders ---- */

static const char *role_vi(const char *role)
{
	return !strcmp(role, "head") ? "gửi thông báo (trưởng thôn)" : "xem báo cáo (cán bộ)";
}

/* "dong-tien,tay-son" by display name; "" is every group. */
static void sender_groups(struct sbuf *b, const struct web_groups *gs, const char *codes)
{
	if (!codes[0]) {
		sbuf_add(b, "tất cả các nhóm");
		return;
	}
	char *copy = xstrdup(codes), *save = NULL;
	int i = 0;
	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		web_html_out(b, "%s%s", i++ ? ", " : "", web_groups_name(gs, c));
	free(copy);
}

struct sender_ctx {
	struct sbuf *b;                  /* the rows, written before the table */
	const char *csrf;
	const struct web_groups *gs;
	int n;
};

static void sender_button(struct sbuf *b, const char *csrf, const char *action, const char *phone,
			  const char *label, const char *cls)
{
	web_html_out(b, "<form method=\"post\" action=\"%s\" class=\"inline\">", action);
	web_html_csrf(b, csrf);
	web_html_out(b, "<input type=\"hidden\" name=\"phone\" value=\"%s\"><button class=\"%s\" type=\"submit\">"
			   "%s</button></form> ",
		     phone, cls, label);
}

static int sender_row(const struct sender *s, void *arg)
{
	struct sender_ctx *c = arg;
	struct sbuf *b = c->b;
	char nat[24];
	phone_national(s->phone, nat, sizeof nat);
	c->n++;
	web_html_out(b, "<tr><td data-l=\"Số điện thoại\">%s</td><td data-l=\"Tên\">%s</td><td data-l=\"Được phép\">%s"
			"</td><td data-l=\"Nhóm\">",
		     nat, s->name, role_vi(s->role));
	sender_groups(b, c->gs, s->groups);
	sbuf_add(b, s->confirm ? "</td><td data-l=\"Mã xác nhận\">cần mã</td><td data-l=\"Khóa\">"
			       : "</td><td data-l=\"Mã xác nhận\"><b>không cần mã</b></td><td data-l=\"Khóa\">");
	if (s->locked_at) {
		sbuf_add(b, "<b class=\"bad\">bị khóa</b> từ ");
		web_html_time(b, s->locked_at);
		sbuf_add(b, " (nhập sai mã nhiều lần) ");
		sender_button(b, c->csrf, "/sender/unlock", nat, "Mở khóa…", "btn");
	} else {
		sbuf_add(b, "không");
	}
	sbuf_add(b, "</td><td>");
	sender_button(b, c->csrf, "/sender/remove", nat, "Xóa…", "btn danger");
	sbuf_add(b, "</td></tr>");
	return 0;
}

/* The values of the add form, kept when it is shown again. */
struct sender_form {
	const char *phone, *role, *name, *groups;
	int noconfirm;
};

static void senders_page(struct web_page *p, const struct sender_form *sf, const char *err)
{
	struct web_groups gs;
	if (web_groups_load(p, &gs, 0) != 0)
		return;
	struct sbuf *b = p->b;
	web_html_head(b, "Người gửi SMS", p->user, p->csrf);
	sbuf_add(b, "<h1>Người gửi SMS</h1><p class=\"links noprint\"><a href=\"/households\">Hộ dân</a>"
		    "<a href=\"/groups\">Nhóm</a><a href=\"/templates\">Mẫu tin</a></p>");
	static const char *const msgs[][2] = { { "added", "Đã thêm người gửi." }, { "removed", "Đã xóa người gửi." },
					       { "unlocked", "Đã mở khóa; các lần nhập sai mã được xóa." } };
	done_message(p, msgs, ARRAY_LEN(msgs));
	sbuf_add(b, "<p class=\"muted\">Những số này được nhắn tin ra lệnh cho Loa (TB, KHAN, MAU, HUY, BC…). "
		    "Mỗi thay đổi cần xác nhận ở trang sau.</p>");
	struct sbuf rows;
	sbuf_init(&rows);
	struct sender_ctx c = { &rows, p->csrf, &gs, 0 };
	int rc = store_sender_each(p->st, sender_row, &c);
	if (rc != STORE_OK) {
		sbuf_free(&rows);
		web_groups_free(&gs);
		web_page_db_error(p);
		return;
	}
	if (!c.n) {
		sbuf_add(b, "<p>Chưa có người gửi nào.</p>");
	} else {
		sbuf_add(b, "<table class=\"stack compact\" id=\"senders\"><tr><th>Số điện thoại</th><th>Tên</th><th>Được phép</th>"
			    "<th>Nhóm</th><th>Mã xác nhận</th><th>Khóa</th><th></th></tr>");
		sbuf_addn(b, rows.s, rows.len);
		sbuf_add(b, "</table>");
	}
	sbuf_free(&rows);
	static const struct sender_form empty = { "", "head", "", "", 0 };
	if (!sf)
		sf = &empty;
	sbuf_add(b, "<h2 id=\"add\">Thêm người gửi</h2>");
	if (err)
		web_html_out(b, "<p class=\"err\" id=\"error\">%s</p>", err);
	sbuf_add(b, "<form method=\"post\" action=\"/sender/add\" id=\"sender\" class=\"wide\">");
	web_html_csrf(b, p->csrf);
	web_html_out(b,
		     "<label>Số điện thoại di động<br><input name=\"phone\" value=\"%s\" required maxlength=\"30\" "
		     "inputmode=\"tel\"></label><label>Tên<br><input name=\"name\" value=\"%s\" required "
		     "maxlength=\"95\"></label><label>Được phép<br><select name=\"role\">"
		     "<option value=\"head\"%s>gửi thông báo (trưởng thôn)</option>"
		     "<option value=\"officer\"%s>chỉ xem báo cáo (cán bộ)</option></select></label>"
		     "<label>Nhóm được gửi tới (cách nhau bằng dấu phẩy; bỏ trống: tất cả các nhóm)<br>"
		     "<input name=\"groups\" value=\"%s\" maxlength=\"250\"></label>"
		     "<label><input type=\"checkbox\" name=\"noconfirm\" value=\"1\"%s> Không cần mã xác nhận "
		     "(không nên: ai giả được số này sẽ gửi được thông báo)</label>"
		     "<p><button class=\"btn\" type=\"submit\">Thêm…</button></p></form>",
		     sf->phone, sf->name, strcmp(sf->role, "officer") ? " selected" : "",
		     strcmp(sf->role, "officer") ? "" : " selected", sf->groups, sf->noconfirm ? " checked" : "");
	web_groups_free(&gs);
	web_html_foot(b);
}

void web_admin_senders(struct web_page *p)
{
	senders_page(p, NULL, NULL);
}

/* A "Bạn có chắc?" page: confirm_begin, what will happen, confirm_form
 * (posts to `action` with confirm=1), the hidden fields, confirm_end. */
static void confirm_begin(struct web_page *p, const char *title)
{
	web_html_head(p->b, title, p->user, p->csrf);
	web_html_out(p->b, "<h1>%s</h1><p><b>Bạn có chắc?</b></p>", title);
}

static void confirm_form(struct web_page *p, const char *action)
{
	web_html_out(p->b, "<form method=\"post\" action=\"%s\" id=\"confirm\"><input type=\"hidden\" name=\"confirm\" "
			   "value=\"1\">",
		     action);
	web_html_csrf(p->b, p->csrf);
}

static void confirm_end(struct web_page *p, const char *button, const char *cls)
{
	web_html_out(p->b, "<p><button class=\"%s\" type=\"submit\">%s</button></p></form>"
			   "<p><a href=\"/senders\">Không, quay lại</a></p>",
		     cls, button);
	web_html_foot(p->b);
}

static int confirmed(struct web_page *p)
{
	const char *c = web_req_form_get(&p->rq->form, "confirm");
	return c && !strcmp(c, "1");
}

/* The typed groups (names or codes, comma-separated) as codes "a,b";
 * -1 with msg for a group that does not exist. */
static int sender_codes(const struct web_groups *gs, const char *typed, char *out, size_t outlen, char *msg,
			size_t msglen)
{
	char *copy = xstrdup(typed), *save = NULL;
	size_t len = 0;
	int rc = 0;
	out[0] = '\0';
	for (char *item = strtok_r(copy, ",;", &save); item && !rc; item = strtok_r(NULL, ",;", &save)) {
		item = util_trim(item);
		if (!*item)
			continue;
		char code[GROUP_CODE_MAX * 4];
		if (group_resolve(item, gs->ref, gs->n, code, sizeof code) < 0) {
			snprintf(msg, msglen, "Không có nhóm “%.80s” (xem trang Nhóm).", item);
			rc = -1;
			break;
		}
		int w = snprintf(out + len, outlen - len, "%s%s", len ? "," : "", code);
		if (w < 0 || (size_t)w >= outlen - len) {
			snprintf(msg, msglen, "Quá nhiều nhóm.");
			rc = -1;
		} else {
			len += (size_t)w;
		}
	}
	free(copy);
	return rc;
}

void web_admin_sender_add(struct web_page *p)
{
	const struct web_form *f = &p->rq->form;
	struct sender_form sf = { web_req_form_get(f, "phone"), web_req_form_get(f, "role"), web_req_form_get(f, "name"),
				  web_req_form_get(f, "groups"), web_req_form_get(f, "noconfirm") != NULL };
	if (!sf.phone)
		sf.phone = "";
	if (!sf.role)
		sf.role = "";
	if (!sf.name)
		sf.name = "";
	if (!sf.groups)
		sf.groups = "";
	struct web_groups gs;
	if (web_groups_load(p, &gs, 0) != 0)
		return;
	char codes[256], msg[300] = "";
	struct sender s;
	if (sender_codes(&gs, sf.groups, codes, sizeof codes, msg, sizeof msg) == 0) {
		switch (sender_from_fields(sf.phone, sf.role, sf.name, codes, !sf.noconfirm, &s)) {
		case SENDER_OK: break;
		case SENDER_BAD_PHONE:
			snprintf(msg, sizeof msg, "“%.40s” không phải số di động Việt Nam (10 chữ số: 03, 05, 07, 08, 09…).",
				 sf.phone);
			break;
		case SENDER_BAD_ROLE: snprintf(msg, sizeof msg, "Hãy chọn người này được phép làm gì."); break;
		case SENDER_BAD_NAME: snprintf(msg, sizeof msg, "Hãy nhập tên (tối đa 95 byte)."); break;
		case SENDER_BAD_GROUPS: snprintf(msg, sizeof msg, "Danh sách nhóm không hợp lệ."); break;
		}
	}
	struct sender existing;
	if (!msg[0] && store_sender_by_phone(p->st, s.phone, &existing) == STORE_OK) {
		char nat[24];
		phone_national(s.phone, nat, sizeof nat);
		snprintf(msg, sizeof msg, "Số %s đã là người gửi (%.95s); muốn đổi thì xóa rồi thêm lại.", nat,
			 existing.name);
	}
	if (msg[0]) {
		web_groups_free(&gs);
		p->rep->status = 400;
		senders_page(p, &sf, msg);
		return;
	}
	char nat[24];
	phone_national(s.phone, nat, sizeof nat);
	if (!confirmed(p)) {
		confirm_begin(p, "Thêm người gửi");
		struct sbuf *b = p->b;
		web_html_out(b, "<p>Số <b>%s</b> (%s) sẽ được nhắn tin ra lệnh cho Loa: %s, tới ", nat, s.name,
			     role_vi(s.role));
		sender_groups(b, &gs, s.groups);
		web_html_out(b, ". %s</p>",
			     s.confirm ? "Mỗi thông báo gửi bằng SMS cần mã xác nhận Loa nhắn lại."
				       : "Không cần mã xác nhận: ai giả được số này cũng gửi được thông báo.");
		confirm_form(p, "/sender/add");
		web_html_out(b,
			     "<input type=\"hidden\" name=\"phone\" value=\"%s\"><input type=\"hidden\" name=\"role\" "
			     "value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"%s\"><input type=\"hidden\" "
			     "name=\"groups\" value=\"%s\">",
			     nat, s.role, s.name, s.groups);
		if (!s.confirm)
			sbuf_add(b, "<input type=\"hidden\" name=\"noconfirm\" value=\"1\">");
		confirm_end(p, "Xác nhận thêm", "btn");
		web_groups_free(&gs);
		return;
	}
	web_groups_free(&gs);
	char d[512];
	snprintf(d, sizeof d, "sender %s (%s, %s, groups '%s'%s)", s.phone, s.name, s.role, s.groups,
		 s.confirm ? "" : ", no confirmation code");
	int rc = store_begin(p->st);
	if (rc == STORE_OK)
		rc = store_sender_add(p->st, &s, NULL, clock_wall_s());
	rc = finish(p, rc, "sender_added", d);
	if (rc == STORE_OK) {
		web_page_redirect(p->rep, "/senders?done=added");
	} else if (rc == STORE_CONFLICT) {
		p->rep->status = 409;
		senders_page(p, &sf, "Số này vừa được thêm; xem danh sách.");
	} else {
		web_page_db_error(p);
	}
}

/* The sender a remove or unlock names; -1 after an error page. */
static int posted_sender(struct web_page *p, struct sender *s, char nat[24])
{
	struct phone ph;
	const char *raw = web_req_form_get(&p->rq->form, "phone");
	if (!raw || phone_normalise(raw, &ph) != PHONE_MOBILE) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai số điện thoại.");
		return -1;
	}
	snprintf(nat, 24, "%s", ph.national);
	return web_page_loaded(p, store_sender_by_phone(p->st, ph.e164, s), "Số này không phải người gửi.");
}

void web_admin_sender_remove(struct web_page *p)
{
	struct sender s;
	char nat[24];
	if (posted_sender(p, &s, nat) != 0)
		return;
	if (!confirmed(p)) {
		confirm_begin(p, "Xóa người gửi");
		web_html_out(p->b,
			     "<p>Số <b>%s</b> (%s) sẽ không ra lệnh cho Loa được nữa; tin nhắn của số này chỉ được lưu "
			     "lại.</p>",
			     nat, s.name);
		confirm_form(p, "/sender/remove");
		web_html_out(p->b, "<input type=\"hidden\" name=\"phone\" value=\"%s\">", nat);
		confirm_end(p, "Xác nhận xóa", "btn danger");
		return;
	}
	char d[200];
	snprintf(d, sizeof d, "sender %s (%s)", s.phone, s.name);
	int rc = store_begin(p->st);
	if (rc == STORE_OK)
		rc = store_sender_remove(p->st, s.phone);
	rc = finish(p, rc, "sender_removed", d);
	if (rc == STORE_OK)
		web_page_redirect(p->rep, "/senders?done=removed");
	else
		web_page_loaded(p, rc, "Số này không còn là người gửi.");
}

void web_admin_sender_unlock(struct web_page *p)
{
	struct sender s;
	char nat[24];
	if (posted_sender(p, &s, nat) != 0)
		return;
	if (!confirmed(p)) {
		confirm_begin(p, "Mở khóa người gửi");
		web_html_out(p->b,
			     "<p>Số <b>%s</b> (%s) bị khóa vì nhập sai mã xác nhận nhiều lần. Mở khóa chỉ khi đã gọi "
			     "cho chính người đó và biết chắc họ nhập sai: nếu không, có thể ai đó đang giả số này.</p>",
			     nat, s.name);
		confirm_form(p, "/sender/unlock");
		web_html_out(p->b, "<input type=\"hidden\" name=\"phone\" value=\"%s\">", nat);
		confirm_end(p, "Xác nhận mở khóa", "btn");
		return;
	}
	/* the unlock is a transaction of its own; the event follows it */
	int was = 0;
	int rc = store_sender_unlock(p->st, s.phone, &was);
	char d[200];
	snprintf(d, sizeof d, "sender %s (%s)%s", s.phone, s.name, was ? "" : ", was not locked");
	if (rc == STORE_OK)
		rc = finish(p, store_begin(p->st), "sender_unlocked", d);
	if (rc == STORE_OK)
		web_page_redirect(p->rep, "/senders?done=unlocked");
	else
		web_page_loaded(p, rc, "Số này không còn là người gửi.");
}

/* ---- templates ---- */

struct tpl_ctx {
	struct sbuf *b;                  /* the rows, written before the table */
	const char *csrf;
	int n;
};

static int template_row(const char *code, const char *text, void *arg)
{
	struct tpl_ctx *c = arg;
	struct sbuf *b = c->b;
	c->n++;
	web_html_out(b, "<tr><td data-l=\"Mã\"><code>%s</code></td><td data-l=\"Nội dung\"><pre>%s</pre></td><td>"
			"<form method=\"post\" action=\"/template/remove\" class=\"inline\">",
		     code, text);
	web_html_csrf(b, c->csrf);
	web_html_out(b, "<input type=\"hidden\" name=\"code\" value=\"%s\"><button class=\"btn danger\" type=\"submit\">"
			"Xóa</button></form></td></tr>",
		     code);
	return 0;
}

static void templates_page(struct web_page *p, const char *code, const char *text, const char *err)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Mẫu tin", p->user, p->csrf);
	sbuf_add(b, "<h1>Mẫu tin</h1><p class=\"links noprint\"><a href=\"/households\">Hộ dân</a>"
		    "<a href=\"/groups\">Nhóm</a><a href=\"/senders\">Người gửi SMS</a></p>");
	static const char *const msgs[][2] = { { "added", "Đã thêm mẫu tin." }, { "removed", "Đã xóa mẫu tin." } };
	done_message(p, msgs, ARRAY_LEN(msgs));
	sbuf_add(b, "<p class=\"muted\">Người gửi nhắn <code>MAU &lt;mã&gt; &lt;nhóm|TATCA&gt;</code> để gửi một mẫu.</p>");
	struct sbuf rows;
	sbuf_init(&rows);
	struct tpl_ctx c = { &rows, p->csrf, 0 };
	int rc = store_template_each(p->st, template_row, &c);
	if (rc != STORE_OK) {
		sbuf_free(&rows);
		web_page_db_error(p);
		return;
	}
	if (!c.n) {
		sbuf_add(b, "<p>Chưa có mẫu tin nào.</p>");
	} else {
		sbuf_add(b, "<table class=\"stack\" id=\"templates\"><tr><th>Mã</th><th>Nội dung</th><th></th></tr>");
		sbuf_addn(b, rows.s, rows.len);
		sbuf_add(b, "</table>");
	}
	sbuf_free(&rows);
	sbuf_add(b, "<h2 id=\"add\">Thêm mẫu tin</h2>");
	if (err)
		web_html_out(b, "<p class=\"err\" id=\"error\">%s</p>", err);
	sbuf_add(b, "<form method=\"post\" action=\"/template/add\" id=\"template\" class=\"wide\">");
	web_html_csrf(b, p->csrf);
	web_html_out(b,
		     "<label>Mã (chữ không dấu, số, - hoặc _, tối đa %d ký tự)<br><input name=\"code\" value=\"%s\" "
		     "required maxlength=\"%d\"></label><label>Nội dung (tối đa %d ký tự)<br><textarea name=\"text\" "
		     "rows=\"4\" required maxlength=\"%d\">%s</textarea></label>"
		     "<p><button class=\"btn\" type=\"submit\">Thêm</button></p></form>",
		     SENDER_TEMPLATE_CODE_MAX, code ? code : "", SENDER_TEMPLATE_CODE_MAX,
		     p->app->cfg.notice.max_chars, p->app->cfg.notice.max_chars, text ? text : "");
	web_html_foot(b);
}

void web_admin_templates(struct web_page *p)
{
	templates_page(p, NULL, NULL, NULL);
}

static void text_problem(int why, long detail, int max, char *msg, size_t len)
{
	switch (why) {
	case TEXT_CHECK_EMPTY: snprintf(msg, len, "Nội dung đang trống."); break;
	case TEXT_CHECK_LONG: snprintf(msg, len, "Nội dung dài %ld ký tự; tối đa %d ký tự.", detail, max); break;
	case TEXT_CHECK_CONTROL: snprintf(msg, len, "Nội dung có ký tự điều khiển không in được (ở byte %ld).", detail); break;
	default: snprintf(msg, len, "Nội dung có ký tự không hợp lệ."); break;
	}
}

void web_admin_template_add(struct web_page *p)
{
	const char *code = web_req_form_get(&p->rq->form, "code");
	const char *raw = web_req_form_get(&p->rq->form, "text");
	if (!code)
		code = "";
	/* a textarea's CRLF made LF, as a notice's */
	char *text = xstrdup(raw ? raw : ""), *o = text;
	for (const char *i = raw ? raw : ""; *i; i++)
		if (!(i[0] == '\r' && i[1] == '\n'))
			*o++ = *i;
	*o = '\0';
	char msg[300] = "";
	char *checked = NULL;
	if (!sender_template_code_ok(code)) {
		snprintf(msg, sizeof msg, "Mã mẫu cần 1 đến %d chữ không dấu, số, “-” hoặc “_”.", SENDER_TEMPLATE_CODE_MAX);
	} else {
		int why = 0;
		long detail = 0;
		char err[256];
		checked = text_notice_check_why(text, p->app->cfg.notice.max_chars, &why, &detail, err, sizeof err);
		if (!checked)
			text_problem(why, detail, p->app->cfg.notice.max_chars, msg, sizeof msg);
	}
	char *existing = NULL;
	if (!msg[0] && store_template_get(p->st, code, &existing) == STORE_OK)
		snprintf(msg, sizeof msg, "Đã có mẫu mã %s; muốn đổi thì xóa mẫu cũ rồi thêm lại.", code);
	free(existing);
	if (msg[0]) {
		p->rep->status = 400;
		templates_page(p, code, text, msg);
		free(text);
		free(checked);
		return;
	}
	char d[64];
	snprintf(d, sizeof d, "template %s", code);
	int rc = store_begin(p->st);
	if (rc == STORE_OK)
		rc = store_template_add(p->st, code, checked, clock_wall_s());
	if (finish(p, rc, "template_added", d) == STORE_OK)
		web_page_redirect(p->rep, "/templates?done=added");
	else
		web_page_db_error(p);
	free(text);
	free(checked);
}

void web_admin_template_remove(struct web_page *p)
{
	const char *code = web_req_form_get(&p->rq->form, "code");
	if (!code || !sender_template_code_ok(code)) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã mẫu.");
		return;
	}
	char d[64];
	snprintf(d, sizeof d, "template %s", code);
	int rc = store_begin(p->st);
	if (rc == STORE_OK)
		rc = store_template_remove(p->st, code);
	rc = finish(p, rc, "template_removed", d);
	if (rc == STORE_OK)
		web_page_redirect(p->rep, "/templates?done=removed");
	else
		web_page_loaded(p, rc, "Không có mẫu này.");
}
