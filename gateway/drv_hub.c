/* drv_hub — the daemon's own sync with its hub (issue 18), as a driver:
 * with [hub] url and gateway_id set, every [hub] sync_s it runs one sync,
 * the code `loa hub sync --once` runs (domain/hub_sync.c: push events and
 * delivery states, take in the hub notices addressed to this gateway),
 * and the loop delivers what was taken in like any local notice: quiet
 * hours, channels, opt-out and the budget are this daemon's.
 *
 * WHY A CHILD PROCESS (fork+exec of this program as `loa -c CONFIG hub
 * sync --once`, through posix_spawn) and not a thread or the loop itself:
 *  - libpq blocks (connect_timeout 10 s, a statement up to 10 min, a TCP
 *    link that a storm cut can hang until the kernel gives up); the loop
 *    must keep answering modems, so the sync must not run on it;
 *  - a thread would need its own SQLite connection and libpq in the
 *    daemon's address space: a hung connection could not be stopped (no
 *    safe way to cancel a thread inside libpq), and a crash in it would
 *    take the daemon down.  A process can be killed at any moment (the
 *    sync is idempotent: each batch moves the hub's position in the same
 *    transaction, so a killed sync leaves no duplicate and no gap), its
 *    memory and sockets go with it, and the gateway floor keeps no libpq;
 *  - SQLite already serves several processes (the CLI writes while the
 *    daemon runs; WAL, busy timeout), and the notices the sync creates are
 *    read by the next plan like those of `loa notice send`;
 *  - the cost, one exec every 30 s, is nothing next to the network round
 *    trips.
 * The child's stdout and stderr come back through a pipe that the loop
 * polls; it is reaped without waiting (waitpid WNOHANG).  A failed sync
 * (the hub unreachable, a refused login) waits longer each time
 * (daemon_hub_delay_s: sync_s doubling up to 10 minutes); one that runs
 * longer than HUB_SYNC_MAX_MS is killed and counts as failed.  When the
 * daemon stops, a running sync is stopped (SIGTERM) and reaped.  While a
 * sync runs, `loa run --until-idle` is not idle: it may bring a notice.
 * When the hub has acknowledged nothing for HUB_STALE_SYNCS x sync_s
 * (since this daemon started, if never; the rule of `loa status`), the
 * daemon opens the problem "hub" (daemon_problem: banner, status, one SMS
 * to the admins); the first look after the hub answered again closes it. */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "db/store_sync.h"
#include "domain/hub_sync.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { HUB_SYNC_MAX_MS = 15 * 60 * 1000 };

int64_t daemon_hub_delay_s(int sync_s, int failures)
{
	int64_t cap = sync_s > HUB_BACKOFF_MAX_S ? sync_s : HUB_BACKOFF_MAX_S;
	int64_t s = sync_s;
	for (int i = 0; i < failures && s < cap; i++)
		s *= 2;
	return s < cap ? s : cap;
}

/* This program's path for the sync process: /proc/self/exe (a package
 * upgrade that replaced the binary leaves " (deleted)" on the old path:
 * the new program at that path is the one to run). */
static void find_exe(struct daemon *d)
{
	ssize_t n = readlink("/proc/self/exe", d->hub_exe, sizeof d->hub_exe - 1);
	if (n <= 0) {
		snprintf(d->hub_exe, sizeof d->hub_exe, "%s", "loa");
		return;
	}
	d->hub_exe[n] = '\0';
	static const char del[] = " (deleted)";
	size_t len = (size_t)n;
	if (len > sizeof del - 1 && strcmp(d->hub_exe + len - (sizeof del - 1), del) == 0)
		d->hub_exe[len - (sizeof del - 1)] = '\0';
}

static void hb_open(struct daemon *d)
{
	d->hub_pid = 0;
	d->hub_fd = -1;
	/* a problem "hub" left open by an earlier run: closed when the hub
	 * answers (or at once when there is no hub any more) */
	d->hub_problem = 1;
	if (!d->cfg->hub.sync_s) {
		daemon_problem_over(d, "hub");
		d->hub_problem = 0;
		return;
	}
	find_exe(d);
	d->hub_next_at = clock_mono_ms(); /* the first sync at once */
	d->hub_check_at = d->hub_next_at + 1000;
	LOG_I("hub", "syncing with the hub every %d s (%s hub sync --once)", d->cfg->hub.sync_s, d->hub_exe);
}

/* Starts one `loa hub sync --once`; on failure the next try is scheduled
 * as for a failed sync. */
static void start_sync(struct daemon *d, int64_t now)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		LOG_E("hub", "sync: pipe: %s", strerror(errno));
		d->hub_failures++;
		d->hub_next_at = now + daemon_hub_delay_s(d->cfg->hub.sync_s, d->hub_failures) * 1000;
		return;
	}
	char *argv[7];
	int a = 0;
	argv[a++] = d->hub_exe;
	if (d->cfg->hub.config[0]) {
		argv[a++] = (char *)"-c";
		argv[a++] = (char *)d->cfg->hub.config;
	}
	argv[a++] = (char *)"hub";
	argv[a++] = (char *)"sync";
	argv[a++] = (char *)"--once";
	argv[a] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawnattr_init(&at);
	/* the daemon ignores SIGPIPE and blocks nothing: the child starts
	 * with the defaults (an ignored signal stays ignored across exec) */
	sigset_t def, none;
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGINT);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	/* A test's fake clock (LOA_FAKE_TIME, base/clock.c) starts again at
	 * its value in every process: the sync gets the daemon's time now, so
	 * the times it writes (what the hub acknowledged, a notice taken in)
	 * agree with the daemon's. */
	size_t ne = 0;
	while (environ[ne])
		ne++;
	char **env = xcalloc(ne + 1, sizeof *env);
	char fake[48];
	snprintf(fake, sizeof fake, "LOA_FAKE_TIME=%lld", (long long)clock_wall_s());
	for (size_t i = 0; i < ne; i++)
		env[i] = strncmp(environ[i], "LOA_FAKE_TIME=", 14) == 0 ? fake : environ[i];
	pid_t pid;
	int rc = posix_spawn(&pid, d->hub_exe, &fa, &at, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		LOG_E("hub", "sync: cannot run %s: %s", d->hub_exe, strerror(rc));
		d->hub_failures++;
		d->hub_next_at = now + daemon_hub_delay_s(d->cfg->hub.sync_s, d->hub_failures) * 1000;
		return;
	}
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	d->hub_pid = pid;
	d->hub_fd = p[0];
	d->hub_started_at = now;
	d->hub_out_n = 0;
	d->hub_out[0] = '\0';
	LOG_D("hub", "sync started (pid %d)", (int)pid);
}

/* Reads what the sync printed; closes the pipe at its end. */
static void drain(struct daemon *d)
{
	char buf[512];
	while (d->hub_fd >= 0) {
		ssize_t n = read(d->hub_fd, buf, sizeof buf);
		if (n > 0) {
			size_t room = sizeof d->hub_out - 1 - d->hub_out_n;
			size_t take = (size_t)n < room ? (size_t)n : room;
			memcpy(d->hub_out + d->hub_out_n, buf, take);
			d->hub_out_n += take;
			d->hub_out[d->hub_out_n] = '\0';
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		close(d->hub_fd); /* end of file, or an error: nothing more comes */
		d->hub_fd = -1;
	}
}

/* The sync ended with wait status `status`: its result in the log, the
 * next one scheduled. */
static void finished(struct daemon *d, int status, int64_t now)
{
	drain(d);
	if (d->hub_fd >= 0) {
		close(d->hub_fd);
		d->hub_fd = -1;
	}
	d->hub_pid = 0;
	/* one line for the log: newlines become "; ", controls escaped */
	char *s = d->hub_out;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	for (char *c = s; *c; c++)
		if (*c == '\n')
			*c = ';';
	char esc[sizeof d->hub_out * 4];
	util_escape_ctl(s, esc, sizeof esc);
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	int64_t took = now - d->hub_started_at;
	if (ok) {
		if (d->hub_failures)
			LOG_I("hub", "the hub is reachable again after %d failed sync%s: %s", d->hub_failures,
			      d->hub_failures == 1 ? "" : "s", esc);
		else
			LOG_D("hub", "%s (%lld ms)", esc, (long long)took);
		d->hub_failures = 0;
	} else {
		d->hub_failures++;
		char how[48];
		if (WIFEXITED(status))
			snprintf(how, sizeof how, "exit %d", WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			snprintf(how, sizeof how, "killed by signal %d", WTERMSIG(status));
		else
			snprintf(how, sizeof how, "status %d", status);
		LOG_W("hub", "sync failed (%s, %d in a row): %s; next try in %lld s; nothing local waits for it", how,
		      d->hub_failures, esc[0] ? esc : "no message",
		      (long long)daemon_hub_delay_s(d->cfg->hub.sync_s, d->hub_failures));
	}
	d->hub_next_at = now + daemon_hub_delay_s(d->cfg->hub.sync_s, d->hub_failures) * 1000;
}

/* Reaps the sync if it ended (never waits). */
static void reap(struct daemon *d, int64_t now)
{
	if (!d->hub_pid)
		return;
	int status = 0;
	pid_t r = waitpid(d->hub_pid, &status, WNOHANG);
	if (r == d->hub_pid) {
		finished(d, status, now);
	} else if (r < 0 && errno != EINTR) {
		LOG_E("hub", "sync pid %d: %s", (int)d->hub_pid, strerror(errno));
		finished(d, 1 << 8, now); /* as "exit 1" */
	}
}

/* Has the hub acknowledged anything lately?  Read from the store (the
 * sync moves what it acknowledged after every batch, so a long push that
 * is going well is not "unreachable"), every sync_s: the problem "hub"
 * opened or closed. */
static void check_acked(struct daemon *d, int64_t now)
{
	if (now < d->hub_check_at)
		return;
	d->hub_check_at = now + (int64_t)d->cfg->hub.sync_s * 1000;
	struct sync_lag lag;
	if (daemon_db_log(d, "hub", "sync lag", store_sync_lag(d->st, &lag)))
		return;
	int64_t wall = clock_wall_s();
	int64_t since, limit = (int64_t)HUB_STALE_SYNCS * d->cfg->hub.sync_s;
	if (hub_sync_stale(lag.acked_at, d->started_s, wall, d->cfg->hub.sync_s, &since)) {
		char text[200];
		snprintf(text, sizeof text,
			 "Không đồng bộ được với trung tâm (hub) từ %lld phút: thông báo của trung tâm chưa về, việc "
			 "gửi ở thôn vẫn chạy",
			 (long long)((wall - since + 59) / 60));
		if (!d->hub_problem)
			LOG_W("hub", "nothing acknowledged by the hub for %lld s (%d x [hub] sync_s): problem \"hub\" opened",
			      (long long)(wall - since), HUB_STALE_SYNCS);
		daemon_problem(d, "hub", text);
		d->hub_problem = 1;
	} else if (d->hub_problem && lag.acked_at >= wall - limit) {
		/* the hub answered lately: over (a problem left by an earlier
		 * run stays until then, not closed and told again) */
		daemon_problem_over(d, "hub");
		d->hub_problem = 0;
	}
}

static void hb_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	if (!d->cfg->hub.sync_s)
		return;
	reap(d, now);
	check_acked(d, now);
	if (d->hub_check_at < *wake)
		*wake = d->hub_check_at;
	if (d->hub_pid && now - d->hub_started_at > HUB_SYNC_MAX_MS) {
		LOG_W("hub", "sync still running after %d minutes: stopped", HUB_SYNC_MAX_MS / 60000);
		kill(d->hub_pid, SIGKILL);
		return; /* reaped on a later turn */
	}
	if (!d->hub_pid && !d->stopping && now >= d->hub_next_at)
		start_sync(d, now);
	if (d->hub_pid) {
		/* the pipe's end wakes the loop; the exit may come a moment later */
		if (d->hub_fd < 0 && now + 100 < *wake)
			*wake = now + 100;
	} else if (d->hub_next_at < *wake) {
		*wake = d->hub_next_at;
	}
}

static int hb_poll_fds(struct daemon *d, struct pollfd *pfd, int64_t *wake)
{
	(void)wake;
	if (d->hub_fd < 0)
		return 0;
	pfd[0].fd = d->hub_fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

static void hb_io(struct daemon *d, const struct pollfd *pfd, int ready)
{
	if (!ready || d->hub_fd < 0 || pfd[0].fd != d->hub_fd || !pfd[0].revents)
		return;
	drain(d);
	if (d->hub_fd < 0)
		reap(d, clock_mono_ms());
}

static int hb_in_flight(const struct daemon *d)
{
	return d->hub_pid != 0;
}

static void hb_close(struct daemon *d)
{
	if (!d->hub_pid)
		return;
	/* stopped half-way: the next sync, in the next run, goes on from the
	 * hub's positions */
	kill(d->hub_pid, SIGTERM);
	int status = 0;
	while (waitpid(d->hub_pid, &status, 0) < 0 && errno == EINTR)
		;
	LOG_I("hub", "sync in progress stopped with the daemon");
	d->hub_pid = 0;
	if (d->hub_fd >= 0) {
		close(d->hub_fd);
		d->hub_fd = -1;
	}
}

const struct channel_driver drv_hub = {
	.name = "hub",
	.open = hb_open,
	.close = hb_close,
	.tick = hb_tick,
	.poll_fds = hb_poll_fds,
	.io = hb_io,
	.in_flight = hb_in_flight,
};
