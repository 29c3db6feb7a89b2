/* household — turning spreadsheet rows and CLI options into households:
 * the column contract, validation with per-column messages, and the
 * all-or-nothing import.  Shared by `loa household`, `loa demo` and the web
 * page so every entry path applies the same rules. */
#ifndef LOA_HOUSEHOLD_H
#define LOA_HOUSEHOLD_H
#include "db/store.h"

#include <stdio.h>

enum hh_col { HH_NAME = 0, HH_PHONE, HH_GROUPS, HH_CHANNEL, HH_ACCENTS, HH_NOTE, HH_NCOLS };

/* Canonical column names, in list --csv order. */
extern const char *const household_columns[HH_NCOLS];

/* Fills `h` from textual fields (NULL = column absent).  On a problem
 * returns the column at fault and writes the reason into why; else -1.
 * *note receives an informational remark (old prefix converted, landline
 * defaulted to voice) or "". */
int household_from_fields(const char *const f[HH_NCOLS], struct household *h, char *why, size_t whylen,
			  char *note, size_t notelen);

struct import_result {
	int rows, imported, converted, errors;
};
/* Parses and validates the whole file; with dry_run, or if any row is bad,
 * writes nothing.  Problems go to `errs`, one per line "FILE:LINE: column:
 * problem"; remarks to `info`.  Returns 0 when imported (or valid, with
 * dry_run), 2 on bad input, 1 on a database error. */
int household_import(struct store *st, const char *path, const char *data, size_t len, int dry_run,
		     FILE *errs, FILE *info, struct import_result *res);
/* Writes households as CSV that household_import reads back unchanged. */
int household_write_csv(struct store *st, const char *group, FILE *out);
const char *household_channel_name(int channel);
#endif
