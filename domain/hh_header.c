/* hh_header — see hh_header.h. */
#include "domain/hh_header.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* Header aliases, compared folded (household_fold). */
static const struct {
	const char *alias;
	int col;
} aliases[] = {
	{ "name", HH_NAME }, { "ho ten", HH_NAME }, { "ho va ten", HH_NAME }, { "ho va ten chu ho", HH_NAME },
	{ "ho ten chu ho", HH_NAME }, { "chu ho", HH_NAME }, { "ten chu ho", HH_NAME }, { "ten", HH_NAME },
	{ "ten ho", HH_NAME }, { "ho gia dinh", HH_NAME }, { "ten ho gia dinh", HH_NAME }, { "nguoi nhan", HH_NAME },
	{ "household", HH_NAME }, { "full name", HH_NAME },
	{ "phone", HH_PHONE }, { "sdt", HH_PHONE }, { "so dt", HH_PHONE }, { "so dien thoai", HH_PHONE },
	{ "dien thoai", HH_PHONE }, { "dt", HH_PHONE }, { "di dong", HH_PHONE }, { "so di dong", HH_PHONE },
	{ "dtdd", HH_PHONE }, { "so dtdd", HH_PHONE }, { "sdt 1", HH_PHONE }, { "so dt 1", HH_PHONE },
	{ "so dien thoai 1", HH_PHONE }, { "dien thoai 1", HH_PHONE }, { "phone 1", HH_PHONE }, { "phone1", HH_PHONE },
	{ "mobile", HH_PHONE }, { "sdt lien he", HH_PHONE }, { "so dien thoai lien he", HH_PHONE },
	{ "dien thoai lien he", HH_PHONE },
	{ "phone2", HH_PHONE2 }, { "phone 2", HH_PHONE2 }, { "sdt 2", HH_PHONE2 }, { "sdt2", HH_PHONE2 },
	{ "so dt 2", HH_PHONE2 }, { "so dien thoai 2", HH_PHONE2 }, { "dien thoai 2", HH_PHONE2 }, { "dt 2", HH_PHONE2 },
	{ "di dong 2", HH_PHONE2 }, { "so khac", HH_PHONE2 }, { "sdt khac", HH_PHONE2 }, { "so dt khac", HH_PHONE2 },
	{ "dien thoai khac", HH_PHONE2 }, { "so dien thoai khac", HH_PHONE2 }, { "second phone", HH_PHONE2 },
	{ "groups", HH_GROUPS }, { "group", HH_GROUPS }, { "nhom", HH_GROUPS }, { "xom", HH_GROUPS }, { "to", HH_GROUPS },
	{ "thon", HH_GROUPS }, { "khu", HH_GROUPS }, { "doi", HH_GROUPS }, { "ap", HH_GROUPS }, { "ban", HH_GROUPS },
	{ "khoi", HH_GROUPS }, { "lang", HH_GROUPS }, { "buon", HH_GROUPS }, { "bon", HH_GROUPS },
	{ "to dan pho", HH_GROUPS }, { "khu pho", HH_GROUPS }, { "thon xom", HH_GROUPS }, { "xom thon", HH_GROUPS },
	{ "thon ban", HH_GROUPS }, { "to nhom", HH_GROUPS }, { "nhom to", HH_GROUPS }, { "chi hoi", HH_GROUPS },
	{ "hoi", HH_GROUPS },
	{ "channel", HH_CHANNEL }, { "kenh", HH_CHANNEL }, { "cach nhan", HH_CHANNEL }, { "hinh thuc", HH_CHANNEL },
	{ "hinh thuc nhan", HH_CHANNEL }, { "cach bao", HH_CHANNEL }, { "hinh thuc thong bao", HH_CHANNEL },
	{ "nhan qua", HH_CHANNEL }, { "nhan bang", HH_CHANNEL }, { "cach nhan thong bao", HH_CHANNEL },
	{ "nhan thong bao qua", HH_CHANNEL },
	{ "accents", HH_ACCENTS }, { "dau", HH_ACCENTS }, { "co dau", HH_ACCENTS }, { "may co dau", HH_ACCENTS },
	{ "hien dau", HH_ACCENTS }, { "doc duoc dau", HH_ACCENTS }, { "tieng viet co dau", HH_ACCENTS },
	{ "note", HH_NOTE }, { "notes", HH_NOTE }, { "ghi chu", HH_NOTE }, { "luu y", HH_NOTE },
	{ "address", HH_ADDRESS }, { "dia chi", HH_ADDRESS }, { "noi o", HH_ADDRESS }, { "dia chi nha", HH_ADDRESS },
	{ "so nha", HH_ADDRESS },
	{ "id", HH_COL_ID }, { "ma ho", HH_COL_ID }, { "ma so ho", HH_COL_ID }, { "household id", HH_COL_ID },
};

/* Group columns whose bare numbers are places: "Tổ" and 5 -> "Tổ 5". */
static const char *const place_words[] = { "xom", "to", "thon", "khu", "doi", "ap", "ban", "khoi", "lang", "buon",
					   "bon", "to dan pho", "khu pho", NULL };

static int alias_col(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
		if (strcmp(key, aliases[i].alias) == 0)
			return aliases[i].col;
	return -1;
}

static void col_letters(int i, char *out, size_t len)
{
	char tmp[8];
	int n = 0;
	for (i++; i > 0 && n < (int)sizeof tmp; i = (i - 1) / 26)
		tmp[n++] = (char)('A' + (i - 1) % 26);
	size_t o = 0;
	while (n > 0 && o + 1 < len)
		out[o++] = tmp[--n];
	out[o] = '\0';
}

/* "Số ĐT (B)" */
static char *cell_name(const struct sheet_row *r, int i)
{
	char letters[8];
	col_letters(i, letters, sizeof letters);
	struct sbuf b;
	sbuf_init(&b);
	const char *t = i < r->nfields ? r->fields[i] : "";
	size_t n = strlen(t);
	if (n > 60) /* a long header: cut at a character */
		for (n = 60; n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80; n--)
			;
	sbuf_printf(&b, "%.*s (%s)", (int)n, t, letters);
	return sbuf_take(&b);
}

/* Maps row r's cells; 1 when it names at least a name and a phone column. */
static int map_header(const struct sheet_row *r, struct hh_header *hd)
{
	for (int c = 0; c < HH_NFIELDS; c++)
		hd->idx[c] = -1;
	hd->ng = 0;
	int name = 0, phone = 0;
	for (int i = 0; i < r->nfields; i++) {
		char *k = household_fold(r->fields[i]);
		int c = alias_col(k);
		name |= c == HH_NAME;
		phone |= c == HH_PHONE;
		free(k);
	}
	return name && phone;
}

static void header_columns(const struct sheet_row *r, struct hh_header *hd, struct hh_msgs *problems,
			   struct hh_msgs *remarks)
{
	struct sbuf unknown;
	sbuf_init(&unknown);
	for (int i = 0; i < r->nfields; i++) {
		char *k = household_fold(r->fields[i]);
		int c = alias_col(k);
		if (c == HH_PHONE && hd->idx[HH_PHONE] >= 0 && hd->idx[HH_PHONE2] < 0)
			c = HH_PHONE2; /* "Điện thoại" and "Di động": the second is the second phone */
		if (c < 0) {
			if (*k)
				sbuf_printf(&unknown, "%s\"%s\"", unknown.len ? ", " : "", r->fields[i]);
		} else if (c == HH_GROUPS && hd->ng < HH_HEADER_GROUP_COLS) {
			hd->gplace[hd->ng] = 0;
			for (const char *const *w = place_words; *w; w++)
				hd->gplace[hd->ng] |= strcmp(k, *w) == 0;
			hd->gidx[hd->ng++] = i;
			if (hd->idx[c] < 0)
				hd->idx[c] = i;
		} else if (hd->idx[c] >= 0 && c != HH_GROUPS) {
			char *a = cell_name(r, hd->idx[c]), *b = cell_name(r, i);
			const char *what = c == HH_COL_ID ? "id" : household_field_words((enum hh_col)c, 0);
			const char *what_vi = c == HH_COL_ID ? "id" : household_field_words((enum hh_col)c, 1);
			char *t = hh_msg_sayf(0, HS_HEADER_TWICE, a, b, what), *v = hh_msg_sayf(1, HS_HEADER_TWICE, a, b, what_vi);
			char *lt = hh_msg_sayf(0, HS_HEADER), *lv = hh_msg_sayf(1, HS_HEADER);
			struct sbuf x, y;
			sbuf_init(&x);
			sbuf_init(&y);
			sbuf_printf(&x, "%s: %s", lt, t);
			sbuf_printf(&y, "%s: %s", lv, v);
			hh_msg_add(problems, r->line, -1, x.s, y.s);
			sbuf_free(&x);
			sbuf_free(&y);
			free(a), free(b), free(t), free(v), free(lt), free(lv);
		} else if (c != HH_GROUPS) {
			hd->idx[c] = i;
		}
		free(k);
	}
	if (unknown.len) {
		char *lt = hh_msg_sayf(0, HS_HEADER), *lv = hh_msg_sayf(1, HS_HEADER);
		hh_msg_say(remarks, r->line, -1, lt, lv, HS_UNKNOWN_COLUMNS, unknown.s);
		free(lt), free(lv);
	}
	sbuf_free(&unknown);
	for (int c = 0; c < HH_NFIELDS; c++) {
		if (hd->idx[c] < 0) {
			/* absent: messages name the field */
			const char *w = c == HH_COL_ID ? "id" : household_field_words((enum hh_col)c, 0);
			const char *wv = c == HH_COL_ID ? "id" : household_field_words((enum hh_col)c, 1);
			hd->text[c] = hh_msg_sayf(0, HS_COLUMN, w);
			hd->vi[c] = hh_msg_sayf(1, HS_COLUMN, wv);
			continue;
		}
		char *n = cell_name(r, hd->idx[c]);
		hd->text[c] = hh_msg_sayf(0, HS_COLUMN, n);
		hd->vi[c] = hh_msg_sayf(1, HS_COLUMN, n);
		free(n);
	}
}

void hh_header_free(struct hh_header *hd)
{
	for (int c = 0; c < HH_NFIELDS; c++) {
		free(hd->text[c]);
		free(hd->vi[c]);
	}
}

const char *hh_header_cell(const struct hh_header *hd, const struct sheet_row *r, int c)
{
	int i = hd->idx[c];
	return i < 0 ? NULL : i < r->nfields ? r->fields[i] : "";
}

char *hh_header_groups(const struct hh_header *hd, const struct sheet *sh, const struct sheet_row *r)
{
	if (!hd->ng)
		return NULL;
	const struct sheet_row *hdr = &sh->rows[hd->row];
	struct sbuf b;
	sbuf_init(&b);
	for (int g = 0; g < hd->ng; g++) {
		char *copy = xstrdup(hd->gidx[g] < r->nfields ? r->fields[hd->gidx[g]] : ""), *save = NULL;
		for (char *p = strtok_r(copy, ",;/\n\r", &save); p; p = strtok_r(NULL, ",;/\n\r", &save)) {
			p = util_trim(p);
			if (!*p)
				continue;
			int digits = hd->gplace[g] && strspn(p, "0123456789") == strlen(p);
			if (digits) {
				char *h = xstrdup(hdr->fields[hd->gidx[g]]);
				sbuf_printf(&b, "%s%s %s", b.len ? ", " : "", util_trim(h), p);
				free(h);
			} else {
				sbuf_printf(&b, "%s%s", b.len ? ", " : "", p);
			}
		}
		free(copy);
	}
	return sbuf_take(&b);
}

int hh_header_find(const struct sheet *sh, struct hh_header *hd, struct hh_msgs *problems, struct hh_msgs *remarks)
{
	memset(hd, 0, sizeof *hd);
	hd->row = -1;
	if (sh->nrows == 0) {
		hh_msg_say(problems, 0, -1, NULL, NULL, HS_EMPTY_FILE);
		return -1;
	}
	for (int r = 0; r < sh->nrows && r < HH_HEADER_ROWS && hd->row < 0; r++)
		if (map_header(&sh->rows[r], hd))
			hd->row = r;
	if (hd->row < 0) {
		hh_msg_say(problems, 0, -1, NULL, NULL, HS_NO_HEADER, HH_HEADER_ROWS);
		return -1;
	}
	const struct sheet_row *hdr = &sh->rows[hd->row];
	hd->line = hdr->line;
	if (hd->row > 0)
		hh_msg_say(remarks, hdr->line, -1, NULL, NULL, HS_TITLE_ROWS, hdr->line - 1);
	header_columns(hdr, hd, problems, remarks);
	return 0;
}

void hh_header_labels(const struct hh_header *hd, struct hh_labels *lb)
{
	for (int c = 0; c < HH_NCOLS; c++) {
		lb->text[c] = hd->text[c];
		lb->vi[c] = hd->vi[c];
	}
}
