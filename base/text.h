/* text — Unicode facts Loa needs about a notice's text: validation, NFC,
 * stripping Vietnamese accents to GSM 7-bit ("bỏ dấu"), and SMS sizes.
 *
 * Counting is done here (not in the codec) so the CLI, web page and short
 * codes can show parts and cost without touching libgammu; the codec's
 * tests cross-check these counts against GSM_SMSCounter. */
#ifndef LOA_TEXT_H
#define LOA_TEXT_H
#include <stddef.h>
#include <stdio.h>

/* 1 if s[0..n) is valid UTF-8; else 0 and *bad_off = first bad byte. */
int text_valid_utf8(const char *s, size_t n, size_t *bad_off);
/* NFC copy (malloc'd), or NULL when `s` is not valid UTF-8. */
char *text_nfc(const char *s);
/* Number of Unicode code points. */
size_t text_chars(const char *s);
/* Accent-stripped copy that fits the GSM 7-bit alphabet: NFD, combining
 * marks removed, đ/Đ and look-alikes mapped, typographic punctuation made
 * plain.  Characters that still do not fit become '?'; *replaced counts them. */
char *text_strip(const char *s, int *replaced);
/* 1 if every character is in the GSM 7-bit default alphabet or its
 * extension table. */
int text_is_gsm7(const char *s);
/* 1 if any letter is not plain ASCII (ă, ê, đ, é, a combining mark, any
 * non-Latin letter); punctuation such as – “ ” … does not count.  A text
 * without accents is what a head types on a basic phone. */
int text_has_accents(const char *s);
/* Septets in GSM 7-bit (extension characters take two); -1 if not GSM-7. */
int text_gsm7_septets(const char *s);
/* UTF-16 code units (UCS-2 SMS length; characters beyond the BMP take 2). */
int text_ucs2_units(const char *s);
/* SMS parts: 70/67 UCS-2 units or 160/153 septets per part. */
int text_sms_parts(const char *s, int ucs2);
/* Writes the words of a stripped text that are dangerously ambiguous
 * without accents ("mua lon": mưa lớn or mua lợn), comma-separated, into
 * out; returns how many were found. */
int text_ambiguous(const char *stripped, char *out, size_t outlen);
/* Validates a notice text: valid UTF-8, no control characters except
 * newline and tab, not blank, at most max_chars after NFC.  Returns the NFC
 * text (malloc'd) or NULL with a one-line reason in err. */
char *text_notice_check(const char *s, int max_chars, char *err, size_t errlen);
/* Why text_notice_check refused a text, for callers that speak another
 * language than err (the web page); *detail is the 1-based byte for
 * UTF8/CONTROL and the character count for LONG. */
enum text_check { TEXT_CHECK_OK = 0, TEXT_CHECK_UTF8, TEXT_CHECK_CONTROL, TEXT_CHECK_UNICODE, TEXT_CHECK_EMPTY,
		  TEXT_CHECK_LONG };
char *text_notice_check_why(const char *s, int max_chars, int *why, long *detail, char *err, size_t errlen);
#endif
/* The search key of a text: lower case, accents stripped (đ -> d), so
 * "Nguyễn Văn An", "NGUYEN VAN AN" and decomposed (NFD) input all give
 * "nguyen van an".  Writes at most outlen - 1 bytes, cut at a character,
 * NUL-terminated; returns the length.  Invalid UTF-8 stops the fold. */
size_t text_fold(const char *s, char *out, size_t outlen);
/* Writes s to f padded with spaces to `width` characters (code points, not
 * bytes, so Vietnamese names line up in terminal tables). */
void text_fpad(FILE *f, const char *s, int width);
