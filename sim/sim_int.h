/* sim_int — what the simulator's files share (sim.c core, sim_ctl.c
 * control commands, sim_at.c AT interpreter, sim_generic.c generic
 * commands, sim_sms.c SMS commands and deliveries, sim_family.c family
 * tables, sim_call.c call state machine, sim_io.c ptys and event loop).
 * Not for use outside sim/. */
#ifndef LOA_SIM_INT_H
#define LOA_SIM_INT_H
#include "sim/sim.h"
#include "sim/sim_pdu.h"

#define SIM_LINE_MAX     560  /* longest AT command line (SIMCom: 556) */
#define SIM_STORE_SLOTS  30   /* SMS slots on the SIM */
#define SIM_SR_MAX       50   /* status report ("SR") slots at most; a family's count is data */
#define SIM_OUT_MAX      (1 << 20)
#define SIM_MAX_MODEMS   32
#define SIM_PIN_MAX      16   /* a PIN and its NUL */

/* Result of one AT command: OK, plain ERROR, +CME/+CMS ERROR: n, "answer
 * later" (prompt, network delay, a dial waiting for the far end), or one of
 * the call result words that end ATD. */
enum { SIM_OK = 0, SIM_ERR = -1, SIM_PENDING = 1, SIM_NO_CARRIER = 2, SIM_BUSY = 3, SIM_NO_ANSWER = 4 };
#define SIM_CME(n) (0x10000 | (n))
#define SIM_CMS(n) (0x20000 | (n))

enum sim_form { SIM_ACTION, SIM_READ, SIM_TEST, SIM_SET };
enum sim_state { SIM_ST_CMD, SIM_ST_PROMPT, SIM_ST_BUSY };
enum sim_report { SIM_REP_DELIVERED, SIM_REP_FAILED, SIM_REP_NONE, SIM_REP_MIX };
#define SIM_ST_DELIVERED 0x00
#define SIM_ST_FAILED    0x46 /* TP-ST: SM validity period expired */

/* Command flags */
#define SIM_F_PIN 1 /* needs the SIM unlocked */
#define SIM_F_SMS 2 /* an SMS command: errors are +CMS ERROR */

/* The SIM card as `sim M ...` sets it (the PIN lock itself is pin_locked). */
enum sim_card { SIM_CARD_OK, SIM_CARD_PUK, SIM_CARD_MISSING };
/* How the balance USSD answer is coded (`ussd M enc`). */
enum sim_ussd_enc { SIM_USSD_GSM7, SIM_USSD_GSM7_PACKED, SIM_USSD_UCS2 };

struct sim_modem;
struct sim_cmd_def;
typedef int (*sim_cmd_fn)(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
			  const char *args);
/* One extended command.  fn NULL: a fixed answer, `reply` for the read form
 * (or action form when `action` is set), OK for set and test. */
struct sim_cmd_def {
	const char *name; /* "+CMGS", "^CVOICE" */
	sim_cmd_fn fn;
	const char *reply;
	unsigned flags;
	int action;
};

/* Call progress URCs of one family; "%d"/"%s" fields per member comment.
 * NULL: the family says nothing at that point. */
struct sim_call_urcs {
	const char *orig;      /* after ATD's OK */
	const char *alert;     /* far end ringing */
	const char *conn;      /* answered */
	const char *end;       /* ^CEND: idx, duration s, end_status, cause */
	const char *end_talk;  /* "VOICE CALL: END: %06d" (duration s) */
	const char *clcc_fmt;  /* auto +CLCC / +QIND ccinfo: idx, dir (1 incoming), state, number, type;
				* sent when AT+CLCC=1 or AT+QINDCFG="ccinfo",1 */
	int released;          /* state value of a released call in clcc_fmt */
	int final_words;       /* 1: "NO CARRIER"/"BUSY"/"NO ANSWER" at the end */
	const char *hangup_word; /* after the gateway's hang-up (late end): "NO CARRIER" */
	int talk_end_always;   /* end_talk also for a call hung up unanswered */
	int dial_waits;        /* ATD answers only when the far end does (V.25ter) */
	const char *missed;    /* a caller gave up before ATA: time ("10:36AM"), number */
};

struct sim_family {
	const char *name;
	const char *cgmi, *cgmm, *cgmr;
	const char *const *ati;   /* ATI lines; "%s" is the IMEI */
	const char *cops;         /* +COPS? answer */
	int cnmi_default[5];
	const char *const *boot;  /* lines after the port (re)appears */
	const char *const *noise; /* unsolicited lines now and then ("%d": rssi) */
	const struct sim_cmd_def *cmds; /* vendor commands, name NULL ends */
	int sr_slots;             /* "SR" status report storage (+CNMI ds=2); 0: none */
	int psuttz;               /* SIMCom: *PSUTTZ and DST: URCs with AT+CTZU=1 */
	struct sim_call_urcs call;
};

extern const struct sim_family *const sim_families[];
const struct sim_family *sim_family_find(const char *name);

struct sim_port {
	int fd;        /* pty master, -1 when none */
	int attached;  /* a process has the slave open */
	char slave[64];
	char *link;    /* DIR/m1.at */
};

struct sim_slot {
	int used;
	int stat;      /* 0 REC UNREAD, 1 REC READ */
	struct sim_pdu_part pdu;
};

/* RELEASING: the gateway hung up (OK given) but the end is not reported
 * yet; the call still exists (AT+CLCC lists it, ATD answers ERROR). */
enum sim_call_state {
	SIM_CALL_IDLE, SIM_CALL_DIALING, SIM_CALL_ALERTING, SIM_CALL_ACTIVE, SIM_CALL_RELEASING,
	SIM_CALL_INCOMING /* a caller rings the modem (sim_callin.c) */
};
enum sim_call_event {
	SIM_EV_DIAL, SIM_EV_ALERT, SIM_EV_ANSWER, SIM_EV_BUSY, SIM_EV_NOANSWER,
	SIM_EV_REMOTE_END, SIM_EV_HANGUP, SIM_EV_RELEASED, SIM_EV_ABORT,
	SIM_EV_INCOMING, /* `callin`: a caller rings */
	SIM_EV_RING,     /* the next RING/+CRING, every SIM_RING_MS */
	SIM_EV_ACCEPT,   /* ATA */
	SIM_EV_GIVEUP,   /* the caller hangs up before ATA (a flash) */
	SIM_EV_KEY,      /* the caller presses its next key */
	SIM_EV_COUNT
};
#define SIM_RING_MS   3000 /* RING repeats this often while a call alerts */
#define SIM_CALLIN_KEYS 15 /* keys a caller presses at most */

/* What a caller does (`callin M FROM ...`, sim_callin.c): ring for ring_ms
 * (then give up: a flash when short), once answered press keys[i] at
 * key_ms[i] after the answer, speak the WAV `say` (8 kHz mono samples)
 * from say_ms after the answer, hang up hangup_ms after the answer (0:
 * never). */
struct sim_caller {
	int ring_ms, hangup_ms, say_ms;
	int nkeys;
	char keys[SIM_CALLIN_KEYS + 1];
	int key_ms[SIM_CALLIN_KEYS];
	int16_t *say;
	size_t say_n;
};

enum sim_far { SIM_FAR_ANSWER, SIM_FAR_BUSY, SIM_FAR_NOANSWER, SIM_FAR_VOICEMAIL };

struct sim_call {
	enum sim_call_state state;
	enum sim_call_state was;  /* RELEASING: the state before the hang-up */
	int rel_skip;   /* RELEASING: the hang-up's own command line is not "the next" */
	char number[48];
	int64_t t_dial, t_answer, t_hangup;
	unsigned gen;   /* timers of an older call are stale */
	int audio_on;
	enum sim_far far;
	/* the far end's audio (sim_call.c): keys to press, uplink recording */
	char keys[16];       /* still to press, in order */
	char pressed[16];    /* pressed so far */
	int64_t heard_ms;    /* uplink audio received since answer / last key */
	void *dtmf_tx;       /* spandsp dtmf_tx_state_t */
	void *rec;           /* SNDFILE of the uplink */
	char rec_path[512];
	int64_t rec_samples;
	double rec_sumsq;
	unsigned char up[320];
	size_t up_len;
	/* an incoming call (mt): the caller's script, speech played so far */
	int mt;
	int rings;
	struct sim_caller caller;
	size_t say_pos;
};

struct sim_modem {
	struct sim *sim;
	int idx;
	char name[16];
	const struct sim_family *fam;
	char imei[24];
	struct sim_port at, audio;
	int present;      /* 0 while the port has vanished */
	unsigned gen;     /* bumps when the modem reboots: drops stale timers */
	int boot_pending; /* boot lines go out on first attach */

	/* input */
	enum sim_state st;
	char line[SIM_LINE_MAX + 1];
	size_t line_len;
	int line_overflow;
	struct sbuf pdu;  /* hex after the "> " prompt */
	int cmgs_len;
	struct sbuf queued;  /* input that arrived while busy */
	struct sbuf out;     /* to the host */
	struct sbuf held;    /* URCs held while a command runs */
	int held_n;          /* how many */
	int prompt_open;     /* AT+CMGS prompt given (urc_after_prompt): URCs flow */
	int dial_pending;    /* ATD waits for the far end: any input byte aborts */
	struct sbuf ta_buf;  /* SMS URCs buffered by +CNMI mode 0 */
	struct sbuf down;    /* downlink audio kept without ports (unit tests; sim_audio_take) */

	/* settings (reset on boot) */
	int echo, verbose, quiet, cmee, cmgf, csms;
	int creg_n, cgreg_n, cereg_n;
	int cnmi[5];
	char cscs[8];
	int mem[3];        /* +CPMS storages (index into the storage table) */
	int clip, crc;     /* AT+CLIP=1, AT+CRC=1 (incoming call URCs) */
	int clcc_auto, ddet, tonedet, ccinfo, curc, cpcmreg, qpcmv;
	int pin_locked;
	int pumping;

	/* network */
	int creg_stat, csq;

	/* SMS */
	int mr_next;
	int cmgs_delay_ms, report_delay_ms, noise_ms;
	int chunked;       /* write output in random 1..16-byte pieces, 1 ms apart */
	int urc_after_prompt, late_end, end_delay_ms, dial_waits; /* sim_opts */
	enum sim_report report;
	enum sim_far far;   /* far-end behaviour of calls without an override */
	struct sim_pdu_info pending;
	int pending_cms;   /* fault for the message being submitted */
	struct sim_slot store[SIM_STORE_SLOTS];
	struct sim_slot sr[SIM_SR_MAX];  /* status reports, fam->sr_slots of them */
	struct sim_pdu_part *netq; /* inbound waiting for a free slot */
	int netq_n;

	/* the SIM and the network (kept across reboots: they are not the
	 * modem's; set by the controls credit, sim, reg, ussd) */
	enum sim_card card;
	char pin[SIM_PIN_MAX]; /* the SIM's PIN ("" when the SIM asks for none) */
	int lost;          /* registration lost: the +CREG <stat> shown (0, 2, 3, 4), -1 not */
	int credit_cms;    /* out of credit: every submit refused with this +CMS code, 0 not */
	long balance;      /* what the balance USSD says while there is credit */
	char ussd_code[24];    /* the balance code ("*101#") */
	char ussd_text[200];   /* the balance answer; {balance} {amount} replaced */
	enum sim_ussd_enc ussd_enc;
	int ussd_delay_ms; /* OK first, +CUSD this much later */
	unsigned ussd_gen; /* bumps on AT+CUSD=2: drops a pending answer */
	int ussd_busy;     /* a request waits for its +CUSD */
	int cusd_n;        /* AT+CUSD=<n>: result code presentation (reset on boot) */
	/* the network's time (sim_time.c; `time M`): NITZ received or not, the
	 * network time as an offset from the simulator's clock, its zone */
	int nitz;
	int64_t nitz_offset_s;
	int nitz_zone_q, nitz_zone_set;
	int ctzu, ctzr;        /* AT+CTZU / AT+CTZR (reset on boot) */
	int64_t boot_mono_ms;  /* the RTC default runs from here without NITZ */

	/* faults */
	int f_error, f_cms_code, f_cms, f_silence;
	int muted;         /* fault mute: input read and dropped, nothing said */
	int f_vanish_mp;   /* vanish for good after accepting part K (-1: any K < parts) */
	int doomed;        /* accepted that part: deaf until the port goes */
	int gone;          /* vanished for good */

	struct sim_call call;

	/* stats */
	long n_parts, n_reports, n_rejected, n_inbound, n_calls, n_sr_dropped;
	long n_cusd;       /* +CUSD answers given */
	long n_credit;     /* submits refused for credit */
	long n_number;     /* submits refused for the recipient's number (`number TO`) */
	long n_noreg;      /* submits refused without registration (+CMS ERROR: 331) */
	long n_glued;      /* URCs that went out after a "> " prompt (urc_after_prompt) */
};

enum sim_timer_kind {
	SIM_T_CMGS,   /* network accepted (or rejected) the submitted part */
	SIM_T_CDS,    /* status report arrives */
	SIM_T_NOISE,  /* an unsolicited noise line */
	SIM_T_DOWN,   /* the port goes (a = down ms, -1 for good): reset, doomed modem */
	SIM_T_RETURN, /* a vanished port comes back */
	SIM_T_CALL,   /* call progress event (a = event) */
	SIM_T_AUDIO,  /* 20 ms downlink audio frame of a call */
	SIM_T_CUSD,   /* the network's USSD answer (a = ussd_gen, b = known code) */
	SIM_T_COUNT
};

struct sim_timer {
	int64_t due;
	enum sim_timer_kind kind;
	struct sim_modem *m;
	unsigned gen;  /* m->gen (or call gen) at arming time */
	int a, b;
	int64_t t;
	char s[48];
};

struct sim_override {
	char number[48];
	int status; /* -1 no report, -2 not set, else TP-ST */
	int call;   /* enum sim_far, -1 not set */
	char keys[16]; /* keys the far end presses ("" none) */
	int cms;       /* the network refuses every SMS to it: +CMS ERROR cms after the PDU; 0 none */
};

struct sim {
	struct sim_opts o;
	char *dir;
	int nmod;
	struct sim_modem *mod;
	struct sim_timer *tm;
	size_t ntm, captm;
	struct sim_override *ov;
	size_t nov;
	uint64_t rng;
	int next_ref;   /* concatenation reference of injected messages */
	int quit;
	int io;         /* ports exist (sim_start ran) */
	int io_busy;    /* chunked output pending: poll again soon */
	int sms_log, call_log;
	int ctl_fd;
	char *ctl_path;
	long n_cds_total;
};

/* sim.c */
uint32_t sim_rand(struct sim *s);
void sim_timer_add(struct sim *s, int64_t delay_ms, enum sim_timer_kind k, struct sim_modem *m,
		   unsigned gen, int a, int b, const char *str);
/* Runs now, in due order, every pending timer of kind k for modem m. */
void sim_timer_fire(struct sim *s, struct sim_modem *m, enum sim_timer_kind k);
void sim_urc(struct sim_modem *m, const char *text);
void sim_emit(struct sim_modem *m, const char *bytes, size_t n);
void sim_modem_boot(struct sim_modem *m);
/* Port gone now, back (new pty, modem booted) after down_ms; < 0: for good. */
void sim_modem_vanish(struct sim_modem *m, int down_ms);
/* A reset the host asked for: the OK goes out first, then the port goes. */
void sim_modem_reboot(struct sim_modem *m, int down_ms);
void sim_log_sms(struct sim_modem *m, const struct sim_pdu_info *p, int mr);
void sim_log_call(struct sim_modem *m, const char *result, int64_t ring_ms, int64_t talk_ms);
/* TP-ST of the report for a part to `number`, or -1 for no report. */
int sim_report_status(struct sim_modem *m, const char *number);
int sim_call_far(struct sim_modem *m, const char *number);
/* The +CMS ERROR the network answers to every SMS to `number` (`number TO
 * unassigned`...), or 0. */
int sim_number_cms(struct sim_modem *m, const char *number);
int sim_store_free_slot(struct sim_modem *m);
int sim_sr_used(const struct sim_modem *m);
void sim_netq_drain(struct sim_modem *m);
void sim_modem_arm_noise(struct sim_modem *m);
/* Inbound messages held by the modem: queued from the network or stored. */
int sim_inbound_pending(const struct sim_modem *m);
/* The override for a number (same subscriber), created when `create`. */
struct sim_override *sim_override_find(struct sim *s, const char *number, int create);
/* Names of enum sim_report and enum sim_far values; index of `s` or -1. */
extern const char *const sim_report_names[4];
extern const char *const sim_far_names[4];
int sim_name_index(const char *const *names, size_t n, const char *s);

/* sim_at.c */
void sim_at_reset(struct sim_modem *m);
void sim_at_complete(struct sim_modem *m, int result);
void sim_at_final(struct sim_modem *m, int result);
void sim_at_info(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends text framed as the modem would (CR LF around it, verbose or not). */
void sim_at_frame(struct sim_modem *m, struct sbuf *b, const char *text);
int sim_args(const char *s, char out[][64], int max);
/* A number argument within [lo, hi]: 0, else -1. */
int sim_arg_int(const char *s, long lo, long hi, long *v);
int sim_cmgs_done(struct sim_modem *m);

/* sim_generic.c */
extern const struct sim_cmd_def sim_generic_cmds[];
/* The +CME code for a command that needs the SIM (10 missing, 11 PIN,
 * 12 PUK), or 0 when the SIM is ready. */
int sim_card_cme(const struct sim_modem *m);
/* The +CREG <stat> the modem shows: 0 without a ready SIM, the lost stat
 * while registration is lost, else creg_stat. */
int sim_reg_stat(const struct sim_modem *m);
int sim_registered(const struct sim_modem *m);
/* +CREG: URC when the shown stat differs from `before` and AT+CREG=1|2. */
void sim_reg_changed(struct sim_modem *m, int before);

/* sim_time.c: the network's time */
extern const struct sim_cmd_def sim_time_cmds[];
int sim_time_qlts(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
/* +CTZV, +CTZE, SIMCom PSUTTZ as the modem's settings ask (the network sent its time). */
void sim_time_urcs(struct sim_modem *m);
/* The control `time M ARG`; 0 ok, -1 with the error in r. */
int sim_time_ctl(struct sim_modem *m, const char *arg, struct sbuf *r);

/* sim_ussd.c: +CUSD and the network's balance answer */
int sim_ussd_cusd(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
/* SIM_T_CUSD: the answer goes out (a = ussd_gen at the request, b = 1 for
 * the balance code, 0 for an unknown one). */
void sim_ussd_answer(struct sim_modem *m, unsigned gen, int known);
/* The balance text as the network sends it now (UTF-8), into b. */
void sim_ussd_text(const struct sim_modem *m, struct sbuf *b);
/* GSM 7-bit default alphabet septets of UTF-8 text (unknown: '?'), as
 * packed hex (CR padding per 23.038 when 7 bits are spare). */
void sim_gsm7_packed_hex(const char *utf8, struct sbuf *out);
/* UTF-8 as UTF-16BE hex. */
void sim_ucs2_hex(const char *utf8, struct sbuf *out);

/* sim_sms.c: the 27.005 commands of sim_generic_cmds[], deliveries */
int sim_sms_cmgf(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_csms(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_cpms(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_cnmi(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_csca(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_cmgs(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_cmgr(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_cmgl(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_sms_cmgd(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
void sim_deliver_status(struct sim_modem *m, const struct sim_pdu_part *p);
void sim_deliver_inbound(struct sim_modem *m, const struct sim_pdu_part *p, int want_cmt);

/* sim_call.c */
int sim_call_dial(struct sim_modem *m, const char *number);
/* The gateway hangs up (ATH, AT+CHUP): the end is reported late. */
int sim_call_hangup(struct sim_modem *m);
/* The call is gone at once (the port vanishes): no late end. */
void sim_call_drop(struct sim_modem *m);
/* A command line was answered: a releasing call may now report its end. */
void sim_call_line_done(struct sim_modem *m);
/* A waiting ATD is aborted by a byte from the host (V.25ter). */
void sim_call_abort(struct sim_modem *m);
void sim_call_event(struct sim_modem *m, int ev);
void sim_call_clcc(struct sim_modem *m);
int sim_call_active(const struct sim_modem *m);
/* Uplink bytes from the host's audio port (recorded while a call is up). */
void sim_call_audio_in(struct sim_modem *m, const void *buf, size_t n);
/* One downlink frame (SIM_T_AUDIO timer). */
void sim_call_audio_tick(struct sim_modem *m);
/* Keys the far end `number` presses: override, else "" */
const char *sim_call_keys(struct sim_modem *m, const char *number);
void sim_call_free(struct sim_modem *m);
/* ATA: answers a ringing incoming call, else NO CARRIER. */
int sim_call_answer(struct sim_modem *m);
/* Starts an incoming call from `number` with the caller's script (owned
 * by the call from now on).  0, or -1 when the modem is busy. */
int sim_call_incoming(struct sim_modem *m, const char *number, struct sim_caller *c);

/* sim_callin.c: the control `callin M FROM [options]` */
int sim_callin_ctl(struct sim_modem *m, char *args, struct sbuf *r);
/* +CLIP and +CRC: the incoming call presentation switches. */
int sim_callin_clip(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);
int sim_callin_crc(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a);

/* sim_io.c */
int sim_io_port_open(struct sim_modem *m, char *err, size_t errlen);
void sim_io_port_close(struct sim_modem *m);
#endif
