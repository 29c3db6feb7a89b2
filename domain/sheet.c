/* sheet — see sheet.h.  This file owns the front door (which kind of
 * file is this: workbook, text, or something to refuse with advice), the
 * CSV parser over the decoded text, and the rows; sheet_text.c owns the
 * encodings and sheet_xlsx.c the workbooks. */
#include "domain/sheet.h"

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"
#include "domain/sheet_priv.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* A cell a spreadsheet would run as a formula. */
static int formula_like(const char *v)
{
	return v[0] && strchr("=+-@\t\r", v[0]) != NULL;
}

char *sheet_field(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !((unsigned char)s[i] & 0x80))
		i++;
	char *f = xstrndup(s, n);
	if (i == n)
		return f; /* ASCII is NFC */
	char *nfc = text_nfc(f);
	if (!nfc)
		return f; /* cannot happen: the text was validated */
	free(f);
	return nfc;
}

void sheet_add_row(struct sheet *sh, int line, char **fields, int nfields)
{
	int blank = 1;
	for (int i = 0; i < nfields && blank; i++)
		if (fields[i][0])
			blank = 0;
	if (blank) {
		for (int i = 0; i < nfields; i++)
			free(fields[i]);
		free(fields);
		return;
	}
	sh->rows = xrealloc(sh->rows, (size_t)(sh->nrows + 1) * sizeof *sh->rows);
	sh->rows[sh->nrows].line = line;
	sh->rows[sh->nrows].nfields = nfields;
	sh->rows[sh->nrows].fields = fields;
	sh->nrows++;
}

struct reader {
	struct sheet *sh;
	int line;            /* line of the byte being fed */
	int row_line;        /* line where the current row started (0: none yet) */
	char **fields;
	int nfields, cap;
};

static void on_field(void *data, size_t len, void *arg)
{
	struct reader *r = arg;
	if (data && len >= 2 && ((char *)data)[0] == '\'' && formula_like((char *)data + 1)) {
		data = (char *)data + 1; /* undo sheet_write_row's guard */
		len--;
	}
	if (r->nfields == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->fields = xrealloc(r->fields, (size_t)r->cap * sizeof *r->fields);
	}
	r->fields[r->nfields++] = data ? sheet_field(data, len) : xstrdup("");
}

static void on_row(int c, void *arg)
{
	(void)c;
	struct reader *r = arg;
	if (r->nfields)
		sheet_add_row(r->sh, r->row_line ? r->row_line : r->line, r->fields, r->nfields);
	else
		free(r->fields);
	r->fields = NULL;
	r->nfields = r->cap = 0;
	r->row_line = 0;
}

/* The separator: among the first lines, the one with the most ',' ';' or
 * tabs outside quotes decides (title rows above the header have few). */
static char detect_delim(const char *p, const char *end)
{
	static const char cands[] = { ',', ';', '\t' };
	int best = -1, best_n = 0, lines = 0, inq = 0, n[3] = { 0, 0, 0 };
	for (; p <= end && lines < 30; p++) {
		if (p == end || (!inq && (*p == '\n' || *p == '\r'))) {
			for (int i = 0; i < 3; i++)
				if (n[i] > best_n) {
					best_n = n[i];
					best = i;
				}
			if (n[0] || n[1] || n[2])
				lines++;
			n[0] = n[1] = n[2] = 0;
			if (p == end)
				break;
		} else if (*p == '"') {
			inq = !inq;
		} else if (!inq) {
			for (int i = 0; i < 3; i++)
				n[i] += *p == cands[i];
		}
	}
	return best < 0 ? ',' : cands[best];
}

/* Spaces libcsv trims around unquoted fields: not the separator. */
static int is_space_only(unsigned char c)
{
	return c == ' ';
}
static int is_space_tab(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int parse_csv(const char *name, const char *p, const char *end, struct sheet *out, char *err, size_t errlen)
{
	struct csv_parser cp;
	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(err, errlen, _("%s: cannot start the CSV parser"), name);
		return -1;
	}
	out->delim = detect_delim(p, end);
	csv_set_delim(&cp, (unsigned char)out->delim);
	csv_set_space_func(&cp, out->delim == '\t' ? is_space_only : is_space_tab);
	struct reader r = { .sh = out, .line = 1 };
	int rc = 0;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (!r.row_line && c != '\n' && c != '\r')
			r.row_line = r.line;
		if (csv_parse(&cp, p, 1, on_field, on_row, &r) != 1) {
			if (csv_error(&cp) == CSV_EPARSE)
				snprintf(err, errlen,
					 _("%s:%d: misplaced quote (a field with \" must be quoted, and quotes inside "
					   "it doubled)"),
					 name, r.line);
			else
				snprintf(err, errlen, "%s:%d: %s", name, r.line, csv_strerror(csv_error(&cp)));
			rc = -1;
			break;
		}
		if (c == '\n')
			r.line++;
	}
	if (rc == 0 && csv_fini(&cp, on_field, on_row, &r) != 0) {
		snprintf(err, errlen, _("%s:%d: a quoted field is not closed"), name, r.row_line ? r.row_line : r.line);
		rc = -1;
	}
	for (int i = 0; i < r.nfields; i++)
		free(r.fields[i]);
	free(r.fields);
	csv_free(&cp);
	return rc;
}

static int starts(const char *data, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(data, magic, n) == 0;
}

/* A markup file (a web page saved as .xls, Excel's "XML Spreadsheet
 * 2003"): '<' first, and one of the telltale tags near the start. */
static int markup(const char *data, size_t len)
{
	size_t i = starts(data, len, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	if (i >= len || data[i] != '<')
		return 0;
	static const char *const tags[] = { "<html", "<table", "<!doctype html", "office:spreadsheet" };
	size_t n = len - i < 2048 ? len - i : 2048;
	for (size_t t = 0; t < ARRAY_LEN(tags); t++) {
		size_t k = strlen(tags[t]);
		for (size_t j = 0; j + k <= n; j++)
			if (strncasecmp(data + i + j, tags[t], k) == 0)
				return 1;
	}
	return 0;
}

int sheet_load(const char *name, const char *data, size_t len, const char *sheet_name, struct sheet *out,
	       char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (starts(data, len, "PK\x03\x04", 4) || starts(data, len, "PK\x05\x06", 4)) {
		int rc = sheet_xlsx_read(name, data, len, sheet_name, out, err, errlen);
		if (rc)
			sheet_free(out);
		return rc;
	}
	if (starts(data, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		snprintf(err, errlen,
			 _("%s: an old Excel .xls file (or a password-protected workbook): open it in Excel and save "
			   "it as .xlsx or \"CSV UTF-8\""),
			 name);
		return -1;
	}
	if (starts(data, len, "%PDF-", 5)) {
		snprintf(err, errlen, _("%s: a PDF, not a spreadsheet: import the Excel file the list was printed from"),
			 name);
		return -1;
	}
	if (markup(data, len)) {
		snprintf(err, errlen,
			 _("%s: a web page or XML file, not a spreadsheet (often a web export named .xls): open it in "
			   "Excel and save it as .xlsx or \"CSV UTF-8\""),
			 name);
		return -1;
	}
	size_t tlen;
	char *text = sheet_text_decode(name, data, len, &tlen, &out->format, err, errlen);
	if (!text)
		return -1;
	if (sheet_name) {
		snprintf(err, errlen, _("%s: a sheet name was given, but this is a text file (%s), which has one sheet"),
			 name, _(sheet_format_name(out->format)));
		free(text);
		return -1;
	}
	int rc = parse_csv(name, text, text + tlen, out, err, errlen);
	free(text);
	if (rc)
		sheet_free(out);
	return rc;
}

int sheet_parse(const char *name, const char *data, size_t len, struct sheet *out, char *err, size_t errlen)
{
	return sheet_load(name, data, len, NULL, out, err, errlen);
}

void sheet_free(struct sheet *s)
{
	for (int i = 0; i < s->nrows; i++) {
		for (int j = 0; j < s->rows[i].nfields; j++)
			free(s->rows[i].fields[j]);
		free(s->rows[i].fields);
	}
	free(s->rows);
	free(s->sheet_name);
	memset(s, 0, sizeof *s);
}

const char *sheet_format_name(enum sheet_format f)
{
	switch (f) {
	case SHEET_CSV_UTF8:
		return N_("CSV UTF-8");
	case SHEET_CSV_CP1258:
		return N_("CSV Windows-1258");
	case SHEET_UTF16:
		return N_("Unicode Text (UTF-16)");
	case SHEET_XLSX:
		return N_("Excel .xlsx");
	}
	return "?";
}

void sheet_column_name(int col, char *buf, size_t n)
{
	char tmp[8] = "";
	int k = 0;
	for (int c = (col < 0 ? 0 : col) + 1; c > 0 && k < (int)sizeof tmp; c = (c - 1) / 26)
		tmp[k++] = (char)('A' + (c - 1) % 26);
	size_t i = 0;
	for (; k > 0 && i + 1 < n; i++)
		buf[i] = tmp[--k];
	if (n)
		buf[i] = '\0';
}

void sheet_write_bom(FILE *f)
{
	fputs("\xEF\xBB\xBF", f);
}

void sheet_write_row(FILE *f, const char *const *fields, int n)
{
	for (int i = 0; i < n; i++) {
		const char *v = fields[i] ? fields[i] : "";
		/* CSV injection: Excel and LibreOffice run "=HYPERLINK(...)" typed
		 * into a household's name; a leading apostrophe makes it text.
		 * sheet_parse() removes it again, so exports still re-import. */
		const char *guard = formula_like(v) ? "'" : "";
		if (i)
			fputc(',', f);
		if (strpbrk(v, ",;\"\r\n") || (v[0] == ' ' || (v[0] && v[strlen(v) - 1] == ' '))) {
			fputc('"', f);
			fputs(guard, f);
			for (const char *q = v; *q; q++) {
				if (*q == '"')
					fputc('"', f);
				fputc(*q, f);
			}
			fputc('"', f);
		} else {
			fputs(guard, f);
			fputs(v, f);
		}
	}
	fputs("\r\n", f);
}
