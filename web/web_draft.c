/* web_draft — creating a notice from the web (see web_page_int.h): the
 * form, the preview (notice_plan, exactly as `loa notice`), and the
 * confirmed create. */
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "db/store.h"
#include "domain/notice.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>

/* ---- creating a notice: form -> preview -> confirm ---- */

struct draft {
	char *text;              /* CRLF (as browsers send a textarea) made LF; owned */
	char to[512];
	int channels, urgent;
	int at_on;               /* "Gửi lúc": 0 now, 1 at at_date/at_time */
	char at_date[16];        /* "YYYY-MM-DD" or "" (the next at_time) */
	char at_time[8];         /* "HH:MM" */
	int64_t due_at;          /* resolved by plan_draft; 0 = now */
};

/* The draft from the posted form (the form page posts several "to"
 * checkboxes; the preview posts them joined). */
static void read_draft(struct web_page *p, struct draft *d)
{
	const struct web_form *f = &p->rq->form;
	memset(d, 0, sizeof *d);
	const char *text = web_req_form_get(f, "text");
	if (text) {
		d->text = xstrdup(text);
		char *o = d->text;
		for (const char *i = text; *i; i++)
			if (!(i[0] == '\r' && i[1] == '\n'))
				*o++ = *i;
		*o = '\0';
	}
	size_t len = 0;
	for (int i = 0; i < f->n; i++) {
		if (strcmp(f->key[i], "to") != 0 || !f->val[i][0])
			continue;
		int w = snprintf(d->to + len, sizeof d->to - len, "%s%s", len ? "," : "", f->val[i]);
		if (w < 0 || (size_t)w >= sizeof d->to - len)
			break;
		len += (size_t)w;
	}
	if (web_req_form_get(f, "sms"))
		d->channels |= CH_SMS;
	if (web_req_form_get(f, "voice"))
		d->channels |= CH_VOICE;
	d->urgent = web_req_form_get(f, "urgent") != NULL;
	const char *when = web_req_form_get(f, "when"), *date = web_req_form_get(f, "date"),
		   *time = web_req_form_get(f, "time");
	d->at_on = when && strcmp(when, "at") == 0;
	/* longer than the field: kept as an obviously bad value, never cut into a valid one */
	snprintf(d->at_date, sizeof d->at_date, "%s", date && strlen(date) < sizeof d->at_date ? date : date ? "?" : "");
	snprintf(d->at_time, sizeof d->at_time, "%s", time && strlen(time) < sizeof d->at_time ? time : time ? "?" : "");
}

struct group_ctx {
	struct sbuf *b;
	const char *to;
};

static int has_target(const char *to, const char *code)
{
	char *copy = xstrdup(to), *save = NULL;
	int found = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !found; t = strtok_r(NULL, ",", &save))
		found = util_streq_ci(t, code);
	free(copy);
	return found;
}

static int group_box(const char *code, int households, void *arg)
{
	struct group_ctx *g = arg;
	web_html_out(g->b, "<label><input type=\"checkbox\" name=\"to\" value=\"%s\"%s> %s (%d hộ)</label>", code,
		     has_target(g->to, code) ? " checked" : "", code, households);
	return 0;
}

static void notice_form(struct web_page *p, const struct draft *d, const char *err)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Tạo thông báo", p->user, p->csrf);
	sbuf_add(b, "<h1>Tạo thông báo</h1>");
	if (err)
		web_html_out(b, "<p class=\"err\">%s</p>", err);
	sbuf_add(b, "<form method=\"post\" action=\"/new/preview\">");
	web_html_csrf(b, p->csrf);
	web_html_out(b,
		     "<label>Nội dung (tối đa %d ký tự)<br><textarea name=\"text\" rows=\"5\" maxlength=\"%d\" "
		     "required>%s</textarea></label><fieldset><legend>Gửi tới</legend>",
		     p->app->cfg.notice.max_chars, p->app->cfg.notice.max_chars, d && d->text ? d->text : "");
	/* nothing ticked at first: an officer who ticks one group must not
	 * also send to every household */
	const char *to = d ? d->to : "";
	web_html_out(b, "<label><input type=\"checkbox\" name=\"to\" value=\"all\"%s> Tất cả các hộ</label>",
		     has_target(to, "all") ? " checked" : "");
	struct group_ctx g = { b, to };
	if (store_group_each(p->st, group_box, &g) != STORE_OK) {
		web_page_db_error(p);
		return;
	}
	int ch = d && d->channels ? d->channels : CH_BOTH;
	web_html_out(b,
		     "</fieldset><fieldset><legend>Kênh</legend>"
		     "<label><input type=\"checkbox\" name=\"sms\" value=\"1\"%s> Tin nhắn SMS</label>"
		     "<label><input type=\"checkbox\" name=\"voice\" value=\"1\"%s> Gọi điện đọc thông báo</label>"
		     "</fieldset><label><input type=\"checkbox\" name=\"urgent\" value=\"1\"%s> Khẩn cấp "
		     "(gửi cả trong giờ yên tĩnh, cả hộ đã từ chối)</label>",
		     ch & CH_SMS ? " checked" : "", ch & CH_VOICE ? " checked" : "", d && d->urgent ? " checked" : "");
	char today[32];
	clock_format_local(clock_wall_s(), today, sizeof today);
	today[10] = '\0';
	int at = d && d->at_on;
	web_html_out(b,
		     "<fieldset><legend>Gửi lúc</legend>"
		     "<label><input type=\"radio\" name=\"when\" value=\"now\"%s> Ngay khi xác nhận</label>"
		     "<label><input type=\"radio\" name=\"when\" value=\"at\"%s> Vào lúc:</label>"
		     "<span class=\"when\"><input type=\"date\" name=\"date\" value=\"%s\" min=\"%s\" "
		     "aria-label=\"Ngày gửi\"> <input type=\"time\" name=\"time\" value=\"%s\" aria-label=\"Giờ gửi\"></span>"
		     "<p class=\"muted\">Bỏ trống ngày: lần tới của giờ đó (hôm nay, hoặc ngày mai nếu giờ đã qua).</p>"
		     "</fieldset><p><button class=\"btn\" type=\"submit\">Xem trước</button></p></form>",
		     at ? "" : " checked", at ? " checked" : "", d ? d->at_date : "", today, d ? d->at_time : "");
	web_html_foot(b);
}

void web_draft_form(struct web_page *p)
{
	if (strcmp(p->rq->method, "POST") == 0) {
		struct draft d;
		read_draft(p, &d);
		notice_form(p, &d, NULL);
		free(d.text);
	} else {
		notice_form(p, NULL, NULL);
	}
}

/* notice_plan's refusal in Vietnamese (web_page_int.h). */
void web_draft_plan_err_vi(const struct notice_plan *pl, const char *err, char *buf, size_t len)
{
	switch (pl->why) {
	case NOTICE_WHY_TEXT_UTF8:
		snprintf(buf, len, "Nội dung có ký tự không hợp lệ (không phải UTF-8, ở byte %ld).", pl->why_n);
		break;
	case NOTICE_WHY_TEXT_CONTROL:
		snprintf(buf, len, "Nội dung có ký tự điều khiển không in được (ở byte %ld); hãy xóa nó.", pl->why_n);
		break;
	case NOTICE_WHY_TEXT_UNICODE: snprintf(buf, len, "Nội dung có ký tự Unicode không hợp lệ."); break;
	case NOTICE_WHY_TEXT_EMPTY: snprintf(buf, len, "Nội dung đang trống; hãy nhập nội dung thông báo."); break;
	case NOTICE_WHY_TEXT_LONG:
		snprintf(buf, len, "Nội dung dài %ld ký tự; tối đa %d ký tự. Hãy viết ngắn lại.", pl->why_n,
			 pl->why_max);
		break;
	case NOTICE_WHY_NO_GROUP:
		snprintf(buf, len, "Không có nhóm \"%s\" (hoặc nhóm không còn hộ nào).", pl->why_group);
		break;
	case NOTICE_WHY_NO_TARGETS: snprintf(buf, len, "Hãy chọn nơi gửi tới: một hoặc vài nhóm, hoặc tất cả các hộ."); break;
	case NOTICE_WHY_PARTS_UCS2:
		snprintf(buf, len, "Tin có dấu cần %ld phần SMS; tối đa %d phần (sms.max_parts). Hãy viết ngắn lại.",
			 pl->why_n, pl->why_max);
		break;
	case NOTICE_WHY_PARTS_GSM7:
		snprintf(buf, len, "Tin không dấu cần %ld phần SMS; tối đa %d phần (sms.max_parts). Hãy viết ngắn lại.",
			 pl->why_n, pl->why_max);
		break;
	case NOTICE_WHY_NO_HOUSEHOLD:
		snprintf(buf, len,
			 "Thông báo này không tới được hộ nào (%d hộ đã từ chối nhận, %d hộ không có kênh đã chọn).",
			 pl->stats.opted_out, pl->stats.no_channel);
		break;
	default: snprintf(buf, len, "Thông báo không hợp lệ (%.200s).", err); break;
	}
}

/* The draft's "Gửi lúc" as wall seconds (0 = now), with the CLI's --at
 * rules; on a problem shows the form again (400).  A resolved time is
 * written back as a full date and time, so the preview's confirm button
 * carries the same moment even if "HH:MM" would mean tomorrow by then. */
static int due_draft(struct web_page *p, struct draft *d)
{
	d->due_at = 0;
	if (!clock_trusted()) {
		/* a notice dated by a wrong clock would expire once the time is
		 * known: nothing is created until it can be trusted */
		char now[32];
		clock_format_local(clock_wall_s(), now, sizeof now);
		char msg[400];
		snprintf(msg, sizeof msg,
			 "Đồng hồ của máy đang sai (%s) và Loa chưa lấy được giờ từ mạng di động: chưa tạo được "
			 "thông báo. Hãy kiểm tra dịch vụ loa run và modem (loa status), rồi thử lại.",
			 now);
		p->rep->status = 503;
		notice_form(p, d, msg);
		return -1;
	}
	if (!d->at_on)
		return 0;
	char at[40];
	if (!d->at_time[0]) {
		p->rep->status = 400;
		notice_form(p, d, "Hãy nhập giờ gửi (giờ:phút), hoặc chọn \"Ngay khi xác nhận\".");
		return -1;
	}
	snprintf(at, sizeof at, "%s%s%s", d->at_date, d->at_date[0] ? " " : "", d->at_time);
	int rc = notice_parse_at(at, clock_wall_s(), &d->due_at);
	if (rc != 0) {
		char msg[160];
		if (rc == NOTICE_AT_PAST)
			snprintf(msg, sizeof msg, "Thời điểm gửi %s đã qua; hãy chọn một thời điểm sau bây giờ.", at);
		else
			snprintf(msg, sizeof msg,
				 "Thời điểm gửi \"%s\" không hợp lệ: ngày dạng 2026-12-31, giờ dạng 19:30.", at);
		p->rep->status = 400;
		notice_form(p, d, msg);
		return -1;
	}
	char full[32];
	clock_format_local(d->due_at, full, sizeof full);
	/* "YYYY-MM-DD HH:MM" */
	memcpy(d->at_date, full, 10);
	d->at_date[10] = '\0';
	memcpy(d->at_time, full + 11, 5);
	d->at_time[5] = '\0';
	return 0;
}

/* Runs notice_plan on the draft; on a problem shows the form again (400). */
static int plan_draft(struct web_page *p, struct draft *d, struct notice_plan *plan)
{
	char err[512], source[96];
	if (!d->text || !d->text[0] || !d->to[0]) {
		p->rep->status = 400;
		notice_form(p, d, !d->to[0] ? "Hãy chọn nơi gửi tới." : "Hãy nhập nội dung.");
		return -1;
	}
	if (has_target(d->to, "all") && strchr(d->to, ',')) {
		/* refused, not guessed: "all" would win over the groups ticked */
		p->rep->status = 400;
		notice_form(p, d, "Đã chọn cả \"Tất cả các hộ\" và nhóm: hãy bỏ chọn \"Tất cả các hộ\" để chỉ gửi "
			    "tới các nhóm đã chọn, hoặc bỏ chọn các nhóm để gửi tới mọi hộ.");
		return -1;
	}
	if (!d->channels) {
		p->rep->status = 400;
		notice_form(p, d, "Hãy chọn ít nhất một kênh.");
		return -1;
	}
	if (due_draft(p, d) != 0)
		return -1;
	snprintf(source, sizeof source, "web:%s", p->user);
	int rc = notice_plan(p->st, &p->app->cfg.notice, d->text, d->to, d->channels, d->urgent, d->due_at, source, plan,
			     err, sizeof err);
	if (rc == EXIT_USAGE) {
		char vi[320];
		web_draft_plan_err_vi(plan, err, vi, sizeof vi);
		notice_plan_free(plan);
		p->rep->status = 400;
		notice_form(p, d, vi);
		return -1;
	}
	if (rc != EXIT_OK) {
		notice_plan_free(plan);
		LOG_E("web", "notice plan: %s", err);
		web_page_error(p->rep, 500, "Lỗi cơ sở dữ liệu; xem nhật ký của Loa.");
		return -1;
	}
	return 0;
}

void web_draft_hidden(struct sbuf *b, const char *text, const char *to, int channels, int urgent)
{
	web_html_out(b, "<input type=\"hidden\" name=\"text\" value=\"%s\"><input type=\"hidden\" name=\"to\" value=\"%s\">",
		     text, to);
	if (channels & CH_SMS)
		sbuf_add(b, "<input type=\"hidden\" name=\"sms\" value=\"1\">");
	if (channels & CH_VOICE)
		sbuf_add(b, "<input type=\"hidden\" name=\"voice\" value=\"1\">");
	if (urgent)
		sbuf_add(b, "<input type=\"hidden\" name=\"urgent\" value=\"1\">");
}

static void draft_hidden(struct sbuf *b, const struct draft *d)
{
	web_draft_hidden(b, d->text, d->to, d->channels, d->urgent);
	if (d->at_on)
		web_html_out(b,
			     "<input type=\"hidden\" name=\"when\" value=\"at\"><input type=\"hidden\" name=\"date\" "
			     "value=\"%s\"><input type=\"hidden\" name=\"time\" value=\"%s\">",
			     d->at_date, d->at_time);
}

void web_draft_preview(struct web_page *p)
{
	struct draft d;
	read_draft(p, &d);
	struct notice_plan plan;
	if (plan_draft(p, &d, &plan) != 0) {
		free(d.text);
		return;
	}
	const struct notice_cfg *cfg = &p->app->cfg.notice;
	const struct fanout_stats *s = &plan.stats;
	struct sbuf *b = p->b;
	web_html_head(b, "Xem trước thông báo", p->user, p->csrf);
	web_html_out(b, "<h1>Xem trước — chưa gửi</h1><pre>%s</pre><div class=\"wrap\"><table>", plan.text);
	web_html_out(b, "<tr><th>Gửi tới</th><td>%s", d.to);
	if (d.urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	sbuf_add(b, "</td></tr><tr><th>Gửi lúc</th><td>");
	if (d.due_at) {
		web_html_out(b, "<b>");
		web_html_time(b, d.due_at);
		sbuf_add(b, "</b> (các hộ chờ đến giờ này)");
	} else {
		sbuf_add(b, "ngay khi xác nhận");
	}
	sbuf_add(b, "</td></tr>");
	web_html_out(b, "<tr><th>Số hộ</th><td>%d", s->households);
	if (s->opted_out)
		web_html_out(b, " (bỏ qua %d hộ đã từ chối)", s->opted_out);
	if (s->no_channel)
		web_html_out(b, " (bỏ qua %d hộ không có kênh này)", s->no_channel);
	web_html_out(b, "</td></tr><tr><th>SMS</th><td>%d tin: %d có dấu × %d phần, %d không dấu × %d phần</td></tr>",
		     s->sms, s->sms_ucs2, plan.parts_ucs2, s->sms_gsm7, plan.parts_gsm7);
	web_html_out(b, "<tr><th>Chi phí SMS</th><td>khoảng %ld đ (%d đ mỗi phần)</td></tr>", plan.cost,
		     cfg->sms_part_cost);
	if (s->voice) {
		int total = s->voice * plan.call_s, modems = cfg->voice_modems;
		web_html_out(b,
			     "<tr><th>Cuộc gọi</th><td>%d cuộc, mỗi cuộc khoảng %d giây (đọc %d lần, ~%d giây mỗi lần); "
			     "tổng %d phút",
			     s->voice, plan.call_s, cfg->call_repeats, plan.speech_s, (total + 59) / 60);
		if (modems)
			web_html_out(b, ", ~%d phút với %d modem gọi", (total / modems + 59) / 60, modems);
		if (!modems || plan.callers_now == 0)
			web_html_out(b, "<br><span class=\"bad\">Hiện không có modem nào gọi được (%s). Các cuộc gọi chờ "
					"tối đa %s, sau đó các hộ được đưa vào danh sách cần đến tận nhà.</span>",
				     modems ? "Loa không chạy, hoặc modem gọi chưa sẵn sàng hay đang tạm dừng"
					    : "không modem nào có cổng âm thanh",
				     "thời hạn voice.expire_h");
		sbuf_add(b, "</td></tr>");
	} else {
		sbuf_add(b, "<tr><th>Cuộc gọi</th><td>0</td></tr>");
	}
	sbuf_add(b, "</table></div>");
	if (s->sms_gsm7 && !plan.unaccented)
		web_html_out(b, "<p>Bản không dấu:</p><pre>%s</pre>", plan.stripped);
	if ((s->sms_ucs2 && plan.parts_ucs2 > 3) || (s->sms_gsm7 && plan.parts_gsm7 > 3))
		sbuf_add(b, "<p class=\"err\">Tin dài hơn 3 phần; vài máy cũ có thể cắt hoặc mất tin.</p>");
	if (s->sms_gsm7 && plan.replaced > 0)
		web_html_out(b, "<p class=\"err\">%d ký tự không gửi được khi bỏ dấu và sẽ thành '?'.</p>", plan.replaced);
	if (s->sms_gsm7 && plan.ambiguous[0])
		web_html_out(b, "<p class=\"err\">Khi bỏ dấu, các từ này dễ hiểu nhầm: %s</p>", plan.ambiguous);
	if (plan.voice_unaccented)
		sbuf_add(b, "<p class=\"err\">" NOTICE_UNACCENTED_VI "</p>");
	sbuf_add(b, "<form method=\"post\" action=\"/new/create\">");
	web_html_csrf(b, p->csrf);
	draft_hidden(b, &d);
	sbuf_add(b, "<p><button class=\"btn\" type=\"submit\">Xác nhận gửi</button></p></form>"
		    "<form method=\"post\" action=\"/new\">");
	web_html_csrf(b, p->csrf);
	draft_hidden(b, &d);
	sbuf_add(b, "<p><button type=\"submit\">Sửa lại</button></p></form>");
	web_html_foot(b);
	notice_plan_free(&plan);
	free(d.text);
}

void web_draft_create(struct web_page *p)
{
	struct draft d;
	read_draft(p, &d);
	struct notice_plan plan;
	int rc = plan_draft(p, &d, &plan);
	free(d.text);
	if (rc != 0)
		return;
	int64_t id = 0;
	char err[512];
	rc = notice_create(p->st, &plan, &id, err, sizeof err);
	notice_plan_free(&plan);
	if (rc != EXIT_OK) {
		LOG_E("web", "notice create by %s: %s", p->user, err);
		web_page_error(p->rep, 500, "Không tạo được thông báo; xem nhật ký của Loa.");
		return;
	}
	LOG_I("web", "notice %lld created by %s from %s", (long long)id, p->user, p->rq->addr ? p->rq->addr : "?");
	char to[64];
	snprintf(to, sizeof to, "/notice?id=%lld&created=1", (long long)id);
	web_page_redirect(p->rep, to);
}

