/* tts_num — see tts_num.h.
 *
 * DESIGN: a number is read as groups of three digits from the right.  Each
 * group is read by one function that knows whether it is the leading group
 * (a leading "5" is "năm", an inner "005" is "không trăm linh năm").  Values
 * of a thousand billion and more are read recursively as "<n> tỷ", which is
 * how Vietnamese says them ("một nghìn tỷ" = 10^12). */
#include "tts/tts_num.h"

#include <string.h>

static const char *const digit_names[10] = { "không", "một", "hai", "ba", "bốn",
					     "năm", "sáu", "bảy", "tám", "chín" };

const char *tts_num_digit(int d)
{
	return d >= 0 && d <= 9 ? digit_names[d] : "";
}

static void word(struct sbuf *out, const char *w)
{
	if (out->len && out->s[out->len - 1] != ' ')
		sbuf_addc(out, ' ');
	sbuf_add(out, w);
}

/* One group 0..999.  `leading`: nothing is read before it in this number. */
static void group3(struct sbuf *out, unsigned g, int leading, const struct tts_style *st)
{
	unsigned h = g / 100, t = (g / 10) % 10, u = g % 10;
	if (h || (!leading && st->khong_tram)) {
		word(out, digit_names[h]);
		word(out, "trăm");
	}
	/* "linh" only where a hundred (said or implied) precedes the units. */
	int hundred_said = h || !leading;
	if (t == 0) {
		if (u == 0)
			return;
		if (hundred_said)
			word(out, st->le ? "lẻ" : "linh");
		word(out, digit_names[u]);
		return;
	}
	if (t == 1) {
		word(out, "mười");
		if (u == 5)
			word(out, "lăm");
		else if (u)
			word(out, digit_names[u]);
		return;
	}
	word(out, digit_names[t]);
	word(out, "mươi");
	if (u == 1)
		word(out, "mốt");
	else if (u == 4)
		word(out, "tư");
	else if (u == 5)
		word(out, "lăm");
	else if (u)
		word(out, digit_names[u]);
}

/* n < 10^9, read with nghìn and triệu.  `leading` as in group3. */
static void below_billion(struct sbuf *out, uint64_t n, int leading, const struct tts_style *st)
{
	static const char *const scale[3] = { NULL, NULL, "triệu" };
	unsigned groups[3] = { (unsigned)(n % 1000), (unsigned)(n / 1000 % 1000),
			       (unsigned)(n / 1000000 % 1000) };
	for (int i = 2; i >= 0; i--) {
		if (!groups[i])
			continue;
		group3(out, groups[i], leading, st);
		leading = 0;
		if (i == 1)
			word(out, st->ngan ? "ngàn" : "nghìn");
		else if (i == 2)
			word(out, scale[2]);
	}
}

static void cardinal(struct sbuf *out, uint64_t n, int leading, const struct tts_style *st)
{
	if (n >= 1000000000ULL) {
		cardinal(out, n / 1000000000ULL, leading, st);
		word(out, "tỷ");
		if (n % 1000000000ULL)
			below_billion(out, n % 1000000000ULL, 0, st);
		return;
	}
	below_billion(out, n, leading, st);
}

void tts_num_cardinal(struct sbuf *out, uint64_t n, const struct tts_style *st)
{
	static const struct tts_style def = { 0, 0, 1 };
	if (!st)
		st = &def;
	if (n == 0) {
		word(out, "không");
		return;
	}
	if (n > TTS_NUM_MAX)
		n = TTS_NUM_MAX;
	cardinal(out, n, 1, st);
}

char *tts_num_cardinal_str(uint64_t n, const struct tts_style *st)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_cardinal(&b, n, st);
	return sbuf_take(&b);
}

void tts_num_digits(struct sbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			word(out, digit_names[s[i] - '0']);
}

void tts_num_month(struct sbuf *out, int m, const struct tts_style *st)
{
	if (m == 4)
		word(out, "tư");
	else
		tts_num_cardinal(out, (uint64_t)m, st);
}

void tts_num_ordinal(struct sbuf *out, uint64_t n, const struct tts_style *st)
{
	if (n == 1)
		word(out, "nhất");
	else if (n == 4)
		word(out, "tư");
	else
		tts_num_cardinal(out, n, st);
}
