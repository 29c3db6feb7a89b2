/* The household search and filters of the web page (db/store_webhh.c)
 * against a real database under the fake clock: names without accents
 * and in any case, every word required, numbers in every form and in
 * part (second phones too), group / opted-out / state / channel filters,
 * pages and their total, the sort by folded name; deactivating and
 * reactivating; shared phones; groups with names and counts.  Also the
 * pure pieces under it: text_fold, group codes from names and matching a
 * typed name to a group, a sender's fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "tests/unit/tmpstore.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/text.h"
#include "db/store.h"
#include "db/store_webhh.h"
#include "domain/group.h"
#include "domain/sender.h"

static char dir[64], path[128];
static struct store *st;

static int setup(void **state)
{
	(void)state;
	tmpstore_open(dir, path, &st, "webhh");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static int64_t add(const char *name, const char *phone, const char *phone2, int ch, const char *groups, int optout)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	snprintf(h.phone2, sizeof h.phone2, "%s", phone2);
	h.channel = ch;
	h.accents = 1;
	h.opted_out = optout;
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	int64_t id;
	assert_int_equal(store_household_insert(st, &h, &id, clock_wall_s()), STORE_OK);
	return id;
}

/* The households a query finds, "name|name|..." in page order. */
struct found {
	char names[2048];
	int n;
};

static int collect(const struct household *h, int active, void *arg)
{
	struct found *f = arg;
	size_t len = strlen(f->names);
	snprintf(f->names + len, sizeof f->names - len, "%s%s%s", len ? "|" : "", h->name, active ? "" : "(x)");
	f->n++;
	return 0;
}

static int total_of(const struct store_hh_query *q, struct found *f)
{
	memset(f, 0, sizeof *f);
	int total = -1;
	assert_int_equal(store_hh_find(st, q, collect, f, &total), STORE_OK);
	return total;
}

/* Finds by text alone; returns the names. */
static const char *find(const char *text)
{
	static struct found f;
	struct store_hh_query q = { .text = text, .limit = 50 };
	int total = total_of(&q, &f);
	assert_int_equal(total, f.n);
	return f.names;
}

static void village(void)
{
	add("Nguyễn Văn An", "+84912345678", "", CH_SMS, "dong-tien", 0);
	add("Lê Thị Cúc", "+84905123456", "+842333852456", CH_VOICE, "tay-son", 0);
	add("Trần Văn Dũng", "+84987654321", "", CH_BOTH, "tay-son chan-nuoi", 0);
	add("Phạm Thị Hoa", "+84336111222", "", CH_SMS, "dong-tien", 1);
	add("Đặng Văn Đông", "+84358222333", "", CH_SMS, "chan-nuoi", 0);
	add("HÀ THỊ GIANG", "+84912345678", "", CH_SMS, "", 0); /* shares An's phone */
}

static void test_fold(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(text_fold("Nguyễn Văn An", out, sizeof out), strlen("nguyen van an"));
	assert_string_equal(out, "nguyen van an");
	text_fold("ĐẶNG VĂN ĐÔNG", out, sizeof out);
	assert_string_equal(out, "dang van dong");
	text_fold("Nguye\xcc\x82\xcc\x83n", out, sizeof out); /* NFD: e + circumflex + tilde */
	assert_string_equal(out, "nguyen");
	text_fold("Ơ ư ỳ ỹ Ð", out, sizeof out);
	assert_string_equal(out, "o u y y d");
	/* cut at a character, never inside one */
	text_fold("ab\xe4\xb8\xad", out, 4);
	assert_string_equal(out, "ab");
	assert_int_equal(text_fold("x", out, 1), 0);
	assert_string_equal(out, "");
}

static void test_group_code(void **state)
{
	(void)state;
	char code[40];
	assert_int_equal(group_code_from_name("Xóm Đông Tiến", code, sizeof code), 13);
	assert_string_equal(code, "xom-dong-tien");
	group_code_from_name("  Tổ 5 ", code, sizeof code);
	assert_string_equal(code, "to-5");
	group_code_from_name("Đội 3 / Thôn Bắc", code, sizeof code);
	assert_string_equal(code, "doi-3-thon-bac");
	group_code_from_name("dong-tien", code, sizeof code);
	assert_string_equal(code, "dong-tien");
	group_code_from_name("to_5", code, sizeof code);
	assert_string_equal(code, "to-5");
	assert_int_equal(group_code_from_name("???", code, sizeof code), 0);
	assert_string_equal(code, "");
	/* cut short without a dangling '-' */
	char small[6];
	group_code_from_name("Xóm Đông Tiến", small, sizeof small);
	assert_string_equal(small, "xom-d");

	const struct group_ref known[] = { { "dong-tien", "Xóm Đông Tiến" }, { "to_5", "" }, { "tay-son", "" } };
	assert_int_equal(group_resolve("xom dong tien", known, 3, code, sizeof code), 0);
	assert_string_equal(code, "dong-tien");
	assert_int_equal(group_resolve("XÓM ĐÔNG TIẾN", known, 3, code, sizeof code), 0);
	assert_int_equal(group_resolve("DONG-TIEN", known, 3, code, sizeof code), 0);
	assert_int_equal(group_resolve("to_5", known, 3, code, sizeof code), 1);
	assert_string_equal(code, "to_5");
	assert_int_equal(group_resolve("Tây Sơn", known, 3, code, sizeof code), 2);
	assert_string_equal(code, "tay-son");
	assert_int_equal(group_resolve("Tổ 7", known, 3, code, sizeof code), -1);
	assert_string_equal(code, "to-7");
	assert_int_equal(group_resolve("!!", known, 3, code, sizeof code), -1);
	assert_string_equal(code, "");
}

static void test_search_names(void **state)
{
	(void)state;
	village();
	assert_string_equal(find("nguyen van an"), "Nguyễn Văn An");
	assert_string_equal(find("NGUYỄN"), "Nguyễn Văn An");
	assert_string_equal(find("an nguyen"), "Nguyễn Văn An"); /* every word, in any order */
	assert_string_equal(find("dang van dong"), "Đặng Văn Đông");
	assert_string_equal(find("giang"), "HÀ THỊ GIANG");
	assert_string_equal(find("thi"), "HÀ THỊ GIANG|Lê Thị Cúc|Phạm Thị Hoa"); /* by folded name */
	assert_string_equal(find("van"), "Đặng Văn Đông|Nguyễn Văn An|Trần Văn Dũng");
	assert_string_equal(find("khong co"), "");
	/* blank: everyone active, by folded name then id */
	assert_string_equal(find("  "), "Đặng Văn Đông|HÀ THỊ GIANG|Lê Thị Cúc|Nguyễn Văn An|Phạm Thị Hoa|Trần Văn Dũng");
	/* LIKE wildcards are plain characters here */
	assert_string_equal(find("%"), "");
	assert_string_equal(find("_"), "");
}

static void test_search_phones(void **state)
{
	(void)state;
	village();
	static const char *const an[] = { "0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678",
					  "84912345678", "(+84) 0912345678", "912345678", "345 678", "0912" };
	for (size_t i = 0; i < sizeof an / sizeof an[0]; i++)
		assert_string_equal(find(an[i]), "HÀ THỊ GIANG|Nguyễn Văn An"); /* the shared phone */
	assert_string_equal(find("0233 3852 456"), "Lê Thị Cúc");    /* the second phone, a landline */
	assert_string_equal(find("3852"), "Lê Thị Cúc");
	assert_string_equal(find("0987-654-321"), "Trần Văn Dũng");
	/* "84" inside the +84 prefix is no match: numbers are compared national */
	assert_string_equal(find("849"), "");
	assert_string_equal(find("0111"), "");
}

static void test_filters_and_pages(void **state)
{
	(void)state;
	village();
	struct found f;
	struct store_hh_query q = { .limit = 50 };
	q.group = "tay-son";
	assert_int_equal(total_of(&q, &f), 2);
	assert_string_equal(f.names, "Lê Thị Cúc|Trần Văn Dũng");
	q.group = "TAY-SON"; /* codes ignore case, as everywhere */
	assert_int_equal(total_of(&q, &f), 2);
	q.group = "khong-co";
	assert_int_equal(total_of(&q, &f), 0);
	q.group = NULL;
	q.opted_out = 1;
	assert_int_equal(total_of(&q, &f), 1);
	assert_string_equal(f.names, "Phạm Thị Hoa");
	q.opted_out = 0;
	q.channel = CH_BOTH;
	assert_int_equal(total_of(&q, &f), 1);
	assert_string_equal(f.names, "Trần Văn Dũng");
	q.channel = CH_SMS;
	q.group = "dong-tien";
	q.text = "an";
	assert_int_equal(total_of(&q, &f), 1);
	assert_string_equal(f.names, "Nguyễn Văn An");

	/* deactivated: hidden unless asked for */
	assert_int_equal(store_hh_set_active(st, 3, 0, clock_wall_s()), STORE_OK);
	assert_int_equal(store_hh_set_active(st, 3, 0, clock_wall_s()), STORE_NOTFOUND); /* already */
	struct store_hh_query all = { .limit = 50 };
	assert_int_equal(total_of(&all, &f), 5);
	all.state = STORE_HH_INACTIVE;
	assert_int_equal(total_of(&all, &f), 1);
	assert_string_equal(f.names, "Trần Văn Dũng(x)");
	all.state = STORE_HH_ANY;
	assert_int_equal(total_of(&all, &f), 6);
	struct household h;
	int active = 1;
	assert_int_equal(store_hh_get(st, 3, &h, &active), STORE_OK);
	assert_int_equal(active, 0);
	assert_string_equal(h.groups, "chan-nuoi tay-son");
	assert_int_equal(store_household_get(st, 3, &h), STORE_NOTFOUND); /* the daemon's view */
	assert_int_equal(store_hh_set_active(st, 3, 1, clock_wall_s()), STORE_OK);
	assert_int_equal(store_hh_get(st, 99, &h, &active), STORE_NOTFOUND);

	/* pages: the total stays, the rows move */
	for (int i = 0; i < 120; i++) {
		char name[40], phone[20];
		snprintf(name, sizeof name, "Hộ %03d", i);
		snprintf(phone, sizeof phone, "+849000%05d", i);
		add(name, phone, "", CH_SMS, "to-5", 0);
	}
	struct store_hh_query pg = { .group = "to-5", .limit = 50, .offset = 100 };
	assert_int_equal(total_of(&pg, &f), 120);
	assert_int_equal(f.n, 20);
	assert_true(strncmp(f.names, "Hộ 100|", 7) == 0);
	pg.offset = 70; /* from the end, turned round */
	assert_int_equal(total_of(&pg, &f), 120);
	assert_int_equal(f.n, 50);
	assert_true(strncmp(f.names, "Hộ 070|Hộ 071|", 16) == 0);
	assert_non_null(strstr(f.names, "|Hộ 118|Hộ 119"));
	pg.offset = 120;
	assert_int_equal(total_of(&pg, &f), 120);
	assert_int_equal(f.n, 0);
	pg.offset = 0;
	pg.text = "ho 05"; /* words, each anywhere in the name */
	assert_int_equal(total_of(&pg, &f), 12);
	assert_string_equal(f.names, "Hộ 005|Hộ 050|Hộ 051|Hộ 052|Hộ 053|Hộ 054|Hộ 055|Hộ 056|Hộ 057|Hộ 058|Hộ 059|Hộ 105");
	pg.text = "777"; /* only digits: a part of a number, not of a name */
	assert_int_equal(total_of(&pg, &f), 0);
	pg.text = "0900 0001";
	assert_int_equal(total_of(&pg, &f), 20); /* 0900000100 .. 0900000119 */
}

static int other(int64_t id, const char *name, void *arg)
{
	char *s = arg;
	size_t n = strlen(s);
	snprintf(s + n, 256 - n, "%s%lld %s", n ? "|" : "", (long long)id, name);
	return 0;
}

static int group_row(const struct store_group_row *g, void *arg)
{
	char *s = arg;
	size_t n = strlen(s);
	snprintf(s + n, 512 - n, "%s%s/%s/%d", n ? "|" : "", g->code, g->name, g->households);
	return 0;
}

static void test_shared_and_groups(void **state)
{
	(void)state;
	village();
	char s[256] = "";
	assert_int_equal(store_hh_phone_others(st, "+84912345678", 1, other, s), STORE_OK);
	assert_string_equal(s, "6 HÀ THỊ GIANG");
	s[0] = '\0';
	assert_int_equal(store_hh_phone_others(st, "+842333852456", 0, other, s), STORE_OK); /* second phones too */
	assert_string_equal(s, "2 Lê Thị Cúc");
	s[0] = '\0';
	assert_int_equal(store_hh_set_active(st, 6, 0, clock_wall_s()), STORE_OK);
	assert_int_equal(store_hh_phone_others(st, "+84912345678", 1, other, s), STORE_OK);
	assert_string_equal(s, ""); /* a deactivated household shares nothing */

	assert_int_equal(store_group_set_name(st, "dong-tien", "Xóm Đông Tiến"), STORE_OK);
	assert_int_equal(store_group_set_name(st, "tay-son", "Xóm Tây Sơn"), STORE_OK);
	assert_int_equal(store_hh_set_active(st, 2, 0, clock_wall_s()), STORE_OK);
	char g[512] = "";
	assert_int_equal(store_hh_group_each(st, 1, group_row, g), STORE_OK);
	/* by display name (or code), accents folded; counts of active households */
	assert_string_equal(g, "chan-nuoi//2|dong-tien/Xóm Đông Tiến/2|tay-son/Xóm Tây Sơn/1");
	g[0] = '\0';
	assert_int_equal(store_hh_group_each(st, 0, group_row, g), STORE_OK);
	assert_string_equal(g, "chan-nuoi//0|dong-tien/Xóm Đông Tiến/0|tay-son/Xóm Tây Sơn/0");
}

static void test_sender_fields(void **state)
{
	(void)state;
	struct sender s;
	assert_int_equal(sender_from_fields("0987 000 222", "head", "  Trưởng thôn Bình ", "dong-tien,tay-son", 1, &s),
			 SENDER_OK);
	assert_string_equal(s.phone, "+84987000222");
	assert_string_equal(s.name, "Trưởng thôn Bình");
	assert_string_equal(s.groups, "dong-tien,tay-son");
	assert_int_equal(s.confirm, 1);
	assert_int_equal(sender_from_fields("113", "head", "x", "", 1, &s), SENDER_BAD_PHONE);
	assert_int_equal(sender_from_fields("02333852456", "head", "x", "", 1, &s), SENDER_BAD_PHONE); /* a landline */
	assert_int_equal(sender_from_fields("0987000222", "admin", "x", "", 1, &s), SENDER_BAD_ROLE);
	assert_int_equal(sender_from_fields("0987000222", "officer", " ", "", 1, &s), SENDER_BAD_NAME);
	assert_int_equal(sender_from_fields("0987000222", "officer", "a\x1b[31mb", "", 1, &s), SENDER_OK); /* escaped on output */
	assert_int_equal(sender_from_fields("0987000222", "officer", "x", "dong tien", 1, &s), SENDER_BAD_GROUPS);
	assert_int_equal(sender_from_fields("0987000222", "officer", "x", "", 0, &s), SENDER_OK);
	assert_int_equal(s.confirm, 0);
	assert_true(sender_template_code_ok("HOP"));
	assert_true(sender_template_code_ok("tiem-phong_2"));
	assert_false(sender_template_code_ok(""));
	assert_false(sender_template_code_ok("có dấu"));
	assert_false(sender_template_code_ok("A234567890123456X"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_group_code),
		cmocka_unit_test_setup_teardown(test_search_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_phones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_and_groups, setup, teardown),
		cmocka_unit_test(test_sender_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
