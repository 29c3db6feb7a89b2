/* CSV import: the sheet reader's edge cases and the household rules,
 * all-or-nothing, duplicates, and the list --csv round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "domain/household.h"
#include "domain/sheet.h"

static struct store *st;
static char *errs_buf, *info_buf;
static size_t errs_len, info_len;

static int setup(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(store_open(":memory:", &st, err, sizeof err), STORE_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	free(errs_buf);
	free(info_buf);
	errs_buf = info_buf = NULL;
	return 0;
}

static int import(const char *csv, size_t len, int dry, struct import_result *res)
{
	free(errs_buf);
	free(info_buf);
	FILE *e = open_memstream(&errs_buf, &errs_len);
	FILE *i = open_memstream(&info_buf, &info_len);
	int rc = household_import(st, "v.csv", csv, len, dry, e, i, res);
	fclose(e);
	fclose(i);
	return rc;
}

static int count_households(void)
{
	int n = 0;
	struct household h;
	for (int id = 1; id < 20000; id++)
		n += store_household_get(st, id, &h) == STORE_OK;
	return n;
}

static void test_sheet_edge_cases(void **state)
{
	(void)state;
	const char csv[] = "\xEF\xBB\xBFname;phone;note\r\n"
			   "\r\n"
			   "\"Lê; Văn A\";0912345678;\"line one\r\nline two\"\r\n"
			   ";;\r\n"
			   "\"say \"\"hi\"\"\";0912000111;x\r\n";
	struct sheet sh;
	char err[256];
	assert_int_equal(sheet_parse("v.csv", csv, sizeof csv - 1, &sh, err, sizeof err), 0);
	assert_int_equal(sh.delim, ';');
	assert_int_equal(sh.nrows, 3);
	assert_string_equal(sh.rows[0].fields[0], "name");
	assert_int_equal(sh.rows[1].line, 3);
	assert_string_equal(sh.rows[1].fields[0], "Lê; Văn A");
	assert_string_equal(sh.rows[1].fields[2], "line one\r\nline two");
	assert_int_equal(sh.rows[2].line, 6);
	assert_string_equal(sh.rows[2].fields[0], "say \"hi\"");
	sheet_free(&sh);
}

static void test_sheet_errors(void **state)
{
	(void)state;
	struct sheet sh;
	char err[256];
	/* UTF-8 (Ấn) damaged on line 3; without valid UTF-8 it would be
	 * read as Windows-1258 (test_sheet.c) */
	const char bad_utf8[] = "name,phone\nẤn,0912345678\nB\xff" "c,0912000111\n";
	assert_int_equal(sheet_parse("v.csv", bad_utf8, sizeof bad_utf8 - 1, &sh, err, sizeof err), -1);
	assert_string_equal(err, "v.csv:3: column 2: not valid UTF-8 (save the file as \"CSV UTF-8\")");
	const char open_quote[] = "name,phone\n\"An,0912345678\n";
	assert_int_equal(sheet_parse("v.csv", open_quote, sizeof open_quote - 1, &sh, err, sizeof err), -1);
	assert_non_null(strstr(err, "v.csv:2: a quoted field is not closed"));
	const char stray[] = "name,phone\nA\"n,0912345678\n";
	assert_int_equal(sheet_parse("v.csv", stray, sizeof stray - 1, &sh, err, sizeof err), -1);
	assert_non_null(strstr(err, "v.csv:2: misplaced quote"));
}

static void test_import_ok(void **state)
{
	(void)state;
	const char csv[] = "Họ tên,Số điện thoại,Nhóm,Kênh,Dấu,Ghi chú,Extra\n"
			   "Nguyễn Văn A,0912 345 678,dong-tien chan-nuoi,sms,có,,ignored\n"
			   "Trần Thị B,0169.234.5678,dong-tien,both,không,\"bà cụ, 80\",\n"
			   "Lê Văn C,(0233) 3852 456,tay-son,,,,\n";
	struct import_result r;
	assert_int_equal(import(csv, sizeof csv - 1, 0, &r), 0);
	assert_int_equal(r.imported, 3);
	assert_int_equal(r.converted, 1);
	assert_non_null(strstr(info_buf, "v.csv:3: old number 0169.234.5678 converted to 0392345678"));
	assert_non_null(strstr(info_buf, "v.csv:4: landline"));
	struct household h;
	assert_int_equal(store_household_by_phone(st, "+84392345678", &h), STORE_OK);
	assert_string_equal(h.name, "Trần Thị B");
	assert_int_equal(h.channel, CH_BOTH);
	assert_int_equal(h.accents, 0);
	assert_string_equal(h.note, "bà cụ, 80");
	assert_int_equal(store_household_by_phone(st, "+842333852456", &h), STORE_OK);
	assert_int_equal(h.channel, CH_VOICE);
	assert_int_equal(h.landline, 1);
	assert_int_equal(store_household_by_phone(st, "+84912345678", &h), STORE_OK);
	assert_string_equal(h.groups, "chan-nuoi dong-tien");
}

static void test_import_all_or_nothing(void **state)
{
	(void)state;
	const char csv[] = "name,phone,groups,channel,accents\n"
			   "An,0912345678,a,sms,yes\n"
			   ",0912000111,a,sms,yes\n"
			   "Binh,113,a,sms,yes\n"
			   "Chi,0912 345 678,a,sms,yes\n"
			   "Dung,02333852456,a,sms,yes\n"
			   "Em,0912000222,a b!,sms,yes\n"
			   "Gia,0912000333,a,fax,yes\n"
			   "Ha,0912000444,a,sms,maybe\n"
			   "Ich,+1 202 555 0100,a,sms,yes\n";
	struct import_result r;
	assert_int_equal(import(csv, sizeof csv - 1, 0, &r), 2);
	assert_int_equal(r.imported, 0);
	assert_int_equal(count_households(), 0);
	const char *want[] = {
		"v.csv:3: name: empty\n",
		"v.csv:4: phone: '113' is a emergency number, never a recipient\n",
		"v.csv:5: phone: 0912345678 duplicates line 2\n",
		"v.csv:6: channel: 02333852456 is a landline: it cannot receive SMS, use channel voice\n",
		"v.csv:7: groups: 'b!' is not a group code",
		"v.csv:8: channel: 'fax' is not sms, voice or both\n",
		"v.csv:9: accents: 'maybe' is not yes or no\n",
		"v.csv:10: phone: '+1 202 555 0100': foreign number",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(errs_buf, want[i]))
			fail_msg("missing '%s' in:\n%s", want[i], errs_buf);
	assert_int_equal(r.errors, 8);
}

static void test_import_header_and_db_duplicates(void **state)
{
	(void)state;
	struct import_result r;
	const char nophone[] = "name,groups\nAn,a\n";
	assert_int_equal(import(nophone, sizeof nophone - 1, 0, &r), 2);
	assert_non_null(strstr(errs_buf, "v.csv:1: header: missing column 'phone'"));
	const char twice[] = "name,phone,SĐT\nAn,0912345678,0912345678\n";
	assert_int_equal(import(twice, sizeof twice - 1, 0, &r), 2);
	assert_non_null(strstr(errs_buf, "v.csv:1: header: columns 2 and 3 both mean 'phone'"));

	const char one[] = "name,phone\nAn,0912345678\n";
	assert_int_equal(import(one, sizeof one - 1, 1, &r), 0); /* dry run writes nothing */
	assert_int_equal(count_households(), 0);
	assert_int_equal(import(one, sizeof one - 1, 0, &r), 0);
	assert_int_equal(count_households(), 1);
	const char again[] = "name,phone\nBinh,0912000111\nAn again,+84 912 345 678\n";
	assert_int_equal(import(again, sizeof again - 1, 0, &r), 2);
	assert_non_null(strstr(errs_buf, "v.csv:3: phone: 0912345678 is already registered to household 1 (An)"));
	assert_int_equal(count_households(), 1);
}

static void test_csv_injection_guard(void **state)
{
	(void)state;
	const char *row[] = { "=HYPERLINK(\"http://x\",\"y\")", "+84", "-note", "@SUM(A1)", "plain, text" };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	sheet_write_row(f, row, 5);
	fclose(f);
	assert_string_equal(out, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+84,'-note,'@SUM(A1),\"plain, text\"\r\n");
	struct sheet sh;
	char err[128];
	assert_int_equal(sheet_parse("g.csv", out, len, &sh, err, sizeof err), 0);
	for (int i = 0; i < 5; i++)
		assert_string_equal(sh.rows[0].fields[i], row[i]);
	sheet_free(&sh);
	free(out);
}

static void test_import_10000_rows_and_roundtrip(void **state)
{
	(void)state;
	char *csv = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	fputs("name,phone,groups,channel,accents,note\r\n", f);
	for (int i = 0; i < 10000; i++)
		fprintf(f, "\"Hộ %d, thôn %d\",09%08d,thon-%d%s,%s,%s,\"ghi \"\"chú\"\" %d\"\r\n", i, i % 7, i,
			i % 7, i % 3 ? " chan-nuoi" : "", i % 4 == 0 ? "both" : i % 4 == 1 ? "voice" : "sms",
			i % 2 ? "yes" : "no", i);
	fclose(f);
	struct import_result r;
	assert_int_equal(import(csv, len, 0, &r), 0);
	assert_int_equal(r.imported, 10000);
	free(csv);

	/* list --csv re-imports unchanged into a fresh database */
	char *out = NULL;
	size_t outlen = 0;
	f = open_memstream(&out, &outlen);
	assert_int_equal(household_write_csv(st, NULL, f), STORE_OK);
	fclose(f);
	struct store *first = st;
	char err[256];
	assert_int_equal(store_open(":memory:", &st, err, sizeof err), STORE_OK);
	assert_int_equal(import(out, outlen, 0, &r), 0);
	assert_int_equal(r.imported, 10000);
	char *out2 = NULL;
	size_t outlen2 = 0;
	f = open_memstream(&out2, &outlen2);
	assert_int_equal(household_write_csv(st, NULL, f), STORE_OK);
	fclose(f);
	assert_int_equal(outlen, outlen2);
	assert_memory_equal(out, out2, outlen);
	free(out);
	free(out2);
	store_close(first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sheet_edge_cases),
		cmocka_unit_test(test_sheet_errors),
		cmocka_unit_test(test_csv_injection_guard),
		cmocka_unit_test_setup_teardown(test_import_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_header_and_db_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_10000_rows_and_roundtrip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
