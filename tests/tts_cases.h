/* tts_cases — the harness the speech table tests share (test_tts_codes,
 * test_tts_dates, test_tts_words): the dictionaries loaded once for the
 * group (LOA_DATADIR pointing at configs/, as tests/run.sh sets it), a case
 * as input and the exact words wanted, and a runner that reports every case
 * that differs before failing once, and fails too when a digit reaches
 * plain (non-SSML) spoken text.  Header-only: each test binary includes it
 * once. */
#ifndef LOA_TESTS_TTS_CASES_H
#define LOA_TESTS_TTS_CASES_H
#include "app/config.h"
#include "tts/tts_front.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tts_opts O;

static int setup(void **state)
{
	(void)state;
	struct tts_config c;
	tts_defaults(&c);
	char err[512];
	if (tts_front_load(&O, &c, err, sizeof err) != 0) {
		fprintf(stderr, "cannot load dictionaries (LOA_DATADIR=%s): %s\n", getenv("LOA_DATADIR"), err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tts_front_unload(&O);
	return 0;
}

struct tts_case {
	const char *in, *want;
};

static void tts_cases_run(const struct tts_opts *o, const char *name, const struct tts_case *t, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		char *got = tts_frontend(o, t[i].in);
		if (strcmp(got, t[i].want) != 0) {
			print_error("%s %zu:\n  in:   %s\n  got:  %s\n  want: %s\n", name, i + 1, t[i].in, got, t[i].want);
			bad++;
		}
		if (!o->ssml && strpbrk(got, "0123456789")) {
			print_error("%s %zu: digit in spoken text: %s\n", name, i + 1, got);
			bad++;
		}
		free(got);
	}
	if (bad)
		fail_msg("%s: %d of %zu cases wrong (listed above)", name, bad, n);
}

#define RUN(table) tts_cases_run(&O, __func__, table, sizeof table / sizeof table[0])
#endif
