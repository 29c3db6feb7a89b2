/* report — printing the delivery log for people: one notice (counts by
 * channel and state, then the households to visit in person), one
 * household's history, and CSV for Excel/LibreOffice.  The rows come from
 * store_report_*, the same read functions the web page uses. */
#ifndef LOA_REPORT_H
#define LOA_REPORT_H
#include "db/store.h"
#include "domain/cause.h"

#include <stdio.h>

/* Causes in officers' words (domain/cause.h), English; the _in forms
 * choose the language and, with verbose, add the raw cause in [brackets]. */
int report_notice_text(struct store *st, int64_t notice_id, FILE *out);
int report_notice_text_in(struct store *st, int64_t notice_id, enum cause_lang lang, int verbose, FILE *out);
/* unreached_only: just the visit-in-person list (households told in
 * person are reached: not on it), in walking order.  Columns: the raw
 * "cause" for machines, "cause_vi" in officers' words, then "address" and
 * "note" (a visit's note; on the visit list, the household's note). */
int report_notice_csv(struct store *st, int64_t notice_id, int unreached_only, FILE *out);
int report_household_text(struct store *st, int64_t household_id, FILE *out);
int report_household_text_in(struct store *st, int64_t household_id, enum cause_lang lang, int verbose, FILE *out);
int report_household_csv(struct store *st, int64_t household_id, FILE *out);
/* One short summary line for an SMS reply: "TB 12: SMS 180/200 nhận, ..." */
int report_summary(struct store *st, int64_t notice_id, char *buf, size_t len);
#endif
