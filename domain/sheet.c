/* sheet — see sheet.h. */
#include "domain/sheet.h"

#include "base/text.h"
#include "base/util.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* A cell a spreadsheet would run as a formula. */
static int formula_like(const char *v)
{
	return v[0] && strchr("=+-@\t\r", v[0]) != NULL;
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
	r->fields[r->nfields++] = data ? xstrndup(data, len) : xstrdup("");
}

static void on_row(int c, void *arg)
{
	(void)c;
	struct reader *r = arg;
	int blank = 1;
	for (int i = 0; i < r->nfields; i++)
		if (r->fields[i][0])
			blank = 0;
	if (blank) {
		for (int i = 0; i < r->nfields; i++)
			free(r->fields[i]);
	} else {
		struct sheet *sh = r->sh;
		sh->rows = xrealloc(sh->rows, (size_t)(sh->nrows + 1) * sizeof *sh->rows);
		sh->rows[sh->nrows].line = r->row_line ? r->row_line : r->line;
		sh->rows[sh->nrows].nfields = r->nfields;
		sh->rows[sh->nrows].fields = r->fields;
		sh->nrows++;
		r->fields = NULL;
		r->cap = 0;
	}
	r->nfields = 0;
	r->row_line = 0;
}

/* The separator the header line uses most, outside quotes. */
static char detect_delim(const char *p, const char *end)
{
	int commas = 0, semis = 0, inq = 0;
	for (; p < end && (inq || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && *p == ',')
			commas++;
		else if (!inq && *p == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

int sheet_parse(const char *name, const char *data, size_t len, struct sheet *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *p = data, *end = data + len;
	if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	size_t bad;
	if (!text_valid_utf8(p, (size_t)(end - p), &bad)) {
		int line = 1, col = 1;
		for (const char *q = p; q < p + bad; q++) {
			if (*q == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*q & 0xC0) != 0x80) {
				col++;
			}
		}
		snprintf(err, errlen, "%s:%d: column %d: not valid UTF-8 (save the file as \"CSV UTF-8\")", name,
			 line, col);
		return -1;
	}
	if (memchr(p, '\0', (size_t)(end - p))) {
		snprintf(err, errlen, "%s: contains NUL bytes: not a text file", name);
		return -1;
	}
	struct csv_parser cp;
	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(err, errlen, "%s: cannot start CSV parser", name);
		return -1;
	}
	out->delim = detect_delim(p, end);
	csv_set_delim(&cp, (unsigned char)out->delim);
	struct reader r = { .sh = out, .line = 1 };
	int rc = 0;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (!r.row_line && c != '\n' && c != '\r')
			r.row_line = r.line;
		if (csv_parse(&cp, p, 1, on_field, on_row, &r) != 1) {
			snprintf(err, errlen, "%s:%d: %s", name, r.line,
				 csv_error(&cp) == CSV_EPARSE ? "misplaced quote (a field with \" must be quoted, "
								"and quotes inside it doubled)"
							      : csv_strerror(csv_error(&cp)));
			rc = -1;
			break;
		}
		if (c == '\n')
			r.line++;
	}
	if (rc == 0 && csv_fini(&cp, on_field, on_row, &r) != 0) {
		snprintf(err, errlen, "%s:%d: a quoted field is not closed", name, r.row_line ? r.row_line : r.line);
		rc = -1;
	}
	for (int i = 0; i < r.nfields; i++)
		free(r.fields[i]);
	free(r.fields);
	csv_free(&cp);
	if (rc)
		sheet_free(out);
	return rc;
}

void sheet_free(struct sheet *s)
{
	for (int i = 0; i < s->nrows; i++) {
		for (int j = 0; j < s->rows[i].nfields; j++)
			free(s->rows[i].fields[j]);
		free(s->rows[i].fields);
	}
	free(s->rows);
	memset(s, 0, sizeof *s);
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
