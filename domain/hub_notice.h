/* hub_notice — `loa hub notice send` on the hub: the text checked exactly
 * as `loa notice send` checks it (domain/notice notice_text_plan), the
 * --to resolved to gateways, and the preview: the gateways addressed,
 * their households (the counts they pushed: the hub knows no household),
 * SMS parts and cost, calls — upper bounds, since each gateway applies its
 * own opt-outs and channels when it takes the notice in (domain/hub_sync). */
#ifndef LOA_HUB_NOTICE_H
#define LOA_HUB_NOTICE_H
#include "db/hub_store.h"
#include "domain/notice.h"

#include <stdio.h>

struct hub_notice_gw {
	char id[40];
	char name[160];
	int households;             /* -1: never pushed a count */
};

struct hub_notice_plan {
	struct notice_plan text;    /* the text's half (notice_text_plan) */
	char kind[8];               /* "all", "gateway", "group" */
	char target[40];
	int channels, urgent;
	struct hub_notice_gw *gw;   /* the gateways addressed (owned) */
	int ngw;
	int unknown;                /* of them, never pushed a count */
	int households;             /* the sum of the counts pushed */
	int unaccented_sms;         /* GSM 7-bit for every household (sms.encoding, no accents) */
	int parts;                  /* per SMS, in that encoding */
	long sms_cost;              /* đồng, if every household got an SMS */
	struct hub_notice_req req;  /* for hub_notice_add; points into the plan */
};

/* `to`: all, a gateway id, a group id, or gateway:ID / group:ID when a
 * name is both.  0, EXIT_USAGE with one line in err (bad text, no such
 * gateway or group, nobody addressed, too many parts) or EXIT_RUNTIME (the
 * hub). */
int hub_notice_plan(struct hub *h, const struct notice_cfg *cfg, const char *text, const char *to, int channels,
		    int urgent, struct hub_notice_plan *p, char *err, size_t errlen);
void hub_notice_plan_free(struct hub_notice_plan *p);
void hub_notice_plan_print(const struct hub_notice_plan *p, const struct notice_cfg *cfg, FILE *out);
#endif
