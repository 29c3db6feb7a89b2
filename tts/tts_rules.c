/* tts_rules — the speech front end's pattern rules on digits (see
 * tts_front_int.h): phone numbers and hotlines digit by digit in the
 * writer's groups, dates and date ranges (a short "30/11" only in a date's
 * context), fractions and map scales, times, time ranges and durations,
 * quantities (money, units, percent, numeric ranges, document numbers), with
 * the number scanner they share.  The units are in tts_units.c; the scan
 * that calls the rules, in order of priority, is in tts_front.c. */
#include "tts/tts_front_int.h"

#include "base/util.h"

#include <stdint.h>
#include <string.h>

/* ---- numbers ------------------------------------------------------- */

struct num {
	size_t start, end;
	uint64_t ival;
	int idig;         /* integer digits (without group dots) */
	int grouped;      /* 1.500.000 */
	int lead0;        /* integer part written with a leading zero */
	int big;          /* too many digits to read as a cardinal */
	size_t frac;      /* offset of decimal digits, 0 if none */
	int nfrac;
};

/* Runs of digits at q: returns the count, the value in *v (capped). */
static int digit_run(const struct fe *f, size_t q, uint64_t *v)
{
	int k = 0;
	uint64_t x = 0;
	while (fe_isdig(fe_at(f, q + (size_t)k))) {
		if (x < 100000000000000000ULL)
			x = x * 10 + (uint64_t)(fe_at(f, q + (size_t)k) - '0');
		k++;
	}
	if (v)
		*v = x;
	return k;
}

/* A thousands separator that is a space at p (space, no-break space,
 * narrow no-break space): its length, or 0. */
static size_t space_sep(const struct fe *f, size_t p)
{
	if (fe_at(f, p) == ' ')
		return 1;
	if (fe_at(f, p) == 0xC2 && fe_at(f, p + 1) == 0xA0)
		return 2;
	if (fe_at(f, p) == 0xE2 && fe_at(f, p + 1) == 0x80 && fe_at(f, p + 2) == 0xAF)
		return 3;
	return 0;
}

/* "1 500 000 đồng": groups of three after spaces continue the number at e;
 * one group does not after a word that labels a number ("thôn 3 125 hộ"
 * is thôn 3, 125 hộ) unless an amount word or a unit follows ("số 12 500
 * đồng").  The new end. */
static size_t space_groups(const struct fe *f, size_t e, struct num *m)
{
	size_t p = e, sl;
	int n = 0;
	uint64_t v = m->ival;
	while ((sl = space_sep(f, p)) && digit_run(f, p + sl, NULL) == 3) {
		uint64_t g;
		digit_run(f, p + sl, &g);
		if (v < 100000000000000000ULL)
			v = v * 1000 + g;
		p += sl + 3;
		n++;
	}
	int unit = tts_unit_follows(f, p);
	if (n == 0 || (fe_letter_at(f, p) && !unit))
		return e;
	if (n == 1 && !unit &&
	    fe_lw_is(f, 0, "thôn|tổ|xóm|đội|khu|lớp|ấp|khối|phòng|đợt|lần|cấp|số|ngày|tháng|năm|quý|kỳ|khóa|bản|điểm|trạm"))
		return e;
	m->grouped = 1;
	m->idig += 3 * n;
	m->ival = v;
	return p;
}

static int scan_num(const struct fe *f, size_t q, struct num *m)
{
	memset(m, 0, sizeof *m);
	m->start = q;
	uint64_t v;
	int k = digit_run(f, q, &v);
	if (!k)
		return 0;
	m->lead0 = fe_at(f, q) == '0' && k > 1;
	m->idig = k;
	m->ival = v;
	size_t e = q + (size_t)k;
	if (k <= 3 && !m->lead0) {
		while (fe_at(f, e) == '.' && digit_run(f, e + 1, NULL) == 3) {
			uint64_t g;
			digit_run(f, e + 1, &g);
			m->grouped = 1;
			m->idig += 3;
			if (m->ival < 100000000000000000ULL)
				m->ival = m->ival * 1000 + g;
			e += 4;
		}
		if (!m->grouped)
			e = space_groups(f, e, m);
	}
	if ((fe_at(f, e) == ',' || (!m->grouped && fe_at(f, e) == '.')) && fe_isdig(fe_at(f, e + 1))) {
		int fk = digit_run(f, e + 1, NULL);
		/* "1.234" without grouping was taken above; a dot here is a decimal
		 * point only if it is not a thousands group ("3.5", "0.75"). */
		if (fe_at(f, e) == ',' || fk != 3) {
			m->frac = e + 1;
			m->nfrac = fk;
			e += 1 + (size_t)fk;
		}
	}
	m->big = m->idig > 15;
	m->end = e;
	return 1;
}

static void say_num(struct fe *f, const struct num *m)
{
	if (m->big || (!m->grouped && m->lead0 && m->idig >= 5)) {
		fe_say_digits(f, f->s + m->start, (m->frac ? m->frac - 1 : m->end) - m->start);
	} else {
		fe_say_card(f, m->ival);
	}
	if (m->frac) {
		fe_say(f, "phẩy");
		const char *d = f->s + m->frac;
		if (m->nfrac <= 2 && d[0] != '0') {
			uint64_t v;
			digit_run(f, m->frac, &v);
			fe_say_card(f, v);
		} else {
			fe_say_digits(f, d, (size_t)m->nfrac);
		}
	}
	f->quantity = 1;
}

/* A plain small integer at q (no grouping, no decimals): value or -1. */
static long small_int(const struct fe *f, size_t q, int maxdig, size_t *end)
{
	uint64_t v;
	int k = digit_run(f, q, &v);
	*end = q;
	if (k < 1 || k > maxdig)
		return -1;
	*end = q + (size_t)k;
	return (long)v;
}

/* ---- rule: phone numbers ------------------------------------------- */

static int sep_char(int c)
{
	return c == ' ' || c == '.' || c == '-';
}

void tts_rule_say_groups(struct fe *f, const char *s, const int *len, int ngroups)
{
	const char *p = s;
	for (int i = 0; i < ngroups; i++) {
		if (i)
			fe_pause(f, P_COMMA, ',');
		fe_say_digits(f, p, (size_t)len[i]);
		p += len[i];
	}
}

/* Splits an ungrouped national number the way people write it. */
static int split_plain(int total, int *len)
{
	if (total == 10) {
		len[0] = 4, len[1] = 3, len[2] = 3;
		return 3;
	}
	if (total == 11) {
		len[0] = 4, len[1] = 3, len[2] = 4;
		return 3;
	}
	if (total == 9) {
		len[0] = 3, len[1] = 3, len[2] = 3;
		return 3;
	}
	len[0] = total;
	return 1;
}

int tts_rule_phone(struct fe *f, size_t q)
{
	size_t p = q;
	int paren = 0, plus = 0;
	if (fe_at(f, p) == '(') {
		paren = 1;
		p++;
	}
	if (fe_at(f, p) == '+') {
		plus = 1;
		p++;
	}
	if (!fe_isdig(fe_at(f, p)))
		return 0;
	char digits[24];
	int glen[12], ng = 0, total = 0;
	for (;;) {
		int k = digit_run(f, p, NULL);
		if (!k || total + k > 20 || ng >= 12)
			return 0;
		memcpy(digits + total, f->s + p, (size_t)k);
		total += k;
		glen[ng++] = k;
		p += (size_t)k;
		if (paren == 1 && fe_at(f, p) == ')') {
			paren = 2;
			p++;
			if (fe_at(f, p) == ' ' && fe_isdig(fe_at(f, p + 1)))
				p++;
			else if (!fe_isdig(fe_at(f, p)))
				return 0;
			continue;
		}
		if (sep_char(fe_at(f, p)) && fe_isdig(fe_at(f, p + 1)) && total < 12) {
			/* a separator followed by a short group of 2..5 digits */
			int nk = digit_run(f, p + 1, NULL);
			if (nk < 2 || nk > 5)
				break;
			p++;
			continue;
		}
		break;
	}
	if (paren == 1)
		return 0;
	if (fe_isdig(fe_at(f, p)) || fe_letter_at(f, p) || fe_isdig((int)(q ? fe_at(f, q - 1) : 0)))
		return 0;
	digits[total] = '\0';
	int start = 0;
	if (plus) {
		/* the country code must be a group of its own or start the first */
		if (total < 11 || total > 12 || strncmp(digits, "84", 2) != 0 || glen[0] < 2 ||
		    (glen[0] > 2 && glen[0] < 5))
			return 0;
		fe_say(f, "cộng tám tư");
		fe_pause(f, P_COMMA, ',');
		start = 2;
		if (glen[0] == 2) {
			memmove(glen, glen + 1, sizeof glen[0] * (size_t)(--ng));
		} else {
			glen[0] -= 2;
		}
	} else {
		if (digits[0] != '0' || total < 10 || total > 11)
			return 0;
		if (ng > 1 && glen[0] < 2)
			return 0;
	}
	if (ng == 1)
		ng = split_plain(total - start, glen);
	int sum = 0;
	for (int i = 0; i < ng; i++)
		sum += glen[i];
	if (sum != total - start)
		return 0;
	tts_rule_say_groups(f, digits + start, glen, ng);
	f->quantity = 0;
	return (int)(p - q);
}

/* ---- rule: hotlines and emergency numbers -------------------------- */

static int call_cue(const struct fe *f)
{
	return fe_lw_is(f, 0, "gọi|hotline|nóng|đài|thoại|đt|sđt|bấm") ||
	       (fe_lw_is(f, 0, "số") && fe_lw_is(f, 1, "gọi|thoại|đài|nóng"));
}

int tts_rule_hotline(struct fe *f, size_t q)
{
	if (q && fe_isdig(fe_at(f, q - 1)))
		return 0;
	int k = digit_run(f, q, NULL);
	if (k >= 4 && (strncmp(f->s + q, "1800", 4) == 0 || strncmp(f->s + q, "1900", 4) == 0)) {
		size_t p = q + (size_t)k;
		int glen[4] = { k, 0, 0, 0 }, ng = 1, total = k;
		while (ng < 4 && sep_char(fe_at(f, p)) && fe_isdig(fe_at(f, p + 1))) {
			int nk = digit_run(f, p + 1, NULL);
			if (nk < 2 || nk > 4 || total + nk > 10)
				break;
			glen[ng++] = nk;
			total += nk;
			p += 1 + (size_t)nk;
		}
		if ((total == 8 || total == 10) && !fe_alnum_at(f, p)) {
			char d[16];
			size_t o = 0;
			for (size_t i = q; i < p; i++)
				if (fe_isdig(fe_at(f, i)))
					d[o++] = f->s[i];
			if (ng == 1) {
				glen[0] = 4, glen[1] = total - 4;
				ng = 2;
				if (total == 10)
					glen[1] = 3, glen[2] = 3, ng = 3;
			}
			tts_rule_say_groups(f, d, glen, ng);
			return (int)(p - q);
		}
	}
	if (k >= 3 && k <= 5 && call_cue(f)) {
		size_t p = q + (size_t)k;
		if (fe_alnum_at(f, p) || ((fe_at(f, p) == '.' || fe_at(f, p) == ',') && fe_isdig(fe_at(f, p + 1))))
			return 0;
		fe_say_digits(f, f->s + q, (size_t)k);
		return k;
	}
	return 0;
}

/* ---- rules: dates -------------------------------------------------- */

static int valid_dm(long d, long m)
{
	return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

static int valid_year(long y, int ndig)
{
	return ndig == 4 && y >= 1000 && y <= 2999;
}

/* A date component boundary: the date must not run on into more digits. */
static int date_end_ok(const struct fe *f, size_t p)
{
	if (fe_isdig(fe_at(f, p)) || fe_letter_at(f, p))
		return 0;
	if ((fe_at(f, p) == '/' || fe_at(f, p) == '-' || fe_at(f, p) == '.') && fe_isdig(fe_at(f, p + 1)))
		return 0;
	return 1;
}

/* Does a day need its "ngày" said (not after "ngày 5/12", "mùng 5/12")? */
static int needs_ngay(const struct fe *f)
{
	return !fe_lw_is(f, 0, "ngày|mùng|mồng");
}

static void say_dmy(struct fe *f, long d, long m, long y, int with_ngay)
{
	if (with_ngay)
		fe_say(f, "ngày");
	fe_say_card(f, (uint64_t)d);
	fe_say(f, "tháng");
	fe_say_month(f, (int)m);
	if (y >= 0) {
		fe_say(f, "năm");
		fe_say_card(f, (uint64_t)y);
	}
	/* what follows may be the next date of a list */
	f->dated = 1;
	f->date_nw = f->nwords;
	f->date_sent = f->sentences;
}

/* Optional "/yyyy" at p; returns the year or -1 and advances *p. */
static long opt_year(const struct fe *f, size_t *p, char sep)
{
	if (fe_at(f, *p) != sep)
		return -1;
	uint64_t y;
	int k = digit_run(f, *p + 1, &y);
	if (!valid_year((long)y, k))
		return -1;
	*p += 1 + (size_t)k;
	return (long)y;
}

int tts_rule_date_range(struct fe *f, size_t q)
{
	size_t p, e;
	long d1 = small_int(f, q, 2, &e), d2, m1 = -1, m2, y;
	if (d1 < 0)
		return 0;
	p = e;
	if (fe_at(f, p) == '/') { /* d1/m1-d2/m2[/yyyy] */
		m1 = small_int(f, p + 1, 2, &e);
		if (m1 < 0)
			return 0;
		p = e;
	}
	if (!(fe_at(f, p) == '-' || (fe_at(f, p) == 0xE2 && fe_at(f, p + 1) == 0x80 && fe_at(f, p + 2) == 0x93)))
		return 0;
	p += fe_at(f, p) == '-' ? 1 : 3;
	d2 = small_int(f, p, 2, &e);
	if (d2 < 0 || fe_at(f, e) != '/')
		return 0;
	p = e;
	m2 = small_int(f, p + 1, 2, &e);
	if (m2 < 0)
		return 0;
	p = e;
	y = opt_year(f, &p, '/');
	if (!date_end_ok(f, p))
		return 0;
	if (m1 < 0) {
		if (!valid_dm(d1, m2) || !valid_dm(d2, m2) || d1 >= d2)
			return 0;
	} else if (!valid_dm(d1, m1) || !valid_dm(d2, m2) || m1 > m2 || (m1 == m2 && d1 >= d2)) {
		return 0;
	}
	/* "vào ngày 5-6/12" reads "vào ngày năm đến sáu tháng mười hai": no
	 * "từ" after "vào", and the second day needs no "ngày" of its own */
	int plain = fe_lw_is(f, 0, "ngày") && fe_lw_is(f, 1, "vào|các|những|trong|hai|hôm");
	if (plain) {
		/* "ngày" is said already */
	} else if (fe_lw_is(f, 0, "ngày")) {
		/* "nghỉ học ngày 28-29/9": the range needs its "từ" before the
		 * "ngày" already written */
		size_t nl = strlen("ngày");
		if (!fe_lw_is(f, 1, "từ|đến") && f->pend == P_NONE && f->out.len >= nl &&
		    (f->out.len == nl || f->out.s[f->out.len - nl - 1] == ' ') &&
		    (memcmp(f->out.s + f->out.len - nl, "ngày", nl) == 0 ||
		     memcmp(f->out.s + f->out.len - nl, "Ngày", nl) == 0)) {
			int cap = f->out.s[f->out.len - nl] == 'N';
			f->out.len -= nl;
			f->out.s[f->out.len] = '\0';
			while (f->out.len && f->out.s[f->out.len - 1] == ' ')
				f->out.s[--f->out.len] = '\0';
			f->nwords--;
			fe_say(f, cap ? "Từ" : "từ");
			fe_say(f, "ngày");
		}
	} else if (fe_lw_is(f, 0, "từ")) {
		fe_say(f, "ngày");
	} else {
		fe_say(f, "từ ngày");
	}
	fe_say_card(f, (uint64_t)d1);
	if (m1 >= 0) {
		fe_say(f, "tháng");
		fe_say_month(f, (int)m1);
	}
	fe_say(f, "đến");
	say_dmy(f, d2, m2, y, !plain || m1 >= 0);
	return (int)(p - q);
}

int tts_rule_full_date(struct fe *f, size_t q)
{
	size_t e;
	long d = small_int(f, q, 2, &e);
	if (d < 0)
		return 0;
	char sep = (char)fe_at(f, e);
	if (sep != '/' && sep != '-' && sep != '.')
		return 0;
	long m = small_int(f, e + 1, 2, &e);
	if (m < 0 || fe_at(f, e) != sep)
		return 0;
	size_t p = e;
	long y = opt_year(f, &p, sep);
	if (y < 0 || !valid_dm(d, m) || !date_end_ok(f, p))
		return 0;
	say_dmy(f, d, m, y, needs_ngay(f));
	return (int)(p - q);
}

/* "tháng 4/2026", "quý 2/2027" */
int tts_rule_month_year(struct fe *f, size_t q)
{
	int quy = fe_lw_is(f, 0, "quý");
	if (!quy && !fe_lw_is(f, 0, "tháng"))
		return 0;
	size_t e;
	long m = small_int(f, q, 2, &e);
	if (m < 1 || m > (quy ? 4 : 12))
		return 0;
	size_t p = e;
	long y = opt_year(f, &p, '/');
	if (y < 0) {
		p = e;
		y = opt_year(f, &p, '-');
	}
	if (y < 0 || !date_end_ok(f, p))
		return 0;
	if (quy)
		fe_say_card(f, (uint64_t)m);
	else
		fe_say_month(f, (int)m);
	fe_say(f, "năm");
	fe_say_card(f, (uint64_t)y);
	return (int)(p - q);
}

/* "Quý II/2027": the year after a Roman numeral (rule_word says "quý hai"). */
int tts_rule_slash_year(struct fe *f, size_t p)
{
	size_t e = p;
	long y = opt_year(f, &e, '/');
	if (y < 0 || !date_end_ok(f, e))
		return 0;
	fe_say(f, "năm");
	fe_say_card(f, (uint64_t)y);
	return (int)(e - p);
}

/* Words after "1/3" that make it a part of something ("1/3 số hộ", "1/2
 * viên", "3/4 diện tích"): read "một phần ba", never a date. */
static const char part_words[] = "số|viên|gói|liều|ống|thìa|muỗng|cốc|chén|bát|vỉ|lọ|diện|tổng|dân|lượng|"
				 "quãng|đoạn|phần|khối|lít|cân|giờ|tiếng|phút|buổi|thời";
/* Words after "5/12" that count something ("5/12 hộ"): not a date either,
 * read as written, "năm trên mười hai hộ". */
static const char count_words[] = "hộ|người|con|em|cháu|xã|thôn|bản|học|phiếu|câu|ý|lớp|trường|tổ|đội|thửa|"
				  "trận|lần|ca|điểm";

/* "Hạn chót nhận ý kiến 30/11", "hạn nộp hồ sơ: 30/11": the word "hạn"
 * earlier in the same clause (the text since the last , ; . ! ? ( ) or
 * line end, at most 64 bytes back). */
static int deadline_before(const struct fe *f, size_t q)
{
	static const char *const hm[] = { "hạn", "Hạn", "HẠN" };
	size_t lo = q > 64 ? q - 64 : 0, s = lo;
	for (size_t i = q; i > lo; i--)
		if (f->s[i - 1] && strchr(",;.!?()\n", f->s[i - 1])) {
			s = i;
			break;
		}
	for (size_t i = s; i + 5 <= q; i++)
		for (size_t k = 0; k < ARRAY_LEN(hm); k++)
			if (memcmp(f->s + i, hm[k], 5) == 0 && !fe_letter_at(f, i + 5) && !fe_alnum_before(f, i))
				return 1;
	return 0;
}

/* How sure the context of a short date is that "5/12" is a day. */
enum cue {
	CUE_NONE,
	CUE_LOOSE,  /* the date before it in a list ("ngày 3/12, 4/12 và 5/12"),
		     * "hạn" earlier in the clause: not before a part or a count */
	CUE_NEAR,   /* a word just before it ("trước 20/12", "hạn chót 30/11",
		     * "(15/10)", "từ 1/12"): not before a part ("từ 1/3 số hộ") */
	CUE_STRONG, /* "ngày", "mùng", "sáng", "thứ 6": always a day */
};

static enum cue date_cue(const struct fe *f, size_t q)
{
	if (fe_lw_is(f, 0, "ngày|mùng|mồng|sáng|chiều|tối|trưa|đêm|hôm|nhật") ||
	    (fe_lw_is(f, 1, "thứ") && fe_lw_is(f, 0, "hai|ba|tư|năm|sáu|bảy")))
		return CUE_STRONG;
	if (fe_nonspace_before(f, q) == '(' || fe_lw_is(f, 0, "từ|đến|hết|trước|sau|hạn|chót|tức|vào"))
		return CUE_NEAR;
	if (deadline_before(f, q) ||
	    (f->dated && f->date_sent == f->sentences &&
	     (f->nwords == f->date_nw || (f->nwords == f->date_nw + 1 && fe_lw_is(f, 0, "và|hoặc|hay")))))
		return CUE_LOOSE;
	return CUE_NONE;
}

int tts_rule_short_date(struct fe *f, size_t q)
{
	size_t e;
	long d = small_int(f, q, 2, &e);
	if (d < 0 || fe_at(f, e) != '/')
		return 0;
	long m = small_int(f, e + 1, 2, &e);
	if (!valid_dm(d, m) || !date_end_ok(f, e))
		return 0;
	char w[LW_MAX], w2[LW_MAX];
	size_t we = fe_word_ahead(f, e, w, sizeof w);
	int lunar = we && fe_word_in(w, "âm|dương") && fe_word_ahead(f, we, w2, sizeof w2) && fe_word_in(w2, "lịch");
	if (!lunar) {
		enum cue c = date_cue(f, q);
		if (c == CUE_NONE || (c < CUE_STRONG && we && fe_word_in(w, part_words)) ||
		    (c == CUE_LOOSE && we && fe_word_in(w, count_words)))
			return 0;
	}
	say_dmy(f, d, m, -1, needs_ngay(f));
	return (int)(e - q);
}

/* ---- rules: fractions and ratios ----------------------------------- */

/* "1/3 số hộ", "uống 1/2 viên", "chiếm 2/3": a part of something, "một
 * phần ba".  Other fractions ("tỷ lệ 3/4", "5/12 hộ") keep the slash's
 * "trên". */
int tts_rule_fraction(struct fe *f, size_t q)
{
	size_t e;
	long n = small_int(f, q, 2, &e);
	if (n < 1 || fe_at(f, e) != '/')
		return 0;
	long d = small_int(f, e + 1, 2, &e);
	if (d < 2 || d > 10 || n >= d || !date_end_ok(f, e))
		return 0;
	char w[LW_MAX];
	if (!fe_word_ahead(f, e, w, sizeof w) || !fe_word_in(w, part_words)) {
		if (!fe_lw_is(f, 0, "uống|chiếm|gần|hơn|khoảng|còn|bằng|tiêm|giảm|tăng"))
			return 0;
	}
	fe_say_card(f, (uint64_t)n);
	fe_say(f, "phần");
	fe_say_card(f, (uint64_t)d);
	return (int)(e - q);
}

/* A map scale: "1:500", "bản đồ tỷ lệ 1:2.000" or "tỷ lệ 1/1000", "một
 * phần năm trăm"; after "tỷ lệ" a small ratio ("pha theo tỷ lệ 1:10") is
 * "một trên mười", never a time. */
int tts_rule_ratio(struct fe *f, size_t q)
{
	struct num a, b;
	if (!scan_num(f, q, &a) || a.frac || a.grouped || a.lead0 || a.big)
		return 0;
	int sep = fe_at(f, a.end);
	if ((sep != ':' && sep != '/') || !scan_num(f, a.end + 1, &b) || b.frac || b.lead0 || b.big)
		return 0;
	if (fe_alnum_at(f, b.end) || ((fe_at(f, b.end) == ':' || fe_at(f, b.end) == '/') && fe_isdig(fe_at(f, b.end + 1))))
		return 0;
	int scale = a.ival == 1 && b.ival >= 100;
	int cue = fe_lw_is(f, 0, "lệ") && fe_lw_is(f, 1, "tỷ|tỉ");
	if (sep == '/' ? !(scale && cue) : !(scale || cue))
		return 0;
	say_num(f, &a);
	fe_say(f, scale ? "phần" : "trên");
	say_num(f, &b);
	f->quantity = 0;
	return (int)(b.end - q);
}

/* ---- rule: times --------------------------------------------------- */

/* A time at q: "7h", "7h30", "7g30", "14:00".  Returns the end or 0. */
static size_t scan_time(const struct fe *f, size_t q, long *h, long *mi)
{
	size_t e;
	*h = small_int(f, q, 2, &e);
	*mi = 0;
	if (*h < 0 || *h > 24)
		return 0;
	int c = fe_at(f, e);
	int spaced = 0; /* "7 h 30" */
	if (c == ' ' && fe_at(f, e + 1) == 'h') {
		spaced = 1;
		c = fe_at(f, ++e);
	}
	if (c == 'h' || c == 'H' || (c == 'g' && !spaced)) {
		size_t p = e + 1;
		if (spaced && fe_at(f, p) == ' ' && digit_run(f, p + 1, NULL) == 2)
			p++;
		if (fe_isdig(fe_at(f, p))) {
			int k = digit_run(f, p, NULL);
			if (k != 2)
				return 0;
			*mi = (fe_at(f, p) - '0') * 10 + (fe_at(f, p + 1) - '0');
			if (*mi > 59)
				return 0;
			p += 2;
			char w[LW_MAX];
			size_t we;
			if (fe_at(f, p) == '\'' || ((fe_at(f, p) == 'p') && !fe_letter_at(f, p + 1)))
				p++;
			else if (fe_at(f, p) == ' ' && (we = fe_word_ahead(f, p, w, sizeof w)) && strcmp(w, "phút") == 0)
				p = we; /* "7h30 phút": said once */
		} else if (c == 'g') {
			return 0; /* "5g" is five grams */
		}
		if (fe_letter_at(f, p) || fe_isdig(fe_at(f, p)))
			return 0;
		return p;
	}
	if (c == ':' && digit_run(f, e + 1, NULL) == 2) {
		*mi = (fe_at(f, e + 1) - '0') * 10 + (fe_at(f, e + 2) - '0');
		if (*mi > 59)
			return 0;
		size_t p = e + 3;
		if (fe_alnum_at(f, p) || (fe_at(f, p) == ':' && fe_isdig(fe_at(f, p + 1))))
			return 0;
		return p;
	}
	return 0;
}

static void say_time(struct fe *f, long h, long mi)
{
	fe_say_card(f, (uint64_t)h);
	fe_say(f, "giờ");
	if (mi) {
		fe_say_card(f, (uint64_t)mi);
		fe_say(f, "phút");
	}
}

/* A range dash at p ("-", "–", " - ", " – "); returns its length or 0. */
static size_t range_dash(const struct fe *f, size_t p, int allow_spaced)
{
	if (fe_at(f, p) == '-')
		return 1;
	if (fe_at(f, p) == 0xE2 && fe_at(f, p + 1) == 0x80 && (fe_at(f, p + 2) == 0x93 || fe_at(f, p + 2) == 0x94))
		return 3;
	if (fe_at(f, p) == '~')
		return 1;
	if (allow_spaced && fe_at(f, p) == ' ') {
		size_t k = range_dash(f, p + 1, 0);
		if (k && fe_at(f, p + 1 + k) == ' ')
			return k + 2;
	}
	return 0;
}

int tts_rule_time(struct fe *f, size_t q)
{
	long h1, m1, h2, m2;
	size_t e1 = scan_time(f, q, &h1, &m1);
	size_t d, e2;
	if (!e1) {
		/* "7-11h": a bare hour, then a time */
		size_t e;
		h1 = small_int(f, q, 2, &e);
		m1 = 0;
		if (h1 < 0 || h1 > 24 || !(d = range_dash(f, e, 0)))
			return 0;
		e2 = scan_time(f, e + d, &h2, &m2);
		if (!e2 || (fe_at(f, e2 - 1) != 'h' && fe_at(f, e2 - 1) != 'H') || h2 <= h1)
			return 0;
	} else if ((d = range_dash(f, e1, 1)) && (e2 = scan_time(f, e1 + d, &h2, &m2))) {
		/* a range of two times */
	} else {
		say_time(f, h1, m1);
		return (int)(e1 - q);
	}
	if (!m1 && !m2 && (fe_lw_is(f, 0, "trong|mất|suốt|vòng|sau") || (fe_lw_is(f, 0, "dài") && fe_lw_is(f, 1, "kéo")))) {
		/* a duration, "trong 12-24h tới": "mười hai đến hai mươi tư giờ" */
		fe_say_card(f, (uint64_t)h1);
		fe_say(f, "đến");
		say_time(f, h2, 0);
		return (int)(e2 - q);
	}
	if (!fe_lw_is(f, 0, "từ"))
		fe_say(f, "từ");
	say_time(f, h1, m1);
	fe_say(f, "đến");
	say_time(f, h2, m2);
	return (int)(e2 - q);
}

/* ---- rule: quantities (money, units, percent, ranges) -------------- */

/* "1234/QĐ-UBND", "12/2024/NĐ-CP": the code after the number is not read. */
static size_t doc_code(const struct fe *f, size_t p, long *year)
{
	*year = -1;
	size_t q = p;
	if (fe_at(f, q) != '/')
		return 0;
	if (fe_isdig(fe_at(f, q + 1))) {
		uint64_t y;
		int k = digit_run(f, q + 1, &y);
		if (!valid_year((long)y, k) || fe_at(f, q + 1 + (size_t)k) != '/')
			return 0;
		*year = (long)y;
		q += 1 + (size_t)k;
	}
	q++;
	size_t l;
	int32_t c = fe_cp_at(f, q, &l);
	if (!fe_is_upper(c))
		return 0;
	while (q < f->n) {
		c = fe_cp_at(f, q, &l);
		if (fe_is_upper(c) || c == '-' || c == '&' || fe_isdig(c)) {
			if (c == '-' && !fe_is_upper(fe_cp_at(f, q + 1, &l)))
				break;
			q += l;
		} else if (fe_is_lower(c)) {
			return 0;
		} else {
			break;
		}
	}
	return q;
}

int tts_rule_quantity(struct fe *f, size_t q)
{
	struct num a, b;
	if (!scan_num(f, q, &a))
		return 0;
	size_t p = a.end;
	int range = 0;
	size_t d = range_dash(f, p, 1);
	if (d && scan_num(f, p + d, &b) && !a.big && !b.big) {
		double va = (double)a.ival, vb = (double)b.ival;
		if (a.frac)
			va += 0.5;
		if (b.frac)
			vb += 0.5;
		if (va < vb && !(b.end < f->n && fe_at(f, b.end) == '/' && fe_isdig(fe_at(f, b.end + 1))))
			range = 1;
	}
	size_t ulen = 0;
	const struct unit *u = tts_unit_after(f, range ? b.end : a.end, &ulen);
	if (range) {
		if (fe_lw_is(f, 0, "cấp") && !u) {
			say_num(f, &a);
			fe_say(f, "đến cấp");
			say_num(f, &b);
			return (int)(b.end - q);
		}
		/* "200-300 mm" is "từ hai trăm đến ba trăm mi li mét"; a duration
		 * ("48-72h") or a range after its preposition is not */
		if (u && !(tts_unit_flags(u) & U_HOURS) && !fe_lw_is(f, 0, "từ|khoảng|trong|sau|chừng|tầm"))
			fe_say(f, "từ");
		say_num(f, &a);
		fe_say(f, "đến");
		say_num(f, &b);
		p = b.end;
	} else {
		long year;
		size_t dc = a.frac ? 0 : doc_code(f, a.end, &year);
		if (dc) {
			say_num(f, &a);
			if (year >= 0) {
				fe_say(f, "năm");
				fe_say_card(f, (uint64_t)year);
			}
			f->quantity = 0;
			return (int)(dc - q);
		}
		if (!u && !a.grouped && !a.frac && fe_lw_is(f, 0, "thứ")) {
			struct sbuf o;
			sbuf_init(&o);
			tts_num_ordinal(&o, a.ival, &f->o->style);
			fe_say_sbuf(f, &o);
			sbuf_free(&o);
			return (int)(a.end - q);
		}
		say_num(f, &a);
		p = a.end;
	}
	if (u) {
		tts_unit_say(f, u);
		p += ulen;
	}
	f->quantity = 1;
	return (int)(p - q);
}
