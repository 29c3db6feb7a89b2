/* cmd_status — `loa status [--json]`: is Loa working, for an officer and
 * for a monitoring script.  It reads what the daemon leaves in the
 * database (db/store_health.h): its heartbeat, each modem's state, signal,
 * balance and pause, the queues, the open problems; and the clock: the
 * daemon's network time when it uses one (app/cli.c applies it), or why the
 * time cannot be trusted.
 * Exit 0 healthy, 1 degraded (a modem paused or not ready, a problem
 * open, the clock wrong), 2 down (the daemon is not running). */
#include "app/cli.h"
#include "domain/hub_sync.h"

#include "base/clock.h"
#include "base/util.h"
#include "base/i18n.h"
#include "db/store_callin.h"
#include "db/store_health.h"
#include "db/store_sync.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The daemon beats every 30 s; three missed beats is "not running". */
enum { STALE_S = 90 };

struct st_ctx {
	int json, first, degraded;
	int64_t now;
};

/* The modem's state as officers say it (English: the JSON's "words"; the
 * text translates it). */
static const char *state_words(const char *state)
{
	static const struct {
		const char *state, *words;
	} w[] = {
		{ "ready", N_("ready") }, { "opening", N_("opening its port") }, { "init", N_("starting") },
		{ "backoff", N_("not answering, retrying") }, { "failed", N_("failed, retrying slowly") },
		{ "closed", N_("stopped") },
	};
	for (size_t i = 0; i < ARRAY_LEN(w); i++)
		if (!strcmp(state, w[i].state))
			return w[i].words;
	return *state ? state : "unknown";
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void when(int64_t t, char *buf, size_t n)
{
	if (t <= 0)
		snprintf(buf, n, "%s", _("never"));
	else
		clock_format_local(t, buf, n);
}

static int modem_row(const struct modem_health *m, void *arg)
{
	struct st_ctx *c = arg;
	int paused = m->paused_until > c->now;
	int ok = !strcmp(m->state, "ready") && !paused;
	c->degraded |= !ok;
	char t1[32];
	if (c->json) {
		printf("%s{\"name\":", c->first ? "" : ",");
		json_str(m->name);
		printf(",\"state\":");
		json_str(m->state);
		printf(",\"words\":");
		json_str(state_words(m->state));
		printf(",\"signal\":%d,\"registered\":%d,\"operator\":", m->signal, m->registered);
		json_str(m->operator_name);
		printf(",\"balance\":%lld,\"balance_at\":%lld,\"balance_text\":", (long long)m->balance,
		       (long long)m->balance_at);
		json_str(m->balance_text);
		printf(",\"paused\":%s,\"paused_until\":%lld,\"pause_reason\":", paused ? "true" : "false",
		       (long long)(paused ? m->paused_until : 0));
		json_str(paused ? m->pause_reason : "");
		printf(",\"last_error\":");
		json_str(m->last_error);
		printf(",\"error_since\":%lld,\"updated_at\":%lld,\"sms_parts_today\":%d,\"calls_today\":%d}",
		       (long long)m->error_since, (long long)m->updated_at, m->sms_parts, m->calls);
		c->first = 0;
		return 0;
	}
	cli_line(_("modem %s: %s%s"), m->name, paused ? _("PAUSED, ") : "", _(state_words(m->state)));
	if (m->signal != 99 || m->registered || m->operator_name[0])
		cli_line(_("  signal %d/31, %s%s%s"), m->signal == 99 ? 0 : m->signal,
			 m->registered ? _("registered") : _("not registered"), m->operator_name[0] ? ", " : "",
			 m->operator_name);
	if (paused) {
		when(m->paused_until, t1, sizeof t1);
		cli_line(_("  paused until %s: %s"), t1, m->pause_reason);
	}
	if (m->balance >= 0) {
		when(m->balance_at, t1, sizeof t1);
		cli_line(_("  balance %lld d (%s)"), (long long)m->balance, t1);
	}
	char parts[64], calls[64];
	snprintf(parts, sizeof parts, ngettext("%d SMS part sent", "%d SMS parts sent", (unsigned long)m->sms_parts),
		 m->sms_parts);
	snprintf(calls, sizeof calls, ngettext("%d call", "%d calls", (unsigned long)m->calls), m->calls);
	cli_line(_("  today: %s, %s"), parts, calls);
	if (m->last_error[0] && (!ok || m->error_since)) {
		char t2[32];
		when(m->error_since, t2, sizeof t2);
		if (m->error_since)
			cli_line(_("  last error: %s (since %s)"), m->last_error, t2);
		else
			cli_line(_("  last error: %s"), m->last_error);
	}
	return 0;
}

static int problem_row(const char *key, const char *text, int64_t since, void *arg)
{
	struct st_ctx *c = arg;
	c->degraded = 1;
	if (c->json) {
		printf("%s{\"key\":", c->first ? "" : ",");
		json_str(key);
		printf(",\"since\":%lld,\"text\":", (long long)since);
		json_str(text);
		printf("}");
		c->first = 0;
		return 0;
	}
	char t[32];
	when(since, t, sizeof t);
	cli_line(_("problem since %s: %s"), t, text);
	return 0;
}

int cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa status [--json]");
	static const struct option o[] = { { "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 } };
	struct st_ctx c = { .first = 1 };
	int ch;
	while ((ch = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if (ch == 'j')
			c.json = 1;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (optind != argc)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	struct daemon_health dh;
	struct queue_counts q;
	if (store_health_daemon(st, &dh) != STORE_OK || store_queue_counts(st, &q) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	c.now = clock_wall_s(); /* after cli_store: with the daemon's network time */
	int running = dh.known && !dh.stopped_at && dh.heartbeat_at + STALE_S >= c.now;
	int clock_ok = clock_trusted();
	/* which time: the daemon's word while it runs, else this process's */
	const char *source = clock_network_on() ? "network" : clock_ok ? "system" : "wrong";
	char note[300];
	if ((running || clock_network_on()) && dh.clock_note[0])
		snprintf(note, sizeof note, "%s", dh.clock_note);
	else if (!clock_ok)
		snprintf(note, sizeof note, "%s",
			 N_("before this program was built; the daemon is not running to read the network time"));
	else
		snprintf(note, sizeof note, "%s", N_("system clock")); /* English in the JSON */
	if (c.json) {
		printf("{\"daemon\":{\"running\":%s,\"pid\":%d,\"started_at\":%lld,\"heartbeat_at\":%lld,"
		       "\"stopped_at\":%lld},\"clock\":{\"now\":%lld,\"ok\":%s,\"source\":\"%s\",\"offset_s\":%lld,"
		       "\"note\":",
		       running ? "true" : "false", dh.pid, (long long)dh.started_at, (long long)dh.heartbeat_at,
		       (long long)dh.stopped_at, (long long)c.now, clock_ok ? "true" : "false", source,
		       (long long)clock_offset_s());
		json_str(note);
		printf("},\"modems\":[");
	} else {
		char t1[32], t2[32];
		when(dh.started_at, t1, sizeof t1);
		when(dh.stopped_at ? dh.stopped_at : dh.heartbeat_at, t2, sizeof t2);
		if (!dh.known)
			cli_line("%s", _("daemon: never ran on this database"));
		else if (running)
			cli_line(_("daemon: running (pid %d, since %s, last heartbeat %lld s ago)"), dh.pid, t1,
				 (long long)(c.now - dh.heartbeat_at));
		else
			cli_line(_("daemon: NOT RUNNING since %s%s"), t2, dh.stopped_at ? _(" (stopped)") : _(" (no heartbeat)"));
		when(c.now, t1, sizeof t1);
		if (clock_ok)
			cli_line(_("clock: %s (%s)"), t1, _(note));
		else
			cli_line(_("clock: %s (WRONG: %s; nothing scheduled is sent until a modem tells the network "
				   "time or the clock is set)"),
				 t1, _(note));
	}
	int callbacks = 0;
	if (store_callback_queued(st, &callbacks) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	int64_t midnight = c.now - (int64_t)clock_local_minutes_of_day(c.now) * 60 - c.now % 60;
	if (store_modem_each(st, midnight, modem_row, &c) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	if (c.json) {
		printf("],\"queue\":{\"sms_queued\":%d,\"sms_sending\":%d,\"sms_awaiting_report\":%d,"
		       "\"voice_queued\":%d,\"voice_calling\":%d,\"callbacks_queued\":%d,\"replies_queued\":%d},",
		       q.sms_queued, q.sms_sending, q.sms_sent, q.voice_queued, q.voice_calling, callbacks,
		       q.outbox_queued);
		c.first = 1;
	} else {
		cli_line(_("queue: SMS %d queued, %d sending, %d awaiting a status report; calls %d queued, %d in "
			   "progress, %d callbacks after a flash; replies %d queued"),
			 q.sms_queued, q.sms_sending, q.sms_sent, q.voice_queued, q.voice_calling, callbacks,
			 q.outbox_queued);
	}
	if (ctx->cfg.hub_url[0]) {
		/* The hub's view of this gateway lags by what it has not
		 * acknowledged; nothing local waits for it (domain/hub_sync.h). */
		struct sync_lag lag;
		if (store_sync_lag(st, &lag) != STORE_OK)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		/* The running daemon syncs every [hub] sync_s (gateway/drv_hub.c);
		 * nothing acknowledged for HUB_STALE_SYNCS times that (since the daemon
		 * started, when never) is degraded: the hub is unreachable, or
		 * refuses this gateway, and its notices do not arrive. */
		int64_t since;
		int stale = hub_sync_stale(lag.acked_at, dh.started_at, c.now, ctx->cfg.hub_sync_s, &since) && running &&
			    ctx->cfg.hub_gateway_id[0];
		c.degraded |= stale;
		if (c.json) {
			printf("\"hub\":{\"acked_at\":%lld,\"events_pending\":%lld,\"deliveries_pending\":%lld,"
			       "\"changes_pending\":%lld,\"stale\":%s},",
			       (long long)lag.acked_at, (long long)lag.events, (long long)lag.deliveries,
			       (long long)lag.changes, stale ? "true" : "false");
		} else {
			char t1[32];
			when(lag.acked_at, t1, sizeof t1);
			cli_line(_("hub: last sync %s; not yet at the hub: %lld events, %lld deliveries, %lld changes of "
				   "state"),
				 t1, (long long)lag.events, (long long)lag.deliveries, (long long)lag.changes);
			if (stale)
				cli_line(_("hub: NOTHING ACKNOWLEDGED for %lld minutes (the daemon syncs every %d s): the hub "
					   "is unreachable or refuses this gateway; see the log (loa hub sync --once says why)"),
					 (long long)(c.now - since) / 60, ctx->cfg.hub_sync_s);
		}
	}
	if (c.json)
		printf("\"problems\":[");
	if (store_problem_each(st, problem_row, &c) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	int code = !running ? 2 : (c.degraded || !clock_ok) ? 1 : 0;
	if (c.json)
		printf("],\"health\":\"%s\"}\n", code == 0 ? "healthy" : code == 1 ? "degraded" : "down");
	else
		cli_line(_("health: %s"), code == 0 ? _("healthy") : code == 1 ? _("degraded") : _("down"));
	return code;
}
