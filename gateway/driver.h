/* driver — the channel interface of the daemon: SMS out, SMS in and voice
 * each fill one struct of function pointers, and the loop (daemon.c) and
 * the workers (worker.c) call every driver in turn instead of naming the
 * roles.  Any pointer may be NULL.  One turn of the loop:
 *
 *   tick      housekeeping before the plan (expiry, pacing, replies);
 *             may lower *wake
 *   plan_in   what is due, and each modem's facts, into struct sched_in
 *   claim     act on the scheduler's plan (domain/sched.c)
 *   poll_fds  descriptors besides the AT ports (audio, the synthesis pipe)
 *             and deadlines; returns how many it filled
 *   io        after poll(): those descriptors' events, and their deadlines
 *
 * and around it: open/close (daemon start and exit), modem_init/
 * modem_close (per worker, before the AT engine starts / is freed),
 * modem_state (READY or not, from the AT engine), urc (1 if it was this
 * driver's), stop (stopping begins), in_flight (--until-idle: work still
 * running). */
#ifndef LOA_DRIVER_H
#define LOA_DRIVER_H
#include <poll.h>
#include <stdint.h>

struct at_urc;
struct daemon;
struct sched_in;
struct sched_out;
struct worker;

struct channel_driver {
	const char *name;
	void (*open)(struct daemon *d);
	void (*close)(struct daemon *d);
	void (*modem_init)(struct worker *w);
	void (*modem_close)(struct worker *w);
	void (*modem_state)(struct worker *w, int ready);
	int (*urc)(struct worker *w, const struct at_urc *u);
	void (*tick)(struct daemon *d, int64_t now, int64_t *wake);
	void (*plan_in)(struct daemon *d, struct sched_in *in);
	void (*claim)(struct daemon *d, const struct sched_out *out, int64_t now);
	int (*poll_fds)(struct daemon *d, struct pollfd *pfd, int64_t *wake);
	void (*io)(struct daemon *d, const struct pollfd *pfd, int ready);
	void (*stop)(struct daemon *d);
	int (*in_flight)(const struct daemon *d);
};

extern const struct channel_driver drv_sms_out, drv_sms_in, drv_voice, drv_callin, drv_health, drv_time, drv_hub;
/* Every driver, in call order, NULL-terminated (daemon.c). */
extern const struct channel_driver *const daemon_drivers[];
#define DRIVERS_EACH(p) for (const struct channel_driver *const *p = daemon_drivers; *p; p++)
#endif
