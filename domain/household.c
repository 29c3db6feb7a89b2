/* household — see household.h (the commands are app/cmd_household.c). */
#include "base/clock.h"
#include "domain/household.h"

#include "base/phone.h"
#include "domain/sheet.h"
#include "base/text.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char *const household_columns[HH_NCOLS] = { "name", "phone", "groups", "channel", "accents", "note" };

/* Header aliases, compared after stripping accents and lower-casing, so
 * "Họ tên", "HO TEN" and "ho ten" all match. */
static const struct {
	const char *alias;
	enum hh_col col;
} aliases[] = {
	{ "name", HH_NAME }, { "ho ten", HH_NAME }, { "ten", HH_NAME }, { "chu ho", HH_NAME },
	{ "ten chu ho", HH_NAME }, { "phone", HH_PHONE }, { "sdt", HH_PHONE }, { "so dien thoai", HH_PHONE },
	{ "dien thoai", HH_PHONE }, { "groups", HH_GROUPS }, { "group", HH_GROUPS }, { "nhom", HH_GROUPS },
	{ "channel", HH_CHANNEL }, { "kenh", HH_CHANNEL }, { "accents", HH_ACCENTS }, { "dau", HH_ACCENTS },
	{ "co dau", HH_ACCENTS }, { "note", HH_NOTE }, { "ghi chu", HH_NOTE },
};

const char *household_channel_name(int channel)
{
	return channel == CH_BOTH ? "both" : channel == CH_VOICE ? "voice" : "sms";
}

/* Lower-case ASCII, accents stripped, runs of space/_ folded to one space. */
static char *header_key(const char *s)
{
	char *stripped = text_strip(s, NULL);
	struct sbuf b;
	sbuf_init(&b);
	int space = 0;
	for (const char *p = stripped; *p; p++) {
		if (*p == ' ' || *p == '_' || *p == '\t') {
			space = b.len > 0;
			continue;
		}
		if (space)
			sbuf_addc(&b, ' ');
		space = 0;
		sbuf_addc(&b, (char)tolower((unsigned char)*p));
	}
	free(stripped);
	return sbuf_take(&b);
}

static int parse_channel(const char *v, int landline, int *out)
{
	char *k = header_key(v);
	int rc = 0;
	if (!*k)
		*out = landline ? CH_VOICE : CH_SMS;
	else if (!strcmp(k, "sms") || !strcmp(k, "tin nhan"))
		*out = CH_SMS;
	else if (!strcmp(k, "voice") || !strcmp(k, "goi") || !strcmp(k, "call"))
		*out = CH_VOICE;
	else if (!strcmp(k, "both") || !strcmp(k, "ca hai") || !strcmp(k, "sms+voice"))
		*out = CH_BOTH;
	else
		rc = -1;
	free(k);
	return rc;
}

static int parse_yesno(const char *v, int def, int *out)
{
	char *k = header_key(v);
	int rc = 0;
	if (!*k)
		*out = def;
	else if (!strcmp(k, "yes") || !strcmp(k, "y") || !strcmp(k, "1") || !strcmp(k, "true") || !strcmp(k, "co"))
		*out = 1;
	else if (!strcmp(k, "no") || !strcmp(k, "n") || !strcmp(k, "0") || !strcmp(k, "false") ||
		 !strcmp(k, "khong"))
		*out = 0;
	else
		rc = -1;
	free(k);
	return rc;
}

static int valid_group(const char *g)
{
	size_t n = strlen(g);
	if (n == 0 || n > 32 || util_streq_ci(g, "all"))
		return 0;
	for (; *g; g++)
		if (!isalnum((unsigned char)*g) && *g != '-' && *g != '_')
			return 0;
	return 1;
}

int household_from_fields(const char *const f[HH_NCOLS], struct household *h, char *why, size_t whylen,
			  char *note, size_t notelen)
{
	memset(h, 0, sizeof *h);
	note[0] = '\0';
	const char *name = f[HH_NAME] ? f[HH_NAME] : "";
	char *nfc = text_nfc(name);
	if (!nfc || !*util_trim(nfc)) {
		free(nfc);
		snprintf(why, whylen, "empty");
		return HH_NAME;
	}
	if (strlen(nfc) >= sizeof h->name) {
		free(nfc);
		snprintf(why, whylen, "longer than %zu bytes", sizeof h->name - 1);
		return HH_NAME;
	}
	snprintf(h->name, sizeof h->name, "%s", util_trim(nfc));
	free(nfc);

	struct phone ph;
	const char *raw = f[HH_PHONE] ? f[HH_PHONE] : "";
	switch (phone_normalise(raw, &ph)) {
	case PHONE_MOBILE:
		break;
	case PHONE_LANDLINE:
		h->landline = 1;
		break;
	case PHONE_INVALID:
		snprintf(why, whylen, "'%s': %s", raw, ph.why);
		return HH_PHONE;
	default:
		snprintf(why, whylen, "'%s' is a %s number, never a recipient", raw, phone_kind_name(ph.kind));
		return HH_PHONE;
	}
	snprintf(h->phone, sizeof h->phone, "%s", ph.e164);
	if (ph.converted)
		snprintf(note, notelen, "old number %s converted to %s", raw, ph.national);

	const char *groups = f[HH_GROUPS] ? f[HH_GROUPS] : "";
	if (strlen(groups) >= sizeof h->groups) {
		snprintf(why, whylen, "too long");
		return HH_GROUPS;
	}
	char *copy = xstrdup(groups), *save = NULL;
	struct sbuf gs;
	sbuf_init(&gs);
	for (char *g = strtok_r(copy, " \t,", &save); g; g = strtok_r(NULL, " \t,", &save)) {
		if (!valid_group(g)) {
			snprintf(why, whylen, "'%s' is not a group code (letters, digits, '-' or '_', at most 32; not 'all')", g);
			free(copy);
			sbuf_free(&gs);
			return HH_GROUPS;
		}
		sbuf_printf(&gs, "%s%s", gs.len ? " " : "", g);
	}
	snprintf(h->groups, sizeof h->groups, "%s", gs.s ? gs.s : "");
	free(copy);
	sbuf_free(&gs);

	const char *ch = f[HH_CHANNEL] ? f[HH_CHANNEL] : "";
	if (parse_channel(ch, h->landline, &h->channel) != 0) {
		snprintf(why, whylen, "'%s' is not sms, voice or both", ch);
		return HH_CHANNEL;
	}
	if (h->landline && (h->channel & CH_SMS)) {
		snprintf(why, whylen, "%s is a landline: it cannot receive SMS, use channel voice", ph.national);
		return HH_CHANNEL;
	}
	if (h->landline && !*ch && !note[0])
		snprintf(note, notelen, "landline %s: channel set to voice", ph.national);

	const char *acc = f[HH_ACCENTS] ? f[HH_ACCENTS] : "";
	if (parse_yesno(acc, 1, &h->accents) != 0) {
		snprintf(why, whylen, "'%s' is not yes or no", acc);
		return HH_ACCENTS;
	}
	const char *nt = f[HH_NOTE] ? f[HH_NOTE] : "";
	if (strlen(nt) >= sizeof h->note) {
		snprintf(why, whylen, "longer than %zu bytes", sizeof h->note - 1);
		return HH_NOTE;
	}
	snprintf(h->note, sizeof h->note, "%s", nt);
	return -1;
}

/* Maps header cells to columns; -1 with a message on a bad header. */
static int map_header(const struct sheet_row *hdr, int colidx[HH_NCOLS], const char *path, FILE *errs)
{
	for (int c = 0; c < HH_NCOLS; c++)
		colidx[c] = -1;
	for (int i = 0; i < hdr->nfields; i++) {
		char *k = header_key(hdr->fields[i]);
		for (size_t a = 0; a < ARRAY_LEN(aliases); a++) {
			if (strcmp(k, aliases[a].alias) != 0)
				continue;
			enum hh_col c = aliases[a].col;
			if (colidx[c] >= 0) {
				fprintf(errs, "%s:%d: header: columns %d and %d both mean '%s'\n", path, hdr->line,
					colidx[c] + 1, i + 1, household_columns[c]);
				free(k);
				return -1;
			}
			colidx[c] = i;
		}
		free(k);
	}
	int bad = 0;
	for (int c = HH_NAME; c <= HH_PHONE; c++)
		if (colidx[c] < 0) {
			fprintf(errs, "%s:%d: header: missing column '%s' (the header row needs name and phone)\n",
				path, hdr->line, household_columns[c]);
			bad = 1;
		}
	return bad ? -1 : 0;
}

struct seen {
	char phone[24];
	int line;
};

static int cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->phone, y->phone);
	return c ? c : x->line - y->line;
}

int household_import(struct store *st, const char *path, const char *data, size_t len, int dry_run,
		     FILE *errs, FILE *info, struct import_result *res)
{
	memset(res, 0, sizeof *res);
	struct sheet sh;
	char err[512];
	if (sheet_parse(path, data, len, &sh, err, sizeof err) != 0) {
		fprintf(errs, "%s\n", err);
		res->errors = 1;
		return EXIT_USAGE;
	}
	int colidx[HH_NCOLS];
	if (sh.nrows == 0) {
		fprintf(errs, "%s: empty file (expected a header row: name,phone,groups,channel,accents,note)\n", path);
		sheet_free(&sh);
		res->errors = 1;
		return EXIT_USAGE;
	}
	if (map_header(&sh.rows[0], colidx, path, errs) != 0) {
		sheet_free(&sh);
		res->errors = 1;
		return EXIT_USAGE;
	}
	int n = sh.nrows - 1;
	struct household *hs = xcalloc((size_t)n + 1, sizeof *hs);
	struct seen *seen = xcalloc((size_t)n + 1, sizeof *seen);
	int nseen = 0;
	for (int r = 1; r < sh.nrows; r++) {
		const struct sheet_row *row = &sh.rows[r];
		const char *f[HH_NCOLS];
		for (int c = 0; c < HH_NCOLS; c++)
			f[c] = colidx[c] >= 0 && colidx[c] < row->nfields ? row->fields[colidx[c]] : NULL;
		char why[300], note[200];
		int bad = household_from_fields(f, &hs[r - 1], why, sizeof why, note, sizeof note);
		if (bad >= 0) {
			fprintf(errs, "%s:%d: %s: %s\n", path, row->line, household_columns[bad], why);
			res->errors++;
			continue;
		}
		if (note[0]) {
			fprintf(info, "%s:%d: %s\n", path, row->line, note);
			res->converted += strstr(note, "converted") != NULL;
		}
		struct household existing;
		if (store_household_by_phone(st, hs[r - 1].phone, &existing) == STORE_OK) {
			char nat[20];
			phone_national(hs[r - 1].phone, nat, sizeof nat);
			fprintf(errs, "%s:%d: phone: %s is already registered to household %lld (%s)\n", path,
				row->line, nat, (long long)existing.id, existing.name);
			res->errors++;
		}
		snprintf(seen[nseen].phone, sizeof seen[nseen].phone, "%s", hs[r - 1].phone);
		seen[nseen++].line = row->line;
	}
	/* Duplicates inside the file, reported at the later line. */
	qsort(seen, (size_t)nseen, sizeof *seen, cmp_seen);
	for (int i = 1; i < nseen; i++) {
		if (strcmp(seen[i].phone, seen[i - 1].phone) != 0)
			continue;
		int first = i - 1;
		while (first > 0 && strcmp(seen[first - 1].phone, seen[i].phone) == 0)
			first--;
		char nat[20];
		phone_national(seen[i].phone, nat, sizeof nat);
		fprintf(errs, "%s:%d: phone: %s duplicates line %d\n", path, seen[i].line, nat, seen[first].line);
		res->errors++;
	}
	res->rows = n;
	int rc = EXIT_OK;
	if (res->errors) {
		rc = EXIT_USAGE;
	} else if (!dry_run) {
		if (store_begin(st) != STORE_OK) {
			rc = EXIT_RUNTIME;
		} else {
			for (int i = 0; i < n && rc == EXIT_OK; i++)
				if (store_household_insert(st, &hs[i], NULL, clock_wall_s()) != STORE_OK)
					rc = EXIT_RUNTIME;
			if (rc == EXIT_OK && store_commit(st) != STORE_OK)
				rc = EXIT_RUNTIME;
			if (rc != EXIT_OK) {
				fprintf(errs, "%s: %s (nothing imported)\n", path, store_errmsg(st));
				store_rollback(st);
			} else {
				res->imported = n;
				char detail[64];
				snprintf(detail, sizeof detail, "%d households from CSV", n);
				if (store_event(st, "import", 0, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK)
					fprintf(errs, "%s: imported, but the event could not be logged: %s\n", path,
						store_errmsg(st));
			}
		}
	}
	free(hs);
	free(seen);
	sheet_free(&sh);
	return rc;
}

static int write_csv_row(const struct household *h, void *arg)
{
	char nat[20];
	phone_national(h->phone, nat, sizeof nat);
	const char *f[HH_NCOLS] = { h->name, nat, h->groups, household_channel_name(h->channel),
				    h->accents ? "yes" : "no", h->note };
	sheet_write_row(arg, f, HH_NCOLS);
	return 0;
}

int household_write_csv(struct store *st, const char *group, FILE *out)
{
	sheet_write_bom(out);
	sheet_write_row(out, household_columns, HH_NCOLS);
	return store_household_each(st, group, write_csv_row, out);
}
