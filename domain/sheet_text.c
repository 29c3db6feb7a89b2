/* sheet_text — which encoding a text file is in, and its text as UTF-8.
 *
 * Excel on a Vietnamese Windows writes three kinds of text file:
 *   - "CSV UTF-8": UTF-8 with a BOM (LibreOffice: usually without);
 *   - "Unicode Text": UTF-16LE with a BOM, tab-separated;
 *   - "CSV (Comma delimited)": the ANSI code page, Windows-1258, where most
 *     toned letters do not exist precomposed and are written as a base
 *     letter followed by a combining tone mark (0xEC is U+0301...).
 * The BOMs decide the first two.  A file without one that is valid UTF-8
 * is UTF-8.  One that is not: if it also holds valid multi-byte UTF-8
 * sequences at least as often as invalid bytes it is UTF-8 damaged somewhere
 * (refused at that line and column); otherwise it is Windows-1258, decoded
 * with the table below (a fixed 128-entry table rather than iconv, so the
 * result does not depend on which gconv modules are installed; the unit
 * test checks it against glibc's).  The caller normalises to NFC, which
 * composes the combining marks.  UTF-16 without a BOM is recognised from
 * its zero bytes. */
#include "domain/sheet_priv.h"

#include "base/i18n.h"
#include "base/text.h"
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Windows-1258 bytes 0x80..0xFF; 0 where the code page defines nothing. */
static const uint16_t cp1258[128] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 0x80 */
	0x02C6, 0x2030, 0,      0x2039, 0x0152, 0,      0,      0,
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 0x90 */
	0x02DC, 0x2122, 0,      0x203A, 0x0153, 0,      0,      0x0178,
	0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7, /* 0xA0 */
	0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
	0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, /* 0xB0 */
	0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
	0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7, /* 0xC0 */
	0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF,
	0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7, /* 0xD0 */
	0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF,
	0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7, /* 0xE0 */
	0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF,
	0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7, /* 0xF0 */
	0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF,
};

static void put_utf8(struct sbuf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	sbuf_addn(b, u, n);
}

/* Line and column (in characters: UTF-8 when utf8, else one byte each)
 * of byte `off` of p. */
static void where(const char *p, size_t off, int utf8, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (!utf8 || ((unsigned char)p[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static char *utf16(const char *name, const unsigned char *p, size_t len, int be, size_t *outlen, char *err,
		   size_t errlen)
{
	if (len % 2) {
		snprintf(err, errlen, _("%s: not valid UTF-16: an odd number of bytes (save the file as \"CSV UTF-8\")"),
			 name);
		return NULL;
	}
	struct sbuf b;
	sbuf_init(&b);
	int line = 1;
	for (size_t i = 0; i < len; i += 2) {
		uint32_t u = be ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
			uint32_t lo = be ? (uint32_t)(p[i + 2] << 8 | p[i + 3]) : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				put_utf8(&b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				i += 2;
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			snprintf(err, errlen, _("%s:%d: not valid UTF-16: a lone surrogate (save the file as \"CSV UTF-8\")"),
				 name, line);
			sbuf_free(&b);
			return NULL;
		}
		if (u == 0) {
			snprintf(err, errlen, _("%s: contains NUL bytes: not a text file"), name);
			sbuf_free(&b);
			return NULL;
		}
		if (u == '\n')
			line++;
		put_utf8(&b, u);
	}
	*outlen = b.len;
	return sbuf_take(&b);
}

/* UTF-16 without a BOM: an ASCII-heavy text has a zero in every other
 * byte.  1 little-endian, 2 big-endian, 0 neither. */
static int utf16_guess(const unsigned char *p, size_t len)
{
	size_t pairs = (len > 512 ? 512 : len) / 2, even = 0, odd = 0;
	for (size_t i = 0; i < pairs; i++) {
		even += p[2 * i] == 0;
		odd += p[2 * i + 1] == 0;
	}
	if (pairs < 2)
		return 0;
	if (odd * 2 >= pairs && even == 0)
		return 1;
	if (even * 2 >= pairs && odd == 0)
		return 2;
	return 0;
}

char *sheet_text_decode(const char *name, const char *data, size_t len, size_t *outlen, enum sheet_format *fmt,
			char *err, size_t errlen)
{
	const unsigned char *p = (const unsigned char *)data;
	if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		*fmt = SHEET_UTF16;
		return utf16(name, p + 2, len - 2, p[0] == 0xFE, outlen, err, errlen);
	}
	int bom = len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
	if (bom) {
		p += 3;
		len -= 3;
	}
	if (memchr(p, '\0', len)) {
		int g = bom ? 0 : utf16_guess(p, len);
		if (g) {
			*fmt = SHEET_UTF16;
			return utf16(name, p, len, g == 2, outlen, err, errlen);
		}
		snprintf(err, errlen, _("%s: contains NUL bytes: not a text file"), name);
		return NULL;
	}
	const char *s = (const char *)p;
	size_t bad;
	if (text_valid_utf8(s, len, &bad)) {
		*fmt = SHEET_CSV_UTF8;
		*outlen = len;
		return xstrndup(s, len);
	}
	/* Not UTF-8: damaged UTF-8, or Windows-1258? */
	size_t good = 0, wrong = 0;
	for (size_t i = 0; i < len;) {
		size_t k;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : p[i] >= 0xC0 ? 2 : 1;
		if (k > 1 && i + k <= len && text_valid_utf8(s + i, k, NULL)) {
			good++;
			i += k;
		} else {
			wrong++;
			i++;
		}
	}
	if (bom || good >= wrong) {
		int line, col;
		where(s, bad, 1, &line, &col);
		snprintf(err, errlen, _("%s:%d: column %d: not valid UTF-8 (save the file as \"CSV UTF-8\")"), name, line,
			 col);
		return NULL;
	}
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0x80) {
			sbuf_addc(&b, (char)p[i]);
			continue;
		}
		uint16_t u = cp1258[p[i] - 0x80];
		if (!u) {
			int line, col;
			where(s, i, 0, &line, &col);
			snprintf(err, errlen,
				 _("%s:%d: column %d: byte 0x%02X is neither UTF-8 nor Windows-1258 (save the file as "
				   "\"CSV UTF-8\")"),
				 name, line, col, p[i]);
			sbuf_free(&b);
			return NULL;
		}
		put_utf8(&b, u);
	}
	*fmt = SHEET_CSV_CP1258;
	*outlen = b.len;
	return sbuf_take(&b);
}
