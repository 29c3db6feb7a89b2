/* hh_msg — what Loa says about the rows of a household sheet: every
 * problem and remark in two languages at once, in the locale's (gettext,
 * po/vi.po) for the command line and in Vietnamese for the web page,
 * whatever the process's locale (the page is always Vietnamese).  The
 * English texts are N_() marked in one table beside their Vietnamese, with
 * the same arguments; tests/unit/test_import.c checks the table and
 * po/vi.po agree. */
#ifndef LOA_HH_MSG_H
#define LOA_HH_MSG_H
#include <stdarg.h>

struct hh_msg {
	int line;        /* line of the file (0: the file as a whole) */
	int col;         /* the field (enum hh_col) it is about, or -1 */
	char *text;      /* in the locale's language */
	char *vi;        /* in Vietnamese */
};
struct hh_msgs {
	struct hh_msg *v;
	int n, cap;
};
void hh_msg_free(struct hh_msgs *m);
/* Sorts by line, keeping the order within a line. */
void hh_msg_sort(struct hh_msgs *m);

/* What each message says (the table in hh_msg.c). */
enum hh_msg_kind {
	HS_EMPTY, HS_LONG, HS_UTF8,
	HS_PHONE_SCI, HS_PHONE_EMERGENCY, HS_PHONE_TOLLFREE, HS_PHONE_PREMIUM, HS_PHONE_SHORTCODE,
	HS_PHONE_MANY, HS_PHONE_TWO_AND_PHONE2, HS_PHONE2_TWO, HS_LANDLINE_SMS,
	HS_CHANNEL, HS_YESNO, HS_GROUP_ALL, HS_GROUP_NOCODE, HS_GROUPS_LONG, HS_GROUP_CLASH,
	HS_ID, HS_ID_UNKNOWN, HS_ID_TWICE, HS_REGISTERED_CLI, HS_REGISTERED_WEB, HS_AMBIGUOUS,
	HS_DUP_ROW, HS_NO_HEADER, HS_EMPTY_FILE, HS_HEADER_TWICE, HS_NO_ROWS_DEACTIVATE,
	/* remarks */
	HS_CONVERTED, HS_LOST_ZERO, HS_TWO_NUMBERS, HS_LANDLINE_VOICE, HS_PHONE2_LANDLINE, HS_PHONE2_SAME,
	HS_SHARED, HS_UNKNOWN_COLUMNS, HS_TITLE_ROWS, HS_RENAMED_BY_PHONE, HS_MATCHED_BY_NAME,
	/* pieces of other messages */
	HS_COLUMN, HS_HEADER, HS_LINE_NAME, HS_HOUSEHOLD_NAME,
	HS_COUNT
};
/* Adds "LABEL: message" (no label: just the message) at `line` about
 * field `col` (-1: none): label in the locale's language, label_vi in
 * Vietnamese; the arguments (only %s, %d and %lld) are the same for both. */
void hh_msg_say(struct hh_msgs *m, int line, int col, const char *label, const char *label_vi, enum hh_msg_kind k,
		...);
void hh_msg_vsay(struct hh_msgs *m, int line, int col, const char *label, const char *label_vi,
		 enum hh_msg_kind k, va_list ap);
/* The message's format in the locale's language or in Vietnamese
 * (tests compare them with po/vi.po). */
const char *hh_msg_format(enum hh_msg_kind k, int vi);
/* One message alone, formatted in the locale's language or Vietnamese
 * (pieces such as HS_LINE_NAME for other messages).  Caller frees. */
char *hh_msg_sayf(int vi, enum hh_msg_kind k, ...);
/* Adds a message made elsewhere (both texts copied). */
void hh_msg_add(struct hh_msgs *m, int line, int col, const char *text, const char *vi);
/* The same for the reasons base/phone.c gives: its English `why`
 * translated (the locale's language or Vietnamese); unknown ones as is. */
const char *hh_msg_phone_why(const char *why, int vi);
int hh_msg_phone_why_count(void);
const char *hh_msg_phone_why_at(int i, int vi);
#endif
