/* sheet_xlsx — an Excel workbook (.xlsx, Office Open XML) read into rows.
 *
 * libzip opens the zip from memory and inflates one part at a time; expat
 * parses each part as it is inflated, so no part is ever whole in memory.
 * The parts, as Excel and LibreOffice write them:
 *   _rels/.rels                 -> the workbook part (xl/workbook.xml)
 *   xl/workbook.xml             -> the sheets in tab order: name, r:id
 *   xl/_rels/workbook.xml.rels  -> r:id -> part (worksheets/sheet1.xml),
 *                                  and the shared strings part
 *   xl/sharedStrings.xml        -> <si> strings, plain <t> or rich <r><t>
 *   xl/worksheets/sheetN.xml    -> <row r="5"><c r="C5" t="s"><v>3</v>...
 * Cells keep their column (r="C5": empty cells between values become ""),
 * rows their row number; empty rows are dropped like blank CSV lines.
 * Numbers are written as Excel holds them, integers in full (a phone that
 * lost its 0 comes out 912345682, never 9.12346E+08), other numbers with
 * Excel's 15 significant digits, never in scientific notation.
 *
 * A workbook comes from outside, so everything is bounded: 64 MB inflated
 * per part (checked on the declared size and again while inflating: a zip
 * bomb stops at the limit), Excel's own row and column limits, 4 million
 * cells and shared strings, 256 KB per cell; expat refuses any DOCTYPE, so
 * no entity can be declared, expanded or fetched. */
#include "domain/sheet_priv.h"

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"

#include <ctype.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define PART_MAX (64L << 20)
#define ROWS_MAX 1048576
#define COLS_MAX 16384
#define CELLS_MAX 4000000L
#define STRINGS_MAX 4000000L
#define VALUE_MAX (256u << 10)
#define RELS_MAX 10000
#define SHEETS_MAX 1000

struct rel {
	char *id, *type, *target;
};

struct wsheet {
	char *name, *rid;
	int hidden;
};

struct xlsx {
	const char *name; /* the file, for messages */
	const char *part; /* the part being read */
	zip_t *za;
	XML_Parser p;
	char *err;
	size_t errlen;
	int failed;
	/* relationships of the part being read */
	struct rel *rels;
	int nrels;
	/* workbook */
	int root_seen, is_workbook;
	struct wsheet *sheets;
	int nsheets;
	/* shared strings: NUL-separated in sst, string i at sst.s + off[i] */
	struct sbuf sst;
	size_t *off;
	long nstr, capstr;
	int in_si, in_rph, in_t;
	/* worksheet */
	struct sheet *out;
	int in_data, in_row, in_c, in_v, in_is;
	int row, col, next_col;
	char type[16];
	struct sbuf val;
	int has_is;
	char **fields;
	int nfields, capf;
	long cells;
};

static void fail(struct xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct xlsx *x, const char *fmt, ...)
{
	if (x->failed)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (x->part)
		snprintf(x->err, x->errlen, "%s: %s: %s", x->name, x->part, msg);
	else
		snprintf(x->err, x->errlen, "%s: %s", x->name, msg);
	x->failed = 1;
	if (x->p)
		XML_StopParser(x->p, XML_FALSE);
}

/* Names arrive as "namespace|local" (or "local"); only the local part
 * matters, so prefixes and the Strict namespaces read alike. */
static const char *local(const char *n)
{
	const char *bar = strrchr(n, '|');
	return bar ? bar + 1 : n;
}

static const char *attr(const char **a, const char *lname)
{
	for (; a[0]; a += 2)
		if (strcmp(local(a[0]), lname) == 0)
			return a[1];
	return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	fail(ud, "%s", _("a DOCTYPE or entity declaration, which Excel never writes: refused"));
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value, int vlen,
			      const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	(void)name;
	(void)param;
	(void)value;
	(void)vlen;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	fail(ud, "%s", _("a DOCTYPE or entity declaration, which Excel never writes: refused"));
}

/* Inflates PART into expat with the given handlers.  1 when the part is
 * absent and not required, 0 read, -1 failed. */
static int read_part(struct xlsx *x, const char *part, int required, XML_StartElementHandler start,
		     XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	x->part = part;
	zip_int64_t idx = zip_name_locate(x->za, part, ZIP_FL_NOCASE);
	if (idx < 0) {
		if (!required) {
			x->part = NULL;
			return 1;
		}
		fail(x, "%s", _("missing from the workbook"));
		return -1;
	}
	zip_stat_t st;
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
	    st.size > (zip_uint64_t)PART_MAX) {
		fail(x, _("%llu bytes uncompressed, more than the %ld MB allowed: refused"), (unsigned long long)st.size,
		     PART_MAX >> 20);
		return -1;
	}
	zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!zf) {
		fail(x, _("cannot be read (%s)"), zip_strerror(x->za));
		return -1;
	}
	x->p = XML_ParserCreateNS(NULL, '|');
	if (!x->p) {
		zip_fclose(zf);
		fail(x, "%s", _("out of memory"));
		return -1;
	}
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, start, end);
	if (text)
		XML_SetCharacterDataHandler(x->p, text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	char buf[16384];
	long total = 0;
	for (;;) {
		zip_int64_t n = zip_fread(zf, buf, sizeof buf);
		if (n < 0) {
			fail(x, _("damaged (%s)"), zip_file_strerror(zf));
			break;
		}
		total += (long)n;
		if (total > PART_MAX) {
			fail(x, _("more than %ld MB uncompressed: refused"), PART_MAX >> 20);
			break;
		}
		if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			fail(x, _("line %lu: %s"), (unsigned long)XML_GetCurrentLineNumber(x->p),
			     XML_ErrorString(XML_GetErrorCode(x->p)));
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(x->p);
	x->p = NULL;
	zip_fclose(zf);
	if (x->failed)
		return -1;
	x->part = NULL;
	return 0;
}

/* ---- relationships (the .rels parts) ---- */

static void free_rels(struct xlsx *x)
{
	for (int i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	free(x->rels);
	x->rels = NULL;
	x->nrels = 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct xlsx *x = ud;
	if (x->failed || strcmp(local(el), "Relationship") != 0)
		return;
	const char *id = attr(a, "Id"), *type = attr(a, "Type"), *target = attr(a, "Target"),
		   *mode = attr(a, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (x->nrels >= RELS_MAX) {
		fail(x, _("more than %d relationships"), RELS_MAX);
		return;
	}
	x->rels = xrealloc(x->rels, (size_t)(x->nrels + 1) * sizeof *x->rels);
	x->rels[x->nrels].id = xstrdup(id);
	x->rels[x->nrels].type = xstrdup(type);
	x->rels[x->nrels].target = xstrdup(target);
	x->nrels++;
}

static void XMLCALL ignore_end(void *ud, const XML_Char *el)
{
	(void)ud;
	(void)el;
}

/* A relationship's target as a part name: relative to the folder of the
 * part that owns it, or absolute ("/xl/..."); "." and ".." resolved. */
static char *resolve(const char *owner, const char *target)
{
	struct sbuf b;
	sbuf_init(&b);
	if (target[0] != '/') {
		const char *slash = strrchr(owner, '/');
		if (slash)
			sbuf_addn(&b, owner, (size_t)(slash - owner + 1));
	}
	sbuf_add(&b, target[0] == '/' ? target + 1 : target);
	char *path = sbuf_take(&b);
	/* resolve segments in place */
	char *outp = path;
	const char *in = path;
	while (*in) {
		const char *seg_end = strchr(in, '/');
		size_t n = seg_end ? (size_t)(seg_end - in) : strlen(in);
		if (n == 0 || (n == 1 && in[0] == '.')) {
			/* skip */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			if (outp > path) {
				outp--; /* the '/' written after the last segment */
				while (outp > path && outp[-1] != '/')
					outp--;
			}
		} else {
			memmove(outp, in, n);
			outp += n;
			if (seg_end)
				*outp++ = '/';
		}
		in += n;
		if (*in == '/')
			in++;
	}
	*outp = '\0';
	return path;
}

/* The rels part of a part: "dir/_rels/name.rels". */
static char *rels_of(const char *part)
{
	const char *slash = strrchr(part, '/');
	struct sbuf b;
	sbuf_init(&b);
	if (slash)
		sbuf_addn(&b, part, (size_t)(slash - part + 1));
	sbuf_printf(&b, "_rels/%s.rels", slash ? slash + 1 : part);
	return sbuf_take(&b);
}

static const struct rel *rel_by_type(const struct xlsx *x, const char *suffix)
{
	for (int i = 0; i < x->nrels; i++)
		if (ends_with(x->rels[i].type, suffix))
			return &x->rels[i];
	return NULL;
}

static const struct rel *rel_by_id(const struct xlsx *x, const char *id)
{
	for (int i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, id) == 0)
			return &x->rels[i];
	return NULL;
}

/* ---- the workbook: its sheets in tab order ---- */

static void XMLCALL book_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct xlsx *x = ud;
	if (x->failed)
		return;
	const char *ln = local(el);
	if (!x->root_seen) {
		x->root_seen = 1;
		x->is_workbook = strcmp(ln, "workbook") == 0;
	}
	if (strcmp(ln, "sheet") != 0)
		return;
	const char *name = attr(a, "name"), *rid = attr(a, "id"), *state = attr(a, "state");
	if (!name || !rid)
		return;
	if (x->nsheets >= SHEETS_MAX) {
		fail(x, _("more than %d sheets"), SHEETS_MAX);
		return;
	}
	x->sheets = xrealloc(x->sheets, (size_t)(x->nsheets + 1) * sizeof *x->sheets);
	char *nfc = sheet_field(name, strlen(name));
	x->sheets[x->nsheets].name = nfc;
	x->sheets[x->nsheets].rid = xstrdup(rid);
	x->sheets[x->nsheets].hidden = state && strcmp(state, "visible") != 0;
	x->nsheets++;
}

/* ---- cell text ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* OOXML writes characters XML cannot hold as "_xHHHH_" (a line break in a
 * cell as _x000D_, "_" itself as _x005F_); n bytes of s, decoded, into b. */
static void unescape_into(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_') {
			int v = 0, ok = 1;
			for (int k = 2; k < 6; k++) {
				int h = hexval((unsigned char)s[i + k]);
				ok &= h >= 0;
				v = v * 16 + (h < 0 ? 0 : h);
			}
			if (ok && v != 0 && (v < 0xD800 || v > 0xDFFF)) {
				char u[3];
				size_t k;
				if (v < 0x80) {
					u[0] = (char)v;
					k = 1;
				} else if (v < 0x800) {
					u[0] = (char)(0xC0 | (v >> 6));
					u[1] = (char)(0x80 | (v & 0x3F));
					k = 2;
				} else {
					u[0] = (char)(0xE0 | (v >> 12));
					u[1] = (char)(0x80 | ((v >> 6) & 0x3F));
					u[2] = (char)(0x80 | (v & 0x3F));
					k = 3;
				}
				sbuf_addn(b, u, k);
				i += 6;
				continue;
			}
		}
		sbuf_addc(b, s[i]);
	}
}

/* A number as Excel shows it in a General cell, without exponent:
 * integers below 10^15 exactly, others with 15 significant digits. */
static void number_text(const char *v, struct sbuf *b)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !isfinite(d)) {
		sbuf_add(b, v); /* not a number after all: as written */
		return;
	}
	if (d == 0) {
		sbuf_addc(b, '0'); /* also -0 */
		return;
	}
	if (d == floor(d) && fabs(d) < 1e15) {
		sbuf_printf(b, "%.0f", d);
		return;
	}
	char e[40];
	snprintf(e, sizeof e, "%.14e", d); /* "-d.dddddddddddddde+XX" */
	const char *q = e;
	if (*q == '-') {
		sbuf_addc(b, '-');
		q++;
	}
	char digits[16];
	int nd = 0;
	for (; *q && *q != 'e'; q++)
		if (isdigit((unsigned char)*q) && nd < 15)
			digits[nd++] = *q;
	int exp = *q == 'e' ? atoi(q + 1) : 0;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (exp > 20 || exp < -20) {
		sbuf_printf(b, "%.15g", fabs(d));
		return;
	}
	if (exp < 0) {
		sbuf_add(b, "0.");
		for (int i = 0; i < -exp - 1; i++)
			sbuf_addc(b, '0');
		sbuf_addn(b, digits, (size_t)nd);
		return;
	}
	for (int i = 0; i <= exp; i++)
		sbuf_addc(b, i < nd ? digits[i] : '0');
	if (nd > exp + 1) {
		sbuf_addc(b, '.');
		sbuf_addn(b, digits + exp + 1, (size_t)(nd - exp - 1));
	}
}

static void text_add(struct xlsx *x, const char *s, int len)
{
	if (x->val.len + (size_t)len > VALUE_MAX) {
		fail(x, _("line %lu: a cell longer than Excel allows"), (unsigned long)XML_GetCurrentLineNumber(x->p));
		return;
	}
	sbuf_addn(&x->val, s, (size_t)len);
}

/* ---- shared strings ---- */

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	(void)a;
	struct xlsx *x = ud;
	if (x->failed)
		return;
	const char *ln = local(el);
	if (strcmp(ln, "si") == 0) {
		x->in_si = 1;
		sbuf_reset(&x->val);
	} else if (x->in_si && strcmp(ln, "rPh") == 0) {
		x->in_rph = 1; /* phonetic guide (furigana): not the text */
	} else if (x->in_si && strcmp(ln, "t") == 0) {
		x->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
	struct xlsx *x = ud;
	if (x->failed)
		return;
	const char *ln = local(el);
	if (strcmp(ln, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(ln, "si") == 0 && x->in_si) {
		x->in_si = 0;
		if (x->nstr >= STRINGS_MAX) {
			fail(x, _("more than %ld strings"), STRINGS_MAX);
			return;
		}
		if (x->nstr == x->capstr) {
			x->capstr = x->capstr ? x->capstr * 2 : 256;
			x->off = xrealloc(x->off, (size_t)x->capstr * sizeof *x->off);
		}
		x->off[x->nstr++] = x->sst.len;
		unescape_into(&x->sst, x->val.s ? x->val.s : "", x->val.len);
		sbuf_addc(&x->sst, '\0');
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	if (!x->failed && x->in_si && x->in_t && !x->in_rph)
		text_add(x, s, len);
}

/* ---- the worksheet ---- */

/* "C5" -> 2; -1 if not a cell reference. */
static int column_of(const char *ref)
{
	int col = 0, n = 0;
	for (; isalpha((unsigned char)*ref); ref++, n++) {
		if (n == 3)
			return -1;
		col = col * 26 + (toupper((unsigned char)*ref) - 'A' + 1);
	}
	for (const char *d = ref; *d; d++)
		if (!isdigit((unsigned char)*d))
			return -1;
	return n == 0 || col > COLS_MAX ? -1 : col - 1;
}

static void put_cell(struct xlsx *x, int col, char *value)
{
	if (col >= x->nfields) {
		long grow = col + 1 - x->nfields;
		if (x->cells + grow > CELLS_MAX) {
			free(value);
			fail(x, _("more than %ld cells: refused"), CELLS_MAX);
			return;
		}
		x->cells += grow;
		if (col >= x->capf) {
			x->capf = col + 1 > x->capf * 2 ? col + 1 : x->capf * 2;
			x->fields = xrealloc(x->fields, (size_t)x->capf * sizeof *x->fields);
		}
		while (x->nfields <= col)
			x->fields[x->nfields++] = xstrdup("");
	}
	free(x->fields[col]);
	x->fields[col] = value;
}

/* The finished cell's text: a value per the cell's type, _xHHHH_ decoded
 * for strings, white space around it trimmed, NFC. */
static void end_cell(struct xlsx *x)
{
	if (!x->has_is && x->val.len == 0)
		return; /* a cell with a style and no value */
	struct sbuf b;
	sbuf_init(&b);
	const char *v = x->val.s ? x->val.s : "";
	const char *t = x->type;
	if (x->has_is) {
		unescape_into(&b, v, x->val.len);
	} else if (strcmp(t, "s") == 0) {
		long i;
		if (util_parse_long(v, 0, x->nstr - 1, &i) != 0) {
			fail(x, _("line %lu: shared string '%.20s' does not exist"),
			     (unsigned long)XML_GetCurrentLineNumber(x->p), v);
			sbuf_free(&b);
			return;
		}
		sbuf_add(&b, x->sst.s + x->off[i]);
	} else if (strcmp(t, "str") == 0 || strcmp(t, "inlineStr") == 0) {
		unescape_into(&b, v, x->val.len);
	} else if (strcmp(t, "b") == 0) {
		sbuf_add(&b, strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v);
	} else if (t[0] == '\0' || strcmp(t, "n") == 0) {
		number_text(v, &b);
	} else {
		sbuf_add(&b, v); /* "e" (#N/A), "d" (an ISO date) */
	}
	const char *s = b.s ? b.s : "";
	size_t n = b.len;
	while (n && strchr(" \t\r\n", s[0])) {
		s++;
		n--;
	}
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	size_t bad;
	if (n && text_valid_utf8(s, n, &bad) && !memchr(s, '\0', n))
		put_cell(x, x->col, sheet_field(s, n));
	sbuf_free(&b);
}

static void XMLCALL ws_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct xlsx *x = ud;
	if (x->failed)
		return;
	const char *ln = local(el);
	if (strcmp(ln, "sheetData") == 0) {
		x->in_data = 1;
	} else if (!x->in_data) {
		return;
	} else if (strcmp(ln, "row") == 0) {
		const char *r = attr(a, "r");
		long n = x->row + 1;
		if (r && util_parse_long(r, 1, ROWS_MAX, &n) != 0) {
			fail(x, _("line %lu: row number '%.20s' is not valid"),
			     (unsigned long)XML_GetCurrentLineNumber(x->p), r);
			return;
		}
		if (n > ROWS_MAX) {
			fail(x, _("more than %d rows"), ROWS_MAX);
			return;
		}
		for (int i = 0; i < x->nfields; i++) /* a <row> inside a <row> */
			free(x->fields[i]);
		free(x->fields);
		x->in_row = 1;
		x->row = (int)n;
		x->next_col = 0;
		x->fields = NULL;
		x->nfields = x->capf = 0;
	} else if (x->in_row && strcmp(ln, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t");
		int col = r ? column_of(r) : x->next_col;
		if (col < 0 || col >= COLS_MAX) {
			fail(x, _("line %lu: cell reference '%.20s' is not valid"),
			     (unsigned long)XML_GetCurrentLineNumber(x->p), r ? r : "");
			return;
		}
		x->in_c = 1;
		x->col = col;
		snprintf(x->type, sizeof x->type, "%s", t ? t : "");
		sbuf_reset(&x->val);
		x->has_is = 0;
	} else if (x->in_c && strcmp(ln, "v") == 0) {
		x->in_v = 1;
	} else if (x->in_c && strcmp(ln, "is") == 0) {
		x->in_is = 1;
		x->has_is = 1;
		sbuf_reset(&x->val);
	} else if (x->in_is && strcmp(ln, "rPh") == 0) {
		x->in_rph = 1;
	} else if (x->in_is && strcmp(ln, "t") == 0) {
		x->in_t = 1;
	}
}

static void XMLCALL ws_end(void *ud, const XML_Char *el)
{
	struct xlsx *x = ud;
	if (x->failed || !x->in_data)
		return;
	const char *ln = local(el);
	if (strcmp(ln, "sheetData") == 0) {
		x->in_data = 0;
	} else if (strcmp(ln, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(ln, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		x->in_rph = 0;
	} else if (strcmp(ln, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(ln, "c") == 0 && x->in_c) {
		x->in_c = x->in_v = x->in_is = x->in_t = x->in_rph = 0;
		end_cell(x);
		x->next_col = x->col + 1;
	} else if (strcmp(ln, "row") == 0 && x->in_row) {
		x->in_row = 0;
		if (x->nfields)
			sheet_add_row(x->out, x->row, x->fields, x->nfields);
		else
			free(x->fields);
		x->fields = NULL;
		x->nfields = x->capf = 0;
	}
}

static void XMLCALL ws_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	if (x->failed || !x->in_c)
		return;
	if ((x->in_v && !x->has_is) || (x->in_is && x->in_t && !x->in_rph))
		text_add(x, s, len);
}

/* ---- choosing the sheet ---- */

/* Lower-case ASCII without accents, for "thon 3" to find "Thôn 3". */
static char *fold(const char *s)
{
	int rep;
	char *f = text_strip(s, &rep);
	for (char *p = f; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return f;
}

static void list_sheets(const struct xlsx *x, struct sbuf *b)
{
	for (int i = 0; i < x->nsheets; i++) {
		char esc[128];
		util_escape_ctl(x->sheets[i].name, esc, sizeof esc);
		if (b->len + strlen(esc) > 300) {
			sbuf_add(b, ", …");
			return;
		}
		sbuf_printf(b, "%s%s", i ? ", " : "", esc);
	}
}

/* The index of the worksheet to read, or -1 (err set). */
static int choose(struct xlsx *x, const char *want)
{
	if (!want) {
		int first = -1;
		for (int i = 0; i < x->nsheets; i++) {
			const struct rel *r = rel_by_id(x, x->sheets[i].rid);
			if (!r || !ends_with(r->type, "/worksheet"))
				continue;
			if (!x->sheets[i].hidden)
				return i;
			if (first < 0)
				first = i;
		}
		if (first < 0)
			fail(x, "%s", _("the workbook has no worksheet"));
		return first;
	}
	if (!text_valid_utf8(want, strlen(want), NULL)) {
		fail(x, "%s", _("the sheet name asked for is not valid UTF-8"));
		return -1;
	}
	char *w = sheet_field(want, strlen(want));
	int found = -1;
	for (int i = 0; i < x->nsheets && found < 0; i++)
		if (strcmp(x->sheets[i].name, w) == 0)
			found = i;
	if (found < 0) {
		int nfold = 0;
		char *fw = fold(w);
		for (int i = 0; i < x->nsheets && fw[0]; i++) {
			char *fs = fold(x->sheets[i].name);
			if (strcmp(fs, fw) == 0) {
				found = i;
				nfold++;
			}
			free(fs);
		}
		free(fw);
		if (nfold > 1)
			found = -1;
	}
	char esc[128];
	util_escape_ctl(w, esc, sizeof esc);
	free(w);
	if (found < 0) {
		struct sbuf b;
		sbuf_init(&b);
		list_sheets(x, &b);
		fail(x, _("no sheet named '%s' (sheets: %s)"), esc, b.s ? b.s : "");
		sbuf_free(&b);
		return -1;
	}
	const struct rel *r = rel_by_id(x, x->sheets[found].rid);
	if (!r || !ends_with(r->type, "/worksheet")) {
		fail(x, _("sheet '%s' is a chart or dialog, not a worksheet of cells"), esc);
		return -1;
	}
	return found;
}

/* ---- the whole workbook ---- */

/* OpenDocument files name their kind in a "mimetype" part. */
static int opendocument(struct xlsx *x)
{
	zip_int64_t idx = zip_name_locate(x->za, "mimetype", 0);
	if (idx < 0)
		return 0;
	zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	char buf[128] = "";
	if (zf) {
		zip_int64_t n = zip_fread(zf, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		zip_fclose(zf);
	}
	if (strstr(buf, "opendocument.spreadsheet"))
		fail(x, "%s",
		     _("an OpenDocument spreadsheet (.ods): in LibreOffice choose File > Save As and save it as Excel "
		       ".xlsx or \"CSV UTF-8\""));
	else
		fail(x, "%s", _("an OpenDocument file (.odt, .odp...), not a spreadsheet"));
	return 1;
}

static void free_all(struct xlsx *x)
{
	free_rels(x);
	for (int i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	free(x->sheets);
	sbuf_free(&x->sst);
	free(x->off);
	sbuf_free(&x->val);
	for (int i = 0; i < x->nfields; i++)
		free(x->fields[i]);
	free(x->fields);
}

static int read_book(struct xlsx *x, const char *want)
{
	if (opendocument(x))
		return -1;
	if (read_part(x, "_rels/.rels", 0, rels_start, ignore_end, NULL) != 0) {
		if (!x->failed)
			fail(x, "%s", _("a zip archive, not an Excel workbook (.xlsx)"));
		return -1;
	}
	const struct rel *doc = rel_by_type(x, "/officeDocument");
	if (!doc) {
		fail(x, "%s", _("a zip archive, not an Excel workbook (.xlsx)"));
		return -1;
	}
	char *book = resolve("", doc->target);
	free_rels(x);
	int rc = -1;
	if (ends_with(book, ".bin")) {
		fail(x, "%s",
		     _("an Excel binary workbook (.xlsb): open it in Excel and save it as .xlsx or \"CSV UTF-8\""));
		goto out;
	}
	if (read_part(x, book, 1, book_start, ignore_end, NULL) != 0)
		goto out;
	if (!x->is_workbook) {
		fail(x, "%s", _("a Word, PowerPoint or other Office file, not an Excel workbook"));
		goto out;
	}
	char *brels = rels_of(book);
	int r = read_part(x, brels, 1, rels_start, ignore_end, NULL);
	free(brels);
	if (r != 0)
		goto out;
	int which = choose(x, want);
	if (which < 0)
		goto out;
	char *sheet_part = resolve(book, rel_by_id(x, x->sheets[which].rid)->target);
	const struct rel *ss = rel_by_type(x, "/sharedStrings");
	char *sst_part = ss ? resolve(book, ss->target) : NULL;
	if (sst_part)
		r = read_part(x, sst_part, 1, sst_start, sst_end, sst_text);
	x->in_si = x->in_t = x->in_rph = 0;
	if (r == 0)
		r = read_part(x, sheet_part, 1, ws_start, ws_end, ws_text);
	free(sst_part);
	free(sheet_part);
	if (r != 0)
		goto out;
	x->out->format = SHEET_XLSX;
	x->out->sheet_name = xstrdup(x->sheets[which].name);
	rc = 0;
out:
	free(book);
	return rc;
}

int sheet_xlsx_read(const char *name, const char *data, size_t len, const char *sheet_name, struct sheet *out,
		    char *err, size_t errlen)
{
	struct xlsx x = { .name = name, .err = err, .errlen = errlen, .out = out };
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src)
		x.za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!x.za) {
		fail(&x, _("not a readable .xlsx workbook (%s)"), zip_error_strerror(&ze));
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	int rc = read_book(&x, sheet_name);
	zip_discard(x.za);
	free_all(&x);
	return rc;
}
