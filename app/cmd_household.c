/* cmd_household — the `loa household` and `loa group` subcommands: the
 * command line around household.h (import, list, add, edit, remove). */
#include "base/clock.h"
#include "domain/hh_import.h"
#include "domain/household.h"
#include "base/i18n.h"
#include "app/cli.h"
#include "base/phone.h"
#include "domain/sheet.h"
#include "base/text.h"
#include "base/util.h"
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* ---- the subcommands ---- */

static int print_row(const struct household *h, void *arg)
{
	int *count = arg;
	char nat[20], id[24];
	phone_national(h->phone, nat, sizeof nat);
	snprintf(id, sizeof id, "%5lld ", (long long)h->id);
	fputs(id, stdout);
	text_fpad(stdout, h->name, 24);
	text_fpad(stdout, nat, 12);
	text_fpad(stdout, household_channel_name(h->channel), 5);
	text_fpad(stdout, h->accents ? "yes" : "no", 3);
	cli_line("%s%s%s", h->groups, h->opted_out ? "  [opted out]" : "", h->landline ? "  [landline]" : "");
	(*count)++;
	return 0;
}

static int hh_import(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa household import FILE [--update] [--deactivate-missing] [--dry-run] "
			      "[--sheet NAME]");
	struct hh_import_opts o = { 0 };
	int dry = 0, c;
	static const struct option opts[] = { { "dry-run", no_argument, NULL, 'n' },
					       { "update", no_argument, NULL, 'u' },
					       { "deactivate-missing", no_argument, NULL, 'D' },
					       { "sheet", required_argument, NULL, 's' },
					       { NULL, 0, NULL, 0 } };
	while ((c = getopt_long(argc, argv, "nu", opts, NULL)) != -1) {
		if (c == 'n')
			dry = 1;
		else if (c == 'u')
			o.update = 1;
		else if (c == 'D')
			o.deactivate_missing = 1;
		else if (c == 's')
			o.sheet = optarg;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (optind != argc - 1)
		return cli_err(EXIT_USAGE, "%s", usage);
	if (o.deactivate_missing && !o.update)
		return cli_err(EXIT_USAGE, "%s", _("--deactivate-missing needs --update (the file is then the whole list)"));
	const char *path = argv[optind];
	size_t len;
	char *data = util_read_file(path, &len);
	if (!data)
		return cli_err(EXIT_USAGE, "%s: %s", path, strerror(errno));
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc) {
		free(data);
		return rc;
	}
	struct import_result res;
	rc = hh_import_run(st, path, data, len, &o, dry, stdout, stderr, &res);
	free(data);
	if (rc == EXIT_USAGE) {
		fputs("loa: ", stderr);
		util_fline(stderr, ngettext("%s: %d problem; nothing imported", "%s: %d problems; nothing imported",
					    (unsigned long)res.errors),
			   path, res.errors);
		return rc;
	}
	if (rc != EXIT_OK)
		return rc;
	if (o.update) {
		if (o.deactivate_missing)
			cli_line(_("%s: %d rows: %d to add, %d to change, %d unchanged, %d to deactivate"), path, res.rows,
				 res.adds, res.changed, res.unchanged, res.deactivated);
		else
			cli_line(_("%s: %d rows: %d to add, %d to change, %d unchanged"), path, res.rows,
				 res.adds, res.changed, res.unchanged);
		if (dry)
			fputs(_("dry run: nothing written\n"), stdout);
		else
			printf(_("done: %d added, %d changed, %d deactivated\n"), res.imported, res.changed,
			       res.deactivated);
	} else if (dry) {
		cli_line(_("%s: %d households valid (dry run: nothing imported)"), path, res.rows);
	} else {
		cli_line(_("imported %d households from %s%s"), res.imported, path,
			 res.converted ? _(" (old numbers converted: see above)") : "");
	}
	return EXIT_OK;
}

static int hh_list(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *group = NULL;
	int csv = 0, c;
	static const struct option o[] = { { "group", required_argument, NULL, 'g' },
					    { "csv", no_argument, NULL, 'C' },
					    { NULL, 0, NULL, 0 } };
	while ((c = getopt_long(argc, argv, "g:", o, NULL)) != -1) {
		if (c == 'g')
			group = optarg;
		else if (c == 'C')
			csv = 1;
		else
			return cli_err(EXIT_USAGE, "usage: loa household list [--group G] [--csv]");
	}
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	if (csv)
		return household_write_csv(st, group, stdout) == STORE_OK ? EXIT_OK
			: cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	int count = 0;
	printf("%5s %-24s %-12s %-5s %-3s %s\n", "id", "name", "phone", "chan", "acc", "groups");
	if (store_household_each(st, group, print_row, &count) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf("%d household%s\n", count, count == 1 ? "" : "s");
	return EXIT_OK;
}

static const struct option field_opts[] = {
	{ "name", required_argument, NULL, 'N' }, { "phone", required_argument, NULL, 'P' },
	{ "groups", required_argument, NULL, 'G' }, { "channel", required_argument, NULL, 'C' },
	{ "accents", required_argument, NULL, 'A' }, { "note", required_argument, NULL, 'T' },
	{ "phone2", required_argument, NULL, 'Q' }, { "address", required_argument, NULL, 'R' },
	{ "opt-out", required_argument, NULL, 'O' }, { NULL, 0, NULL, 0 },
};
/* the options' letters in enum hh_col order */
static const char field_letters[] = "NPGCATQR";

struct sharing {
	const struct household *h;
	int64_t self;
};

/* A phone may be on several households (a son's phone for two parents):
 * said, not refused. */
static int warn_shared(const struct household *o, void *arg)
{
	const struct sharing *s = arg;
	const char *mine[2] = { s->h->phone, s->h->phone2 };
	for (int i = 0; i < 2; i++) {
		if (o->id == s->self || !mine[i][0] || (strcmp(o->phone, mine[i]) && strcmp(o->phone2, mine[i])))
			continue;
		char nat[20];
		phone_national(mine[i], nat, sizeof nat);
		cli_line(_("note: %s is also the phone of household %lld (%s)"), nat, (long long)o->id, o->name);
	}
	return 0;
}

/* add and edit: fields from options over (for edit) the current values. */

/* --groups "Xóm Đông Tiến": a group written as a name keeps it as its
 * display name, as the import and the web form do, unless the group
 * already has one (an officer may have named it on the groups page). */
static int name_new_groups(struct store *st, const char *const f[HH_NCOLS])
{
	struct hh_msgs problems = { 0 }, remarks = { 0 };
	struct hh_row r;
	household_row(f, NULL, 0, &r, &problems, &remarks);
	hh_msg_free(&problems);
	hh_msg_free(&remarks);
	int rc = STORE_OK;
	for (int i = 0; i < r.ngroups && rc == STORE_OK; i++) {
		char have[HH_GROUP_NAME_MAX + 1];
		if (!r.groups[i].name[0] || (rc = store_group_name(st, r.groups[i].code, have, sizeof have)) != STORE_OK)
			continue;
		if (!have[0])
			rc = store_group_set_name(st, r.groups[i].code, r.groups[i].name);
	}
	return rc;
}

static int hh_add_edit(struct cli_ctx *ctx, int argc, char **argv, int edit)
{
	const char *usage = edit ? "usage: loa household edit ID [--name N] [--phone P] [--phone2 P] [--groups \"G …\"] "
				   "[--channel sms|voice|both] [--accents yes|no] [--note T] [--address A] [--opt-out yes|no]"
				 : "usage: loa household add --name N --phone P [--phone2 P] [--groups \"G …\"] "
				   "[--channel sms|voice|both] [--accents yes|no] [--note T] [--address A]";
	const char *f[HH_NCOLS] = { NULL };
	const char *optout = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", field_opts, NULL)) != -1) {
		const char *p = c ? strchr(field_letters, c) : NULL;
		if (p)
			f[p - field_letters] = optarg;
		else if (c == 'O' && edit)
			optout = optarg;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	int64_t id = 0;
	if (edit) {
		long v;
		if (optind != argc - 1 || util_parse_long(argv[optind], 1, INT32_MAX, &v) != 0)
			return cli_err(EXIT_USAGE, "%s", usage);
		id = v;
	} else if (optind != argc) {
		return cli_err(EXIT_USAGE, "%s", usage);
	}
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	struct household cur;
	/* outlives the block below: f[] may point into it */
	// cppcheck-suppress variableScope
	char nat[20], nat2[20];
	if (edit) {
		if (store_household_get(st, id, &cur) != STORE_OK)
			return cli_err(EXIT_USAGE, "no household %lld", (long long)id);
		phone_national(cur.phone, nat, sizeof nat);
		phone_national(cur.phone2, nat2, sizeof nat2);
		const char *curf[HH_NCOLS] = { cur.name, nat, cur.groups, household_channel_name(cur.channel),
					       cur.accents ? "yes" : "no", cur.note, nat2, cur.address };
		for (int i = 0; i < HH_NCOLS; i++)
			if (!f[i])
				f[i] = curf[i];
		/* A landline's channel must follow a phone change, not block it. */
		if (f[HH_PHONE] != curf[HH_PHONE] && f[HH_CHANNEL] == curf[HH_CHANNEL])
			f[HH_CHANNEL] = "";
	} else if (!f[HH_NAME] || !f[HH_PHONE]) {
		return cli_err(EXIT_USAGE, "%s", usage);
	}
	struct household h;
	char why[300], note[200];
	int bad = household_from_fields(f, &h, why, sizeof why, note, sizeof note);
	if (bad >= 0)
		return cli_err(EXIT_USAGE, "--%s: %s", household_columns[bad], why);
	if (note[0])
		cli_line("%s", note);
	struct sharing sh = { &h, id };
	if (store_household_each(st, NULL, warn_shared, &sh) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	if (edit) {
		h.id = id;
		h.opted_out = cur.opted_out;
		if (optout) {
			long v = util_streq_ci(optout, "yes") ? 1 : util_streq_ci(optout, "no") ? 0 : -1;
			if (v < 0)
				return cli_err(EXIT_USAGE, "--opt-out: '%s' is not yes or no", optout);
			h.opted_out = (int)v;
		}
		rc = store_household_update(st, &h, clock_wall_s());
	} else {
		rc = store_household_insert(st, &h, &id, clock_wall_s());
	}
	if (rc == STORE_CONFLICT)
		return cli_err(EXIT_USAGE, "--phone: %s", store_errmsg(st));
	if (rc == STORE_OK)
		rc = name_new_groups(st, f);
	if (rc != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	rc = store_event(st, edit ? "household_edited" : "household_added", 0, 0, id, NULL, h.name, clock_wall_s());
	printf("household %lld %s\n", (long long)id, edit ? "updated" : "added");
	return cli_event_result(st, rc);
}

static int hh_remove(struct cli_ctx *ctx, int argc, char **argv)
{
	long v;
	if (argc != 2 || util_parse_long(argv[1], 1, INT32_MAX, &v) != 0)
		return cli_err(EXIT_USAGE, "usage: loa household remove ID");
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	rc = store_household_remove(st, v, clock_wall_s());
	if (rc == STORE_NOTFOUND)
		return cli_err(EXIT_USAGE, "no household %ld", v);
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	rc = store_event(st, "household_removed", 0, 0, v, NULL, "", clock_wall_s());
	printf("household %ld removed (its delivery history is kept)\n", v);
	return cli_event_result(st, rc);
}

int cmd_household(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char usage[] = "usage: loa household import|list|add|edit|remove ...";
	if (argc < 2)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *sub = argv[1];
	argc--, argv++;
	if (!strcmp(sub, "import"))
		return hh_import(ctx, argc, argv);
	if (!strcmp(sub, "list"))
		return hh_list(ctx, argc, argv);
	if (!strcmp(sub, "add"))
		return hh_add_edit(ctx, argc, argv, 0);
	if (!strcmp(sub, "edit"))
		return hh_add_edit(ctx, argc, argv, 1);
	if (!strcmp(sub, "remove"))
		return hh_remove(ctx, argc, argv);
	return cli_err(EXIT_USAGE, "unknown household command '%s'; %s", sub, usage);
}

static int print_group(const char *code, int n, void *arg)
{
	(void)arg;
	printf("%-20s %d household%s\n", code, n, n == 1 ? "" : "s");
	return 0;
}

int cmd_group(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "list") != 0)
		return cli_err(EXIT_USAGE, "usage: loa group list");
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	return store_group_each(st, print_group, NULL) == STORE_OK ? EXIT_OK
		: cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
}
