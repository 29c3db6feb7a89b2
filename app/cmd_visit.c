/* cmd_visit — the `loa visit` subcommand: an officer records that a
 * household was told a notice in person (store_visit_mark: a delivery on
 * the channel `visit`, state `informed`, which counts as reached), undoes
 * a wrong mark (--undo), or prints the notice's visit list (--list,
 * domain/visit.c).  The household is given by id or by phone; a phone
 * shared by several households of the notice must be given as an id. */
#include "domain/visit.h"
#include "app/cli.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/phone.h"
#include "base/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct matches {
	int n;
	int64_t id;
	struct sbuf list;   /* "40 Nguyễn Văn An, 41 ..." */
};

static int add_match(int64_t id, const char *name, void *arg)
{
	struct matches *m = arg;
	m->n++;
	m->id = id;
	sbuf_printf(&m->list, "%s%lld %s", m->list.len ? ", " : "", (long long)id, name);
	return 0;
}

/* A phone rather than an id: a leading + or 0, separators, or 9 digits
 * and more (ids are small numbers). */
static int looks_like_phone(const char *s)
{
	if (*s == '+' || *s == '0')
		return 1;
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else
			return 1;
	}
	return digits >= 9;
}

/* HOUSEHOLD as an id: a number, or the one household of the notice with
 * that phone.  Prints the error and returns its exit code. */
static int resolve(struct store *st, int64_t nid, const char *arg, int64_t *hid)
{
	if (!looks_like_phone(arg)) {
		long v;
		if (util_parse_long(arg, 1, INT32_MAX, &v) != 0)
			return cli_err(EXIT_USAGE, _("'%s' is not a household id or a phone number"), arg);
		*hid = v;
		return EXIT_OK;
	}
	struct phone ph;
	phone_normalise(arg, &ph);
	if (ph.kind != PHONE_MOBILE && ph.kind != PHONE_LANDLINE)
		return cli_err(EXIT_USAGE, _("'%s' is not a household id or a phone number"), arg);
	struct matches m = { 0, 0, { 0 } };
	sbuf_init(&m.list);
	int rc = store_visit_by_phone(st, nid, ph.e164, add_match, &m);
	char nat[24];
	phone_national(ph.e164, nat, sizeof nat);
	if (rc != STORE_OK)
		rc = cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	else if (m.n == 0)
		rc = cli_err(EXIT_USAGE, _("notice %lld did not go to a household with phone %s"), (long long)nid, nat);
	else if (m.n > 1)
		rc = cli_err(EXIT_USAGE, _("phone %s belongs to %d households of notice %lld (%s): give the household id"),
			     nat, m.n, (long long)nid, m.list.s);
	else
		*hid = m.id;
	sbuf_free(&m.list);
	return rc;
}

static int refused(struct store *st, const struct visit_result *r, int64_t nid, int64_t hid)
{
	struct household h;
	switch (r->why) {
	case VISIT_NO_NOTICE: return cli_err(EXIT_USAGE, _("no notice %lld"), (long long)nid);
	case VISIT_NOT_TARGETED:
		if (store_household_get(st, hid, &h) == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, _("no household %ld"), (long)hid);
		return cli_err(EXIT_USAGE, _("notice %lld did not go to household %lld"), (long long)nid, (long long)hid);
	case VISIT_CANCELLED:
		return cli_err(EXIT_USAGE, _("notice %lld is cancelled: a visit cannot be recorded"), (long long)nid);
	case VISIT_NOT_MARKED:
		return cli_err(EXIT_USAGE, _("notice %lld: household %lld is not marked as told in person"),
			       (long long)nid, (long long)hid);
	default: return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	}
}

int cmd_visit(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa visit NOTICE HOUSEHOLD [--note TEXT] [--undo] | loa visit NOTICE --list");
	static const struct option o[] = {
		{ "note", required_argument, NULL, 'n' }, { "undo", no_argument, NULL, 'u' },
		{ "list", no_argument, NULL, 'l' }, { NULL, 0, NULL, 0 },
	};
	const char *note_arg = NULL;
	int undo = 0, list = 0, c;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'n': note_arg = optarg; break;
		case 'u': undo = 1; break;
		case 'l': list = 1; break;
		default: return cli_err(EXIT_USAGE, "%s", usage);
		}
	}
	long nid;
	int want = list ? 1 : 2;
	if (argc - optind != want || util_parse_long(argv[optind], 1, INT32_MAX, &nid) != 0 ||
	    (list && (undo || note_arg)) || (undo && note_arg))
		return cli_err(EXIT_USAGE, "%s", usage);
	char *note = NULL;
	if (note_arg) {
		enum visit_note_check why;
		note = visit_note_clean(note_arg, &why);
		if (why == VISIT_NOTE_UTF8)
			return cli_err(EXIT_USAGE, "%s", _("--note: not valid UTF-8"));
		if (why == VISIT_NOTE_CONTROL)
			return cli_err(EXIT_USAGE, "%s", _("--note: control characters are not allowed"));
		if (why == VISIT_NOTE_LONG)
			return cli_err(EXIT_USAGE, _("--note: at most %d characters"), VISIT_NOTE_MAX);
	}
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc) {
		free(note);
		return rc;
	}
	if (list) {
		rc = visit_list_text(st, nid, i18n_is_vi() ? CAUSE_VI : CAUSE_EN, stdout);
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, _("no notice %lld"), (long long)nid);
		return rc ? cli_err(EXIT_RUNTIME, "%s", store_errmsg(st)) : EXIT_OK;
	}
	int64_t hid = 0;
	if ((rc = resolve(st, nid, argv[optind + 1], &hid)) != EXIT_OK) {
		free(note);
		return rc;
	}
	struct visit_result r;
	rc = undo ? store_visit_unmark(st, nid, hid, "cli", clock_wall_s(), &r)
		  : store_visit_mark(st, nid, hid, "cli", note, clock_wall_s(), &r);
	free(note);
	if (rc != STORE_OK)
		return refused(st, &r, nid, hid);
	struct household h;
	const char *name = store_household_get(st, hid, &h) == STORE_OK ? h.name : "?";
	if (undo)
		cli_line(_("notice %lld: household %lld (%s): the mark \"told in person\" is removed%s"), (long long)nid,
			 (long long)hid, name,
			 r.still_reached ? _("; it is still reached by SMS or call") : _("; it is back on the visit list"));
	else if (!r.again)
		cli_line(_("notice %lld: household %lld (%s) told in person: counted as reached"), (long long)nid,
			 (long long)hid, name);
	else
		cli_line(_("notice %lld: household %lld (%s) was already marked told in person; %s"), (long long)nid,
			 (long long)hid, name, r.note_changed ? _("note updated") : _("nothing changed"));
	return EXIT_OK;
}
