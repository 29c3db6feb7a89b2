/* main — `loa`: global options, then a table of subcommands.
 *
 * Each subcommand is owned by its module (household.c, notice.c, ...); this
 * file only wires them together and owns start-up order: clock, then config
 * (lazily, by the command), then the store. */
#include "app/cli.h"

#include "db/store.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/i18n.h"

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmd_version(struct cli_ctx *ctx, int argc, char **argv);
static int cmd_help(struct cli_ctx *ctx, int argc, char **argv);

static const struct command {
	const char *name;
	cli_fn fn;
	const char *summary;
} commands[] = {
	{ "init", cmd_init, N_("create or upgrade the database") },
	{ "household", cmd_household, N_("import|list|add|edit|remove households") },
	{ "group", cmd_group, N_("list groups") },
	{ "notice", cmd_notice, N_("send|list|show|cancel notices") },
	{ "report", cmd_report, N_("delivery report of a notice or a household") },
	{ "visit", cmd_visit, N_("mark a household told a notice in person [--undo], or --list the visit list") },
	{ "status", cmd_status, N_("is Loa working: the daemon, each modem, the queues, open problems") },
	{ "sender", cmd_sender, N_("add|list|remove|unlock who may command the gateway by SMS") },
	{ "template", cmd_template, N_("add|list|remove notice templates for short codes") },
	{ "inbox", cmd_inbox, N_("inbound SMS with decisions and replies [--simulate FROM TEXT]") },
	{ "say", cmd_say, N_("speak a text: --print the spoken words or -o FILE.wav") },
	{ "run", cmd_run, N_("the delivery daemon: send due SMS over every modem [--until-idle]") },
	{ "demo", cmd_demo, N_("a demo village, simulated modems, a notice sent and its report") },
	{ "sim", cmd_sim, N_("simulated modems on pseudo-terminals (tests, demo)") },
	{ "web", cmd_web, N_("the officers' web page [--hub] [--listen ADDRESS:PORT]; token add|list|revoke: JSON API clients") },
	{ "user", cmd_user, N_("add|list|remove users of the web page") },
	{ "backup", cmd_backup, N_("a checked copy of the database in [DIR] (default [gateway] backup_dir)") },
	{ "restore", cmd_restore, N_("put a copy back in place of the database (the daemon stopped)") },
	{ "hub", cmd_hub, N_("the commune or province hub: init, gateway add|list, group add, notice send, report; sync --once on a gateway") },
	{ "version", cmd_version, N_("print the version") },
	{ "help", cmd_help, N_("this list") },
};

static int cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	printf("loa " LOA_VERSION "\n");
	return EXIT_OK;
}

/* Messages in the language of the locale (LANGUAGE, LC_ALL, LC_MESSAGES,
 * LANG; po/vi.po).  A Vietnamese locale not generated on this machine
 * (locale -a) makes setlocale fail, and gettext would then answer in
 * English: Loa runs under C.UTF-8 instead and asks gettext for the
 * language the variables name. */
static void i18n_start(void)
{
	if (!setlocale(LC_ALL, "")) {
		const char *want = NULL;
		static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
		for (size_t i = 0; i < ARRAY_LEN(vars) && !want; i++) {
			const char *v = getenv(vars[i]);
			if (v && *v)
				want = v;
		}
		const char *lang = getenv("LANGUAGE");
		if (setlocale(LC_ALL, "C.UTF-8") && want && strncmp(want, "vi", 2) == 0 && !(lang && *lang))
			setenv("LANGUAGE", "vi", 1);
	}
	bindtextdomain("loa", config_localedir());
	bind_textdomain_codeset("loa", "UTF-8");
	textdomain("loa");
}

static void usage(FILE *f)
{
	fputs(_("usage: loa [-c FILE] [-v] COMMAND [ARGS] | loa --version\n\ncommands:\n"), f);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
	fputs(_("\n-c FILE (or LOA_CONFIG) selects the configuration; see loa(1).\n"), f);
}

static int cmd_help(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	usage(stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	umask(007);
	i18n_start();
	clock_init_from_env();
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctx.config_path = optarg;
			break;
		case 'v':
			log_set_level(LL_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return cmd_version(&ctx, 0, NULL);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		int first = optind;
		optind = 0; /* glibc: re-initialise getopt for the subcommand's argv */
		int rc = commands[i].fn(&ctx, argc - first, argv + first);
		if (ctx.st)
			store_close(ctx.st);
		return rc;
	}
	return cli_err(EXIT_USAGE, _("unknown command '%s' (try: loa help)"), name);
}
