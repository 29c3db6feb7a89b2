/* test_headnotice — a notice recorded by phone (domain/headnotice.c):
 * the groups a head is offered (every group with households for a head
 * with no groups listed, by their names; a limited head's own, where 0
 * means all of them and never the whole village), the spoken list, the
 * call-in SMS text, and notice_from_recording creating the notice as
 * `--audio` does: the recording as its audio, source phone:+84…, one
 * delivery per household channel of the chosen group, urgent kept, a
 * notice_recorded event with the caller escaped; a failure removes the
 * WAV and creates nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "domain/headnotice.h"
#include "domain/notice.h"
#include "domain/sender.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0 1796090400

static char dir[64], path[128];
static struct store *st;
static struct notice_cfg nc = { .max_chars = 480, .sms_max_parts = 6, .sms_part_cost = 350, .call_repeats = 2,
				.tts_rate = 150, .voice_modems = 1 };

static long long q_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void add(const char *name, const char *phone, int channel, const char *groups)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	h.channel = channel;
	h.accents = 1;
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	assert_int_equal(store_household_insert(st, &h, NULL, clock_wall_s()), STORE_OK);
}

static void head(const char *phone, const char *name, const char *groups, struct sender *s)
{
	assert_int_equal(sender_from_fields(phone, "head", name, groups, 1, s), SENDER_OK);
	assert_int_equal(store_sender_add(st, s, NULL, T0), STORE_OK);
}

static void wav(char *out, size_t len, const char *tag)
{
	snprintf(out, len, "%s/spool/audio/phone-%d-%s.wav", dir, T0, tag);
	FILE *f = fopen(out, "w");
	assert_non_null(f);
	fputs("RIFF", f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-hn.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	char sp[128];
	snprintf(sp, sizeof sp, "%s/spool", dir);
	mkdir(sp, 0750);
	snprintf(sp, sizeof sp, "%s/spool/audio", dir);
	mkdir(sp, 0750);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	add("Nguyễn Văn An", "+84912000001", CH_VOICE, "xom-dong");
	add("Trần Thị Bình", "+84912000002", CH_SMS, "xom-dong");
	add("Lê Văn Chí", "+84912000003", CH_BOTH, "xom-tay");
	add("Phạm Thị Dung", "+84912000004", CH_SMS, "xom-bac");
	assert_int_equal(store_group_set_name(st, "xom-dong", "Xóm Đông"), STORE_OK);
	assert_int_equal(store_group_set_name(st, "xom-tay", "Xóm Tây"), STORE_OK);
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

static void test_groups_and_texts(void **state)
{
	(void)state;
	struct sender all, some;
	head("0912345678", "Trưởng thôn Hùng", "", &all);
	head("0912345679", "Tổ trưởng xóm Tây", "xom-tay,xom-bac", &some);
	struct headnotice_groups g;
	assert_int_equal(headnotice_groups(st, &all, &g), 0);
	assert_int_equal(g.n, 3);
	assert_true(g.all_village);
	char buf[400], t[256];
	headnotice_groups_text(&g, buf, sizeof buf);
	assert_string_equal(buf, "Bấm 1 cho xom-bac. Bấm 2 cho Xóm Đông. Bấm 3 cho Xóm Tây. Bấm 0 cho cả thôn.");
	assert_int_equal(headnotice_targets(&g, 0, t, sizeof t), 0);
	assert_string_equal(t, "all");
	assert_int_equal(headnotice_targets(&g, 2, t, sizeof t), 0);
	assert_string_equal(t, "xom-dong");
	assert_int_equal(headnotice_targets(&g, 4, t, sizeof t), -1);

	assert_int_equal(headnotice_groups(st, &some, &g), 0);
	assert_int_equal(g.n, 2);
	assert_false(g.all_village);
	headnotice_groups_text(&g, buf, sizeof buf);
	assert_string_equal(buf, "Bấm 1 cho Xóm Tây. Bấm 2 cho xom-bac. Bấm 0 cho tất cả các nhóm trên.");
	assert_int_equal(headnotice_targets(&g, 0, t, sizeof t), 0);
	assert_string_equal(t, "xom-tay,xom-bac");

	headnotice_sms_text("Thôn Tân Lợi", "+84912345000,+84912345001", buf, sizeof buf);
	assert_string_equal(buf, "Thôn Tân Lợi có thông báo mới bằng giọng nói: gọi 0912345000 để nghe.");
	headnotice_sms_text("Tân Lợi", "", buf, sizeof buf);
	assert_string_equal(buf, "Thôn Tân Lợi có thông báo mới bằng giọng nói: gọi lại số này để nghe.");
	headnotice_sms_text("BẢN PÁ KHOANG", NULL, buf, sizeof buf);
	assert_string_equal(buf, "BẢN PÁ KHOANG có thông báo mới bằng giọng nói: gọi lại số này để nghe.");
	headnotice_sms_text("Thôn", "+84912345000", buf, sizeof buf);
	assert_string_equal(buf, "Thôn có thông báo mới bằng giọng nói: gọi 0912345000 để nghe.");
}

static void test_create(void **state)
{
	(void)state;
	struct sender h;
	assert_int_equal(store_sender_by_phone(st, "+84912345678", &h), STORE_OK);
	struct headnotice_groups g;
	assert_int_equal(headnotice_groups(st, &h, &g), 0);
	char w[256], err[256];
	wav(w, sizeof w, "m1-1");
	struct headnotice_req r = { .head = &h, .caller = "+84912345678\x07", .groups = &g, .group = 2, .urgent = 1,
				    .wav = w, .speech_ms = 8200, .village = "Thôn Tân Lợi",
				    .numbers = "+84912345000" };
	int64_t id = 0;
	assert_int_equal(notice_from_recording(st, &nc, &r, &id, err, sizeof err), 0);
	assert_true(id > 0);
	struct notice n;
	assert_int_equal(store_notice_get(st, id, &n), STORE_OK);
	assert_string_equal(n.audio_path, w);
	assert_string_equal(n.source, "phone:+84912345678");
	assert_string_equal(n.targets, "xom-dong");
	assert_string_equal(n.text, "Thôn Tân Lợi có thông báo mới bằng giọng nói: gọi 0912345000 để nghe.");
	assert_true(n.urgent);
	store_notice_clear(&n);
	/* xom-dong: An by voice, Bình by SMS */
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM deliveries WHERE notice_id = %lld AND channel = 'voice'",
		 (long long)id);
	assert_int_equal(q_int(sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM deliveries WHERE notice_id = %lld AND channel = 'sms'",
		 (long long)id);
	assert_int_equal(q_int(sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM events WHERE kind = 'notice_recorded' AND notice_id = %lld AND detail LIKE "
		 "'%%to xom-dong, urgent, 8.2 s%%' AND instr(detail, char(7)) = 0",
		 (long long)id);
	assert_int_equal(q_int(sql), 1);

	/* all: every household */
	wav(w, sizeof w, "m1-2");
	r.group = 0;
	r.urgent = 0;
	assert_int_equal(notice_from_recording(st, &nc, &r, &id, err, sizeof err), 0);
	snprintf(sql, sizeof sql, "SELECT count(DISTINCT household_id) FROM deliveries WHERE notice_id = %lld",
		 (long long)id);
	assert_int_equal(q_int(sql), 4);

	/* a digit not offered: nothing created, the WAV removed, logged */
	long long before = q_int("SELECT count(*) FROM notices");
	wav(w, sizeof w, "m1-3");
	r.group = 7;
	assert_int_equal(notice_from_recording(st, &nc, &r, &id, err, sizeof err), EXIT_USAGE);
	assert_int_equal(id, 0);
	assert_non_null(strstr(err, "group 7"));
	assert_int_equal(access(w, F_OK), -1);
	assert_int_equal(q_int("SELECT count(*) FROM notices"), before);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'notice_recording_failed'"), 1);

	/* a group whose households are gone: refused the same way */
	struct sender lim;
	assert_int_equal(store_sender_by_phone(st, "+84912345679", &lim), STORE_OK);
	snprintf(lim.groups, sizeof lim.groups, "xom-nam");
	assert_int_equal(headnotice_groups(st, &lim, &g), 0);
	wav(w, sizeof w, "m1-4");
	r.head = &lim;
	r.groups = &g;
	r.group = 1;
	assert_int_equal(notice_from_recording(st, &nc, &r, &id, err, sizeof err), EXIT_USAGE);
	assert_int_equal(access(w, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_and_texts),
		cmocka_unit_test(test_create),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
