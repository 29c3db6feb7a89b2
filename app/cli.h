/* cli — what every `loa` subcommand shares: the loaded configuration, the
 * opened store, and the exit-code convention (0 ok, 1 runtime failure,
 * 2 usage or input error, 3 fix me; one clear line on stderr). */
#ifndef LOA_CLI_H
#define LOA_CLI_H
#include <stdio.h>
#include "base/util.h" /* EXIT_OK, EXIT_RUNTIME, EXIT_USAGE; util_fline */
#include "app/config.h"

struct store;


struct cli_ctx {
	const char *config_path;  /* -c FILE, or NULL */
	struct loa_config cfg;
	int cfg_loaded;
	struct store *st;
};

/* Loads the config on first use; prints the error and returns EXIT_USAGE. */
int cli_config(struct cli_ctx *ctx);
/* Opens (and migrates) the database on first use; prints the error. */
int cli_store(struct cli_ctx *ctx, struct store **out);
/* cli_store for `loa init` and `loa run` (cmd_backup.c): PRAGMA
 * quick_check first; a damaged or unreadable database is EXIT_FIXME with
 * one line (the newest good backup and the restore command). */
int cli_store_checked(struct cli_ctx *ctx, struct store **out);
/* When the clock cannot be trusted (before the build date, and no fresh
 * network time from the daemon, which cli_store applies): prints why `what`
 * is refused and returns EXIT_RUNTIME; else EXIT_OK. */
int cli_clock_refuse(const char *what);
/* A notice's text from the words argv[first..] joined by spaces, or from
 * stdin when the only word is "-": EXIT_OK with TEXT set (sbuf_free it), or
 * EXIT_USAGE (one line said; a NUL byte in stdin would cut the text short). */
struct sbuf;
int cli_text_args(int argc, char **argv, int first, struct sbuf *text);
/* Prints "loa: <msg>" to stderr and returns `code`. */
int cli_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line on stdout that carries outside strings (SMS texts, senders,
 * names): formatted, every control byte escaped (util_escape_ctl), then a
 * newline, so a text cannot move the cursor, ring or forge a line. */
void cli_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After a change is made: EXIT_OK, or (the event of the change could not
 * be logged: `rc` from store_event) one line saying so and EXIT_RUNTIME. */
int cli_event_result(struct store *st, int rc);

typedef int (*cli_fn)(struct cli_ctx *ctx, int argc, char **argv);

/* Subcommand entry points, one per module that owns the command. */
int cmd_init(struct cli_ctx *ctx, int argc, char **argv);
int cmd_household(struct cli_ctx *ctx, int argc, char **argv);
int cmd_group(struct cli_ctx *ctx, int argc, char **argv);
int cmd_notice(struct cli_ctx *ctx, int argc, char **argv);
int cmd_report(struct cli_ctx *ctx, int argc, char **argv);
int cmd_visit(struct cli_ctx *ctx, int argc, char **argv);
int cmd_status(struct cli_ctx *ctx, int argc, char **argv);
int cmd_sender(struct cli_ctx *ctx, int argc, char **argv);
int cmd_template(struct cli_ctx *ctx, int argc, char **argv);
int cmd_inbox(struct cli_ctx *ctx, int argc, char **argv);
int cmd_say(struct cli_ctx *ctx, int argc, char **argv);
int cmd_run(struct cli_ctx *ctx, int argc, char **argv);
int cmd_demo(struct cli_ctx *ctx, int argc, char **argv);
int cmd_sim(struct cli_ctx *ctx, int argc, char **argv);
int cmd_web(struct cli_ctx *ctx, int argc, char **argv);
int cmd_user(struct cli_ctx *ctx, int argc, char **argv);
int cmd_backup(struct cli_ctx *ctx, int argc, char **argv);
int cmd_restore(struct cli_ctx *ctx, int argc, char **argv);
int cmd_hub(struct cli_ctx *ctx, int argc, char **argv);
/* `loa hub notice send` and `loa hub report` (app/cmd_hub_report.c), and
 * what app/cmd_hub.c lends them: the connection from [hub] url and
 * credentials, and "hub: <reason>" with the hub closed. */
struct hub;
int cmd_hub_notice(struct cli_ctx *ctx, int argc, char **argv);
int cmd_hub_report(struct cli_ctx *ctx, int argc, char **argv);
int cmd_hub_connect(struct cli_ctx *ctx, struct hub **out);
int cmd_hub_fail(struct hub *h, int rc);
#endif
