/* cmd_hub — the `loa hub` subcommands (issue 18): on the hub, `init` (the
 * PostgreSQL schema), `gateway add|list` and `group add`; on a gateway,
 * `sync --once` (domain/hub_sync.c).  The connection comes from [hub] url
 * and [hub] credentials (db/hub_store.h). */
#include "app/cli.h"

#include "base/clock.h"
#include "base/i18n.h"
#include "base/util.h"
#include "db/hub_store.h"
#include "domain/hub_sync.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: loa hub init | loa hub gateway add ID [--name NAME] [-o FILE] | loa hub gateway list"
	" | loa hub group add GROUP GATEWAY... | loa hub sync --once"
	" | loa hub notice send --to GATEWAY|GROUP|all [--only-sms|--only-voice] [--urgent] [--dry-run] TEXT|-"
	" | loa hub notice cancel ID"
	" | loa hub report [ID [--unreached]]";

/* Connects with [hub] url and [hub] credentials; prints the error. */
static int hub_connect(struct cli_ctx *ctx, struct hub **out)
{
	int rc = cli_config(ctx);
	if (rc)
		return rc;
	const struct loa_config *c = &ctx->cfg;
	if (!c->hub_url[0])
		return cli_err(EXIT_USAGE, _("[hub] url is not set in %s"), c->path[0] ? c->path : _("the configuration"));
	struct hub_cred cred;
	char err[512];
	if (c->hub_credentials[0] && hub_cred_read(c->hub_credentials, &cred, err, sizeof err) != HUB_OK)
		return cli_err(EXIT_USAGE, "[hub] credentials: %s", err);
	rc = hub_open(c->hub_url, c->hub_credentials[0] ? &cred : NULL, out, err, sizeof err);
	memset(&cred, 0, sizeof cred);
	if (rc != HUB_OK)
		return cli_err(EXIT_RUNTIME, "%s", err);
	return EXIT_OK;
}

static int hub_fail(struct hub *h, int rc)
{
	int code = rc == HUB_DENIED || rc == HUB_DOWN || rc == HUB_ERR ? EXIT_RUNTIME : EXIT_USAGE;
	cli_err(code, "hub: %s", hub_errmsg(h));
	hub_close(h);
	return code;
}

static int hub_init(struct cli_ctx *ctx)
{
	struct hub *h;
	int rc = hub_connect(ctx, &h);
	if (rc)
		return rc;
	int from = 0, to = 0;
	if ((rc = hub_migrate(h, &from, &to)) != HUB_OK)
		return hub_fail(h, rc);
	hub_close(h);
	if (from == to)
		printf(_("hub database at version %d: nothing to do\n"), to);
	else
		printf(_("hub database at version %d (was %d)\n"), to, from);
	return EXIT_OK;
}

static int gateway_add(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "", *file = NULL;
	int c;
	optind = 0; /* glibc: re-initialise getopt for this argv */
	while ((c = getopt_long(argc, argv, "n:o:", opts, NULL)) != -1) {
		if (c == 'n')
			name = optarg;
		else if (c == 'o')
			file = optarg;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (optind != argc - 1)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *id = argv[optind];
	if (!hub_id_valid(id)) {
		char esc[128];
		util_escape_ctl(id, esc, sizeof esc);
		return cli_err(EXIT_USAGE, _("bad gateway id '%s': 1 to 32 of a-z 0-9 _ -, a letter or digit first"),
			       esc);
	}
	char path[512];
	if (!file) {
		snprintf(path, sizeof path, "hub-%s.cred", id);
		file = path;
	}
	struct hub *h;
	int rc = hub_connect(ctx, &h);
	if (rc)
		return rc;
	/* The file first (created 0600, never over another), the role second:
	 * a password is never set that nobody has written down. */
	struct hub_cred cred;
	memset(&cred, 0, sizeof cred);
	snprintf(cred.user, sizeof cred.user, "loa_gw_%s", id);
	char err[512], comment[160];
	if (hub_password_new(cred.password, sizeof cred.password) != HUB_OK) {
		hub_close(h);
		return cli_err(EXIT_RUNTIME, "no random bytes for a password");
	}
	snprintf(comment, sizeof comment, "loa hub credentials of gateway %s: [hub] credentials on that gateway", id);
	rc = hub_cred_write(file, &cred, comment, err, sizeof err);
	if (rc != HUB_OK) {
		hub_close(h);
		memset(&cred, 0, sizeof cred);
		return cli_err(rc == HUB_CONFLICT ? EXIT_USAGE : EXIT_RUNTIME, "%s", err);
	}
	char role[64];
	rc = hub_gateway_add(h, id, name, cred.password, clock_wall_s(), role, sizeof role);
	memset(&cred, 0, sizeof cred);
	if (rc != HUB_OK) {
		unlink(file);
		return hub_fail(h, rc);
	}
	hub_close(h);
	cli_line(_("gateway %s added: role %s, password in %s (mode 0600)"), id, role, file);
	cli_line(_("on that gateway: [hub] gateway_id = %s, credentials = that file (owned by loa, mode 0600)"), id);
	return EXIT_OK;
}

static int print_gateway(const struct hub_gateway *g, void *arg)
{
	(void)arg;
	char when[32] = "-";
	if (g->synced_at)
		clock_format_local(g->synced_at, when, sizeof when);
	char hh[16] = "-";
	if (g->households >= 0)
		snprintf(hh, sizeof hh, "%d", g->households);
	cli_line("%-20s %-8s %-17s %10lld %10lld  %s", g->id, hh, when, (long long)g->events_pos,
		 (long long)g->deliveries_pos, g->name);
	return 0;
}

static int gateway_list(struct cli_ctx *ctx)
{
	struct hub *h;
	int rc = hub_connect(ctx, &h);
	if (rc)
		return rc;
	printf("%-20s %-8s %-17s %10s %10s  %s\n", _("gateway"), _("homes"), _("last sync"), _("events"),
	       _("states"), _("name"));
	if ((rc = hub_gateway_each(h, print_gateway, NULL)) != HUB_OK)
		return hub_fail(h, rc);
	hub_close(h);
	return EXIT_OK;
}

static int group_add(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 5)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct hub *h;
	int rc = hub_connect(ctx, &h);
	if (rc)
		return rc;
	for (int i = 4; i < argc; i++) {
		rc = hub_group_add(h, argv[3], argv[i]);
		if (rc != HUB_OK)
			return hub_fail(h, rc);
	}
	hub_close(h);
	cli_line(_("group %s: %d gateway(s) added"), argv[3], argc - 4);
	return EXIT_OK;
}

static int hub_sync_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[2], "--once") != 0)
		return cli_err(EXIT_USAGE, "%s", usage);
	int rc = cli_config(ctx);
	if (rc)
		return rc;
	if (!ctx->cfg.hub_gateway_id[0])
		return cli_err(EXIT_USAGE, _("[hub] gateway_id is not set in %s"),
			       ctx->cfg.path[0] ? ctx->cfg.path : _("the configuration"));
	struct store *st;
	if ((rc = cli_store(ctx, &st)) != EXIT_OK)
		return rc;
	struct hub *h;
	if ((rc = hub_connect(ctx, &h)) != EXIT_OK)
		return rc;
	struct hub_sync_cfg scfg;
	config_notice(&ctx->cfg, &scfg.notice);
	scfg.gateway_id = ctx->cfg.hub_gateway_id;
	scfg.household_list = ctx->cfg.hub_households;
	struct hub_sync_stats s;
	char err[512];
	rc = hub_sync_once(st, h, &scfg, clock_wall_s(), &s, err, sizeof err);
	hub_close(h);
	if (rc != EXIT_OK)
		return cli_err(rc, "hub sync: %s", err);
	cli_line(_("hub sync: %lld event(s) and %lld delivery state(s) pushed, %d hub notice(s) taken in, %d refused"),
		 (long long)s.events, (long long)s.deliveries, s.notices, s.refused);
	if (s.cancelled)
		cli_line(_("hub sync: %d notice(s) cancelled here because the hub cancelled them"), s.cancelled);
	return EXIT_OK;
}

int cmd_hub(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *sub = argv[1];
	if (strcmp(sub, "init") == 0 && argc == 2)
		return hub_init(ctx);
	if (strcmp(sub, "gateway") == 0 && argc >= 3 && strcmp(argv[2], "add") == 0)
		return gateway_add(ctx, argc - 2, argv + 2);
	if (strcmp(sub, "gateway") == 0 && argc == 3 && strcmp(argv[2], "list") == 0)
		return gateway_list(ctx);
	if (strcmp(sub, "group") == 0 && argc >= 3 && strcmp(argv[2], "add") == 0)
		return group_add(ctx, argc, argv);
	if (strcmp(sub, "sync") == 0)
		return hub_sync_cmd(ctx, argc, argv);
	if (strcmp(sub, "notice") == 0)
		return cmd_hub_notice(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "report") == 0)
		return cmd_hub_report(ctx, argc - 1, argv + 1);
	return cli_err(EXIT_USAGE, "%s", usage);
}

int cmd_hub_connect(struct cli_ctx *ctx, struct hub **out)
{
	return hub_connect(ctx, out);
}

int cmd_hub_fail(struct hub *h, int rc)
{
	return hub_fail(h, rc);
}
