/* Speech front end, words: web and e-mail addresses, administrative
 * acronyms, road names, storm names, brand and loan words, and an acronym
 * in parentheses after its own expansion — table tests checking the exact
 * words, written from realistic commune notices.
 * Needs LOA_DATADIR pointing at configs/ (tests/run.sh sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/config.h"
#include "base/util.h"
#include "tests/testcfg.h"
#include "tts/tts_front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tts_cases.h"

static void test_addresses(void **state)
{
	(void)state;
	static const struct tts_case t[] = {
		{ "Truy cập https://dichvucong.gov.vn để nộp hồ sơ.",
		  "Truy cập dịch vụ công chấm gờ o vê chấm vê en để nộp hồ sơ." },
		{ "Tra cứu quá trình đóng tại www.baohiemxahoi.gov.vn.",
		  "Tra cứu quá trình đóng tại vê kép vê kép vê kép chấm bảo hiểm xã hội chấm gờ o vê chấm vê en." },
		{ "Góp ý gửi về lienhe@xa.gov.vn trước thứ 6",
		  "Góp ý gửi về liên hệ a còng xã chấm gờ o vê chấm vê en trước thứ sáu" },
		{ "Nhắn tin qua zalo.me/0912345678 để được hỗ trợ",
		  "Nhắn tin qua da lô chấm mi gạch chéo không chín một hai, ba bốn năm, sáu bảy tám để được hỗ trợ" },
		{ "Văn bản đăng trên http://thuvienphapluat.vn",
		  "Văn bản đăng trên thư viện pháp luật chấm vê en" },
		{ "XEM TẠI HTTPS://DICHVUCONG.GOV.VN/", "xem tại dịch vụ công chấm gờ o vê chấm vê en" },
		{ "Hồ sơ gửi ubnd_tanloi@gmail.com nhé.",
		  "Hồ sơ gửi u bê en dê gạch dưới tan loi a còng gờ meo chấm com nhé." },
		{ "Hội phụ nữ: hoi.phunu-xa@yahoo.com.vn",
		  "Hội phụ nữ, hoi chấm phụ nữ gạch ngang xã a còng ya hu chấm com chấm vê en" },
		{ "Lịch giao dịch xem trên vbsp.org.vn",
		  "Lịch giao dịch xem trên vê bê ét pê chấm o rờ gờ chấm vê en" },
		{ "Tra cứu: baohiemxahoi.gov.vn/tracuu?ma=12",
		  "Tra cứu, bảo hiểm xã hội chấm gờ o vê chấm vê en gạch chéo tra cứu chấm hỏi ma bằng một hai" },
		{ "Trang của xã: facebook.com/ubndxa", "Trang của xã, phây búc chấm com gạch chéo u bê en dê xã" },
		{ "Máy chủ http://192.168.1.10:8080/loa",
		  "Máy chủ một chín hai chấm một sáu tám chấm một chấm một không hai chấm tám không tám không gạch chéo "
		  "loa" },
		{ "Dự báo trên kttv-quangtri.gov.vn, cập nhật 3 giờ một lần.",
		  "Dự báo trên ca tê tê vê gạch ngang quảng trị chấm gờ o vê chấm vê en, cập nhật ba giờ một lần." },
		{ "Liên hệ (zalo.me/0987654321) hoặc xa123@gmail.com.",
		  "Liên hệ, da lô chấm mi gạch chéo không chín tám bảy, sáu năm bốn, ba hai một, hoặc xã một hai ba a còng "
		  "gờ meo chấm com." },
		{ "Cổng thông tin www.chinhphu.vn. Hết.", "Cổng thông tin vê kép vê kép vê kép chấm chính phủ chấm vê en. Hết." },
		/* not addresses: the dots stay what they were */
		{ "TP.HCM, v.v. và tp.Đông Hà", "thành phố Hồ Chí Minh, vân vân. và thành phố Đông Hà" },
		{ "Giá 12.000đ.Hết hạn 3.5 ngày.", "Giá mười hai nghìn đồng. Hết hạn ba phẩy năm ngày." },
		{ "Hỏi ý kiến xong.Họp tiếp", "Hỏi ý kiến xong. Họp tiếp" },
	};
	RUN(t);
}

/* An address in SSML has no break inside it. */
static void test_address_ssml(void **state)
{
	(void)state;
	struct tts_opts s = O;
	s.ssml = 1;
	char *got = tts_frontend(&s, "Xem www.baohiemxahoi.gov.vn/tra-cuu.");
	assert_string_equal(got, "<speak>Xem vê kép vê kép vê kép chấm bảo hiểm xã hội chấm gờ o vê chấm vê en gạch "
				 "chéo tra gạch ngang cứu.</speak>");
	free(got);
}

static void test_acronyms(void **state)
{
	(void)state;
	static const struct tts_case t[] = {
		{ "Đội PCCC xã", "Đội phòng cháy chữa cháy xã" },
		{ "Lực lượng PCCC&CNCH", "Lực lượng phòng cháy chữa cháy và cứu nạn cứu hộ" },
		{ "Phòng LĐTBXH huyện", "Phòng lao động thương binh và xã hội huyện" },
		{ "Sở LĐ-TB&XH", "Sở lao động thương binh và xã hội" },
		{ "Tổ CSGT", "Tổ cảnh sát giao thông" },
		{ "Tiếp xúc ĐBQH", "Tiếp xúc đại biểu quốc hội" },
		{ "Hội CCB, Hội LHPN, ĐTN, HND", "Hội cựu chiến binh, Hội liên hiệp phụ nữ, đoàn thanh niên, hội nông dân" },
		{ "Trợ cấp NCC", "Trợ cấp người có công" },
		{ "Phòng chống TNGT", "Phòng chống tai nạn giao thông" },
		{ "Đội QLTT số 5", "Đội quản lý thị trường số năm" },
		{ "Cấp GCN QSDĐ", "Cấp giấy chứng nhận quyền sử dụng đất" },
		{ "Cấp GCNQSDĐ lần đầu", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu" },
		{ "Ghi rõ STK và tên chủ tài khoản", "Ghi rõ số tài khoản và tên chủ tài khoản" },
		{ "Xe mang BKS lạ", "Xe mang biển kiểm soát lạ" },
		{ "HĐND, UBMTTQ, BCH quân sự", "hội đồng nhân dân, ủy ban mặt trận tổ quốc, ban chỉ huy quân sự" },
		{ "Ban chỉ huy PCTT&TKCN", "Ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn" },
		{ "Vay NHCSXH, đóng BHYT, BHXH", "Vay ngân hàng chính sách xã hội, đóng bảo hiểm y tế, bảo hiểm xã hội" },
		{ "HTX nông nghiệp; trường THCS, THPT",
		  "hợp tác xã nông nghiệp, trường trung học cơ sở, trung học phổ thông" },
		{ "Tổ CSTT", "Tổ cảnh sát trật tự" },
		{ "Sở NN&PTNT, Sở GD&ĐT", "Sở nông nghiệp và phát triển nông thôn, Sở giáo dục và đào tạo" },
		{ "Nộp qua DVCTT", "Nộp qua dịch vụ công trực tuyến" },
	};
	RUN(t);
}

static void test_roads(void **state)
{
	(void)state;
	static const struct tts_case t[] = {
		{ "Sạt lở trên QL9", "Sạt lở trên quốc lộ chín" },
		{ "Cấm xe qua QL12A", "Cấm xe qua quốc lộ mười hai a" },
		{ "Ngập QL.1A và QL 1A", "Ngập quốc lộ một a và quốc lộ một a" },
		{ "Tuyến ĐT 562 và ĐT585", "Tuyến đường tỉnh năm trăm sáu mươi hai và đường tỉnh năm trăm tám mươi lăm" },
		{ "Đi theo đường ĐT 741.", "Đi theo đường tỉnh bảy trăm bốn mươi mốt." },
		{ "Cầu trên TL 8B bị ngập", "Cầu trên tỉnh lộ tám bê bị ngập" },
		/* ĐT and QL that are not roads */
		{ "ĐT 0912 345 678", "điện thoại không chín một hai, ba bốn năm, sáu bảy tám" },
		{ "ĐT 113", "điện thoại một một ba" },
		{ "ĐT 1022 hoặc ĐT 119", "điện thoại một không hai hai hoặc điện thoại một một chín" },
		{ "Ban QL dự án", "Ban quản lý dự án" },
	};
	RUN(t);
}

static void test_storms(void **state)
{
	(void)state;
	static const struct tts_case t[] = {
		{ "Bão NORU đổ bộ", "Bão no ru đổ bộ" },
		{ "Cơn bão số 3 (YAGI) gây mưa lớn", "Cơn bão số ba, ya ghi, gây mưa lớn" },
		{ "Bão số 12 (KONG-REY)", "Bão số mười hai, cong rây" },
		{ "Siêu bão WIPHA", "Siêu bão uy pha" },
		{ "Bão Noru suy yếu", "Bão no ru suy yếu" },
		{ "Có tên quốc tế là KAJIKI", "Có tên quốc tế là ca di ki" },
		{ "BÃO MATMO", "bão mát mo" },
		{ "Bão BUALOI, bão DOKSURI và bão YINXING",
		  "Bão bua loi, bão đóc su ri và bão in xinh" },
		/* a dictionary word after "bão" is still itself; no name is not one */
		{ "Sau bão BCH PCTT xã họp", "Sau bão ban chỉ huy phòng chống thiên tai xã họp" },
		{ "Khi bão to, không ra khơi", "Khi bão to, không ra khơi" },
		{ "Ứng dụng GPS", "Ứng dụng giê pê ét" },
	};
	RUN(t);
}

static void test_loanwords(void **state)
{
	(void)state;
	static const struct tts_case t[] = {
		{ "Giả danh Agribank, Vietinbank, BIDV, Vietcombank",
		  "Giả danh a gờ ri băng, việt tin băng, bê i đê vê, việt com băng" },
		{ "Nhắn qua Zalo, không bấm link trên website lạ",
		  "Nhắn qua da lô, không bấm lin trên oép sai lạ" },
		{ "Họp online", "Họp on lai" },
		{ "Tiêm vắc xin sởi - rubella", "Tiêm vắc xin sởi, ru bê la" },
		{ "vaccine, vắcxin, vaccin", "vắc xin, vắc xin, vắc xin" },
		{ "Phòng Covid và COVID-19", "Phòng cô vít và cô vít mười chín" },
		{ "Tài khoản Gmail hoặc Viettel", "Tài khoản gờ meo hoặc vi ét ten" },
		{ "Xem trên Fanpage", "Xem trên phan pết" },
	};
	RUN(t);
}

static void test_acronym_after_expansion(void **state)
{
	(void)state;
	static const struct tts_case t[] = {
		{ "Bệnh dịch tả lợn châu Phi (DTLCP) đang lan", "Bệnh dịch tả lợn châu Phi đang lan" },
		{ "Ủy ban nhân dân (UBND) xã", "Ủy ban nhân dân xã" },
		{ "Bộ Lao động - Thương binh và Xã hội (LĐTBXH) hướng dẫn",
		  "Bộ Lao động, Thương binh và Xã hội hướng dẫn" },
		{ "Ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn (PCTT&TKCN)",
		  "Ban chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn" },
		{ "Ngân hàng Chính sách xã hội (NHCSXH) thông báo", "Ngân hàng Chính sách xã hội thông báo" },
		{ "cấp giấy chứng nhận quyền sử dụng đất (GCNQSDĐ).", "cấp giấy chứng nhận quyền sử dụng đất." },
		{ "Sở Giáo dục và Đào tạo (GD&ĐT)", "Sở Giáo dục và Đào tạo" },
		/* not its expansion: the acronym is read */
		{ "Bệnh lở mồm (DTLCP)", "Bệnh lở mồm, dịch tả lợn châu Phi" },
		{ "Liên hệ trạm (TYT)", "Liên hệ trạm, trạm y tế" },
	};
	RUN(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_address_ssml),
		cmocka_unit_test(test_acronyms),
		cmocka_unit_test(test_roads),
		cmocka_unit_test(test_storms),
		cmocka_unit_test(test_loanwords),
		cmocka_unit_test(test_acronym_after_expansion),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
