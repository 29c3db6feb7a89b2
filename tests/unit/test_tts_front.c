/* Speech front end: every rule and example of the "reading notices aloud"
 * rules, the reference sentences, realistic notices, dictionaries.
 * Needs LOA_DATADIR pointing at configs/ (tests/run.sh sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/config.h"
#include "tests/testcfg.h"
#include "tts/tts_dict.h"
#include "tts/tts_front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static struct tts_opts O;


static int setup(void **state)
{
	(void)state;
	struct tts_config c;
	tts_defaults(&c);
	char err[512];
	if (tts_front_load(&O, &c, err, sizeof err) != 0) {
		fprintf(stderr, "cannot load dictionaries (LOA_DATADIR=%s): %s\n", getenv("LOA_DATADIR"), err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tts_front_unload(&O);
	return 0;
}

static void eq_o(const struct tts_opts *o, const char *in, const char *want)
{
	char *got = tts_frontend(o, in);
	if (strcmp(got, want) != 0)
		fail_msg("\n  in:   %s\n  got:  %s\n  want: %s", in, got, want);
	free(got);
}

#define EQ(in, want) eq_o(&O, in, want)

static void has(const char *in, const char *sub)
{
	char *got = tts_frontend(&O, in);
	if (!strstr(got, sub))
		fail_msg("\n  in:   %s\n  got:  %s\n  want to contain: %s", in, got, sub);
	free(got);
}

/* The spoken text has no digit and no word of two or more capitals. */
static void clean(const char *in)
{
	char *got = tts_frontend(&O, in);
	for (const char *p = got; *p; p++)
		if (*p >= '0' && *p <= '9')
			fail_msg("digit in spoken text:\n  in:  %s\n  out: %s", in, got);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)got;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(got);
	int caps = 0;
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		assert_true(k > 0);
		utf8proc_category_t cat = utf8proc_category(c);
		if (cat == UTF8PROC_CATEGORY_LU)
			caps++;
		else if (cat != UTF8PROC_CATEGORY_LL && cat != UTF8PROC_CATEGORY_MN)
			caps = 0;
		if (caps >= 2)
			fail_msg("all-caps word in spoken text:\n  in:  %s\n  out: %s", in, got);
		p += k;
		left -= k;
	}
	free(got);
}

/* Every line of the reference table (written text, one acceptable form). */
static void test_reference_sentences(void **state)
{
	(void)state;
	EQ("Mức đóng là 1.500.000 đồng/năm.", "Mức đóng là một triệu năm trăm nghìn đồng một năm.");
	EQ("Năm 2026 xã có 15 thôn.", "Năm hai nghìn không trăm hai mươi sáu xã có mười lăm thôn.");
	EQ("Sáng ngày 5/12, tiêm phòng cho đàn lợn.", "Sáng ngày năm tháng mười hai, tiêm phòng cho đàn lợn.");
	EQ("Làm việc từ 7h30-11h và 13h30-17h.",
	   "Làm việc từ bảy giờ ba mươi phút đến mười một giờ và từ mười ba giờ ba mươi phút đến mười bảy giờ.");
	EQ("Đúng 7 giờ sáng mai.", "Đúng bảy giờ sáng mai.");
	EQ("Gọi 0912345678 hoặc +84 912 345 678.",
	   "Gọi không chín một hai, ba bốn năm, sáu bảy tám hoặc cộng tám tư, chín một hai, ba bốn năm, sáu bảy tám.");
	EQ("Khi có cháy gọi 114.", "Khi có cháy gọi một một bốn.");
	EQ("Tỷ lệ tham gia BHYT đạt 95,5%.", "Tỷ lệ tham gia bảo hiểm y tế đạt chín mươi lăm phẩy năm phần trăm.");
	EQ("UBND xã thông báo: HĐND xã khóa XII họp kỳ thứ 3.",
	   "ủy ban nhân dân xã thông báo, hội đồng nhân dân xã khóa mười hai họp kỳ thứ ba.");
	EQ("Học sinh THCS nghỉ học ngày 28-29/9/2026.",
	   "Học sinh trung học cơ sở nghỉ học từ ngày hai mươi tám đến ngày hai mươi chín tháng chín năm hai nghìn "
	   "không trăm hai mươi sáu.");
	EQ("TP. Đồng Hới, tp.Đông Hà, v.v.", "thành phố Đồng Hới, thành phố Đông Hà, vân vân.");
	EQ("Gió mạnh cấp 8-9, giật cấp 11.", "Gió mạnh cấp tám đến cấp chín, giật cấp mười một.");
	EQ("Theo Quyết định số 1234/QĐ-UBND ngày 15/01/2026.",
	   "Theo Quyết định số một nghìn hai trăm ba mươi tư ngày mười lăm tháng một năm hai nghìn không trăm hai "
	   "mươi sáu.");
	EQ("Giá vắc xin 75.000đ/liều.", "Giá vắc xin bảy mươi lăm nghìn đồng một liều.");
	EQ("Ngân hàng CSXH giao dịch tại điểm xã ngày 10 hằng tháng.",
	   "Ngân hàng chính sách xã hội giao dịch tại điểm xã ngày mười hằng tháng.");
	EQ("Tháng 4/2026 chi trả lương hưu.", "Tháng tư năm hai nghìn không trăm hai mươi sáu chi trả lương hưu.");
}

/* The examples of the rules table, in its order. */
static void test_rule_examples(void **state)
{
	(void)state;
	EQ("SĐT 0912.345.678", "số điện thoại không chín một hai, ba bốn năm, sáu bảy tám");
	EQ("+84 912 345 678", "cộng tám tư, chín một hai, ba bốn năm, sáu bảy tám");
	EQ("1900 9068", "một chín không không, chín không sáu tám");
	EQ("gọi 114", "gọi một một bốn");
	EQ("28-29/9/2026",
	   "từ ngày hai mươi tám đến ngày hai mươi chín tháng chín năm hai nghìn không trăm hai mươi sáu");
	EQ("20/11/2026", "ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu");
	EQ("ngày 20/11/2026", "ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu");
	EQ("tháng 4/2026", "tháng tư năm hai nghìn không trăm hai mươi sáu");
	EQ("thứ 6 (5/12)", "thứ sáu, ngày năm tháng mười hai");
	EQ("7h30", "bảy giờ ba mươi phút");
	EQ("14:00", "mười bốn giờ");
	EQ("7h30-11h", "từ bảy giờ ba mươi phút đến mười một giờ");
	EQ("khóa XII", "khóa mười hai");
	EQ("báo động III", "báo động ba");
	EQ("thứ 2", "thứ hai");
	EQ("thứ 4", "thứ tư");
	EQ("CN", "chủ nhật");
	EQ("75.000đ", "bảy mươi lăm nghìn đồng");
	EQ("75.000đ/liều", "bảy mươi lăm nghìn đồng một liều");
	EQ("95,5%", "chín mươi lăm phẩy năm phần trăm");
	EQ("200-350mm", "từ hai trăm đến ba trăm năm mươi mi li mét");
	EQ("22kV", "hai mươi hai ki lô vôn");
	EQ("cấp 10-11, giật cấp 13", "cấp mười đến cấp mười một, giật cấp mười ba");
	EQ("15-20", "mười lăm đến hai mươi");
	EQ("01 người", "một người");
	EQ("KHẨN", "khẩn");
	EQ("GPS", "giê pê ét");
	EQ("Zalo", "da lô");
	EQ("OTP", "ô tê pê");
	EQ("vitamin", "vi ta min");
	EQ("15 thôn", "mười lăm thôn");
	EQ("1.020 người", "một nghìn không trăm hai mươi người");
	EQ("105 hộ", "một trăm linh năm hộ");
	EQ("1.263.600 đồng", "một triệu hai trăm sáu mươi ba nghìn sáu trăm đồng");
	/* what raw espeak-ng got wrong */
	EQ("1.250.000đ", "một triệu hai trăm năm mươi nghìn đồng");
	EQ("25°C", "hai mươi lăm độ xê");
	EQ("Quý IV", "Quý bốn");
}

static void test_abbreviations(void **state)
{
	(void)state;
	EQ("UBND HĐND BHYT BHXH", "ủy ban nhân dân hội đồng nhân dân bảo hiểm y tế bảo hiểm xã hội");
	EQ("NHCSXH", "ngân hàng chính sách xã hội");
	EQ("Ngân hàng CSXH", "Ngân hàng chính sách xã hội");
	EQ("MTTQ THCS CCCD SĐT TYT", "mặt trận tổ quốc trung học cơ sở căn cước công dân số điện thoại trạm y tế");
	EQ("PCTT&TKCN", "phòng chống thiên tai và tìm kiếm cứu nạn");
	EQ("PCTT và TK&VV", "phòng chống thiên tai và tiết kiệm và vay vốn");
	EQ("LMLM, DTLCP, NTM, HTX", "lở mồm long móng, dịch tả lợn châu Phi, nông thôn mới, hợp tác xã");
	EQ("T/M UBND xã", "thay mặt ủy ban nhân dân xã");
	EQ("Đ/c Minh", "đồng chí Minh");
	/* an abbreviation inside a longer capital word is not expanded */
	EQ("UBNDX", "u bê en dê ích");
}

static void test_caps_and_acronyms(void **state)
{
	(void)state;
	EQ("KHẨN!", "khẩn!");
	EQ("THÔNG BÁO KHẨN CẤP", "thông báo khẩn cấp");
	EQ("BÃO SỐ 6", "bão số sáu");
	EQ("HLV", "hát e lờ vê");
	EQ("VNeID", "vê en e i đi");
	EQ("ZALO zalo", "da lô da lô");
	EQ("khu B", "khu bê");
	EQ("cúm H5N1", "cúm hát năm en một");
	EQ("mạng 4G", "mạng bốn giê");
	clean("KH KHẨN KHÁNH NGHIÊNG GIƯỜNG QUYẾT UBND XYZ ĐĐ TYT BCH");
}

static void test_roman(void **state)
{
	(void)state;
	EQ("Quý IV năm nay", "Quý bốn năm nay");
	EQ("quý II", "quý hai");
	EQ("Đại hội XIII", "Đại hội mười ba");
	EQ("kỳ họp thứ VII", "kỳ họp thứ bảy");
	EQ("lần thứ IV", "lần thứ tư");
	EQ("đợt II", "đợt hai");
	EQ("báo động I", "báo động một");
	EQ("thế kỷ XXI", "thế kỷ hai mươi mốt");
	/* a person named Vi, and capitals without a keyword, are not numbers */
	EQ("Chị Vi đến nhận quà.", "Chị Vi đến nhận quà.");
	EQ("ông VI", "ông vi");
	EQ("cho MIX", "cho em i ích");
	EQ("khóa IIII", "khóa i i i i");
}

static void test_dates(void **state)
{
	(void)state;
	EQ("Từ ngày 15-20/3/2026", "Từ ngày mười lăm đến ngày hai mươi tháng ba năm hai nghìn không trăm hai mươi sáu");
	EQ("từ 2-4/1/2027", "từ ngày hai đến ngày bốn tháng một năm hai nghìn không trăm hai mươi bảy");
	EQ("28/9-2/10/2026", "từ ngày hai mươi tám tháng chín đến ngày hai tháng mười năm hai nghìn không trăm hai "
			     "mươi sáu");
	EQ("đến hết ngày 28/9", "đến hết ngày hai mươi tám tháng chín");
	EQ("tháng 01/2027", "tháng một năm hai nghìn không trăm hai mươi bảy");
	EQ("chiều 3/2", "chiều ngày ba tháng hai");
	EQ("ngày 24/4", "ngày hai mươi tư tháng tư");
	EQ("20-11-2026", "ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu");
	/* invalid dates and bare fractions are not dates */
	EQ("32/13/2026", "ba mươi hai trên mười ba trên hai nghìn không trăm hai mươi sáu");
	EQ("tỷ lệ 3/4", "tỷ lệ ba trên bốn");
	EQ("5/12 hộ", "năm trên mười hai hộ");
}

static void test_times(void **state)
{
	(void)state;
	EQ("19h30 tối", "mười chín giờ ba mươi phút tối");
	EQ("7h05", "bảy giờ năm phút");
	EQ("7H", "bảy giờ");
	EQ("7g30", "bảy giờ ba mươi phút");
	EQ("từ 7h30 đến 16h30", "từ bảy giờ ba mươi phút đến mười sáu giờ ba mươi phút");
	EQ("7h-11h", "từ bảy giờ đến mười một giờ");
	EQ("từ 7h-11h", "từ bảy giờ đến mười một giờ");
	EQ("14:00-16:30", "từ mười bốn giờ đến mười sáu giờ ba mươi phút");
	EQ("7-11h", "từ bảy giờ đến mười một giờ");
	EQ("trước 17h chiều nay", "trước mười bảy giờ chiều nay");
	EQ("3ha lúa", "ba héc ta lúa");    /* h followed by a letter is not an hour */
	EQ("25:99", "hai mươi lăm, chín mươi chín");
}

static void test_money_units_percent(void **state)
{
	(void)state;
	EQ("50k", "năm mươi nghìn đồng");
	EQ("2tr", "hai triệu đồng");
	EQ("100.000 VNĐ", "một trăm nghìn đồng");
	EQ("100.000VND", "một trăm nghìn đồng");
	EQ("1.500.000 đồng/năm", "một triệu năm trăm nghìn đồng một năm");
	EQ("30.000đ/kg", "ba mươi nghìn đồng một ki lô gam");
	EQ("10-15%", "từ mười đến mười lăm phần trăm");
	EQ("khoảng 10-15%", "khoảng mười đến mười lăm phần trăm");
	EQ("3,5 triệu", "ba phẩy năm triệu");
	EQ("0,05 ha", "không phẩy không năm héc ta");
	EQ("trên 450 mm", "trên bốn trăm năm mươi mi li mét");
	EQ("60 km/h", "sáu mươi ki lô mét một giờ");
	EQ("50kg", "năm mươi ki lô gam");
	EQ("2 m²", "hai mét vuông");
	EQ("100m2", "một trăm mét vuông");
	EQ("-5°C", "âm năm độ xê");
	EQ("220V", "hai trăm hai mươi vôn");
	EQ("5 km", "năm ki lô mét");
	EQ("10 người/hộ", "mười người một hộ");
}

static void test_phones(void **state)
{
	(void)state;
	EQ("0912 345 678", "không chín một hai, ba bốn năm, sáu bảy tám");
	EQ("091-234-5678", "không chín một, hai ba bốn, năm sáu bảy tám");
	EQ("+84912345678", "cộng tám tư, chín một hai, ba bốn năm, sáu bảy tám");
	EQ("(0233) 3852 456", "không hai ba ba, ba tám năm hai, bốn năm sáu");
	EQ("0233 3999 113", "không hai ba ba, ba chín chín chín, một một ba");
	EQ("19001234", "một chín không không, một hai ba bốn");
	EQ("1800 1091", "một tám không không, một không chín một");
	EQ("gọi số 113", "gọi số một một ba");
	/* 113 without a call cue is a quantity */
	EQ("có 113 hộ", "có một trăm mười ba hộ");
	EQ("0123456", "không một hai ba bốn năm sáu");
}

static void test_symbols_and_pauses(void **state)
{
	(void)state;
	EQ("A & B", "a và bê");
	EQ("2 + 3 = 5", "hai cộng ba bằng năm");
	EQ("lợn, trâu, bò", "lợn, trâu, bò");
	EQ("họp thôn - bình xét", "họp thôn, bình xét");
	EQ("(ghi chú)", "ghi chú");
	EQ("Thông báo\nHọp thôn lúc 7h", "Thông báo. Họp thôn lúc bảy giờ");
	EQ("Họp:\n- Bình xét\n- Bầu tổ trưởng", "Họp, Bình xét. Bầu tổ trưởng");
	EQ("Xong...", "Xong.");
	EQ("Ai?", "Ai?");
	EQ("“Bà con” chú ý", "Bà con chú ý");
	EQ("", "");
	EQ("   \n\n ", "");
}

static void test_ssml_pauses(void **state)
{
	(void)state;
	struct tts_opts o = O;
	o.ssml = 1;
	eq_o(&o, "Thông báo: Họp thôn. Mang CCCD; ghế.",
	     "<speak>Thông báo, <break time=\"700ms\"/> Họp thôn. <break time=\"900ms\"/> Mang căn cước công dân, "
	     "<break time=\"500ms\"/> ghế.</speak>");
	/* a later colon is an ordinary pause */
	eq_o(&o, "Họp. Gọi: 114", "<speak>Họp. <break time=\"900ms\"/> Gọi, một một bốn</speak>");
}

static void test_styles_in_text(void **state)
{
	(void)state;
	struct tts_opts o = O;
	o.style.ngan = 1;
	o.style.le = 1;
	eq_o(&o, "75.000đ, 105 hộ, 50k", "bảy mươi lăm ngàn đồng, một trăm lẻ năm hộ, năm mươi ngàn đồng");
	o.style.khong_tram = 0;
	eq_o(&o, "năm 2026", "năm hai ngàn hai mươi sáu");
}

static void test_nfd_input(void **state)
{
	(void)state;
	/* "Thông báo khẩn" typed decomposed (as Word and some keyboards do) */
	EQ("Tho\xcc\x82ng ba\xcc\x81o kha\xcc\x82\xcc\x89n", "Thông báo khẩn");
	EQ("KHA\xcc\x82\xcc\x89N", "khẩn");
}

static const char *const notices[] = {
	"Thông báo: 19h30 tối thứ 6 (5/12) họp thôn Đông Tiến tại nhà văn hóa, bình xét hộ nghèo năm 2027. Mỗi hộ "
	"cử 01 người dự họp. Ban QL thôn.",
	"UBND xã Tân Thủy thông báo: Từ ngày 15-20/3/2026, tiêm phòng vắc xin dịch tả lợn châu Phi và LMLM đợt 1 "
	"cho đàn lợn, trâu, bò. Thú y viên đến từng hộ từ 7h-11h và 13h30-17h. Giá vắc xin DTLCP 75.000đ/liều, "
	"lợn từ 4 tuần tuổi trở lên. Bà con không bán chạy, không vứt xác lợn chết ra sông, suối. Khi lợn ốm, chết "
	"bất thường báo ngay cho thú y xã, SĐT 0912.345.678.",
	"BHXH thông báo: Chi trả lương hưu, trợ cấp BHXH tháng 01/2027 tại Bưu điện văn hóa xã từ ngày 2-4/1/2027, "
	"giờ làm việc 7h30-17h. Người nhận mang theo CCCD gắn chip. Người ốm, người cao tuổi trên 80 tuổi không đi "
	"được, báo trưởng thôn trước 3 ngày để nhân viên bưu điện chi trả tại nhà.",
	"KHẨN! Bão số 6 đang hướng vào vùng biển Quảng Trị, gió mạnh cấp 10-11, giật cấp 13. Từ đêm nay đến hết "
	"ngày 28/9 có mưa rất to, lượng mưa 200-350mm, có nơi trên 450 mm. Các hộ ở vùng trũng thấp ven sông Kiến "
	"Giang, nhà yếu, phải sơ tán trước 17h chiều nay đến trường THCS Tân Thủy. Tàu thuyền không ra khơi. Cần "
	"hỗ trợ gọi Ban chỉ huy PCTT&TKCN xã: 0914 222 333. BCH PCTT xã.",
	"Công an xã cảnh báo: Thời gian gần đây có đối tượng giả danh công an, cán bộ BHXH gọi điện yêu cầu cài "
	"ứng dụng lạ, cập nhật VNeID hoặc chuyển tiền vào tài khoản. Công an không làm việc qua điện thoại, không "
	"yêu cầu chuyển tiền. Bà con không cung cấp mã OTP, không bấm vào đường link lạ. Nghi ngờ lừa đảo, báo "
	"ngay Công an xã: 0233 3999 113 hoặc gọi 113.",
	"Điện lực thông báo: Tạm ngừng cấp điện từ 7h30 đến 16h30 ngày 26/11/2026 (thứ 5) tại thôn Đông Tiến, "
	"Tây Sơn để bảo dưỡng đường dây 22kV. Mong bà con thông cảm.",
	/* our own */
	"THÔNG BÁO\nHTX Nông nghiệp Tân Lợi bán phân bón NPK 5-10-3 giá 12.500đ/kg từ T2 đến T7, CN nghỉ.\n"
	"- Liên hệ: anh Hùng 0386.123.456\n- Hạn chót: 30/6",
	"TYT xã thông báo: tiêm vắc xin sởi - rubella cho trẻ từ 1-5 tuổi, sáng 8h-11h30 thứ 3 (14/4). Mang sổ "
	"tiêm chủng, thẻ BHYT. Hotline 1900 9095 hoặc 0232 3822 115. Tỷ lệ tiêm đạt 98,7% năm 2025.",
	"Quý IV/2026, HĐND xã khóa XXI họp kỳ họp thứ 12 lúc 7h30 ngày 15/12/2026 tại hội trường UBND xã; đại "
	"biểu mang theo tài liệu số 45/BC-UBND.",
	"Cảnh báo lũ: mực nước sông Gianh lúc 19h ngày 20/10 ở mức 6,52m, trên báo động III 0,52m. Dự báo 24h "
	"tới tiếp tục lên 0,3-0,5m. Lượng mưa phổ biến 150-250mm, gió giật cấp 8, tốc độ 60-75 km/h.",
};

static void test_notices_have_no_digit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof notices / sizeof notices[0]; i++)
		clean(notices[i]);
	has(notices[0], "tối thứ sáu, ngày năm tháng mười hai, họp thôn");
	has(notices[0], "Mỗi hộ cử một người dự họp. Ban quản lý thôn.");
	has(notices[1], "Từ ngày mười lăm đến ngày hai mươi tháng ba");
	has(notices[1], "từ bảy giờ đến mười một giờ và từ mười ba giờ ba mươi phút đến mười bảy giờ");
	has(notices[1], "số điện thoại không chín một hai, ba bốn năm, sáu bảy tám.");
	has(notices[2], "tháng một năm hai nghìn không trăm hai mươi bảy tại");
	has(notices[2], "từ ngày hai đến ngày bốn tháng một");
	has(notices[3], "khẩn! Bão số sáu");
	has(notices[3], "lượng mưa từ hai trăm đến ba trăm năm mươi mi li mét, có nơi trên bốn trăm năm mươi mi li mét");
	has(notices[3], "không chín một bốn, hai hai hai, ba ba ba.");
	has(notices[4], "không hai ba ba, ba chín chín chín, một một ba hoặc gọi một một ba.");
	has(notices[4], "mã ô tê pê");
	has(notices[5], "năm hai nghìn không trăm hai mươi sáu, thứ năm, tại thôn");
	has(notices[5], "hai mươi hai ki lô vôn");
	has(notices[6], "từ thứ hai đến thứ bảy, chủ nhật nghỉ");
	has(notices[6], "không ba tám sáu, một hai ba, bốn năm sáu");
	has(notices[7], "một chín không không, chín không chín năm");
	has(notices[7], "chín mươi tám phẩy bảy phần trăm");
	has(notices[8], "khóa hai mươi mốt");
	has(notices[8], "tài liệu số bốn mươi lăm.");
	has(notices[9], "báo động ba không phẩy năm mươi hai mét");
	has(notices[9], "từ sáu mươi đến bảy mươi lăm ki lô mét một giờ");
}

static void test_garbage_input(void **state)
{
	(void)state;
	/* invalid UTF-8, lone continuation bytes, control characters */
	clean("\xff\xfe\x80 0912\xc3 345 678 \xe2\x82 KH\xe1\xba");
	clean("9999999999999999999999999999.999.999,99999999999%");
	clean("1/2/3/4/5-6-7-8 1h2h3 +++84 (((0 12:34:56");
	char big[20000];
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = "0123456789./-,:h%đ ABXIV"[i % 24];
	big[sizeof big - 1] = '\0';
	clean(big);
	char *out = tts_frontend(&O, big);
	assert_true(strlen(out) < 64 * sizeof big);
	free(out);
	out = tts_frontend(NULL, "12");
	assert_string_equal(out, "mười hai");
	free(out);
}

static void test_dictionary_errors(void **state)
{
	(void)state;
	struct tts_dict *d;
	char err[256];
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "# c\nUBND\tủy ban\nHĐND hội đồng\n", err,
					sizeof err),
			 -1);
	assert_string_equal(err, "ab.tsv:3: expected KEY<TAB>spoken words");
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "X\tsố 5\n", err, sizeof err), -1);
	assert_string_equal(err, "ab.tsv:1: spoken form must not contain digits");
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "A\tmột\n\nA\thai\n", err, sizeof err), -1);
	assert_string_equal(err, "ab.tsv:3: duplicate key 'A' (first at line 1)");
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_LOAN, "lw.tsv", "Zalo\tda lô\nZALO\tda lô\n", err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "lw.tsv:2: duplicate key"));
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "X\t<b>\n", err, sizeof err), -1);
	assert_string_equal(err, "ab.tsv:1: spoken form may hold only letters, spaces and '-'");
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "123\tx\n", err, sizeof err), -1);
	assert_string_equal(err, "ab.tsv:1: key must contain a letter");
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "X\t-\n", err, sizeof err), -1);
	assert_string_equal(err, "ab.tsv:1: spoken form is empty");

	/* a good file, CRLF line ends, and longest match */
	assert_int_equal(tts_dict_parse(&d, TTS_DICT_ABBREV, "ab.tsv", "AB\tét bê\r\nABC\tét bê xê\r\n", err,
					sizeof err),
			 0);
	assert_int_equal(tts_dict_size(d), 2);
	size_t kl;
	assert_string_equal(tts_dict_prefix(d, "ABCD", 4, &kl), "ét bê xê");
	assert_int_equal(kl, 3);
	tts_dict_free(d);

	/* the config names a missing file */
	struct tts_config c;
	tts_defaults(&c);
	snprintf(c.abbrev, sizeof c.abbrev, "/nonexistent/abbr.tsv");
	struct tts_opts o;
	assert_int_equal(tts_front_load(&o, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/abbr.tsv: cannot read dictionary"));
}

static void test_user_extends_dictionary(void **state)
{
	(void)state;
	struct tts_dict *ab, *lw;
	char err[256];
	assert_int_equal(tts_dict_parse(&ab, TTS_DICT_ABBREV, "a", "HTXNN\thợp tác xã nông nghiệp\n", err, sizeof err), 0);
	assert_int_equal(tts_dict_parse(&lw, TTS_DICT_LOAN, "l", "Viber\tvai bơ\n", err, sizeof err), 0);
	struct tts_opts o;
	tts_front_opts_init(&o);
	o.abbrev = ab;
	o.loan = lw;
	eq_o(&o, "HTXNN nhắn qua VIBER", "hợp tác xã nông nghiệp nhắn qua vai bơ");
	tts_dict_free(ab);
	tts_dict_free(lw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_sentences),
		cmocka_unit_test(test_rule_examples),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_caps_and_acronyms),
		cmocka_unit_test(test_roman),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_money_units_percent),
		cmocka_unit_test(test_phones),
		cmocka_unit_test(test_symbols_and_pauses),
		cmocka_unit_test(test_ssml_pauses),
		cmocka_unit_test(test_styles_in_text),
		cmocka_unit_test(test_nfd_input),
		cmocka_unit_test(test_notices_have_no_digit),
		cmocka_unit_test(test_garbage_input),
		cmocka_unit_test(test_dictionary_errors),
		cmocka_unit_test(test_user_extends_dictionary),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
