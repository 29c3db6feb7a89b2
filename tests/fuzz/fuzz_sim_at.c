/* libFuzzer target: arbitrary bytes into the simulated modem's AT input
 * (sim/sim_at.c and its command tables), with time moving between two chunks so network delays,
 * reports and call timers fire.  A first byte with the top bit set sends
 * the rest as control-socket lines instead (sim_ctl); bit 0x40 makes the
 * modems polite (no URCs after the prompt, no late call end, ATD answered
 * at once), so both sides of those switches are fuzzed.  A fresh simulator
 * per input keeps crashes reproducible. */
#include "base/clock.h"
#include "base/log.h"
#include "sim/sim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	log_set_level(LL_ERROR);
	clock_fake(1796090400000LL);
	struct sim_opts o;
	sim_opts_default(&o);
	o.modems = 4;
	o.family = "generic,huawei,simcom,quectel";
	o.report = "mix";
	o.noise_ms = 300;
	o.cmgs_delay_ms = 100;
	if (data[0] & 0x40)
		o.urc_after_prompt = o.late_end = o.dial_waits = 0;
	char err[256];
	struct sim *s = sim_new(&o, err, sizeof err);
	if (!s)
		abort();
	struct sim_modem *m = sim_modem_at(s, data[0] % 4);
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	if (data[0] & 0x80) {
		char *buf = malloc(n + 1);
		memcpy(buf, p, n);
		buf[n] = '\0';
		struct sbuf r;
		sbuf_init(&r);
		for (char *sv = NULL, *l = strtok_r(buf, "\n", &sv); l; l = strtok_r(NULL, "\n", &sv)) {
			sbuf_reset(&r);
			sim_ctl(s, l, &r);
			clock_advance(250);
			sim_tick(s);
		}
		sbuf_free(&r);
		free(buf);
		sim_input(m, "AT\r", 3);
	} else {
		size_t half = n / 2;
		sim_input(m, p, half);
		clock_advance(700);
		sim_tick(s);
		sim_input(m, p + half, n - half);
		clock_advance(5000);
		sim_tick(s);
	}
	clock_advance(60000);
	sim_tick(s);
	free(sim_output_take(m, NULL));
	sim_free(s);
	return 0;
}
