/* web_api — see web_api.h. */
#include "web/web_api.h"
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "base/util.h"
#include "db/channel.h"
#include "db/store.h"
#include "db/store_api.h"
#include "domain/cause.h"
#include "domain/notice.h"
#include "web/web_auth.h"
#include "web/web_hub.h"
#include "web/web_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TYPE_JSON "application/json; charset=utf-8"

int web_api_path(const char *path)
{
	return path && (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 || strncmp(path, "/api?", 5) == 0);
}

/* ---- tokens ---- */

void web_api_token_hash(const char *token, char out[65])
{
	web_auth_token_hash(token, out);
}

/* 1 if s has the token's shape: the prefix and 43 base64url characters. */
static int token_ok(const char *s)
{
	size_t pl = strlen(WEB_API_TOKEN_PREFIX);
	return s && strncmp(s, WEB_API_TOKEN_PREFIX, pl) == 0 && web_auth_token_ok(s + pl);
}

int web_api_token_add(struct store *st, const char *name, char out[WEB_API_TOKEN_LEN + 1])
{
	if (!web_auth_name_ok(name))
		return -1;
	char raw[WEB_TOKEN_LEN + 1], hash[WEB_HEX_LEN + 1];
	web_auth_new_token(raw);
	snprintf(out, WEB_API_TOKEN_LEN + 1, "%s%s", WEB_API_TOKEN_PREFIX, raw);
	web_api_token_hash(out, hash);
	int64_t now = clock_wall_s();
	int rc = store_api_token_add(st, name, hash, now);
	if (rc == STORE_OK) {
		char detail[96];
		snprintf(detail, sizeof detail, "client %s", name);
		rc = store_event(st, "api_token_added", 0, 0, 0, NULL, detail, now);
	}
	if (rc != STORE_OK)
		memset(out, 0, WEB_API_TOKEN_LEN + 1);
	return rc;
}

int web_api_token_revoke(struct store *st, const char *name)
{
	int rc = store_api_token_revoke(st, name);
	if (rc == STORE_OK) {
		char detail[96];
		snprintf(detail, sizeof detail, "client %.64s", name);
		rc = store_event(st, "api_token_revoked", 0, 0, 0, NULL, detail, clock_wall_s());
	}
	return rc;
}

/* ---- one request ---- */

struct api {
	struct web_app *app;
	const struct web_request *rq;
	struct web_reply *rep;
	const char *client;        /* the token's client, once known */
};

static void error_body(struct web_reply *rep, int status, const char *code, const char *msg, const char *msg_vi)
{
	sbuf_reset(&rep->body);
	if (rep->stream.done)
		rep->stream.done(rep->stream.ctx);
	memset(&rep->stream, 0, sizeof rep->stream);
	rep->status = status;
	rep->type = TYPE_JSON;
	rep->filename[0] = '\0';
	web_json_out(&rep->body, "{\"error\":%s,\"message\":%s", code, msg);
	if (msg_vi)
		web_json_out(&rep->body, ",\"message_vi\":%s", msg_vi);
	sbuf_add(&rep->body, "}\n");
}

/* A refusal: the JSON error, and a log line (who, from where, why). */
static void api_error(struct api *a, int status, const char *code, const char *msg, const char *msg_vi)
{
	error_body(a->rep, status, code, msg, msg_vi);
	LOG_W("web", "API %s %s by %s from %s refused: %d %s: %s", a->rq->method, a->rq->path,
	      a->client ? a->client : "(no valid token)", a->rq->addr ? a->rq->addr : "?", status, code, msg);
}

void web_api_error(struct web_reply *rep, const struct web_request *rq, const char *client, int status,
		   const char *code, const char *msg, const char *msg_vi)
{
	struct api a = { NULL, rq, rep, client };
	api_error(&a, status, code, msg, msg_vi);
}

static void api_db_error(struct api *a)
{
	LOG_E("web", "API %s %s: %s", a->rq->method, a->rq->path, store_errmsg(a->app->st));
	error_body(a->rep, 500, "database", "database error; see Loa's log", "Lỗi cơ sở dữ liệu; xem nhật ký của Loa.");
}

void web_api_refuse(struct web_reply *rep, int status, const char *method, const char *target, const char *addr)
{
	const char *code, *msg;
	switch (status) {
	case 400: code = "bad_request"; msg = "malformed request"; break;
	case 405: code = "method_not_allowed"; msg = "only GET, HEAD and POST"; break;
	case 413: code = "too_large"; msg = "the body is larger than the API takes (16 KiB)"; break;
	case 415: code = "unsupported_media_type"; msg = "POST bodies must be application/json"; break;
	case 421: code = "misdirected"; msg = "this Host is not a name of this server (see [web] hosts)"; break;
	case 503: code = "unavailable"; msg = "busy; try again later"; break;
	default: code = status >= 500 ? "server_error" : "refused"; msg = "refused"; break;
	}
	error_body(rep, status, code, msg, NULL);
	char t[120];
	util_escape_ctl(target ? target : "", t, sizeof t);
	LOG_W("web", "API %s %s from %s refused: %d %s", method ? method : "?", t, addr ? addr : "?", status, code);
}

/* The client of the request's Bearer token, or a 401. */
static int authenticate(struct api *a, struct store_api_client *cl)
{
	const char *h = a->rq->authorization;
	a->rep->www_authenticate = "Bearer realm=\"loa\"";
	if (!h) {
		api_error(a, 401, "unauthorized", "an Authorization: Bearer token is required (loa web token add NAME)",
			  "Cần mã truy cập (Authorization: Bearer).");
		return -1;
	}
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		api_error(a, 401, "unauthorized", "only Bearer tokens are taken", "Chỉ nhận mã truy cập kiểu Bearer.");
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	a->rep->www_authenticate = "Bearer realm=\"loa\", error=\"invalid_token\"";
	int rc = STORE_NOTFOUND;
	if (token_ok(h)) {
		char hash[WEB_HEX_LEN + 1];
		web_api_token_hash(h, hash);
		rc = store_api_token_find(a->app->st, hash, cl);
	}
	if (rc == STORE_NOTFOUND) {
		api_error(a, 401, "invalid_token", "the token is unknown or revoked",
			  "Mã truy cập không đúng hoặc đã bị thu hồi.");
		return -1;
	}
	a->rep->www_authenticate = NULL;
	if (rc != STORE_OK || store_api_token_touch(a->app->st, cl->id, clock_wall_s()) != STORE_OK) {
		api_db_error(a);
		return -1;
	}
	a->client = cl->name;
	return 0;
}

static const char *why_code(int why)
{
	switch (why) {
	case NOTICE_WHY_TEXT_UTF8: return "text_not_utf8";
	case NOTICE_WHY_TEXT_CONTROL: return "text_control_character";
	case NOTICE_WHY_TEXT_UNICODE: return "text_bad_unicode";
	case NOTICE_WHY_TEXT_EMPTY: return "text_empty";
	case NOTICE_WHY_TEXT_LONG: return "text_too_long";
	case NOTICE_WHY_NO_GROUP: return "no_such_group";
	case NOTICE_WHY_NO_TARGETS: return "no_targets";
	case NOTICE_WHY_PARTS_UCS2: return "too_many_parts";
	case NOTICE_WHY_PARTS_GSM7: return "too_many_parts";
	case NOTICE_WHY_NO_HOUSEHOLD: return "reaches_nobody";
	default: return "invalid_notice";
	}
}

/* The preview lines of `loa notice send`, as an array of strings. */
static void preview_text(struct sbuf *b, const struct notice_plan *plan, const struct notice_cfg *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	notice_plan_print(plan, cfg, f);
	fclose(f);
	web_json_lines(b, buf);
	free(buf);
}

static void preview_json(struct sbuf *b, const struct notice_plan *plan, const struct notice_cfg *cfg)
{
	const struct fanout_stats *s = &plan->stats;
	web_json_out(b, "{\"text\":%s,\"to\":%s,\"urgent\":%b,\"households\":%d,\"opted_out\":%d,\"no_channel\":%d,",
		     plan->text, plan->req.targets, plan->req.urgent, s->households, s->opted_out, s->no_channel);
	web_json_out(b,
		     "\"sms\":{\"messages\":%d,\"with_accents\":%d,\"parts_with_accents\":%d,\"without_accents\":%d,"
		     "\"parts_without_accents\":%d,\"shared_phones\":%d,\"cost_dong\":%ld,\"part_cost_dong\":%d,"
		     "\"unaccented_text\":%s},",
		     s->sms, s->sms_ucs2, plan->parts_ucs2, s->sms_gsm7, plan->parts_gsm7, s->sms_shared, plan->cost,
		     cfg->sms_part_cost, s->sms_gsm7 && !plan->unaccented ? plan->stripped : NULL);
	int total = s->voice * plan->call_s;
	web_json_out(b,
		     "\"calls\":{\"count\":%d,\"seconds_each\":%d,\"readings\":%d,\"seconds_per_reading\":%d,"
		     "\"line_minutes\":%d,\"voice_modems\":%d,\"callers_now\":%d},",
		     s->voice, plan->call_s, cfg->call_repeats, plan->speech_s, (total + 59) / 60, cfg->voice_modems,
		     plan->callers_now);
	web_json_out(b, "\"sms_budget\":{\"daily_parts\":%d,\"used\":%d,\"need\":%d,\"over\":%b}}", cfg->daily_sms_parts,
		     plan->budget_used, plan->budget_need, plan->over_budget);
}

/* The body's fields: text and to (strings, required), urgent and dry_run
 * (booleans, optional); anything else is refused by name. */
struct create_req {
	const char *text, *to;
	int urgent, dry_run;
};

static int read_create(struct api *a, const struct web_json_obj *o, struct create_req *c)
{
	memset(c, 0, sizeof *c);
	char msg[160];
	for (int i = 0; i < o->n; i++) {
		const struct web_json_field *f = &o->f[i];
		int is_str = !strcmp(f->key, "text") || !strcmp(f->key, "to");
		int is_bool = !strcmp(f->key, "urgent") || !strcmp(f->key, "dry_run");
		if (!is_str && !is_bool) {
			snprintf(msg, sizeof msg, "unknown field \"%.40s\" (the fields: text, to, urgent, dry_run)", f->key);
			api_error(a, 400, "unknown_field", msg, NULL);
			return -1;
		}
		if ((is_str && f->type != WEB_JSON_STR) || (is_bool && f->type != WEB_JSON_BOOL)) {
			snprintf(msg, sizeof msg, "\"%s\" must be %s", f->key, is_str ? "a string" : "true or false");
			api_error(a, 400, "bad_field", msg, NULL);
			return -1;
		}
		if (!strcmp(f->key, "text"))
			c->text = f->str;
		else if (!strcmp(f->key, "to"))
			c->to = f->str;
		else if (!strcmp(f->key, "urgent"))
			c->urgent = (int)f->num;
		else
			c->dry_run = (int)f->num;
	}
	if (!c->text || !c->to) {
		snprintf(msg, sizeof msg, "\"%s\" is required", !c->text ? "text" : "to");
		api_error(a, 400, "missing_field", msg, NULL);
		return -1;
	}
	return 0;
}

/* POST /api/notices */
static void api_create(struct api *a)
{
	const struct web_request *rq = a->rq;
	struct web_json_obj o;
	char err[512];
	if (web_json_parse(rq->body ? rq->body : "", rq->body ? rq->body_len : 0, &o, err, sizeof err) != 0) {
		api_error(a, 400, "bad_json", err, NULL);
		return;
	}
	struct create_req c;
	if (read_create(a, &o, &c) != 0) {
		web_json_free(&o);
		return;
	}
	if (!c.dry_run && !clock_trusted()) {
		api_error(a, 503, "clock_untrusted",
			  "the gateway's clock is wrong and no network time yet: nothing created (see loa status)",
			  "Đồng hồ của máy đang sai và Loa chưa lấy được giờ từ mạng di động: chưa tạo được thông báo.");
		web_json_free(&o);
		return;
	}
	if (a->app->cfg.hub) {
		/* `loa web --hub`: a hub notice (web_hub.h) */
		web_hub_api_create(a->app, rq, a->rep, a->client, c.text, c.to, c.urgent, c.dry_run);
		web_json_free(&o);
		return;
	}
	char source[96];
	snprintf(source, sizeof source, "api:%s", a->client);
	const struct notice_cfg *cfg = &a->app->cfg.notice;
	struct notice_plan plan;
	int rc = notice_plan(a->app->st, cfg, c.text, c.to, 0, c.urgent, 0, source, &plan, err, sizeof err);
	web_json_free(&o);
	if (rc == EXIT_USAGE) {
		char vi[320];
		web_draft_plan_err_vi(&plan, err, vi, sizeof vi);
		api_error(a, 422, why_code(plan.why), err, vi);
		notice_plan_free(&plan);
		return;
	}
	if (rc != EXIT_OK) {
		LOG_E("web", "API notice plan: %s", err);
		error_body(a->rep, 500, "database", "database error; see Loa's log", NULL);
		notice_plan_free(&plan);
		return;
	}
	int64_t id = 0;
	if (!c.dry_run && notice_create(a->app->st, &plan, &id, err, sizeof err) != EXIT_OK) {
		LOG_E("web", "API notice create by %s: %s", a->client, err);
		error_body(a->rep, 500, "database", "the notice could not be created; see Loa's log", NULL);
		notice_plan_free(&plan);
		return;
	}
	struct sbuf *b = &a->rep->body;
	a->rep->status = c.dry_run ? 200 : 201;
	if (c.dry_run) {
		sbuf_add(b, "{\"id\":null,\"created\":false,\"dry_run\":true,\"preview\":");
	} else {
		snprintf(a->rep->location, sizeof a->rep->location, "/api/notices/%lld", (long long)id);
		web_json_out(b, "{\"id\":%lld,\"created\":true,\"dry_run\":false,\"preview\":", (long long)id);
		LOG_I("web", "notice %lld created through the API by %s from %s", (long long)id, a->client,
		      rq->addr ? rq->addr : "?");
	}
	preview_json(b, &plan, cfg);
	sbuf_add(b, ",\"preview_text\":");
	preview_text(b, &plan, cfg);
	sbuf_add(b, "}\n");
	notice_plan_free(&plan);
}

/* ---- GET /api/notices/ID: the figures of `loa report ID` ---- */

struct counts {
	struct sbuf *b;
	const char *channel;
	int total, reached, pending, acked, nchannels;
	struct sbuf states;
};

static void flush_channel(struct counts *c)
{
	if (!c->channel)
		return;
	if (c->nchannels++)
		sbuf_addc(c->b, ','); /* not through %s: web_json_out's %s quotes */
	web_json_out(c->b, "{\"channel\":%s,\"total\":%d,\"reached\":%d,\"in_progress\":%d,\"acked\":%d,\"states\":{",
		     c->channel, c->total, c->reached, c->pending, c->acked);
	sbuf_addn(c->b, c->states.s ? c->states.s : "", c->states.len);
	sbuf_add(c->b, "}}");
	sbuf_reset(&c->states);
	c->total = c->reached = c->pending = c->acked = 0;
}

static int count_row(const struct report_count *rc, void *arg)
{
	struct counts *c = arg;
	if (!c->channel || strcmp(c->channel, rc->channel) != 0) {
		flush_channel(c);
		const struct channel *ch = channel_find(rc->channel);
		c->channel = ch ? ch->id : "?";
	}
	if (c->states.len)
		sbuf_addc(&c->states, ',');
	web_json_out(&c->states, "%s:%d", rc->state, rc->n);
	c->total += rc->n;
	if (channel_state_reached(rc->state))
		c->reached += rc->n;
	c->pending += rc->pending;
	c->acked += rc->acked;
	return 0;
}

struct unreached {
	struct sbuf *b;
	int n, pending, acked;
};

static int unreached_row(const struct report_row *r, void *arg)
{
	struct unreached *u = arg;
	if (r->pending) {
		u->pending++;
		return 0;
	}
	char nat[24], nat2[24], words[512];
	phone_national(r->phone, nat, sizeof nat);
	phone_national(r->phone2, nat2, sizeof nat2);
	cause_words(r->state, r->last_error, CAUSE_VI, words, sizeof words);
	if (u->n++)
		sbuf_addc(u->b, ',');
	web_json_out(u->b,
		     "{\"household\":%lld,\"name\":%s,\"phone\":%s,\"phone2\":%s,\"address\":%s,\"groups\":%s,"
		     "\"states\":%s,\"cause\":%s,\"cause_vi\":%s,\"acked\":%b}",
		     (long long)r->household_id, r->name, nat, nat2, r->address ? r->address : "", r->groups, r->state,
		     r->last_error, words, r->acked);
	u->acked += r->acked;
	return 0;
}

static void api_report(struct api *a, int64_t id)
{
	struct store *st = a->app->st;
	struct notice n;
	int rc = store_notice_get(st, id, &n);
	if (rc == STORE_NOTFOUND) {
		char msg[64];
		snprintf(msg, sizeof msg, "no notice %lld", (long long)id);
		api_error(a, 404, "not_found", msg, "Không có thông báo này.");
		return;
	}
	if (rc != STORE_OK) {
		api_db_error(a);
		return;
	}
	int64_t now = clock_wall_s();
	struct sbuf *b = &a->rep->body;
	web_json_out(b,
		     "{\"id\":%lld,\"state\":%s,\"urgent\":%b,\"to\":%s,\"source\":%s,\"created_at\":%lld,"
		     "\"due_at\":%lld,\"text\":%s,\"channels\":[",
		     (long long)n.id, n.state, n.urgent, n.targets, n.source, (long long)n.created_at,
		     (long long)n.due_at, n.text);
	store_notice_clear(&n);
	struct counts c = { .b = b };
	sbuf_init(&c.states);
	rc = store_report_counts(st, id, count_row, &c, now);
	flush_channel(&c);
	sbuf_free(&c.states);
	struct report_reach rr;
	if (rc != STORE_OK || store_report_reach(st, id, &rr, now) != STORE_OK) {
		api_db_error(a);
		return;
	}
	web_json_out(b,
		     "],\"households\":{\"total\":%d,\"reached\":%d,\"told_in_person\":%d,\"in_progress\":%d,"
		     "\"not_reached\":%d},\"not_reached\":[",
		     rr.households, rr.reached, rr.visited, rr.pending, rr.unreached);
	struct unreached u = { .b = b };
	if (store_report_unreached(st, id, unreached_row, &u, now) != STORE_OK) {
		api_db_error(a);
		return;
	}
	web_json_out(b, "],\"not_reached_acked\":%d,\"not_reached_in_progress\":%d}\n", u.acked, u.pending);
}

/* ---- POST /api/notices/ID/cancel: `loa notice cancel ID` ---- */

static void api_cancel(struct api *a, int64_t id)
{
	struct store *st = a->app->st;
	struct notice n;
	int rc = store_notice_get(st, id, &n);
	if (rc == STORE_NOTFOUND) {
		api_error(a, 404, "not_found", "no such notice", "Không có thông báo này.");
		return;
	}
	if (rc != STORE_OK) {
		api_db_error(a);
		return;
	}
	int active = strcmp(n.state, "active") == 0;
	store_notice_clear(&n);
	if (!active) {
		api_error(a, 409, "already_cancelled", "the notice is already cancelled", "Thông báo này đã bị hủy.");
		return;
	}
	char by[96];
	snprintf(by, sizeof by, "api:%s", a->client);
	int k = 0;
	if (store_notice_cancel(st, id, by, &k, clock_wall_s()) != STORE_OK) {
		api_db_error(a);
		return;
	}
	LOG_I("web", "notice %lld cancelled by API client %s from %s: %d pending deliveries", (long long)id, a->client,
	      a->rq->addr ? a->rq->addr : "?", k);
	web_json_out(&a->rep->body, "{\"id\":%lld,\"state\":\"cancelled\",\"deliveries_cancelled\":%d}\n", (long long)id, k);
}

void web_api_handle(struct web_app *app, const struct web_request *rq, struct web_reply *rep)
{
	struct api a = { app, rq, rep, NULL };
	rep->type = TYPE_JSON;
	struct store_api_client cl;
	if (authenticate(&a, &cl) != 0)
		return;
	int is_get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
	int is_post = !strcmp(rq->method, "POST");
	if (!strcmp(rq->path, "/api/notices")) {
		if (is_post) {
			api_create(&a);
			return;
		}
		rep->allow = "POST";
		api_error(&a, 405, "method_not_allowed", "POST /api/notices creates a notice", NULL);
		return;
	}
	if (!strncmp(rq->path, "/api/notices/", 13)) {
		int64_t id;
		char num[24];
		const char *tail = strchr(rq->path + 13, '/');
		size_t len = tail ? (size_t)(tail - (rq->path + 13)) : strlen(rq->path + 13);
		snprintf(num, sizeof num, "%.*s", (int)(len < sizeof num ? len : sizeof num - 1), rq->path + 13);
		if (len >= sizeof num || web_req_id(num, &id) != 0 || (tail && strcmp(tail, "/cancel") != 0)) {
			api_error(&a, 404, "not_found",
				  "no such notice (/api/notices/ID, /api/notices/ID/cancel, ID a number)", NULL);
			return;
		}
		if (tail) {
			if (!is_post) {
				rep->allow = "POST";
				api_error(&a, 405, "method_not_allowed", "POST /api/notices/ID/cancel cancels a notice", NULL);
			} else if (app->cfg.hub) {
				web_hub_api_cancel(app, rq, rep, a.client, id);
			} else {
				api_cancel(&a, id);
			}
			return;
		}
		if (is_get && app->cfg.hub) {
			web_hub_api_report(app, rq, rep, a.client, id);
			return;
		}
		if (is_get) {
			api_report(&a, id);
			return;
		}
		rep->allow = "GET, HEAD";
		api_error(&a, 405, "method_not_allowed", "GET /api/notices/ID reads a notice's report", NULL);
		return;
	}
	api_error(&a, 404, "not_found",
		  "no such API path (POST /api/notices, GET /api/notices/ID, POST /api/notices/ID/cancel)", NULL);
}
