/* sched — see sched.h.  Pure policy: everything it knows comes in through
 * struct sched_in, everything it decides goes out through struct sched_out
 * (the OpenSMTPD scheduler shape: "what to do now, and how long to sleep"). */
#include "domain/sched.h"

#include <string.h>

int sched_is_quiet(int m, int start, int end)
{
	if (start == end)
		return 0;
	if (start < end)
		return m >= start && m < end;
	return m >= start || m < end; /* spans midnight, e.g. 21:00-07:00 */
}

static void wake_at(struct sched_out *out, int64_t t)
{
	if (t < out->wake_ms)
		out->wake_ms = t;
}

/* Milliseconds from minute-of-day `now_min` (plus `sec` into it) until the
 * start of minute `target` (today or tomorrow). */
static int64_t ms_until_minute(int now_min, int64_t wall_s, int target)
{
	int d = target - now_min;
	if (d <= 0)
		d += 1440;
	return (int64_t)d * 60000 - (wall_s % 60) * 1000;
}

static void plan_sms(const struct sched_in *in, struct sched_out *out)
{
	if (in->claim_pause_until > in->now_ms)
		wake_at(out, in->claim_pause_until);
	int64_t due = in->due_urgent_s;
	if (!out->quiet && in->due_s < due)
		due = in->due_s;
	if (out->quiet && in->due_s != SCHED_NEVER)
		wake_at(out, in->now_ms + ms_until_minute(in->minute_of_day, in->wall_s, in->quiet_end));
	if (due == SCHED_NEVER)
		return;
	if (due > in->wall_s) {
		wake_at(out, in->now_ms + (due - in->wall_s) * 1000);
		return;
	}
	long gw_left = in->gw_daily_parts ? (long)in->gw_daily_parts - in->gw_parts_today : 1L << 30;
	int64_t midnight = in->now_ms + ms_until_minute(in->minute_of_day, in->wall_s, 0);
	for (int i = 0; i < in->n_modems && i < SCHED_MAX_MODEMS; i++) {
		const struct sched_modem *m = &in->modems[i];
		if (!m->ready || m->busy || in->now_ms < in->claim_pause_until)
			continue;
		long left = m->daily_parts ? (long)m->daily_parts - m->parts_today : 1L << 30;
		int override_only = 0;
		if (gw_left < left) {
			/* The gateway's budget binds, not this SIM's: a notice a head
			 * sent past it on purpose may still use the SIM's share. */
			if (gw_left <= 0 && in->due_override_s <= in->wall_s)
				override_only = 1;
			else
				left = gw_left;
		}
		if (left <= 0) {
			out->budget_spent = 1;
			wake_at(out, midnight);
			continue;
		}
		if (m->free_at_ms > in->now_ms) {
			wake_at(out, m->free_at_ms);
			continue;
		}
		int max = in->max_parts < left ? in->max_parts : (int)left;
		struct sched_action *a = &out->act[out->n++];
		a->modem = i;
		a->urgent_only = out->quiet;
		a->override_only = override_only;
		a->max_parts = max;
		if (override_only)
			out->budget_spent = 1;
		else
			gw_left -= max;
	}
}

static int claims_sms(const struct sched_out *out, int modem)
{
	for (int a = 0; a < out->n; a++)
		if (out->act[a].modem == modem)
			return 1;
	return 0;
}

/* After plan_sms: the calls, SMS first. */
static void plan_voice(const struct sched_in *in, struct sched_out *out)
{
	int64_t due = out->quiet ? in->voice_due_urgent_s : in->voice_due_s;
	out->voice_due_s = due;
	if (due == SCHED_NEVER)
		return;
	if (due > in->wall_s) {
		wake_at(out, in->now_ms + (due - in->wall_s) * 1000);
		return;
	}
	if (in->stopping || in->now_ms < in->claim_pause_until)
		return;
	int sms_due = (out->quiet ? in->due_urgent_s : in->due_s) <= in->wall_s && !out->budget_spent;
	if (sms_due && out->n > 0)
		return;
	for (int i = 0; i < in->n_modems && i < SCHED_MAX_MODEMS; i++) {
		const struct sched_modem *m = &in->modems[i];
		if (!m->has_audio || !m->ready || m->busy || m->calling || in->now_ms < m->call_guard_until ||
		    claims_sms(out, i))
			continue;
		struct sched_call *c = &out->call[out->n_calls++];
		c->modem = i;
		c->urgent_only = out->quiet;
	}
}

void sched_plan(const struct sched_in *in, struct sched_out *out)
{
	memset(out, 0, sizeof *out);
	out->wake_ms = SCHED_NEVER;
	out->voice_due_s = SCHED_NEVER;
	out->quiet = sched_is_quiet(in->minute_of_day, in->quiet_start, in->quiet_end);
	if (!in->stopping)
		plan_sms(in, out);
	plan_voice(in, out);
}

int sched_call_next_phone(int phone_idx, int phones, int answered)
{
	phone_idx = phone_idx ? 1 : 0;
	if (answered || phones < 2)
		return phones < 2 ? 0 : phone_idx;
	return 1 - phone_idx;
}
