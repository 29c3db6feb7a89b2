/* tts_num — Vietnamese number words: cardinals, digits, months, ordinals.
 *
 * Owns the arithmetic of reading a number aloud, nothing about where numbers
 * appear in text (that is tts_front).  The three regional/style choices
 * (nghìn or ngàn, linh or lẻ, whether an inner zero hundred says "không
 * trăm") are a struct passed in, never global state, so one process can
 * render for several configurations and tests can sweep every combination. */
#ifndef LOA_TTS_NUM_H
#define LOA_TTS_NUM_H
#include "base/util.h"

#include <stdint.h>

struct tts_style {
	int ngan;       /* 1: "ngàn" instead of "nghìn" */
	int le;         /* 1: "lẻ" instead of "linh" */
	int khong_tram; /* 1: "một nghìn không trăm hai mươi" for 1.020 */
};

/* Largest value tts_num_cardinal reads as a number (999 999 nghìn tỷ). */
#define TTS_NUM_MAX 999999999999999ULL

/* Appends the cardinal reading of n (n <= TTS_NUM_MAX) to `out`, words
 * separated by single spaces, no leading or trailing space. */
void tts_num_cardinal(struct sbuf *out, uint64_t n, const struct tts_style *st);
/* Convenience: the reading as a new string (caller frees). */
char *tts_num_cardinal_str(uint64_t n, const struct tts_style *st);
/* "không" .. "chín" for the digit d (0..9). */
const char *tts_num_digit(int d);
/* Appends every digit of s[0..n) as a digit name ("không chín một ..."). */
void tts_num_digits(struct sbuf *out, const char *s, size_t n);
/* Month m (1..12): "một" .. "mười hai", with 4 read "tư". */
void tts_num_month(struct sbuf *out, int m, const struct tts_style *st);
/* Ordinal after "thứ": 1 "nhất", 4 "tư", otherwise the cardinal. */
void tts_num_ordinal(struct sbuf *out, uint64_t n, const struct tts_style *st);
#endif
