/* notice — composing a notice: validating its text, counting SMS parts and
 * cost, estimating call time, and creating it with its deliveries.  Used by
 * `loa notice`, the web page and SMS short codes, so every path previews
 * and creates notices the same way. */
#ifndef LOA_NOTICE_H
#define LOA_NOTICE_H
#include "db/store.h"
#include "gateway/config.h"

#include <stdio.h>

struct notice_plan {
	char *text;              /* NFC, validated (owned) */
	char *stripped;          /* GSM 7-bit form (owned) */
	int replaced;            /* characters stripping could not map */
	int parts_ucs2, parts_gsm7;
	char ambiguous[160];     /* stripped words that are ambiguous */
	char *targets;           /* copies the request points into (owned) */
	char *source;
	int speech_s;            /* one reading, estimated */
	struct notice_req req;
	struct fanout_stats stats;
	long cost;               /* đồng, SMS only */
	int call_s;              /* line time per call, estimated */
};

/* Validates text and targets and fills the plan's counts (no writes).
 * Returns 0, or EXIT_USAGE with a one-line reason in err. */
int notice_plan(struct store *st, const struct loa_config *cfg, const char *text, const char *targets,
		int channels, int urgent, int64_t due_at, const char *source, struct notice_plan *p, char *err,
		size_t errlen);
void notice_plan_free(struct notice_plan *p);
/* Writes the preview lines (households, parts, cost, calls). */
void notice_plan_print(const struct notice_plan *p, const struct loa_config *cfg, FILE *out);
/* Creates the notice and its deliveries in one transaction. */
int notice_create(struct store *st, struct notice_plan *p, int64_t *id_out, char *err, size_t errlen);
#endif
