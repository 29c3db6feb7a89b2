/* household — what one household's row says: the column contract, the
 * values people write in each column (Vietnamese channel words, groups
 * written as names, phones as Excel mangles them), one row checked with
 * every problem it has (in two languages, domain/hh_msg.h), and list
 * --csv.  Shared by `loa household` (add, edit, list), the importer
 * (domain/hh_import.c) and the web page, so every entry path applies the
 * same rules. */
#ifndef LOA_HOUSEHOLD_H
#define LOA_HOUSEHOLD_H
#include "base/phone.h"
#include "db/store.h"
#include "domain/group.h"
#include "domain/hh_msg.h"

#include <stdio.h>

/* Fields a row may give, by the canonical (list --csv) column names of
 * household_columns; appended ones keep the older indices. */
enum hh_col { HH_NAME = 0, HH_PHONE, HH_GROUPS, HH_CHANNEL, HH_ACCENTS, HH_NOTE, HH_PHONE2, HH_ADDRESS, HH_NCOLS };

extern const char *const household_columns[HH_NCOLS];
/* The field in words ("second phone"): lang 0 in the locale's language,
 * 1 Vietnamese ("số điện thoại 2"), 2 English (logs). */
const char *household_field_words(enum hh_col c, int vi);
const char *household_channel_name(int channel);

/* ---- values ---- */
#define HH_GROUP_CODE_MAX GROUP_CODE_MAX /* domain/group.h */
#define HH_GROUP_NAME_MAX 100
#define HH_ROW_GROUPS 16

struct hh_group {
	char code[HH_GROUP_CODE_MAX + 1];
	char full[96];                    /* the code before it was cut to 32 */
	char name[HH_GROUP_NAME_MAX + 1]; /* as people write it; "" for a code */
};
/* The code of a group written as a name: accents stripped (đ -> d),
 * lower case, every run of other characters one '-', at most
 * HH_GROUP_CODE_MAX (cut at a '-' when it can).  "Xóm Đông Tiến" ->
 * "xom-dong-tien", "Tổ 5" -> "to-5".  -1 when nothing is left.  `full`
 * (may be NULL) gets the code before cutting. */
int household_group_code(const char *name, char *code, size_t len, char *full, size_t fulllen);
/* Accents stripped, lower case, one space between words: how names,
 * headers and words are compared ("Họ và  TÊN" -> "ho va ten").  Caller
 * frees. */
char *household_fold(const char *s);
/* "sms", "tin nhắn", "Gọi điện", "SMS + gọi", "cả hai", ... -> CH_*;
 * -1 if the words say no channel.  "" is 0 (not given). */
int household_channel_words(const char *s);

/* A phone cell as people and Excel write it. */
enum hh_phone_status { HHP_OK = 0, HHP_EMPTY, HHP_SCI, HHP_BAD, HHP_MANY };
struct hh_phone_cell {
	enum hh_phone_status status;
	int n;                  /* HHP_OK: 1 or 2 numbers */
	struct phone p[2];
	int lost0[2];           /* the number had lost its leading 0 */
	char raw[2][48];        /* each number as written */
	struct phone bad;       /* HHP_BAD: the cell's verdict (kind, why) */
};
void household_phone_cell(const char *cell, struct hh_phone_cell *out);

/* ---- one row ---- */
struct hh_row {
	struct household h;
	unsigned given;         /* 1u << HH_*: the row sets this field (channel
				   and accents: non-empty; phone2 also when the
				   phone cell held two numbers) */
	struct hh_group groups[HH_ROW_GROUPS];
	int ngroups;
	int converted;          /* numbers with an old prefix converted */
};
/* What to call each column in messages: "column Số ĐT (B)" and "cột Số
 * ĐT (B)" (NULL labels: none). */
struct hh_labels {
	const char *text[HH_NCOLS];
	const char *vi[HH_NCOLS];
};
/* Checks one row's fields (NULL: column absent; absent name or phone is
 * "empty"): every problem goes to `problems`, remarks to `remarks`, all
 * at `line`.  Returns the number of problems.  An absent or empty channel
 * is sms, voice for a landline (said by the caller: the importer keeps a
 * household's channel), accents yes. */
int household_row(const char *const f[HH_NCOLS], const struct hh_labels *lb /* or NULL */, int line, struct hh_row *out,
		  struct hh_msgs *problems, struct hh_msgs *remarks);

/* household_row for one household from the command line or a web form:
 * on a problem returns its field (enum hh_col) and the first problem's
 * text (without a column label) in why; else -1, and the remarks (old
 * number converted, landline set to voice...) joined by "; " in note. */
int household_from_fields(const char *const f[HH_NCOLS], struct household *h, char *why, size_t whylen,
			  char *note, size_t notelen);

/* ---- list --csv ---- */
/* The machine format (English headers): id, name, phone, phone2, groups,
 * channel, accents, address, note; the importer reads it back unchanged
 * (and by id with --update). */
int household_write_csv(struct store *st, const char *group, FILE *out);

#endif
