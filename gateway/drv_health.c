/* drv_health — the daemon watching itself, as a driver: its heartbeat in
 * the database (so `loa status` and the web page know whether it runs),
 * "restarted after a crash" when the previous run never said it stopped,
 * the disk under the database, the daily health SMS and the daily copy of
 * the database, and the one way every
 * problem reaches people: daemon_problem() records it (banner, status) and
 * queues one SMS to each admin at most once per [gateway] alert_every_h,
 * through whichever modem works (the outbox). */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/text.h"
#include "base/util.h"
#include "db/store_backup.h"
#include "db/store_health.h"
#include "db/store_shortcode.h"
#include "db/store_web.h"
#include "domain/balance.h"
#include "modem/ussd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

enum { HEARTBEAT_MS = 30000, DISK_EVERY_MS = 600000, DISK_LOW_MB = 200, DISK_LOW_PERMILLE = 50,
       BALANCE_EVERY_MS = 6 * 3600 * 1000, BACKUP_EVERY_MS = 3600 * 1000, USSD_WAIT_MS = 60000,
       DOWN_TELL_MS = 300000, NO_MODEM_LOG_MS = 300000 };

/* One SMS to each admin: "Loa <village>: <text without accents>". */
static void tell_admins(struct daemon *d, const char *text)
{
	const struct daemon_health_cfg *h = &d->cfg->health;
	if (!h->admins[0])
		return;
	char full[480];
	snprintf(full, sizeof full, "Loa %s: %s", h->village, text);
	int replaced = 0;
	char *plain = text_strip(full, &replaced); /* one GSM 7-bit SMS where it fits */
	char msg[480];
	snprintf(msg, sizeof msg, "%s", plain ? plain : full);
	free(plain);
	char list[sizeof h->admins];
	snprintf(list, sizeof list, "%s", h->admins);
	int64_t now = clock_wall_s();
	for (char *save = NULL, *to = strtok_r(list, ",", &save); to; to = strtok_r(NULL, ",", &save))
		daemon_db_log(d, "health", "alert", store_outbox_add(d->st, to, msg, "alert", 0, now));
}

void daemon_problem(struct daemon *d, const char *key, const char *text)
{
	int alert = 0;
	int64_t every = (int64_t)d->cfg->health.alert_every_h * 3600;
	if (daemon_db_log(d, "health", "problem", store_problem_open(d->st, key, text, every, clock_wall_s(), &alert)))
		return;
	if (alert) {
		LOG_W("health", "%s (admins told)", text);
		tell_admins(d, text);
	}
}

void daemon_problem_over(struct daemon *d, const char *key)
{
	int was = 0;
	if (daemon_db_log(d, "health", "problem", store_problem_close(d->st, key, clock_wall_s(), &was)) == 0 && was)
		LOG_I("health", "problem over: %s", key);
}

/* ---- the SIM's balance ---- */

void daemon_balance(struct worker *w, int64_t dong, const char *text)
{
	struct daemon *d = w->d;
	daemon_db_log(d, w->sub, "balance", store_modem_balance(d->st, w->cfg->name, dong, text, clock_wall_s()));
	if (dong < 0) {
		LOG_W(w->sub, "balance answer without an amount Loa can read: %s", text);
		return;
	}
	LOG_I(w->sub, "balance %lld d", (long long)dong);
	char key[48];
	snprintf(key, sizeof key, "balance:%s", w->cfg->name);
	if (dong < w->cfg->low_balance) {
		char msg[200];
		if (dong == 0)
			snprintf(msg, sizeof msg, "SIM của modem %s hết tiền (0 đ): hãy nạp thêm", w->cfg->name);
		else
			snprintf(msg, sizeof msg, "SIM của modem %s sắp hết tiền: còn %lld đ", w->cfg->name, (long long)dong);
		daemon_problem(d, key, msg);
	} else {
		daemon_problem_over(d, key);
	}
}

static void got_ussd(struct worker *w, const char *line)
{
	struct ussd_reply r;
	w->ussd_until_ms = 0;
	if (ussd_parse(line, &r) != 0 || !r.text[0]) {
		LOG_W(w->sub, "balance question: no answer text (%s)", line);
		return;
	}
	struct balance b;
	daemon_balance(w, balance_parse(r.text, &b) == BALANCE_FOUND ? b.dong : -1, r.text);
}

static void on_cusd(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct worker *w = arg;
	const char *l = strstr(r->lines, "+CUSD:");
	if (l) {
		char line[USSD_TEXT_MAX * 4 + 64];
		snprintf(line, sizeof line, "%.*s", (int)strcspn(l, "\n"), l);
		got_ussd(w, line); /* some modems answer before their OK */
	} else if (r->final != AT_R_OK) {
		w->ussd_until_ms = 0;
		LOG_W(w->sub, "balance question %s refused: %s", w->cfg->balance_ussd, at_final_name(r->final));
	}
	/* OK alone: the +CUSD comes later as a URC */
}

static int he_urc(struct worker *w, const struct at_urc *u)
{
	if (u->kind != URC_USSD)
		return 0;
	got_ussd(w, u->line);
	return 1;
}

static void ask_balances(struct daemon *d, int64_t now)
{
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		if (!w->cfg->balance_ussd[0] || !worker_ready(w) || w->ussd_until_ms > now || w->balance_at_ms > now)
			continue;
		char cmd[80];
		if (ussd_command(cmd, sizeof cmd, w->cfg->balance_ussd, 15) != 0 ||
		    at_cmd(w->at, cmd, USSD_WAIT_MS, on_cusd, w) != 0)
			continue;
		w->ussd_until_ms = now + USSD_WAIT_MS;
		w->balance_at_ms = now + BALANCE_EVERY_MS;
	}
}

/* A modem whose port has not been READY for DOWN_TELL_MS (unplugged, not
 * answering, SIM missing or locked) is a problem; READY again closes it. */
static void watch_ports(struct daemon *d, int64_t now)
{
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		char key[48];
		snprintf(key, sizeof key, "modem:%s", w->cfg->name);
		if (worker_ready(w)) {
			if (w->down_told)
				daemon_problem_over(d, key);
			w->down_since_ms = 0;
			w->down_told = 0;
			continue;
		}
		if (!w->down_since_ms)
			w->down_since_ms = now;
		if (w->down_told || now - w->down_since_ms < DOWN_TELL_MS)
			continue;
		char text[300];
		snprintf(text, sizeof text, "Modem %s không hoạt động (%s): %s", w->cfg->name,
			 at_state(w->at) == AT_FAILED ? "hỏng" : "không trả lời", w->down_why[0] ? w->down_why : "?");
		daemon_problem(d, key, text);
		w->down_told = 1;
	}
}

/* Started without any modem (the example configuration): the daemon waits,
 * so that systemd does not restart it every few seconds, and says why in
 * the log every NO_MODEM_LOG_MS and in `loa status` (an open problem; no
 * SMS to the admins: there is no modem to send it). */
static void watch_no_modem(struct daemon *d, int64_t now)
{
	static const char why[] = "không có modem nào được bật trong cấu hình ([modem TÊN]): chưa gửi được gì";
	if (d->n > 0 || now < d->no_modem_at)
		return;
	if (d->no_modem_at) /* the first line is cmd_run's */
		LOG_W("daemon", "no enabled [modem NAME] section in the configuration: waiting, nothing is sent "
				"(add one, then restart loa)");
	int alert = 0;
	daemon_db_log(d, "health", "problem", store_problem_open(d->st, "no-modem", why, 0, clock_wall_s(), &alert));
	d->no_modem_at = now + NO_MODEM_LOG_MS;
}

static void he_open(struct daemon *d)
{
	int crashed = 0;
	if (daemon_db_log(d, "health", "start", store_health_start(d->st, (int)getpid(), clock_wall_s(), &crashed)))
		return;
	if (crashed) {
		/* an event, not a state: told once, then closed */
		daemon_problem(d, "crash", "Loa vừa khởi động lại sau khi bị tắt đột ngột (mất điện hoặc lỗi)");
		daemon_problem_over(d, "crash");
	}
	if (d->n > 0)
		daemon_problem_over(d, "no-modem");
}

static void he_close(struct daemon *d)
{
	daemon_db_log(d, "health", "stop", store_health_stop(d->st, clock_wall_s()));
}

static void check_disk(struct daemon *d)
{
	struct statvfs v;
	if (statvfs(d->cfg->health.data_dir, &v) != 0)
		return;
	unsigned long long avail = (unsigned long long)v.f_bavail * v.f_frsize;
	unsigned long long total = (unsigned long long)v.f_blocks * v.f_frsize;
	if (total && (avail < (unsigned long long)DISK_LOW_MB << 20 || avail * 1000 / total < DISK_LOW_PERMILLE)) {
		char text[200];
		snprintf(text, sizeof text, "ổ đĩa sắp đầy: còn %llu MB trống", avail >> 20);
		daemon_problem(d, "disk", text);
	} else {
		daemon_problem_over(d, "disk");
	}
}

/* The daily health SMS: counts of the day, paused modems, the queue.  The
 * problems table keeps "sent today" across restarts (key "daily", once per
 * 20 hours). */
static void daily_report(struct daemon *d, int64_t wall)
{
	int at = d->cfg->health.daily_report;
	int minute = clock_local_minutes_of_day(wall);
	if (at < 0 || !d->cfg->health.admins[0] || minute < at || minute >= at + 30)
		return;
	int64_t since = wall - (int64_t)minute * 60 - wall % 60;
	int parts = 0, msgs = 0, calls = 0;
	struct queue_counts q;
	if (store_web_today(d->st, since, &parts, &msgs, &calls) != STORE_OK ||
	    store_queue_counts(d->st, &q) != STORE_OK)
		return;
	int paused = 0;
	int64_t now_ms = clock_mono_ms();
	for (int i = 0; i < d->n; i++)
		paused += d->m[i].paused_until_ms > now_ms;
	char text[400];
	snprintf(text, sizeof text,
		 "báo cáo ngày: %d tin SMS (%d phần), %d cuộc gọi; %d modem, %d tạm dừng; chờ gửi %d SMS, %d cuộc gọi",
		 msgs, parts, calls, d->n, paused, q.sms_queued, q.voice_queued);
	int due = 0;
	if (daemon_db_log(d, "health", "daily report", store_problem_open(d->st, "daily", text, 20 * 3600, wall, &due)))
		return;
	int was = 0;
	daemon_db_log(d, "health", "daily report", store_problem_close(d->st, "daily", wall, &was));
	if (due)
		tell_admins(d, text);
}

/* The daily copy (db/store_backup.c): looked at on start and every hour,
 * made when the newest copy in backup_dir is about a day old (or from a
 * clock that has since gone back).  The loop waits for the copy: one read
 * transaction, tens of ms for a village database, a few hundred ms for a
 * large one; the log says how long it took. */
static void daily_backup(struct daemon *d, int64_t wall)
{
	const struct daemon_health_cfg *h = &d->cfg->health;
	char path[PATH_MAX + 64], err[600];
	int64_t last = 0;
	if (h->backup_keep <= 0 ||
	    (store_backup_newest(h->backup_dir, 0, path, sizeof path, &last) == 0 && last <= wall &&
	     wall - last < 86400 - 600))
		return;
	int64_t t0 = clock_mono_ms();
	int removed = 0;
	if (store_backup_to_dir(d->st, h->backup_dir, h->backup_keep, wall, path, sizeof path, &removed, err,
				sizeof err) != STORE_OK) {
		char text[700];
		snprintf(text, sizeof text, "sao lưu cơ sở dữ liệu không được: %s", err);
		daemon_problem(d, "backup", text);
		return;
	}
	LOG_I("health", "database copied to %s in %lld ms (%d old copies removed)", path,
	      (long long)(clock_mono_ms() - t0), removed);
	daemon_problem_over(d, "backup");
}

static void he_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	int64_t wall = clock_wall_s();
	if (now >= d->beat_at) {
		daemon_db_log(d, "health", "heartbeat", store_health_beat(d->st, wall));
		daily_report(d, wall);
		d->beat_at = now + HEARTBEAT_MS;
	}
	ask_balances(d, now);
	watch_ports(d, now);
	watch_no_modem(d, now);
	if (now >= d->disk_at) {
		check_disk(d);
		d->disk_at = now + DISK_EVERY_MS;
	}
	if (now >= d->backup_at) {
		daily_backup(d, wall);
		d->backup_at = now + BACKUP_EVERY_MS;
	}
	if (d->beat_at < *wake)
		*wake = d->beat_at;
	if (d->n == 0 && d->no_modem_at < *wake)
		*wake = d->no_modem_at;
}

const struct channel_driver drv_health = {
	.name = "health",
	.open = he_open,
	.close = he_close,
	.urc = he_urc,
	.tick = he_tick,
};
