/* sheet — reading and writing the spreadsheets villages keep.
 *
 * Reading turns the bytes of a file, whatever Excel or LibreOffice wrote,
 * into rows of UTF-8 NFC text; what the rows mean (which one is the header,
 * which column is the phone) is the household importer's business.  The
 * format is found from the content, never from the file name:
 *   - "PK" (a zip): an Excel workbook (.xlsx), read by sheet_xlsx.c; an
 *     OpenDocument or other zip is refused with advice;
 *   - an OLE file (old .xls, or a password-protected workbook), a web page
 *     or a PDF: refused with advice (save as .xlsx or "CSV UTF-8");
 *   - text, decoded by sheet_text.c: UTF-16 with a BOM (Excel's "Unicode
 *     Text", tab-separated), UTF-8 with or without a BOM, otherwise
 *     Windows-1258 (Excel's "CSV (Comma delimited)" on a Vietnamese Windows,
 *     tone marks as combining characters); then parsed as CSV here.
 * CSV is read with libcsv (quotes, embedded separators and newlines,
 * strict quote checking) fed one byte at a time so every row keeps the line
 * it started on.  The separator (',' ';' or tab) is the one the line with
 * the most separators among the first lines uses, so title rows above the
 * header do not mislead it.  Every field is normalised to NFC (macOS and
 * some LibreOffice exports write NFD).  Blank rows are dropped. */
#ifndef LOA_SHEET_H
#define LOA_SHEET_H
#include <stddef.h>
#include <stdio.h>

struct sheet_row {
	int line;          /* CSV: 1-based text line where the row starts;
			      .xlsx: the worksheet's row number */
	int nfields;
	char **fields;     /* NUL-terminated, NFC, surrounding spaces trimmed
			      (CSV: those outside quotes); fields[i] is column i
			      (letter: sheet_column_name), empty cells are "" */
};

enum sheet_format { SHEET_CSV_UTF8 = 0, SHEET_CSV_CP1258, SHEET_UTF16, SHEET_XLSX };

struct sheet {
	struct sheet_row *rows; /* rows[0] is the first non-blank row of the
				   file: a title row, or the header */
	int nrows;
	char delim;             /* ',' ';' or '\t'; 0 for a workbook */
	enum sheet_format format;
	char *sheet_name;       /* .xlsx: the worksheet read; else NULL */
};

/* Reads a household file of any supported format (above).  NAME is the
 * file name for messages; SHEET_NAME (NULL: the first visible worksheet)
 * picks a worksheet of a workbook by name (exactly, else ignoring case and
 * accents when that is unambiguous); it is an error for a text file.
 * 0 ok; -1 with one line "NAME: problem" or "NAME:LINE: problem" in err,
 * in the reader's language. */
int sheet_load(const char *name, const char *data, size_t len, const char *sheet_name, struct sheet *out,
	       char *err, size_t errlen);
/* sheet_load(name, data, len, NULL, ...): the first worksheet of a
 * workbook, or the text file. */
int sheet_parse(const char *name, const char *data, size_t len, struct sheet *out, char *err, size_t errlen);
void sheet_free(struct sheet *s);
/* The format as Excel's "Save as" names it ("CSV UTF-8", "Excel .xlsx"...),
 * marked for translation: print it through _(). */
const char *sheet_format_name(enum sheet_format f);
/* Excel's letter for a 0-based column: 0 "A", 25 "Z", 26 "AA". */
void sheet_column_name(int col, char *buf, size_t n);

/* Writing: UTF-8 with a BOM (so Excel shows Vietnamese), CRLF line ends,
 * fields quoted when they need it. */
void sheet_write_bom(FILE *f);
void sheet_write_row(FILE *f, const char *const *fields, int n);
#endif
