/* sim — the simulated modem bank behind `loa sim` (public interface).
 *
 * A simulator holds N modems (m1..mN).  Each behaves like a real modem of
 * one family of the README hardware table (generic 27.005/27.007, Huawei, SIMCom
 * SIM7600, Quectel EC25): an AT port and an audio port on pseudo-terminals,
 * echo, identification, PDU-mode SMS with a network delay, status reports
 * (+CDS, or stored in "SR" and announced with +CDSI), inbound SMS, faults on
 * demand, and voice calls.
 *
 * By default it is as impolite as real modems (README, "The simulated
 * modem"), each behaviour forced, never left to a race:
 *  - urc_after_prompt: URCs go out right after the "> " prompt, in the same
 *    write; a part's status report comes right after the next prompt on
 *    that modem when one comes before report_delay_ms;
 *  - late_end: after the gateway's hang-up the call ends only once the
 *    next command line has been answered (its end lines follow that final
 *    result) or after end_delay_ms; meanwhile ATD answers ERROR;
 *  - dial_waits: a family that waits (generic) answers ATD only when the
 *    far end does, and any byte from the host aborts the dial (NO CARRIER).
 *
 * DESIGN: the modem core is pure: bytes in (sim_input), bytes out
 * (sim_output_take), time from base/clock.h and one timer list
 * (sim_tick).  The pty/socket/poll layer (sim_io.c) only moves bytes, so the
 * unit tests and the fuzzer drive exactly the code `loa sim` runs, with a
 * fake clock and no file descriptors. */
#ifndef LOA_SIM_H
#define LOA_SIM_H
#include "base/util.h"

#include <stddef.h>
#include <stdint.h>

struct sim;
struct sim_modem;

struct sim_opts {
	const char *dir;      /* ports, logs and control socket; NULL: none (tests) */
	int modems;           /* 1..32 */
	const char *family;   /* "generic" or a comma list assigned in turn */
	int cmgs_delay_ms;    /* network delay before +CMGS: <mr> */
	int report_delay_ms;  /* +CMGS to +CDS */
	const char *report;   /* delivered|failed|none|mix */
	uint32_t seed;
	const char *pin;      /* SIM PIN required when set */
	int noise_ms;         /* mean interval of unsolicited noise lines, 0 off */
	int reset_ms;         /* port down time after AT+CFUN=1,1 / AT+CRESET */
	const char *call;     /* far end: answer|busy|noanswer|voicemail */
	int alert_ms;         /* ATD to ringing */
	int answer_ms;        /* ringing to answered */
	int talk_ms;          /* answered to far-end hang-up; 0 never */
	int noanswer_ms;      /* ringing to "no answer" */
	int keys_after_ms;    /* far end presses a key after this much played audio */
	int urc_after_prompt; /* 1: URCs with the "> " prompt; 0: after the final result */
	int late_end;         /* 1: hang-up's end reported late; 0: at once behind the OK */
	int end_delay_ms;     /* late end when no command line comes first */
	int dial_waits;       /* 1: families that wait answer ATD at the far end's answer */
};

void sim_opts_default(struct sim_opts *o);
/* NULL and a one-line message on a bad option. */
struct sim *sim_new(const struct sim_opts *o, char *err, size_t errlen);
/* Creates DIR, the ptys and symlinks, the logs and DIR/control. 0 or -1. */
int sim_start(struct sim *s, char *err, size_t errlen);
/* The event loop: returns 0 on quit/SIGTERM/SIGINT, 1 on a fatal error. */
int sim_run(struct sim *s);
/* Removes symlinks and the socket (when started) and frees everything. */
void sim_free(struct sim *s);

int sim_modem_count(const struct sim *s);
struct sim_modem *sim_modem_at(struct sim *s, int i);
struct sim_modem *sim_modem_find(struct sim *s, const char *name);

/* Bytes from the host to the modem's AT port, in any chunking. */
void sim_input(struct sim_modem *m, const void *buf, size_t n);
/* Everything the modem wrote to the host since the last call; caller frees. */
char *sim_output_take(struct sim_modem *m, size_t *len);
/* Downlink audio (what the modem sent towards the host's audio port)
 * since the last call, kept only without ports (unit tests); caller frees. */
char *sim_audio_take(struct sim_modem *m, size_t *len);
/* Runs every timer that is due on clock_mono_ms(). */
void sim_tick(struct sim *s);
/* Monotonic time of the next timer, or -1. */
int64_t sim_next_due(const struct sim *s);

/* One control command line; reply gets "ok ..." or "err ...". 0 ok, -1 err. */
int sim_ctl(struct sim *s, const char *line, struct sbuf *reply);
int sim_quit_requested(const struct sim *s);
#endif
