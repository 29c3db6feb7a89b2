/* tts_front_int — private to the speech front end's files (the rest of the
 * program sees tts_front.h):
 *   tts_front.c  the scan state (struct fe), characters, output (words and
 *                pauses), words, symbols and lines, the driver; it exports
 *                the fe_* helpers below;
 *   tts_rules.c  the pattern rules on digits (phone numbers, hotlines,
 *                dates, times, fractions and ratios, times, quantities); it
 *                exports the tts_rule_* functions below;
 *   tts_units.c  the units table and unit words; it exports tts_unit_*;
 *   tts_codes.c  the rules for numbers a listener notes down or dials:
 *                account, ID, tax and SMS codes, plates, "2tr5", "A/H5N1".
 *   tts_addr.c   web addresses and e-mail addresses;
 *   tts_names.c  road names (QL9, ĐT 562), storm names (bão NORU) and an
 *                acronym in parentheses after its own expansion.
 * A rule is `int tts_rule_x(struct fe *f, size_t q)`: the bytes it consumed
 * at q after emitting their words, or 0 if it does not match there. */
#ifndef LOA_TTS_FRONT_INT_H
#define LOA_TTS_FRONT_INT_H
#include "tts/tts_front.h"
#include "base/util.h"

#include <stddef.h>
#include <stdint.h>

enum pause { P_NONE = 0, P_COMMA, P_ITEM, P_HEADING, P_SENTENCE };

#define LW 5        /* last words remembered for cues ("bão số mười hai (") */
#define LW_MAX 32   /* bytes of one remembered word */

struct fe {
	const struct tts_opts *o;
	const char *s;
	size_t n;
	struct sbuf out;
	enum pause pend;
	char pend_ch;
	size_t nwords;      /* words written */
	int sentences;      /* sentence pauses queued so far */
	int heading_done;
	int quantity;       /* the last thing said was a number, unit or amount */
	int line_words;     /* words emitted on the current input line */
	int dated;          /* a date was said, ending at word date_nw of sentence date_sent */
	size_t date_nw;
	int date_sent;
	char lw[LW][LW_MAX];
};

/* ---- tts_front.c: characters ---- */

/* The byte at q, 0 at end.  This and fe_isdig are called for every byte
 * the rules look at: inline, as they were before the split. */
static inline int fe_at(const struct fe *f, size_t q)
{
	return q < f->n ? (unsigned char)f->s[q] : 0;
}

static inline int fe_isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* Codepoint at q (the text is valid UTF-8 after normalisation); -1 at end. */
int32_t fe_cp_at(const struct fe *f, size_t q, size_t *len);
int fe_is_upper(int32_t c);
int fe_is_lower(int32_t c);
int fe_letter_at(const struct fe *f, size_t q);
/* Letter or digit at q: the test for "is this the end of a token". */
int fe_alnum_at(const struct fe *f, size_t q);
/* The last non-space codepoint before q, or -1. */
int32_t fe_nonspace_before(const struct fe *f, size_t q);
/* Is the codepoint just before q a letter or a digit? */
int fe_alnum_before(const struct fe *f, size_t q);
/* The word after p and the spaces there, lowercased into buf (at most
 * LW_MAX bytes); returns where it ends, or 0 if no word follows. */
size_t fe_word_ahead(const struct fe *f, size_t p, char *buf, size_t size);
/* Is w one of the '|'-separated `alts`? */
int fe_word_in(const char *w, const char *alts);

/* ---- tts_front.c: output ---- */

/* Queues a pause (the strongest queued one is written before the next word). */
void fe_pause(struct fe *f, enum pause p, char ch);
/* Emits space-separated words. */
void fe_say(struct fe *f, const char *words);
/* Emits the words in b and empties it. */
void fe_say_sbuf(struct fe *f, struct sbuf *b);
void fe_say_card(struct fe *f, uint64_t v);
void fe_say_digits(struct fe *f, const char *s, size_t n);
void fe_say_month(struct fe *f, int m);
/* Is the i-th last word (0 = last) one of the '|'-separated `alts`? */
int fe_lw_is(const struct fe *f, int i, const char *alts);
/* ---- tts_front.c: words ---- */

/* Spells w[0..n) with Vietnamese letter names (GPS -> "giê pê ét"). */
void fe_spell(struct fe *f, const char *w, size_t n);
/* Is the lowercase UTF-8 word a well-formed Vietnamese syllable (with its
 * tone mark, if any: "dich" without one is not)? */
int fe_vn_syllable(const char *w);

/* ---- tts_rules.c: the rules, in the driver's order of priority ---- */

/* tts_codes.c: at a digit, shapes that are never amounts (plates "75A-234.56",
 * "2tr5") and numbers after a code cue (STK, CCCD, mã số, "gọi ngay"...). */
int tts_rule_code(struct fe *f, size_t q);
int tts_rule_phone(struct fe *f, size_t q);
/* tts_codes.c: at a digit, after phone numbers: runs of 10+ digits and
 * spaced groups that are not a thousands-grouped amount ("0232 3 825 678"). */
int tts_rule_code_shape(struct fe *f, size_t q);
int tts_rule_hotline(struct fe *f, size_t q);
int tts_rule_date_range(struct fe *f, size_t q);
int tts_rule_full_date(struct fe *f, size_t q);
int tts_rule_month_year(struct fe *f, size_t q);
int tts_rule_short_date(struct fe *f, size_t q);
int tts_rule_fraction(struct fe *f, size_t q);
int tts_rule_ratio(struct fe *f, size_t q);
int tts_rule_time(struct fe *f, size_t q);
int tts_rule_quantity(struct fe *f, size_t q);
/* tts_codes.c: at a letter, before the word rules: "soạn DK gửi 9123",
 * "A/H5N1". */
int tts_rule_code_word(struct fe *f, size_t q);

/* tts_rules.c: digit groups with a short pause between them (phone style). */
void tts_rule_say_groups(struct fe *f, const char *s, const int *len, int ngroups);

/* ---- tts_addr.c: web and e-mail addresses (at a letter) ---- */

int tts_rule_addr(struct fe *f, size_t q);

/* ---- tts_names.c: road and storm names (at a letter), and "(DTLCP)"
 * after "dịch tả lợn châu Phi" (at the '(') ---- */

int tts_rule_road(struct fe *f, size_t q);
int tts_rule_storm(struct fe *f, size_t q);
int tts_rule_echo(struct fe *f, size_t q);

/* "/2027" after "Quý II": says "năm" and the year; the bytes used or 0. */
int tts_rule_slash_year(struct fe *f, size_t p);

/* ---- tts_units.c: units, also after a per-unit slash ("đồng/kg") ---- */

enum {
	U_SPACED = 1, /* may stand after one space: "150 m2", "500.000 đ" */
	U_WORD = 2,   /* read also as a word of its own: "mỗi km" */
	U_HOURS = 4,  /* a duration: "48-72h" needs no "từ" */
};

struct unit;
/* A unit starting exactly at p (no space skipping), ending at a boundary. */
const struct unit *tts_unit_at(const struct fe *f, size_t p, size_t *len);
/* The unit after a number at p: attached, or after one space if it allows. */
const struct unit *tts_unit_after(const struct fe *f, size_t p, size_t *len);
int tts_unit_flags(const struct unit *u);
void tts_unit_say(struct fe *f, const struct unit *u);
/* A unit as a word at q ("mỗi km"), or a road marker's "km" ("Km12+300"). */
int tts_unit_word(struct fe *f, size_t q);
/* Does an amount word or a unit follow at p ("đồng", " nghìn", "kg", " %")?
 * Then the number before p is a quantity, not a code. */
int tts_unit_follows(const struct fe *f, size_t p);
#endif
