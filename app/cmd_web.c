/* cmd_web — the `loa web` and `loa user` subcommands: serve the officers'
 * page (web.c) until a signal (with --hub: the hub's pages across
 * gateways, web/web_hub.h), manage its users (passwords hashed by
 * web_auth.c, read from the terminal without echo), and the JSON API's
 * client tokens (`loa web token add|list|revoke`, web_api.c). */
#include "web/web.h"
#include "web/web_api.h"
#include "db/store_api.h"
#include "base/i18n.h"
#include "web/web_auth.h"
#include "base/pwhash.h"
#include "db/store_web.h"
#include "db/store.h"
#include "app/cli.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- `loa user` ---- */

/* One line from fd 0, without its newline; echo off when it is a tty. */
static int read_password(const char *prompt, char *buf, size_t len)
{
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) != 0)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
			return -1;
	}
	char *got = fgets(buf, (int)len, stdin);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (!got)
		return -1;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == len - 1)
		return -2; /* longer than the buffer */
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int user_add(struct store *st, const char *name)
{
	if (!web_auth_name_ok(name))
		return cli_err(EXIT_USAGE, "user name '%s': use 1 to 32 letters, digits, '.', '_' or '-'", name);
	struct store_web_user u;
	int rc = store_web_user_get(st, name, &u);
	if (rc == STORE_OK)
		return cli_err(EXIT_USAGE, "user '%s' already exists (remove it first to reset the password)", name);
	if (rc != STORE_NOTFOUND)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	char pw[WEB_PASSWORD_MAX + 2];
	char prompt[96];
	snprintf(prompt, sizeof prompt, "password for %s: ", name);
	rc = read_password(prompt, pw, sizeof pw);
	if (rc == -2)
		return cli_err(EXIT_USAGE, "password: longer than %d bytes", WEB_PASSWORD_MAX);
	if (rc != 0)
		return cli_err(EXIT_USAGE, "password: nothing read from standard input");
	if (isatty(STDIN_FILENO)) {
		char again[WEB_PASSWORD_MAX + 2];
		if (read_password("again: ", again, sizeof again) != 0 || strcmp(pw, again) != 0) {
			sodium_memzero(pw, sizeof pw);
			sodium_memzero(again, sizeof again);
			return cli_err(EXIT_USAGE, "password: the two entries differ");
		}
		sodium_memzero(again, sizeof again);
	}
	if (strlen(pw) < WEB_PASSWORD_MIN) {
		sodium_memzero(pw, sizeof pw);
		return cli_err(EXIT_USAGE, "password: at least %d characters", WEB_PASSWORD_MIN);
	}
	char hash[STORE_WEB_HASH_MAX];
	rc = pwhash_str(pw, hash);
	sodium_memzero(pw, sizeof pw);
	if (rc != 0)
		return cli_err(EXIT_RUNTIME, "password hash: out of memory");
	rc = store_web_user_add(st, name, hash, clock_wall_s(), NULL);
	if (rc == STORE_CONFLICT)
		return cli_err(EXIT_USAGE, "%s", store_errmsg(st));
	if (rc != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf("user %s added\n", name);
	return EXIT_OK;
}

static int list_row(const struct store_web_user *u, void *arg)
{
	int *n = arg;
	char made[32], seen[32] = "never";
	clock_format_local(u->created_at, made, sizeof made);
	if (u->last_login_at)
		clock_format_local(u->last_login_at, seen, sizeof seen);
	printf("%-20s added %s  last login %-16s  %d session%s\n", u->name, made, seen, u->sessions,
	       u->sessions == 1 ? "" : "s");
	(*n)++;
	return 0;
}

int cmd_user(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char usage[] = "usage: loa user add NAME | loa user list | loa user remove NAME";
	if (argc < 2)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *sub = argv[1];
	int want = strcmp(sub, "list") == 0 ? 2 : 3;
	if ((strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "remove")) || argc != want)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	if (strcmp(sub, "add") == 0)
		return user_add(st, argv[2]);
	if (strcmp(sub, "remove") == 0) {
		rc = store_web_user_remove(st, argv[2]);
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, "no user '%s'", argv[2]);
		if (rc != STORE_OK)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		printf("user %s removed (and logged out)\n", argv[2]);
		return EXIT_OK;
	}
	int n = 0;
	if (store_web_user_each(st, clock_wall_s(), list_row, &n) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf("%d user%s\n", n, n == 1 ? "" : "s");
	return EXIT_OK;
}

/* ---- `loa web token`: the JSON API's clients ---- */

static int token_row(const struct store_api_client *c, void *arg)
{
	int *n = arg;
	char made[32], used[32];
	clock_format_local(c->created_at, made, sizeof made);
	snprintf(used, sizeof used, "%s", _("never"));
	if (c->last_used_at)
		clock_format_local(c->last_used_at, used, sizeof used);
	printf(_("%-20s added %s  last used %-16s  %lld requests\n"), c->name, made, used, (long long)c->uses);
	(*n)++;
	return 0;
}

static int web_token(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa web token add NAME | loa web token list | loa web token revoke NAME");
	if (argc < 2)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *sub = argv[1];
	int want = strcmp(sub, "list") == 0 ? 2 : 3;
	if ((strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "revoke")) || argc != want)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	if (strcmp(sub, "add") == 0) {
		char tok[WEB_API_TOKEN_LEN + 1];
		rc = web_api_token_add(st, argv[2], tok);
		if (rc == -1)
			return cli_err(EXIT_USAGE, _("client name '%s': use 1 to 32 letters, digits, '.', '_' or '-'"),
				       argv[2]);
		if (rc == STORE_CONFLICT)
			return cli_err(EXIT_USAGE, _("client '%s' already has a token (revoke it first: loa web token revoke %s)"),
				       argv[2], argv[2]);
		if (rc != STORE_OK)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		/* the token alone on standard output, for TOKEN=$(loa web token add NAME) */
		fprintf(stderr, _("API token for client '%s' (shown only this once; Loa keeps only its hash):\n"), argv[2]);
		printf("%s\n", tok);
		sodium_memzero(tok, sizeof tok);
		return EXIT_OK;
	}
	if (strcmp(sub, "revoke") == 0) {
		rc = web_api_token_revoke(st, argv[2]);
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, _("no API client '%s'"), argv[2]);
		if (rc != STORE_OK)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		printf(_("API token of client '%s' revoked\n"), argv[2]);
		return EXIT_OK;
	}
	int n = 0;
	if (store_api_token_each(st, token_row, &n) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf(ngettext("%d API client\n", "%d API clients\n", (unsigned long)n), n);
	return EXIT_OK;
}

/* ---- `loa web` ---- */

static int have_user(const struct store_web_user *u, void *arg)
{
	(void)u;
	*(int *)arg = 1;
	return 1;
}

int cmd_web(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa web [--hub] [--listen ADDRESS:PORT] | loa web token add|list|revoke");
	if (argc >= 2 && strcmp(argv[1], "token") == 0)
		return web_token(ctx, argc - 1, argv + 1);
	static const struct option o[] = { { "listen", required_argument, NULL, 'l' }, { "hub", no_argument, NULL, 'H' },
					   { NULL, 0, NULL, 0 } };
	const char *listen = NULL;
	int c, hub = 0;
	while ((c = getopt_long(argc, argv, "l:", o, NULL)) != -1) {
		if (c == 'l')
			listen = optarg;
		else if (c == 'H')
			hub = 1;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (optind != argc)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st); /* creates and migrates the database first */
	if (rc)
		return rc;
	struct web_cfg wc;
	config_web(&ctx->cfg, &wc);
	if (hub) {
		/* the pages across gateways (web/web_hub.h), from [hub] url */
		if (!wc.hub_url[0])
			return cli_err(EXIT_USAGE, _("loa web --hub: [hub] url is not set in %s"),
				       ctx->cfg.path[0] ? ctx->cfg.path : _("the configuration"));
		wc.hub = 1;
	}
	if (listen) {
		if (strlen(listen) >= sizeof wc.listen)
			return cli_err(EXIT_USAGE, "--listen: '%s' is too long", listen);
		snprintf(wc.listen, sizeof wc.listen, "%s", listen);
	}
	int users = 0;
	if (store_web_user_each(st, 0, have_user, &users) < 0) /* have_user stops the walk */
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	/* The server opens its own connection.  Close this one first: store_open
	 * open()s and close()s the file, and closing any descriptor of a file
	 * drops every POSIX lock this process holds on it, including SQLite's
	 * locks of a connection already open, after which another process may
	 * delete the WAL under it. */
	store_close(ctx->st);
	ctx->st = NULL;
	/* Signals are taken synchronously below; block them before any thread
	 * starts so only sigwait sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	char err[512];
	if (web_start(&wc, ctx->cfg.database, err, sizeof err) != 0)
		return cli_err(strncmp(err, "web.listen: '", 13) == 0 ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
	const char *host = wc.listen;
	const char *colon = strrchr(host, ':');
	printf("loa web%s: serving http://%.*s:%d/ (Ctrl-C stops)\n", hub ? " --hub" : "", (int)(colon - host), host,
	       web_port());
	if (!users)
		printf("loa web: no users yet; add one with: loa user add NAME\n");
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	LOG_I("web", "stopping on signal %d", sig);
	web_stop();
	return EXIT_OK;
}
