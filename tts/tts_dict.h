/* tts_dict — the user-extendable word lists of the speech front end:
 * abbreviations (UBND -> ủy ban nhân dân) and loanwords (Zalo -> da lô).
 *
 * A dictionary is a UTF-8 text file, one entry per line:
 *     KEY<TAB>spoken words
 * Blank lines and lines starting with '#' are ignored.  Keys are matched
 * exactly (abbreviations) or ignoring case (loanwords); the spoken side may
 * hold only letters, spaces and hyphens, so a dictionary can never put a
 * digit or markup into the speech.  Every problem is reported as one line
 * "file:line: problem". */
#ifndef LOA_TTS_DICT_H
#define LOA_TTS_DICT_H
#include <stddef.h>

struct tts_dict;

enum tts_dict_kind { TTS_DICT_ABBREV = 0, TTS_DICT_LOAN };

/* Parses `text` (named `name` in messages).  0 ok, -1 with err set. */
int tts_dict_parse(struct tts_dict **out, enum tts_dict_kind kind, const char *name,
		   const char *text, char *err, size_t errlen);
/* Reads and parses a file.  0 ok, -1 with err set. */
int tts_dict_load(struct tts_dict **out, enum tts_dict_kind kind, const char *path, char *err,
		  size_t errlen);
void tts_dict_free(struct tts_dict *d);
size_t tts_dict_size(const struct tts_dict *d);

/* Abbreviations: the longest key that is a prefix of s[0..n), or NULL.
 * *keylen receives its length in bytes.  Boundary checks are the caller's. */
const char *tts_dict_prefix(const struct tts_dict *d, const char *s, size_t n, size_t *keylen);
/* Whole-word lookup; case-insensitive for a LOAN dictionary, otherwise
 * exact.  NULL when absent. */
const char *tts_dict_word(const struct tts_dict *d, const char *w, size_t n);
#endif
