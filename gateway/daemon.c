/* daemon — `loa run`: the wiring (a worker per modem, the channel drivers),
 * the poll loop, signals, --until-idle, and cmd_run.  Everything a channel
 * does is in its driver (driver.h: drv_sms_out.c, drv_sms_in.c,
 * drv_voice.c), a modem's state in its worker (worker.c), and the policy in
 * the pure scheduler (sched.c); daemon_int.h is what they share.
 *
 * DESIGN
 *  - ONE thread, one poll() loop for all modems.  A modem spends seconds per
 *    AT+CMGS waiting on the network and microseconds of CPU; SQLite writes
 *    take well under a millisecond in WAL mode.  So parallelism comes from
 *    having one AT+CMGS in flight per modem, not from threads: no locks
 *    around SQLite, the AT engines or libgammu (whose helpers use static
 *    buffers), and a crash leaves at most one `sending` delivery per modem.
 *    Speech is synthesised on the TTS engine's thread, which wakes the loop
 *    through a pipe (drv_voice.c).
 *  - One turn: the drivers' housekeeping (tick), what is due (plan_in), the
 *    scheduler's plan, the drivers act on it (claim), then poll() on the AT
 *    ports and the drivers' descriptors, and their I/O.
 *  - Policy is not here: domain/sched.c decides which modem claims an SMS
 *    or starts a call now, and when to wake up; SMS go first, a modem
 *    starts a call only when no SMS is due for it.
 *  - Every log line names the modem, delivery and notice it concerns. */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "domain/sched.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* drv_time right after drv_health (its row in daemon_state) and before the
 * channels: their tick reads d->time_held. */
/* drv_callin before drv_sms_out: a callback after a flash is due within
 * [callin] callback_s and takes the first idle modem with an audio port. */
const struct channel_driver *const daemon_drivers[] = { &drv_health, &drv_time, &drv_callin, &drv_sms_out,
							 &drv_sms_in, &drv_voice,  &drv_hub, NULL };

static volatile sig_atomic_t stop_signals;

static void on_signal(int sig)
{
	(void)sig;
	stop_signals++;
}

void daemon_opts_default(struct daemon_opts *o)
{
	o->until_idle = 0;
	o->report_wait_s = 10;
	o->idle_horizon_s = 120;
	o->no_modem_s = 60;
}

/* A store call whose failure is logged and survived (counters, modem
 * status): the daemon carries on, the log says what the database said. */
int daemon_db_log(struct daemon *d, const char *sub, const char *what, int rc)
{
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		LOG_E(sub, "%s: %s", what, store_errmsg(d->st));
	return rc;
}

void daemon_normalise_number(const char *in, char *out, size_t n)
{
	struct phone p;
	if (phone_normalise(in, &p) == PHONE_MOBILE)
		snprintf(out, n, "%s", p.e164);
	else
		snprintf(out, n, "%s", in);
}

/* ---- the loop ---- */

static int any_ready(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (worker_ready(&d->m[i]))
			return 1;
	return 0;
}

static int in_flight(const struct daemon *d)
{
	DRIVERS_EACH(p)
		if ((*p)->in_flight && (*p)->in_flight(d))
			return 1;
	return 0;
}

/* --until-idle: 1 to leave the loop (*rc set), 0 to go on. */
static int until_idle(struct daemon *d, const struct sched_in *in, const struct sched_out *out, int64_t now,
		      int *rc)
{
	int64_t wall = in->wall_s;
	int64_t *idle_since = &d->idle_since, *no_modem_since = &d->no_modem_since;
	if (d->time_held) {
		/* not idle: the work waits for a trustworthy time, as for a modem */
		*idle_since = 0;
		if (!*no_modem_since) {
			*no_modem_since = now;
		} else if (now - *no_modem_since > (int64_t)d->o.no_modem_s * 1000) {
			LOG_E("daemon", "no trustworthy time in %d s; scheduled notices are still queued", d->o.no_modem_s);
			*rc = 1;
			return 1;
		}
		return 0;
	}
	int64_t due = out->quiet ? in->due_urgent_s : in->due_s;
	int work = due != SCHED_NEVER && due <= wall + d->o.idle_horizon_s && !(out->budget_spent && out->n == 0);
	work |= out->voice_due_s != SCHED_NEVER && out->voice_due_s <= wall + d->o.idle_horizon_s;
	if (in_flight(d) || out->n > 0) {
		*idle_since = 0;
		*no_modem_since = 0;
	} else if (work) {
		*idle_since = 0;
		if (any_ready(d)) {
			*no_modem_since = 0;
		} else if (!*no_modem_since) {
			*no_modem_since = now;
		} else if (now - *no_modem_since > (int64_t)d->o.no_modem_s * 1000) {
			LOG_E("daemon", "no modem became ready in %d s; SMS are still queued", d->o.no_modem_s);
			*rc = 1;
			return 1;
		}
	} else {
		int waiting = 0;
		daemon_db_log(d, "daemon", "reports awaited", store_sms_awaiting_reports(d->st, d->started_s, &waiting));
		if (!*idle_since)
			*idle_since = now;
		if (waiting == 0 || now - *idle_since >= (int64_t)d->o.report_wait_s * 1000) {
			if (waiting)
				LOG_I("daemon", "idle; %d SMS still await a status report", waiting);
			else
				LOG_I("daemon", "idle: nothing due, nothing in flight");
			return 1;
		}
	}
	return 0;
}

static int loop(struct daemon *d)
{
	int rc = 0;
	for (;;) {
		int64_t now = clock_mono_ms(), wall = clock_wall_s();
		for (int i = 0; i < d->n; i++)
			worker_check(&d->m[i]);
		if (stop_signals && !d->stopping) {
			d->stopping = 1;
			LOG_I("daemon", "stopping: finishing the SMS in flight");
			DRIVERS_EACH(p)
				if ((*p)->stop)
					(*p)->stop(d);
		}
		if (stop_signals > 1)
			break; /* second signal: leave now; `sending` rows become uncertain */
		if (d->stopping) {
			int waiting = 0;
			for (int i = 0; i < d->n; i++)
				waiting |= worker_draining(&d->m[i]);
			if (!waiting)
				break;
		}
		int64_t wake = now + 1000;
		DRIVERS_EACH(p)
			if ((*p)->tick)
				(*p)->tick(d, now, &wake);
		/* plan */
		struct sched_in in;
		memset(&in, 0, sizeof in);
		in.now_ms = now;
		in.wall_s = wall;
		in.minute_of_day = clock_local_minutes_of_day(wall);
		in.quiet_start = d->pol.quiet_start;
		in.quiet_end = d->pol.quiet_end;
		in.stopping = d->stopping;
		in.n_modems = d->n;
		in.due_s = in.due_urgent_s = in.due_override_s = SCHED_NEVER;
		in.voice_due_s = in.voice_due_urgent_s = SCHED_NEVER;
		in.claim_pause_until = d->claim_pause_until;
		DRIVERS_EACH(p)
			if ((*p)->plan_in)
				(*p)->plan_in(d, &in);
		if (d->time_held) /* no trustworthy time: nothing scheduled (drv_time.c) */
			in.due_s = in.due_urgent_s = in.due_override_s = in.voice_due_s = in.voice_due_urgent_s = SCHED_NEVER;
		struct sched_out out;
		sched_plan(&in, &out);
		DRIVERS_EACH(p)
			if ((*p)->claim)
				(*p)->claim(d, &out, now);
		if (out.wake_ms < wake)
			wake = out.wake_ms;
		if (d->claim_pause_until > now && d->claim_pause_until < wake)
			wake = d->claim_pause_until;
		if (d->o.until_idle && !d->stopping && until_idle(d, &in, &out, now, &rc))
			break;

		/* wait: the AT ports, then each driver's descriptors */
		struct pollfd pfd[4 * LOA_MAX_MODEMS + 8];
		const struct pollfd *drv_pfd[ARRAY_LEN(daemon_drivers)]; /* one slot per driver */
		int npfd = 0, k = 0;
		for (int i = 0; i < d->n; i++) {
			struct worker *w = &d->m[i];
			pfd[npfd].fd = at_fd(w->at);
			pfd[npfd].events = at_events(w->at);
			pfd[npfd].revents = 0;
			npfd++;
			int64_t dl = at_deadline(w->at);
			if (dl < wake)
				wake = dl;
		}
		DRIVERS_EACH(p) {
			drv_pfd[k++] = &pfd[npfd];
			if ((*p)->poll_fds)
				npfd += (*p)->poll_fds(d, &pfd[npfd], &wake);
		}
		int timeout = wake <= now ? 0 : (int)(wake - now > 1000 ? 1000 : wake - now);
		int n = poll(pfd, (nfds_t)npfd, timeout);
		if (n < 0 && errno != EINTR) {
			LOG_E("daemon", "poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		for (int i = 0; i < d->n; i++) {
			if (n > 0 && pfd[i].fd >= 0 && pfd[i].revents)
				at_io(d->m[i].at, pfd[i].revents);
			if (at_deadline(d->m[i].at) <= clock_mono_ms())
				at_tick(d->m[i].at);
		}
		k = 0;
		DRIVERS_EACH(p) {
			const struct pollfd *mine = drv_pfd[k++];
			if ((*p)->io)
				(*p)->io(d, mine, n > 0);
		}
	}
	return rc;
}
int daemon_run(const struct daemon_cfg *cfg, struct store *st, const struct daemon_opts *o)
{
	struct daemon *d = xcalloc(1, sizeof *d);
	d->cfg = cfg;
	d->st = st;
	d->o = *o;
	d->started_s = clock_wall_s();
	d->pol = cfg->pol;
	int n_unc = 0;
	if (store_sms_recover(st, clock_wall_s(), &n_unc) != STORE_OK) {
		LOG_E("daemon", "%s", store_errmsg(st));
		free(d);
		return 1;
	}
	int n_calls = 0;
	if (store_call_recover(st, clock_wall_s(), d->pol.call_attempts, d->pol.call_retry_s, &n_calls) != STORE_OK)
		LOG_E("daemon", "calls: %s", store_errmsg(st));
	else if (n_calls)
		LOG_W("daemon", "%d call%s in progress when the daemon stopped: attempt closed as failed, called again"
		      " later (or unreached when attempts are spent)", n_calls, n_calls > 1 ? "s were" : " was");
	if (store_outbox_recover(st) != STORE_OK)
		LOG_E("daemon", "outbox: %s", store_errmsg(st));
	if (n_unc)
		LOG_W("daemon", "%d SMS deliver%s being sent when the daemon stopped: marked uncertain (not re-sent)",
		      n_unc, n_unc > 1 ? "ies were" : "y was");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	stop_signals = 0;

	for (int i = 0; i < cfg->n_modems; i++)
		if (cfg->modems[i].enabled)
			worker_init(&d->m[d->n++], d, &cfg->modems[i]);
	DRIVERS_EACH(p)
		if ((*p)->open)
			(*p)->open(d);
	LOG_I("daemon", "started with %d modem%s", d->n, d->n == 1 ? "" : "s");
	for (int i = 0; i < d->n; i++)
		at_start(d->m[i].at);
	int rc = loop(d);
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		DRIVERS_EACH(p)
			if ((*p)->modem_close)
				(*p)->modem_close(w);
		at_free(w->at); /* fails what is still queued (callbacks run) */
		worker_free(w);
		daemon_db_log(d, w->sub, "modem status",
			      store_sms_modem_status(st, w->cfg->name, "closed", 0, 99, "", clock_wall_s()));
	}
	DRIVERS_EACH(p)
		if ((*p)->close)
			(*p)->close(d);
	free(d);
	LOG_I("daemon", "stopped");
	return rc;
}
