/* test_log — the two forms of a log line: on a terminal or in a file, a
 * timestamp and a level letter; when stderr is the journal (JOURNAL_STREAM
 * names stderr's device:inode, as systemd sets it), no timestamp and the
 * syslog priority <3> <4> <6> <7> first, so `journalctl -p warning`
 * filters.  stderr is moved onto a temporary file that the test names (or
 * does not name) in JOURNAL_STREAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Runs the four levels with stderr on a fresh file; JOURNAL_STREAM is
 * that file's device:inode when `same`, another file's when `other`, unset
 * otherwise.  Returns what was written (caller frees). */
static char *logged(int same, int other)
{
	char path[] = "/tmp/test_log.XXXXXX", path2[] = "/tmp/test_log2.XXXXXX";
	int fd = mkstemp(path), fd2 = mkstemp(path2);
	assert_true(fd >= 0 && fd2 >= 0);
	unlink(path);
	unlink(path2);
	struct stat st;
	assert_int_equal(fstat(same ? fd : fd2, &st), 0);
	char env[64];
	snprintf(env, sizeof env, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	if (same || other)
		setenv("JOURNAL_STREAM", env, 1);
	else
		unsetenv("JOURNAL_STREAM");
	fflush(stderr);
	int saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	assert_int_equal(log_journal_detect(), same);
	log_set_level(LL_DEBUG);
	LOG_E("db", "disk full");
	LOG_W("modem(m1)", "paused: %s", "no credit");
	LOG_I("daemon", "started");
	LOG_D("call(m1)", "key \x1b");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_set_level(LL_INFO);
	unsetenv("JOURNAL_STREAM");
	log_journal_detect();
	char *buf = calloc(1, 4096);
	assert_non_null(buf);
	assert_true(pread(fd, buf, 4095, 0) > 0);
	close(fd);
	close(fd2);
	return buf;
}

static void test_journal(void **state)
{
	(void)state;
	char *s = logged(1, 0);
	assert_string_equal(s, "<3>db: disk full\n"
			       "<4>modem(m1): paused: no credit\n"
			       "<6>daemon: started\n"
			       "<7>call(m1): key \\x1b\n");
	free(s);
}

static void test_terminal(void **state)
{
	(void)state;
	clock_fake(1796083201000LL); /* a fixed time: the timestamp is known */
	char exp[64];
	char ts[32];
	time_t t = 1796083201;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	for (int other = 0; other < 2; other++) {
		/* no JOURNAL_STREAM, or one naming another stream (inherited by
		 * a child whose stderr was redirected) */
		char *s = logged(0, other);
		snprintf(exp, sizeof exp, "%s E db: disk full\n", ts);
		assert_memory_equal(s, exp, strlen(exp));
		assert_non_null(strstr(s, " W modem(m1): paused: no credit\n"));
		assert_non_null(strstr(s, " D call(m1): key \\x1b\n"));
		assert_null(strchr(s, '<'));
		free(s);
	}
	clock_real();
}

static void test_junk_variable(void **state)
{
	(void)state;
	static const char *const junk[] = { "", ":", "12", "12:", ":34", "1x:2", "1:2x", "0:0" };
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		setenv("JOURNAL_STREAM", junk[i], 1);
		assert_int_equal(log_journal_detect(), 0);
	}
	unsetenv("JOURNAL_STREAM");
	log_journal_detect();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_junk_variable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
