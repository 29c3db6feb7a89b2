/* libFuzzer: the inbound-SMS policy (inbox_handle) on arbitrary senders
 * and texts, against a fresh in-memory store per input holding a small
 * village: a head for every group who must confirm, a hamlet head
 * without confirmation, an officer, three households, two office notices.
 *
 * The village lives in a temporary folder (/tmp/loa-fuzz-inbox.*), removed
 * at exit.  An input is up to MAX_MSGS messages separated by NUL bytes; each is one
 * byte of clock advance (x 30 s), the sender up to a newline, then the
 * text (skipped when it is not UTF-8: the modem layer hands over UTF-8).
 * "@@" in a text becomes the latest one-time code sent to that sender, so
 * the paths behind a right code are reached too.
 *
 * Invariants after every message: the decision is one of the five; a
 * notice is created or cancelled only by a registered head that is not
 * locked out, with the code when it must confirm, and a cancel only for a
 * notice that reaches no household outside the head's groups; an SMS is
 * never marked delivered (there is no modem); replies go only to
 * registered senders, households and the forward target, and stay within
 * the hourly allowances. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/channel.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "base/clock.h"
#include "app/config.h"
#include "tests/testcfg.h"
#include "domain/inbox.h"
#include "base/log.h"
#include "domain/notice.h"
#include "base/phone.h"
#include "domain/shortcode.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 24
#define MAX_NOTICES 64
#define HEAD "+84912000001"
#define HAMLET "+84912000009"

static const char *const households[][2] = {
	{ "+84912100001", "dong" }, { "+84912100002", "dong" }, { "+84912100003", "tay" }, { HEAD, "tay" },
};
static const struct {
	const char *phone, *role, *groups;
	int confirm;
} senders[] = {
	{ HEAD, "head", "", 1 }, { HAMLET, "head", "tay", 0 }, { "+84912000002", "officer", "", 1 },
};

static struct store *st;
static struct loa_config cfg;



static void must(int ok)
{
	if (!ok)
		abort();
}

/* The village is built once into a template database in a temporary
 * folder; each input works on a fresh copy of it (copying a file is far
 * cheaper than running the migrations again). */
static char dir[32], tmpl[64], work[80];

static void cleanup(void)
{
	const char *const files[] = { tmpl, work };
	const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	char path[96];
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 4; j++) {
			snprintf(path, sizeof path, "%s%s", files[i], sides[j]);
			unlink(path);
		}
	rmdir(dir);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	must(in && out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		must(fwrite(buf, 1, n, out) == n);
	fclose(in);
	must(fclose(out) == 0);
}

static void village(void)
{
	char err[256];
	must(store_open(tmpl, &st, err, sizeof err) == STORE_OK);
	for (size_t i = 0; i < sizeof households / sizeof households[0]; i++) {
		struct household h;
		memset(&h, 0, sizeof h);
		snprintf(h.name, sizeof h.name, "Ho %zu", i + 1);
		snprintf(h.phone, sizeof h.phone, "%s", households[i][0]);
		snprintf(h.groups, sizeof h.groups, "%s", households[i][1]);
		h.channel = CH_SMS;
		must(store_household_insert(st, &h, NULL, clock_wall_s()) == STORE_OK);
	}
	for (size_t i = 0; i < sizeof senders / sizeof senders[0]; i++) {
		struct sender s;
		memset(&s, 0, sizeof s);
		snprintf(s.phone, sizeof s.phone, "%s", senders[i].phone);
		snprintf(s.role, sizeof s.role, "%s", senders[i].role);
		snprintf(s.name, sizeof s.name, "sender %zu", i + 1);
		snprintf(s.groups, sizeof s.groups, "%s", senders[i].groups);
		s.confirm = senders[i].confirm;
		must(store_sender_add(st, &s, NULL, clock_wall_s()) == STORE_OK);
	}
	must(store_template_add(st, "HOP", "Mời họp thôn 19h30.", clock_wall_s()) == STORE_OK);
	const char *targets[] = { "all", "tay" };
	for (int i = 0; i < 2; i++) {
		struct notice_plan plan;
		must(notice_plan(st, notice_of(&cfg), "Bão số 6", targets[i], CH_SMS, 1, 0, "cli", &plan, err, sizeof err) == 0);
		int64_t id;
		must(notice_create(st, &plan, &id, err, sizeof err) == 0);
		notice_plan_free(&plan);
	}
	store_close(st); /* checkpoints the WAL into the file */
	st = NULL;
}

static void fresh_store(void)
{
	char err[256], side[96];
	snprintf(side, sizeof side, "%s-wal", work);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", work);
	unlink(side);
	copy_file(tmpl, work);
	must(store_open(work, &st, err, sizeof err) == STORE_OK);
}

struct snapshot {
	int n;
	char state[MAX_NOTICES + 1]; /* by notice id: 'a'ctive, 'c'ancelled */
	int sources_ok;              /* every sms: notice names a registered head */
};

static int snap_cb(const struct notice *n, void *arg)
{
	struct snapshot *s = arg;
	if (n->id < 1 || n->id > MAX_NOTICES)
		abort();
	s->state[n->id] = n->state[0];
	if (n->id > s->n)
		s->n = (int)n->id;
	if (!strncmp(n->source, "sms:", 4)) {
		struct sender who;
		if (store_sender_by_phone(st, n->source + 4, &who) != STORE_OK || strcmp(who.role, "head") != 0)
			s->sources_ok = 0;
	}
	return 0;
}

static void snap(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->sources_ok = 1;
	must(store_notice_each(st, 0, snap_cb, s) == STORE_OK);
}

static int count_household(const struct household *h, void *arg)
{
	(void)h;
	++*(int *)arg;
	return 0;
}

/* Replies go to senders, households (first or second phone) and the
 * forward target only. */
static int outbox_cb(const struct outbox_row *r, void *arg)
{
	(void)arg;
	struct sender s;
	int households = 0;
	if (store_sender_by_phone(st, r->to, &s) != STORE_OK &&
	    (store_household_each_by_phone(st, r->to, count_household, &households) != STORE_OK || !households))
		abort();
	if (!text_is_gsm7(r->text))
		abort(); /* replies are unaccented: one cheap part */
	return 0;
}

static char last_code[8];
static const char *code_for;

static int code_cb(const struct outbox_row *r, void *arg)
{
	(void)arg;
	if (strcmp(r->to, code_for) != 0)
		return 0;
	const char *p = strstr(r->text, "XN ");
	if (!p)
		p = strstr(r->text, "GUI ");
	if (p) {
		p = strchr(p, ' ') + 1;
		if (strspn(p, "0123456789") == 6) {
			memcpy(last_code, p, 6);
			last_code[6] = '\0';
			return 1; /* newest first */
		}
	}
	return 0;
}

/* "@@" -> the latest code sent to `e164` (malloc'd copy). */
static char *with_code(const char *text, const char *e164)
{
	const char *at = strstr(text, "@@");
	if (!at)
		return strdup(text);
	strcpy(last_code, "000000");
	code_for = e164;
	must(store_outbox_each(st, 0, code_cb, NULL) != STORE_ERR); /* 1: code_cb found one */
	size_t n = strlen(text) + 8;
	char *out = malloc(n);
	snprintf(out, n, "%.*s%s%s", (int)(at - text), text, last_code, at + 2);
	return out;
}

static int count_cb(const struct report_count *c, void *arg)
{
	(void)arg;
	if (channel_state_reached(c->state))
		abort(); /* delivered with no modem: an "OK" counted as delivery */
	return 0;
}

/* No modem here: nothing is ever reached, whatever a household says. */
static void nothing_reached(int notices)
{
	for (int id = 1; id <= notices; id++)
		must(store_report_counts(st, id, count_cb, NULL, clock_wall_s()) == STORE_OK);
}

static void check_message(const char *sender, const char *text, const struct snapshot *before,
			  const struct inbox_result *res, int was_locked)
{
	static const char *const decisions[] = { "accepted", "pending", "refused", "ignored", "stored" };
	int known = 0;
	for (size_t i = 0; i < sizeof decisions / sizeof decisions[0]; i++)
		known |= !strcmp(res->decision, decisions[i]);
	if (!known || !res->reason[0] || res->replies < 0 || res->replies > 2 || res->suppressed < 0)
		abort();

	struct snapshot after;
	snap(&after);
	if (!after.sources_ok)
		abort();
	int created = after.n > before->n, cancelled = 0;
	for (int id = 1; id <= before->n; id++)
		if (before->state[id] == 'a' && after.state[id] == 'c') {
			cancelled++;
			struct sender s;
			struct phone ph;
			must(phone_normalise(sender, &ph) == PHONE_MOBILE);
			must(store_sender_by_phone(st, ph.e164, &s) == STORE_OK);
			struct notice_reach r;
			must(store_notice_reach(st, id, s.groups, &r) == STORE_OK);
			if (r.outside != 0)
				abort(); /* a head cancelled beyond its groups */
		}
	if (after.n - before->n > 1 || cancelled > 1)
		abort();
	if (created || cancelled) {
		struct phone ph;
		struct sender s;
		if (phone_normalise(sender, &ph) != PHONE_MOBILE || store_sender_by_phone(st, ph.e164, &s) != STORE_OK ||
		    strcmp(s.role, "head") != 0 || was_locked || strcmp(res->decision, "accepted") != 0)
			abort();
		struct sc_cmd cmd;
		sc_parse(text, &cmd);
		if (s.confirm && cmd.verb != SC_CONFIRM && cmd.verb != SC_OVERRIDE)
			abort(); /* acted without the one-time code */
	}

	nothing_reached(after.n);
	int64_t since = clock_wall_s() - 3600;
	if (res->replies)
		must(store_outbox_each(st, res->replies, outbox_cb, NULL) == STORE_OK);
	int n = 0;
	must(store_outbox_count_since(st, NULL, ",forward,", since, &n) == STORE_OK);
	if (n > cfg.sc_forward_per_hour)
		abort();
	for (size_t i = 0; i < sizeof senders / sizeof senders[0]; i++) {
		must(store_outbox_count_since(st, senders[i].phone, ",reply,summary,", since, &n) == STORE_OK);
		if (n > cfg.sc_reply_per_hour)
			abort();
		must(store_outbox_count_since(st, senders[i].phone, ",command,", since, &n) == STORE_OK);
		if (n > cfg.sc_command_per_hour)
			abort();
		must(store_outbox_count_since(st, senders[i].phone, ",alert,", since, &n) == STORE_OK);
		if (n > 2)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		log_set_level(LL_ERROR);
		config_defaults(&cfg, NULL);
		cfg.sc_reply_per_hour = 3;
		cfg.sc_command_per_hour = 4;
		cfg.sc_forward_per_hour = 2;
		cfg.sc_lock_wrong = 4;
		snprintf(cfg.sc_forward_unknown, sizeof cfg.sc_forward_unknown, "0912000001");
		snprintf(dir, sizeof dir, "/tmp/loa-fuzz-inbox.XXXXXX");
		must(mkdtemp(dir) != NULL);
		atexit(cleanup);
		snprintf(tmpl, sizeof tmpl, "%s/village.db", dir);
		snprintf(work, sizeof work, "%s/work.db", dir);
		clock_fake(1796090400000LL);
		village();
		init = 1;
	}
	clock_fake(1796090400000LL);
	fresh_store();
	size_t off = 0;
	for (int m = 0; m < MAX_MSGS && off < size; m++) {
		size_t end = off;
		while (end < size && data[end] != 0)
			end++;
		const uint8_t *rec = data + off;
		size_t len = end - off;
		off = end + 1;
		if (len < 1)
			continue;
		clock_advance((int64_t)rec[0] * 30 * 1000);
		const uint8_t *nl = memchr(rec + 1, '\n', len - 1);
		size_t slen = nl ? (size_t)(nl - rec - 1) : len - 1;
		char *sender = strndup((const char *)rec + 1, slen);
		char *raw = nl ? strndup((const char *)nl + 1, len - 1 - slen - 1) : strdup("");
		size_t bad;
		if (text_valid_utf8(raw, strlen(raw), &bad)) {
			struct phone ph;
			int mobile = phone_normalise(sender, &ph) == PHONE_MOBILE;
			char *text = with_code(raw, mobile ? ph.e164 : "");
			struct sender s;
			int was_locked = mobile && store_sender_by_phone(st, ph.e164, &s) == STORE_OK && s.locked_at;
			struct snapshot before;
			snap(&before);
			int64_t id = 0;
			must(store_sms_inbound_cli(st, sender, text, clock_wall_s(), &id) == STORE_OK);
			struct inbox_result res;
			inbox_handle(st, inbox_of(&cfg), id, sender, text, clock_wall_s(), &res);
			check_message(sender, text, &before, &res, was_locked);
			free(text);
		}
		free(sender);
		free(raw);
	}
	store_close(st);
	st = NULL;
	return 0;
}
