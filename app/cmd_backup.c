/* cmd_backup — `loa backup [DIR]`, `loa restore FILE`, and the check `loa
 * init` and `loa run` make before they open the database
 * (cli_store_checked): a damaged database stops them with one line naming
 * the newest good copy and the exact command that restores it, and the
 * "fix me" exit code, on which systemd does not restart the daemon.  The
 * copying itself is db/store_backup.c. */
#include "app/cli.h"

#include "base/clock.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_backup.h"
#include "db/store_health.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_CONFIG "/etc/loa/loa.conf"

/* The daemon beats every 30 s (drv_health.c); three missed beats: gone. */
enum { DAEMON_STALE_S = 90 };

/* "loa" or "loa -c FILE" when the configuration is not the default one:
 * the command a person types to reach the same database. */
static void loa_cmd(const struct cli_ctx *ctx, char *out, size_t n)
{
	if (ctx->cfg.path[0] && strcmp(ctx->cfg.path, DEFAULT_CONFIG) != 0)
		snprintf(out, n, "loa -c %s", ctx->cfg.path);
	else
		snprintf(out, n, "loa");
}

static int damaged(struct cli_ctx *ctx, const char *why)
{
	char dir[PATH_MAX], newest[PATH_MAX + 64], loa[PATH_MAX + 16];
	config_backup_dir(&ctx->cfg, dir, sizeof dir);
	loa_cmd(ctx, loa, sizeof loa);
	if (store_backup_newest(dir, 1, newest, sizeof newest, NULL) == 0)
		return cli_err(EXIT_FIXME, "%s is damaged (%s); the newest good backup is %s: restore it with: %s restore %s",
			       ctx->cfg.database, why, newest, loa, newest);
	return cli_err(EXIT_FIXME,
		       "%s is damaged (%s) and %s holds no good backup: move the file away, then %s init starts an empty database",
		       ctx->cfg.database, why, dir, loa);
}

int cli_store_checked(struct cli_ctx *ctx, struct store **out)
{
	int rc = cli_config(ctx);
	if (rc)
		return rc;
	if (!ctx->st) {
		char why[400];
		int c = store_check_file(ctx->cfg.database, 0, why, sizeof why);
		if (c == STORE_DAMAGED)
			return damaged(ctx, why);
		if (c == STORE_ERR)
			return cli_err(EXIT_FIXME, "%s: cannot read the database: %s", ctx->cfg.database, why);
	}
	rc = cli_store(ctx, out);
	return rc == EXIT_RUNTIME ? EXIT_FIXME : rc;
}

int cmd_backup(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: loa backup [DIR]\n");
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && (argv[1][0] == '-' || !argv[1][0])))
		return cli_err(EXIT_USAGE, "usage: loa backup [DIR]");
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	char dir[PATH_MAX], path[PATH_MAX + 64], err[700];
	if (argc == 2)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else
		config_backup_dir(&ctx->cfg, dir, sizeof dir);
	int removed = 0;
	int64_t t0 = clock_mono_ms();
	if (store_backup_to_dir(st, dir, ctx->cfg.backup_keep, clock_wall_s(), path, sizeof path, &removed, err,
				sizeof err) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "backup failed: %s", err);
	struct stat sb;
	long long kb = stat(path, &sb) == 0 ? (long long)(sb.st_size + 1023) / 1024 : 0;
	printf("backup %s: %lld KB in %lld ms, integrity_check ok\n", path, kb, (long long)(clock_mono_ms() - t0));
	if (ctx->cfg.backup_keep > 0)
		printf("kept the newest %d copies in %s; %d older removed\n", ctx->cfg.backup_keep, dir, removed);
	return EXIT_OK;
}

/* The daemon runs on `db`: its heartbeat is fresh and its process exists.
 * A database that cannot be opened has no daemon running happily on it. */
static int daemon_running(const char *db, struct daemon_health *dh)
{
	struct store *st;
	char err[600];
	memset(dh, 0, sizeof *dh);
	if (store_check_file(db, 0, err, sizeof err) != STORE_OK || store_open(db, &st, err, sizeof err) != STORE_OK)
		return 0;
	int ok = store_health_daemon(st, dh) == STORE_OK;
	store_close(st);
	return ok && dh->known && !dh->stopped_at && dh->heartbeat_at + DAEMON_STALE_S >= clock_wall_s() &&
	       dh->pid > 0 && (kill(dh->pid, 0) == 0 || errno == EPERM);
}

int cmd_restore(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: loa restore FILE\n");
		return EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-' || !argv[1][0])
		return cli_err(EXIT_USAGE, "usage: loa restore FILE");
	int rc = cli_config(ctx);
	if (rc)
		return rc;
	const char *file = argv[1], *db = ctx->cfg.database;
	struct daemon_health dh;
	if (daemon_running(db, &dh))
		return cli_err(EXIT_RUNTIME, "the daemon is running on %s (pid %d): stop it first (systemctl stop loa loa-web), then restore",
			       db, dh.pid);
	char kept[PATH_MAX + 64], err[700];
	rc = store_restore(file, db, clock_wall_s(), kept, sizeof kept, err, sizeof err);
	if (rc == STORE_DAMAGED)
		return cli_err(EXIT_USAGE, "%s is damaged (%s): not restored, nothing was changed", file, err);
	if (rc != STORE_OK)
		return cli_err(EXIT_RUNTIME, "restore failed: %s%s", err, kept[0] ? "" : " (nothing was changed)");
	if (kept[0])
		printf("kept the database as it was as %s\n", kept);
	struct store *st;
	if (cli_store(ctx, &st) != EXIT_OK)
		return EXIT_RUNTIME;
	printf("restored %s to %s (integrity_check ok, schema version %d); start the daemon again: systemctl start loa loa-web\n",
	       file, db, store_version(st));
	return EXIT_OK;
}
