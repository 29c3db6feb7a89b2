/* at — one event-driven AT engine per modem: the port, a command queue with
 * per-command timeouts, echo and final-result handling, the "> " prompt of
 * AT+CMGS, URC dispatch, and the modem lifecycle (open, init, ready,
 * reconnect with back-off).
 *
 * The engine never blocks and never sleeps: its owner (the daemon's poll
 * loop) asks for at_fd()/at_events()/at_deadline(), and calls at_io() when
 * the fd is ready and at_tick() when a deadline passes.  Time comes from
 * clock_mono_ms(), so tests drive it with the fake clock.
 *
 * Family differences (generic 27.005/27.007, Huawei, SIMCom, Quectel) are
 * data: one struct profile row per family in modem/profile.c (init
 * commands, call URCs, audio commands).  The pure line parsing declared
 * below is in at_line.c.
 *
 * Lifecycle (a table in at.c; any other event in a state is logged and
 * rejected):
 *
 *     CLOSED --start--> OPENING --opened--> INIT --init_ok--> READY
 *                          |                 |                  |
 *                     open_fail        init_fail/lost/     port_lost (EIO,
 *                          |           no_answer            HUP)/no_answer
 *                          v                 v                  v
 *                       BACKOFF <------------+------------------+
 *                          |  (timer T_BACKOFF: 0.25 s doubling to 30 s)
 *                          +--timer--> OPENING
 *     INIT --sim_fail--> FAILED (SIM needs a PIN / absent; retried every 5 min)
 *     any --stop--> CLOSED
 */
#ifndef LOA_AT_H
#define LOA_AT_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct at_modem;

enum at_state { AT_CLOSED, AT_OPENING, AT_INIT, AT_READY, AT_BACKOFF, AT_FAILED, AT_N_STATES };
enum at_event {
	ATE_START, ATE_OPENED, ATE_OPEN_FAIL, ATE_INIT_OK, ATE_INIT_FAIL, ATE_SIM_FAIL,
	ATE_PORT_LOST, ATE_NO_ANSWER, ATE_TIMER, ATE_STOP, ATE_N_EVENTS
};
const char *at_state_name(enum at_state s);
const char *at_event_name(enum at_event e);

/* How a command ended. */
enum at_final {
	AT_R_OK, AT_R_ERROR, AT_R_CME, AT_R_CMS, AT_R_NO_CARRIER, AT_R_BUSY, AT_R_NO_ANSWER,
	AT_R_NO_DIALTONE, AT_R_CONNECT,
	AT_R_TIMEOUT,  /* no final result within the command's timeout */
	AT_R_LOST,     /* the port went away (or the engine stopped) first */
};
const char *at_final_name(enum at_final f);

struct at_result {
	enum at_final final;
	int code;          /* +CME/+CMS error number, -1 if textual */
	int body_sent;     /* AT+CMGS: the PDU and Ctrl-Z were handed to the port */
	const char *lines; /* intermediate lines, '\n'-separated ("" if none) */
};

typedef void (*at_done_fn)(struct at_modem *m, const struct at_result *r, void *arg);

/* Unsolicited result codes. */
enum at_urc_kind {
	URC_NONE = 0,
	URC_CMTI,     /* +CMTI: "SM",3           -> read with AT+CMGR */
	URC_CMT,      /* +CMT: ,len  + PDU line  (pdu set) */
	URC_CDS,      /* +CDS: len   + PDU line  (pdu set) */
	URC_CDSI,     /* +CDSI: "SM",4 */
	URC_CREG,     /* +CREG: stat */
	URC_RING,     /* RING / +CRING */
	URC_CLIP,     /* +CLIP: "number",... */
	URC_CALL,     /* call progress of the family (call_ev set) */
	URC_DTMF,     /* key pressed at the far end (+RXDTMF, +QTONEDET) */
	URC_USSD,     /* +CUSD: m,"text",dcs (modem/ussd.h reads it) */
	URC_NETTIME,  /* the network's time or zone: +CTZV, +CTZE, *PSUTTZ
		       * (modem/nettime.h reads it) */
	URC_MISSED,   /* SIMCom MISSED_CALL: 10:36AM 0912345678 (modem/incall.h) */
	URC_IGNORE,   /* known noise: boot banners, periodic signal reports */
};
enum at_call_ev { CALL_EV_NONE = 0, CALL_EV_ORIG, CALL_EV_RINGING, CALL_EV_ANSWERED, CALL_EV_ENDED, CALL_EV_STATE };

struct at_urc {
	enum at_urc_kind kind;
	enum at_call_ev call_ev;
	const char *line;   /* the URC line */
	const char *pdu;    /* +CMT / +CDS: the PDU line, else NULL */
};

/* The family profiles (init steps, URC rules, audio commands) are rows in
 * modem/profile.c; the engine reads the row of at_config.family. */
struct profile;

/* ---- pure line parsing, at_line.c (also the fuzz target's entry points) ---- */
/* Final result code of a line, or -1 when the line is not one. */
int at_line_final(const char *line, int *code);
/* URC classification with the family's rules; URC_NONE when not a URC. */
enum at_urc_kind at_line_urc(const struct profile *p, const char *line, enum at_call_ev *ev);
int at_parse_creg(const char *line, int *stat);        /* +CREG: [n,]stat[,...] */
int at_parse_csq(const char *line, int *rssi);         /* +CSQ: rssi,ber */
int at_parse_index(const char *line, int *index);      /* +CMTI: "SM",3 / +CDSI */
int at_parse_cmgs(const char *line, int *mr);
/* +CMTI: "SM",3 / +CDSI: "SR",4 -> the storage name and the index. */
int at_parse_mem_index(const char *line, char *mem, size_t memsz, int *index);          /* +CMGS: mr */
int at_parse_pdu_len(const char *line, int *len);      /* last field: +CMT/+CDS/+CMGR/+CMGL */

/* ---- the engine ---- */
struct at_hooks {
	void (*state)(struct at_modem *m, enum at_state from, enum at_state to, const char *why, void *arg);
	void (*urc)(struct at_modem *m, const struct at_urc *u, void *arg);
	void (*health)(struct at_modem *m, int registered, int signal, void *arg);
};

struct at_config {
	char name[32];
	char port[PATH_MAX];
	int baud;
	char pin[16];
	int family;         /* enum modem_family (modem/profile.h) */
	/* Opens the port; NULL = open the tty in raw non-blocking mode.  Tests
	 * give a socketpair end here.  Returns an fd or -errno. */
	int (*open_port)(const char *port, int baud, void *arg);
	void *open_arg;
};

struct at_modem *at_new(const struct at_config *cfg, const struct at_hooks *hooks, void *arg);
void at_free(struct at_modem *m);
const char *at_name(const struct at_modem *m);
enum at_state at_state(const struct at_modem *m);
const struct profile *at_profile(const struct at_modem *m);

void at_start(struct at_modem *m);
void at_stop(struct at_modem *m);

/* Poll-loop glue. at_fd() is -1 while the port is closed. */
int at_fd(const struct at_modem *m);
short at_events(const struct at_modem *m);
void at_io(struct at_modem *m, short revents);
/* The earliest pending timer (mono ms), INT64_MAX if none. */
int64_t at_deadline(const struct at_modem *m);
void at_tick(struct at_modem *m);
/* Feeds bytes as if read from the port (tests, fuzzing). */
void at_feed(struct at_modem *m, const char *buf, size_t n);

/* Queues a command (READY only; returns -1 otherwise).  `cb` is called
 * exactly once, also on timeout, port loss or stop. */
int at_cmd(struct at_modem *m, const char *cmd, int timeout_ms, at_done_fn cb, void *arg);
/* Queues a command ahead of everything queued.  If the command in flight is
 * a dial still waiting for its answer, one byte goes out at once to abort it
 * (V.25ter: any character aborts a dial in progress), so a hang-up is not
 * held behind an ATD that answers only when the far end does. */
int at_cmd_urgent(struct at_modem *m, const char *cmd, int timeout_ms, at_done_fn cb, void *arg);
/* AT+CMGS=<tpdu_len>, then the hex PDU and Ctrl-Z after the "> " prompt. */
int at_cmgs(struct at_modem *m, int tpdu_len, const char *hex, int timeout_ms, at_done_fn cb, void *arg);
/* Status reports are stored on the modem (+CDSI: "SR",n) rather than sent
 * as +CDS: the modem accepted AT+CNMI=2,1,0,2,0 at init. */
int at_reports_stored(const struct at_modem *m);
/* Commands queued or in flight. */
int at_busy(const struct at_modem *m);
/* Last health figures: registered (0/1), signal 0..31 or 99. */
void at_health(const struct at_modem *m, int *registered, int *signal);

/* Timings (ms); tests may read them. */
enum { AT_BACKOFF_MIN_MS = 250, AT_BACKOFF_MAX_MS = 30000, AT_FAILED_RETRY_MS = 300000,
       AT_HEALTH_MS = 30000, AT_NO_ANSWER_LIMIT = 2, AT_SETTLE_MS = 300 };
#endif
