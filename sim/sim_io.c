/* sim_io — the simulator's file descriptors: a pseudo-terminal pair per
 * port (AT and audio), the symlinks DIR/mN.at and DIR/mN.audio, the JSON
 * logs, the control socket DIR/control, and the one poll() loop.
 *
 * DESIGN: a pty master reports POLLHUP while no process has the slave
 * open, which would spin poll().  So right after creating a pair we open
 * and close the slave once (putting the master in the "hung up" state), keep
 * such "detached" masters out of the poll set, and probe them every 10 ms;
 * when the hang-up clears, a host has opened the port.  While detached,
 * whatever the modem says is dropped, as a USB serial port does when nobody
 * holds it open; on first attach after (re)creation the family's boot lines
 * go out.  Termios is set raw on the master (Linux applies it to the slave)
 * and persists across opens.  Symlinks are replaced atomically (rename) so a
 * host never sees a half-made link. */
#include "sim/sim_int.h"

#include "base/clock.h"
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define PROBE_MS 10
#define MAX_CLIENTS 16

static int make_pty(struct sim_port *p, const char *link, char *err, size_t errlen)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0 ||
	    ptsname_r(fd, p->slave, sizeof p->slave) != 0) {
		snprintf(err, errlen, "cannot create a pseudo-terminal: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct termios t;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	int s = open(p->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s >= 0)
		close(s);
	char *tmp = xmalloc(strlen(link) + 8);
	sprintf(tmp, "%s.new", link);
	unlink(tmp);
	if (symlink(p->slave, tmp) != 0 || rename(tmp, link) != 0) {
		snprintf(err, errlen, "%s: cannot create the symlink: %s", link, strerror(errno));
		unlink(tmp);
		free(tmp);
		close(fd);
		return -1;
	}
	free(tmp);
	p->fd = fd;
	p->attached = 0;
	free(p->link);
	p->link = xstrdup(link);
	return 0;
}

static void drop_pty(struct sim_port *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->attached = 0;
	if (p->link) {
		unlink(p->link);
		free(p->link);
		p->link = NULL;
	}
}

int sim_io_port_open(struct sim_modem *m, char *err, size_t errlen)
{
	char link[4096];
	snprintf(link, sizeof link, "%s/%s.at", m->sim->dir, m->name);
	if (make_pty(&m->at, link, err, errlen) != 0)
		return -1;
	snprintf(link, sizeof link, "%s/%s.audio", m->sim->dir, m->name);
	if (make_pty(&m->audio, link, err, errlen) != 0) {
		drop_pty(&m->at);
		return -1;
	}
	return 0;
}

void sim_io_port_close(struct sim_modem *m)
{
	drop_pty(&m->at);
	drop_pty(&m->audio);
}

static int open_log(const char *dir, const char *name)
{
	char *p = util_path_join(dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
	free(p);
	return fd;
}

int sim_start(struct sim *s, char *err, size_t errlen)
{
	if (!s->dir) {
		snprintf(err, errlen, "sim: no --dir");
		return -1;
	}
	int e = util_mkdirs(s->dir, 0750);
	if (e < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", s->dir, strerror(-e));
		return -1;
	}
	s->sms_log = open_log(s->dir, "sms.jsonl");
	s->call_log = open_log(s->dir, "calls.jsonl");
	if (s->sms_log < 0 || s->call_log < 0) {
		snprintf(err, errlen, "%s: cannot create the logs: %s", s->dir, strerror(errno));
		return -1;
	}
	s->ctl_path = util_path_join(s->dir, "control");
	struct sockaddr_un a;
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (strlen(s->ctl_path) >= sizeof a.sun_path) {
		snprintf(err, errlen, "%s: path too long for a socket", s->ctl_path);
		free(s->ctl_path);
		s->ctl_path = NULL;
		return -1;
	}
	memcpy(a.sun_path, s->ctl_path, strlen(s->ctl_path) + 1);
	unlink(s->ctl_path);
	s->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->ctl_fd < 0 || bind(s->ctl_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    listen(s->ctl_fd, 8) != 0) {
		snprintf(err, errlen, "%s: cannot listen: %s", s->ctl_path, strerror(errno));
		free(s->ctl_path);
		s->ctl_path = NULL;
		return -1;
	}
	s->io = 1;
	for (int i = 0; i < s->nmod; i++)
		if (sim_io_port_open(&s->mod[i], err, errlen) != 0)
			return -1;
	return 0;
}

/* ---- the loop ---- */

struct client {
	int fd;
	struct sbuf in;
};

static void on_attach(struct sim_modem *m)
{
	LOG_D("sim", "%s: AT port opened by a host", m->name);
	if (m->boot_pending) {
		m->boot_pending = 0;
		for (const char *const *l = m->fam->boot; *l; l++)
			sim_urc(m, *l);
	}
	sim_netq_drain(m);
}

static void probe(struct sim *s)
{
	for (int i = 0; i < s->nmod; i++) {
		struct sim_modem *m = &s->mod[i];
		struct sim_port *ps[2] = { &m->at, &m->audio };
		for (int k = 0; k < 2; k++) {
			struct sim_port *p = ps[k];
			if (p->fd < 0 || p->attached)
				continue;
			struct pollfd pf = { p->fd, POLLIN, 0 };
			if (poll(&pf, 1, 0) >= 0 && !(pf.revents & POLLHUP)) {
				p->attached = 1;
				if (k == 0)
					on_attach(m);
			}
		}
	}
}

static int any_detached(const struct sim *s)
{
	for (int i = 0; i < s->nmod; i++) {
		const struct sim_modem *m = &s->mod[i];
		if ((m->at.fd >= 0 && !m->at.attached) || (m->audio.fd >= 0 && !m->audio.attached))
			return 1;
	}
	return 0;
}

static void port_read(struct sim_modem *m, struct sim_port *p, int is_at, short rev)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(p->fd, buf, sizeof buf);
		if (n > 0) {
			if (is_at)
				sim_input(m, buf, (size_t)n);
			else
				sim_call_audio_in(m, buf, (size_t)n);
			if (p->fd < 0)
				return; /* the input rebooted the modem */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && !(rev & POLLHUP))
			return;
		/* EIO / hang-up: the host closed the port */
		p->attached = 0;
		if (is_at) {
			LOG_D("sim", "%s: AT port closed by the host", m->name);
			sbuf_reset(&m->out);
		}
		return;
	}
}

static void flush(struct sim_modem *m)
{
	if (!m->out.len)
		return;
	if (m->at.fd < 0 || !m->at.attached) {
		sbuf_reset(&m->out);
		return;
	}
	size_t off = 0;
	size_t lim = m->out.len;
	if (m->chunked) { /* real USB serial delivers arbitrary pieces */
		size_t piece = 1 + sim_rand(m->sim) % 16;
		if (piece < lim)
			lim = piece;
	}
	while (off < lim) {
		ssize_t w = write(m->at.fd, m->out.s + off, lim - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			m->at.attached = 0;
			off = m->out.len;
		}
		break;
	}
	if (off < m->out.len && m->chunked)
		m->sim->io_busy = 1;
	if (off >= m->out.len) {
		sbuf_reset(&m->out);
	} else {
		memmove(m->out.s, m->out.s + off, m->out.len - off);
		m->out.len -= off;
		m->out.s[m->out.len] = '\0';
	}
}

static void client_line(struct sim *s, struct client *c)
{
	char *nl;
	while (c->in.s && (nl = memchr(c->in.s, '\n', c->in.len))) {
		*nl = '\0';
		struct sbuf r;
		sbuf_init(&r);
		sim_ctl(s, c->in.s, &r);
		LOG_D("sim", "control: %s -> %s", c->in.s, r.s ? r.s : "");
		sbuf_addc(&r, '\n');
		/* replies are one short line: a blocking-style retry is enough */
		size_t off = 0;
		for (int tries = 0; off < r.len && tries < 1000; tries++) {
			ssize_t w = send(c->fd, r.s + off, r.len - off, MSG_NOSIGNAL);
			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				break;
		}
		sbuf_free(&r);
		size_t used = (size_t)(nl - c->in.s) + 1;
		memmove(c->in.s, c->in.s + used, c->in.len - used);
		c->in.len -= used;
		c->in.s[c->in.len] = '\0';
	}
}

int sim_run(struct sim *s)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) {
		LOG_E("sim", "signalfd: %s", strerror(errno));
		return 1;
	}
	struct client cl[MAX_CLIENTS];
	int ncl = 0;
	struct pollfd *pf = xcalloc((size_t)(2 + MAX_CLIENTS + 2 * s->nmod), sizeof *pf);
	int rc = 0;
	while (!s->quit) {
		probe(s);
		int n = 0;
		pf[n++] = (struct pollfd){ sfd, POLLIN, 0 };
		pf[n++] = (struct pollfd){ s->ctl_fd, POLLIN, 0 };
		int polled = ncl;
		for (int i = 0; i < ncl; i++)
			pf[n++] = (struct pollfd){ cl[i].fd, POLLIN, 0 };
		int first_port = n;
		for (int i = 0; i < s->nmod; i++) {
			struct sim_modem *m = &s->mod[i];
			short ev = POLLIN | (m->out.len && !m->chunked ? POLLOUT : 0);
			pf[n++] = (struct pollfd){ m->at.attached ? m->at.fd : -1, ev, 0 };
			pf[n++] = (struct pollfd){ m->audio.attached ? m->audio.fd : -1, POLLIN, 0 };
		}
		int timeout = -1;
		int64_t due = sim_next_due(s);
		if (due >= 0) {
			int64_t d = due - clock_mono_ms();
			timeout = d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
		}
		if (any_detached(s) && (timeout < 0 || timeout > PROBE_MS))
			timeout = PROBE_MS;
		if (s->io_busy && (timeout < 0 || timeout > 1))
			timeout = 1; /* next piece of chunked output */
		s->io_busy = 0;
		if (poll(pf, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			LOG_E("sim", "poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (pf[0].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) > 0)
				s->quit = 1;
		}
		for (int i = 0; i < s->nmod; i++) {
			struct sim_modem *m = &s->mod[i];
			struct pollfd *a = &pf[first_port + 2 * i], *b = a + 1;
			if (a->fd >= 0 && a->fd == m->at.fd && (a->revents & (POLLIN | POLLHUP | POLLERR)))
				port_read(m, &m->at, 1, a->revents);
			if (b->fd >= 0 && b->fd == m->audio.fd && (b->revents & (POLLIN | POLLHUP | POLLERR)))
				port_read(m, &m->audio, 0, b->revents);
		}
		/* clients polled this round (downwards: a closed one is replaced
		 * by the last, already handled), then new ones */
		for (int i = polled - 1; i >= 0; i--) {
			short rev = pf[2 + i].revents;
			if (!rev)
				continue;
			char buf[1024];
			ssize_t r = recv(cl[i].fd, buf, sizeof buf, 0);
			if (r > 0 && cl[i].in.len < 65536) {
				sbuf_addn(&cl[i].in, buf, (size_t)r);
				client_line(s, &cl[i]);
				continue;
			}
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			close(cl[i].fd);
			sbuf_free(&cl[i].in);
			cl[i] = cl[--ncl];
		}
		if (pf[1].revents & POLLIN) {
			int fd = accept4(s->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd >= 0 && ncl < MAX_CLIENTS) {
				cl[ncl].fd = fd;
				sbuf_init(&cl[ncl].in);
				ncl++;
			} else if (fd >= 0) {
				close(fd);
			}
		}
		sim_tick(s);
		for (int i = 0; i < s->nmod; i++)
			flush(&s->mod[i]);
	}
	for (int i = 0; i < ncl; i++) {
		close(cl[i].fd);
		sbuf_free(&cl[i].in);
	}
	free(pf);
	close(sfd);
	return rc;
}
