/* tts_codes — the speech front end's rules for numbers a listener must
 * write down or dial (see tts_front_int.h): account, ID, insurance and tax
 * numbers and other codes read digit by digit in groups with every leading
 * zero, after a cue word or by their shape; vehicle plates; SMS syntax
 * ("soạn DK gửi 9123"); short calls ("gọi ngay 115"); short money ("2tr5");
 * virus names ("A/H5N1").  The driver in tts_front.c calls tts_rule_code
 * before the phone rule, tts_rule_code_shape after it, tts_rule_code_word
 * before the word rules.
 *
 * DESIGN: a cue is seen in the last words already spoken, so an
 * abbreviation that expands to one (STK -> "số tài khoản", CCCD -> "căn cước
 * công dân") counts like the typed words.  Without a cue only shapes that an
 * amount never has are codes: a run of ten or more digits, or spaced groups
 * that are not thousands ("0232 3 825 678", "044 196 001 234"); "1 500 000
 * đồng" and "1.500.000" stay amounts, and any number followed by an amount
 * word or a unit stays a quantity.  Codes are read in the writer's groups;
 * a group longer than five digits is cut the way people read them (ten and
 * eleven digits like a phone number, else threes ending in one or two
 * fours), a lone digit with the next group, with a short pause between
 * groups, as the phone rule does.  A call cue ("gọi ngay", "gọi cho") only
 * takes a short number starting with 1 that ends the clause ("gọi cho 1500
 * hộ" is a count); an emergency cue ("cấp cứu", "công an") only 111-115. */
#include "tts/tts_front_int.h"

#include "tts/tts_num.h"
#include "base/util.h"

#include <stdint.h>
#include <string.h>

#define CODE_MAX_DIGITS 24
#define CODE_MAX_GROUPS 16

/* ---- source text ---------------------------------------------------- */

/* Is the codepoint just before q a letter or a digit? */
static int glued_before(const struct fe *f, size_t q)
{
	if (q == 0)
		return 0;
	size_t b = q - 1;
	while (b > 0 && ((unsigned char)f->s[b] & 0xC0) == 0x80)
		b--;
	return fe_alnum_at(f, b);
}

static int upper_ascii(int c)
{
	return c >= 'A' && c <= 'Z';
}

/* The word at p is one of the '|'-separated `alts` (bytes as written) and
 * ends there; its length, or 0. */
static size_t word_is(const struct fe *f, size_t p, const char *alts)
{
	for (const char *a = alts; *a;) {
		const char *e = strchr(a, '|');
		size_t l = e ? (size_t)(e - a) : strlen(a);
		if (p + l <= f->n && memcmp(f->s + p, a, l) == 0 && !fe_alnum_at(f, p + l))
			return l;
		if (!e)
			break;
		a = e + 1;
	}
	return 0;
}

static size_t skip_spaces(const struct fe *f, size_t p)
{
	while (fe_at(f, p) == ' ')
		p++;
	return p;
}

/* ---- digit groups ----------------------------------------------------- */

struct groups {
	char d[CODE_MAX_DIGITS + 1]; /* the digits, separators dropped */
	int len[CODE_MAX_GROUPS];    /* as the writer grouped them */
	int n, total;
	int thousands; /* 1-3 digits then groups of three, one kind of separator */
	int dots;      /* ... and that separator is a dot */
	int years;     /* two or more groups, every one a year 1900-2099 */
	size_t end;
};

static int group_sep(int c)
{
	return c == ' ' || c == '.' || c == '-';
}

static int run_len(const struct fe *f, size_t p)
{
	int k = 0;
	while (fe_isdig(fe_at(f, p + (size_t)k)))
		k++;
	return k;
}

/* The value of the k digits at p (k small). */
static uint64_t small_value(const struct fe *f, size_t p, int k)
{
	uint64_t v = 0;
	for (int i = 0; i < k; i++)
		v = v * 10 + (uint64_t)(fe_at(f, p + (size_t)i) - '0');
	return v;
}

/* What may follow a code: not a letter or digit, not the rest of a
 * fraction, date, time or decimal ("/", ":", "," or "." before a digit). */
static int code_end_ok(const struct fe *f, size_t p)
{
	int c = fe_at(f, p);
	if (fe_alnum_at(f, p) || c == '%')
		return 0;
	return !((c == '/' || c == ':' || c == ',' || c == '.' || c == '-') && fe_isdig(fe_at(f, p + 1)));
}

/* Digit groups at q separated by one space, dot or dash.  A group that
 * runs into a letter or a fraction ("... 7h", "... 5/12") is left out.
 * 0 if there are more digits or groups than a code has. */
static int scan_groups(const struct fe *f, size_t q, struct groups *g)
{
	memset(g, 0, sizeof *g);
	size_t p = q;
	int sep = 0, mixed = 0;
	for (;;) {
		int k = run_len(f, p);
		if (g->n == CODE_MAX_GROUPS || g->total + k > CODE_MAX_DIGITS)
			return 0;
		memcpy(g->d + g->total, f->s + p, (size_t)k);
		g->len[g->n++] = k;
		g->total += k;
		p += (size_t)k;
		int c = fe_at(f, p);
		if (!group_sep(c) || !fe_isdig(fe_at(f, p + 1)))
			break;
		size_t next = p + 1 + (size_t)run_len(f, p + 1);
		if (!code_end_ok(f, next) && !(group_sep(fe_at(f, next)) && fe_isdig(fe_at(f, next + 1))))
			break;
		if (sep && c != sep)
			mixed = 1;
		sep = c;
		p++;
	}
	g->d[g->total] = '\0';
	g->end = p;
	const char *s = g->d;
	g->thousands = g->n >= 2 && !mixed && sep != '-' && g->len[0] <= 3 && s[0] != '0';
	g->years = g->n >= 2;
	for (int i = 0; i < g->n; i++) {
		if (i && g->len[i] != 3)
			g->thousands = 0;
		if (g->len[i] != 4 || !(strncmp(s, "19", 2) == 0 || strncmp(s, "20", 2) == 0))
			g->years = 0;
		s += g->len[i];
	}
	g->dots = g->thousands && sep == '.';
	return 1;
}

/* Cuts n digits the way people read a long number: up to five in one
 * breath, ten and eleven like a phone number (4-3-3, 4-3-4), otherwise
 * threes ending in one or two fours.  Returns the number of groups. */
static int cut(int n, int *len)
{
	if (n <= 5) {
		len[0] = n;
		return 1;
	}
	if (n == 10 || n == 11) {
		len[0] = 4, len[1] = 3, len[2] = n - 7;
		return 3;
	}
	int fours = n % 3 == 0 ? 0 : n % 3 == 1 ? 1 : 2;
	int k = 0;
	for (int i = 0; i < (n - 4 * fours) / 3; i++)
		len[k++] = 3;
	for (int i = 0; i < fours; i++)
		len[k++] = 4;
	return k;
}

static void say_code(struct fe *f, const struct groups *g)
{
	int len[CODE_MAX_DIGITS], n = 0, carry = 0;
	for (int i = 0; i < g->n; i++) {
		/* a lone digit is said with the next group: "0232 3 825 678"
		 * "... hai, ba tám hai năm, ..." */
		if (g->len[i] == 1 && i + 1 < g->n) {
			carry++;
			continue;
		}
		n += cut(g->len[i] + carry, len + n);
		carry = 0;
	}
	tts_rule_say_groups(f, g->d, len, n);
	f->quantity = 0;
}

/* ---- cues --------------------------------------------------------------- */

enum cue {
	CUE_NONE,
	CUE_INSURANCE, /* bảo hiểm xã hội / y tế: the number is long (8+ digits) */
	CUE_CODE,      /* tài khoản, căn cước, mã số...: 3+ digits are a code */
	CUE_CALL,      /* gọi ngay, gọi cho...: a short service number */
	CUE_EMERGENCY, /* cấp cứu, cứu hỏa, công an: 111-115 */
};

/* Phrases as spoken (after abbreviations), words separated by spaces,
 * alternatives of one word by '|'. */
static const struct {
	const char *phrase;
	enum cue cue;
} cues[] = {
	{ "tài khoản", CUE_CODE },
	{ "căn cước công dân", CUE_CODE },
	{ "căn cước", CUE_CODE },
	{ "chứng minh nhân dân", CUE_CODE },
	{ "chứng minh thư", CUE_CODE },
	{ "hộ chiếu", CUE_CODE },
	{ "định danh", CUE_CODE },
	{ "mã số thuế", CUE_CODE },
	{ "mã số", CUE_CODE },
	{ "mã", CUE_CODE },
	{ "ô tê pê", CUE_CODE },
	{ "mã xác nhận", CUE_CODE },
	{ "mã giao dịch", CUE_CODE },
	{ "số|mã hồ sơ", CUE_CODE },
	{ "số thẻ|sổ", CUE_CODE },
	{ "bưu chính", CUE_CODE },
	{ "bảo hiểm xã hội", CUE_INSURANCE },
	{ "bảo hiểm y tế", CUE_INSURANCE },
	{ "gọi ngay|liền|cho|tới|đến|lại|điện", CUE_CALL },
	{ "gọi ngay|liền|điện|lại cho|tới|đến|số", CUE_CALL },
	{ "quay|nhấn|gọi số", CUE_CALL },
	{ "cấp cứu", CUE_EMERGENCY },
	{ "cứu hỏa|hoả|nạn", CUE_EMERGENCY },
	{ "công an", CUE_EMERGENCY },
};

/* Does the phrase end at the skip-th last word?  Only the words that fit
 * in the remembered ones are compared (at least two of a longer phrase):
 * "căn cước công dân số" is seen as "công dân số". */
static int phrase_at(const struct fe *f, int skip, const char *phrase)
{
	const char *w[LW + 2];
	size_t wl[LW + 2];
	int nw = 0;
	for (const char *p = phrase; *p && nw < LW + 2;) {
		const char *e = strchr(p, ' ');
		w[nw] = p;
		wl[nw++] = e ? (size_t)(e - p) : strlen(p);
		if (!e)
			break;
		p = e + 1;
	}
	int m = nw < LW - skip ? nw : LW - skip;
	if (m < (nw < 2 ? nw : 2))
		return 0;
	for (int i = 0; i < m; i++) {
		char alt[LW_MAX * 4];
		size_t l = wl[nw - 1 - i] < sizeof alt - 1 ? wl[nw - 1 - i] : sizeof alt - 1;
		memcpy(alt, w[nw - 1 - i], l);
		alt[l] = '\0';
		if (!fe_lw_is(f, skip + i, alt))
			return 0;
	}
	return 1;
}

/* The cue before the number: the last words, or the words before a "số"
 * or "là" ("CCCD số", "tài khoản là"). */
static enum cue code_cue(const struct fe *f)
{
	for (int skip = 0; skip < 2; skip++) {
		if (skip && !fe_lw_is(f, 0, "số|là"))
			break;
		for (size_t i = 0; i < ARRAY_LEN(cues); i++)
			if (phrase_at(f, skip, cues[i].phrase))
				return cues[i].cue;
	}
	/* "tài khoản ngân hàng 0451..." */
	if (fe_lw_is(f, 0, "hàng") && fe_lw_is(f, 1, "ngân") && fe_lw_is(f, 2, "khoản"))
		return CUE_CODE;
	/* "gọi 113 hoặc 114": after a number said digit by digit */
	static const char digits[] = "không|một|hai|ba|bốn|năm|sáu|bảy|tám|chín";
	if (fe_lw_is(f, 0, "hoặc|hay|và") && fe_lw_is(f, 1, digits) && fe_lw_is(f, 2, digits))
		return CUE_EMERGENCY;
	return CUE_NONE;
}

/* ---- plates ------------------------------------------------------------- */

/* "75A-234.56", "38C1-123.45", "29LD-123.45", "43B-12345", "29-B1 123.45":
 * the province code as a number, the series by letter names (and its
 * digit), a pause, then the serial digit by digit. */
static int plate(struct fe *f, size_t q)
{
	if (glued_before(f, q) || run_len(f, q) != 2)
		return 0;
	int prov = (fe_at(f, q) - '0') * 10 + (fe_at(f, q + 1) - '0');
	if (prov < 11)
		return 0;
	size_t p = q + 2;
	if (fe_at(f, p) == '-' && upper_ascii(fe_at(f, p + 1)))
		p++;
	size_t ls = p;
	while (upper_ascii(fe_at(f, p)) && p - ls < 2)
		p++;
	size_t le = p;
	if (le == ls || fe_letter_at(f, p))
		return 0;
	int sdig = -1;
	int k = run_len(f, p);
	if (k == 1) {
		sdig = fe_at(f, p) - '0';
		p++;
	}
	int sep = fe_at(f, p);
	if (sep == '-' || sep == ' ' || sep == '.')
		p++;
	else if (k != 3 && k != 0)
		return 0;
	else
		sep = 0;
	char serial[8];
	int n = run_len(f, p);
	size_t end;
	if (n == 3 && fe_at(f, p + 3) == '.' && run_len(f, p + 4) == 2) {
		memcpy(serial, f->s + p, 3);
		memcpy(serial + 3, f->s + p + 4, 2);
		n = 5;
		end = p + 6;
	} else if (sep && (n == 5 || (n == 4 && sep == '-'))) {
		memcpy(serial, f->s + p, (size_t)n);
		end = p + (size_t)n;
	} else {
		return 0;
	}
	if (!code_end_ok(f, end))
		return 0;
	fe_say_card(f, (uint64_t)prov);
	fe_spell(f, f->s + ls, le - ls);
	if (sdig >= 0)
		fe_say(f, tts_num_digit(sdig));
	fe_pause(f, P_COMMA, ',');
	fe_say_digits(f, serial, (size_t)n);
	f->quantity = 0;
	return (int)(end - q);
}

/* ---- short money -------------------------------------------------------- */

/* "2tr5" "hai triệu rưỡi", "1tr2" "một triệu hai", "2tr500" "hai triệu năm
 * trăm nghìn", "1k5" "một nghìn rưỡi": the digits after the unit are the
 * next lower unit's hundreds, as people say them. */
static int short_money(struct fe *f, size_t q)
{
	if (glued_before(f, q))
		return 0;
	int k = run_len(f, q);
	if (k < 1 || k > 3 || (k > 1 && fe_at(f, q) == '0'))
		return 0;
	size_t p = q + (size_t)k;
	int million = fe_at(f, p) == 't' && fe_at(f, p + 1) == 'r';
	if (!million && fe_at(f, p) != 'k' && fe_at(f, p) != 'K')
		return 0;
	p += million ? 2 : 1;
	int r = run_len(f, p);
	if (r < 1 || r > 3)
		return 0;
	size_t end = p + (size_t)r;
	int dong = fe_at(f, end) == 0xC4 && fe_at(f, end + 1) == 0x91 && !fe_alnum_at(f, end + 2); /* "2tr5đ" */
	if (dong)
		end += 2;
	if (!code_end_ok(f, end))
		return 0;
	uint64_t whole = small_value(f, q, k), rest = small_value(f, p, r);
	for (int i = r; i < 3; i++)
		rest *= 10;
	const char *thousand = f->o->style.ngan ? "ngàn" : "nghìn";
	fe_say_card(f, whole);
	fe_say(f, million ? "triệu" : thousand);
	if (r == 1 && rest == 500) {
		fe_say(f, "rưỡi");
	} else if (r == 1 && rest) {
		fe_say(f, tts_num_digit((int)(rest / 100)));
	} else if (rest) {
		fe_say_card(f, rest);
		if (million)
			fe_say(f, thousand);
	}
	if (dong)
		fe_say(f, "đồng");
	f->quantity = 1;
	return (int)(end - q);
}

/* ---- codes after a cue ------------------------------------------------------ */

static int cued_code(struct fe *f, size_t q)
{
	enum cue cue = code_cue(f);
	if (cue == CUE_NONE)
		return 0;
	struct groups g;
	if (!scan_groups(f, q, &g) || !code_end_ok(f, g.end) || tts_unit_follows(f, g.end))
		return 0;
	if (cue == CUE_CALL || cue == CUE_EMERGENCY) {
		/* "gọi ngay 115", "gọi cho 1022": a short number starting with 1;
		 * anything longer is the phone or hotline rules' */
		int emergency = g.total == 3 && g.d[0] == '1' && g.d[1] == '1' && g.d[2] >= '1' && g.d[2] <= '5';
		if (g.n != 1 || g.d[0] != '1' || g.total < 3 || g.total > 5 || (cue == CUE_EMERGENCY && !emergency))
			return 0;
		/* "gọi cho 1500 hộ" is a count: only 111-119, or a number that
		 * ends the clause or is followed by a linking word */
		if (!(g.total == 3 && g.d[1] == '1') && fe_letter_at(f, g.end + 1) &&
		    !word_is(f, g.end + 1, "để|hoặc|hay|của|nếu|khi|ngay|miễn|và|trong|từ|là|hỗ|tư|báo"))
			return 0;
		fe_say_digits(f, g.d, (size_t)g.total);
		f->quantity = 0;
		return (int)(g.end - q);
	}
	if (g.dots || g.total < (cue == CUE_INSURANCE ? 8 : 3))
		return 0;
	say_code(f, &g);
	return (int)(g.end - q);
}

/* ---- the rules -------------------------------------------------------------- */

int tts_rule_code(struct fe *f, size_t q)
{
	int used = plate(f, q);
	if (!used)
		used = short_money(f, q);
	if (!used)
		used = cued_code(f, q);
	return used;
}

int tts_rule_code_shape(struct fe *f, size_t q)
{
	struct groups g;
	if (!scan_groups(f, q, &g) || !code_end_ok(f, g.end) || tts_unit_follows(f, g.end))
		return 0;
	if (g.n == 1 ? g.total < 10 : (g.total < 9 || g.thousands || g.years))
		return 0;
	say_code(f, &g);
	return (int)(g.end - q);
}

/* "A/H5N1", "H5N6", "H7N9": letter names and the subtype numbers. */
static int virus(struct fe *f, size_t q)
{
	if (glued_before(f, q))
		return 0;
	size_t p = q, type = 0;
	if ((fe_at(f, p) == 'A' || fe_at(f, p) == 'B') && fe_at(f, p + 1) == '/') {
		type = 1;
		p += 2;
	}
	if (fe_at(f, p) != 'H')
		return 0;
	int h = run_len(f, p + 1);
	if (h < 1 || h > 2 || fe_at(f, p + 1 + (size_t)h) != 'N')
		return 0;
	size_t np = p + 2 + (size_t)h;
	int n = run_len(f, np);
	if (n < 1 || n > 2 || !code_end_ok(f, np + (size_t)n))
		return 0;
	if (type)
		fe_spell(f, f->s + q, 1);
	fe_spell(f, "H", 1);
	fe_say_card(f, small_value(f, p + 1, h));
	fe_spell(f, "N", 1);
	fe_say_card(f, small_value(f, np, n));
	return (int)(np + (size_t)n - q);
}

/* One token of an SMS syntax: ASCII letters and digits ("DK", "V120",
 * "BHYT", "dk"), not the words around it. */
static size_t sms_token(const struct fe *f, size_t p)
{
	size_t e = p;
	while (upper_ascii(fe_at(f, e)) || (fe_at(f, e) >= 'a' && fe_at(f, e) <= 'z') || fe_isdig(fe_at(f, e)))
		e++;
	if (e - p > 12 || fe_alnum_at(f, e) || word_is(f, p, "tin|Tin|TIN|gui|Gui|GUI|goi|GOI"))
		return 0;
	return e - p;
}

/* Spells an SMS token as it is typed on a keypad: letter names, with D as
 * "đê" (the letter people read in SMS codes), digits by name. */
static void say_sms_token(struct fe *f, size_t p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c = fe_at(f, p + i);
		if (fe_isdig(c))
			fe_say(f, tts_num_digit(c - '0'));
		else if (c == 'D' || c == 'd')
			fe_say(f, "đê");
		else
			fe_spell(f, f->s + p + i, 1);
	}
}

static int is_quote(const struct fe *f, size_t p, size_t *len)
{
	if (fe_at(f, p) == '"' || fe_at(f, p) == '\'') {
		*len = 1;
		return 1;
	}
	/* “ ” */
	if (fe_at(f, p) == 0xE2 && fe_at(f, p + 1) == 0x80 && (fe_at(f, p + 2) == 0x9C || fe_at(f, p + 2) == 0x9D)) {
		*len = 3;
		return 1;
	}
	return 0;
}

/* The fixed words of an SMS instruction, as typed (with or without
 * diacritics) and as said. */
struct sms_word {
	const char *typed, *say;
};

static const struct sms_word sms_verb[] = {
	{ "soạn|SOẠN|soan|SOAN", "soạn" },
	{ "Soạn|Soan", "Soạn" },
};
static const struct sms_word sms_lead[] = {
	{ "tin|Tin|TIN", "tin" },   { "nhắn|NHẮN|nhan|NHAN", "nhắn" }, { "theo|THEO", "theo" },
	{ "cú|CÚ|cu|CU", "cú" },    { "pháp|PHÁP|phap|PHAP", "pháp" },
};
static const struct sms_word sms_send[] = {
	{ "gửi|GỬI|gởi|GỞI|gui|GUI", "gửi" },
	{ "Gửi|Gui", "Gửi" },
};
static const struct sms_word sms_to[] = {
	{ "đến|ĐẾN|den|DEN", "đến" },
	{ "tới|TỚI|toi|TOI", "tới" },
};
static const struct sms_word sms_dest[] = {
	{ "số|SỐ|so|SO", "số" },
	{ "đầu số|ĐẦU SỐ|dau so|DAU SO", "đầu số" },
	{ "tổng đài|TỔNG ĐÀI|tong dai|TONG DAI", "tổng đài" },
};

/* Matches one of the words at *p; on a match appends what it says to
 * said[*n], moves *p past it and the spaces after. */
static int sms_word_at(const struct fe *f, size_t *p, const struct sms_word *w, size_t nw, const char **said, int *n)
{
	for (size_t i = 0; i < nw; i++) {
		size_t l = word_is(f, *p, w[i].typed);
		if (l) {
			said[(*n)++] = w[i].say;
			*p = skip_spaces(f, *p + l);
			return 1;
		}
	}
	return 0;
}

/* "soạn [tin [nhắn]] [theo cú pháp] CODE [CODE...] gửi [đến|tới] [số|đầu
 * số|tổng đài] 9123", also typed without diacritics: the code spelled as
 * typed (a space between tokens said "cách"), the number digit by digit. */
static int sms(struct fe *f, size_t q)
{
	const char *before[8], *after[4];
	int nb = 0, na = 0;
	size_t p = q, l;
	if (glued_before(f, q) || !sms_word_at(f, &p, sms_verb, ARRAY_LEN(sms_verb), before, &nb))
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(sms_lead); i++)
		sms_word_at(f, &p, sms_lead + i, 1, before, &nb);
	if (fe_at(f, p) == ':')
		p = skip_spaces(f, p + 1);
	size_t ql;
	if (is_quote(f, p, &ql))
		p += ql;
	size_t tok[4], tlen[4];
	int nt = 0;
	while (nt < 4 && (l = sms_token(f, p)) != 0) {
		tok[nt] = p;
		tlen[nt++] = l;
		p += l;
		if (fe_at(f, p) == ' ' && sms_token(f, p + 1))
			p++;
	}
	if (nt == 0 || fe_isdig(fe_at(f, tok[0])))
		return 0;
	if (is_quote(f, p, &ql))
		p += ql;
	p = skip_spaces(f, p);
	if (!sms_word_at(f, &p, sms_send, ARRAY_LEN(sms_send), after, &na))
		return 0;
	sms_word_at(f, &p, sms_to, ARRAY_LEN(sms_to), after, &na);
	sms_word_at(f, &p, sms_dest, ARRAY_LEN(sms_dest), after, &na);
	int k = run_len(f, p);
	if (k < 3 || k > 8 || !code_end_ok(f, p + (size_t)k))
		return 0;
	for (int i = 0; i < nb; i++)
		fe_say(f, before[i]);
	for (int i = 0; i < nt; i++) {
		if (i)
			fe_say(f, "cách");
		say_sms_token(f, tok[i], tlen[i]);
	}
	for (int i = 0; i < na; i++)
		fe_say(f, after[i]);
	struct groups g;
	memset(&g, 0, sizeof g);
	memcpy(g.d, f->s + p, (size_t)k);
	g.len[0] = k;
	g.n = 1;
	g.total = k;
	say_code(f, &g);
	return (int)(p + (size_t)k - q);
}

int tts_rule_code_word(struct fe *f, size_t q)
{
	int c = fe_at(f, q);
	if (c == 'A' || c == 'B' || c == 'H')
		return virus(f, q);
	return sms(f, q);
}
