/* tts_names — the speech front end's rules on names (see tts_front_int.h):
 *   road names   `QL9`, `QL12A`, `QL.1A`, `ĐT 562`, `TL 8B` -> "quốc lộ
 *                chín", "quốc lộ mười hai a", "đường tỉnh năm trăm sáu
 *                mươi hai", "tỉnh lộ tám bê" (before the dictionary, where
 *                QL is "quản lý" and ĐT "điện thoại");
 *   storm names  an ASCII name after "bão" (`bão NORU`, `cơn bão số 3
 *                (YAGI)`, `tên quốc tế là Wipha`) read as syllables the
 *                Vietnamese voice says ("no ru", "ya ghi", "uy pha"), not
 *                letter by letter;
 *   echoes       an acronym in parentheses right after its own expansion
 *                (`dịch tả lợn châu Phi (DTLCP)`) is not read again. */
#include "tts/tts_front_int.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int ascii_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int ascii_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

/* ---- road names ---------------------------------------------------- */

static const struct {
	const char *key, *say;
} roads[] = {
	{ "QL", "quốc lộ" },
	{ "ĐT", "đường tỉnh" },
	{ "TL", "tỉnh lộ" },
};

int tts_rule_road(struct fe *f, size_t q)
{
	for (size_t r = 0; r < ARRAY_LEN(roads); r++) {
		size_t kl = strlen(roads[r].key);
		if (q + kl > f->n || memcmp(f->s + q, roads[r].key, kl) != 0)
			continue;
		size_t p = q + kl;
		if (fe_at(f, p) == '.')
			p++;
		if (fe_at(f, p) == ' ')
			p++;
		/* a road number: 1-3 digits, no leading zero, then at most two
		 * series letters ("QL1A", "QL14C") */
		size_t ds = p;
		while (fe_isdig(fe_at(f, p)) && p - ds < 4)
			p++;
		size_t nd = p - ds;
		if (nd < 1 || nd > 3 || fe_at(f, ds) == '0')
			return 0;
		size_t ls = p;
		while (ascii_upper(fe_at(f, p)) && p - ls < 3)
			p++;
		if (p - ls > 2 || fe_alnum_at(f, p))
			return 0;
		/* not a decimal, a date, a phone group or an amount */
		int c = fe_at(f, p);
		if ((c == '.' || c == ',' || c == '/' || c == ':' || c == '-') && fe_isdig(fe_at(f, p + 1)))
			return 0;
		if (c == ' ' && fe_isdig(fe_at(f, p + 1)))
			return 0;
		long v = 0;
		for (size_t i = ds; i < ls; i++)
			v = v * 10 + (fe_at(f, i) - '0');
		/* "ĐT 113", "ĐT 115": a service number (111-119) after "điện thoại" */
		if (r == 1 && p == ls && v >= 111 && v <= 119)
			return 0;
		if (r == 1 && fe_lw_is(f, 0, "đường"))
			fe_say(f, "tỉnh"); /* "đường ĐT 562": not "đường đường tỉnh" */
		else
			fe_say(f, roads[r].say);
		fe_say_card(f, (uint64_t)v);
		fe_spell(f, f->s + ls, p - ls);
		f->quantity = 0;
		return (int)(p - q);
	}
	return 0;
}

/* ---- storm names --------------------------------------------------- */

static int number_word(const struct fe *f, int i)
{
	return fe_lw_is(f, i, "một|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|mốt");
}

/* "bão NORU", "siêu bão", "bão số 3 (YAGI)", "tên quốc tế (là) YAGI". */
static int storm_cue(const struct fe *f)
{
	int i = 0;
	if (fe_lw_is(f, 0, "bão"))
		return 1;
	if ((fe_lw_is(f, 0, "tế") && fe_lw_is(f, 1, "quốc")) ||
	    (fe_lw_is(f, 0, "là") && fe_lw_is(f, 1, "tế") && fe_lw_is(f, 2, "quốc")))
		return 1;
	while (i < LW && number_word(f, i))
		i++;
	return i > 0 && i + 1 < LW && fe_lw_is(f, i, "số") && fe_lw_is(f, i + 1, "bão");
}

static int vowel(int c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Adds an acute (sắc) on the last vowel of the nucleus: a syllable that
 * ends in p, t, c or ch cannot have a level tone. */
static void add_acute(char *syl, size_t size, size_t last_vowel)
{
	char tmp[32];
	size_t n = strlen(syl);
	if (n + 3 >= sizeof tmp || n + 3 >= size)
		return;
	memcpy(tmp, syl, last_vowel + 1);
	memcpy(tmp + last_vowel + 1, "\xCC\x81", 2); /* U+0301 */
	memcpy(tmp + last_vowel + 3, syl + last_vowel + 1, n - last_vowel);
	utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)tmp);
	if (nfc && strlen((const char *)nfc) < size)
		memcpy(syl, nfc, strlen((const char *)nfc) + 1);
	free(nfc);
}

/* Writes one syllable of a foreign name the Vietnamese way into out:
 * onset o[0..on), nucleus v[0..vn), coda c[0..cn). */
static void name_syllable(char *out, size_t size, const char *o, size_t on, const char *v, size_t vn, const char *c,
			  size_t cn)
{
	char onset[8] = "", nuc[8] = "", coda[4] = "";
	if (on >= sizeof onset || vn >= sizeof nuc || cn >= sizeof coda) {
		snprintf(out, size, "%.*s%.*s%.*s", (int)on, o, (int)vn, v, (int)cn, c);
		return;
	}
	memcpy(onset, o, on), onset[on] = '\0';
	memcpy(nuc, v, vn), nuc[vn] = '\0';
	memcpy(coda, c, cn), coda[cn] = '\0';
	/* rimes the voice does not know */
	static const char *const rimes[][2] = { { "ey", "ây" }, { "ei", "ây" }, { "ou", "âu" },
						{ "ae", "ai" }, { "ee", "i" },  { "oo", "u" } };
	for (size_t i = 0; i < ARRAY_LEN(rimes); i++)
		if (strcmp(nuc, rimes[i][0]) == 0)
			snprintf(nuc, sizeof nuc, "%s", rimes[i][1]);
	/* onsets in Vietnamese spelling */
	const char *first = nuc;
	int front = first[0] == 'e' || first[0] == 'i' || first[0] == 'y';
	if (strcmp(onset, "k") == 0 && !front)
		snprintf(onset, sizeof onset, "c");
	else if (strcmp(onset, "c") == 0 && front)
		snprintf(onset, sizeof onset, "k");
	else if (strcmp(onset, "g") == 0 && front)
		snprintf(onset, sizeof onset, "gh"); /* a hard g: "ghi", not "gi" */
	else if (strcmp(onset, "j") == 0)
		snprintf(onset, sizeof onset, first[0] == 'i' ? "d" : "gi");
	else if (strcmp(onset, "z") == 0)
		snprintf(onset, sizeof onset, "d");
	else if (strcmp(onset, "d") == 0)
		snprintf(onset, sizeof onset, "đ");
	else if (strcmp(onset, "f") == 0)
		snprintf(onset, sizeof onset, "ph");
	else if (strcmp(onset, "sh") == 0)
		snprintf(onset, sizeof onset, "s");
	else if (strcmp(onset, "y") == 0 && first[0] == 'i')
		onset[0] = '\0';
	else if (strcmp(onset, "w") == 0) {
		onset[0] = '\0';
		if (strcmp(nuc, "i") == 0)
			snprintf(nuc, sizeof nuc, "uy");
		else if (nuc[0] == 'a' || nuc[0] == 'e')
			memmove(nuc + 1, nuc, strlen(nuc) + 1), nuc[0] = 'o';
		else if (nuc[0] != 'o' && nuc[0] != 'u')
			memmove(nuc + 1, nuc, strlen(nuc) + 1), nuc[0] = 'u';
	}
	/* codas: k is written c, l and r are said n and dropped */
	if (strcmp(coda, "k") == 0)
		snprintf(coda, sizeof coda, "c");
	else if (strcmp(coda, "l") == 0)
		snprintf(coda, sizeof coda, "n");
	else if (strcmp(coda, "ng") == 0 && strcmp(nuc, "i") == 0)
		snprintf(coda, sizeof coda, "nh"); /* "xing" -> "xinh" */
	else if (cn && !strchr("mnptc", coda[0]))
		coda[0] = '\0';
	snprintf(out, size, "%s%s%s", onset, nuc, coda);
	if (fe_vn_syllable(out))
		return;
	if (coda[0] == 'p' || coda[0] == 't' || coda[0] == 'c') {
		char acute[32];
		snprintf(acute, sizeof acute, "%s", out);
		add_acute(acute, sizeof acute, strlen(onset) + strlen(nuc) - 1);
		if (fe_vn_syllable(acute)) {
			snprintf(out, size, "%s", acute);
			return;
		}
	}
}

/* Says a foreign name (lowercase ASCII w[0..n), parts joined by '-') as
 * Vietnamese syllables: an onset, a vowel run, and a coda only when the
 * consonants before the next vowel are more than one onset. */
static void say_name(struct fe *f, const char *w, size_t n)
{
	static const char *const onsets[] = { "ngh", "ng", "nh", "ch", "kh", "ph", "th", "tr", "gh", "sh" };
	size_t i = 0;
	while (i < n) {
		if (!ascii_lower(w[i])) {
			i++;
			continue;
		}
		size_t os = i;
		if (w[i] == 'y' && i + 1 < n && vowel(w[i + 1]) && w[i + 1] != 'y') {
			i++;
		} else {
			for (size_t k = 0; k < ARRAY_LEN(onsets); k++) {
				size_t l = strlen(onsets[k]);
				if (i + l < n && memcmp(w + i, onsets[k], l) == 0 && vowel(w[i + l])) {
					i += l;
					break;
				}
			}
			while (i < n && ascii_lower(w[i]) && !vowel(w[i]))
				i++;
		}
		size_t vs = i;
		while (i < n && vowel(w[i]) && i - vs < 3)
			i++;
		size_t cs = i, ce = i;
		while (ce < n && ascii_lower(w[ce]) && !vowel(w[ce]))
			ce++;
		if (ce == n || !ascii_lower(w[ce])) {
			i = ce; /* the last syllable of a part keeps its consonants */
		} else if (ce - cs >= 2) {
			/* the next syllable takes the longest onset at the end of the
			 * consonants ("wi|pha", "nang|ka", "dok|su"), this one the rest */
			size_t ol = 1;
			for (size_t k = 0; k < ARRAY_LEN(onsets); k++) {
				size_t l = strlen(onsets[k]);
				if (l <= ce - cs && l > ol && memcmp(w + ce - l, onsets[k], l) == 0)
					ol = l;
			}
			i = ce - ol;
		}
		if (vs == cs) { /* no vowel: spell what is left */
			fe_spell(f, w + os, i - os);
			continue;
		}
		char syl[32];
		name_syllable(syl, sizeof syl, w + os, vs - os, w + vs, cs - vs, w + cs, i - cs);
		fe_say(f, syl);
	}
}

int tts_rule_storm(struct fe *f, size_t q)
{
	if (!ascii_upper(fe_at(f, q)) || !storm_cue(f))
		return 0;
	size_t e = q;
	int up = 0, low = 0;
	while (e - q < 24 && (ascii_upper(fe_at(f, e)) || ascii_lower(fe_at(f, e)) ||
			      (fe_at(f, e) == '-' && ascii_upper(fe_at(f, e + 1)) && up > 1))) {
		up += ascii_upper(fe_at(f, e));
		low += ascii_lower(fe_at(f, e));
		e++;
	}
	size_t n = e - q;
	/* all capitals, or a capital then small letters; three letters or more;
	 * not a dictionary word (BCH after "bão" is still "ban chỉ huy") */
	if (n < 3 || fe_alnum_at(f, e) || (low && (up != 1 || ascii_lower(fe_at(f, q)))))
		return 0;
	if (tts_dict_word(f->o->abbrev, f->s + q, n) || tts_dict_word(f->o->loan, f->s + q, n))
		return 0;
	char w[32];
	for (size_t i = 0; i < n; i++) {
		int c = fe_at(f, q + i);
		w[i] = (char)(ascii_upper(c) ? c - 'A' + 'a' : c);
	}
	say_name(f, w, n);
	f->quantity = 0;
	return (int)n;
}

/* ---- an acronym after its own expansion ---------------------------- */

/* The letter a word or acronym letter starts with, accents and case folded
 * ("Đ" and "đ" are 'd'); 0 if it is not a letter. */
static int fold_initial(int32_t c)
{
	if (c == 0x110 || c == 0x111)
		return 'd';
	utf8proc_int32_t d[4];
	int opt = UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD;
	utf8proc_ssize_t k = utf8proc_decompose_char(c, d, 4, (utf8proc_option_t)opt, NULL);
	if (k < 1 || d[0] > 127)
		return 0;
	int b = (int)d[0];
	return b >= 'a' && b <= 'z' ? b : 0;
}

int tts_rule_echo(struct fe *f, size_t q)
{
	if (fe_at(f, q) != '(' || f->pend != P_NONE || !f->nwords)
		return 0;
	/* the acronym: capitals (Đ too), '&' for "và", '-' and '/' ignored */
	int letters[16], nl = 0;
	size_t p = q + 1;
	while (p < f->n && fe_at(f, p) != ')') {
		size_t l;
		int32_t c = fe_cp_at(f, p, &l);
		if (c == '&') {
			if (nl >= 16)
				return 0;
			letters[nl++] = '&';
		} else if (c != '-' && c != '/') {
			if (!fe_is_upper(c) || nl >= 16)
				return 0;
			int b = fold_initial(c);
			if (!b)
				return 0;
			letters[nl++] = b;
		}
		p += l;
	}
	if (fe_at(f, p) != ')' || nl < 2)
		return 0;
	/* the words just said, last first: letters only, up to a pause other
	 * than a comma ("Lao động - Thương binh và Xã hội (LĐTBXH)") */
	const char *s = f->out.s;
	size_t e = f->out.len;
	int i = nl - 1;
	while (i >= 0) {
		size_t b = e;
		while (b > 0 && s[b - 1] != ' ')
			b--;
		if (e > b && s[e - 1] == ',')
			e--;
		if (b == e)
			return 0;
		size_t l;
		int32_t c0 = -1;
		for (size_t k = b; k < e; k += l) {
			utf8proc_int32_t c;
			utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + k, (utf8proc_ssize_t)(e - k), &c);
			if (r <= 0 || !(fe_is_upper(c) || fe_is_lower(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_MN))
				return 0; /* a pause, a tag or a symbol: the expansion ended */
			l = (size_t)r;
			if (c0 < 0)
				c0 = c;
		}
		int w0 = fold_initial(c0);
		int is_va = e - b == strlen("và") && memcmp(s + b, "và", e - b) == 0;
		if (letters[i] == '&' ? is_va : w0 == letters[i])
			i--;
		else if (!is_va)
			return 0;
		if (b == 0)
			break;
		e = b - 1;
	}
	if (i >= 0)
		return 0;
	/* said already: skip "(DTLCP)" and let the words go on */
	return (int)(p + 1 - q);
}
