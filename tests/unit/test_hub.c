/* test_hub — the parts of the hub sync that need no PostgreSQL (the
 * server side is tests/integration/hub_rls.sh and hub_sync.sh): gateway
 * ids, credentials files (mode, format, errors with file:line, never
 * overwritten), a bad [hub] url, and the SQLite side (migration 14):
 * events and new deliveries after a position, a delivery's rev growing
 * with each change of state, hub notices found by their source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/hub_store.h"
#include "db/store.h"
#include "db/store_sync.h"
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#define T0 1796090400

static char dir[64], path[160];
static struct store *st;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-hub.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void write_file(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static void test_ids(void **state)
{
	(void)state;
	assert_true(hub_id_valid("tan-loi"));
	assert_true(hub_id_valid("xa_hoa_binh_2"));
	assert_true(hub_id_valid("0"));
	assert_false(hub_id_valid(""));
	assert_false(hub_id_valid("-x"));
	assert_false(hub_id_valid("Tan-Loi"));
	assert_false(hub_id_valid("tân-lợi"));
	assert_false(hub_id_valid("a b"));
	assert_false(hub_id_valid("x';drop"));
	assert_false(hub_id_valid("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
	assert_true(hub_id_valid("abcdefghijklmnopqrstuvwxyz012345"));   /* 32 */
}

static void test_cred(void **state)
{
	(void)state;
	char p[200], err[512];
	struct hub_cred c;
	snprintf(p, sizeof p, "%s/g.cred", dir);
	write_file(p, "# thôn Tân Lợi\n\nuser = loa_gw_tan-loi\n  password =  s3cr#t=x \n", 0600);
	assert_int_equal(hub_cred_read(p, &c, err, sizeof err), HUB_OK);
	assert_string_equal(c.user, "loa_gw_tan-loi");
	assert_string_equal(c.password, "s3cr#t=x");

	chmod(p, 0640);
	assert_int_equal(hub_cred_read(p, &c, err, sizeof err), HUB_ERR);
	assert_non_null(strstr(err, "other users may read it"));
	assert_non_null(strstr(err, "chmod 600"));

	write_file(p, "user = a\npasswd = b\n", 0600);
	assert_int_equal(hub_cred_read(p, &c, err, sizeof err), HUB_ERR);
	assert_non_null(strstr(err, "g.cred:2: unknown key 'passwd'"));
	write_file(p, "user = a\n", 0600);
	assert_int_equal(hub_cred_read(p, &c, err, sizeof err), HUB_ERR);
	assert_non_null(strstr(err, "needs both user = and password ="));
	write_file(p, "user a\n", 0600);
	assert_int_equal(hub_cred_read(p, &c, err, sizeof err), HUB_ERR);
	assert_non_null(strstr(err, "g.cred:1: expected key = value"));

	/* written 0600, read back, never over an existing file */
	char q[200];
	snprintf(q, sizeof q, "%s/new.cred", dir);
	struct hub_cred w = { .user = "loa_gw_hoa-binh" };
	assert_int_equal(hub_password_new(w.password, sizeof w.password), HUB_OK);
	assert_int_equal(strlen(w.password), 32);
	assert_int_equal(hub_cred_write(q, &w, "gateway hoa-binh", err, sizeof err), HUB_OK);
	struct stat sb;
	assert_int_equal(stat(q, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(hub_cred_read(q, &c, err, sizeof err), HUB_OK);
	assert_string_equal(c.password, w.password);
	assert_int_equal(hub_cred_write(q, &w, NULL, err, sizeof err), HUB_CONFLICT);
	char other[33];
	assert_int_equal(hub_password_new(other, sizeof other), HUB_OK);
	assert_string_not_equal(other, w.password);
	char missing[200];
	snprintf(missing, sizeof missing, "%s/none.cred", dir);
	assert_int_equal(hub_cred_read(missing, &c, err, sizeof err), HUB_ERR);
	assert_non_null(strstr(err, "none.cred: No such file"));
}

static void test_bad_url(void **state)
{
	(void)state;
	struct hub *h = NULL;
	char err[512];
	assert_int_equal(hub_open("postgresql://[bad", NULL, &h, err, sizeof err), HUB_ERR);
	assert_null(h);
	assert_non_null(strstr(err, "[hub] url"));
	assert_null(strchr(err, '\n'));
	/* nobody listens there: HUB_DOWN, one line */
	char url[200];
	snprintf(url, sizeof url, "host=%s port=1 dbname=x connect_timeout=2", dir);
	assert_int_equal(hub_open(url, NULL, &h, err, sizeof err), HUB_DOWN);
	assert_null(strchr(err, '\n'));
}

static int64_t notice(const char *source)
{
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "Bão số 3 sắp đổ bộ";
	r.targets = "all";
	r.channels = CH_BOTH;
	r.source = source;
	r.parts_ucs2 = 1;
	r.parts_gsm7 = 1;
	struct fanout_stats fs;
	int64_t id = 0;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, T0), STORE_OK);
	return id;
}

static void sql(const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_store_side(void **state)
{
	(void)state;
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "Nguyễn Văn An");
	snprintf(h.phone, sizeof h.phone, "+84912345678");
	h.channel = CH_BOTH;
	h.accents = 1;
	assert_int_equal(store_household_insert(st, &h, NULL, T0), STORE_OK);
	int64_t nid = notice("hub:7");

	int64_t ev_head, dl_head, ch_head;
	assert_int_equal(store_sync_heads(st, &ev_head, &dl_head, &ch_head), STORE_OK);
	assert_true(ev_head > 0);
	assert_int_equal(ch_head, 0); /* nothing changed since the fan-out */

	struct hub_event ev[4];
	size_t n;
	assert_int_equal(store_sync_events(st, 0, 4, ev, &n), STORE_OK);
	assert_true(n >= 1);
	assert_int_equal(ev[n - 1].id, ev_head);
	store_sync_events_free(ev, n);
	assert_int_equal(store_sync_events(st, ev_head, 4, ev, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* new deliveries by id: sms and voice, rev 0 */
	struct hub_delivery d[4];
	assert_int_equal(store_sync_deliveries(st, 0, 4, d, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(d[1].id, dl_head);
	assert_int_equal(d[0].rev, 0);
	assert_int_equal(d[0].notice_id, nid);
	assert_string_equal(d[0].state, "queued");
	int64_t sms_id = strcmp(d[0].channel, "sms") == 0 ? d[0].id : d[1].id;
	store_sync_deliveries_free(d, n);
	assert_int_equal(store_sync_deliveries(st, dl_head, 4, d, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* a change of state: a new rev for that delivery only, the old one
	 * gone; a change of anything else (next_at): none */
	sql("UPDATE deliveries SET next_at = next_at + 60");
	assert_int_equal(store_sync_changes(st, 0, 4, d, &n), STORE_OK);
	assert_int_equal(n, 0);
	sql("UPDATE deliveries SET state = 'sending' WHERE channel = 'sms'");
	sql("UPDATE deliveries SET state = 'sent' WHERE channel = 'sms'");
	assert_int_equal(store_sync_changes(st, 0, 4, d, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].id, sms_id);
	assert_int_equal(d[0].rev, 2);
	assert_string_equal(d[0].state, "sent");
	store_sync_deliveries_free(d, n);
	/* read by id now, it carries its rev */
	assert_int_equal(store_sync_deliveries(st, sms_id - 1, 1, d, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].rev, 2);
	store_sync_deliveries_free(d, n);
	assert_int_equal(store_sync_heads(st, &ev_head, &dl_head, &ch_head), STORE_OK);
	assert_int_equal(ch_head, 2);

	/* the hub notice's local notice, found by its source; once only */
	int64_t local = 0;
	assert_int_equal(store_sync_hub_notice(st, 7, &local), STORE_OK);
	assert_int_equal(local, nid);
	assert_int_equal(store_sync_hub_notice(st, 8, &local), STORE_NOTFOUND);
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "lần hai";
	r.targets = "all";
	r.channels = CH_SMS;
	r.source = "hub:7";
	r.parts_ucs2 = r.parts_gsm7 = 1;
	struct fanout_stats fs;
	int64_t again = 0;
	assert_int_not_equal(store_notice_create(st, &r, &again, &fs, T0), STORE_OK);
	/* other sources may repeat */
	notice("cli");
	notice("cli");

	int64_t pos, at;
	assert_int_equal(store_sync_acked_get(st, "events", &pos, &at), STORE_OK);
	assert_int_equal(pos, 0);
	assert_int_equal(store_sync_acked(st, "events", 5, T0 + 10), STORE_OK);
	assert_int_equal(store_sync_acked(st, "events", 3, T0 + 20), STORE_OK); /* never backwards */
	assert_int_equal(store_sync_acked_get(st, "events", &pos, &at), STORE_OK);
	assert_int_equal(pos, 5);
	assert_int_equal(at, T0 + 20);
	int hh = 0;
	assert_int_equal(store_sync_households(st, &hh), STORE_OK);
	assert_int_equal(hh, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test_setup_teardown(test_cred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_side, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
