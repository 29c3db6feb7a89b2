/* web_html — see web_html.h. */
#include "web/web_html.h"

#include "base/clock.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void web_html_esc(struct sbuf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *ent;
		switch (*p) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		sbuf_addn(b, run, (size_t)(p - run));
		sbuf_add(b, ent);
		run = p + 1;
	}
	sbuf_add(b, run);
}

void web_html_out(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		sbuf_addn(b, run, (size_t)(p - run));
		p++;
		int longs = 0;
		while (*p == 'l') {
			longs++;
			p++;
		}
		switch (*p) {
		case 's': web_html_esc(b, va_arg(ap, const char *)); break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			web_html_esc(b, c);
			break;
		}
		case 'd':
			if (longs == 2)
				sbuf_printf(b, "%lld", va_arg(ap, long long));
			else if (longs == 1)
				sbuf_printf(b, "%ld", va_arg(ap, long));
			else
				sbuf_printf(b, "%d", va_arg(ap, int));
			break;
		case 'u': sbuf_printf(b, "%u", va_arg(ap, unsigned)); break;
		case '%': sbuf_addc(b, '%'); break;
		default: /* unsupported: a programming error; keep the page well-formed */
			p--;
			break;
		}
		run = p + 1;
	}
	sbuf_add(b, run);
	va_end(ap);
}

/* Phone-first: one column, big tap targets; tables scroll sideways on a
 * narrow screen or become one card per row (table.stack); print drops
 * navigation and buttons. */
static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}"
	"main{padding:0.8em;max-width:70em;margin:auto}"
	"nav{background:#14532d;padding:0.4em 0.8em;display:flex;flex-wrap:wrap;gap:0.8em;align-items:center}"
	"nav a,nav button{color:#fff;font-size:1em;text-decoration:none;background:none;border:0;padding:0.3em 0}"
	"nav form{margin:0 0 0 auto}"
	"h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.2em}"
	".wrap{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{border:1px solid #ccc;padding:0.3em 0.4em;text-align:left;vertical-align:top}"
	"th{background:#eee}"
	"input,textarea,select,button{font-size:1em;padding:0.4em;max-width:100%;box-sizing:border-box}"
	"textarea{width:100%}"
	"label{display:block;margin:0.4em 0}"
	".btn{background:#14532d;color:#fff;border:0;padding:0.5em 1em;border-radius:4px}"
	".err{background:#fee;border:1px solid #c00;padding:0.5em}"
	".alert{background:#b00;color:#fff;padding:0.5em 0.8em;margin:0.3em 0;font-weight:bold}"
	".ok{color:#14532d}.bad{color:#b00}.muted{color:#666;font-size:0.9em}"
	".links a{margin-right:1em;display:inline-block;padding:0.3em 0}"
	"progress{width:8em}"
	"pre{white-space:pre-wrap;font-family:inherit;font-size:1.05em}"
	"svg{max-width:100%;height:auto;background:#fff;border:1px solid #ccc}"
	".urgent{background:#b91c1c;color:#fff;font-weight:bold;padding:0.05em 0.4em;border-radius:3px;white-space:nowrap}"
	"tr.urgent-row td:first-child{border-left:5px solid #b91c1c}"
	".btn.danger{background:#b91c1c}"
	"fieldset{margin:0.6em 0;border:1px solid #ccc}"
	".when{display:flex;flex-wrap:wrap;gap:0.4em;margin-left:1.6em}"
	"td pre{margin:0;font-size:1em}hr{border:0;border-top:1px dashed #ccc;margin:0.3em 0}"
	/* the visit list (web_visit.c): numbers to tap, a note and a button
	 * per household; the box to tick by hand only on paper */
	".tick{display:none}.flash{background:#eef7ee;border:1px solid #14532d;padding:0.5em}"
	"table.visit a[href^=\"tel:\"]{display:inline-block;padding:0.25em 0;white-space:nowrap}"
	"table.visit td.act input{width:100%;margin-bottom:0.3em}table.visit td.act form{margin:0}"
	"tr.done td{background:#f0f7f0}"
	".linkbtn{background:none;border:0;color:#14532d;text-decoration:underline;padding:0.3em 0}"
	"@page{size:A4 portrait;margin:12mm 10mm}"
	/* forms of the households, groups, senders and templates pages */
	".fielderr{color:#b00;margin:0.1em 0 0.6em}.warn{background:#fff7e0;border:1px solid #c90;padding:0.5em}"
	"form.inline{display:inline;margin:0}"
	".filters p{margin:0.4em 0}form.wide input:not([type=checkbox]),form.wide select,form.wide textarea{width:100%;"
	"max-width:36em}[aria-invalid=true]{border:2px solid #b00}"
	/* the log's filter in one row where it fits; page links big enough to tap */
	".filters{display:flex;flex-wrap:wrap;gap:0.4em 1em;align-items:flex-end;margin:0.4em 0}"
	".filters label{margin:0}.filters label.check{padding:0.4em 0}"
	".pages{margin:0.6em 0}.pages a,.pages b,.pages span{display:inline-block;padding:0.4em 0.6em}"
	"@media (max-width:40em){main{padding:0.5em}table{font-size:0.9em}progress{width:4em}th,td{padding:0.25em}"
	"nav a.more{display:none}"
	/* long rows (the inbox) become one card per row on a phone */
	"table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}"
	"table.stack tr:first-child,table.stack td.empty{display:none}"
	"table.stack tr{border:1px solid #ccc;margin-bottom:0.6em;background:#fff}"
	"table.stack td{border:0;border-bottom:1px solid #eee}"
	"table.stack td[data-l]::before{content:attr(data-l);display:block;font-size:0.8em;color:#666}"
	/* short cells (the households): the label on the value's line */
	"table.compact td[data-l]::before{content:attr(data-l) \": \";display:inline}"
	"table.stack td{overflow-wrap:anywhere}table.stack td.tick{display:none}}"
	"@media print{nav,.noprint,form{display:none}body{background:#fff}main{max-width:none}"
	/* the visit list on A4 portrait: a box to tick, room to write, no row
	 * cut across two pages, a hamlet's heading kept with its rows */
	"main{padding:0}.wrap{overflow:visible}a{color:#000;text-decoration:none}.alert{display:none}"
	"table.visit{font-size:9.5pt}table.visit .tick{display:table-cell;width:1.4em}"
	".box{display:inline-block;width:1em;height:1em;border:1.5px solid #000}"
	"table.visit td.act{width:9em}tr.done td{background:none}"
	"tr{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid;page-break-after:avoid}}";

static char csp[256];
static pthread_once_t csp_once = PTHREAD_ONCE_INIT;

static void csp_init(void)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[64];
	crypto_hash_sha256(h, (const unsigned char *)css, sizeof css - 1);
	sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
	snprintf(csp, sizeof csp,
		 "default-src 'self'; script-src 'none'; style-src 'sha256-%s'; img-src 'self' data:; "
		 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
		 b64);
}

const char *web_html_csp(void)
{
	pthread_once(&csp_once, csp_init);
	return csp;
}

void web_html_csrf(struct sbuf *b, const char *csrf)
{
	web_html_out(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", csrf);
}

/* The document up to <body>: title, viewport, the shared style. */
static void doc_start(struct sbuf *b, const char *title)
{
	web_html_out(b,
		     "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<title>%s — Loa</title>",
		     title);
	sbuf_add(b, "<style>");
	sbuf_add(b, css);
	sbuf_add(b, "</style></head><body>");
}

void web_html_head(struct sbuf *b, const char *title, const char *user, const char *csrf)
{
	doc_start(b, title);
	if (user) {
		/* on a phone the setup pages hide here: the households page links them */
		sbuf_add(b, "<nav><a href=\"/\">Thông báo</a><a href=\"/new\">Tạo thông báo</a>"
			    "<a href=\"/households\">Hộ dân</a><a class=\"more\" href=\"/groups\">Nhóm</a>"
			    "<a class=\"more\" href=\"/senders\">Người gửi</a><a class=\"more\" href=\"/templates\">Mẫu tin</a>"
			    "<a href=\"/inbox\">Tin nhắn đến</a><a href=\"/modems\">Modem</a><form method=\"post\" action=\"/logout\">");
		web_html_csrf(b, csrf);
		web_html_out(b, "<button type=\"submit\">Đăng xuất (%s)</button></form></nav>", user);
	}
	sbuf_add(b, "<main>");
}

void web_html_head_hub(struct sbuf *b, const char *title, const char *user, const char *csrf)
{
	doc_start(b, title);
	sbuf_add(b, "<nav><a href=\"/\">Các trạm</a><a href=\"/hub/notices\">Thông báo chung</a>"
		    "<a href=\"/hub/new\">Tạo thông báo chung</a><form method=\"post\" action=\"/logout\">");
	web_html_csrf(b, csrf);
	web_html_out(b, "<button type=\"submit\">Đăng xuất (%s)</button></form></nav><main>", user);
}

void web_html_foot(struct sbuf *b)
{
	sbuf_add(b, "</main></body></html>\n");
}

static const struct {
	const char *state, *vi;
} states[] = {
	{ "queued", "chờ gửi" }, { "sending", "đang gửi" }, { "sent", "đã gửi" },
	{ "delivered", "đã nhận" }, { "failed", "lỗi" }, { "expired", "hết hạn" },
	{ "cancelled", "đã hủy" }, { "uncertain", "không chắc đã gửi" }, { "dialing", "đang quay số" },
	{ "ringing", "đang đổ chuông" }, { "answered", "đã nhấc máy" }, { "played", "đã nghe hết" },
	{ "confirmed", "đã xác nhận" }, { "no_answer", "không nghe máy" }, { "busy", "máy bận" },
	{ "rejected", "từ chối" }, { "unreached", "không liên lạc được" }, { "informed", "đã báo tận nhà" },
};

const char *web_html_state(const char *state)
{
	for (size_t i = 0; i < ARRAY_LEN(states); i++)
		if (strcmp(states[i].state, state) == 0)
			return states[i].vi;
	return state;
}

void web_html_time(struct sbuf *b, int64_t wall_s)
{
	if (wall_s <= 0) {
		sbuf_add(b, "—");
		return;
	}
	char when[32];
	clock_format_local(wall_s, when, sizeof when);
	web_html_esc(b, when);
}
