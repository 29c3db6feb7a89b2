/* sheet — reading and writing the spreadsheets villages keep, as CSV.
 *
 * Reading uses libcsv (quotes, embedded separators and newlines, strict
 * quote checking) fed one byte at a time so every row keeps the line it
 * started on, which error messages need.  It accepts what Excel and
 * LibreOffice write: UTF-8 with or without a BOM, ',' or ';' (detected from
 * the header line), CRLF or LF, blank lines.  Invalid UTF-8 is refused with
 * its line and column. */
#ifndef LOA_SHEET_H
#define LOA_SHEET_H
#include <stddef.h>
#include <stdio.h>

struct sheet_row {
	int line;          /* 1-based line where the row starts */
	int nfields;
	char **fields;     /* NUL-terminated, trimmed by libcsv */
};

struct sheet {
	struct sheet_row *rows; /* rows[0] is the header */
	int nrows;
	char delim;
};

/* 0 ok; -1 with one line "NAME:LINE: problem" in err. */
int sheet_parse(const char *name, const char *data, size_t len, struct sheet *out, char *err, size_t errlen);
void sheet_free(struct sheet *s);

/* Writing: UTF-8 with a BOM (so Excel shows Vietnamese), CRLF line ends,
 * fields quoted when they need it. */
void sheet_write_bom(FILE *f);
void sheet_write_row(FILE *f, const char *const *fields, int n);
#endif
