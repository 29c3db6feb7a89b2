/* Speech front end, numbers a listener must write down or dial
 * (tts/tts_codes.c): account, ID, insurance and tax numbers, SMS codes,
 * odd-grouped landlines, vehicle plates, short money, short calls and virus
 * names, each checked word for word; and the amounts, years, counts and
 * quantities that must keep their cardinal reading.  The sentences are our
 * own, in the style of policy-bank, police, insurance and commune notices.
 * Needs LOA_DATADIR pointing at configs/ (tests/run.sh sets it). */
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

/* Category 1, by a cue word (typed, or produced by an abbreviation). */
static const struct tts_case accounts_and_ids[] = {
	{ "Nộp tiền vào STK 3600 2051 23456 tại điểm giao dịch xã.",
	  "Nộp tiền vào số tài khoản ba sáu không không, hai không năm một, hai ba bốn năm sáu tại điểm giao dịch "
	  "xã." },
	{ "Không chuyển tiền vào STK 0381000567890 theo yêu cầu của người lạ.",
	  "Không chuyển tiền vào số tài khoản không ba tám, một không không, không năm sáu, bảy tám chín không theo "
	  "yêu cầu của người lạ." },
	{ "Số tài khoản 19036789012345 đứng tên chủ hộ.",
	  "Số tài khoản một chín không, ba sáu bảy, tám chín không một, hai ba bốn năm đứng tên chủ hộ." },
	{ "Tài khoản số 102 870 456 789 của hội nông dân xã.",
	  "Tài khoản số một không hai, tám bảy không, bốn năm sáu, bảy tám chín của hội nông dân xã." },
	{ "Tài khoản ngân hàng 0451000386721 do xã quản lý.",
	  "Tài khoản ngân hàng không bốn năm, một không không, không ba tám, sáu bảy hai một do xã quản lý." },
	{ "Số TK 123456789 của tổ tiết kiệm.",
	  "Số tài khoản một hai ba, bốn năm sáu, bảy tám chín của tổ tiết kiệm." },
	{ "Chuyển khoản vào TK 0451 0003 86721, ghi rõ họ tên.",
	  "Chuyển khoản vào tài khoản không bốn năm một, không không không ba, tám sáu bảy hai một, ghi rõ họ tên." },
	{ "Đối tượng yêu cầu chuyển tiền vào tài khoản 8800 1234 5678 99.",
	  "Đối tượng yêu cầu chuyển tiền vào tài khoản tám tám không không, một hai ba bốn, năm sáu bảy tám, chín "
	  "chín." },
	{ "Tài khoản là 0123 4567 89.", "Tài khoản là không một hai ba, bốn năm sáu bảy, tám chín." },
	{ "Số tài khoản 0451.0003.86721 tại điểm giao dịch.",
	  "Số tài khoản không bốn năm một, không không không ba, tám sáu bảy hai một tại điểm giao dịch." },
	{ "Mang theo CCCD 044 196 001 234 khi nhận tiền.",
	  "Mang theo căn cước công dân không bốn bốn, một chín sáu, không không một, hai ba bốn khi nhận tiền." },
	{ "CCCD số 044196001234 của ông Lê Văn Bình.",
	  "căn cước công dân số không bốn bốn, một chín sáu, không không một, hai ba bốn của ông Lê Văn Bình." },
	{ "Số CMND 197 123 456 đã hết hạn.",
	  "Số chứng minh nhân dân một chín bảy, một hai ba, bốn năm sáu đã hết hạn." },
	{ "Tra cứu mã số BHXH 3112345678 trên cổng dịch vụ công.",
	  "Tra cứu mã số bảo hiểm xã hội ba một một hai, ba bốn năm, sáu bảy tám trên cổng dịch vụ công." },
	{ "MST 3100123456 của hợp tác xã.", "mã số thuế ba một không không, một hai ba, bốn năm sáu của hợp tác xã." },
	{ "Mã số thuế 3100123456-001 của chi nhánh.",
	  "Mã số thuế ba một không không, một hai ba, bốn năm sáu, không không một của chi nhánh." },
	{ "Mã OTP 482913 tuyệt đối không cung cấp cho ai.",
	  "Mã ô tê pê bốn tám hai, chín một ba tuyệt đối không cung cấp cho ai." },
	{ "Kẻ gian xin mã 482913 gửi qua tin nhắn.", "Kẻ gian xin mã bốn tám hai, chín một ba gửi qua tin nhắn." },
	{ "Mã hồ sơ 000123 đã được tiếp nhận.", "Mã hồ sơ không không không, một hai ba đã được tiếp nhận." },
	{ "Mã bưu chính 510000.", "Mã bưu chính năm một không, không không không." },
	{ "Công an cảnh báo: không chuyển tiền vào STK: 0451000386721.",
	  "Công an cảnh báo, không chuyển tiền vào số tài khoản, không bốn năm, một không không, không ba tám, sáu "
	  "bảy hai một." },
};

/* Category 1, by shape alone: ten or more digits, spaced groups that are
 * not thousands, a digit run glued to a card's letters. */
static const struct tts_case codes_by_shape[] = {
	{ "Gọi ban chỉ huy quân sự xã 0232 3 825 678.",
	  "Gọi ban chỉ huy quân sự xã không hai ba hai, ba tám hai năm, sáu bảy tám." },
	{ "SĐT trực ban 0233 3 852 456.", "số điện thoại trực ban không hai ba ba, ba tám năm hai, bốn năm sáu." },
	{ "Số thẻ BHYT GD4797923456789 còn hạn sử dụng.",
	  "Số thẻ bảo hiểm y tế giê dê bốn bảy chín, bảy chín hai, ba bốn năm, sáu bảy tám chín còn hạn sử dụng." },
	{ "Số định danh cá nhân 044196001234.",
	  "Số định danh cá nhân không bốn bốn, một chín sáu, không không một, hai ba bốn." },
	{ "Hồ sơ số 2026000123 đã hoàn thành.",
	  "Hồ sơ số hai không hai sáu, không không không, một hai ba đã hoàn thành." },
	{ "Liên hệ 0232 3 825 678 hoặc 0233 3999 113.",
	  "Liên hệ không hai ba hai, ba tám hai năm, sáu bảy tám hoặc không hai ba ba, ba chín chín chín, một một "
	  "ba." },
};

/* Category 1, "soạn ... gửi": the code spelled as typed, D as "đê", a
 * space between tokens said "cách", the short number digit by digit; the
 * words around it said with their diacritics even when typed without. */
static const struct tts_case sms_codes[] = {
	{ "Soạn DK gửi 9123 để đăng ký.", "Soạn đê ca gửi chín một hai ba để đăng ký." },
	{ "Soạn tin DK gửi 9123.", "Soạn tin đê ca gửi chín một hai ba." },
	{ "SOẠN TIN DK V120 GỬI 9123 để đăng ký gói cước.",
	  "soạn tin đê ca cách vê một hai không gửi chín một hai ba để đăng ký gói cước." },
	{ "Soạn BHYT gửi 8079 để tra cứu thẻ.", "Soạn bê hát i tê gửi tám không bảy chín để tra cứu thẻ." },
	{ "Soạn tin theo cú pháp \"TC\" gửi đến số 1414.",
	  "Soạn tin theo cú pháp tê xê gửi đến số một bốn một bốn." },
	/* typed without diacritics, or the code in lower case */
	{ "Soan tin DK gui 9123", "Soạn tin đê ca gửi chín một hai ba" },
	{ "SOAN TIN BHYT GUI DEN SO 8079", "soạn tin bê hát i tê gửi đến số tám không bảy chín" },
	{ "Bà con soạn tin dk gửi 9123 để nhận bản tin thời tiết.",
	  "Bà con soạn tin đê ca gửi chín một hai ba để nhận bản tin thời tiết." },
	/* not an SMS syntax: "soạn" as a verb */
	{ "Soạn thảo văn bản gửi 3 thôn.", "Soạn thảo văn bản gửi ba thôn." },
};

/* Amounts, counts, years and quantities keep their reading, even after a
 * cue word. */
static const struct tts_case not_codes[] = {
	{ "Mức hỗ trợ 1 500 000 đồng một hộ.", "Mức hỗ trợ một triệu năm trăm nghìn đồng một hộ." },
	{ "Có 1 500 hộ dân tham gia.", "Có một nghìn năm trăm hộ dân tham gia." },
	{ "Hộ nghèo được vay tối đa 100 000 000 đồng.", "Hộ nghèo được vay tối đa một trăm triệu đồng." },
	{ "Xã có 12 345 nhân khẩu.", "Xã có mười hai nghìn ba trăm bốn mươi lăm nhân khẩu." },
	{ "Giá từ 1 500 000 - 2 000 000 đồng.", "Giá từ một triệu năm trăm nghìn đến hai triệu đồng." },
	/* a word that labels a number: thôn 3, 125 hộ */
	{ "Thôn 3 125 hộ.", "Thôn ba một trăm hai mươi lăm hộ." },
	{ "Tổng thu 1.500.000.000 đồng.", "Tổng thu một tỷ năm trăm triệu đồng." },
	{ "Số dư tài khoản 1.500.000 đồng.", "Số dư tài khoản một triệu năm trăm nghìn đồng." },
	{ "Nạp vào tài khoản 500 nghìn.", "Nạp vào tài khoản năm trăm nghìn." },
	{ "Vốn 2000000000 đồng.", "Vốn hai tỷ đồng." },
	{ "Năm 2026 xã có 1234 hộ.", "Năm hai nghìn không trăm hai mươi sáu xã có một nghìn hai trăm ba mươi tư hộ." },
	{ "Các năm 2025 2026 2027 đều được mùa.",
	  "Các năm hai nghìn không trăm hai mươi lăm hai nghìn không trăm hai mươi sáu hai nghìn không trăm hai mươi "
	  "bảy đều được mùa." },
	{ "Mã số 12 của thôn.", "Mã số mười hai của thôn." },
	{ "Ông Hùng đóng BHXH 12 năm.", "Ông Hùng đóng bảo hiểm xã hội mười hai năm." },
	{ "Thẻ BHYT 2026 đã được cấp.", "Thẻ bảo hiểm y tế hai nghìn không trăm hai mươi sáu đã được cấp." },
	{ "Quyết định số 1234/QĐ-UBND.", "Quyết định số một nghìn hai trăm ba mươi tư." },
	{ "Gọi cho 1500 hộ dân.", "Gọi cho một nghìn năm trăm hộ dân." },
	{ "Tỷ lệ 95,5%.", "Tỷ lệ chín mươi lăm phẩy năm phần trăm." },
	{ "Họp lúc 7h30 ngày 20/11/2026.",
	  "Họp lúc bảy giờ ba mươi phút ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu." },
	{ "SĐT 0912.345.678", "số điện thoại không chín một hai, ba bốn năm, sáu bảy tám" },
	{ "Thôn 12A có 45 hộ.", "Thôn mười hai a có bốn mươi lăm hộ." },
};

/* Category 5: the province code as a number, the series by letter names
 * (and its digit), a pause, the serial digit by digit. */
static const struct tts_case plates[] = {
	{ "Xe ô tô BKS 75A-234.56 vi phạm.",
	  "Xe ô tô biển kiểm soát bảy mươi lăm a, hai ba bốn năm sáu vi phạm." },
	{ "BKS 38C1-123.45", "biển kiểm soát ba mươi tám xê một, một hai ba bốn năm" },
	{ "Xe khách 43B-12345 chở quá số người.", "Xe khách bốn mươi ba bê, một hai ba bốn năm chở quá số người." },
	{ "Xe 29LD-123.45 đỗ sai chỗ.", "Xe hai mươi chín e lờ dê, một hai ba bốn năm đỗ sai chỗ." },
	{ "Xe máy 75-B1 123.45 bị mất.", "Xe máy bảy mươi lăm bê một, một hai ba bốn năm bị mất." },
	{ "Xe máy 73B1-234.56 đã tìm thấy.", "Xe máy bảy mươi ba bê một, hai ba bốn năm sáu đã tìm thấy." },
	{ "Xe 74C-012.34 vào cầu.", "Xe bảy mươi tư xê, không một hai ba bốn vào cầu." },
	{ "Xe 51F-888.88 chạy quá tốc độ.", "Xe năm mươi mốt ép, tám tám tám tám tám chạy quá tốc độ." },
	{ "Xe tải 73C-04567 chở cát.", "Xe tải bảy mươi ba xê, không bốn năm sáu bảy chở cát." },
	{ "Xe 29A-1234 cũ.", "Xe hai mươi chín a, một hai ba bốn cũ." },
	{ "Xe 75A 234.56 đỗ trước cổng.", "Xe bảy mươi lăm a, hai ba bốn năm sáu đỗ trước cổng." },
	{ "Xe 75A234.56 đỗ trước cổng.", "Xe bảy mươi lăm a, hai ba bốn năm sáu đỗ trước cổng." },
	{ "Xe 74D1-567.89 bị tạm giữ.", "Xe bảy mươi tư dê một, năm sáu bảy tám chín bị tạm giữ." },
	{ "Biển số 73H-999.99.", "Biển số bảy mươi ba hát, chín chín chín chín chín." },
	{ "Hai xe 30E-456.78 và 30E-456.79.",
	  "Hai xe ba mươi e, bốn năm sáu bảy tám và ba mươi e, bốn năm sáu bảy chín." },
	{ "Xe 99A-000.01 mất trộm.", "Xe chín mươi chín a, không không không không một mất trộm." },
	{ "Tai nạn (BKS 75A-234.56) ở cầu.", "Tai nạn, biển kiểm soát bảy mươi lăm a, hai ba bốn năm sáu, ở cầu." },
};

/* Category 9, the number parts. */
static const struct tts_case small_ones[] = {
	{ "2tr5", "hai triệu rưỡi" },
	{ "1tr2", "một triệu hai" },
	{ "Lương 4tr2/tháng.", "Lương bốn triệu hai một tháng." },
	{ "Thưởng 1tr500.", "Thưởng một triệu năm trăm nghìn." },
	{ "Giá 2tr5đ.", "Giá hai triệu rưỡi đồng." },
	{ "Thẻ cào 500k.", "Thẻ cào năm trăm nghìn đồng." },
	{ "Vé xe 1k5.", "Vé xe một nghìn rưỡi." },
	{ "2tr", "hai triệu đồng" },
	{ "Gọi ngay 115 khi có người bị đột quỵ.", "Gọi ngay một một năm khi có người bị đột quỵ." },
	{ "Cháy nhà gọi ngay cho 114.", "Cháy nhà gọi ngay cho một một bốn." },
	{ "Cháy nổ gọi 114, tai nạn gọi cấp cứu 115.", "Cháy nổ gọi một một bốn, tai nạn gọi cấp cứu một một năm." },
	{ "Gọi 113 hoặc 114.", "Gọi một một ba hoặc một một bốn." },
	{ "Gọi ngay 1022 để được hỗ trợ.", "Gọi ngay một không hai hai để được hỗ trợ." },
	{ "Cúm A/H5N1.", "Cúm a hát năm en một." },
	{ "Cúm A/H5N1, H5N6 và H7N9.", "Cúm a hát năm en một, hát năm en sáu và hát bảy en chín." },
	{ "Chủng H10N3.", "Chủng hát mười en ba." },
};

static void test_accounts_and_ids(void **state)
{
	(void)state;
	RUN(accounts_and_ids);
}

static void test_codes_by_shape(void **state)
{
	(void)state;
	RUN(codes_by_shape);
}

static void test_sms_codes(void **state)
{
	(void)state;
	RUN(sms_codes);
}

static void test_not_codes(void **state)
{
	(void)state;
	RUN(not_codes);
}

static void test_plates(void **state)
{
	(void)state;
	RUN(plates);
}

static void test_small_ones(void **state)
{
	(void)state;
	RUN(small_ones);
}

/* A whole notice, the SSML pauses (a code's groups are commas, not
 * breaks) and the ngàn style in short money. */
static void test_notice_ssml_style(void **state)
{
	(void)state;
	static const struct tts_case notice[] = {
		{ "NHCSXH thông báo: Hộ vay nộp lãi vào STK 3600 2051 23456, chủ tài khoản Hội Nông dân xã. "
		  "Mang CCCD 044 196 001 234. Mọi thắc mắc gọi ngay 0232 3 825 678.",
		  "ngân hàng chính sách xã hội thông báo, Hộ vay nộp lãi vào số tài khoản ba sáu không không, hai không "
		  "năm một, hai ba bốn năm sáu, chủ tài khoản Hội Nông dân xã. Mang căn cước công dân không bốn bốn, một "
		  "chín sáu, không không một, hai ba bốn. Mọi thắc mắc gọi ngay không hai ba hai, ba tám hai năm, sáu bảy "
		  "tám." },
	};
	RUN(notice);

	struct tts_opts o = O;
	o.ssml = 1;
	static const struct tts_case ssml[] = {
		{ "STK 0451 0003 86721. Xe 75A-234.56.",
		  "<speak>số tài khoản không bốn năm một, không không không ba, tám sáu bảy hai một. <break "
		  "time=\"900ms\"/> Xe bảy mươi lăm a, hai ba bốn năm sáu.</speak>" },
	};
	tts_cases_run(&o, __func__, ssml, 1);

	o = O;
	o.style.ngan = 1;
	static const struct tts_case ngan[] = {
		{ "Thưởng 1tr500, vé 1k5, vay 100 000 000 đồng.",
		  "Thưởng một triệu năm trăm ngàn, vé một ngàn rưỡi, vay một trăm triệu đồng." },
	};
	tts_cases_run(&o, __func__, ngan, 1);
}

/* Code-like garbage: long runs, many groups, half plates, half SMS
 * syntaxes.  Never a digit out, never a crash. */
static void test_code_garbage(void **state)
{
	(void)state;
	static const char *const junk[] = {
		"STK 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8",
		"0000000000000000000000000000000000000000",
		"CCCD 0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0-0",
		"75A- 75A-1 75A-12.3 75AB1-123.45 7A-123.45 99ZZ9-999.99 11A-",
		"soạn gửi 9123 soạn DK gửi soạn DK gửi 12 soạn DK DK DK DK DK gửi 9123",
		"A/H H5N A/H5N1N1 H123N4 2tr 2tr5000 0tr5 1234tr5 5kk5",
		"gọi ngay gọi ngay cho 1 gọi cho 999999 gọi 113 hoặc",
		"mã số: 1.2.3.4.5.6.7.8.9.0 tài khoản 12,5 BHXH 31 1234 5678/2026",
	};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		char *got = tts_frontend(&O, junk[i]);
		for (const char *p = got; *p; p++)
			if (*p >= '0' && *p <= '9')
				fail_msg("digit in spoken text:\n  in:  %s\n  out: %s", junk[i], got);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accounts_and_ids),
		cmocka_unit_test(test_codes_by_shape),
		cmocka_unit_test(test_sms_codes),
		cmocka_unit_test(test_not_codes),
		cmocka_unit_test(test_plates),
		cmocka_unit_test(test_small_ones),
		cmocka_unit_test(test_notice_ssml_style),
		cmocka_unit_test(test_code_garbage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
