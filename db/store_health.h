/* store_health — what unattended running keeps in the database: the
 * daemon's heartbeat, modems paused for their SIM's fault and their
 * balance, and the open problems the admins are told about.  `loa status`
 * and the web page read it; the daemon writes it.  Every function takes
 * `now` (wall seconds). */
#ifndef LOA_STORE_HEALTH_H
#define LOA_STORE_HEALTH_H
#include "db/store.h"

#include <stdint.h>

/* The daemon starts: records its pid; *crashed = 1 when the previous run
 * never said it stopped (killed, power cut), 0 on a first run. */
STORE_CHECK int store_health_start(struct store *st, int pid, int64_t now, int *crashed);
STORE_CHECK int store_health_beat(struct store *st, int64_t now);
STORE_CHECK int store_health_stop(struct store *st, int64_t now);

struct daemon_health {
	int known;               /* the daemon ever ran on this database */
	int pid;
	int64_t started_at, heartbeat_at, stopped_at; /* stopped_at 0: running or died */
	/* its clock (store_health_clock) */
	char clock_source[16];   /* "system", "network", "wrong" */
	int64_t clock_offset_s;  /* network - system */
	int64_t clock_system_at; /* the system clock when it was said */
	char clock_note[240];
};
STORE_CHECK int store_health_daemon(struct store *st, struct daemon_health *out);
/* The daemon's clock: `source` "system", "network" (the modems' time,
 * `offset_s` = network - system) or "wrong" (not to be trusted), the
 * system clock `system_at` when said (no other time can date it), and
 * why (`note`, for `loa status`).  Also a heartbeat (at system_at +
 * offset_s), and started_at moves by the change of offset. */
STORE_CHECK int store_health_clock(struct store *st, const char *source, int64_t offset_s, int64_t system_at,
				   const char *note);

/* A modem paused for its SIM's or network's fault until `until` (wall s),
 * with the reason officers read; until 0 resumes it. */
STORE_CHECK int store_modem_pause(struct store *st, const char *name, int64_t until, const char *reason, int64_t now);
/* The balance a USSD answer or a carrier SMS gave (đồng; -1 unknown) and
 * the text it came in. */
STORE_CHECK int store_modem_balance(struct store *st, const char *name, int64_t balance, const char *text,
				    int64_t now);

struct modem_health {
	const char *name, *state, *operator_name, *last_error, *pause_reason, *balance_text;
	int64_t updated_at, error_since, paused_until, balance, balance_at;
	int registered, signal;  /* signal: CSQ 0..31, 99 unknown */
	int sms_parts, calls;    /* since `since` */
};
/* Every modem with a status row, by name; parts sent and calls placed
 * since `since`. */
STORE_CHECK int store_modem_each(struct store *st, int64_t since, int (*cb)(const struct modem_health *m, void *arg),
				 void *arg);

/* A problem is (still) open: `key` names it ("paused:m1", "balance:m1",
 * "disk", "crash"), `text` says it to officers.  *alert = 1 when the
 * admins should be told now (never told, or last told before
 * now - every_s); the row then counts as told at `now`. */
STORE_CHECK int store_problem_open(struct store *st, const char *key, const char *text, int64_t every_s,
				   int64_t now, int *alert);
/* The problem is over (no-op when it is not open); *was_open says if it was. */
STORE_CHECK int store_problem_close(struct store *st, const char *key, int64_t now, int *was_open);
/* Open problems, oldest first. */
STORE_CHECK int store_problem_each(struct store *st,
				   int (*cb)(const char *key, const char *text, int64_t since, void *arg), void *arg);

/* Deliveries not final yet, per channel: queued and in progress. */
struct queue_counts {
	int sms_queued, sms_sending, sms_sent;      /* sent: awaiting a status report */
	int voice_queued, voice_calling;
	int outbox_queued;
};
STORE_CHECK int store_queue_counts(struct store *st, struct queue_counts *out);
#endif
