/* Config: defaults, every kind of bad line names file:line: key, modem
 * sections, relative paths, and configs/loa.conf documents every key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/config.h"
#include "domain/hub_sync.h"
#include "base/util.h"
#include "gateway/daemon.h"

static int parse(struct loa_config *c, const char *text, char *err)
{
	config_defaults(c, "/etc/loa");
	return config_parse(c, "t.conf", text, "/etc/loa", err, 512);
}

static void test_defaults_and_values(void **state)
{
	(void)state;
	struct loa_config c;
	char err[512];
	assert_int_equal(parse(&c, "", err), 0);
	assert_string_equal(c.database, "/var/lib/loa/loa.db");
	assert_int_equal(c.sms_max_parts, 6);
	assert_int_equal(c.quiet_start, 21 * 60);
	assert_int_equal(c.n_modems, 0);
	assert_int_equal(c.call_key_wait_s, 6);
	assert_int_equal(c.call_max_s, 900);
	assert_int_equal(c.call_replays, 3);
	assert_int_equal(parse(&c, "[voice]\nkey_wait_s = 10\nmax_call_s = 600\nreplays = 0\n", err), 0);
	assert_int_equal(c.call_key_wait_s, 10);
	assert_int_equal(c.call_max_s, 600);
	assert_int_equal(c.call_replays, 0);
	assert_int_equal(parse(&c,
			       "\xEF\xBB\xBF# comment\n; another\n[gateway]\ndatabase = db/loa.db\n"
			       "village = Thôn Tân Lợi\nquiet_start=22:30\n[sms]\nencoding = ASCII\n"
			       "[modem m1]\nport = /dev/ttyUSB2\naudio = /dev/ttyUSB1\nfamily = huawei\n"
			       "[modem sim-2]\nport=/dev/loa/sim2\nenabled = no\n",
			       err),
			 0);
	assert_string_equal(c.database, "/etc/loa/db/loa.db");
	assert_string_equal(c.village, "Thôn Tân Lợi");
	assert_int_equal(c.quiet_start, 22 * 60 + 30);
	assert_int_equal(c.sms_encoding, SMSENC_ASCII);
	assert_int_equal(c.n_modems, 2);
	assert_string_equal(c.modems[0].name, "m1");
	assert_int_equal(c.modems[0].family, FAMILY_HUAWEI);
	assert_string_equal(c.modems[0].audio, "/dev/ttyUSB1");
	assert_int_equal(c.modems[0].baud, 115200);
	assert_int_equal(c.modems[1].enabled, 0);
	assert_int_equal(c.modems[1].family, FAMILY_GENERIC);
}

/* [callin]: defaults, values, the narrow struct and the errors. */
static void test_callin(void **state)
{
	(void)state;
	struct loa_config c;
	struct callin_cfg cc;
	char err[512];
	assert_int_equal(parse(&c, "", err), 0);
	config_callin(&c, &cc);
	assert_int_equal(cc.max_notices, 3);
	assert_int_equal(cc.unknown, CALLIN_UNKNOWN_LATEST);
	assert_int_equal(cc.answer, CALLIN_ANSWER_ANSWER);
	assert_int_equal(cc.callback_s, 120);
	assert_int_equal(cc.callback_min_gap_s, 600);
	assert_int_equal(cc.record_max_s, 120);
	assert_int_equal(cc.answer_rings, 3);
	assert_int_equal(cc.key_wait_s, 6);
	assert_int_equal(cc.replays, 3);
	assert_int_equal(cc.quiet_end, 7 * 60);
	assert_int_equal(parse(&c,
			       "[callin]\nmax_notices = 5\nunknown = Reject\nanswer = callback\ncallback_s = 60\n"
			       "callback_min_gap_s = 0\nrecord_max_s = 300\n",
			       err),
			 0);
	config_callin(&c, &cc);
	assert_int_equal(cc.max_notices, 5);
	assert_int_equal(cc.unknown, CALLIN_UNKNOWN_REJECT);
	assert_int_equal(cc.answer, CALLIN_ANSWER_CALLBACK);
	assert_int_equal(cc.callback_s, 60);
	assert_int_equal(cc.callback_min_gap_s, 0);
	assert_int_equal(cc.record_max_s, 300);
	assert_string_equal(c.ci_number, "");
	assert_int_equal(parse(&c, "[callin]\nnumber = 0912 345 678, 0987000111\n", err), 0);
	assert_string_equal(c.ci_number, "+84912345678,+84987000111");
	assert_int_equal(parse(&c, "[callin]\nnumber = 12345\n", err), -1);
	assert_non_null(strstr(err, "callin.number"));
	assert_int_equal(parse(&c, "[callin]\nunknown = ignore\n", err), -1);
	assert_non_null(strstr(err, "t.conf:2: callin.unknown:"));
	assert_non_null(strstr(err, "latest|reject"));
	assert_int_equal(parse(&c, "[callin]\nmax_notices = 11\n", err), -1);
	assert_non_null(strstr(err, "callin.max_notices"));
	assert_int_equal(parse(&c, "[callin]\nrecord_max_s = 5\n", err), -1);
	assert_int_equal(parse(&c, "[callin]\nanswer = maybe\n", err), -1);
}

static void test_errors(void **state)
{
	(void)state;
	struct {
		const char *text, *want;
	} t[] = {
		{ "[gateway]\nfoo = 1\n", "t.conf:2: gateway.foo: unknown key" },
		{ "[gatway]\n", "t.conf:1: unknown section [gatway]" },
		{ "database = x\n", "t.conf:1: database: key outside any section" },
		{ "[sms]\nmax_parts = 0\n", "t.conf:2: sms.max_parts: '0' is not a whole number from 1 to 10" },
		{ "[sms]\nmax_parts = 3x\n", "t.conf:2: sms.max_parts: '3x' is not a whole number from 1 to 10" },
		{ "[sms]\nencoding = utf8\n", "t.conf:2: sms.encoding: 'utf8' is not one of auto|unicode|ascii" },
		{ "[gateway]\nquiet_end = 25:00\n", "t.conf:2: gateway.quiet_end: '25:00' is not a time HH:MM" },
		{ "[gateway]\nlog_level = loud\n", "t.conf:2: gateway.log_level: 'loud' is not error|warn|info|debug" },
		{ "[voice]\nkey_wait_s = 1\n", "t.conf:2: voice.key_wait_s: '1' is not a whole number from 2 to 60" },
		{ "[tts]\nngan = maybe\n", "t.conf:2: tts.ngan: 'maybe' is not yes or no" },
		{ "[gateway]\nvillage =\n", "t.conf:2: gateway.village: must not be empty" },
		{ "[gateway]\njust words\n", "t.conf:2: expected 'key = value'" },
		{ "[gateway\n", "t.conf:1: section header must look like [name]" },
		{ "[modem]\n", "t.conf:1: [modem NAME]: NAME must be" },
		{ "[modem a b]\n", "t.conf:1: [modem NAME]: NAME must be" },
		{ "[modem m1]\nport = /dev/x\n[modem m1]\n", "t.conf:3: [modem m1]: modem defined twice (first at line 1)" },
		{ "[modem m1]\nfamily = nokia\n", "t.conf:2: modem m1.family: 'nokia' is not one of generic|huawei|simcom|quectel" },
		{ "[modem m1]\nspeed = 9600\n", "t.conf:2: modem m1.speed: unknown key" },
		{ "[modem m1]\naudio = /dev/ttyUSB1\n", "t.conf:1: modem m1.port: required" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct loa_config c;
		char err[512] = "";
		if (parse(&c, t[i].text, err) != -1 || strncmp(err, t[i].want, strlen(t[i].want)) != 0)
			fail_msg("config '%s': got '%s', want '%s'", t[i].text, err, t[i].want);
	}
}

static void check_documented(const char *section, const char *key, const char *def, const char *doc, void *arg)
{
	(void)def, (void)doc;
	const char *text = arg;
	char want[96];
	snprintf(want, sizeof want, "\n%s =", key);
	/* documented either as "key =" or commented "# key =" */
	char want2[96];
	snprintf(want2, sizeof want2, "# %s =", key);
	if (!strstr(text, want) && !strstr(text, want2))
		fail_msg("configs/loa.conf does not document %s.%s", section, key);
}

static void test_example_documents_every_key(void **state)
{
	(void)state;
	char *text = util_read_file("configs/loa.conf", NULL);
	assert_non_null(text);
	config_each_key(check_documented, text);
	/* and the example itself parses */
	struct loa_config c;
	char err[512];
	if (parse(&c, text, err) != 0)
		fail_msg("configs/loa.conf: %s", err);
	free(text);
}

static void test_load_missing(void **state)
{
	(void)state;
	struct loa_config c;
	char err[512];
	assert_int_equal(config_load(&c, "/nonexistent/loa.conf", err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/loa.conf: cannot read config: No such file or directory");
}


/* A config anyone can write (or whose folder anyone can write) is refused. */
static void test_world_writable(void **state)
{
	(void)state;
	char dir[] = "/tmp/loa-cfg.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/loa.conf", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[gateway]\nvillage = Thon Tan Loi\n", f);
	fclose(f);
	struct loa_config c;
	char err[512];
	chmod(path, 0600);
	assert_int_equal(config_load(&c, path, err, sizeof err), 0);
	chmod(path, 0666);
	assert_int_equal(config_load(&c, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "world-writable"));
	assert_non_null(strstr(err, "chmod o-w"));
	chmod(path, 0640);
	chmod(dir, 0777);
	assert_int_equal(config_load(&c, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "its folder"));
	chmod(dir, 01777); /* like /tmp: the sticky bit keeps others from replacing it */
	assert_int_equal(config_load(&c, path, err, sizeof err), 0);
	unlink(path);
	rmdir(dir);
}

/* [hub] sync_s: the daemon syncs only as a gateway (url and gateway_id),
 * every sync_s, waiting longer after each failure up to 10 minutes. */
static void test_hub_sync(void **state)
{
	(void)state;
	/* the stale rule of `loa status` and the problem "hub": 10 x sync_s
	 * since the later of the last acknowledgement and the daemon's start */
	int64_t since = 0;
	assert_false(hub_sync_stale(1000, 500, 1300, 30, &since));
	assert_int_equal(since, 1000);
	assert_true(hub_sync_stale(1000, 500, 1301, 30, &since));
	assert_false(hub_sync_stale(0, 5000, 5300, 30, &since)); /* never acked: from the start */
	assert_int_equal(since, 5000);
	assert_true(hub_sync_stale(0, 5000, 5301, 30, NULL));
	struct loa_config c;
	struct daemon_cfg *dc = calloc(1, sizeof *dc);
	assert_non_null(dc);
	char err[512];
	assert_int_equal(parse(&c, "", err), 0);
	assert_int_equal(c.hub_sync_s, 30);
	config_daemon(&c, dc);
	assert_int_equal(dc->hub.sync_s, 0); /* no hub */
	assert_int_equal(parse(&c, "[hub]\nurl = host=/run/pg dbname=loa_hub\nsync_s = 45\n", err), 0);
	config_daemon(&c, dc);
	assert_int_equal(dc->hub.sync_s, 0); /* the hub itself: no gateway_id */
	assert_int_equal(parse(&c, "[hub]\nurl = host=/run/pg dbname=loa_hub\ngateway_id = tan-loi\nsync_s = 45\n", err),
			 0);
	snprintf(c.path, sizeof c.path, "/etc/loa/loa.conf");
	config_daemon(&c, dc);
	assert_int_equal(dc->hub.sync_s, 45);
	assert_string_equal(dc->hub.config, "/etc/loa/loa.conf");
	assert_int_equal(parse(&c, "[hub]\nsync_s = 0\n", err), -1);
	assert_non_null(strstr(err, "t.conf:2"));
	assert_non_null(strstr(err, "sync_s"));
	free(dc);
	assert_true(daemon_hub_delay_s(30, 0) == 30);
	assert_true(daemon_hub_delay_s(30, 1) == 60);
	assert_true(daemon_hub_delay_s(30, 4) == 480);
	assert_true(daemon_hub_delay_s(30, 5) == HUB_BACKOFF_MAX_S);
	assert_true(daemon_hub_delay_s(30, 1000) == HUB_BACKOFF_MAX_S);
	assert_true(daemon_hub_delay_s(3600, 3) == 3600); /* longer than the cap: never shorter than sync_s */
	assert_true(daemon_hub_delay_s(5, 0) == 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_callin),
		cmocka_unit_test(test_example_documents_every_key),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_world_writable),
		cmocka_unit_test(test_hub_sync),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
