/* drv_health — the daemon watching itself, as a driver: its heartbeat in
 * the database (so `loa status` and the web page know whether it runs),
 * "restarted after a crash" when the previous run never said it stopped,
 * the disk under the database, the daily health SMS, and the one way every
 * problem reaches people: daemon_problem() records it (banner, status) and
 * queues one SMS to each admin at most once per [gateway] alert_every_h,
 * through whichever modem works (the outbox). */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/text.h"
#include "base/util.h"
#include "db/store_health.h"
#include "db/store_shortcode.h"
#include "db/store_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

enum { HEARTBEAT_MS = 30000, DISK_EVERY_MS = 600000, DISK_LOW_MB = 200, DISK_LOW_PERMILLE = 50 };

/* One SMS to each admin: "Loa <village>: <text without accents>". */
static void tell_admins(struct daemon *d, const char *text)
{
	const struct daemon_health_cfg *h = &d->cfg->health;
	if (!h->admins[0])
		return;
	int replaced = 0;
	char *plain = text_strip(text, &replaced);
	char msg[480];
	snprintf(msg, sizeof msg, "Loa %s: %s", h->village, plain ? plain : text);
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

static void he_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	int64_t wall = clock_wall_s();
	if (now >= d->beat_at) {
		daemon_db_log(d, "health", "heartbeat", store_health_beat(d->st, wall));
		daily_report(d, wall);
		d->beat_at = now + HEARTBEAT_MS;
	}
	if (now >= d->disk_at) {
		check_disk(d);
		d->disk_at = now + DISK_EVERY_MS;
	}
	if (d->beat_at < *wake)
		*wake = d->beat_at;
}

const struct channel_driver drv_health = {
	.name = "health",
	.open = he_open,
	.close = he_close,
	.tick = he_tick,
};
