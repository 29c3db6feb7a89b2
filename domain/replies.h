/* replies — the words of the SMS replies to a head or an officer: what a
 * refused notice plan means (from its `why` code, never the CLI's English
 * `err`), the list of groups a head may use, a preview's excerpt of a long
 * text (its start and its end), and how a typed group code is matched to
 * the village's groups (without hyphens, spaces, accents or case).
 *
 * Every reply is unaccented and fits one GSM 7-bit SMS (REPLY_MAX septets):
 * the variable parts (group lists, excerpts) are cut to the room the rest
 * leaves; tests/unit/test_replies.c checks each template with the longest
 * values. */
#ifndef LOA_REPLIES_H
#define LOA_REPLIES_H
#include "domain/notice.h"

#include <stddef.h>

#define REPLY_MAX 160

/* `code` as a key for matching: accents stripped, lower case, without
 * '-', '_', spaces and punctuation ("Đông Tiến" -> "dongtien"). */
void reply_group_key(const char *code, char *key, size_t n);
/* Joins `codes` (n of them) with ", " into out while it fits in `room`
 * septets; a list that had to be cut ends with ", ..." (within room). */
void reply_group_list(const char *const *codes, int n, int room, char *out, size_t outlen);
/* out = before + '"' + excerpt of text + '"' + after, in <= REPLY_MAX
 * septets: the whole text when it fits (and is at most 75 characters),
 * else its first and last characters around " ... " (40 and 30 at most). */
void reply_with_excerpt(char *out, size_t n, const char *before, const char *text, const char *after);
/* The reply to a refused plan (p->why); `groups` the head's valid groups,
 * comma-separated, for an unknown group.  Fits REPLY_MAX. */
void reply_plan_refused(const struct notice_plan *p, int channels, const char *groups, char *out, size_t n);
/* Cuts `out` so that it fits REPLY_MAX septets once stripped (a safety net
 * for replies built from stored strings). */
void reply_fit(char *out);
struct store;
/* The groups a head may use (`mine`, space- or comma-separated, or every
 * group of the village when empty) as a list fitting `room` septets. */
void reply_valid_groups(struct store *st, const char *mine, int room, char *out, size_t n);
/* Turns the typed group codes (comma-separated, or "all") into the
 * village's ("dongtien", "Dong Tien", "Đông Tiến" -> "dong-tien") when
 * exactly one group matches; a code typed in words takes the first words
 * of *body ("TB Dong Tien hop..." was parsed as group "dong", text "Tien
 * hop...") and moves *body past them.  0, or -1 with the reason (English,
 * for the inbox) in why and the reply in text. */
int reply_resolve_groups(struct store *st, const char *mine, const char *typed, char *out, size_t outlen,
			 const char **body, char *why, size_t whylen, char *text, size_t textlen);
#endif
