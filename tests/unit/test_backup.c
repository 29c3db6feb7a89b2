/* test_backup — db/store_backup.c and the commands on it: a copy made
 * while another connection writes passes integrity_check, the rotation
 * keeps the newest N copies and nothing else, a restore puts a copy back
 * and keeps the database it replaces, and a database with garbage written
 * into its middle stops `loa init` and `loa run` with one clear line (the
 * newest good backup, the restore command) and exit 3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/cli.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_backup.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0 1796090400 /* 2026-12-01 09:00 +07 */
#define DAY 86400

static char dir[64], dbpath[128], bdir[128], conf[128];

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	snprintf(dir, sizeof dir, "/tmp/loa-backup-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(dbpath, sizeof dbpath, "%s/loa.db", dir);
	snprintf(bdir, sizeof bdir, "%s/backup", dir);
	snprintf(conf, sizeof conf, "%s/loa.conf", dir);
	FILE *f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "[gateway]\ndatabase = loa.db\nspool = spool\nbackup_keep = 3\n[tts]\ncache = cache\n");
	fclose(f);
	chmod(conf, 0600);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void add_households(struct store *st, int from, int n)
{
	assert_int_equal(store_begin(st), STORE_OK);
	for (int i = from; i < from + n; i++) {
		struct household h;
		memset(&h, 0, sizeof h);
		snprintf(h.name, sizeof h.name, "Hộ %d với một cái tên khá dài để có nhiều trang", i);
		snprintf(h.phone, sizeof h.phone, "+84912%06d", i);
		h.channel = CH_SMS;
		snprintf(h.groups, sizeof h.groups, "xom%d", i % 4 + 1);
		assert_int_equal(store_household_insert(st, &h, NULL, T0), STORE_OK);
	}
	assert_int_equal(store_commit(st), STORE_OK);
}

static int count_cb(const struct household *h, void *arg)
{
	(void)h;
	++*(int *)arg;
	return 0;
}

static int households(const char *path)
{
	struct store *st;
	char err[600];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	int n = 0;
	assert_int_equal(store_household_each(st, NULL, count_cb, &n), STORE_OK);
	store_close(st);
	return n;
}

static int copies(const char *d)
{
	int n = 0;
	DIR *dp = opendir(d);
	assert_non_null(dp);
	for (struct dirent *e; (e = readdir(dp));)
		n += strncmp(e->d_name, "loa-", 4) == 0;
	closedir(dp);
	return n;
}

struct writer {
	volatile int stop;
	int written;
};

static void *write_loop(void *arg)
{
	struct writer *w = arg;
	struct store *st;
	char err[600];
	assert_int_equal(store_open(dbpath, &st, err, sizeof err), STORE_OK);
	for (int i = 0; !w->stop && i < 200; i++) {
		add_households(st, 100000 + i * 20, 20);
		w->written += 20;
	}
	store_close(st);
	return NULL;
}

/* Copies made while another connection keeps writing: each one whole. */
static void test_backup_while_writing(void **state)
{
	(void)state;
	struct store *st;
	char err[600], path[256];
	assert_int_equal(store_open(dbpath, &st, err, sizeof err), STORE_OK);
	add_households(st, 1, 2000);
	struct writer w = { 0, 0 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_loop, &w), 0);
	int removed;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(store_backup_to_dir(st, bdir, 0, T0 + i * 60, path, sizeof path, &removed, err,
						     sizeof err), STORE_OK);
		assert_int_equal(store_check_file(path, 1, err, sizeof err), STORE_OK);
		struct stat sb;
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		int n = households(path);
		assert_true(n >= 2000 && n <= 2000 + 4000);
		assert_int_equal(n % 20, 0); /* whole transactions only */
	}
	w.stop = 1;
	pthread_join(t, NULL);
	store_backup_name(bdir, T0, path, sizeof path);
	assert_string_equal(strrchr(path, '/'), "/loa-20261201-0900.db");
	char tmp[300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0); /* no temp file left */
	store_close(st);
}

/* The newest `keep` copies stay; other files in the folder are not copies. */
static void test_rotation(void **state)
{
	(void)state;
	struct store *st;
	char err[600], path[256], other[256];
	assert_int_equal(store_open(dbpath, &st, err, sizeof err), STORE_OK);
	char rdir[160];
	snprintf(rdir, sizeof rdir, "%s/rot", dir);
	assert_int_equal(util_mkdirs(rdir, 0700), 0);
	snprintf(other, sizeof other, "%s/loa-notes.db", rdir);
	FILE *f = fopen(other, "w");
	assert_non_null(f);
	fclose(f);
	int removed = 0, total = 0;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(store_backup_to_dir(st, rdir, 3, T0 + i * DAY, path, sizeof path, &removed, err,
						     sizeof err), STORE_OK);
		total += removed;
	}
	assert_int_equal(total, 7);
	assert_int_equal(copies(rdir), 4); /* 3 copies and loa-notes.db */
	assert_int_equal(access(other, F_OK), 0);
	int64_t when = 0;
	assert_int_equal(store_backup_newest(rdir, 1, path, sizeof path, &when), 0);
	assert_string_equal(strrchr(path, '/'), "/loa-20261210-0900.db");
	assert_int_equal(when, T0 + 9 * DAY);
	store_backup_name(rdir, T0 + 7 * DAY, path, sizeof path);
	assert_int_equal(access(path, F_OK), 0);
	store_backup_name(rdir, T0 + 6 * DAY, path, sizeof path);
	assert_int_not_equal(access(path, F_OK), 0);
	store_close(st);
}

/* A copy goes back in place; the database it replaces is kept. */
static void test_restore_round_trip(void **state)
{
	(void)state;
	struct store *st;
	char err[600], path[256], kept[300];
	assert_int_equal(store_open(dbpath, &st, err, sizeof err), STORE_OK);
	int before = households(dbpath);
	int removed;
	assert_int_equal(store_backup_to_dir(st, bdir, 0, T0 + DAY, path, sizeof path, &removed, err, sizeof err),
			 STORE_OK);
	add_households(st, 500000, 7);
	store_close(st);
	assert_int_equal(households(dbpath), before + 7);
	assert_int_equal(store_restore(path, dbpath, T0 + DAY + 30, kept, sizeof kept, err, sizeof err), STORE_OK);
	snprintf(path, sizeof path, "%s.before-restore-20261202-090030", dbpath);
	assert_string_equal(kept, path);
	assert_int_equal(households(dbpath), before);
	assert_int_equal(households(kept), before + 7);
	assert_int_equal(store_check_file(dbpath, 1, err, sizeof err), STORE_OK);
	/* a file that is no database is refused, nothing changed */
	snprintf(path, sizeof path, "%s/not.db", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("hello\x1b[2J, not a database at all; long enough to have a header............", f);
	fclose(f);
	assert_int_equal(store_restore(path, dbpath, T0 + 2 * DAY, kept, sizeof kept, err, sizeof err), STORE_DAMAGED);
	assert_string_equal(kept, "");
	assert_null(strchr(err, '\x1b'));
	assert_int_equal(households(dbpath), before);
}

/* Runs a `loa` command on the test's configuration; its stderr into `err`. */
static int run_cmd(cli_fn fn, int argc, char **argv, char *err, size_t errlen)
{
	char errf[160];
	snprintf(errf, sizeof errf, "%s/stderr", dir);
	fflush(stderr);
	int saved = dup(2);
	int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	struct cli_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.config_path = conf;
	int rc = fn(&ctx, argc, argv);
	if (ctx.st)
		store_close(ctx.st);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char *text = util_read_file(errf, NULL);
	assert_non_null(text);
	snprintf(err, errlen, "%s", text);
	free(text);
	return rc;
}

static void garble(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 100000);
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	unsigned char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 7 + 1); /* ESC, BEL, CR... among them */
	assert_int_equal(pwrite(fd, junk, sizeof junk, sb.st_size / 2), (ssize_t)sizeof junk);
	close(fd);
}

static void one_clear_line(const char *err, const char *newest)
{
	assert_non_null(strstr(err, "is damaged"));
	assert_non_null(strstr(err, dbpath));
	assert_non_null(strstr(err, newest));
	char want[600];
	snprintf(want, sizeof want, "restore it with: loa -c %s restore %s\n", conf, newest);
	assert_non_null(strstr(err, want));
	assert_int_equal(strchr(err, '\n') - err + 1, (long)strlen(err)); /* one line */
	for (const char *p = err; *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
}

/* Garbage in the middle of the database: `loa init` and `loa run` stop. */
static void test_damaged_database(void **state)
{
	(void)state;
	struct store *st;
	char err[2000], newest[256], path[256];
	assert_int_equal(store_open(dbpath, &st, err, sizeof err), STORE_OK);
	int removed;
	assert_int_equal(store_backup_to_dir(st, bdir, 0, T0 + 3 * DAY, newest, sizeof newest, &removed, err,
					     sizeof err), STORE_OK);
	store_close(st);
	/* a newer copy that is itself damaged is passed over */
	store_backup_name(bdir, T0 + 4 * DAY, path, sizeof path);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "cp %s %s", newest, path);
	assert_int_equal(system(cmd), 0);
	garble(path);
	assert_int_equal(store_check_file(path, 0, err, sizeof err), STORE_DAMAGED);

	char *init_argv[] = { "init", NULL };
	assert_int_equal(run_cmd(cmd_init, 1, init_argv, err, sizeof err), EXIT_OK);
	garble(dbpath);
	assert_int_equal(store_check_file(dbpath, 0, err, sizeof err), STORE_DAMAGED);
	assert_int_equal(run_cmd(cmd_init, 1, init_argv, err, sizeof err), EXIT_FIXME);
	one_clear_line(err, newest);
	char *run_argv[] = { "run", NULL };
	assert_int_equal(run_cmd(cmd_run, 1, run_argv, err, sizeof err), EXIT_FIXME);
	one_clear_line(err, newest);
	/* the damaged copy is refused by restore, the good one restores */
	char *bad_argv[] = { "restore", path, NULL };
	assert_int_equal(run_cmd(cmd_restore, 2, bad_argv, err, sizeof err), EXIT_USAGE);
	assert_non_null(strstr(err, "is damaged"));
	char *good_argv[] = { "restore", newest, NULL };
	assert_int_equal(run_cmd(cmd_restore, 2, good_argv, err, sizeof err), EXIT_OK);
	assert_int_equal(run_cmd(cmd_init, 1, init_argv, err, sizeof err), EXIT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_while_writing),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_restore_round_trip),
		cmocka_unit_test(test_damaged_database),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
