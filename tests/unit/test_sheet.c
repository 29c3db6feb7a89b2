/* The sheet reader on files as Excel and LibreOffice write them: Windows-1258
 * with combining tone marks, UTF-16LE "Unicode Text", NFD UTF-8, .xlsx
 * workbooks (one built part by part like Excel's, one written by
 * libxlsxwriter), and what must be refused: .xls, .ods, web pages, damaged
 * or hostile workbooks (entities, zip bombs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/text.h"
#include "base/util.h"
#include "domain/sheet.h"
#include "domain/sheet_priv.h"

static char err[512];

static int load(const char *name, const char *data, size_t len, const char *sheet, struct sheet *sh)
{
	err[0] = '\0';
	return sheet_load(name, data, len, sheet, sh, err, sizeof err);
}

static void assert_nfc(const struct sheet *sh)
{
	for (int r = 0; r < sh->nrows; r++)
		for (int f = 0; f < sh->rows[r].nfields; f++) {
			char *n = text_nfc(sh->rows[r].fields[f]);
			assert_non_null(n);
			assert_string_equal(n, sh->rows[r].fields[f]);
			free(n);
		}
}

/* ---- (a) Windows-1258, as Excel's "CSV (Comma delimited)" writes it ---- */

/* Built byte by byte.  Windows-1258 has few toned letters precomposed (á,
 * à, Ă, Đ, ơ, ư...); the others are a letter then a combining mark:
 * 0xCC grave (huyền), 0xEC acute (sắc), 0xD2 hook (hỏi), 0xDE tilde (ngã),
 * 0xF2 dot below (nặng).  0x97 is the em dash. */
static const char cp1258_csv[] =
	"DANH S\xC1" "CH H\xD4\xF2 D\xC2N TH\xD4N 3 \x97 XA\xDE TR\xC0 BUI,,,\r\n"
	"Ho\xF2 v\xE0 t\xEAn chu\xD2 h\xF4\xF2,S\xF4\xEC \xD0T,X\xF3m,Ghi ch\xFA\r\n"
	"Nguy\xEA\xDEn V\xE3n \xD0\xFD\xEC" "c,0912345682,X\xF3m \xD0\xF4ng Ti\xEA\xECn,\r\n"
	"Tr\xE2\xCCn Thi\xF2 H\xFD\xF5ng,0987654321,X\xF3m T\xE2y S\xF5n,\"B\xE0 cu\xF2, 80 tu\xF4\xD2i\"\r\n"
	"L\xEA Thi\xF2 Ngo\xF2" "c H\xE3\xCCng,0353123456,X\xF3m \xD0\xF4ng Ti\xEA\xECn,\xC2\xCC"
	"u A\xD2nh; My\xDE\r\n";

static void test_cp1258(void **state)
{
	(void)state;
	struct sheet sh;
	assert_int_equal(load("ho-dan.csv", cp1258_csv, sizeof cp1258_csv - 1, NULL, &sh), 0);
	assert_int_equal(sh.format, SHEET_CSV_CP1258);
	assert_string_equal(sheet_format_name(sh.format), "CSV Windows-1258");
	assert_int_equal(sh.delim, ',');
	assert_int_equal(sh.nrows, 5);
	assert_int_equal(sh.rows[0].line, 1);
	assert_string_equal(sh.rows[0].fields[0], "DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI");
	assert_string_equal(sh.rows[1].fields[0], "Họ và tên chủ hộ");
	assert_string_equal(sh.rows[1].fields[1], "Số ĐT");
	assert_string_equal(sh.rows[1].fields[2], "Xóm");
	assert_string_equal(sh.rows[2].fields[0], "Nguyễn Văn Đức");
	assert_string_equal(sh.rows[2].fields[2], "Xóm Đông Tiến");
	assert_string_equal(sh.rows[3].fields[0], "Trần Thị Hương");
	assert_string_equal(sh.rows[3].fields[3], "Bà cụ, 80 tuổi");
	assert_int_equal(sh.rows[4].line, 5);
	assert_string_equal(sh.rows[4].fields[0], "Lê Thị Ngọc Hằng");
	assert_string_equal(sh.rows[4].fields[3], "Ầu Ảnh; Mỹ");
	/* composed: as long as the NFC literal, not the decomposed bytes */
	assert_int_equal(strlen(sh.rows[2].fields[0]), strlen("Nguyễn Văn Đức"));
	assert_nfc(&sh);
	sheet_free(&sh);

	/* bytes Windows-1258 leaves undefined */
	const char undef[] = "Ho\xF2 t\xEAn,S\xF4\xEC \xD0T\nA\x81,0912345682\n";
	assert_int_equal(load("ho-dan.csv", undef, sizeof undef - 1, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.csv:2: column 2: byte 0x81 is neither UTF-8 nor Windows-1258 (save the file "
				 "as \"CSV UTF-8\")");
}

/* Our table against glibc's CP1258 converter, byte by byte. */
static void test_cp1258_table(void **state)
{
	(void)state;
	iconv_t cd = iconv_open("UTF-8", "CP1258");
	if (cd == (iconv_t)-1)
		skip();
	for (int c = 0x80; c <= 0xFF; c++) {
		char in[2] = { (char)c, 0 }, out[16] = "", *ip = in, *op = out;
		size_t il = 1, ol = sizeof out - 1;
		iconv(cd, NULL, NULL, NULL, NULL);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		if (r != (size_t)-1)
			iconv(cd, NULL, NULL, &op, &ol); /* flush a buffered mark */
		*op = '\0';
		size_t len;
		enum sheet_format fmt;
		char e[256];
		char *ours = sheet_text_decode("t", in, 1, &len, &fmt, e, sizeof e);
		if (r == (size_t)-1) {
			assert_null(ours);
		} else {
			assert_non_null(ours);
			assert_int_equal(fmt, SHEET_CSV_CP1258);
			assert_string_equal(ours, out);
		}
		free(ours);
	}
	iconv_close(cd);
}

/* A UTF-8 file damaged in one place is UTF-8, not Windows-1258. */
static void test_damaged_utf8(void **state)
{
	(void)state;
	struct sheet sh;
	const char bad[] = "Họ và tên,Số ĐT\nNguyễn Văn Đức,0912345682\nTr\xE1n Thị Hương,0987654321\n";
	assert_int_equal(load("ho-dan.csv", bad, sizeof bad - 1, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.csv:3: column 3: not valid UTF-8 (save the file as \"CSV UTF-8\")");
	const char bom_bad[] = "\xEF\xBB\xBFname,phone\nB\xFF,0912345682\n";
	assert_int_equal(load("ho-dan.csv", bom_bad, sizeof bom_bad - 1, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.csv:2: column 2: not valid UTF-8 (save the file as \"CSV UTF-8\")");
}

/* ---- (b) UTF-16: Excel's "Unicode Text" ---- */

static char *to_utf16(const char *utf8, int be, int bom, size_t *len)
{
	struct sbuf b;
	sbuf_init(&b);
	if (bom)
		sbuf_addn(&b, be ? "\xFE\xFF" : "\xFF\xFE", 2);
	const unsigned char *p = (const unsigned char *)utf8;
	while (*p) {
		uint32_t cp;
		int k = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		cp = k == 1 ? *p : k == 2 ? *p & 0x1Fu : k == 3 ? *p & 0x0Fu : *p & 0x07u;
		for (int i = 1; i < k; i++)
			cp = cp << 6 | (p[i] & 0x3Fu);
		p += k;
		uint16_t u[2];
		int n = 1;
		if (cp >= 0x10000) {
			u[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
			u[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
			n = 2;
		} else {
			u[0] = (uint16_t)cp;
		}
		for (int i = 0; i < n; i++) {
			char two[2] = { (char)(be ? u[i] >> 8 : u[i] & 0xFF), (char)(be ? u[i] & 0xFF : u[i] >> 8) };
			sbuf_addn(&b, two, 2);
		}
	}
	*len = b.len;
	return sbuf_take(&b);
}

static const char unicode_text[] = "DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI\t\t\t\r\n"
				   "\t\t\t\r\n"
				   "Họ và tên chủ hộ\tSố ĐT\tXóm\tGhi chú\r\n"
				   "Nguyễn Văn Đức\t912345682\tXóm Đông Tiến\t\r\n"
				   "Trần Thị Hương\t0987654321\t\tBà cụ, 80 tuổi\r\n"
				   "Phạm Thị Ảnh\t0353123456\tXóm Tây Sơn\t\"Gọi sau 17 giờ\t(đi rẫy)\"\r\n"
				   "Vũ Đình Thưởng 𠀋\t0868123456\tXóm Tây Sơn\tchữ Nôm ngoài BMP\r\n";

static void check_unicode_text(const struct sheet *sh)
{
	assert_int_equal(sh->format, SHEET_UTF16);
	assert_int_equal(sh->delim, '\t');
	assert_int_equal(sh->nrows, 6);
	assert_string_equal(sh->rows[0].fields[0], "DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI");
	assert_int_equal(sh->rows[1].line, 3);
	assert_string_equal(sh->rows[1].fields[0], "Họ và tên chủ hộ");
	assert_int_equal(sh->rows[1].nfields, 4);
	assert_string_equal(sh->rows[2].fields[1], "912345682");
	assert_string_equal(sh->rows[3].fields[2], "");
	assert_string_equal(sh->rows[3].fields[3], "Bà cụ, 80 tuổi");
	assert_string_equal(sh->rows[4].fields[3], "Gọi sau 17 giờ\t(đi rẫy)");
	assert_string_equal(sh->rows[5].fields[0], "Vũ Đình Thưởng 𠀋");
	assert_int_equal(sh->rows[5].line, 7);
	assert_nfc(sh);
}

static void test_utf16(void **state)
{
	(void)state;
	struct sheet sh;
	size_t len;
	char *le = to_utf16(unicode_text, 0, 1, &len);
	assert_int_equal(load("ho-dan.txt", le, len, NULL, &sh), 0);
	check_unicode_text(&sh);
	sheet_free(&sh);
	free(le);
	char *be = to_utf16(unicode_text, 1, 1, &len);
	assert_int_equal(load("ho-dan.txt", be, len, NULL, &sh), 0);
	check_unicode_text(&sh);
	sheet_free(&sh);
	free(be);
	char *nobom = to_utf16(unicode_text, 0, 0, &len);
	assert_int_equal(load("ho-dan.txt", nobom, len, NULL, &sh), 0);
	check_unicode_text(&sh);
	sheet_free(&sh);
	/* an odd number of bytes; a lone surrogate on line 2 */
	assert_int_equal(load("ho-dan.txt", nobom, len - 1, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.txt: not valid UTF-16: an odd number of bytes"));
	free(nobom);
	const char lone[] = "\xFF\xFE" "A\0\t\0B\0\r\0\n\0" "C\0\x00\xD8" "D\0";
	assert_int_equal(load("ho-dan.txt", lone, sizeof lone - 1, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.txt:2: not valid UTF-16: a lone surrogate"));
}

/* ---- (d) NFD UTF-8 (macOS, some LibreOffice exports) ---- */

static void test_nfd(void **state)
{
	(void)state;
	struct sheet sh;
	/* "Họ và tên;Số ĐT" and "Nguyễn Văn Đức" decomposed: e + U+0302 + U+0303 */
	const char nfd[] = "Ho\xCC\xA3 va\xCC\x80 te\xCC\x82n;So\xCC\x82\xCC\x81 \xC4\x90T\n"
			   "Nguye\xCC\x82\xCC\x83n Va\xCC\x86n \xC4\x90u\xCC\x9B\xCC\x81" "c;0912345682\n";
	assert_int_equal(load("ho-dan.csv", nfd, sizeof nfd - 1, NULL, &sh), 0);
	assert_int_equal(sh.format, SHEET_CSV_UTF8);
	assert_int_equal(sh.delim, ';');
	assert_string_equal(sh.rows[0].fields[0], "Họ và tên");
	assert_string_equal(sh.rows[0].fields[1], "Số ĐT");
	assert_string_equal(sh.rows[1].fields[0], "Nguyễn Văn Đức");
	assert_nfc(&sh);
	sheet_free(&sh);
}

/* The separator comes from the line with the most, not from a title. */
static void test_title_row_delim(void **state)
{
	(void)state;
	struct sheet sh;
	const char csv[] = "\xEF\xBB\xBF" "DANH SÁCH HỘ DÂN THÔN 3, XÃ TRÀ BUI\r\n"
			   "Họ và tên chủ hộ;Số ĐT;Xóm;Ghi chú\r\n"
			   "Nguyễn Văn Đức;0912345682;Xóm Đông Tiến;nhà số 5, ngõ 2\r\n";
	assert_int_equal(load("ho-dan.csv", csv, sizeof csv - 1, NULL, &sh), 0);
	assert_int_equal(sh.delim, ';');
	assert_int_equal(sh.nrows, 3);
	assert_string_equal(sh.rows[0].fields[0], "DANH SÁCH HỘ DÂN THÔN 3, XÃ TRÀ BUI");
	assert_string_equal(sh.rows[2].fields[3], "nhà số 5, ngõ 2");
	sheet_free(&sh);
	/* a text file has one sheet */
	assert_int_equal(load("ho-dan.csv", csv, sizeof csv - 1, "Thôn 3", &sh), -1);
	assert_string_equal(err, "ho-dan.csv: a sheet name was given, but this is a text file (CSV UTF-8), which has one "
				 "sheet");
}

/* ---- (e) files that are not household lists ---- */

static void test_refused(void **state)
{
	(void)state;
	struct sheet sh;
	const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0>\0\3\0\xFE\xFF";
	assert_int_equal(load("ho-dan.xls", xls, sizeof xls - 1, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.xls: an old Excel .xls file (or a password-protected workbook): open it in "
				 "Excel and save it as .xlsx or \"CSV UTF-8\"");
	const char html[] = "\r\n<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><table><tr><td>Họ tên";
	assert_int_equal(load("ho-dan.xls", html, sizeof html - 1, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.xls: a web page or XML file, not a spreadsheet"));
	const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
	assert_int_equal(load("ho-dan.pdf", pdf, sizeof pdf - 1, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.pdf: a PDF, not a spreadsheet"));
	const char nul[] = "name,phone\nAn\0,0912345682\n";
	assert_int_equal(load("ho-dan.csv", nul, sizeof nul - 1, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.csv: contains NUL bytes: not a text file");
	/* a CSV whose first cell starts with '<' is still a CSV */
	const char lt[] = "<ghi chú>,Họ tên\nx,Nguyễn Văn Đức\n";
	assert_int_equal(load("ho-dan.csv", lt, sizeof lt - 1, NULL, &sh), 0);
	assert_string_equal(sh.rows[0].fields[0], "<ghi chú>");
	sheet_free(&sh);
}

static void test_column_name(void **state)
{
	(void)state;
	char b[8];
	sheet_column_name(0, b, sizeof b);
	assert_string_equal(b, "A");
	sheet_column_name(25, b, sizeof b);
	assert_string_equal(b, "Z");
	sheet_column_name(26, b, sizeof b);
	assert_string_equal(b, "AA");
	sheet_column_name(701, b, sizeof b);
	assert_string_equal(b, "ZZ");
	sheet_column_name(702, b, sizeof b);
	assert_string_equal(b, "AAA");
	sheet_column_name(16383, b, sizeof b);
	assert_string_equal(b, "XFD");
}

/* ---- (c) .xlsx built part by part, as Excel 2016 writes one ---- */

struct part {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen */
};

/* A zip in memory (deflated, like Excel's); malloc'd. */
static char *make_zip(const struct part *parts, int n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	zip_source_keep(src);
	for (int i = 0; i < n; i++) {
		size_t l = parts[i].len ? parts[i].len : strlen(parts[i].data);
		zip_source_t *s = zip_source_buffer(za, parts[i].data, l, 0);
		assert_non_null(s);
		assert_true(zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
	zip_int64_t size = zip_source_tell(src);
	assert_true(size > 0);
	assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
	char *out = malloc((size_t)size);
	assert_int_equal(zip_source_read(src, out, (zip_uint64_t)size), size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)size;
	return out;
}

static const char content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/xl/workbook.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet1.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet2.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"<Override PartName=\"/xl/styles.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
	"<Override PartName=\"/xl/sharedStrings.xml\" "
	"ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
	"<Override PartName=\"/docProps/core.xml\" "
	"ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

static const char root_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
	"core-properties\" Target=\"docProps/core.xml\"/>"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	"officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

static const char core[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>UBND xã Trà Bui</dc:creator></cp:coreProperties>";

static const char workbook[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" mc:Ignorable=\"x15\" "
	"xmlns:x15=\"http://schemas.microsoft.com/office/spreadsheetml/2010/11/main\">"
	"<fileVersion appName=\"xl\" lastEdited=\"7\" lowestEdited=\"7\" rupBuild=\"22228\"/>"
	"<workbookPr defaultThemeVersion=\"166925\"/>"
	"<bookViews><workbookView xWindow=\"-120\" yWindow=\"-120\" windowWidth=\"20730\" windowHeight=\"11160\"/>"
	"</bookViews><sheets><sheet name=\"Danh sách\" sheetId=\"1\" r:id=\"rId1\"/>"
	"<sheet name=\"Thôn 3\" sheetId=\"2\" r:id=\"rId2\"/></sheets>"
	"<definedNames><definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'Danh sách'!$3:$3</definedName>"
	"</definedNames><calcPr calcId=\"191029\"/></workbook>";

static const char workbook_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" "
	"Target=\"theme/theme1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"/xl/worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId5\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
	"Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	"Target=\"styles.xml\"/></Relationships>";

static const char styles[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
	"<font><b/><sz val=\"14\"/><name val=\"Times New Roman\"/></font></fonts>"
	"<fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills>"
	"<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
	"<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
	"<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
	"<xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
	"<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";

/* Shared strings: 0 title, 1-6 headers, 7.. values; 8 is rich text (the
 * given name in bold), with a phonetic run that is not part of the text;
 * 12 holds a line break written _x000D_ as Excel does. */
static const char shared[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"16\" uniqueCount=\"13\">"
	"<si><t>DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI</t></si>"
	"<si><t>STT</t></si><si><t>Họ và tên chủ hộ</t></si><si><t>Số ĐT</t></si><si><t>Xóm</t></si>"
	"<si><t>Kênh</t></si><si><t>Ghi chú</t></si>"
	"<si><t>Nguyễn Văn Đức</t></si>"
	"<si><r><t xml:space=\"preserve\">Trần Thị </t></r><r><rPr><b/><sz val=\"11\"/></rPr><t>Hương</t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh><phoneticPr fontId=\"1\"/></si>"
	"<si><t>Xóm Đông Tiến</t></si>"
	"<si><t>SMS + gọi</t></si>"
	"<si><t>0987654321</t></si>"
	"<si><t xml:space=\"preserve\">ở nhà con gái_x000D_\n(thôn 4) </t></si></sst>";

/* The first sheet: the title merged over A1:F1, an empty row 2, the header
 * on row 3; a phone typed as a number (lost its 0), one written by another
 * program with an exponent, a phone kept as text, a skipped cell (D5), a
 * boolean, an inline string, a styled cell without value (G4). */
static const char sheet1[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" mc:Ignorable=\"x14ac xr\" "
	"xmlns:x14ac=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac\" "
	"xmlns:xr=\"http://schemas.microsoft.com/office/spreadsheetml/2014/revision\" "
	"xr:uid=\"{00000000-0001-0000-0000-000000000000}\">"
	"<dimension ref=\"A1:G6\"/><sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
	"<selection activeCell=\"C4\" sqref=\"C4\"/></sheetView></sheetViews>"
	"<sheetFormatPr defaultRowHeight=\"15\" x14ac:dyDescent=\"0.25\"/>"
	"<cols><col min=\"2\" max=\"2\" width=\"28.7109375\" customWidth=\"1\"/></cols><sheetData>"
	"<row r=\"1\" spans=\"1:6\" ht=\"18.75\" x14ac:dyDescent=\"0.3\"><c r=\"A1\" s=\"1\" t=\"s\"><v>0</v></c></row>"
	"<row r=\"3\" spans=\"1:6\" x14ac:dyDescent=\"0.25\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\" t=\"s\"><v>2</v></c>"
	"<c r=\"C3\" t=\"s\"><v>3</v></c><c r=\"D3\" t=\"s\"><v>4</v></c><c r=\"E3\" t=\"s\"><v>5</v></c>"
	"<c r=\"F3\" t=\"s\"><v>6</v></c></row>"
	"<row r=\"4\" spans=\"1:7\" x14ac:dyDescent=\"0.25\"><c r=\"A4\"><v>1</v></c><c r=\"B4\" t=\"s\"><v>7</v></c>"
	"<c r=\"C4\"><v>912345682</v></c><c r=\"D4\" t=\"s\"><v>9</v></c><c r=\"E4\" t=\"s\"><v>10</v></c>"
	"<c r=\"F4\" t=\"inlineStr\"><is><t>Nhà gần trường, hay đi rẫy</t></is></c><c r=\"G4\" s=\"2\"/></row>"
	"<row r=\"5\" spans=\"1:6\" x14ac:dyDescent=\"0.25\"><c r=\"A5\"><v>2</v></c><c r=\"B5\" t=\"s\"><v>8</v></c>"
	"<c r=\"C5\" s=\"2\" t=\"s\"><v>11</v></c><c r=\"E5\" t=\"b\"><v>1</v></c>"
	"<c r=\"F5\" t=\"s\"><v>12</v></c></row>"
	"<row r=\"6\" spans=\"1:6\"><c r=\"A6\"><v>3</v></c><c r=\"B6\" t=\"inlineStr\"><is><r><t>Lê Thị </t></r>"
	"<r><t>Ngọc Hằng</t></r></is></c><c r=\"C6\"><v>9.12345683E8</v></c><c r=\"D6\" t=\"s\"><v>9</v></c>"
	"<c r=\"E6\"><v>0.30000000000000004</v></c><c r=\"F6\" t=\"str\"><f>B6&amp;\"!\"</f><v>Lê Thị Ngọc Hằng!</v></c>"
	"<c r=\"G6\" t=\"inlineStr\"><is><t>mã_x005F_x0031_</t></is></c></row><row r=\"7\"><c r=\"A7\" s=\"2\"/><c r=\"B7\" t=\"s\"/></row>"
	"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:F1\"/></mergeCells>"
	"<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
	"<pageSetup paperSize=\"9\" orientation=\"portrait\"/></worksheet>";

/* The second sheet, with a namespace prefix (as some programs write) and
 * cells without r= (their place is the next column). */
static const char sheet2[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
	"<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
	"<x:row r=\"2\"><x:c t=\"inlineStr\"><x:is><x:t>Họ tên</x:t></x:is></x:c>"
	"<x:c t=\"inlineStr\"><x:is><x:t>Điện thoại</x:t></x:is></x:c></x:row>"
	"<x:row><x:c t=\"inlineStr\"><x:is><x:t>Hoàng Thị Mỹ Lệ</x:t></x:is></x:c><x:c><x:v>868123456</x:v></x:c>"
	"</x:row></x:sheetData></x:worksheet>";

static char *excel_book(size_t *len, const char *ws1, const char *sst)
{
	const struct part parts[] = {
		{ "[Content_Types].xml", content_types, 0 },
		{ "_rels/.rels", root_rels, 0 },
		{ "docProps/core.xml", core, 0 },
		{ "xl/workbook.xml", workbook, 0 },
		{ "xl/_rels/workbook.xml.rels", workbook_rels, 0 },
		{ "xl/styles.xml", styles, 0 },
		{ "xl/sharedStrings.xml", sst, 0 },
		{ "xl/worksheets/sheet1.xml", ws1, 0 },
		{ "xl/worksheets/sheet2.xml", sheet2, 0 },
	};
	return make_zip(parts, (int)ARRAY_LEN(parts), len);
}

static void test_xlsx(void **state)
{
	(void)state;
	size_t len;
	char *book = excel_book(&len, sheet1, shared);
	struct sheet sh;
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), 0);
	assert_int_equal(sh.format, SHEET_XLSX);
	assert_string_equal(sheet_format_name(sh.format), "Excel .xlsx");
	assert_int_equal(sh.delim, 0);
	assert_string_equal(sh.sheet_name, "Danh sách");
	assert_int_equal(sh.nrows, 5);
	assert_int_equal(sh.rows[0].line, 1);
	assert_int_equal(sh.rows[0].nfields, 1);
	assert_string_equal(sh.rows[0].fields[0], "DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI");
	const struct sheet_row *h = &sh.rows[1];
	assert_int_equal(h->line, 3);
	assert_int_equal(h->nfields, 6);
	assert_string_equal(h->fields[1], "Họ và tên chủ hộ");
	assert_string_equal(h->fields[2], "Số ĐT");
	assert_string_equal(h->fields[5], "Ghi chú");
	const struct sheet_row *r = &sh.rows[2];
	assert_int_equal(r->line, 4);
	assert_int_equal(r->nfields, 6); /* G4 has a style, no value */
	assert_string_equal(r->fields[0], "1");
	assert_string_equal(r->fields[1], "Nguyễn Văn Đức");
	assert_string_equal(r->fields[2], "912345682");
	assert_string_equal(r->fields[3], "Xóm Đông Tiến");
	assert_string_equal(r->fields[4], "SMS + gọi");
	assert_string_equal(r->fields[5], "Nhà gần trường, hay đi rẫy");
	r = &sh.rows[3];
	assert_int_equal(r->line, 5);
	assert_string_equal(r->fields[1], "Trần Thị Hương");
	assert_string_equal(r->fields[2], "0987654321");
	assert_string_equal(r->fields[3], ""); /* D5 skipped */
	assert_string_equal(r->fields[4], "TRUE");
	assert_string_equal(r->fields[5], "ở nhà con gái\r\n(thôn 4)");
	r = &sh.rows[4];
	assert_int_equal(r->line, 6);
	assert_string_equal(r->fields[1], "Lê Thị Ngọc Hằng");
	assert_string_equal(r->fields[2], "912345683");
	assert_string_equal(r->fields[4], "0.3");
	assert_string_equal(r->fields[5], "Lê Thị Ngọc Hằng!");
	assert_string_equal(r->fields[6], "mã_x0031_"); /* "_" escaped as _x005F_ */
	char col[8];
	sheet_column_name(2, col, sizeof col);
	assert_string_equal(col, "C");
	assert_nfc(&sh);
	sheet_free(&sh);

	/* the second sheet by name, exactly or without accents and case */
	const char *names[] = { "Thôn 3", "thon 3", "THÔN 3" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		assert_int_equal(load("ho-dan.xlsx", book, len, names[i], &sh), 0);
		assert_string_equal(sh.sheet_name, "Thôn 3");
		assert_int_equal(sh.nrows, 2);
		assert_int_equal(sh.rows[0].line, 2);
		assert_string_equal(sh.rows[0].fields[1], "Điện thoại");
		assert_int_equal(sh.rows[1].line, 3);
		assert_string_equal(sh.rows[1].fields[0], "Hoàng Thị Mỹ Lệ");
		assert_string_equal(sh.rows[1].fields[1], "868123456");
		sheet_free(&sh);
	}
	assert_int_equal(load("ho-dan.xlsx", book, len, "Thôn 4", &sh), -1);
	assert_string_equal(err, "ho-dan.xlsx: no sheet named 'Thôn 4' (sheets: Danh sách, Thôn 3)");
	/* a sheet name given in NFD still finds the sheet */
	assert_int_equal(load("ho-dan.xlsx", book, len, "Tho\xCC\x82n 3", &sh), 0);
	sheet_free(&sh);
	/* a truncated download */
	assert_int_equal(load("ho-dan.xlsx", book, len / 2, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.xlsx: not a readable .xlsx workbook ("));
	free(book);
}

/* ---- libxlsxwriter writes a workbook; we read it back ---- */

static void test_xlsxwriter(void **state)
{
	(void)state;
	char path[] = "/tmp/loa-test-sheet-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	assert_non_null(wb);
	lxw_worksheet *tong = workbook_add_worksheet(wb, "Tổng hợp");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Danh sách");
	worksheet_write_string(tong, 0, 0, "Thôn 3: 3 hộ", NULL);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	worksheet_merge_range(ws, 0, 0, 0, 4, "DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI", bold);
	const char *hdr[] = { "Họ và tên chủ hộ", "Số ĐT", "Xóm", "Dấu", "Ghi chú" };
	for (int c = 0; c < 5; c++)
		worksheet_write_string(ws, 2, (lxw_col_t)c, hdr[c], bold);
	worksheet_write_string(ws, 3, 0, "Nguyễn Văn Đức", NULL);
	worksheet_write_number(ws, 3, 1, 912345682, NULL);
	worksheet_write_string(ws, 3, 2, "Xóm Đông Tiến", NULL);
	worksheet_write_boolean(ws, 3, 3, 0, NULL);
	worksheet_write_string(ws, 3, 4, "dòng 1\ndòng 2", NULL);
	worksheet_write_string(ws, 4, 0, "Phạm Thị Ảnh", NULL);
	worksheet_write_string(ws, 4, 1, "0353123456", text);
	worksheet_write_blank(ws, 4, 2, bold);
	worksheet_write_number(ws, 4, 4, 1234567890123.0, NULL);
	worksheet_write_string(ws, 5, 0, "Đỗ Văn Sỹ", NULL);
	worksheet_write_number(ws, 5, 1, -0.000125, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	size_t len;
	char *data = util_read_file(path, &len);
	unlink(path);
	assert_non_null(data);
	struct sheet sh;
	assert_int_equal(load("xuat.xlsx", data, len, NULL, &sh), 0);
	assert_string_equal(sh.sheet_name, "Tổng hợp");
	assert_int_equal(sh.nrows, 1);
	sheet_free(&sh);
	assert_int_equal(load("xuat.xlsx", data, len, "Danh sách", &sh), 0);
	assert_int_equal(sh.nrows, 5);
	assert_string_equal(sh.rows[0].fields[0], "DANH SÁCH HỘ DÂN THÔN 3 — XÃ TRÀ BUI");
	assert_int_equal(sh.rows[1].line, 3);
	assert_string_equal(sh.rows[1].fields[4], "Ghi chú");
	assert_string_equal(sh.rows[2].fields[0], "Nguyễn Văn Đức");
	assert_string_equal(sh.rows[2].fields[1], "912345682");
	assert_string_equal(sh.rows[2].fields[3], "FALSE");
	assert_string_equal(sh.rows[2].fields[4], "dòng 1\ndòng 2");
	assert_string_equal(sh.rows[3].fields[1], "0353123456");
	assert_string_equal(sh.rows[3].fields[2], "");
	assert_string_equal(sh.rows[3].fields[4], "1234567890123");
	assert_string_equal(sh.rows[4].fields[0], "Đỗ Văn Sỹ");
	assert_string_equal(sh.rows[4].fields[1], "-0.000125");
	assert_nfc(&sh);
	sheet_free(&sh);
	free(data);
}

/* ---- (f) hostile and wrong zips ---- */

static void test_xlsx_entities(void **state)
{
	(void)state;
	const char laughs[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE sst [<!ENTITY a \"hahahahaha\">"
			      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
			      "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&b;</t></si></sst>";
	size_t len;
	char *book = excel_book(&len, sheet1, laughs);
	struct sheet sh;
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.xlsx: xl/sharedStrings.xml: a DOCTYPE or entity declaration, which Excel never "
				 "writes: refused");
	free(book);
	const char external[] = "<?xml version=\"1.0\"?><!DOCTYPE w SYSTEM \"file:///etc/passwd\"><worksheet/>";
	book = excel_book(&len, external, shared);
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
	assert_non_null(strstr(err, "xl/worksheets/sheet1.xml: a DOCTYPE"));
	free(book);
	const char undefined[] = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row>"
				 "</sheetData></worksheet>";
	book = excel_book(&len, undefined, shared);
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.xlsx: xl/worksheets/sheet1.xml: line 1: undefined entity"));
	free(book);
}

static void test_xlsx_bad_cells(void **state)
{
	(void)state;
	struct sheet sh;
	size_t len;
	const char *bad[] = {
		"<worksheet><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1048577\"><c><v>1</v></c></row></sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"1A\"><v>1</v></c></row></sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row></sheetData></worksheet>",
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData>",
	};
	const char *want[] = { "cell reference 'XFE1' is not valid", "row number '1048577' is not valid",
			       "cell reference '1A' is not valid", "shared string '99' does not exist",
			       "no element found" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *book = excel_book(&len, bad[i], shared);
		assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
		if (!strstr(err, want[i]))
			fail_msg("%s: %s", want[i], err);
		assert_non_null(strstr(err, "ho-dan.xlsx: xl/worksheets/sheet1.xml: "));
		free(book);
	}
	/* far columns are fine while the cells stay few */
	char *book = excel_book(&len,
				"<worksheet><sheetData><row r=\"1\"><c r=\"XFD1\" t=\"inlineStr\"><is><t>cuối</t></is></c>"
				"</row></sheetData></worksheet>",
				shared);
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), 0);
	assert_int_equal(sh.rows[0].nfields, 16384);
	assert_string_equal(sh.rows[0].fields[16383], "cuối");
	sheet_free(&sh);
	free(book);
}

/* Patches the uncompressed size of entry `name` in both the local header
 * and the central directory of a zip libzip wrote (no zip64). */
static void set_size(char *zip, size_t len, const char *name, uint32_t size)
{
	size_t nl = strlen(name);
	int patched = 0;
	for (size_t i = 0; i + 46 + nl <= len; i++) {
		unsigned char *p = (unsigned char *)zip + i;
		size_t at = 0;
		if (memcmp(p, "PK\x03\x04", 4) == 0 && p[26] == nl && memcmp(p + 30, name, nl) == 0)
			at = 22;
		else if (memcmp(p, "PK\x01\x02", 4) == 0 && p[28] == nl && memcmp(p + 46, name, nl) == 0)
			at = 24;
		if (!at)
			continue;
		for (int k = 0; k < 4; k++)
			p[at + (size_t)k] = (unsigned char)(size >> (8 * k));
		patched++;
	}
	assert_int_equal(patched, 2);
}

static void test_xlsx_bombs(void **state)
{
	(void)state;
	struct sheet sh;
	size_t len;
	/* a size that says 4 GB */
	char *book = excel_book(&len, sheet1, shared);
	set_size(book, len, "xl/worksheets/sheet1.xml", 0xFFFFFF00u);
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.xlsx: xl/worksheets/sheet1.xml: 4294967040 bytes uncompressed, more than the "
				 "64 MB allowed: refused");
	free(book);
	/* 65 MB of spaces that deflate to ~65 KB, honest and lying about it */
	size_t big = (size_t)65 << 20;
	char *ws = malloc(big + 1);
	memset(ws, ' ', big);
	const char head[] = "<worksheet><sheetData>";
	memcpy(ws, head, sizeof head - 1);
	ws[big] = '\0';
	book = excel_book(&len, ws, shared);
	assert_true(len < ((size_t)1 << 20));
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.xlsx: xl/worksheets/sheet1.xml: "));
	assert_non_null(strstr(err, "refused"));
	set_size(book, len, "xl/worksheets/sheet1.xml", 2000);
	assert_int_equal(load("ho-dan.xlsx", book, len, NULL, &sh), -1);
	assert_non_null(strstr(err, "ho-dan.xlsx: xl/worksheets/sheet1.xml: "));
	free(book);
	free(ws);
}

static void test_other_zips(void **state)
{
	(void)state;
	struct sheet sh;
	size_t len;
	const struct part ods[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0 },
		{ "content.xml", "<office:document-content/>", 0 },
	};
	char *z = make_zip(ods, 2, &len);
	assert_int_equal(load("ho-dan.ods", z, len, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.ods: an OpenDocument spreadsheet (.ods): in LibreOffice choose File > Save As "
				 "and save it as Excel .xlsx or \"CSV UTF-8\"");
	free(z);
	const struct part plain[] = { { "ho-dan.csv", "Họ tên,SĐT\n", 0 } };
	z = make_zip(plain, 1, &len);
	assert_int_equal(load("ho-dan.zip", z, len, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.zip: a zip archive, not an Excel workbook (.xlsx)");
	free(z);
	const struct part docx[] = {
		{ "_rels/.rels",
		  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
		  "officeDocument\" Target=\"word/document.xml\"/></Relationships>",
		  0 },
		{ "word/document.xml", "<w:document xmlns:w=\"urn:w\"><w:body/></w:document>", 0 },
	};
	z = make_zip(docx, 2, &len);
	assert_int_equal(load("ho-dan.docx", z, len, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.docx: a Word, PowerPoint or other Office file, not an Excel workbook");
	free(z);
	/* a workbook whose only worksheet part is missing */
	const struct part broken[] = {
		{ "_rels/.rels", root_rels, 0 },
		{ "xl/workbook.xml", workbook, 0 },
		{ "xl/_rels/workbook.xml.rels", workbook_rels, 0 },
		{ "xl/sharedStrings.xml", shared, 0 },
	};
	z = make_zip(broken, 4, &len);
	assert_int_equal(load("ho-dan.xlsx", z, len, NULL, &sh), -1);
	assert_string_equal(err, "ho-dan.xlsx: xl/worksheets/sheet1.xml: missing from the workbook");
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cp1258),
		cmocka_unit_test(test_cp1258_table),
		cmocka_unit_test(test_damaged_utf8),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_nfd),
		cmocka_unit_test(test_title_row_delim),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_column_name),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_xlsxwriter),
		cmocka_unit_test(test_xlsx_entities),
		cmocka_unit_test(test_xlsx_bad_cells),
		cmocka_unit_test(test_xlsx_bombs),
		cmocka_unit_test(test_other_zips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
