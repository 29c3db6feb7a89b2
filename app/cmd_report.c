/* cmd_report — the `loa report` subcommand: a notice's or a household's
 * deliveries as text or CSV (report.h writes them).  The text says causes
 * in officers' words, Vietnamese under a Vietnamese locale and English
 * otherwise (--verbose adds the raw cause); the CSV never changes with the
 * locale. */
#include "domain/report.h"
#include "db/channel.h"
#include "app/cli.h"
#include "base/clock.h"
#include "base/phone.h"
#include "domain/sheet.h"
#include "base/text.h"
#include "base/util.h"
#include "base/i18n.h"
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The language of the causes: gettext's own choice (po/vi.po). */
static enum cause_lang locale_lang(void)
{
	return i18n_is_vi() ? CAUSE_VI : CAUSE_EN;
}

int cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa report [ID] [--csv] [--unreached] [--verbose]"
			      " | loa report --household ID [--csv] [--verbose]");
	static const struct option o[] = {
		{ "csv", no_argument, NULL, 'C' }, { "unreached", no_argument, NULL, 'U' },
		{ "household", required_argument, NULL, 'H' }, { "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int csv = 0, unreached = 0, verbose = 0, c;
	long hid = 0, nid = 0;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if (c == 'C')
			csv = 1;
		else if (c == 'U')
			unreached = 1;
		else if (c == 'v')
			verbose = 1;
		else if (c == 'H' && util_parse_long(optarg, 1, INT32_MAX, &hid) == 0)
			;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (optind < argc - 1 || (optind == argc - 1 && (hid || util_parse_long(argv[optind], 1, INT32_MAX, &nid))))
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	if (hid) {
		rc = csv ? report_household_csv(st, hid, stdout)
			 : report_household_text_in(st, hid, locale_lang(), verbose, stdout);
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, _("no household %ld"), hid);
		return rc ? cli_err(EXIT_RUNTIME, "%s", store_errmsg(st)) : EXIT_OK;
	}
	int64_t id = nid;
	if (!id && store_notice_latest(st, &id) != STORE_OK)
		return cli_err(EXIT_USAGE, "%s", store_errmsg(st));
	rc = csv ? report_notice_csv(st, id, unreached, stdout)
		 : report_notice_text_in(st, id, locale_lang(), verbose, stdout);
	if (rc == STORE_NOTFOUND)
		return cli_err(EXIT_USAGE, _("no notice %lld"), (long long)id);
	return rc ? cli_err(EXIT_RUNTIME, "%s", store_errmsg(st)) : EXIT_OK;
}
