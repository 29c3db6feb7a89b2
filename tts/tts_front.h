/* tts_front — the speech front end: notice text in, the words espeak-ng
 * will say out.  Pure: no I/O, no global state; the same input and options
 * always give the same output.
 *
 * The rules are those of the README chapter "Speech", in
 * that order of priority: vehicle plates, short money ("2tr5"), numbers to
 * note down (account, ID, tax and SMS codes after a cue word or by their
 * shape) and phone numbers and hotlines digit by digit in the writer's
 * groups, date ranges, dates, "tháng M/yyyy", short dates in a
 * date's context, fractions of something and map scales, times, time
 * ranges and durations, Roman numerals after a keyword, weekdays and
 * ordinals, money, per-unit slashes, percentages, units, wind levels,
 * numeric ranges, leading zeros, abbreviations (dictionary), all-caps
 * Vietnamese syllables (KHẨN -> khẩn), unknown acronyms spelled with
 * Vietnamese letter names, loanwords (dictionary), remaining numbers as
 * cardinals with "phẩy" decimals, symbols.  The result never contains a
 * digit or an unexpanded all-caps acronym. */
#ifndef LOA_TTS_FRONT_H
#define LOA_TTS_FRONT_H
#include "tts/tts_dict.h"
#include "tts/tts_num.h"

#include <stddef.h>

struct tts_config;

/* Bump when a rule changes what is spoken: it is part of the audio cache
 * key, so old renderings are not reused. */
#define TTS_FRONT_VERSION "2"
/* Input beyond this many bytes is ignored (a notice is at most 5000 chars). */
#define TTS_FRONT_MAX_IN 65536

/* Pauses between the parts of a notice, in milliseconds (SSML output). */
#define TTS_PAUSE_HEADING_MS 700
#define TTS_PAUSE_ITEM_MS 500
#define TTS_PAUSE_SENTENCE_MS 900

struct tts_opts {
	struct tts_style style;
	const struct tts_dict *abbrev; /* may be NULL: no abbreviations */
	const struct tts_dict *loan;   /* may be NULL: no loanwords */
	/* 0: plain text (pauses are ',' and '.'); 1: SSML for espeak-ng, with
	 * <break/> after the heading, between items and between sentences. */
	int ssml;
};

/* Options with the default style and no dictionaries. */
void tts_front_opts_init(struct tts_opts *o);
/* Style from the config and both dictionaries loaded (config paths, else
 * cfg->datadir/abbreviations.tsv and loanwords.tsv).  0 ok, -1 with err
 * (one line naming file:line for a bad dictionary line). */
int tts_front_load(struct tts_opts *o, const struct tts_config *cfg, char *err, size_t errlen);
/* Frees the dictionaries tts_front_load loaded. */
void tts_front_unload(struct tts_opts *o);

/* The spoken text for `text` (any bytes; invalid UTF-8 is skipped).  Never
 * NULL; caller frees. */
char *tts_frontend(const struct tts_opts *o, const char *text);
#endif
