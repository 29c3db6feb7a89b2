/* visit — the visit list for people: the households of a notice that no
 * SMS or call reached, to be told in person, in walking order (hamlet,
 * then name: store_visit_list), and the rules for an officer's note on a
 * visit.  `loa visit` (app/cmd_visit.c) and the web page's visit list
 * (web/web_visit.c) share them; recording a visit is store_visit_mark. */
#ifndef LOA_VISIT_H
#define LOA_VISIT_H
#include "db/store_visit.h"
#include "domain/cause.h"

#include <stdio.h>

/* Why a note was refused, for callers that say it in their language. */
enum visit_note_check { VISIT_NOTE_OK = 0, VISIT_NOTE_UTF8, VISIT_NOTE_CONTROL, VISIT_NOTE_LONG };

/* An officer's note as it is stored: NFC, line breaks and tabs made
 * spaces, spaces at both ends trimmed, at most VISIT_NOTE_MAX characters.
 * Returns it (malloc'd), or NULL with *why. */
char *visit_note_clean(const char *in, enum visit_note_check *why);

/* The heading a row's group goes under: the group's display name, else its
 * code, else "" (no group: the caller says "Chưa có nhóm"). */
const char *visit_group_label(const struct visit_row *r);

/* The visit list of a notice as text (`loa visit ID --list`): the notice,
 * then one block per group, each household with a box to tick, its
 * phones, address, notes and what was tried (causes in `lang`), and a
 * closing count.  STORE_NOTFOUND: no such notice. */
int visit_list_text(struct store *st, int64_t notice_id, enum cause_lang lang, FILE *out);
#endif
