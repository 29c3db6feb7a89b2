/* Cardinal reader: fixed examples under each style switch, and a round trip
 * (words parsed back to the number) over 0..10^12 for all eight styles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tts/tts_num.h"

#include <stdlib.h>
#include <string.h>

static const struct tts_style STD = { 0, 0, 1 };

static void expect(uint64_t n, const struct tts_style *st, const char *want)
{
	char *got = tts_num_cardinal_str(n, st);
	if (strcmp(got, want) != 0)
		fail_msg("%llu: got '%s', want '%s'", (unsigned long long)n, got, want);
	free(got);
}

static void test_examples(void **state)
{
	(void)state;
	expect(0, &STD, "không");
	expect(5, &STD, "năm");
	expect(10, &STD, "mười");
	expect(11, &STD, "mười một");
	expect(14, &STD, "mười bốn");
	expect(15, &STD, "mười lăm");
	expect(20, &STD, "hai mươi");
	expect(21, &STD, "hai mươi mốt");
	expect(24, &STD, "hai mươi tư");
	expect(25, &STD, "hai mươi lăm");
	expect(34, &STD, "ba mươi tư");
	expect(100, &STD, "một trăm");
	expect(105, &STD, "một trăm linh năm");
	expect(110, &STD, "một trăm mười");
	expect(115, &STD, "một trăm mười lăm");
	expect(1000, &STD, "một nghìn");
	expect(1020, &STD, "một nghìn không trăm hai mươi");
	expect(1005, &STD, "một nghìn không trăm linh năm");
	expect(1234, &STD, "một nghìn hai trăm ba mươi tư");
	expect(2026, &STD, "hai nghìn không trăm hai mươi sáu");
	expect(75000, &STD, "bảy mươi lăm nghìn");
	expect(1500000, &STD, "một triệu năm trăm nghìn");
	expect(1263600, &STD, "một triệu hai trăm sáu mươi ba nghìn sáu trăm");
	expect(1000005, &STD, "một triệu không trăm linh năm");
	expect(1000000000ULL, &STD, "một tỷ");
	expect(2500000000ULL, &STD, "hai tỷ năm trăm triệu");
	expect(1000000000000ULL, &STD, "một nghìn tỷ");
	expect(999999999999ULL, &STD,
	       "chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
	       "chín trăm chín mươi chín");
}

static void test_styles(void **state)
{
	(void)state;
	struct tts_style ngan = { 1, 0, 1 }, le = { 0, 1, 1 }, notram = { 0, 0, 0 }, all = { 1, 1, 0 };
	expect(1000, &ngan, "một ngàn");
	expect(75000, &ngan, "bảy mươi lăm ngàn");
	expect(1000000000000ULL, &ngan, "một ngàn tỷ");
	expect(105, &le, "một trăm lẻ năm");
	expect(1005, &le, "một nghìn không trăm lẻ năm");
	expect(1020, &notram, "một nghìn hai mươi");
	expect(1005, &notram, "một nghìn linh năm");
	expect(2026, &notram, "hai nghìn hai mươi sáu");
	expect(1005, &all, "một ngàn lẻ năm");
	expect(105, &notram, "một trăm linh năm"); /* a said hundred is not "không trăm" */
}

/* ---- an independent reader of the words, for the round trip -------- */

static int digit_word(const char *w)
{
	static const char *const d[] = { "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín" };
	for (int i = 0; i < 10; i++)
		if (strcmp(w, d[i]) == 0)
			return i;
	if (strcmp(w, "mốt") == 0)
		return 1;
	if (strcmp(w, "tư") == 0)
		return 4;
	if (strcmp(w, "lăm") == 0)
		return 5;
	return -1;
}

/* Parses words[0..n) below a thousand. */
static long small(char **w, int n)
{
	long v = 0;
	int i = 0;
	if (i + 1 < n && strcmp(w[i + 1], "trăm") == 0) {
		v += 100L * digit_word(w[i]);
		i += 2;
	}
	if (i < n && (strcmp(w[i], "linh") == 0 || strcmp(w[i], "lẻ") == 0)) {
		v += digit_word(w[i + 1]);
		return i + 2 == n ? v : -1;
	}
	if (i < n && strcmp(w[i], "mười") == 0) {
		v += 10;
		i++;
	} else if (i + 1 < n && strcmp(w[i + 1], "mươi") == 0) {
		v += 10L * digit_word(w[i]);
		i += 2;
	}
	if (i < n) {
		v += digit_word(w[i]);
		i++;
	}
	return i == n ? v : -1;
}

static long long parse(char **w, int n)
{
	static const struct {
		const char *word;
		long long mul;
	} sc[] = { { "tỷ", 1000000000LL }, { "triệu", 1000000LL }, { "nghìn", 1000LL }, { "ngàn", 1000LL } };
	if (n == 1 && strcmp(w[0], "không") == 0)
		return 0;
	for (size_t s = 0; s < 4; s++) {
		/* last occurrence of this scale word splits the number */
		for (int i = n - 1; i >= 0; i--)
			if (strcmp(w[i], sc[s].word) == 0) {
				long long left = i ? parse(w, i) : -1;
				long long right = i + 1 < n ? parse(w + i + 1, n - i - 1) : 0;
				if (left < 0 || right < 0)
					return -1;
				return left * sc[s].mul + right;
			}
	}
	return small(w, n);
}

static void roundtrip(uint64_t v, const struct tts_style *st)
{
	char *s = tts_num_cardinal_str(v, st);
	char *copy = strdup(s), *w[64], *save = NULL;
	int n = 0;
	for (char *t = strtok_r(copy, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	long long back = parse(w, n);
	if (back != (long long)v)
		fail_msg("style %d%d%d: %llu read as '%s' parses back to %lld", st->ngan, st->le, st->khong_tram,
			 (unsigned long long)v, s, back);
	for (const char *p = s; *p; p++)
		if (*p >= '0' && *p <= '9')
			fail_msg("digit in '%s'", s);
	if (!st->ngan && strstr(s, "ngàn"))
		fail_msg("ngàn in '%s'", s);
	if (st->ngan && strstr(s, "nghìn"))
		fail_msg("nghìn in '%s'", s);
	if (st->le ? strstr(s, "linh") != NULL : strstr(s, "lẻ") != NULL)
		fail_msg("wrong linh/lẻ in '%s'", s);
	if (!st->khong_tram && strstr(s, "không trăm"))
		fail_msg("không trăm in '%s'", s);
	free(copy);
	free(s);
}

static void test_roundtrip_all_styles(void **state)
{
	(void)state;
	for (int m = 0; m < 8; m++) {
		struct tts_style st = { m & 1, (m >> 1) & 1, (m >> 2) & 1 };
		for (uint64_t v = 0; v <= 20000; v++)
			roundtrip(v, &st);
		/* every digit pattern at every scale, then a pseudo-random sweep */
		uint64_t x = 88172645463325252ULL;
		for (int i = 0; i < 20000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			roundtrip(x % 1000000000001ULL, &st);
			roundtrip((x % 1000) * 1000000000ULL + (x >> 20) % 1000, &st);
		}
		roundtrip(1000000000000ULL, &st);
		for (uint64_t p = 1; p <= 1000000000000ULL; p *= 10) {
			roundtrip(p, &st);
			roundtrip(p + 1, &st);
			roundtrip(p * 5 + 4, &st);
		}
	}
}

static void test_digits_month_ordinal(void **state)
{
	(void)state;
	struct sbuf b;
	sbuf_init(&b);
	tts_num_digits(&b, "0912", 4);
	assert_string_equal(b.s, "không chín một hai");
	sbuf_reset(&b);
	tts_num_month(&b, 4, &STD);
	assert_string_equal(b.s, "tư");
	sbuf_reset(&b);
	tts_num_month(&b, 11, &STD);
	assert_string_equal(b.s, "mười một");
	sbuf_reset(&b);
	tts_num_ordinal(&b, 1, &STD);
	assert_string_equal(b.s, "nhất");
	sbuf_reset(&b);
	tts_num_ordinal(&b, 4, &STD);
	assert_string_equal(b.s, "tư");
	sbuf_reset(&b);
	tts_num_ordinal(&b, 7, &STD);
	assert_string_equal(b.s, "bảy");
	sbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_roundtrip_all_styles),
		cmocka_unit_test(test_digits_month_ordinal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
