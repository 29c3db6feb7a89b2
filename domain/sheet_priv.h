/* sheet_priv — what the three files of the sheet reader share (sheet.c:
 * containers, CSV, rows; sheet_text.c: encodings; sheet_xlsx.c:
 * workbooks).  Not for other modules: they use sheet.h. */
#ifndef LOA_SHEET_PRIV_H
#define LOA_SHEET_PRIV_H
#include "domain/sheet.h"

#include <stddef.h>

/* Appends a row numbered LINE; takes the fields (malloc'd strings in a
 * malloc'd array).  A row whose fields are all "" is freed, not kept. */
void sheet_add_row(struct sheet *sh, int line, char **fields, int nfields);
/* An NFC copy (malloc'd) of n bytes of valid UTF-8 without NUL. */
char *sheet_field(const char *s, size_t n);

/* The text of a file as UTF-8 (malloc'd, NUL-terminated, *outlen bytes,
 * BOM removed, no NUL inside), and which encoding it was in *fmt; NULL
 * with "NAME: problem" in err. */
char *sheet_text_decode(const char *name, const char *data, size_t len, size_t *outlen, enum sheet_format *fmt,
			char *err, size_t errlen);

/* Reads a zip that should be an Excel workbook into `out` (already
 * zeroed): 0, or -1 with "NAME: problem" in err. */
int sheet_xlsx_read(const char *name, const char *data, size_t len, const char *sheet_name, struct sheet *out,
		    char *err, size_t errlen);
#endif
