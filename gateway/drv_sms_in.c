/* drv_sms_in — the SMS in channel driver: what comes in from the modems:
 * inbound SMS (stored, joined, handed to the short-code policy) and status
 * reports (matched to the part they report on), read from the URC itself
 * (+CMT, +CDS) or from the modem's storage (+CMTI, +CDSI, and whatever was
 * stored while the daemon was away, swept at READY); parts of inbound
 * messages that never complete expire.  Reads are counted in the worker's
 * `reading`, beside its state (see worker.h). */
#include "gateway/daemon_int.h"

#include "domain/balance.h"

#include "base/phone.h"

#include "db/store.h"
#include "base/clock.h"
#include "domain/inbox.h"
#include "base/log.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stored messages are read and deleted in the storage the URC named
 * (+CMTI: "SM",3, +CDSI: "SR",4): AT+CPMS="<mem>" goes before the first
 * command of a run in another storage.  dm->mem is the storage selected
 * once every queued command has run, so the order in the queue is right
 * whatever else is queued in between. */
static void on_cpms(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct worker *dm = arg;
	if (r->final != AT_R_OK && r->final != AT_R_LOST) {
		LOG_W(dm->sub, "selecting a message storage: %s", at_final_name(r->final));
		dm->mem[0] = '\0';
	}
}

static void select_mem(struct worker *dm, const char *mem)
{
	if (!mem[0] || !strcmp(dm->mem, mem))
		return;
	char cmd[32];
	snprintf(cmd, sizeof cmd, "AT+CPMS=\"%s\"", mem);
	if (at_cmd(dm->at, cmd, CMGR_TIMEOUT_MS, on_cpms, dm) == 0)
		snprintf(dm->mem, sizeof dm->mem, "%s", mem);
}

static void delete_index(struct worker *dm, const char *mem, int idx)
{
	char cmd[32];
	select_mem(dm, mem);
	snprintf(cmd, sizeof cmd, "AT+CMGD=%d", idx);
	at_cmd(dm->at, cmd, CMGR_TIMEOUT_MS, NULL, NULL);
}

static void handle_report(struct worker *dm, const struct codec_sms *s)
{
	enum codec_report cls = codec_report_class(s->status);
	char rcpt[32];
	daemon_normalise_number(s->number, rcpt, sizeof rcpt);
	if (cls == CODEC_REPORT_PENDING) {
		LOG_D(dm->sub, "status report mr=%d for %s: still trying (ST=0x%02X)", s->mr, rcpt, s->status);
		return;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "status report: %s (ST=0x%02X)",
		 cls == CODEC_REPORT_DELIVERED ? "delivered" : "failed", s->status);
	int64_t did, nid;
	const char *moved;
	if (store_sms_report(dm->d->st, dm->cfg->name, s->mr, rcpt, cls == CODEC_REPORT_DELIVERED, detail,
			     clock_wall_s(), &did, &nid, &moved) != STORE_OK) {
		LOG_E(dm->sub, "status report: %s", store_errmsg(dm->d->st));
		return;
	}
	if (did && moved && !strcmp(moved, "queued"))
		LOG_I(dm->sub, "delivery %lld notice %lld: first phone %s failed (%s): queued for the household's second"
			       " phone", (long long)did, (long long)nid, rcpt, detail);
	else if (did && moved)
		LOG_I(dm->sub, "delivery %lld notice %lld: %s (%s)", (long long)did, (long long)nid, moved, detail);
	else if (did)
		LOG_D(dm->sub, "delivery %lld notice %lld: part mr=%d %s", (long long)did, (long long)nid, s->mr, detail);
	else
		LOG_W(dm->sub, "status report mr=%d for %s matches no message sent by this modem", s->mr, rcpt);
}

static void handle_pdu(struct worker *dm, const char *hex, int len, int idx, const char *mem)
{
	struct codec_sms s;
	if (!hex || codec_decode(hex, len, &s) != CODEC_OK) {
		LOG_W(dm->sub, "undecodable PDU%s dropped: %.60s", idx >= 0 ? " (deleted from the SIM)" : "",
		      hex ? hex : "");
		if (idx >= 0)
			delete_index(dm, mem, idx);
		return;
	}
	if (s.kind == CODEC_STATUS) {
		handle_report(dm, &s);
		if (idx >= 0)
			delete_index(dm, mem, idx);
		return;
	}
	if (s.kind != CODEC_DELIVER) {
		if (idx >= 0)
			delete_index(dm, mem, idx);
		return;
	}
	char sender[32];
	daemon_normalise_number(s.number, sender, sizeof sender);
	int64_t now = clock_wall_s();
	char *text = s.text;
	int parts = 1;
	int64_t id = 0;
	if (s.parts > 1 && s.part >= 1 && s.part <= s.parts) {
		/* a part waits in the database, never on the SIM: fragments that
		 * never complete cannot fill it and stop inbound SMS */
		struct sms_fragment f = { dm->cfg->name, sender, s.text, s.ref, s.part, s.parts, s.scts_s };
		if (store_sms_fragment(dm->d->st, &f, now, &id, &text) != STORE_OK) {
			LOG_E(dm->sub, "inbound part from %s: %s (left on the SIM)", sender, store_errmsg(dm->d->st));
			return;
		}
		if (idx >= 0)
			delete_index(dm, mem, idx);
		if (!id) {
			LOG_D(dm->sub, "inbound part %d/%d from %s (ref %d) kept", s.part, s.parts, sender, s.ref);
			return;
		}
		parts = s.parts;
	} else if (store_sms_inbound(dm->d->st, dm->cfg->name, sender, text, 1, s.scts_s, now, &id) != STORE_OK) {
		/* (an impossible part number too: the text is a message of its own) */
		LOG_E(dm->sub, "inbound from %s: %s (left on the SIM)", sender, store_errmsg(dm->d->st));
		return;
	} else if (idx >= 0) {
		delete_index(dm, mem, idx);
	}
	LOG_I(dm->sub, "inbound %lld: SMS from %s (%d part%s) stored", (long long)id, sender, parts,
	      parts > 1 ? "s" : "");
	struct inbox_result res;
	memset(&res, 0, sizeof res);
	if (inbox_handle(dm->d->st, &dm->d->cfg->inbox, id, sender, text, now, &res) == 0)
		LOG_I(dm->sub, "inbound %lld: %s%s%s", (long long)id, res.decision, res.reason[0] ? ": " : "", res.reason);
	else
		LOG_E(dm->sub, "inbound %lld: short-code handling failed: %s", (long long)id, store_errmsg(dm->d->st));
	/* the carrier's balance SMS comes from a name or a short number, never
	 * a mobile: read the amount the same way as a USSD answer */
	struct phone ph;
	struct balance b;
	if (phone_normalise(sender, &ph) != PHONE_MOBILE && balance_parse(text, &b) == BALANCE_FOUND)
		daemon_balance(dm, b.dong, text);
	if (text != s.text)
		free(text);
}

/* Walks "+CMGR: ..."/"+CMGL: ..." header lines, each followed by its PDU. */
static void handle_listing(struct worker *dm, const char *lines, const char *prefix, int idx, const char *mem)
{
	char *copy = xstrdup(lines), *save = NULL;
	char *hdr = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, prefix, strlen(prefix)) == 0) {
			hdr = l;
			continue;
		}
		if (!hdr)
			continue;
		int len = -1, i = idx;
		at_parse_pdu_len(hdr, &len);
		if (idx < 0) {
			long v;
			char num[16];
			const char *c = strchr(hdr, ':');
			size_t n = c ? strcspn(c + 1, ",") : 0;
			if (c && n > 0 && n < sizeof num) {
				memcpy(num, c + 1, n);
				num[n] = '\0';
				if (util_parse_long(util_trim(num), 0, 100000, &v) == 0)
					i = (int)v;
			}
		}
		handle_pdu(dm, l, len, i, mem);
		hdr = NULL;
	}
	free(copy);
}

struct read_ctx {
	struct worker *dm;
	int idx;                /* AT+CMGR; -1 for a listing */
	char mem[4];
};

static void on_read(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct read_ctx *c = arg;
	c->dm->reading--;
	const char *prefix = c->idx >= 0 ? "+CMGR:" : "+CMGL:";
	if (r->final == AT_R_OK)
		handle_listing(c->dm, r->lines, prefix, c->idx, c->mem);
	else if (r->final != AT_R_LOST)
		LOG_W(c->dm->sub, "reading %s %d: %s", c->mem[0] ? c->mem : "SMS", c->idx, at_final_name(r->final));
	free(c);
}

/* idx >= 0: one message (AT+CMGR); -1: all of the storage (AT+CMGL=4). */
static void read_mem(struct worker *dm, const char *mem, int idx)
{
	struct read_ctx *c = xmalloc(sizeof *c);
	c->dm = dm;
	c->idx = idx;
	snprintf(c->mem, sizeof c->mem, "%s", mem);
	select_mem(dm, mem);
	char cmd[32];
	if (idx >= 0)
		snprintf(cmd, sizeof cmd, "AT+CMGR=%d", idx);
	else
		snprintf(cmd, sizeof cmd, "AT+CMGL=4");
	if (at_cmd(dm->at, cmd, idx >= 0 ? CMGR_TIMEOUT_MS : 30000, on_read, c) != 0) {
		free(c);
		return;
	}
	dm->reading++;
}

/* READY: which storage is selected (AT+CPMS?), then what was stored while
 * nobody listened: messages there, and status reports in "SR" when the
 * modem stores them. */
static void on_cpms_query(struct at_modem *m, const struct at_result *r, void *arg)
{
	struct worker *dm = arg;
	dm->reading--;
	char mem[4] = "";
	const char *l = r->final == AT_R_OK ? strstr(r->lines, "+CPMS:") : NULL;
	if (l) {
		const char *q = strchr(l, '"'), *e = q ? strchr(q + 1, '"') : NULL;
		if (e && e - q - 1 > 0 && (size_t)(e - q - 1) < sizeof mem)
			snprintf(mem, sizeof mem, "%.*s", (int)(e - q - 1), q + 1);
	}
	if (r->final == AT_R_LOST)
		return;
	snprintf(dm->mem, sizeof dm->mem, "%s", mem);
	read_mem(dm, mem, -1);
	if (at_reports_stored(m) && strcmp(mem, "SR") != 0)
		read_mem(dm, "SR", -1);
}

static int si_urc(struct worker *dm, const struct at_urc *u)
{
	int idx, len = -1;
	char mem[4];
	switch (u->kind) {
	case URC_CMTI:
	case URC_CDSI:
		if (at_parse_mem_index(u->line, mem, sizeof mem, &idx) == 0)
			read_mem(dm, mem, idx);
		else if (at_parse_index(u->line, &idx) == 0)
			read_mem(dm, "", idx);
		break;
	case URC_CMT:
	case URC_CDS:
		at_parse_pdu_len(u->line, &len);
		handle_pdu(dm, u->pdu, len, -1, "");
		break;
	default:
		return 0;
	}
	return 1;
}

/* READY: what was stored while away; left READY: the selected storage is
 * unknown again. */
static void si_modem_state(struct worker *dm, int ready)
{
	if (!ready) {
		dm->mem[0] = '\0';
		return;
	}
	/* messages and reports stored while we were away */
	if (at_cmd(dm->at, "AT+CPMS?", CMGR_TIMEOUT_MS, on_cpms_query, dm) == 0)
		dm->reading++;
}

static void si_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	(void)wake;
	if (now < d->frag_expire_at || d->time_held)
		return;
	int n = 0;
	if (store_sms_fragments_expire(d->st, clock_wall_s(), REASM_MAX_AGE_S, &n) == STORE_OK && n)
		LOG_W("daemon", "%d part%s of inbound SMS that never completed dropped after %d h (kept in the"
			  " inbox as 'incomplete')", n, n > 1 ? "s" : "", REASM_MAX_AGE_S / 3600);
	d->frag_expire_at = now + EXPIRE_EVERY_MS;
}

static int si_in_flight(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->m[i].reading > 0)
			return 1;
	return 0;
}

const struct channel_driver drv_sms_in = {
	.name = "sms_in",
	.modem_state = si_modem_state,
	.urc = si_urc,
	.tick = si_tick,
	.in_flight = si_in_flight,
};
