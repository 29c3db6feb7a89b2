/* daemon_int — what the daemon's files share: daemon.c (the loop, the
 * modem hooks, SMS out), sms_in.c (SMS and status reports in), voice.c
 * (calls and their speech).  Not for use outside them. */
#ifndef LOA_DAEMON_INT_H
#define LOA_DAEMON_INT_H
#include "db/store_call.h"
#include "db/store_sms.h"
#include "app/config.h"
#include "gateway/daemon.h"
#include "modem/at.h"
#include "modem/call.h"
#include "modem/codec.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct audio_port;
struct tts_engine;

enum { CMGS_TIMEOUT_MS = 60000, CMGR_TIMEOUT_MS = 10000, CLAIM_PAUSE_MS = 1000, EXPIRE_EVERY_MS = 60000,
       REASM_MAX_AGE_S = 86400, CALL_GUARD_MS = 300 };

struct daemon;

struct dmodem {
	struct daemon *d;
	const struct loa_modem_cfg *cfg;
	struct at_modem *at;
	char sub[48];           /* "modem(m1)" */
	int has_job;
	int64_t reply_id;       /* the job is an outbox reply (short codes), not a delivery */
	char reply_to[24];
	struct sms_job job;
	struct codec_submit enc;
	int part;               /* next part to send (0-based) */
	int awaiting;           /* AT+CMGS in flight */
	int reading;            /* AT+CMGR/CMGL in flight */
	char mem[4];            /* message storage AT+CPMS selects once the queue
				 * has run ("" unknown): reads name their storage */
	int64_t free_at_ms;     /* pacing */
	int parts_today;
	int64_t unready_since;  /* mono ms the modem left READY, 0 while ready */
	int unpinned;           /* its multipart messages went to other modems */
	/* voice */
	struct call call;
	struct call_job cj;
	struct audio_port *audio;
	int audio_close;        /* close the audio port from the loop */
	int chup_pending;       /* AT+CHUP at (re)connect in flight: no dialing yet */
	int call_cmds;          /* call commands queued or in flight */
	int64_t call_guard_until; /* mono ms: no dial before (trailing end reports) */
	const int16_t *notice_pcm;
	size_t notice_n;
};

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
	int slot;               /* 0..SEG_N-1: prompt; SEG_N + i: notice cache i */
	int done, rc;           /* written by the synthesis thread */
	char path[PATH_MAX];
	char err[200];
	struct tts_req *next;
};
enum { NOTICE_CACHE = 4 };

struct daemon {
	const struct loa_config *cfg;
	struct store *st;
	struct daemon_opts o;
	struct dmodem m[LOA_MAX_MODEMS];
	int n;
	int gw_parts_today;
	int64_t day_start_s;
	int budget_logged;      /* "budget spent" said once a day */
	int64_t started_s;
	int64_t claim_pause_until;
	int stopping;
	/* voice */
	struct tts_engine *tts;
	int voice_ok;           /* some modem has an audio port and speech works */
	char voice_err[400];    /* why there is no speech at all: queued calls fail */
	int tts_pipe[2];
	struct tts_req *reqs;
	struct pcm prompt[SEG_N];
	struct pcm notice[NOTICE_CACHE];
	int notice_next;
};

/* A store call whose failure is logged and survived. */
int daemon_db_log(struct daemon *d, const char *sub, const char *what, int rc);
/* A mobile number in E.164, anything else as it is. */
void daemon_normalise_number(const char *in, char *out, size_t n);

/* sms_in.c: +CMTI/+CDSI/+CMT/+CDS; READY (what was stored while away);
 * the port left READY (the selected storage is unknown again). */
void sms_in_urc(struct dmodem *dm, const struct at_urc *u);
void sms_in_ready(struct dmodem *dm);
void sms_in_lost(struct dmodem *dm);

/* voice.c */
void voice_open(struct daemon *d);
void voice_close(struct daemon *d);
/* Collects finished renderings (loop side). */
void voice_collect(struct daemon *d);
void voice_init_modem(struct dmodem *dm);
/* No speech at all: every due voice delivery fails with d->voice_err. */
void voice_fail_all(struct daemon *d);
/* Starts a call on `dm` if one is due and its audio is ready; 1 if it did. */
int voice_claim(struct dmodem *dm, int urgent_only);
/* Closes the audio port of a call that ended (from the loop). */
void voice_reap(struct dmodem *dm);
#endif
