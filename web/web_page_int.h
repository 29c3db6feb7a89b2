/* web_page_int — what the page files share, private to web/web_*.c
 * (not for the rest of the program, which sees web_page.h):
 *   web_page.c    the context of one request (struct web_page), the reply
 *                 and error pages, the helpers below, login/logout, the
 *                 route table and the gate;
 *   web_notice.c  the notices list, one notice (counts, progress chart,
 *                 the log a page at a time with its filter, cancel,
 *                 resend) and the list's CSV;
 *   web_draft.c   creating a notice: form -> preview -> confirm;
 *   web_report.c  a household's history, modem health, the inbound
 *                 SMS / replies audit trail, CSVs;
 *   web_visit.c   the visit list of households not reached, and marking
 *                 one told in person (or undoing it).
 *   web_household.c the household list (search, filters, pages), adding
 *                 and editing a household, and the groups loaded for
 *                 them (web_groups_*);
 *   web_admin.c   the groups page (rename), the senders page (add,
 *                 remove, unlock after a "Bạn có chắc?" step) and the
 *                 templates page;
 *   web_upload.c  the household list from a file: form -> preview ->
 *                 confirm (the importer's plan, domain/hh_import.h);
 *   web_hub.c     `loa web --hub`: the gateways, the hub notices, a
 *                 new hub notice (web_hub.h);
 *   web_export.c  the officers' downloads of the notice log and the
 *                 households: Vietnamese CSV (streamed) and .xlsx
 *                 (web_xlsx.c).
 * A handler is `void fn(struct web_page *p)`, named in routes[]. */
#ifndef LOA_WEB_PAGE_INT_H
#define LOA_WEB_PAGE_INT_H
#include "web/web_auth.h"
#include "web/web_page.h"

#include <stdint.h>
#include <stdio.h>

struct notice;
struct group_ref;
struct report_filter;

/* One request being answered. */
struct web_page {
	struct web_app *app;
	struct store *st;
	const struct web_request *rq;
	struct web_reply *rep;
	const char *user;                 /* logged-in user, or NULL */
	char token[WEB_TOKEN_LEN + 1];    /* the session cookie */
	char csrf[WEB_HEX_LEN + 1];
	struct sbuf *b;
};

/* Starts a CSV download: the body is written through a FILE*. */
struct web_page_csv {
	FILE *f;
	char *buf;
	size_t len;
};

struct web_page_list {
	struct web_page *p;
	FILE *csv;
	int n, rc;
};

/* ---- web_page.c: shared helpers ---- */
/* A 303 to `to` (the body is dropped). */
void web_page_redirect(struct web_reply *r, const char *to);
/* The database error page (500), logged with the store's message. */
void web_page_db_error(struct web_page *p);
/* The query's `key` as an id; 400 page and -1 when missing or bad. */
int web_page_query_id(struct web_page *p, const char *key, int64_t *id);
FILE *web_page_csv_begin(struct web_page *p, struct web_page_csv *c, const char *filename);
/* Ends the download: the body on STORE_OK, else a 404 or error page. */
void web_page_csv_end(struct web_page *p, struct web_page_csv *c, int rc);
/* Table cells: a phone in national form; "failed,queued" in Vietnamese. */
void web_page_phone_cell(struct sbuf *b, const char *e164);
/* The number a report row's delivery used: "0987654321 (số 2)" when it was
 * the household's second phone; on a visit-list row (unreached) the first
 * phone and, under it, the second ("số 2: 0987654321"). */
struct report_row;
void web_page_row_phone_cell(struct sbuf *b, const struct report_row *r, int unreached);
void web_page_states_cell(struct sbuf *b, const char *states);
/* Why a delivery failed in officers' words; details: also the raw cause. */
void web_page_cause_cells(struct sbuf *b, const char *states, const char *raw, int details);
/* A notice's source for people ("dòng lệnh", the user, "SMS từ 0912..."). */
const char *web_page_source(const char *source, char *buf, size_t len);
/* A store lookup's answer as a page: 404 with `missing`, or the database
 * error page; 0 when found. */
int web_page_loaded(struct web_page *p, int rc, const char *missing);
/* The notice `id` (or the query's id) into *n; -1 after an error page. */
int web_page_get_notice_id(struct web_page *p, int64_t id, struct notice *n);
int web_page_get_notice(struct web_page *p, struct notice *n, int64_t *id);

/* Which page of a long list the query asks for ("page", from 1): 0 with
 * *page set, or -1 after a 400 page. */
int web_page_number(struct web_page *p, int *page);
/* Page links for `pages` pages, `page` the current one: the first, the
 * last and a few around the current, with "Trước" and "Sau".  `base` is
 * the link without the page, HTML-ready ("/notice?id=3&amp;state=failed");
 * nothing when there is one page. */
void web_page_pager(struct sbuf *b, const char *base, int page, int pages);

/* ---- web_notice.c ---- */
/* The notice log's filter, from the query (state, channel, group,
 * unreached), shared by the page and its downloads. */
struct web_filter {
	char state[16];
	char channel[16];
	char group[40];
	int unreached;
};
/* 0, or -1 after a 400 page naming what is wrong. */
int web_notice_filter(struct web_page *p, struct web_filter *wf);
/* wf as the store's filter; f points into wf. */
void web_filter_store(const struct web_filter *wf, struct report_filter *f);
/* "&amp;state=failed&amp;unreached=1" for a link (the values were
 * checked: letters, digits, '-' and '_' only). */
void web_filter_query(struct sbuf *b, const struct web_filter *wf);
void web_notice_list(struct web_page *p);       /* GET / */
void web_notice_list_csv(struct web_page *p);   /* GET /notices.csv */
void web_notice_page(struct web_page *p);       /* GET /notice?id= */
void web_notice_audio(struct web_page *p);      /* GET /notice.wav?id=: its recording */
void web_notice_cancel(struct web_page *p);     /* POST /notice/cancel */
void web_notice_resend(struct web_page *p);     /* POST /notice/resend */

/* ---- web_export.c: the officers' downloads (Vietnamese, CSV streamed,
 * .xlsx) ---- */
void web_export_notice_csv(struct web_page *p);      /* GET /notice.csv?id=&filter */
void web_export_notice_xlsx(struct web_page *p);     /* GET /notice.xlsx?id=&filter */
void web_export_households_csv(struct web_page *p);  /* GET /households.csv */
void web_export_households_xlsx(struct web_page *p); /* GET /households.xlsx */
void web_export_visit_csv(struct web_page *p);       /* GET /unreached.csv?id=[&group=][&all=1] */
void web_export_visit_xlsx(struct web_page *p);      /* GET /unreached.xlsx?id=[&group=][&all=1] */

/* ---- web_draft.c ---- */
void web_draft_form(struct web_page *p);        /* GET, POST /new */
void web_draft_preview(struct web_page *p);     /* POST /new/preview */
void web_draft_create(struct web_page *p);      /* POST /new/create */
/* notice_plan's refusal in Vietnamese, from its stable code (err, the
 * CLI's English line, for a code it does not know); the API says it too. */
struct notice_plan;
void web_draft_plan_err_vi(const struct notice_plan *pl, const char *err, char *buf, size_t len);
/* A notice draft's text, to, channels and urgency as hidden fields (escaped). */
void web_draft_hidden(struct sbuf *b, const char *text, const char *to, int channels, int urgent);

/* ---- web_visit.c ---- */
void web_visit_list(struct web_page *p);            /* GET /unreached?id=[&group=][&all=1][&page=] */
void web_visit_mark(struct web_page *p);            /* POST /visit */
void web_visit_undo(struct web_page *p);            /* POST /visit/undo */
/* What was tried for a household of the visit list, for people: "SMS: lỗi
 * · Gọi điện: không liên lạc được" appended to `tried`, the causes in
 * words into `words` (shared with its download, web_export.c). */
struct visit_row;
void web_visit_tried(const struct visit_row *r, struct sbuf *tried, char *words, size_t len);

/* ---- web_report.c ---- */
void web_report_household(struct web_page *p);      /* GET /household?id= */
void web_report_household_csv(struct web_page *p);  /* GET /household.csv?id= */
void web_report_modems(struct web_page *p);         /* GET /modems */
void web_report_modems_csv(struct web_page *p);     /* GET /modems.csv */
void web_report_inbox(struct web_page *p);          /* GET /inbox */
void web_report_inbox_csv(struct web_page *p);      /* GET /inbox.csv */
void web_report_outbox_csv(struct web_page *p);     /* GET /outbox.csv */

/* ---- web_household.c ---- */
void web_household_list(struct web_page *p);    /* GET /households */
void web_household_new(struct web_page *p);     /* GET, POST /household/new */
void web_household_edit(struct web_page *p);    /* GET, POST /household/edit?id= */

/* Every group, loaded once per page: for the group select, display
 * names, and turning typed names into codes (domain/group.h). */
struct web_group {
	char code[64], name[160];
	int households;                  /* active (when loaded with counts) */
};
struct web_groups {
	int n;
	struct web_group *g;
	struct group_ref *ref;           /* the same, for group_resolve */
};
/* With `counts`, each group's active households too (a pass over every
 * membership: only the groups page needs them).  0, or -1 after the
 * database error page. */
int web_groups_load(struct web_page *p, struct web_groups *gs, int counts);
void web_groups_free(struct web_groups *gs);
/* The display name of `code` (its code when it has none). */
const char *web_groups_name(const struct web_groups *gs, const char *code);
/* Space-separated codes as names joined by ", ", into out (reset first). */
void web_groups_names(const struct web_groups *g, const char *codes, struct sbuf *out);
/* Appends "&key=value" to the address in b, the value percent-encoded
 * ('?' instead of '&' while b has no query yet). */
void web_page_url_param(struct sbuf *b, const char *key, const char *value);
/* Who did it, for an event's detail: "by USER: " + what. */
void web_page_event_by(struct web_page *p, struct sbuf *detail);

/* ---- web_admin.c ---- */
void web_admin_groups(struct web_page *p);          /* GET /groups */
void web_admin_group_rename(struct web_page *p);    /* POST /group/rename */
void web_admin_senders(struct web_page *p);         /* GET /senders */
void web_admin_sender_add(struct web_page *p);      /* POST /sender/add */
void web_admin_sender_remove(struct web_page *p);   /* POST /sender/remove */
void web_admin_sender_unlock(struct web_page *p);   /* POST /sender/unlock */
void web_admin_templates(struct web_page *p);       /* GET /templates */
void web_admin_template_add(struct web_page *p);    /* POST /template/add */
void web_admin_template_remove(struct web_page *p); /* POST /template/remove */
/* ---- web_hub.c: `loa web --hub` (web_hub.h) ---- */
void web_hub_gateways(struct web_page *p);  /* GET / */
void web_hub_notices(struct web_page *p);   /* GET /hub/notices */
void web_hub_notice(struct web_page *p);    /* GET /hub/notice?id= */
void web_hub_new(struct web_page *p);       /* GET, POST /hub/new */
void web_hub_preview(struct web_page *p);   /* POST /hub/new/preview */
void web_hub_create(struct web_page *p);    /* POST /hub/new/create */
void web_hub_cancel(struct web_page *p);    /* POST /hub/notice/cancel */

/* ---- web_upload.c ---- */
void web_upload_form(struct web_page *p);      /* GET /households/upload */
void web_upload_preview(struct web_page *p);   /* POST /households/upload (multipart) */
void web_upload_confirm(struct web_page *p);   /* POST /households/upload/confirm */
void web_upload_cancel(struct web_page *p);    /* POST /households/upload/cancel */
#endif
