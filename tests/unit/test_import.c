/* Importing households: the sheet reader's edge cases, then the pure plan
 * (domain/hh_import.c) on sheets as villages keep them: title rows above
 * the header, every header alias, groups written as names, channel words,
 * phones as Excel mangles them, every problem of every row, shared phones,
 * --update diffs and --deactivate-missing; applying a plan; the list
 * --csv round trip; and the Vietnamese of every message against po/vi.po. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <libgen.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "db/store.h"
#include "domain/hh_import.h"
#include "domain/household.h"
#include "domain/sheet.h"

static struct store *st;
static char *errs_buf, *info_buf;
static size_t errs_len, info_len;
static char locale_dir[512];

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

/* The CLI's path: prepare, print, apply unless dry. */
static int import_opts(const char *csv, size_t len, const struct hh_import_opts *o, int dry, struct import_result *res)
{
	free(errs_buf);
	free(info_buf);
	FILE *e = open_memstream(&errs_buf, &errs_len);
	FILE *i = open_memstream(&info_buf, &info_len);
	int rc = hh_import_run(st, "v.csv", csv, len, o, dry, i, e, res);
	fclose(e);
	fclose(i);
	return rc;
}

static int import(const char *csv, size_t len, int dry, struct import_result *res)
{
	struct hh_import_opts o = { 0 };
	return import_opts(csv, len, &o, dry, res);
}

static int import_s(const char *csv, int update, int deactivate, int dry, struct import_result *res)
{
	struct hh_import_opts o = { .update = update, .deactivate_missing = deactivate };
	return import_opts(csv, strlen(csv), &o, dry, res);
}

static int count_households(void)
{
	int n = 0;
	struct household h;
	for (int id = 1; id < 20000; id++)
		n += store_household_get(st, id, &h) == STORE_OK;
	return n;
}

#define HAS(buf, s) do { if (!(buf) || !strstr((buf), (s))) fail_msg("missing '%s' in:\n%s", (s), (buf) ? (buf) : "(null)"); } while (0)
#define HASNT(buf, s) do { if ((buf) && strstr((buf), (s))) fail_msg("unexpected '%s' in:\n%s", (s), (buf)); } while (0)

/* A plan of csv against an empty world or the store's households. */
static void plan_of(const char *csv, const struct hh_import_opts *o, struct hh_plan *pl)
{
	assert_int_equal(hh_import_prepare(st, "v.csv", csv, strlen(csv), o, pl), STORE_OK);
}

/* Every message of a list joined, one per line "LINE: text". */
static char *msgs_text(const struct hh_msgs *m, int vi)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	for (int i = 0; i < m->n; i++)
		fprintf(f, "%d: %s\n", m->v[i].line, vi ? m->v[i].vi : m->v[i].text);
	fclose(f);
	return out;
}

static const struct hh_item *item_at(const struct hh_plan *pl, int line)
{
	for (int i = 0; i < pl->nitems; i++)
		if (pl->items[i].line == line)
			return &pl->items[i];
	fail_msg("no item at line %d", line);
	return NULL;
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

static void test_group_codes(void **state)
{
	(void)state;
	static const struct {
		const char *name, *code;
	} cases[] = {
		{ "Xóm Đông Tiến", "xom-dong-tien" }, { "Tổ 5", "to-5" }, { "Thôn Đắk Pring", "thon-dak-pring" },
		{ "  Đội   3 ", "doi-3" }, { "Chăn nuôi", "chan-nuoi" }, { "Hội Phụ nữ (chi hội 2)", "hoi-phu-nu-chi-hoi-2" },
		{ "ĐỘI SẢN XUẤT SỐ 1", "doi-san-xuat-so-1" }, { "Xóm Đông Tiến", "xom-dong-tien" } /* NFD */,
		{ "Hội Liên hiệp Phụ nữ thôn Đông Tiến", "hoi-lien-hiep-phu-nu-thon-dong" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char code[HH_GROUP_CODE_MAX + 1], full[96];
		assert_int_equal(household_group_code(cases[i].name, code, sizeof code, full, sizeof full), 0);
		if (strcmp(code, cases[i].code) != 0)
			fail_msg("'%s' -> '%s', want '%s'", cases[i].name, code, cases[i].code);
		assert_true(strlen(code) <= HH_GROUP_CODE_MAX);
	}
	char code[40];
	assert_int_equal(household_group_code("— ? —", code, sizeof code, NULL, 0), -1);
}

static void test_channel_words(void **state)
{
	(void)state;
	static const struct {
		const char *w;
		int ch;
	} cases[] = {
		{ "sms", CH_SMS }, { "SMS", CH_SMS }, { "Tin nhắn", CH_SMS }, { "nhắn tin", CH_SMS }, { "tin", CH_SMS },
		{ "voice", CH_VOICE }, { "Gọi", CH_VOICE }, { "Gọi điện", CH_VOICE }, { "Điện thoại", CH_VOICE },
		{ "Cuộc gọi", CH_VOICE }, { "gọi điện thoại", CH_VOICE },
		{ "both", CH_BOTH }, { "SMS + gọi", CH_BOTH }, { "Cả hai", CH_BOTH }, { "cả 2", CH_BOTH },
		{ "Tin nhắn và gọi", CH_BOTH }, { "sms+voice", CH_BOTH }, { "Nhắn tin, gọi điện", CH_BOTH },
		{ "", 0 }, { "  ", 0 }, { "fax", -1 }, { "nhận", -1 }, { "email", -1 }, { "sms fax", -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (household_channel_words(cases[i].w) != cases[i].ch)
			fail_msg("'%s' -> %d, want %d", cases[i].w, household_channel_words(cases[i].w), cases[i].ch);
}

static void test_phone_cells(void **state)
{
	(void)state;
	struct hh_phone_cell pc;
	household_phone_cell("9.12346E+08", &pc);
	assert_int_equal(pc.status, HHP_SCI);
	household_phone_cell("9,12346E+08", &pc);
	assert_int_equal(pc.status, HHP_SCI);
	household_phone_cell("912345678", &pc);
	assert_int_equal(pc.status, HHP_OK);
	assert_int_equal(pc.lost0[0], 1);
	assert_string_equal(pc.p[0].national, "0912345678");
	household_phone_cell("0912 345 678", &pc);
	assert_int_equal(pc.lost0[0], 0);
	household_phone_cell("2333852456", &pc); /* a landline that lost its 0 */
	assert_int_equal(pc.status, HHP_OK);
	assert_int_equal(pc.lost0[0], 1);
	assert_string_equal(pc.p[0].national, "02333852456");
	static const char *const two[] = { "0912345682 / 0987654321", "0912345682 - 0987654321",
					   "0912345682, 0987654321", "0912.345.682;0987.654.321",
					   "0912345682 0987654321", "091-234-5682 - 098-765-4321" };
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
		household_phone_cell(two[i], &pc);
		if (pc.status != HHP_OK || pc.n != 2)
			fail_msg("'%s': status %d n %d", two[i], pc.status, pc.n);
		assert_string_equal(pc.p[0].national, "0912345682");
		assert_string_equal(pc.p[1].national, "0987654321");
	}
	household_phone_cell("0912345682 / 0987654321 / 0905111222", &pc);
	assert_int_equal(pc.status, HHP_MANY);
	household_phone_cell("", &pc);
	assert_int_equal(pc.status, HHP_EMPTY);
	household_phone_cell("113", &pc);
	assert_int_equal(pc.status, HHP_BAD);
	assert_int_equal(pc.bad.kind, PHONE_EMERGENCY);
	household_phone_cell("0912 345 67x", &pc);
	assert_int_equal(pc.status, HHP_BAD);
}

/* Title rows, Vietnamese headers, unknown columns, groups as names. */
static void test_title_rows_and_headers(void **state)
{
	(void)state;
	const char csv[] = "DANH SÁCH HỘ DÂN THÔN TÂN LỢI,,,,,\n"
			   "Xã Hòa Bình — năm 2026,,,,,\n"
			   ",,,,,\n"
			   "STT,Họ và tên chủ hộ,Số ĐT,Xóm,Cách nhận,Năm sinh,Ghi chú\n"
			   "1,Nguyễn Văn An,0912 345 678,Xóm Đông Tiến,SMS,1950,\n"
			   "2,Trần Thị Bình,0987654321,\"Xóm Đông Tiến, Chăn nuôi\",Gọi điện,1942,bà cụ\n"
			   "3,Lê Văn Cường,0905123456,5,SMS + gọi,1961,\n";
	struct hh_import_opts o = { 0 };
	struct hh_plan pl;
	plan_of(csv, &o, &pl);
	char *p = msgs_text(&pl.problems, 0), *r = msgs_text(&pl.remarks, 0);
	assert_int_equal(pl.problems.n, 0);
	assert_int_equal(pl.header_line, 4);
	HAS(r, "4: header row (the 3 rows above it are skipped)");
	HAS(r, "4: header: columns not used: \"STT\", \"Năm sinh\"");
	assert_int_equal(pl.nitems, 3);
	assert_int_equal(pl.nadds, 3);
	assert_string_equal(item_at(&pl, 5)->h.groups, "xom-dong-tien");
	assert_int_equal(item_at(&pl, 5)->h.channel, CH_SMS);
	assert_string_equal(item_at(&pl, 6)->h.groups, "chan-nuoi xom-dong-tien");
	assert_int_equal(item_at(&pl, 6)->h.channel, CH_VOICE);
	assert_string_equal(item_at(&pl, 6)->h.note, "bà cụ");
	assert_string_equal(item_at(&pl, 7)->h.groups, "xom-5"); /* "Xóm" and 5 */
	assert_int_equal(item_at(&pl, 7)->h.channel, CH_BOTH);
	assert_int_equal(pl.nnames, 3);
	assert_string_equal(pl.names[0].code, "xom-dong-tien");
	assert_string_equal(pl.names[0].name, "Xóm Đông Tiến");
	assert_string_equal(pl.names[1].name, "Chăn nuôi");
	assert_string_equal(pl.names[2].name, "Xóm 5");
	free(p);
	free(r);
	hh_plan_free(&pl);

	/* no header in the first rows */
	plan_of("a,b\nc,d\n", &o, &pl);
	p = msgs_text(&pl.problems, 0);
	HAS(p, "0: no header row in the first 10 rows");
	free(p);
	hh_plan_free(&pl);
	plan_of("", &o, &pl);
	p = msgs_text(&pl.problems, 0);
	HAS(p, "0: empty file");
	free(p);
	hh_plan_free(&pl);
}

/* Every alias of every column, as people write it. */
static void test_every_alias(void **state)
{
	(void)state;
	static const char *const names[] = { "name", "Họ tên", "HỌ VÀ TÊN", "Họ và tên chủ hộ", "Họ tên chủ hộ", "Chủ hộ",
					     "Tên chủ hộ", "Tên", "Tên hộ", "Hộ gia đình", "Người nhận" };
	static const char *const phones[] = { "phone", "Số ĐT", "SĐT", "Số điện thoại", "Điện thoại", "ĐT", "Di động",
					      "Số di động", "ĐTDĐ", "SĐT 1", "Số điện thoại liên hệ", "sdt" };
	static const struct {
		const char *header, *value;
		int col;
	} others[] = {
		{ "SĐT 2", "0987654321", HH_PHONE2 }, { "Số ĐT 2", "0987654321", HH_PHONE2 },
		{ "phone2", "0987654321", HH_PHONE2 }, { "Điện thoại khác", "0987654321", HH_PHONE2 },
		{ "Số điện thoại 2", "0987654321", HH_PHONE2 },
		{ "Xóm", "Đông Tiến", HH_GROUPS }, { "Tổ", "Đông Tiến", HH_GROUPS }, { "Thôn", "Đông Tiến", HH_GROUPS },
		{ "Nhóm", "Đông Tiến", HH_GROUPS }, { "Khu", "Đông Tiến", HH_GROUPS }, { "Đội", "Đông Tiến", HH_GROUPS },
		{ "groups", "Đông Tiến", HH_GROUPS }, { "Thôn/Xóm", "Đông Tiến", HH_GROUPS },
		{ "Cách nhận", "gọi điện", HH_CHANNEL }, { "Hình thức", "gọi điện", HH_CHANNEL },
		{ "Kênh", "gọi điện", HH_CHANNEL }, { "channel", "gọi điện", HH_CHANNEL },
		{ "Hình thức nhận", "gọi điện", HH_CHANNEL },
		{ "Dấu", "không", HH_ACCENTS }, { "Có dấu", "không", HH_ACCENTS }, { "accents", "no", HH_ACCENTS },
		{ "Ghi chú", "nhà cuối ngõ", HH_NOTE }, { "note", "nhà cuối ngõ", HH_NOTE },
		{ "Địa chỉ", "Số 3, ngõ 5", HH_ADDRESS }, { "address", "Số 3, ngõ 5", HH_ADDRESS },
	};
	struct hh_import_opts o = { 0 };
	struct hh_plan pl;
	char csv[512];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(csv, sizeof csv, "%s,SĐT\nNguyễn Văn An,0912345678\n", names[i]);
		plan_of(csv, &o, &pl);
		if (pl.problems.n || pl.nitems != 1 || strcmp(pl.items[0].h.name, "Nguyễn Văn An"))
			fail_msg("name alias '%s' not read", names[i]);
		hh_plan_free(&pl);
	}
	for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++) {
		snprintf(csv, sizeof csv, "Họ tên,%s\nNguyễn Văn An,0912345678\n", phones[i]);
		plan_of(csv, &o, &pl);
		if (pl.problems.n || pl.nitems != 1 || strcmp(pl.items[0].h.phone, "+84912345678"))
			fail_msg("phone alias '%s' not read", phones[i]);
		hh_plan_free(&pl);
	}
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		snprintf(csv, sizeof csv, "Họ tên,Số ĐT,%s\nNguyễn Văn An,0912345678,\"%s\"\n", others[i].header,
			 others[i].value);
		plan_of(csv, &o, &pl);
		const struct household *h = &pl.items[0].h;
		int ok = pl.problems.n == 0 && pl.nitems == 1;
		switch (others[i].col) {
		case HH_PHONE2: ok = ok && !strcmp(h->phone2, "+84987654321"); break;
		case HH_GROUPS: ok = ok && !strcmp(h->groups, "dong-tien"); break;
		case HH_CHANNEL: ok = ok && h->channel == CH_VOICE; break;
		case HH_ACCENTS: ok = ok && h->accents == 0; break;
		case HH_NOTE: ok = ok && !strcmp(h->note, "nhà cuối ngõ"); break;
		case HH_ADDRESS: ok = ok && !strcmp(h->address, "Số 3, ngõ 5"); break;
		default: ok = 0;
		}
		if (!ok)
			fail_msg("alias '%s' not read as %s", others[i].header, household_columns[others[i].col]);
		hh_plan_free(&pl);
	}
	/* "Tổ" with a bare number is "Tổ 5"; two place columns merge */
	plan_of("Họ tên,Số ĐT,Tổ,Thôn\nAn,0912345678,5,Thôn Đắk Pring\n", &o, &pl);
	assert_int_equal(pl.problems.n, 0);
	assert_string_equal(pl.items[0].h.groups, "thon-dak-pring to-5");
	hh_plan_free(&pl);
	/* a phone column twice: the second is the second phone; any other twice is a problem */
	plan_of("Họ tên,Điện thoại,Di động,Ghi chú,Lưu ý\nAn,02333852456,0912345678,a,b\n", &o, &pl);
	char *p = msgs_text(&pl.problems, 0);
	assert_string_equal(pl.items[0].h.phone2, "+84912345678");
	HAS(p, "1: header: columns Ghi chú (D) and Lưu ý (E) both mean note");
	free(p);
	hh_plan_free(&pl);
}

/* Groups as a program writes them stay codes; as people write them, names. */
static void test_group_cells(void **state)
{
	(void)state;
	struct hh_import_opts o = { 0 };
	struct hh_plan pl;
	plan_of("name,phone,groups\n"
		"A,0912000001,dong-tien chan-nuoi\n"
		"B,0912000002,Xom1\n"
		"C,0912000003,xom 1\n"
		"D,0912000004,Tổ 5; Thôn Đắk Pring / Chăn nuôi\n"
		"E,0912000005,all\n"
		"F,0912000006,— ?\n",
		&o, &pl);
	char *p = msgs_text(&pl.problems, 0);
	assert_string_equal(item_at(&pl, 2)->h.groups, "chan-nuoi dong-tien");
	assert_string_equal(item_at(&pl, 3)->h.groups, "Xom1");
	assert_string_equal(item_at(&pl, 4)->h.groups, "xom-1");
	assert_string_equal(item_at(&pl, 5)->h.groups, "chan-nuoi thon-dak-pring to-5");
	HAS(p, "6: column groups (C): 'all' cannot be a group");
	HAS(p, "7: column groups (C): '— ?' has no letter or digit");
	free(p);
	hh_plan_free(&pl);
}

/* Every problem of every row, each on its own line, in both languages. */
static void test_every_problem(void **state)
{
	(void)state;
	const char csv[] = "Họ tên,Số ĐT,SĐT 2,Nhóm,Cách nhận,Dấu\n"
			   ",9.12346E+08,,a,fax,maybe\n"
			   "Bình,113,0912345682 / 0987654321,a,sms,có\n"
			   "Chi,0912345682 / 0987654321,0905111222,a,sms,có\n"
			   "Dung,02333852456,,a,sms,có\n"
			   "Em,0912000222 / 0912000333 / 0912000444,,a,sms,có\n"
			   "Gia,0912 345 67x,,a,,\n"
			   "Ha,+1 202 555 0100,,a,,\n";
	struct import_result r;
	assert_int_equal(import(csv, sizeof csv - 1, 0, &r), 2);
	assert_int_equal(count_households(), 0);
	const char *want[] = {
		"v.csv:2: column Họ tên (A): empty\n",
		"v.csv:2: column Số ĐT (B): '9.12346E+08': Excel turned the number into scientific notation and its last "
		"digits are lost; format the column as Text and type the number again\n",
		"v.csv:2: column Cách nhận (E): 'fax' is not a way to receive notices",
		"v.csv:2: column Dấu (F): 'maybe' is not yes or no",
		"v.csv:3: column Số ĐT (B): '113' is an emergency number, never a recipient\n",
		"v.csv:3: column SĐT 2 (C): '0912345682 / 0987654321' holds more than one number",
		"v.csv:4: column Số ĐT (B): '0912345682 / 0987654321' holds two numbers, and the second phone column "
		"already has '0905111222': write one number per cell\n",
		"v.csv:5: column Cách nhận (E): 02333852456 is a landline: it cannot receive SMS, use channel voice\n",
		"v.csv:6: column Số ĐT (B): '0912000222 / 0912000333 / 0912000444' holds more than two numbers",
		"v.csv:7: column Số ĐT (B): '0912 345 67x': contains a character that is not a digit\n",
		"v.csv:8: column Số ĐT (B): '+1 202 555 0100': foreign number (only +84 is accepted)\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		HAS(errs_buf, want[i]);
	assert_int_equal(r.errors, 11);
	/* in order of lines */
	assert_true(strstr(errs_buf, "v.csv:2:") < strstr(errs_buf, "v.csv:3:"));

	/* the same problems in Vietnamese for the web page */
	struct hh_import_opts o = { 0 };
	struct hh_plan pl;
	plan_of(csv, &o, &pl);
	char *vi = msgs_text(&pl.problems, 1);
	HAS(vi, "2: cột Họ tên (A): trống");
	HAS(vi, "2: cột Số ĐT (B): '9.12346E+08': Excel đã đổi số thành dạng số mũ");
	HAS(vi, "3: cột Số ĐT (B): '113' là số khẩn cấp");
	HAS(vi, "7: cột Số ĐT (B): '0912 345 67x': có ký tự không phải chữ số");
	HAS(vi, "8: cột Số ĐT (B): '+1 202 555 0100': số nước ngoài (chỉ nhận số +84)");
	free(vi);
	hh_plan_free(&pl);
}

/* Numbers Excel mangled, two numbers in a cell, shared phones: remarks. */
static void test_phone_remarks(void **state)
{
	(void)state;
	const char csv[] = "Họ tên,Số ĐT,Nhóm\n"
			   "Nguyễn Văn An,912345678,a\n"
			   "Trần Thị Bình,0912345682 / 0987654321,a\n"
			   "Lê Văn Cường,0169.234.5678,a\n"
			   "Lê Thị Dung,0912345678,a\n"
			   "Đinh Văn Hùng,(0233) 3852 456,a\n";
	struct import_result r;
	assert_int_equal(import(csv, sizeof csv - 1, 0, &r), 0);
	HAS(info_buf, "v.csv:2: column Số ĐT (B): 912345678 had lost its leading 0 (Excel drops it): read as "
		      "0912345678; format the column as Text\n");
	HAS(info_buf, "v.csv:3: column Số ĐT (B): '0912345682 / 0987654321' holds two numbers: 0912345682 is the "
		      "phone, 0987654321 the second phone\n");
	HAS(info_buf, "v.csv:4: column Số ĐT (B): old number 0169.234.5678 converted to 0392345678\n");
	HAS(info_buf, "v.csv:2: column Số ĐT (B): 0912345678 is also the phone of line 5 (Lê Thị Dung)\n");
	HAS(info_buf, "v.csv:5: column Số ĐT (B): 0912345678 is also the phone of line 2 (Nguyễn Văn An)\n");
	HAS(info_buf, "v.csv:6: column Số ĐT (B): landline 02333852456: channel set to voice\n");
	assert_int_equal(r.imported, 5);
	assert_int_equal(r.converted, 1);
	struct household h;
	assert_int_equal(store_household_get(st, 2, &h), STORE_OK);
	assert_string_equal(h.phone, "+84912345682");
	assert_string_equal(h.phone2, "+84987654321");
	assert_int_equal(store_household_get(st, 5, &h), STORE_OK);
	assert_int_equal(h.channel, CH_VOICE);

	/* against the database: a new household on a registered phone is a
	 * remark; the same household again is a problem advising --update */
	const char more[] = "Họ tên,Số ĐT\nVõ Thị Gấm,0987654321\n";
	assert_int_equal(import(more, sizeof more - 1, 0, &r), 0);
	HAS(info_buf, "v.csv:2: column Số ĐT (B): 0987654321 is also the phone of household 2 (Trần Thị Bình)\n");
	const char again[] = "Họ tên,Số ĐT\nNguyễn Văn An,0912 345 678\nMai Văn Mới,0905111222\n";
	assert_int_equal(import(again, sizeof again - 1, 0, &r), 2);
	HAS(errs_buf, "v.csv:2: column Số ĐT (B): 0912345678 is already registered to household 1 (Nguyễn Văn An): use "
		      "--update to change existing households\n");
	assert_int_equal(count_households(), 6);
	struct hh_import_opts web = { .web = 1 };
	struct hh_plan pl;
	plan_of(again, &web, &pl);
	char *vi = msgs_text(&pl.problems, 1);
	HAS(vi, "hãy chọn ô \"Cập nhật các hộ đã có\"");
	free(vi);
	hh_plan_free(&pl);
	/* the same row twice in the file */
	const char twice[] = "name,phone\nAn,0905111222\nAN,0905 111 222\n";
	assert_int_equal(import(twice, sizeof twice - 1, 1, &r), 2);
	HAS(errs_buf, "v.csv:3: repeats line 2 (same name and phone)\n");
}

static const char village[] = "Họ tên,Số ĐT,Nhóm,Cách nhận,Ghi chú\n"
			      "Nguyễn Văn An,0912345678,Xóm Đông Tiến,sms,\n"
			      "Trần Thị Bình,0912345679,Xóm Đông Tiến,gọi,bà cụ\n"
			      "Lê Văn Cường,0912345680,Xóm Tây Sơn,cả hai,\n"
			      "Phạm Thị Dung,0912345681,Xóm Tây Sơn,sms,\n"
			      "Hoàng Văn Em,0912345682,Xóm Tây Sơn,sms,\n";

/* --update by phone (no id column): diffs, adds, unchanged, renames. */
static void test_update_by_phone(void **state)
{
	(void)state;
	struct import_result r;
	assert_int_equal(import_s(village, 0, 0, 0, &r), 0);
	const char upd[] = "Họ tên,Số ĐT,Nhóm,Ghi chú\n"
			   "Nguyễn Văn An,0912345678,\"Xóm Đông Tiến, Chăn nuôi\",\n" /* groups */
			   "Trần Thị Bình,0912345679 / 0905000001,Xóm Đông Tiến,bà cụ\n" /* a second phone */
			   "Lê Văn Cường,0912345680,Xóm Tây Sơn,\n"                        /* unchanged */
			   "Phạm Thị Dung Mới,0912345681,Xóm Tây Sơn,\n"                  /* renamed, by phone */
			   "Mai Văn Mới,0905111222,Xóm Tây Sơn,mới chuyển đến\n";          /* new */
	assert_int_equal(import_s(upd, 1, 0, 1, &r), 0);
	HAS(info_buf, "change (line 2): Nguyễn Văn An (id 1): groups xom-dong-tien → chan-nuoi xom-dong-tien\n");
	HAS(info_buf, "change (line 3): Trần Thị Bình (id 2): second phone — → 0905000001\n");
	HAS(info_buf, "change (line 5): Phạm Thị Dung (id 4): name Phạm Thị Dung → Phạm Thị Dung Mới\n");
	HAS(info_buf, "v.csv:5: matched to household 4 (Phạm Thị Dung) by its phone");
	HAS(info_buf, "add (line 6): Mai Văn Mới, 0905111222, groups xom-tay-son\n");
	HAS(info_buf, "group chan-nuoi: name \"Chăn nuôi\"\n");
	HASNT(info_buf, "line 4)");
	HASNT(info_buf, "deactivate");
	assert_int_equal(r.adds, 1);
	assert_int_equal(r.changed, 3);
	assert_int_equal(r.unchanged, 1);
	/* channel absent from the file: kept (Bình stays voice) */
	assert_int_equal(import_s(upd, 1, 0, 0, &r), 0);
	struct household h;
	assert_int_equal(store_household_get(st, 2, &h), STORE_OK);
	assert_int_equal(h.channel, CH_VOICE);
	assert_string_equal(h.phone2, "+84905000001");
	assert_int_equal(store_household_get(st, 5, &h), STORE_OK); /* not in the file: left alone */
	assert_string_equal(h.name, "Hoàng Văn Em");
	assert_int_equal(count_households(), 6);
	char name[64];
	assert_int_equal(store_group_name(st, "chan-nuoi", name, sizeof name), STORE_OK);
	assert_string_equal(name, "Chăn nuôi");
	/* the same file again: nothing to change */
	assert_int_equal(import_s(upd, 1, 0, 1, &r), 0);
	assert_int_equal(r.changed, 0);
	assert_int_equal(r.adds, 0);
	assert_int_equal(r.unchanged, 5);
	/* a phone changed in the sheet (no id column): matched by the name,
	 * when exactly one household not in the file has it */
	const char moved[] = "Họ tên,Số ĐT\nLê Văn Cường,0905 999 888\n";
	assert_int_equal(import_s(moved, 1, 0, 1, &r), 0);
	HAS(info_buf, "v.csv:2: matched to household 3 (Lê Văn Cường) by its name: the phone changes from 0912345680 "
		      "to 0905999888\n");
	HAS(info_buf, "change (line 2): Lê Văn Cường (id 3): phone 0912345680 → 0905999888\n");
	struct household twin = { 0 };
	snprintf(twin.name, sizeof twin.name, "Lê Văn Cường");
	snprintf(twin.phone, sizeof twin.phone, "+84905000777");
	twin.channel = CH_SMS;
	assert_int_equal(store_household_insert(st, &twin, NULL, clock_wall_s()), STORE_OK);
	assert_int_equal(import_s(moved, 1, 0, 1, &r), 0); /* two of that name: a new household */
	HAS(info_buf, "add (line 2): Lê Văn Cường, 0905999888\n");
}

/* --update with the id column list --csv writes; --deactivate-missing. */
static void test_update_by_id_and_deactivate(void **state)
{
	(void)state;
	struct import_result r;
	assert_int_equal(import_s(village, 0, 0, 0, &r), 0);
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	assert_int_equal(household_write_csv(st, NULL, f), STORE_OK);
	fclose(f);
	assert_non_null(strstr(out, "id,name,phone,phone2,groups,channel,accents,note,address\r\n"));
	/* the export unchanged: nothing to do */
	struct hh_import_opts o = { .update = 1, .deactivate_missing = 1 };
	assert_int_equal(import_opts(out, outlen, &o, 1, &r), 0);
	assert_int_equal(r.unchanged, 5);
	assert_int_equal(r.changed + r.adds + r.deactivated, 0);
	free(out);
	/* by id even when the phone changes; one row dropped */
	const char upd[] = "id,name,phone,phone2,groups,channel,accents,note,address\n"
			   "1,Nguyễn Văn An,0987000111,,xom-dong-tien,sms,yes,,\n"
			   "2,Trần Thị Bình,0912345679,,xom-dong-tien,voice,no,bà cụ,Số 3 ngõ 5\n"
			   "3,Lê Văn Cường,0912345680,,xom-tay-son,both,yes,,\n"
			   "5,Hoàng Văn Em,0912345682,,xom-tay-son,sms,yes,,\n"
			   ",Mai Văn Mới,0905111222,,xom-tay-son,sms,yes,,\n";
	assert_int_equal(import_s(upd, 1, 1, 1, &r), 0);
	HAS(info_buf, "change (line 2): Nguyễn Văn An (id 1): phone 0912345678 → 0987000111\n");
	HAS(info_buf, "change (line 3): Trần Thị Bình (id 2): accents yes → no, address — → Số 3 ngõ 5\n");
	HAS(info_buf, "deactivate: Phạm Thị Dung (id 4)\n");
	HAS(info_buf, "add (line 6): Mai Văn Mới");
	assert_int_equal(r.deactivated, 1);
	/* without --deactivate-missing it is left alone */
	assert_int_equal(import_s(upd, 1, 0, 1, &r), 0);
	HASNT(info_buf, "deactivate");
	assert_int_equal(import_s(upd, 1, 1, 0, &r), 0);
	assert_int_equal(count_households(), 5);
	struct household h;
	assert_int_equal(store_household_get(st, 4, &h), STORE_NOTFOUND);
	assert_int_equal(store_household_get(st, 1, &h), STORE_OK);
	assert_string_equal(h.phone, "+84987000111");

	/* id problems: unknown, twice, not a number; nothing written */
	const char bad[] = "id,name,phone\n99,X,0912000001\n1,An,0987000111\n1,An again,0912000002\nabc,Y,0912000003\n";
	assert_int_equal(import_s(bad, 1, 0, 0, &r), 2);
	HAS(errs_buf, "v.csv:2: column id (A): there is no household 99");
	HAS(errs_buf, "v.csv:4: column id (A): household 1 is also on line 3\n");
	HAS(errs_buf, "v.csv:5: column id (A): 'abc' is not a household id");
	/* an empty sheet may not deactivate everyone */
	assert_int_equal(import_s("id,name,phone\n", 1, 1, 1, &r), 2);
	HAS(errs_buf, "no household rows");
}

/* A phone two households share: matched by name; ambiguous without one. */
static void test_update_shared_phone(void **state)
{
	(void)state;
	struct import_result r;
	const char two[] = "Họ tên,Số ĐT\nNguyễn Văn An,0912345678\nNguyễn Thị Ba,0912345678\n";
	assert_int_equal(import_s(two, 0, 0, 0, &r), 0);
	HAS(info_buf, "is also the phone of line 3 (Nguyễn Thị Ba)");
	const char upd[] = "Họ tên,Số ĐT,Ghi chú\nNguyễn Thị Ba,0912345678,mẹ\nNguyễn Văn An,0912345678,bố\n";
	assert_int_equal(import_s(upd, 1, 0, 1, &r), 0);
	HAS(info_buf, "change (line 2): Nguyễn Thị Ba (id 2): note — → mẹ\n");
	HAS(info_buf, "change (line 3): Nguyễn Văn An (id 1): note — → bố\n");
	const char renamed[] = "Họ tên,Số ĐT\nNguyễn Văn Bảo,0912345678\n";
	assert_int_equal(import_s(renamed, 1, 0, 1, &r), 2);
	HAS(errs_buf, "v.csv:2: column Số ĐT (B): 0912345678 is the phone of several households (household 1 "
		      "(Nguyễn Văn An), household 2 (Nguyễn Thị Ba)): add an id column");
	/* a new household on a phone of one not in the file: a remark */
	const char son[] = "Họ tên,Số ĐT\nNguyễn Văn An,0912345678\nNguyễn Thị Ba,0912345678\nTrần Văn Con,0912345678\n";
	assert_int_equal(import_s(son, 1, 0, 1, &r), 0);
	HAS(info_buf, "add (line 4): Trần Văn Con");
	HAS(info_buf, "v.csv:4: column Số ĐT (B): 0912345678 is also the phone of line 2 (Nguyễn Văn An), line 3 "
		      "(Nguyễn Thị Ba)\n");
}

/* list --csv re-imports unchanged, with phone2 and address, both ways. */
static void test_roundtrip_phone2_address(void **state)
{
	(void)state;
	struct import_result r;
	const char csv[] = "Họ tên,Số ĐT,SĐT 2,Địa chỉ,Nhóm,Ghi chú\n"
			   "\"Lê, Văn A\",0912345678,0987654321,\"Số 3, ngõ 5\",Xóm Đông Tiến,=1+1\n"
			   "Trần Thị B,0912000111,,,,\n";
	assert_int_equal(import(csv, sizeof csv - 1, 0, &r), 0);
	char *out = NULL, *out2 = NULL;
	size_t n = 0, n2 = 0;
	FILE *f = open_memstream(&out, &n);
	assert_int_equal(household_write_csv(st, NULL, f), STORE_OK);
	fclose(f);
	assert_non_null(strstr(out, "1,\"Lê, Văn A\",0912345678,0987654321,xom-dong-tien,sms,yes,'=1+1,\"Số 3, ngõ 5\"\r\n"));
	struct store *first = st;
	char err[256];
	assert_int_equal(store_open(":memory:", &st, err, sizeof err), STORE_OK);
	assert_int_equal(import(out, n, 0, &r), 0);
	f = open_memstream(&out2, &n2);
	assert_int_equal(household_write_csv(st, NULL, f), STORE_OK);
	fclose(f);
	assert_int_equal(n, n2);
	assert_memory_equal(out, out2, n);
	free(out);
	free(out2);
	store_close(first);
}

/* The plan is a pure function of the sheet, the households and the options. */
static void test_plan_is_pure(void **state)
{
	(void)state;
	struct household hs[2];
	memset(hs, 0, sizeof hs);
	hs[0].id = 7;
	snprintf(hs[0].name, sizeof hs[0].name, "Nguyễn Văn An");
	snprintf(hs[0].phone, sizeof hs[0].phone, "+84912345678");
	snprintf(hs[0].groups, sizeof hs[0].groups, "xom-dong-tien");
	hs[0].channel = CH_SMS;
	hs[0].accents = 1;
	hs[0].opted_out = 1;
	hs[1] = hs[0];
	hs[1].id = 9;
	snprintf(hs[1].name, sizeof hs[1].name, "Trần Thị Bình");
	snprintf(hs[1].phone, sizeof hs[1].phone, "+84912345679");
	struct hh_world_group g = { "xom-dong-tien", "Xóm Đông Tiến" };
	struct hh_world w = { hs, 2, &g, 1 };
	const char csv[] = "Họ tên,Số ĐT,Xóm,Dấu\nNguyễn Văn An,0912345678,Xóm Đông Tiến,không\n";
	struct sheet sh;
	char err[128];
	assert_int_equal(sheet_parse("p.csv", csv, sizeof csv - 1, &sh, err, sizeof err), 0);
	struct hh_import_opts o = { .update = 1, .deactivate_missing = 1 };
	struct hh_plan pl;
	hh_import_plan(&sh, &o, &w, &pl);
	assert_true(hh_import_ok(&pl));
	assert_int_equal(pl.nchanges, 1);
	const struct hh_item *it = &pl.items[0];
	assert_int_equal(it->kind, HH_ITEM_CHANGE);
	assert_int_equal(it->id, 7);
	assert_int_equal(it->diff, 1u << HH_ACCENTS);
	assert_int_equal(it->h.opted_out, 1); /* what the sheet does not say is kept */
	struct sbuf d;
	sbuf_init(&d);
	hh_import_diff_text(it, HH_LANG_VI, &d);
	assert_string_equal(d.s, "có dấu có → không");
	sbuf_free(&d);
	assert_int_equal(pl.ndeact, 1);
	assert_int_equal(pl.deact[0].id, 9);
	assert_int_equal(pl.nnames, 0); /* the group already has that name */
	hh_plan_free(&pl);
	sheet_free(&sh);
}

/* Vietnamese: every message's table Vietnamese is po/vi.po's translation. */
static void test_messages_match_catalog(void **state)
{
	(void)state;
	char mo[600];
	snprintf(mo, sizeof mo, "%s/vi/LC_MESSAGES/loa.mo", locale_dir);
	if (access(mo, R_OK) != 0) {
		print_message("no %s: skipped\n", mo);
		skip();
	}
	setenv("LANGUAGE", "vi", 1);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	bindtextdomain("loa", locale_dir);
	bind_textdomain_codeset("loa", "UTF-8");
	textdomain("loa");
	for (int k = 0; k < HS_COUNT; k++)
		if (strcmp(hh_msg_format((enum hh_msg_kind)k, 0), hh_msg_format((enum hh_msg_kind)k, 1)) != 0)
			fail_msg("message %d: po/vi.po says '%s', the table '%s'", k, hh_msg_format((enum hh_msg_kind)k, 0),
				 hh_msg_format((enum hh_msg_kind)k, 1));
	for (int i = 0; i < hh_msg_phone_why_count(); i++)
		assert_string_equal(hh_msg_phone_why(hh_msg_phone_why_at(i, 0), 0), hh_msg_phone_why_at(i, 1));
	for (int c = 0; c < HH_NCOLS; c++)
		assert_string_equal(household_field_words((enum hh_col)c, 0), household_field_words((enum hh_col)c, 1));
	/* and phone.c's reasons are the ones the table knows */
	struct phone ph;
	static const char *const bad[] = { "+84+1", "09x", "12345678901234567890123456789012345678901", "+1 202 555",
					   "01512345678", "0412345678", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		phone_normalise(bad[i], &ph);
		if (hh_msg_phone_why(ph.why, 1) == ph.why)
			fail_msg("phone.c's reason '%s' is not in the table", ph.why);
	}
	setlocale(LC_ALL, "C");
	unsetenv("LANGUAGE");
}

int main(int argc, char **argv)
{
	(void)argc;
	char self[512];
	snprintf(self, sizeof self, "%s", argv[0]);
	snprintf(locale_dir, sizeof locale_dir, "%s/../locale", dirname(self));
	clock_fake(1796090400000LL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sheet_edge_cases),
		cmocka_unit_test(test_sheet_errors),
		cmocka_unit_test(test_csv_injection_guard),
		cmocka_unit_test(test_group_codes),
		cmocka_unit_test(test_channel_words),
		cmocka_unit_test(test_phone_cells),
		cmocka_unit_test(test_plan_is_pure),
		cmocka_unit_test_setup_teardown(test_title_rows_and_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_problem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_remarks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_by_phone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_by_id_and_deactivate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_shared_phone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_phone2_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_10000_rows_and_roundtrip, setup, teardown),
		cmocka_unit_test(test_messages_match_catalog), /* last: it switches the language */
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
