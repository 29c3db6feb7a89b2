/* drv_time — the daemon's clock, as a driver: which wall time Loa can trust.
 *
 * A Raspberry Pi has no clock battery: after a power cut without internet
 * its clock says 1970 (or whatever it said when it stopped).  Every modem
 * knows the network's time (NITZ), so the daemon asks each READY modem
 * AT+CCLK? (again every hour, and a minute later while it answers its
 * default) and reads the +CTZE / *PSUTTZ URCs (modem/nettime.c parses
 * both).  The rules, with [gateway] time_source:
 *
 *  - the system clock before the build date is implausible;
 *  - auto: the network time is used (clock_set_network: the offset lives in
 *    base/clock.c, so quiet hours, --at, expiry, logs and reports agree)
 *    when the system clock is implausible, or not NTP-synchronised and more
 *    than CLOCK_OFF_S off the network; a synchronised clock is believed
 *    over the network (operators do send wrong NITZ), a small difference
 *    is left alone (no jumps);  modem: always;  system: never;
 *  - the time is trusted when the system clock is plausible or the
 *    network's time is used.  While it is not, nothing scheduled is sent
 *    or expired (d->time_held: daemon.c clears the plan's due times, the
 *    expiry sweeps wait) and the problem "clock" is open (status, banner,
 *    the admins' SMS); the system clock more than CLOCK_OFF_S off the
 *    network while Loa believes it is a problem too;
 *  - the daemon's clock (source, offset, why) goes to the database at every
 *    change and every 30 s, so `loa notice send` and `loa status` (other
 *    processes, which never talk to a modem) use the same time.
 *
 * The system clock is never set: the service needs no CAP_SYS_TIME. */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "db/store_health.h"
#include "modem/nettime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLOCK_EVERY_MS = 3600 * 1000, CLOCK_RETRY_MS = 60 * 1000, CLOCK_OFF_S = 300, CLOCK_SAVE_MS = 30000,
       CCLK_TIMEOUT_MS = 5000, CLOCK_JUMP_MS = 2000 };

static void fmt(int64_t t, char *buf, size_t n)
{
	clock_format_local(t, buf, (unsigned)n);
}

/* The daemon's clock into the database (for the CLI and `loa status`). */
static void save(struct daemon *d)
{
	const char *src = clock_network_on() ? "network" : d->time_held ? "wrong" : "system";
	daemon_db_log(d, "clock", "clock state",
		      store_health_clock(d->st, src, clock_network_on() ? clock_offset_s() : 0, clock_system_s(),
					 d->clock_note));
	d->clock_save_at = clock_mono_ms() + CLOCK_SAVE_MS;
}

/* The verdict after anything changed: held or not, the problem, the note. */
static void judge(struct daemon *d)
{
	char sys[32], net[32];
	fmt(clock_system_s(), sys, sizeof sys);
	int held = !clock_trusted();
	if (held) {
		snprintf(d->clock_note, sizeof d->clock_note,
			 "system clock says %s, before Loa's build date; no modem has told the network time yet", sys);
		char text[300];
		snprintf(text, sizeof text,
			 "Đồng hồ máy sai (%s) và modem chưa có giờ của mạng: tin hẹn giờ chưa được gửi", sys);
		daemon_problem(d, "clock", text);
	} else if (d->net_known && llabs(d->net_off_s) > CLOCK_OFF_S && !clock_network_on()) {
		fmt(clock_system_s() + d->net_off_s, net, sizeof net);
		snprintf(d->clock_note, sizeof d->clock_note,
			 "system clock says %s, the network %s (modem %s); using the system clock (time_source = %s)", sys,
			 net, d->net_from, d->cfg->health.time_source == TIME_SYSTEM ? "system" : "auto, NTP synchronised");
		char text[300];
		snprintf(text, sizeof text, "Đồng hồ máy (%s) lệch với giờ của mạng (%s)", sys, net);
		daemon_problem(d, "clock", text);
	} else {
		if (clock_network_on()) {
			fmt(clock_wall_s(), net, sizeof net);
			snprintf(d->clock_note, sizeof d->clock_note, "network time %s from modem %s (system clock says %s)",
				 net, d->net_from[0] ? d->net_from : "(the daemon's last run)", sys);
		} else {
			snprintf(d->clock_note, sizeof d->clock_note, "system clock%s",
				 clock_system_synced() ? ", NTP synchronised" : "");
		}
		daemon_problem_over(d, "clock");
	}
	if (held != d->time_held) {
		if (held)
			LOG_W("clock", "not sending or expiring anything scheduled: %s", d->clock_note);
		else if (d->time_held)
			LOG_I("clock", "the time can be trusted again (%s): scheduled notices go on", d->clock_note);
		d->time_held = held;
	}
	save(d);
}

/* A network time read from modem `w`. */
static void got_time(struct worker *w, int64_t utc)
{
	struct daemon *d = w->d;
	int src = d->cfg->health.time_source;
	int64_t off = utc - clock_system_s();
	int far = llabs(off) > CLOCK_OFF_S;
	int use = src == TIME_MODEM ||
		  (src == TIME_AUTO && (!clock_system_plausible() || (!clock_system_synced() && far)));
	d->net_known = 1;
	d->net_off_s = off;
	snprintf(d->net_from, sizeof d->net_from, "%s", w->cfg->name);
	if (use) {
		int64_t before = clock_wall_s();
		int was = clock_network_on();
		clock_set_network(utc);
		if (!was || llabs(utc - before) > 60) {
			char a[32], b[32];
			fmt(before, a, sizeof a);
			fmt(utc, b, sizeof b);
			LOG_I("clock", "using the network time from modem %s: %s (was %s)", w->cfg->name, b, a);
		}
	} else if (clock_network_on()) {
		clock_clear_network(); /* the system clock became good (NTP) */
		LOG_I("clock", "the system clock is good again: using it");
	}
	judge(d);
}

static void on_cclk(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct worker *w = arg;
	w->cclk_busy = 0;
	const char *l = r->final == AT_R_OK ? strstr(r->lines, "+CCLK:") : NULL;
	struct nettime t;
	char line[96];
	snprintf(line, sizeof line, "%.*s", l ? (int)strcspn(l, "\n") : 0, l ? l : "");
	if (l && nettime_parse(line, clock_build_s(), &t) == NETTIME_TIME) {
		w->cclk_at_ms = clock_mono_ms() + CLOCK_EVERY_MS;
		got_time(w, t.utc_s);
		return;
	}
	/* no NITZ yet (the modem's default), or no answer: ask again soon */
	w->cclk_at_ms = clock_mono_ms() + CLOCK_RETRY_MS;
	if (!w->cclk_unknown_told) {
		LOG_I(w->sub, "the modem does not know the network time yet (%s)", l ? line : at_final_name(r->final));
		w->cclk_unknown_told = 1;
	}
}

static int ti_urc(struct worker *w, const struct at_urc *u)
{
	if (u->kind != URC_NETTIME)
		return 0;
	struct nettime t;
	if (nettime_parse(u->line, clock_build_s(), &t) == NETTIME_TIME)
		got_time(w, t.utc_s);
	else
		w->cclk_at_ms = 0; /* a zone alone: the modem's clock was set, read it */
	return 1;
}

static void ti_modem_state(struct worker *w, int ready)
{
	if (ready)
		w->cclk_at_ms = 0; /* ask at once */
}

static void ti_open(struct daemon *d)
{
	d->wall_seen_ms = clock_wall_ms();
	d->sys_seen_s = clock_system_s();
	d->mono_seen_ms = clock_mono_ms();
	d->time_held = 0;
	judge(d);
	if (!d->time_held)
		LOG_I("clock", "%s", d->clock_note);
}

static void ti_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	/* the system clock was set under us (someone, NTP): keep the network
	 * time running on the monotonic clock, and read it again */
	int64_t drift = (clock_system_s() - d->sys_seen_s) * 1000 - (now - d->mono_seen_ms);
	if (llabs(drift) > CLOCK_JUMP_MS) {
		LOG_I("clock", "the system clock moved by %lld s", (long long)(drift / 1000));
		if (clock_network_on())
			clock_set_network((d->wall_seen_ms + (now - d->mono_seen_ms)) / 1000);
		for (int i = 0; i < d->n; i++)
			d->m[i].cclk_at_ms = 0;
		judge(d);
	}
	d->wall_seen_ms = clock_wall_ms();
	d->sys_seen_s = clock_system_s();
	d->mono_seen_ms = now;
	if (now >= d->clock_check_at) {
		judge(d); /* every hour, and at once after start */
		d->clock_check_at = now + CLOCK_EVERY_MS;
	}
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		if (!worker_ready(w) || w->cclk_busy)
			continue;
		if (now >= w->cclk_at_ms) {
			if (at_cmd(w->at, "AT+CCLK?", CCLK_TIMEOUT_MS, on_cclk, w) == 0)
				w->cclk_busy = 1;
			w->cclk_at_ms = now + CLOCK_RETRY_MS;
		} else if (w->cclk_at_ms < *wake) {
			*wake = w->cclk_at_ms;
		}
	}
	if (now >= d->clock_save_at)
		save(d);
}

const struct channel_driver drv_time = {
	.name = "time",
	.open = ti_open,
	.urc = ti_urc,
	.modem_state = ti_modem_state,
	.tick = ti_tick,
};
