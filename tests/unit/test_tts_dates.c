/* Speech front end, issue 16: short dates without "ngày", durations and
 * hours, units and symbols, fractions and map scales, "vào ngày 5-6/12",
 * and what must stay as it is.  Each case is a sentence of the kind a
 * commune writes (storm warnings, vaccination days, land notices, exams),
 * checked word for word.  Needs LOA_DATADIR pointing at configs/ (tests/run.sh
 * sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/config.h"
#include "tests/testcfg.h"
#include "tts/tts_front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tts_cases.h"

/* A day <= 31 over a month <= 12 in a date's context is a date. */
static const struct tts_case short_dates[] = {
	{ "Hạn chót 30/11 nộp hồ sơ hỗ trợ nhà ở.",
	  "Hạn chót ngày ba mươi tháng mười một nộp hồ sơ hỗ trợ nhà ở." },
	{ "Hạn chót: 15/12.", "Hạn chót, ngày mười lăm tháng mười hai." },
	{ "Hạn chót nhận hồ sơ: 15/12.", "Hạn chót nhận hồ sơ, ngày mười lăm tháng mười hai." },
	{ "Thời hạn nộp học phí 20/9.", "Thời hạn nộp học phí ngày hai mươi tháng chín." },
	{ "Thu quỹ phòng chống thiên tai hạn 30/11.",
	  "Thu quỹ phòng chống thiên tai hạn ngày ba mươi tháng mười một." },
	{ "Bà con đăng ký nhận gạo trước 20/12.", "Bà con đăng ký nhận gạo trước ngày hai mươi tháng mười hai." },
	{ "Sau 15/1 không nhận hồ sơ.", "Sau ngày mười lăm tháng một không nhận hồ sơ." },
	{ "Tiêm bổ sung sởi từ 1/12 đến 15/12 tại trạm y tế.",
	  "Tiêm bổ sung sởi từ ngày một tháng mười hai đến ngày mười lăm tháng mười hai tại trạm y tế." },
	{ "Tiêm vắc xin cho trẻ ngày 3/12 và 4/12.",
	  "Tiêm vắc xin cho trẻ ngày ba tháng mười hai và ngày bốn tháng mười hai." },
	{ "Phát gạo cứu đói các ngày 3/12, 4/12 và 5/12.",
	  "Phát gạo cứu đói các ngày ba tháng mười hai, ngày bốn tháng mười hai và ngày năm tháng mười hai." },
	{ "Lễ hội đình làng ngày 4/12/2026 (tức 15/10 âm lịch).",
	  "Lễ hội đình làng ngày bốn tháng mười hai năm hai nghìn không trăm hai mươi sáu, tức ngày mười lăm "
	  "tháng mười âm lịch." },
	{ "Lễ giỗ tổ (tức 15/10 âm lịch).", "Lễ giỗ tổ, tức ngày mười lăm tháng mười âm lịch." },
	{ "Giỗ tổ họ Nguyễn 10/3 âm lịch hằng năm.",
	  "Giỗ tổ họ Nguyễn ngày mười tháng ba âm lịch hằng năm." },
	{ "Họp chi bộ thứ 6 (5/12) lúc 19h30.",
	  "Họp chi bộ thứ sáu, ngày năm tháng mười hai, lúc mười chín giờ ba mươi phút." },
	{ "Thi học kỳ I vào 22/12 hoặc 23/12 tùy khối.",
	  "Thi học kỳ một vào ngày hai mươi hai tháng mười hai hoặc ngày hai mươi ba tháng mười hai tùy khối." },
	{ "Nộp thuế đất trước 31/5.", "Nộp thuế đất trước ngày ba mươi mốt tháng năm." },
	{ "Kết quả thi tuyển sinh lớp 10 công bố sau 28/6.",
	  "Kết quả thi tuyển sinh lớp mười công bố sau ngày hai mươi tám tháng sáu." },
	{ "Ra quân làm đường giao thông mùng 2/9.", "Ra quân làm đường giao thông mùng hai tháng chín." },
	{ "Nhận hồ sơ đến hết 31/3.", "Nhận hồ sơ đến hết ngày ba mươi mốt tháng ba." },
	{ "Kể từ 1/7 áp dụng mức đóng mới.", "Kể từ ngày một tháng bảy áp dụng mức đóng mới." },
	{ "Học sinh nghỉ Tết từ 14/2 đến hết 22/2.",
	  "Học sinh nghỉ Tết từ ngày mười bốn tháng hai đến hết ngày hai mươi hai tháng hai." },
	{ "Tuần tra đê trước 15/8 hay 20/8 tùy mực nước.",
	  "Tuần tra đê trước ngày mười lăm tháng tám hay ngày hai mươi tháng tám tùy mực nước." },
	{ "Chợ phiên vào 15/12.", "Chợ phiên vào ngày mười lăm tháng mười hai." },
	{ "Kiểm tra các ngày 10-12/3 và 15/3.",
	  "Kiểm tra các ngày mười đến mười hai tháng ba và ngày mười lăm tháng ba." },
	{ "Báo cáo Quý II/2027 gửi về xã.", "Báo cáo Quý hai năm hai nghìn không trăm hai mươi bảy gửi về xã." },
	{ "Tổng kết quý 4/2026.", "Tổng kết quý bốn năm hai nghìn không trăm hai mươi sáu." },
};

static void test_short_dates(void **state)
{
	(void)state;
	RUN(short_dates);
}

/* "vào ngày 5-6/12": the "ngày" is said, no extra "từ" before it and none
 * after "đến" ("năm đến sáu tháng mười hai"); a range without "vào" keeps
 * its "từ ngày ... đến ngày". */
static const struct tts_case date_range_days[] = {
	{ "Họp dân vào ngày 5-6/12 tại hội trường thôn.",
	  "Họp dân vào ngày năm đến sáu tháng mười hai tại hội trường thôn." },
	{ "Tiêm phòng cúm gia cầm vào ngày 20-22/12.",
	  "Tiêm phòng cúm gia cầm vào ngày hai mươi đến hai mươi hai tháng mười hai." },
	{ "Kiểm tra vào ngày 30/11-2/12.",
	  "Kiểm tra vào ngày ba mươi tháng mười một đến ngày hai tháng mười hai." },
	{ "Học sinh nghỉ học ngày 5-6/12.", "Học sinh nghỉ học từ ngày năm đến ngày sáu tháng mười hai." },
};

static void test_date_range_days(void **state)
{
	(void)state;
	RUN(date_range_days);
}

static const struct tts_case units[] = {
	{ "Dự báo mưa 200-300 mm trong 36h tới.",
	  "Dự báo mưa từ hai trăm đến ba trăm mi li mét trong ba mươi sáu giờ tới." },
	{ "Lượng mưa phổ biến 100-150 mm, có nơi trên 250 mm.",
	  "Lượng mưa phổ biến từ một trăm đến một trăm năm mươi mi li mét, có nơi trên hai trăm năm mươi mi li "
	  "mét." },
	{ "Cường độ mưa trên 50 mm/h.", "Cường độ mưa trên năm mươi mi li mét một giờ." },
	{ "Thu hồi diện tích 150 m2 đất ở.", "Thu hồi diện tích một trăm năm mươi mét vuông đất ở." },
	{ "Giao 1.250 m² đất nông nghiệp.", "Giao một nghìn hai trăm năm mươi mét vuông đất nông nghiệp." },
	{ "Thửa đất số 45 rộng 320m2.", "Thửa đất số bốn mươi lăm rộng ba trăm hai mươi mét vuông." },
	{ "Hồ chứa còn 2,5 triệu m3 nước.", "Hồ chứa còn hai phẩy năm triệu mét khối nước." },
	{ "Đổ 12 m³ bê tông mặt đường.", "Đổ mười hai mét khối bê tông mặt đường." },
	{ "Diện tích tự nhiên 45,6 km2.", "Diện tích tự nhiên bốn mươi lăm phẩy sáu ki lô mét vuông." },
	{ "Gieo cấy 120 ha lúa xuân.", "Gieo cấy một trăm hai mươi héc ta lúa xuân." },
	{ "Năng suất lúa đạt 62 tạ/ha.", "Năng suất lúa đạt sáu mươi hai tạ một héc ta." },
	{ "Sản lượng sắn 18 tấn/ha.", "Sản lượng sắn mười tám tấn một héc ta." },
	{ "Bón 300 kg phân chuồng cho mỗi sào.", "Bón ba trăm ki lô gam phân chuồng cho mỗi sào." },
	{ "Sạt lở tại Km12+300 Quốc lộ 9.", "Sạt lở tại ki lô mét mười hai cộng ba trăm Quốc lộ chín." },
	{ "Cấm đường từ km 45 đến km 52.", "Cấm đường từ ki lô mét bốn mươi lăm đến ki lô mét năm mươi hai." },
	{ "Lệ phí 500.000 đ một hồ sơ.", "Lệ phí năm trăm nghìn đồng một hồ sơ." },
	{ "Hỗ trợ 2 triệu VNĐ mỗi hộ.", "Hỗ trợ hai triệu đồng mỗi hộ." },
	{ "Mức phạt 1.500.000₫.", "Mức phạt một triệu năm trăm nghìn đồng." },
	{ "Độ mặn 4‰ tại cửa sông.", "Độ mặn bốn phần nghìn tại cửa sông." },
	{ "Nhiệt độ thấp nhất 8-10°C.", "Nhiệt độ thấp nhất từ tám đến mười độ xê." },
	{ "Trời rét đậm, nhiệt độ 12oC.", "Trời rét đậm, nhiệt độ mười hai độ xê." },
	{ "Nước ngập sâu 40 cm.", "Nước ngập sâu bốn mươi xen ti mét." },
	{ "Mỗi hộ nhận 20 l nước sạch.", "Mỗi hộ nhận hai mươi lít nước sạch." },
	{ "Giá đền bù 3 triệu/m2.", "Giá đền bù ba triệu một mét vuông." },
	{ "Tỷ lệ hộ nghèo giảm 10-15%.", "Tỷ lệ hộ nghèo giảm từ mười đến mười lăm phần trăm." },
	{ "Mỗi km đường bê tông hỗ trợ 200 triệu.", "Mỗi ki lô mét đường bê tông hỗ trợ hai trăm triệu." },
	{ "Phí vệ sinh 20.000 đ/hộ/tháng.", "Phí vệ sinh hai mươi nghìn đồng một hộ một tháng." },
	{ "Mỗi ha hỗ trợ 500 kg giống.", "Mỗi héc ta hỗ trợ năm trăm ki lô gam giống." },
};

static void test_units(void **state)
{
	(void)state;
	RUN(units);
}

/* Hours are "giờ", never the letter "h" (espeak says "hát"). */
static const struct tts_case hours[] = {
	{ "Bão đổ bộ trong 36h tới.", "Bão đổ bộ trong ba mươi sáu giờ tới." },
	{ "Trong 24-48h tới mưa rất to.", "Trong hai mươi tư đến bốn mươi tám giờ tới mưa rất to." },
	{ "Mưa lớn kéo dài 48-72h.", "Mưa lớn kéo dài bốn mươi tám đến bảy mươi hai giờ." },
	{ "Trong 12-24h tới gió mạnh dần.", "Trong mười hai đến hai mươi tư giờ tới gió mạnh dần." },
	{ "Họp lúc 7 h 30 sáng mai.", "Họp lúc bảy giờ ba mươi phút sáng mai." },
	{ "Sau 2h chiều nước rút.", "Sau hai giờ chiều nước rút." },
	{ "Theo dõi sau tiêm 1,5h.", "Theo dõi sau tiêm một phẩy năm giờ." },
	{ "Trực ban 24/24h trong mùa mưa bão.", "Trực ban hai mươi tư trên hai mươi tư giờ trong mùa mưa bão." },
	{ "Tiếp dân từ 7h-11h sáng thứ 5.", "Tiếp dân từ bảy giờ đến mười một giờ sáng thứ năm." },
	{ "Giới nghiêm: 22 h đến 5 h.", "Giới nghiêm, hai mươi hai giờ đến năm giờ." },
	{ "Làm việc từ 7h30 phút đến 11h.", "Làm việc từ bảy giờ ba mươi phút đến mười một giờ." },
	{ "Sạc pin dự phòng đủ 100 h.", "Sạc pin dự phòng đủ một trăm giờ." },
};

static void test_hours(void **state)
{
	(void)state;
	RUN(hours);
}

/* A map scale "một phần năm trăm"; a part of something "một phần ba". */
static const struct tts_case ratios[] = {
	{ "Bản đồ địa chính tỷ lệ 1:500.", "Bản đồ địa chính tỷ lệ một phần năm trăm." },
	{ "Trích lục bản đồ tỷ lệ 1:2.000.", "Trích lục bản đồ tỷ lệ một phần hai nghìn." },
	{ "Quy hoạch chi tiết tỉ lệ 1/10.000.", "Quy hoạch chi tiết tỉ lệ một phần mười nghìn." },
	{ "Bản vẽ 1:1000 kèm theo.", "Bản vẽ một phần một nghìn kèm theo." },
	{ "Pha thuốc theo tỷ lệ 1:10 với nước.", "Pha thuốc theo tỷ lệ một trên mười với nước." },
	{ "Gần 1/3 số hộ chưa nộp quỹ.", "Gần một phần ba số hộ chưa nộp quỹ." },
	{ "Trẻ dưới 6 tuổi uống 1/2 viên mỗi lần.", "Trẻ dưới sáu tuổi uống một phần hai viên mỗi lần." },
	{ "Uống 1/4 gói pha với nước ấm.", "Uống một phần bốn gói pha với nước ấm." },
	{ "Rừng chiếm 2/3 diện tích xã.", "Rừng chiếm hai phần ba diện tích xã." },
	{ "Hạn hán làm khô 3/4 diện tích lúa.", "Hạn hán làm khô ba phần bốn diện tích lúa." },
	{ "Khoảng 3/4 dân số đã tiêm đủ mũi.", "Khoảng ba phần bốn dân số đã tiêm đủ mũi." },
	{ "Ngày 5/12, 1/2 số đàn gà đã được tiêm.",
	  "Ngày năm tháng mười hai, một phần hai số đàn gà đã được tiêm." },
	{ "Trước 1/3 số hộ vắng mặt, cuộc họp hoãn.", "Trước một phần ba số hộ vắng mặt, cuộc họp hoãn." },
};

static void test_ratios(void **state)
{
	(void)state;
	RUN(ratios);
}

/* What must stay as it is: fractions outside a date's context, counts,
 * document numbers, a time, words that look like units. */
static const struct tts_case unchanged[] = {
	{ "Đã có 5/12 thôn về đích nông thôn mới.", "Đã có năm trên mười hai thôn về đích nông thôn mới." },
	{ "Có 12/15 hộ đồng ý.", "Có mười hai trên mười lăm hộ đồng ý." },
	{ "Tỷ lệ 3/4 đạt yêu cầu.", "Tỷ lệ ba trên bốn đạt yêu cầu." },
	{ "Tổ 3/12 thôn Đông.", "Tổ ba trên mười hai thôn Đông." },
	{ "Hạn hán ảnh hưởng 5/12 xã.", "Hạn hán ảnh hưởng năm trên mười hai xã." },
	{ "Mũi 2/3 tiêm sau.", "Mũi hai trên ba tiêm sau." },
	{ "Trực 24/7.", "Trực hai mươi tư trên bảy." },
	{ "Theo Quyết định 12/2026/QĐ-UBND.", "Theo Quyết định mười hai năm hai nghìn không trăm hai mươi sáu." },
	{ "Gặp nhau lúc 1:50 chiều.", "Gặp nhau lúc một giờ năm mươi phút chiều." },
	{ "Cấp 3 hộ nghèo.", "Cấp ba hộ nghèo." },
	{ "Trồng 3ha keo.", "Trồng ba héc ta keo." },
	{ "ha ha", "ha ha" },
	{ "Siêu thị Kmart", "Siêu thị Kmart" },
	{ "Sáng 5/12 họp.", "Sáng ngày năm tháng mười hai họp." },
	{ "Bão số 3 đổ bộ sau 2-3 ngày.", "Bão số ba đổ bộ sau hai đến ba ngày." },
	{ "Lúc 7h-11h.", "Lúc từ bảy giờ đến mười một giờ." },
};

static void test_unchanged(void **state)
{
	(void)state;
	RUN(unchanged);
}

/* The "ngàn" style reaches units too. */
static void test_styles(void **state)
{
	(void)state;
	struct tts_opts o = O;
	o.style.ngan = 1;
	static const struct tts_case ngan[] = {
		{ "Độ mặn 4‰, giá 30k.", "Độ mặn bốn phần ngàn, giá ba mươi ngàn đồng." },
		{ "Tỷ lệ 1:2.000.", "Tỷ lệ một phần hai ngàn." },
	};
	tts_cases_run(&o, __func__, ngan, sizeof ngan / sizeof ngan[0]);
}

/* Whole notices: no digit, no "h" or "m2" left for the voice. */
static void test_notices(void **state)
{
	(void)state;
	static const struct tts_case notices[] = {
		{ "TIN BÃO KHẨN CẤP\nTrong 24-48h tới, vùng núi mưa 200-300 mm, có nơi trên 400 mm; cường độ mưa "
		  "trên 50 mm/h. Nhiệt độ 18-20°C. Hạn chót sơ tán trước 17h ngày 3/11.",
		  "tin bão khẩn cấp. Trong hai mươi tư đến bốn mươi tám giờ tới, vùng núi mưa từ hai trăm đến ba "
		  "trăm mi li mét, có nơi trên bốn trăm mi li mét, cường độ mưa trên năm mươi mi li mét một giờ. Nhiệt "
		  "độ từ mười tám đến hai mươi độ xê. Hạn chót sơ tán trước mười bảy giờ ngày ba tháng mười một." },
		{ "Thông báo thu hồi đất: thửa số 112, tờ bản đồ số 7 (tỷ lệ 1:2.000), diện tích 150 m2. Hạn chót "
		  "nhận ý kiến 30/11, họp dân vào ngày 5-6/12.",
		  "Thông báo thu hồi đất, thửa số một trăm mười hai, tờ bản đồ số bảy, tỷ lệ một phần hai nghìn, diện "
		  "tích một trăm năm mươi mét vuông. Hạn chót nhận ý kiến ngày ba mươi tháng mười một, họp dân vào "
		  "ngày năm đến sáu tháng mười hai." },
	};
	RUN(notices);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_dates),
		cmocka_unit_test(test_date_range_days),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_ratios),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_notices),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
