/* tts_addr — the speech front end's rule for web and e-mail addresses
 * (see tts_front_int.h): `https://dichvucong.gov.vn`, `www.baohiemxahoi.gov.vn`,
 * `lienhe@xa.gov.vn`, `zalo.me/0912345678`.
 *
 * The convention (README, "Speech"): the scheme ("https://", "http://") is
 * not read, since a listener types the address without it; "." is "chấm",
 * "@" "a còng", "-" "gạch ngang", "_" "gạch dưới", "/" "gạch chéo"; the
 * common labels have fixed readings (vn "vê en", gov "gờ o vê", com "com",
 * www "vê kép vê kép vê kép"); a label that is a loanword is read as one
 * (zalo "da lô"); a label that splits into Vietnamese syllables is read as
 * them, with the tones of the words official addresses use (dichvucong
 * "dịch vụ công", baohiemxahoi "bảo hiểm xã hội") — a toneless "dich" is
 * never given to the voice, which reads it as English; any other label is
 * spelled with letter names, digits one by one.  The whole address is one
 * token: its dots are never sentence ends.
 *
 * What is an address: a scheme or "www." followed by a host; local@host; or
 * a bare host whose last label is a common top-level domain (vn, com, gov,
 * ...; lowercase), so "TP.HCM" and "v.v" are not addresses. */
#include "tts/tts_front_int.h"

#include "base/util.h"

#include <string.h>
#include <strings.h>

#define ADDR_MAX 512   /* longest address read as one */
#define LABEL_MAX 63

static int ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_alnum(int c)
{
	return ascii_alpha(c) || fe_isdig(c);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* ---- reading a label ------------------------------------------------ */

/* Labels with a fixed reading. */
static const struct {
	const char *label, *say;
} known_labels[] = {
	{ "www", "vê kép vê kép vê kép" }, { "vn", "vê en" },   { "gov", "gờ o vê" }, { "com", "com" },
	{ "net", "nét" },                  { "org", "o rờ gờ" }, { "edu", "e đu" },    { "info", "in phô" },
	{ "me", "mi" },                    { "io", "i ô" },      { "biz", "bít" },     { "mail", "meo" },
};

/* Words official Vietnamese addresses are made of, without their accents:
 * read with them.  A key may hold several syllables ("dichvu"). */
static const struct {
	const char *key, *say;
} accent_words[] = {
	{ "baohiem", "bảo hiểm" },     { "canhbao", "cảnh báo" },
	{ "chinhphu", "chính phủ" },   { "chinhsach", "chính sách" }, { "chuyendoiso", "chuyển đổi số" },
	{ "cong", "công" },            { "congan", "công an" },       { "congdan", "công dân" },
	{ "cuu", "cứu" },              { "cuuho", "cứu hộ" },         { "cuunan", "cứu nạn" },       { "dancu", "dân cư" },
	{ "dangky", "đăng ký" },       { "dichbenh", "dịch bệnh" },   { "dichvu", "dịch vụ" },
	{ "dientu", "điện tử" },       { "dulieu", "dữ liệu" },       { "giaoduc", "giáo dục" },
	{ "giaothong", "giao thông" }, { "hanhchinh", "hành chính" }, { "hanoi", "hà nội" },
	{ "hoidap", "hỏi đáp" },       { "hoso", "hồ sơ" },           { "hotro", "hỗ trợ" },
	{ "huyen", "huyện" },          { "khituong", "khí tượng" },   { "laodong", "lao động" },
	{ "lienhe", "liên hệ" },       { "moitruong", "môi trường" }, { "nganhang", "ngân hàng" },
	{ "nhandan", "nhân dân" },     { "nongdan", "nông dân" },     { "phunu", "phụ nữ" },
	{ "thanhnien", "thanh niên" }, { "chienbinh", "chiến binh" },     { "nongnghiep", "nông nghiệp" }, { "nongthon", "nông thôn" },
	{ "phapluat", "pháp luật" },   { "phongchong", "phòng chống" }, { "quangbinh", "quảng bình" },
	{ "quangtri", "quảng trị" },   { "quochoi", "quốc hội" },     { "suckhoe", "sức khỏe" },
	{ "taikhoan", "tài khoản" },   { "tainguyen", "tài nguyên" }, { "thanhpho", "thành phố" },
	{ "thientai", "thiên tai" },   { "thongbao", "thông báo" },   { "thongtin", "thông tin" },
	{ "thue", "thuế" },            { "thuongbinh", "thương binh" }, { "thuvien", "thư viện" },
	{ "thuyloi", "thủy lợi" },     { "thuyvan", "thủy văn" },     { "tiemchung", "tiêm chủng" },
	{ "tinh", "tỉnh" },            { "tintuc", "tin tức" },       { "tracuu", "tra cứu" },
	{ "uyban", "ủy ban" },         { "vieclam", "việc làm" },     { "vietnam", "việt nam" },
	{ "xa", "xã" },                { "xahoi", "xã hội" },         { "yte", "y tế" },
};

/* Splits the lowercase letters w[0..n) into accent words (cost 2),
 * toneless syllables the voice reads as Vietnamese (cost 3) and letters to
 * spell (cost 4), cheapest first: "ubndxa" is "u bê en dê xã".  plen[k] is
 * the length of the k-th piece, pidx[k] its accent word, -1 for a
 * syllable, -2 for a spelled letter; 0 if w is too long. */
static int segment(const char *w, size_t n, size_t *plen, int *pidx, size_t *npieces)
{
	int best[LABEL_MAX + 1];
	size_t from[LABEL_MAX + 1];
	int idx[LABEL_MAX + 1];
	if (n > LABEL_MAX)
		return 0;
	best[0] = 0;
	for (size_t i = 1; i <= n; i++)
		best[i] = -1;
	for (size_t i = 0; i < n; i++) {
		if (best[i] < 0)
			continue;
		for (size_t k = 0; k < ARRAY_LEN(accent_words); k++) {
			size_t l = strlen(accent_words[k].key);
			if (i + l <= n && memcmp(w + i, accent_words[k].key, l) == 0 &&
			    (best[i + l] < 0 || best[i] + 2 < best[i + l])) {
				best[i + l] = best[i] + 2;
				from[i + l] = i;
				idx[i + l] = (int)k;
			}
		}
		if (best[i + 1] < 0 || best[i] + 4 < best[i + 1]) {
			best[i + 1] = best[i] + 4;
			from[i + 1] = i;
			idx[i + 1] = -2;
		}
		for (size_t l = 1; l <= 7 && i + l <= n; l++) {
			char syl[8];
			memcpy(syl, w + i, l);
			syl[l] = '\0';
			if ((best[i + l] < 0 || best[i] + 3 < best[i + l]) && fe_vn_syllable(syl)) {
				best[i + l] = best[i] + 3;
				from[i + l] = i;
				idx[i + l] = -1;
			}
		}
	}
	if (best[n] < 0)
		return 0; /* cannot happen: every letter can be spelled */
	/* walk back, then reverse into plen/pidx */
	size_t k = 0;
	for (size_t e = n; e > 0; e = from[e]) {
		plen[k] = e - from[e];
		pidx[k] = idx[e];
		k++;
	}
	for (size_t i = 0; i < k / 2; i++) {
		size_t t = plen[i];
		plen[i] = plen[k - 1 - i];
		plen[k - 1 - i] = t;
		int x = pidx[i];
		pidx[i] = pidx[k - 1 - i];
		pidx[k - 1 - i] = x;
	}
	*npieces = k;
	return 1;
}

static void say_letters(struct fe *f, const char *w, size_t n)
{
	size_t plen[LABEL_MAX];
	int pidx[LABEL_MAX];
	size_t np;
	if (!segment(w, n, plen, pidx, &np)) {
		fe_spell(f, w, n);
		return;
	}
	for (size_t i = 0, at = 0; i < np; at += plen[i], i++) {
		if (pidx[i] >= 0) {
			fe_say(f, accent_words[pidx[i]].say);
		} else if (pidx[i] == -2) {
			fe_spell(f, w + at, 1);
		} else {
			char syl[8];
			memcpy(syl, w + at, plen[i]);
			syl[plen[i]] = '\0';
			fe_say(f, syl);
		}
	}
}

/* Digits one by one; a long run (a phone number in "zalo.me/0912345678")
 * in groups as phone numbers are read: 4-3-3, 4-3-4, else threes. */
static void say_digit_run(struct fe *f, const char *d, size_t n)
{
	size_t g[8], ng = 0;
	if (n == 10 || n == 11) {
		g[0] = 4, g[1] = 3, g[2] = n - 7;
		ng = 3;
	} else if (n >= 7 && n <= 24) {
		for (size_t left = n; left; left -= g[ng++])
			g[ng] = left > 3 ? 3 : left;
	} else {
		g[0] = n;
		ng = 1;
	}
	for (size_t i = 0, at = 0; i < ng; at += g[i], i++) {
		if (i)
			fe_pause(f, P_COMMA, ',');
		fe_say_digits(f, d + at, g[i]);
	}
}

/* One run of letters and digits between separators. */
static void say_label(struct fe *f, const char *s, size_t n)
{
	char w[LABEL_MAX + 1];
	if (n > LABEL_MAX) {
		fe_spell(f, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		w[i] = (char)lower((unsigned char)s[i]);
	w[n] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(known_labels); i++)
		if (strcmp(w, known_labels[i].label) == 0) {
			fe_say(f, known_labels[i].say);
			return;
		}
	const char *loan = tts_dict_word(f->o->loan, s, n);
	if (loan) {
		fe_say(f, loan);
		return;
	}
	/* runs of letters and runs of digits */
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		if (fe_isdig(w[i])) {
			while (e < n && fe_isdig(w[e]))
				e++;
			say_digit_run(f, w + i, e - i);
		} else {
			while (e < n && !fe_isdig(w[e]))
				e++;
			say_letters(f, w + i, e - i);
		}
		i = e;
	}
}

static const char *sep_word(int c)
{
	switch (c) {
	case '.':
		return "chấm";
	case '@':
		return "a còng";
	case '-':
		return "gạch ngang";
	case '_':
		return "gạch dưới";
	case '/':
		return "gạch chéo";
	case ':':
		return "hai chấm";
	case '?':
		return "chấm hỏi";
	case '=':
		return "bằng";
	case '&':
		return "và";
	case '#':
		return "thăng";
	case '%':
		return "phần trăm";
	case '+':
		return "cộng";
	case '~':
		return "ngã";
	default:
		return NULL;
	}
}

/* Reads s[a..b): labels and the separators between them. */
static void say_span(struct fe *f, size_t a, size_t b)
{
	size_t i = a;
	while (i < b) {
		int c = fe_at(f, i);
		if (ascii_alnum(c)) {
			size_t e = i;
			while (e < b && ascii_alnum(fe_at(f, e)))
				e++;
			say_label(f, f->s + i, e - i);
			i = e;
		} else {
			const char *w = sep_word(c);
			if (w)
				fe_say(f, w);
			i++;
		}
	}
}

/* ---- recognising an address ----------------------------------------- */

static int path_char(int c)
{
	return ascii_alnum(c) || (c && strchr("-._~/?#=&%+:@", c) != NULL);
}

static int local_char(int c)
{
	return ascii_alnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
}

static int known_tld(const char *s, size_t n)
{
	static const char *const tlds[] = { "vn", "com", "net", "org", "gov", "edu", "info", "me", "io", "biz", "asia" };
	for (size_t i = 0; i < ARRAY_LEN(tlds); i++)
		if (strlen(tlds[i]) == n && memcmp(s, tlds[i], n) == 0)
			return 1;
	return 0;
}

/* A host at p: labels of letters, digits and inner hyphens joined by dots,
 * at least two, the last of two or more letters.  Returns its end (0 if
 * none); *tld is the last label's start.  `numeric`: after a scheme, the
 * last label may be digits too (an IP address). */
static size_t scan_host(const struct fe *f, size_t p, size_t *tld, int numeric)
{
	size_t q = p;
	int labels = 0;
	for (;;) {
		size_t st = q;
		while (ascii_alnum(fe_at(f, q)) || (fe_at(f, q) == '-' && q > st && ascii_alnum(fe_at(f, q + 1))))
			q++;
		if (q == st || q - st > LABEL_MAX || q - p > ADDR_MAX)
			return 0; /* bounded: "a.a.a.a..." must not be scanned again and again */
		labels++;
		*tld = st;
		if (fe_at(f, q) == '.' && ascii_alnum(fe_at(f, q + 1)))
			q++;
		else
			break;
	}
	if (labels < 2 || (q - *tld < 2 && !numeric))
		return 0;
	for (size_t i = *tld; i < q; i++)
		if (!ascii_alpha(fe_at(f, i)) && !(numeric && fe_isdig(fe_at(f, i))))
			return 0;
	return q;
}

/* The end of a path after a host: up to a space or a character that cannot
 * be in an address; punctuation that ends the sentence is left out. */
static size_t scan_path(const struct fe *f, size_t p)
{
	size_t e = p;
	while (e - p < ADDR_MAX && path_char(fe_at(f, e)))
		e++;
	while (e > p && strchr(".,:;!?-", fe_at(f, e - 1)))
		e--;
	return e;
}

int tts_rule_addr(struct fe *f, size_t q)
{
	if (!ascii_alnum(fe_at(f, q)))
		return 0;
	if (q > 0 && (ascii_alnum(fe_at(f, q - 1)) || fe_at(f, q - 1) == '.'))
		return 0;
	size_t p = q, host, tld, end;
	int marked = 0; /* a scheme, "www." or '@' says it is an address */
	if (strncasecmp(f->s + q, "https://", 8) == 0) {
		p = q + 8;
		marked = 1;
	} else if (strncasecmp(f->s + q, "http://", 7) == 0) {
		p = q + 7;
		marked = 1;
	}
	size_t at = 0;
	if (!marked) {
		/* local@host */
		size_t e = q;
		while (e - q < ADDR_MAX && local_char(fe_at(f, e)))
			e++;
		if (fe_at(f, e) == '@' && e > q && fe_at(f, e - 1) != '.' && ascii_alnum(fe_at(f, e + 1))) {
			at = e;
			p = e + 1;
		}
	}
	host = p;
	end = scan_host(f, host, &tld, marked); /* "http://192.168.1.10" */
	if (!end)
		return 0;
	if (strncasecmp(f->s + host, "www.", 4) == 0)
		marked = 1;
	if (!marked && !at && !known_tld(f->s + tld, end - tld))
		return 0;
	/* a host must not run on into letters (Vietnamese ones included) */
	if (fe_letter_at(f, end))
		return 0;
	size_t stop = end;
	if (!at && (fe_at(f, end) == '/' || (fe_at(f, end) == ':' && fe_isdig(fe_at(f, end + 1)))))
		stop = scan_path(f, end);
	if (fe_letter_at(f, stop) || stop - q > ADDR_MAX)
		return 0;
	/* read it: the scheme is left out, a trailing '/' too */
	size_t speak_end = stop;
	while (speak_end > host && fe_at(f, speak_end - 1) == '/')
		speak_end--;
	if (at) {
		say_span(f, q, at);
		fe_say(f, "a còng");
	}
	say_span(f, host, speak_end);
	f->quantity = 0;
	return (int)(stop - q);
}
