/* cli — the pieces every subcommand shares: lazy config and store, the
 * one-line error convention, and `loa init`.  See cli.h. */
#include "app/cli.h"

#include "db/store.h"
#include "db/store_health.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "domain/timesync.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_err(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("loa: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

int cli_config(struct cli_ctx *ctx)
{
	if (ctx->cfg_loaded)
		return EXIT_OK;
	char err[1024];
	if (config_load(&ctx->cfg, ctx->config_path, err, sizeof err) != 0)
		return cli_err(EXIT_USAGE, "%s", err);
	log_set_level((enum log_level)ctx->cfg.log_level);
	ctx->cfg_loaded = 1;
	return EXIT_OK;
}

int cli_clock_refuse(const char *what)
{
	if (clock_trusted())
		return EXIT_OK;
	char now[32];
	clock_format_local(clock_wall_s(), now, sizeof now);
	return cli_err(EXIT_RUNTIME,
		       "%s refused: the clock says %s, before this program was built, and the daemon has not read "
		       "the network time (start `loa run` with a modem: it takes the time from the mobile network; "
		       "or set the system clock), then try again",
		       what, now);
}

int cli_store(struct cli_ctx *ctx, struct store **out)
{
	int rc = cli_config(ctx);
	if (rc)
		return rc;
	if (!ctx->st) {
		char err[1024];
		char *dir = xstrdup(ctx->cfg.database);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			util_mkdirs(dir, 0750);
		}
		free(dir);
		if (store_open(ctx->cfg.database, &ctx->st, err, sizeof err) != STORE_OK) {
			/* the database is the loa user's alone (mode 0600, SECURITY.md) */
			int denied = access(ctx->cfg.database, R_OK | W_OK) != 0 && errno == EACCES;
			return cli_err(EXIT_RUNTIME, "%s%s", err,
				       denied ? " (permission denied: run loa as its user, sudo -u loa loa ...;"
						" see README, Install)" : "");
		}
		store_set_report_wait(ctx->st, ctx->cfg.sms_report_timeout_s);
		timesync_from_daemon(ctx->st); /* `--at 19:30` and dates agree with the daemon */
	}
	*out = ctx->st;
	return EXIT_OK;
}

int cmd_init(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_err(EXIT_USAGE, "init takes no arguments");
	struct store *st;
	int rc = cli_store_checked(ctx, &st);
	if (rc)
		return rc;
	printf("database %s ready (schema version %d)\n", ctx->cfg.database, store_version(st));
	return EXIT_OK;
}

void cli_line(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	util_vfline(stdout, fmt, ap);
	va_end(ap);
}

int cli_event_result(struct store *st, int rc)
{
	if (rc == STORE_OK)
		return EXIT_OK;
	return cli_err(EXIT_RUNTIME, "the change is made, but its event could not be logged: %s", store_errmsg(st));
}

int cli_text_args(int argc, char **argv, int first, struct sbuf *text)
{
	sbuf_init(text);
	if (first == argc - 1 && strcmp(argv[first], "-") == 0) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			sbuf_addn(text, buf, n);
	} else {
		for (int i = first; i < argc; i++)
			sbuf_printf(text, "%s%s", i > first ? " " : "", argv[i]);
	}
	if (!text->s)
		sbuf_add(text, "");
	if (strlen(text->s) != text->len) {
		sbuf_free(text);
		return cli_err(EXIT_USAGE, "%s", _("text contains a NUL byte"));
	}
	return EXIT_OK;
}
