/* libFuzzer: the AT engine's input side on any bytes — line splitting,
 * echo/prompt/final/URC classification, the +CMT/+CDS two-line URCs, the
 * small field parsers, and timeouts in between.  The modem is brought to
 * READY with well-formed answers first, then an AT+CMGS and an AT+CMGR are
 * queued and the fuzz input is fed in chunks (a 0x00 byte advances the fake
 * clock, so timeouts and reconnects are reached too).  URC PDUs go through
 * the codec like the daemon does.  The incoming-call parsers (incall.c)
 * read the whole input as one line with every family's rules. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "modem/at.h"
#include "modem/codec.h"
#include "modem/incall.h"
#include "modem/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int open_null(const char *port, int baud, void *arg)
{
	(void)port, (void)baud, (void)arg;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	return fd < 0 ? -1 : fd;
}

static void on_urc(struct at_modem *m, const struct at_urc *u, void *arg)
{
	(void)m, (void)arg;
	int v;
	struct codec_sms s;
	if (u->pdu) {
		int len = -1;
		at_parse_pdu_len(u->line, &len);
		codec_decode(u->pdu, len, &s);
	}
	at_parse_index(u->line, &v);
	at_parse_creg(u->line, &v);
}

static void on_done(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m, (void)arg;
	int v;
	if (r->lines) {
		const char *l = strstr(r->lines, "+CMGS:");
		if (l)
			at_parse_cmgs(l, &v);
		at_parse_pdu_len(r->lines, &v);
		at_parse_csq(r->lines, &v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	if (!once) {
		log_set_level(LL_ERROR);
		once = 1;
	}
	clock_fake(1796090400000LL);
	struct at_config cfg;
	memset(&cfg, 0, sizeof cfg);
	strcpy(cfg.name, "fz");
	strcpy(cfg.port, "/dev/null");
	cfg.family = size ? data[0] % 4 : 0;
	cfg.open_port = open_null;
	struct at_hooks hooks = { NULL, on_urc, NULL };
	struct at_modem *m = at_new(&cfg, &hooks, NULL);
	at_start(m);
	clock_advance(AT_SETTLE_MS);
	at_tick(m);
	for (int i = 0; i < 20 && at_state(m) == AT_INIT; i++)
		at_feed(m, "\r\n+CPIN: READY\r\nOK\r\n", 21);
	at_cmgs(m, 10, "0011000B914819325476F80008AA00", 60000, on_done, NULL);
	at_cmd(m, "AT+CMGR=1", 10000, on_done, NULL);
	at_cmd(m, "AT+CREG?", 10000, on_done, NULL);
	/* the pure parsers on the whole input as one line */
	char line[512];
	size_t n = size < sizeof line - 1 ? size : sizeof line - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	int v;
	enum at_call_ev ev;
	at_line_final(line, &v);
	at_line_urc(at_profile(m), line, &ev);
	at_parse_creg(line, &v);
	at_parse_csq(line, &v);
	at_parse_index(line, &v);
	at_parse_cmgs(line, &v);
	at_parse_pdu_len(line, &v);
	for (int f = 0; f < FAMILY_N; f++) {
		struct incall_ev iev;
		incall_parse(profile_for(f), line, &iev);
	}
	incall_parse_time(line);
	/* the engine, in chunks split at 0x00 (which also moves time on) */
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == 0) {
			at_feed(m, (const char *)data + start, i - start);
			if (i < size) {
				clock_advance(1000 * (int64_t)(i % 70));
				at_tick(m);
			}
			start = i + 1;
		}
	}
	at_free(m);
	return 0;
}
