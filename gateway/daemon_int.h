/* daemon_int — what the daemon's files share: the daemon itself (struct
 * daemon: the workers, the policy numbers, the speech state), read by
 * daemon.c (the loop), worker.c (one modem) and the channel drivers
 * drv_sms_out.c, drv_sms_in.c and drv_voice.c.  Not for use outside them. */
#ifndef LOA_DAEMON_INT_H
#define LOA_DAEMON_INT_H
#include "gateway/daemon.h"
#include "gateway/driver.h"
#include "gateway/worker.h"
#include "modem/call.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tts_engine;

enum { CMGS_TIMEOUT_MS = 60000, CMGR_TIMEOUT_MS = 10000, CLAIM_PAUSE_MS = 1000, EXPIRE_EVERY_MS = 60000,
       REASM_MAX_AGE_S = 86400, CALL_GUARD_MS = 300 };

/* Audio ready for calls: prompts and a few notices, loaded as PCM. */
struct pcm {
	int64_t notice_id;      /* notices only */
	int16_t *s;
	size_t n;
	int pending, failed;
	char err[240];          /* why it failed */
};
struct tts_req {
	struct daemon *d;
	struct pcm *p;          /* where the audio goes: a prompt or a notice cache slot */
	int prompt;             /* a prompt: its failure is said at once */
	char what[48];          /* for logs: "prompt greeting", "notice 12" */
	int done, rc;           /* written by the synthesis thread */
	char path[PATH_MAX];
	char err[200];
	struct tts_req *next;
};
enum { NOTICE_CACHE = 4 };

struct daemon {
	const struct daemon_cfg *cfg;   /* speech, the short-code policy, the modems */
	struct daemon_policy pol;       /* cfg->pol */
	struct store *st;
	struct daemon_opts o;
	struct worker m[LOA_MAX_MODEMS];
	int n;
	int gw_parts_today;
	int64_t day_start_s;
	int budget_logged;      /* "budget spent" said once a day */
	int64_t started_s;
	int64_t idle_since, no_modem_since; /* --until-idle, mono ms (0: not) */
	int64_t claim_pause_until;
	int stopping;
	int64_t sms_expire_at;  /* mono ms of the next expiry sweeps (SMS out, inbound parts) */
	int64_t frag_expire_at;
	int64_t call_expire_at; /* mono ms of the next voice expiry sweep */
	int64_t beat_at;        /* mono ms of the next heartbeat */
	int64_t disk_at;        /* mono ms of the next disk check */
	int64_t backup_at;      /* mono ms of the next look at the daily copy */
	/* the clock (drv_time.c) */
	int time_held;          /* no trustworthy time: nothing scheduled is sent or expired */
	char clock_note[300];   /* which time, and why (loa status) */
	int64_t clock_save_at, clock_check_at; /* mono ms */
	int net_known;          /* some modem told the network time */
	int64_t net_off_s;      /* network - system at that reading */
	char net_from[32];      /* the modem that told it */
	int64_t wall_seen_ms, sys_seen_s, mono_seen_ms; /* the last tick: a set system clock shows */
	int64_t no_modem_at;    /* mono ms of the next "no modem" log line (no modem configured) */
	/* voice */
	struct tts_engine *tts;
	int voice_ok;           /* some modem has an audio port and speech works */
	int voice_planned;      /* voice_ok when this turn's plan was made */
	char voice_err[400];    /* why there is no speech at all: queued calls fail */
	int tts_pipe[2];
	struct tts_req *reqs;
	struct pcm prompt[SEG_N];
	struct pcm notice[NOTICE_CACHE];
	int notice_next;
	/* call-in (drv_callin.c) */
	struct pcm ci_prompt[CIP_N];
	int ci_ok;              /* its prompts are known: calls from villagers are answered */
	int ci_quiet;           /* quiet hours now (the last plan) */
	int64_t cb_wake_at;     /* mono ms of the next callback due, 0 none */
	/* the head's recording menu (drv_callin_head.c) */
	struct pcm hr_prompt[HRP_N]; /* HRP_BEEP: a generated tone */
	int hr_ok;              /* its prompts are known */
	struct pcm hr_list[LOA_MAX_MODEMS]; /* each modem's spoken group list */
	/* the hub sync (drv_hub.c) */
	pid_t hub_pid;          /* the `loa hub sync --once` running, 0 none */
	int hub_fd;             /* its stdout+stderr, -1 when closed */
	int hub_failures;       /* failed syncs in a row */
	int64_t hub_next_at;    /* mono ms of the next sync */
	int64_t hub_started_at; /* mono ms the running one started */
	char hub_out[600];      /* what it printed (the start of it) */
	size_t hub_out_n;
	char hub_exe[PATH_MAX]; /* this program, run again for the sync */
	int64_t hub_check_at;   /* mono ms of the next look at what the hub acknowledged */
	int hub_problem;        /* the problem "hub" is open (this run opened it) */
};

/* Call-in kinds a worker's call can be (worker.ci_kind). */
enum ci_kind { CI_NONE = 0, CI_IN, CI_BACK };

/* drv_voice.c, for drv_callin.c: */
/* The audio of notice `id` for a call: NULL while it is being rendered
 * (requested if needed); *failed set when it cannot be. */
struct pcm *voice_notice_audio(struct daemon *d, int64_t id, const char *text, const char *audio_path);
/* Opens `w`'s audio port with the voice driver's hooks (segment done,
 * DTMF digit -> the call table).  NULL with err. */
struct audio_port *voice_audio_open(struct worker *w, char *err, size_t errlen);
/* A prompt by name into p (recording, cache or synthesis request);
 * 0, or -1 with err. */
int voice_prompt_load(struct daemon *d, const char *name, struct pcm *p, char *err, size_t errlen);
/* The audio port of a call that ended closes (W_CALL_END -> W_IDLE). */
void voice_reap(struct worker *w);
/* Any text's speech into p (from the cache, else a synthesis request:
 * p->pending until it is done).  p must outlive the request. */
void voice_text_load(struct daemon *d, const char *text, struct pcm *p, const char *what);

/* drv_callin_head.c, for drv_callin.c: the head's recording menu. */
void callin_head_open(struct daemon *d);
void callin_head_close(struct daemon *d);
/* The caller is a sender with a PIN: 1 (w->head filled), else 0. */
int callin_head_caller(struct worker *w, const char *number);
void callin_head_menu(struct worker *w, enum call_menu_ev ev, char digit);
void callin_head_ended(struct worker *w);
void callin_head_io(struct worker *w);
void callin_head_reset(struct worker *w);

/* drv_callin.c, for drv_voice.c (the call table's ops): */
void callin_prompts_open(struct daemon *d);
enum call_offer callin_op_offer(struct worker *w, const char *number);
void callin_op_menu(struct worker *w, enum call_menu_ev ev, char digit);
void callin_op_ended(struct worker *w);
/* A URC of the call-in kind (SIMCom MISSED_CALL:). */
void callin_missed(struct worker *w, const char *line);
/* Each loop turn: a menu waiting for a notice's audio. */
void callin_io(struct worker *w);

/* A problem is open (drv_health.c): recorded for `loa status` and the web
 * banner, and told to the admins by SMS at most once per alert_every_h.
 * `text` is what officers read (Vietnamese). */
void daemon_problem(struct daemon *d, const char *key, const char *text);
/* The problem is over (the banner goes; nothing is sent). */
void daemon_problem_over(struct daemon *d, const char *key);

/* A balance the SIM of `w` reported (USSD or the carrier's SMS): recorded,
 * and the admins told when it is below the modem's low_balance. */
void daemon_balance(struct worker *w, int64_t dong, const char *text);

/* A store call whose failure is logged and survived. */
int daemon_db_log(struct daemon *d, const char *sub, const char *what, int rc);
/* A mobile number in E.164, anything else as it is. */
void daemon_normalise_number(const char *in, char *out, size_t n);
#endif
