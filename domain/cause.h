/* cause — the one table that turns the raw causes Loa records
 * (deliveries.last_error, attempts.cause: "+CMS ERROR 21: short message
 * transfer rejected", "status report: failed (ST=0x46)", "busy", ...) into
 * the words officers use, in Vietnamese and in English.  Used by `loa
 * report`, its CSV (a words column beside the raw one), the web notice log,
 * the household page and the visit list.  The raw text stays available
 * beside the words everywhere; only people read the words.  See cause.c. */
#ifndef LOA_CAUSE_H
#define LOA_CAUSE_H
#include <stddef.h>

enum cause_lang { CAUSE_VI = 0, CAUSE_EN = 1 };

/* The words for a delivery: `states` is its state ("failed"), or the
 * comma-joined states of a household's channels ("failed,sent"); `raw` its
 * cause, or several joined by "; " (the visit list joins them).  An empty
 * raw cause is said from the state ("sent": no delivery report yet); an
 * unknown raw cause gets a generic phrase followed by the raw text.  Writes
 * into buf (always terminated) and returns it; "" when there is nothing to
 * say (a delivered SMS). */
const char *cause_words(const char *states, const char *raw, enum cause_lang lang, char *buf, size_t len);

/* The table's rows, for tests and docs: the i-th row's words in `lang`, or
 * NULL past the end. */
const char *cause_row(unsigned i, enum cause_lang lang);
/* The row index a single raw cause maps to, -1 when unknown (tests). */
int cause_classify(const char *raw);
#endif
