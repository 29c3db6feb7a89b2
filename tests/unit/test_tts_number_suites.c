/* The four public Vietnamese number-reading suites (tests/data/number_suites,
 * copied as data with their licences in the README there) run against the
 * cardinal reader.
 *
 * Each case is compared twice.  First "exact": only the pure settings are
 * mapped (nghìn/ngàn, linh/lẻ, tỷ/tỉ) and both "không trăm" settings are
 * tried.  Failing that, "style-mapped": both sides also map the regional and
 * spelling variants (tư/bốn, lăm/năm, mốt/một, mươi/mười, muời, bẩy/bảy) and
 * drop the empty-group words ("không trăm", "không nghìn", "không triệu", a
 * "linh" not after "trăm") that some suites say and others do not.  A case
 * that matches neither fails the test.  Cases outside the reader's range
 * (above TTS_NUM_MAX, decimals) or style (marked skip in the data) are
 * printed with the reason, never dropped silently; the counts are printed
 * per suite (README quotes them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/util.h"
#include "tts/tts_num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const suites[] = { "read-vietnamese-number", "read-vn-number", "number-to-text-vietnamese",
				      "vn-num2words" };

struct tally {
	int exact, mapped, shape, skipped, failed;
};

/* ---- normalising a reading ------------------------------------------ */

#define MAXW 96

static int split(char *s, char **w)
{
	int n = 0;
	for (char *t = strtok(s, " "); t && n < MAXW; t = strtok(NULL, " "))
		w[n++] = t;
	return n;
}

static const char *map_word(const char *w, int style)
{
	static const char *const setting[][2] = { { "ngàn", "nghìn" }, { "lẻ", "linh" }, { "tỉ", "tỷ" } };
	static const char *const variant[][2] = { { "tư", "bốn" },   { "lăm", "năm" },  { "mốt", "một" },
						  { "mươi", "mười" }, { "muời", "mười" }, { "bẩy", "bảy" } };
	for (size_t i = 0; i < ARRAY_LEN(setting); i++)
		if (strcmp(w, setting[i][0]) == 0)
			return setting[i][1];
	if (style)
		for (size_t i = 0; i < ARRAY_LEN(variant); i++)
			if (strcmp(w, variant[i][0]) == 0)
				return variant[i][1];
	return w;
}

static int is_scale(const char *w)
{
	return strcmp(w, "nghìn") == 0 || strcmp(w, "triệu") == 0 || strcmp(w, "tỷ") == 0;
}

/* The reading with its words mapped; `style` also maps the variants and
 * drops the empty-group words. */
static char *norm(const char *in, int style)
{
	char *copy = xstrdup(in), *w[MAXW];
	int n = split(copy, w);
	struct sbuf b;
	sbuf_init(&b);
	const char *prev = "";
	for (int i = 0; i < n; i++) {
		const char *m = map_word(w[i], style);
		if (style && n > 1 && strcmp(m, "không") == 0 && i + 1 < n &&
		    (strcmp(w[i + 1], "trăm") == 0 || is_scale(map_word(w[i + 1], 1)))) {
			i++; /* "không trăm", "không nghìn" */
			continue;
		}
		if (style && strcmp(m, "linh") == 0 && strcmp(prev, "trăm") != 0)
			continue;
		if (b.len)
			sbuf_addc(&b, ' ');
		sbuf_add(&b, m);
		prev = m;
	}
	free(copy);
	if (!b.s)
		sbuf_add(&b, "");
	return sbuf_take(&b);
}

/* ---- one case --------------------------------------------------------- */

/* Parses "[-]digits[.digits]": 0 ok, or a reason to skip in *why. */
static int parse_number(const char *s, uint64_t *v, int *neg, const char **why)
{
	*neg = *s == '-';
	if (*neg)
		s++;
	const char *dot = strchr(s, '.');
	size_t il = dot ? (size_t)(dot - s) : strlen(s);
	if (dot)
		for (const char *p = dot + 1; *p; p++)
			if (*p != '0') {
				*why = "a decimal: Loa's front end reads the part after the comma itself ('phẩy', "
				       "digit by digit beyond two), not the cardinal reader";
				return -1;
			}
	uint64_t x = 0;
	int sig = 0;
	for (size_t i = 0; i < il; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*why = "not a number";
			return -1;
		}
		if (sig || s[i] != '0')
			sig++;
		if (sig > 15) {
			*why = "beyond TTS_NUM_MAX (999 999 nghìn tỷ): longer digit runs are read digit by digit";
			return -1;
		}
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > TTS_NUM_MAX) {
		*why = "beyond TTS_NUM_MAX (999 999 nghìn tỷ): longer digit runs are read digit by digit";
		return -1;
	}
	*v = x;
	return 0;
}

static char *reading(uint64_t v, int neg, int khong_tram)
{
	struct tts_style st = { 0, 0, khong_tram };
	struct sbuf b;
	sbuf_init(&b);
	if (neg && v)
		sbuf_add(&b, "âm ");
	tts_num_cardinal(&b, v, &st);
	return sbuf_take(&b);
}

static void run_case(const char *suite, const char *kind, const char *num, const char *want, const char *where,
		     const char *note, struct tally *t)
{
	if (strcmp(kind, "skip") == 0) {
		printf("  skip %s %s (%s): %s\n", where, num, want, note);
		t->skipped++;
		return;
	}
	uint64_t v;
	int neg;
	const char *why = NULL;
	size_t ilen = strcspn(num + (num[0] == '-'), ".");
	if (parse_number(num, &v, &neg, &why) != 0) {
		printf("  skip %s %s (%s): %s\n", where, num, want, why);
		t->skipped++;
		return;
	}
	/* an inner group: read after a leading "một <scale>" */
	/* 10^12 + g·10^9 is "một nghìn g tỷ": the "tỷ" is the group's own */
	static const char *const scale[] = { NULL, "nghìn", "triệu", "tỷ", "nghìn" };
	uint64_t lead = 0;
	const char *lead_words = NULL;
	if (strcmp(kind, "inner") == 0) {
		if (neg || ilen % 3 || ilen / 3 < 1 || ilen / 3 > 4)
			fail_msg("%s %s: bad inner group %s", suite, where, num);
		lead = 1;
		for (size_t i = 0; i < ilen; i++)
			lead *= 10;
		lead_words = scale[ilen / 3];
	}
	int pass = 0;
	char *got[2];
	for (int k = 0; k < 2; k++) {
		char *r = reading(v + lead, neg, 1 - k);
		if (lead_words) {
			char prefix[64];
			snprintf(prefix, sizeof prefix, "một %s ", lead_words);
			size_t pl = strlen(prefix);
			if (strncmp(r, prefix, pl) != 0)
				fail_msg("%s %s: %s read as '%s', not after '%s'", suite, where, num, r, prefix);
			memmove(r, r + pl, strlen(r + pl) + 1);
		}
		got[k] = r;
	}
	if (strcmp(kind, "shape") == 0) {
		const char *r = got[0];
		if (!*r || r[0] == ' ' || r[strlen(r) - 1] == ' ' || strstr(r, "  ") || strpbrk(r, "0123456789"))
			fail_msg("%s %s: %s read as '%s'", suite, where, num, r);
		t->shape++;
		free(got[0]);
		free(got[1]);
		return;
	}
	for (int style = 0; style < 2 && !pass; style++) {
		char *w = norm(want, style);
		for (int k = 0; k < 2 && !pass; k++) {
			char *g = norm(got[k], style);
			if (strcmp(g, w) == 0)
				pass = style ? 2 : 1;
			free(g);
		}
		free(w);
	}
	if (pass == 1) {
		t->exact++;
	} else if (pass == 2) {
		printf("  style-mapped %s %s: suite '%s', Loa '%s'\n", where, num, want, got[0]);
		t->mapped++;
	} else {
		printf("  FAIL %s %s: suite '%s', Loa '%s'\n", where, num, want, got[0]);
		t->failed++;
	}
	free(got[0]);
	free(got[1]);
}

static char *data_dir(void)
{
	const char *d = getenv("LOA_DATADIR");
	return d ? util_path_join(d, "../tests/data/number_suites") : xstrdup("tests/data/number_suites");
}

static void test_suites(void **state)
{
	(void)state;
	char *dir = data_dir();
	struct tally all = { 0, 0, 0, 0, 0 };
	for (size_t s = 0; s < ARRAY_LEN(suites); s++) {
		char name[128];
		snprintf(name, sizeof name, "%s.tsv", suites[s]);
		char *path = util_path_join(dir, name);
		FILE *fp = fopen(path, "r");
		if (!fp) {
			fail_msg("cannot open %s (LOA_DATADIR=%s)", path, getenv("LOA_DATADIR"));
			return;
		}
		printf("%s:\n", suites[s]);
		struct tally t = { 0, 0, 0, 0, 0 };
		char line[2048];
		int ln = 0;
		while (fgets(line, sizeof line, fp)) {
			ln++;
			line[strcspn(line, "\r\n")] = '\0';
			if (!line[0] || line[0] == '#')
				continue;
			char *f[5] = { NULL, NULL, NULL, NULL, "" };
			int nf = 0;
			char *p = line;
			while (nf < 5) {
				f[nf++] = p;
				char *tab = strchr(p, '\t');
				if (!tab)
					break;
				*tab = '\0';
				p = tab + 1;
			}
			if (nf < 4)
				fail_msg("%s:%d: expected kind, number, words, where", path, ln);
			run_case(suites[s], f[0], f[1], f[2], f[3], f[4], &t);
		}
		fclose(fp);
		free(path);
		printf("%s: %d cases: %d exact, %d style-mapped, %d shape only, %d failed, %d skipped\n", suites[s],
		       t.exact + t.mapped + t.shape + t.failed + t.skipped, t.exact, t.mapped, t.shape, t.failed,
		       t.skipped);
		all.exact += t.exact, all.mapped += t.mapped, all.shape += t.shape;
		all.failed += t.failed, all.skipped += t.skipped;
	}
	free(dir);
	printf("all suites: %d cases: %d exact, %d style-mapped, %d shape only, %d failed, %d skipped\n",
	       all.exact + all.mapped + all.shape + all.failed + all.skipped, all.exact, all.mapped, all.shape,
	       all.failed, all.skipped);
	assert_int_equal(all.failed, 0);
	/* the data was read: the four suites hold 636 cases */
	assert_true(all.exact + all.mapped + all.shape + all.skipped >= 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suites),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
