/* hh_msg — see hh_msg.h. */
#include "domain/hh_msg.h"

#include "base/i18n.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


/* Every message about a row, in English (translated by po/vi.po for the
 * command line) and in Vietnamese (the web page's, whatever the locale).
 * Both take the same arguments in the same order. */
static const struct {
	const char *en, *vi;
} says[HS_COUNT] = {
	[HS_EMPTY] = { N_("empty"), "trống" },
	[HS_LONG] = { N_("longer than %d bytes"), "dài quá %d byte" },
	[HS_UTF8] = { N_("not valid UTF-8 text"), "không phải văn bản UTF-8 hợp lệ" },
	[HS_PHONE_SCI] = { N_("'%s': Excel turned the number into scientific notation and its last digits are "
			      "lost; format the column as Text and type the number again"),
			   "'%s': Excel đã đổi số thành dạng số mũ (E+) nên mất các chữ số cuối; hãy định dạng cột "
			   "là Văn bản (Text) rồi gõ lại số" },
	[HS_PHONE_EMERGENCY] = { N_("'%s' is an emergency number, never a recipient"),
				 "'%s' là số khẩn cấp, không thể là số nhận thông báo" },
	[HS_PHONE_TOLLFREE] = { N_("'%s' is a toll-free number, never a recipient"),
				"'%s' là số miễn phí (1800), không thể là số nhận thông báo" },
	[HS_PHONE_PREMIUM] = { N_("'%s' is a premium number, never a recipient"),
			       "'%s' là số dịch vụ thu phí (1900), không thể là số nhận thông báo" },
	[HS_PHONE_SHORTCODE] = { N_("'%s' is a short code, never a recipient"),
				 "'%s' là đầu số ngắn, không thể là số nhận thông báo" },
	[HS_PHONE_MANY] = { N_("'%s' holds more than two numbers: write one number per cell (a second one may go "
			       "in a column such as \"SĐT 2\")"),
			    "'%s' có hơn hai số: mỗi ô chỉ ghi một số (số thứ hai ghi ở cột như \"SĐT 2\")" },
	[HS_PHONE_TWO_AND_PHONE2] = { N_("'%s' holds two numbers, and the second phone column already has '%s': "
					 "write one number per cell"),
				      "'%s' có hai số, mà cột số điện thoại thứ hai đã có '%s': mỗi ô chỉ ghi một số" },
	[HS_PHONE2_TWO] = { N_("'%s' holds more than one number: a household has at most two phones, one per "
			       "column"),
			    "'%s' có nhiều hơn một số: mỗi hộ có tối đa hai số, mỗi số một cột" },
	[HS_LANDLINE_SMS] = { N_("%s is a landline: it cannot receive SMS, use channel voice"),
			      "%s là số cố định: không nhận được tin nhắn, hãy chọn gọi điện" },
	[HS_CHANNEL] = { N_("'%s' is not a way to receive notices: write sms (tin nhắn), voice (gọi điện) or both "
			    "(cả hai)"),
			 "'%s' không phải cách nhận thông báo: hãy ghi tin nhắn, gọi điện hoặc cả hai" },
	[HS_YESNO] = { N_("'%s' is not yes or no (có/không)"), "'%s' không phải có hoặc không" },
	[HS_GROUP_ALL] = { N_("'%s' cannot be a group: \"all\" means every household"),
			   "'%s' không dùng làm nhóm được: \"all\" nghĩa là mọi hộ" },
	[HS_GROUP_NOCODE] = { N_("'%s' has no letter or digit to make a group code from"),
			      "'%s' không có chữ hay số nào để làm mã nhóm" },
	[HS_GROUPS_LONG] = { N_("too many groups (at most %d, their codes at most %d bytes in all)"),
			     "quá nhiều nhóm (tối đa %d nhóm, các mã nhóm cộng lại tối đa %d byte)" },
	[HS_GROUP_CLASH] = { N_("'%s' and '%s' (line %d) give the same group code %s: shorten one of the names"),
			     "'%s' và '%s' (dòng %d) cho cùng một mã nhóm %s: hãy rút gọn một trong hai tên" },
	[HS_ID] = { N_("'%s' is not a household id (the number in the id column of loa household list --csv)"),
		    "'%s' không phải mã hộ (số ở cột id của tệp xuất danh sách hộ)" },
	[HS_ID_UNKNOWN] = { N_("there is no household %s (removed, or the file comes from another Loa)"),
			    "không có hộ %s (đã bị bỏ, hoặc tệp lấy từ một máy Loa khác)" },
	[HS_ID_TWICE] = { N_("household %s is also on line %d"), "hộ %s cũng có ở dòng %d" },
	[HS_REGISTERED_CLI] = { N_("%s is already registered to household %lld (%s): use --update to change "
				   "existing households"),
				"%s đã có ở hộ %lld (%s): dùng --update để sửa các hộ đã có" },
	[HS_REGISTERED_WEB] = { N_("%s is already registered to household %lld (%s): tick \"Update existing "
				   "households\" to change them"),
				"%s đã có ở hộ %lld (%s): hãy chọn ô \"Cập nhật các hộ đã có\" để sửa các hộ này" },
	[HS_AMBIGUOUS] = { N_("%s is the phone of several households (%s): add an id column (loa household list "
			      "--csv writes it) to say which"),
			   "%s là số của nhiều hộ (%s): hãy thêm cột id (tệp xuất danh sách hộ có cột này) để chỉ rõ "
			   "hộ nào" },
	[HS_DUP_ROW] = { N_("repeats line %d (same name and phone)"), "lặp lại dòng %d (cùng tên và số điện thoại)" },
	[HS_NO_HEADER] = { N_("no header row in the first %d rows: it needs a name column (such as \"Họ và tên\") "
			      "and a phone column (such as \"Số ĐT\")"),
			   "không thấy hàng tiêu đề trong %d dòng đầu: cần một cột tên (như \"Họ và tên\") và một "
			   "cột số điện thoại (như \"Số ĐT\")" },
	[HS_EMPTY_FILE] = { N_("empty file: no rows"), "tệp trống: không có dòng nào" },
	[HS_HEADER_TWICE] = { N_("columns %s and %s both mean %s"), "cột %s và cột %s cùng là %s" },
	[HS_NO_ROWS_DEACTIVATE] = { N_("no household rows: deactivating the households missing from the file "
				       "would deactivate every household"),
				    "không có dòng hộ nào: bỏ các hộ không có trong tệp sẽ bỏ mọi hộ" },
	[HS_CONVERTED] = { N_("old number %s converted to %s"), "số cũ %s đã đổi thành %s" },
	[HS_LOST_ZERO] = { N_("%s had lost its leading 0 (Excel drops it): read as %s; format the column as Text"),
			   "%s bị mất số 0 ở đầu (Excel tự bỏ): đọc là %s; hãy định dạng cột là Văn bản (Text)" },
	[HS_TWO_NUMBERS] = { N_("'%s' holds two numbers: %s is the phone, %s the second phone"),
			     "'%s' có hai số: %s là số chính, %s là số thứ hai" },
	[HS_LANDLINE_VOICE] = { N_("landline %s: channel set to voice"), "số cố định %s: cách nhận đặt là gọi điện" },
	[HS_PHONE2_LANDLINE] = { N_("second phone %s is a landline: only calls reach it"),
				 "số thứ hai %s là số cố định: chỉ gọi điện được" },
	[HS_PHONE2_SAME] = { N_("the second phone is the phone again: ignored"), "số thứ hai trùng số chính: bỏ qua" },
	[HS_SHARED] = { N_("%s is also the phone of %s"), "%s cũng là số của %s" },
	[HS_UNKNOWN_COLUMNS] = { N_("columns not used: %s"), "các cột không dùng: %s" },
	[HS_TITLE_ROWS] = { N_("header row (the %d rows above it are skipped)"),
			    "hàng tiêu đề (bỏ qua %d dòng phía trên)" },
	[HS_RENAMED_BY_PHONE] = { N_("matched to household %lld (%s) by its phone: the name becomes %s (another "
				     "household sharing the phone? add it with loa household add)"),
				  "khớp với hộ %lld (%s) theo số điện thoại: tên đổi thành %s (nếu là một hộ khác dùng "
				  "chung số, hãy thêm hộ đó riêng)" },
	[HS_MATCHED_BY_NAME] = { N_("matched to household %lld (%s) by its name: the phone changes from %s to %s"),
				 "khớp với hộ %lld (%s) theo tên: số điện thoại đổi từ %s thành %s" },
	[HS_COLUMN] = { N_("column %s"), "cột %s" },
	[HS_HEADER] = { N_("header"), "hàng tiêu đề" },
	[HS_LINE_NAME] = { N_("line %d (%s)"), "dòng %d (%s)" },
	[HS_HOUSEHOLD_NAME] = { N_("household %lld (%s)"), "hộ %lld (%s)" },
};

/* base/phone.c's reasons for an invalid number. */
static const struct {
	const char *en, *vi;
} phone_whys[] = {
	{ N_("'+' only at the start"), "dấu + chỉ được ở đầu số" },
	{ N_("contains a character that is not a digit"), "có ký tự không phải chữ số" },
	{ N_("too many digits"), "quá nhiều chữ số" },
	{ N_("empty"), "trống" },
	{ N_("foreign number (only +84 is accepted)"), "số nước ngoài (chỉ nhận số +84)" },
	{ N_("unknown old mobile prefix"), "đầu số di động cũ không có thật" },
	{ N_("not a Vietnamese mobile (10 digits, 03/05/07/08/09) or landline (11 digits, 02)"),
	  "không phải số di động Việt Nam (10 số, đầu 03/05/07/08/09) hay số cố định (11 số, đầu 02)" },
};

const char *hh_msg_format(enum hh_msg_kind k, int vi)
{
	if ((unsigned)k >= HS_COUNT)
		return "?";
	return vi ? says[k].vi : _(says[k].en);
}

const char *hh_msg_phone_why(const char *why, int vi)
{
	for (size_t i = 0; i < ARRAY_LEN(phone_whys); i++)
		if (strcmp(why, phone_whys[i].en) == 0)
			return vi ? phone_whys[i].vi : _(phone_whys[i].en);
	return why;
}

int hh_msg_phone_why_count(void)
{
	return (int)ARRAY_LEN(phone_whys);
}

const char *hh_msg_phone_why_at(int i, int vi)
{
	if (i < 0 || i >= hh_msg_phone_why_count())
		return "?";
	return vi ? phone_whys[i].vi : phone_whys[i].en;
}

void hh_msg_add(struct hh_msgs *m, int line, int col, const char *text, const char *vi)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = xrealloc(m->v, (size_t)m->cap * sizeof *m->v);
	}
	m->v[m->n].line = line;
	m->v[m->n].col = col;
	m->v[m->n].text = xstrdup(text);
	m->v[m->n].vi = xstrdup(vi);
	m->n++;
}

void hh_msg_free(struct hh_msgs *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->v[i].text);
		free(m->v[i].vi);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

void hh_msg_sort(struct hh_msgs *m)
{
	/* insertion sort: stable, and the messages come nearly in order */
	for (int i = 1; i < m->n; i++) {
		struct hh_msg x = m->v[i];
		int j = i;
		while (j > 0 && m->v[j - 1].line > x.line) {
			m->v[j] = m->v[j - 1];
			j--;
		}
		m->v[j] = x;
	}
}

void hh_msg_vsay(struct hh_msgs *m, int line, int col, const char *label, const char *label_vi,
		   enum hh_msg_kind k, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	struct sbuf t, v;
	sbuf_init(&t);
	sbuf_init(&v);
	if (label)
		sbuf_printf(&t, "%s: ", label);
	if (label_vi)
		sbuf_printf(&v, "%s: ", label_vi);
	sbuf_vprintf(&t, hh_msg_format(k, 0), ap);
	sbuf_vprintf(&v, hh_msg_format(k, 1), ap2);
	va_end(ap2);
	hh_msg_add(m, line, col, t.s ? t.s : "", v.s ? v.s : "");
	sbuf_free(&t);
	sbuf_free(&v);
}

void hh_msg_say(struct hh_msgs *m, int line, int col, const char *label, const char *label_vi, enum hh_msg_kind k,
		...)
{
	va_list ap;
	va_start(ap, k);
	hh_msg_vsay(m, line, col, label, label_vi, k, ap);
	va_end(ap);
}

char *hh_msg_sayf(int vi, enum hh_msg_kind k, ...)
{
	va_list ap;
	va_start(ap, k);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_vprintf(&b, hh_msg_format(k, vi), ap);
	va_end(ap);
	return sbuf_take(&b);
}
