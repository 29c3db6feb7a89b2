/* at — the engine itself: command queue, input, lifecycle (see at.h for
 * the lifecycle diagram and the API).  The family rows it reads are in
 * profile.c, the pure line parsing in at_line.c.
 *
 * DESIGN
 *  - Why our own engine: libgammu's AT driver is synchronous (sleeps ~0.7 s
 *    per SMS), has no call-progress state and stalls on unknown URCs.  Here
 *    every line is classified at once: the final result of the command in
 *    flight, a URC (dispatched to the owner), an echo (dropped), or an
 *    intermediate line of the command in flight.  Unknown lines outside a
 *    command are logged and dropped, so vendor noise never delays a command.
 *  - A line that starts with the command's own prefix ("+CREG:" while
 *    "AT+CREG?" is in flight) is a response, not a URC.
 *  - +CMT and +CDS carry their PDU on the next line: the engine holds the
 *    header line until that line arrives, whatever else is going on.
 *  - Lifecycle transitions are a table (fsm[] below) plus per-state on-enter
 *    actions (states[]); timers are named (timers[]).  Anything else is
 *    rejected with a log line, in the style "modem(m1){READY}: ...".
 *  - After a timeout while a PDU prompt may be open we write ESC, which
 *    cancels PDU input, so the next command is not swallowed as PDU text.
 *  - Two command timeouts in a row mean the modem stopped answering: the
 *    port is closed and reopened with back-off (same as EIO/HUP). */
#include "modem/at.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "modem/profile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

/* ---------------- the engine ---------------- */

enum phase { PH_IDLE, PH_SENT, PH_BODY };
/* CMD_DIAL: ATD/ATA, the only commands whose final result may be NO
 * CARRIER, BUSY or NO ANSWER; for any other command those words are a
 * call's end report, not its answer.  CMD_ABORTED: an abort byte went out. */
enum { CMD_INTERNAL = 1, CMD_DIAL = 2, CMD_ABORTED = 4 };

struct at_cmd {
	struct at_cmd *next;
	char *text;
	char *pdu;
	int timeout_ms;
	at_done_fn cb;
	void *arg;
	int flags;
};

/* Named timers: one deadline each (0 = off). */
enum at_timer { T_CMD, T_BACKOFF, T_HEALTH, T_SETTLE, T_N };
static const char *const timer_names[T_N] = { "command", "backoff", "health", "settle" };

struct at_modem {
	struct at_config cfg;
	const struct profile *prof;
	struct at_hooks hooks;
	void *hook_arg;
	enum at_state state;
	int fd;
	char in[4096];
	size_t in_len;
	struct sbuf out;
	struct at_cmd *cur, *q_head, *q_tail;
	enum phase phase;
	int body_sent;
	struct sbuf lines;
	enum at_urc_kind pending_urc; /* +CMT/+CDS header waiting for its PDU line */
	char pending_line[256];
	int64_t t[T_N];
	int init_step, init_tries, pin_sent;
	int timeouts_in_row;
	int backoff_ms;
	int registered, signal;
	int need_esc;
	int after_prompt;             /* the byte after "> " may be its space */
	int settling;                 /* INIT: discarding stale input */
	int sr_stored;                /* status reports are stored (+CDSI) */
	char why[128];
};

static void fsm(struct at_modem *m, enum at_event ev, const char *why);

#define MLOG(lvl, m, ...)                                                                \
	do {                                                                             \
		char sub_[64];                                                           \
		snprintf(sub_, sizeof sub_, "modem(%s){%s}", (m)->cfg.name, at_state_name((m)->state)); \
		log_msg(lvl, sub_, __VA_ARGS__);                                         \
	} while (0)

const char *at_name(const struct at_modem *m)
{
	return m->cfg.name;
}

enum at_state at_state(const struct at_modem *m)
{
	return m->state;
}

const struct profile *at_profile(const struct at_modem *m)
{
	return m->prof;
}

int at_fd(const struct at_modem *m)
{
	return m->fd;
}

void at_health(const struct at_modem *m, int *registered, int *signal)
{
	*registered = m->registered;
	*signal = m->signal;
}

int at_reports_stored(const struct at_modem *m)
{
	return m->sr_stored;
}

int at_busy(const struct at_modem *m)
{
	return m->cur != NULL || m->q_head != NULL;
}

static void timer_set(struct at_modem *m, enum at_timer t, int ms)
{
	m->t[t] = clock_mono_ms() + ms;
}

int64_t at_deadline(const struct at_modem *m)
{
	int64_t d = INT64_MAX;
	for (int i = 0; i < T_N; i++)
		if (m->t[i] && m->t[i] < d)
			d = m->t[i];
	return d;
}

static void cmd_free(struct at_cmd *c)
{
	free(c->text);
	free(c->pdu);
	free(c);
}

/* Ends the command in flight with `final`. */
static void finish(struct at_modem *m, enum at_final final, int code)
{
	struct at_cmd *c = m->cur;
	if (!c)
		return;
	m->cur = NULL;
	m->t[T_CMD] = 0;
	/* AT+CMGS ended without its PDU: the modem may sit in PDU entry (a
	 * prompt that comes late); ESC before the next command cancels it */
	if (c->pdu && !m->body_sent)
		m->need_esc = 1;
	m->phase = PH_IDLE;
	/* the callback may queue the next command, which reuses m->lines */
	char *lines = sbuf_take(&m->lines);
	struct at_result r = { final, code, m->body_sent, lines };
	m->body_sent = 0;
	if (c->cb)
		c->cb(m, &r, c->arg);
	free(lines);
	cmd_free(c);
}

static void fail_all(struct at_modem *m, enum at_final why)
{
	finish(m, why, 0);
	while (m->q_head) {
		struct at_cmd *c = m->q_head;
		m->q_head = c->next;
		struct at_result r = { why, 0, 0, "" };
		if (c->cb)
			c->cb(m, &r, c->arg);
		cmd_free(c);
	}
	m->q_tail = NULL;
}

static void port_close(struct at_modem *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	m->in_len = 0;
	sbuf_reset(&m->out);
	m->pending_urc = URC_NONE;
}

/* Writes now, keeps what the port does not take for POLLOUT. */
static void out_write(struct at_modem *m, const char *s, size_t n)
{
	if (m->fd < 0)
		return;
	if (m->out.len == 0) {
		ssize_t w = write(m->fd, s, n);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(m->why, sizeof m->why, "write: %s", strerror(errno));
			return; /* at_io() sees the HUP/ERR next round; see also send_next */
		}
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
	if (n)
		sbuf_addn(&m->out, s, n);
}

static void send_next(struct at_modem *m)
{
	if (m->cur || !m->q_head || m->fd < 0)
		return;
	struct at_cmd *c = m->q_head;
	m->q_head = c->next;
	if (!m->q_head)
		m->q_tail = NULL;
	c->next = NULL;
	m->cur = c;
	m->phase = PH_SENT;
	m->body_sent = 0;
	sbuf_reset(&m->lines);
	if (m->need_esc) {
		out_write(m, "\x1b", 1);
		m->need_esc = 0;
	}
	MLOG(LL_DEBUG, m, "> %s", c->text);
	out_write(m, c->text, strlen(c->text));
	out_write(m, "\r", 1);
	timer_set(m, T_CMD, c->timeout_ms);
}

static void enqueue(struct at_modem *m, struct at_cmd *c, int front)
{
	if (front) {
		c->next = m->q_head;
		m->q_head = c;
		if (!m->q_tail)
			m->q_tail = c;
	} else {
		c->next = NULL;
		if (m->q_tail)
			m->q_tail->next = c;
		else
			m->q_head = c;
		m->q_tail = c;
	}
	send_next(m);
}

static struct at_cmd *cmd_new(const char *text, const char *pdu, int timeout_ms, at_done_fn cb, void *arg, int flags)
{
	struct at_cmd *c = xcalloc(1, sizeof *c);
	c->text = xstrdup(text);
	c->pdu = pdu ? xstrdup(pdu) : NULL;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	c->cb = cb;
	c->arg = arg;
	c->flags = flags;
	if (!strncasecmp(text, "ATD", 3) || !strncasecmp(text, "ATA", 3))
		c->flags |= CMD_DIAL;
	return c;
}

int at_cmd(struct at_modem *m, const char *cmd, int timeout_ms, at_done_fn cb, void *arg)
{
	if (m->state != AT_READY)
		return -1;
	enqueue(m, cmd_new(cmd, NULL, timeout_ms, cb, arg, 0), 0);
	return 0;
}

int at_cmd_urgent(struct at_modem *m, const char *cmd, int timeout_ms, at_done_fn cb, void *arg)
{
	if (m->state != AT_READY)
		return -1;
	enqueue(m, cmd_new(cmd, NULL, timeout_ms, cb, arg, 0), 1);
	struct at_cmd *c = m->cur;
	if (c && (c->flags & CMD_DIAL) && !(c->flags & CMD_ABORTED)) {
		/* V.25ter 6.3.1: any character aborts a dial in progress (and is
		 * discarded); ESC is also harmless if the dial just ended */
		MLOG(LL_DEBUG, m, "aborting %s", c->text);
		c->flags |= CMD_ABORTED;
		out_write(m, "\x1b", 1);
	}
	return 0;
}

int at_cmgs(struct at_modem *m, int tpdu_len, const char *hex, int timeout_ms, at_done_fn cb, void *arg)
{
	if (m->state != AT_READY || tpdu_len < 1 || !hex)
		return -1;
	char text[32];
	snprintf(text, sizeof text, "AT+CMGS=%d", tpdu_len);
	enqueue(m, cmd_new(text, hex, timeout_ms, cb, arg, 0), 0);
	return 0;
}

/* ---- init sequence (driven by the profile's step list) ---- */

static void init_next(struct at_modem *m);

static void init_done(struct at_modem *mm, const struct at_result *r, void *arg)
{
	(void)arg;
	struct at_modem *m = mm;
	if (m->state != AT_INIT)
		return;
	const struct profile_init_step *s = &m->prof->init[m->init_step];
	if (r->final == AT_R_LOST)
		return; /* the state machine already moved */
	if (r->final == AT_R_TIMEOUT) {
		if ((s->flags & INIT_SYNC) && ++m->init_tries < 5) {
			m->need_esc = 1;
			init_next(m); /* same step again */
			return;
		}
		if (!(s->flags & INIT_OPTIONAL)) {
			fsm(m, ATE_NO_ANSWER, s->cmd);
			return;
		}
	} else if (s->flags & INIT_PIN) {
		if (r->final == AT_R_OK && strstr(r->lines, "SIM PIN")) {
			if (!m->cfg.pin[0] || m->pin_sent) {
				fsm(m, ATE_SIM_FAIL, m->pin_sent ? "SIM PIN refused" : "SIM asks for a PIN: set pin = in its [modem] section");
				return;
			}
			char cmd[48];
			snprintf(cmd, sizeof cmd, "AT+CPIN=\"%s\"", m->cfg.pin);
			m->pin_sent = 1;
			enqueue(m, cmd_new(cmd, NULL, 10000, init_done, NULL, CMD_INTERNAL), 1);
			/* after the PIN, ask again: the step index stays on AT+CPIN? */
			return;
		}
		if (r->final == AT_R_OK && strstr(r->lines, "SIM PUK")) {
			fsm(m, ATE_SIM_FAIL, "SIM is PUK-locked");
			return;
		}
		if (r->final == AT_R_CME && (r->code == 10 || r->code == 13 || r->code == 15)) {
			fsm(m, ATE_SIM_FAIL, "SIM absent or failed");
			return;
		}
		if (m->pin_sent && r->final == AT_R_CME) {
			fsm(m, ATE_SIM_FAIL, "SIM PIN refused");
			return;
		}
		if (r->final == AT_R_OK && m->pin_sent && !strstr(r->lines, "READY") && r->lines[0] == '\0') {
			/* the answer to AT+CPIN="..." itself: ask again */
			enqueue(m, cmd_new("AT+CPIN?", NULL, 5000, init_done, NULL, CMD_INTERNAL), 1);
			return;
		}
		/* READY, or a modem that does not know AT+CPIN?: carry on */
	} else if ((s->flags & INIT_SR_STORED) && r->final == AT_R_OK) {
		m->sr_stored = 1;
	} else if (r->final != AT_R_OK && !(s->flags & INIT_OPTIONAL)) {
		char why[96];
		snprintf(why, sizeof why, "%s: %s", s->cmd, at_final_name(r->final));
		fsm(m, ATE_INIT_FAIL, why);
		return;
	}
	m->init_step++;
	m->init_tries = 0;
	init_next(m);
}

static void init_next(struct at_modem *m)
{
	while (m->prof->init[m->init_step].cmd && (m->prof->init[m->init_step].flags & INIT_UNLESS_SR) &&
	       m->sr_stored)
		m->init_step++;
	const struct profile_init_step *s = &m->prof->init[m->init_step];
	if (!s->cmd) {
		fsm(m, ATE_INIT_OK, "init done");
		return;
	}
	enqueue(m, cmd_new(s->cmd, NULL, s->timeout_ms, init_done, NULL, CMD_INTERNAL), 1);
}

/* ---- health ---- */

static void health_done(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)arg;
	if (r->final != AT_R_OK)
		return;
	int v;
	for (const char *l = r->lines; l && *l;) {
		char line[128];
		size_t n = strcspn(l, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), l);
		if (at_parse_creg(line, &v) == 0)
			m->registered = v == 1 || v == 5;
		else if (at_parse_csq(line, &v) == 0)
			m->signal = v;
		l += n;
		if (*l)
			l++;
	}
	if (m->hooks.health && strstr(r->lines, "+CSQ"))
		m->hooks.health(m, m->registered, m->signal, m->hook_arg);
}

static void health_poll(struct at_modem *m)
{
	if (m->state != AT_READY)
		return;
	enqueue(m, cmd_new("AT+CREG?", NULL, 5000, health_done, NULL, CMD_INTERNAL), 0);
	enqueue(m, cmd_new("AT+CSQ", NULL, 5000, health_done, NULL, CMD_INTERNAL), 0);
	timer_set(m, T_HEALTH, AT_HEALTH_MS);
}

/* ---- lifecycle table ---- */

static int default_open(const char *port, int baud, void *arg)
{
	(void)arg;
	int fd = open(port, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct termios tio;
	if (tcgetattr(fd, &tio) == 0) {
		static const struct {
			int baud;
			speed_t sp;
		} speeds[] = { { 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
			       { 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 }, { 921600, B921600 } };
		speed_t sp = B115200;
		for (size_t i = 0; i < ARRAY_LEN(speeds); i++)
			if (speeds[i].baud == baud)
				sp = speeds[i].sp;
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL | CREAD;
		cfsetispeed(&tio, sp);
		cfsetospeed(&tio, sp);
		tcsetattr(fd, TCSANOW, &tio);
		tcflush(fd, TCIOFLUSH);
	}
	return fd;
}

static void enter_closed(struct at_modem *m)
{
	fail_all(m, AT_R_LOST);
	port_close(m);
	m->settling = 0;
	for (int i = 0; i < T_N; i++)
		m->t[i] = 0;
}

static void enter_opening(struct at_modem *m)
{
	int fd = m->cfg.open_port ? m->cfg.open_port(m->cfg.port, m->cfg.baud, m->cfg.open_arg)
				  : default_open(m->cfg.port, m->cfg.baud, NULL);
	if (fd < 0) {
		char why[PATH_MAX + 64];
		snprintf(why, sizeof why, "%s: %s", m->cfg.port, strerror(-fd));
		fsm(m, ATE_OPEN_FAIL, why);
		return;
	}
	m->fd = fd;
	fsm(m, ATE_OPENED, m->cfg.port);
}

/* A previous run (or a crash) may have left the modem inside a PDU prompt
 * or with answers still on their way.  ESC cancels a prompt; what arrives
 * during AT_SETTLE_MS is stale and dropped, so every later answer belongs
 * to the command we sent (else answers shift by one and an old OK could be
 * taken for a new +CMGS). */
static void enter_init(struct at_modem *m)
{
	m->init_step = 0;
	m->init_tries = 0;
	m->pin_sent = 0;
	m->sr_stored = 0;
	m->timeouts_in_row = 0;
	m->need_esc = 0;
	m->settling = 1;
	out_write(m, "\x1b", 1);
	timer_set(m, T_SETTLE, AT_SETTLE_MS);
}

static void enter_ready(struct at_modem *m)
{
	m->backoff_ms = AT_BACKOFF_MIN_MS;
	m->timeouts_in_row = 0;
	health_poll(m);
}

static void enter_backoff(struct at_modem *m)
{
	fail_all(m, AT_R_LOST);
	port_close(m);
	m->settling = 0;
	m->t[T_SETTLE] = 0;
	m->t[T_HEALTH] = 0;
	timer_set(m, T_BACKOFF, m->backoff_ms);
	m->backoff_ms = m->backoff_ms * 2 > AT_BACKOFF_MAX_MS ? AT_BACKOFF_MAX_MS : m->backoff_ms * 2;
}

static void enter_failed(struct at_modem *m)
{
	fail_all(m, AT_R_LOST);
	port_close(m);
	m->settling = 0;
	m->t[T_SETTLE] = 0;
	m->t[T_HEALTH] = 0;
	timer_set(m, T_BACKOFF, AT_FAILED_RETRY_MS);
}

static const struct {
	const char *name;
	void (*on_enter)(struct at_modem *m);
} states[AT_N_STATES] = {
	[AT_CLOSED] = { "CLOSED", enter_closed },
	[AT_OPENING] = { "OPENING", enter_opening },
	[AT_INIT] = { "INIT", enter_init },
	[AT_READY] = { "READY", enter_ready },
	[AT_BACKOFF] = { "BACKOFF", enter_backoff },
	[AT_FAILED] = { "FAILED", enter_failed },
};

static const struct transition {
	enum at_state from;
	enum at_event ev;
	enum at_state to;
} transitions[] = {
	{ AT_CLOSED, ATE_START, AT_OPENING },
	{ AT_OPENING, ATE_OPENED, AT_INIT },
	{ AT_OPENING, ATE_OPEN_FAIL, AT_BACKOFF },
	{ AT_INIT, ATE_INIT_OK, AT_READY },
	{ AT_INIT, ATE_INIT_FAIL, AT_BACKOFF },
	{ AT_INIT, ATE_SIM_FAIL, AT_FAILED },
	{ AT_INIT, ATE_PORT_LOST, AT_BACKOFF },
	{ AT_INIT, ATE_NO_ANSWER, AT_BACKOFF },
	{ AT_READY, ATE_PORT_LOST, AT_BACKOFF },
	{ AT_READY, ATE_NO_ANSWER, AT_BACKOFF },
	{ AT_BACKOFF, ATE_TIMER, AT_OPENING },
	{ AT_FAILED, ATE_TIMER, AT_OPENING },
	{ AT_OPENING, ATE_STOP, AT_CLOSED },
	{ AT_INIT, ATE_STOP, AT_CLOSED },
	{ AT_READY, ATE_STOP, AT_CLOSED },
	{ AT_BACKOFF, ATE_STOP, AT_CLOSED },
	{ AT_FAILED, ATE_STOP, AT_CLOSED },
};

static void fsm(struct at_modem *m, enum at_event ev, const char *why)
{
	for (size_t i = 0; i < ARRAY_LEN(transitions); i++) {
		if (transitions[i].from != m->state || transitions[i].ev != ev)
			continue;
		enum at_state from = m->state, to = transitions[i].to;
		enum log_level lvl = (to == AT_BACKOFF || to == AT_FAILED) ? LL_WARN : LL_INFO;
		if (to == AT_BACKOFF && from == AT_OPENING)
			lvl = LL_DEBUG; /* a missing port is retried quietly */
		MLOG(lvl, m, "%s -> %s (%s)", at_event_name(ev), states[to].name, why ? why : "");
		m->state = to;
		if (m->hooks.state)
			m->hooks.state(m, from, to, why, m->hook_arg);
		/* the hook may have stopped us */
		if (m->state == to)
			states[to].on_enter(m);
		return;
	}
	MLOG(LL_DEBUG, m, "event %s rejected (%s)", at_event_name(ev), why ? why : "");
}

struct at_modem *at_new(const struct at_config *cfg, const struct at_hooks *hooks, void *arg)
{
	struct at_modem *m = xcalloc(1, sizeof *m);
	m->cfg = *cfg;
	m->prof = profile_for(cfg->family);
	if (hooks)
		m->hooks = *hooks;
	m->hook_arg = arg;
	m->fd = -1;
	m->state = AT_CLOSED;
	m->backoff_ms = AT_BACKOFF_MIN_MS;
	m->signal = 99;
	sbuf_init(&m->out);
	sbuf_init(&m->lines);
	return m;
}

void at_free(struct at_modem *m)
{
	if (!m)
		return;
	m->hooks.state = NULL;
	m->state = AT_CLOSED;
	enter_closed(m);
	sbuf_free(&m->out);
	sbuf_free(&m->lines);
	free(m);
}

void at_start(struct at_modem *m)
{
	fsm(m, ATE_START, "start");
}

void at_stop(struct at_modem *m)
{
	fsm(m, ATE_STOP, "stop");
}

short at_events(const struct at_modem *m)
{
	if (m->fd < 0)
		return 0;
	return (short)(POLLIN | (m->out.len ? POLLOUT : 0));
}

/* ---- input ---- */

static void dispatch_urc(struct at_modem *m, enum at_urc_kind k, enum at_call_ev ev, const char *line,
			 const char *pdu)
{
	if (k == URC_CREG) {
		int stat;
		if (at_parse_creg(line, &stat) == 0) {
			m->registered = stat == 1 || stat == 5;
			if (m->hooks.health)
				m->hooks.health(m, m->registered, m->signal, m->hook_arg);
		}
	}
	if (k == URC_IGNORE) {
		MLOG(LL_DEBUG, m, "noise: %s", line);
		return;
	}
	struct at_urc u = { k, ev, line, pdu };
	if (m->hooks.urc)
		m->hooks.urc(m, &u, m->hook_arg);
}

/* The response prefix of a command: "AT+CREG?" -> "+CREG". */
static int is_own_response(const struct at_cmd *c, const char *line)
{
	if (!c || strncmp(c->text, "AT", 2) != 0)
		return 0;
	const char *p = c->text + 2;
	size_t n = strcspn(p, "=?");
	if (n == 0 || (p[0] != '+' && p[0] != '^'))
		return 0;
	return strncmp(line, p, n) == 0 && line[n] == ':';
}

static void handle_line(struct at_modem *m, char *line)
{
	/* drop a prompt left glued to a line by a modem echoing "> PDU" */
	while (line[0] == '>' && line[1] == ' ')
		line += 2;
	if (!line[0])
		return;
	if (m->pending_urc != URC_NONE) {
		enum at_urc_kind k = m->pending_urc;
		m->pending_urc = URC_NONE;
		dispatch_urc(m, k, CALL_EV_NONE, m->pending_line, line);
		return;
	}
	struct at_cmd *c = m->cur;
	/* echo of the command or of the PDU */
	if (c && (strcmp(line, c->text) == 0 || (c->pdu && strstr(line, c->pdu)))) {
		return;
	}
	int code;
	int f = at_line_final(line, &code);
	if (f == AT_R_OK && c && c->pdu && m->phase == PH_SENT) {
		/* no modem says OK to AT+CMGS=<n> before the prompt: a stray
		 * answer to something earlier; never take it for a submit */
		MLOG(LL_WARN, m, "stray OK before the PDU prompt ignored");
		return;
	}
	int call_word = f == AT_R_NO_CARRIER || f == AT_R_BUSY || f == AT_R_NO_ANSWER || f == AT_R_NO_DIALTONE;
	if (call_word && c && !(c->flags & CMD_DIAL))
		f = -1; /* a call ended while some other command ran: a URC */
	if (f >= 0 && c) {
		MLOG(LL_DEBUG, m, "< %s", line);
		m->timeouts_in_row = 0;
		finish(m, (enum at_final)f, code);
		send_next(m);
		return;
	}
	if (!is_own_response(c, line)) {
		enum at_call_ev ev;
		enum at_urc_kind k = at_line_urc(m->prof, line, &ev);
		if (call_word) {
			k = URC_CALL;
			ev = CALL_EV_ENDED;
		}
		if (k == URC_CMT || k == URC_CDS) {
			m->pending_urc = k;
			size_t n = strlen(line);
			if (n >= sizeof m->pending_line)
				n = sizeof m->pending_line - 1;
			memcpy(m->pending_line, line, n);
			m->pending_line[n] = '\0';
			return;
		}
		if (k != URC_NONE) {
			dispatch_urc(m, k, ev, line, NULL);
			return;
		}
	}
	if (c) {
		if (m->lines.len)
			sbuf_addc(&m->lines, '\n');
		sbuf_add(&m->lines, line);
		return;
	}
	MLOG(LL_DEBUG, m, "unsolicited, ignored: %.80s", line);
}

/* The "> " prompt of AT+CMGS has no line end and may share a read with the
 * lines around it ("\r\n> \r\n+CDS: 25\r\n0791...").  It is recognised
 * byte by byte, at the start of a line, whenever the submit in flight waits
 * for it: the PDU goes out at once and the bytes after it are framed as
 * usual, so the URCs that came with it are still dispatched. */
static int awaiting_prompt(const struct at_modem *m)
{
	return m->cur && m->cur->pdu && m->phase == PH_SENT;
}

static void prompt_seen(struct at_modem *m)
{
	struct at_cmd *c = m->cur;
	MLOG(LL_DEBUG, m, "< > (prompt)");
	out_write(m, c->pdu, strlen(c->pdu));
	out_write(m, "\x1a", 1);
	m->phase = PH_BODY;
	m->body_sent = 1;
}

void at_feed(struct at_modem *m, const char *buf, size_t n)
{
	if (m->settling) {
		MLOG(LL_DEBUG, m, "dropped %zu stale byte(s)", n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (m->after_prompt) {
			m->after_prompt = 0;
			if (ch == ' ')
				continue; /* the space of "> " */
		}
		if (ch == '\r' || ch == '\n') {
			if (m->in_len) {
				m->in[m->in_len] = '\0';
				m->in_len = 0;
				handle_line(m, m->in);
			}
			continue;
		}
		if (ch == '>' && m->in_len == 0 && awaiting_prompt(m)) {
			prompt_seen(m);
			m->after_prompt = 1;
			continue;
		}
		if (ch < 0x20 && ch != '\t')
			continue; /* line noise */
		if (m->in_len + 1 >= sizeof m->in) {
			MLOG(LL_WARN, m, "line longer than %zu bytes dropped", sizeof m->in);
			m->in_len = 0;
			continue;
		}
		m->in[m->in_len++] = (char)ch;
	}
}

void at_io(struct at_modem *m, short revents)
{
	if (m->fd < 0)
		return;
	if (revents & POLLIN) {
		char buf[4096];
		for (;;) {
			ssize_t n = read(m->fd, buf, sizeof buf);
			if (n > 0) {
				at_feed(m, buf, (size_t)n);
				if (m->fd < 0)
					return;
				if ((size_t)n < sizeof buf)
					break;
				continue;
			}
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			fsm(m, ATE_PORT_LOST, n == 0 ? "port closed" : strerror(errno));
			return;
		}
	}
	if ((revents & (POLLHUP | POLLERR | POLLNVAL)) && !(revents & POLLIN)) {
		fsm(m, ATE_PORT_LOST, "port hung up");
		return;
	}
	if ((revents & POLLOUT) && m->out.len) {
		ssize_t w = write(m->fd, m->out.s, m->out.len);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			fsm(m, ATE_PORT_LOST, strerror(errno));
			return;
		}
		if (w > 0) {
			memmove(m->out.s, m->out.s + w, m->out.len - (size_t)w);
			m->out.len -= (size_t)w;
		}
	}
}

void at_tick(struct at_modem *m)
{
	int64_t now = clock_mono_ms();
	for (int t = 0; t < T_N; t++) {
		if (!m->t[t] || m->t[t] > now)
			continue;
		m->t[t] = 0;
		MLOG(LL_DEBUG, m, "timer %s", timer_names[t]);
		switch ((enum at_timer)t) {
		case T_CMD: {
			if (!m->cur)
				break;
			int internal = m->cur->flags & CMD_INTERNAL;
			char what[64];
			snprintf(what, sizeof what, "no answer to %.40s", m->cur->text);
			MLOG(LL_WARN, m, "%s", what);
			m->need_esc = m->phase != PH_IDLE && m->cur->pdu != NULL;
			int in_init = m->state == AT_INIT;
			finish(m, AT_R_TIMEOUT, 0);
			/* init steps count their own retries */
			if (!in_init && ++m->timeouts_in_row >= AT_NO_ANSWER_LIMIT) {
				fsm(m, ATE_NO_ANSWER, what);
				return;
			}
			(void)internal;
			send_next(m);
			break;
		}
		case T_BACKOFF:
			fsm(m, ATE_TIMER, "retry");
			break;
		case T_HEALTH:
			health_poll(m);
			break;
		case T_SETTLE:
			m->settling = 0;
			m->in_len = 0;
			if (m->state == AT_INIT)
				init_next(m);
			break;
		case T_N:
			break;
		}
	}
}
