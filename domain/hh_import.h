/* hh_import — the household sheet into the database, as plan + apply.
 *
 * hh_import_plan is pure: from the sheet's rows and the households as
 * they are (struct hh_world) it finds the header row below any title rows,
 * reads every row (household_row: every problem of every row), matches
 * rows to households with --update (the id column that list --csv writes,
 * else the first or second phone, the name settling a shared phone), and
 * returns what would change: households to add, changes with the fields
 * that differ, deactivations (--deactivate-missing), group names, and
 * every problem and remark.  hh_import_apply writes a plan that has no
 * problem in one transaction, so an import is all or nothing.  The
 * command line (`loa household import`) and the web upload
 * (web/web_upload.c) show and apply the same plan. */
#ifndef LOA_HH_IMPORT_H
#define LOA_HH_IMPORT_H
#include "base/util.h"
#include "domain/household.h"
#include "domain/sheet.h"

#include <stdint.h>
#include <stdio.h>

struct hh_import_opts {
	int update;              /* change households the rows match; add the others */
	int deactivate_missing;  /* with update: deactivate households not in the file */
	int web;                 /* advice names the web page's checkbox, not --update */
	const char *sheet;       /* a workbook's sheet (--sheet NAME); NULL: the first */
};

/* The households and group names as they are now. */
struct hh_world_group {
	char code[HH_GROUP_CODE_MAX + 1];
	char name[HH_GROUP_NAME_MAX + 1];
};
struct hh_world {
	struct household *hs;    /* active households, by id */
	int n;
	struct hh_world_group *groups;
	int ngroups;
};
STORE_CHECK int hh_import_load(struct store *st, struct hh_world *w);
void hh_world_free(struct hh_world *w);

enum hh_item_kind { HH_ITEM_BAD = 0, HH_ITEM_ADD, HH_ITEM_CHANGE, HH_ITEM_SAME };
/* One household row of the file. */
struct hh_item {
	int line;
	enum hh_item_kind kind;   /* BAD: it has a problem */
	unsigned given;           /* fields the row sets (1u << HH_*) */
	unsigned diff;            /* CHANGE: fields that change */
	int converted;            /* numbers with an old prefix converted */
	int64_t id;               /* CHANGE, SAME: the household it matched */
	struct household h;       /* ADD: the new household; CHANGE: it after the change */
	struct household *old;    /* CHANGE: it before (owned) */
};
/* A group's display name to set (old: "" when it had none). */
struct hh_group_name {
	char code[HH_GROUP_CODE_MAX + 1];
	char name[HH_GROUP_NAME_MAX + 1];
	char old[HH_GROUP_NAME_MAX + 1];
};
struct hh_plan {
	char *fatal;              /* the file could not be read: "FILE:LINE: why" */
	int header_line;
	struct hh_item *items;
	int nitems;
	int nadds, nchanges, nsame;
	struct household *deact;  /* --deactivate-missing: households not in the file */
	int ndeact;
	int untouched;            /* households not in the file, left alone */
	struct hh_group_name *names;
	int nnames;
	int converted;
	struct hh_msgs problems;  /* any problem: nothing may be written */
	struct hh_msgs remarks;
};

void hh_import_plan(const struct sheet *sh, const struct hh_import_opts *o, const struct hh_world *w,
		    struct hh_plan *pl);
void hh_plan_free(struct hh_plan *pl);
/* 1 when the plan may be applied: the file was read and has no problem. */
int hh_import_ok(const struct hh_plan *pl);
/* Reads `data` as a sheet, loads the households and plans.  STORE_OK
 * (the plan says whether the file is good) or STORE_ERR (the database). */
STORE_CHECK int hh_import_prepare(struct store *st, const char *path, const char *data, size_t len,
				  const struct hh_import_opts *o, struct hh_plan *pl);
/* Writes a good plan in one transaction: group names, new households,
 * changes, deactivations, and events naming `by` ("cli", "web:USER"):
 * one per changed or deactivated household and one for the import. */
STORE_CHECK int hh_import_apply(struct store *st, const struct hh_plan *pl, const char *path, const char *by,
				int64_t now);

enum hh_lang { HH_LANG_LOCALE = 0, HH_LANG_VI = 1, HH_LANG_C = 2 };
/* "phone 0912345678 → 0987654321, groups a → a b" for a change. */
void hh_import_diff_text(const struct hh_item *it, enum hh_lang lang, struct sbuf *b);
/* The plan for the command line: problems as "FILE:LINE: ..." on errs,
 * remarks, group names and (with update) every add, change and
 * deactivation on out; escaped for a terminal. */
void hh_import_print(const struct hh_plan *pl, const char *path, const struct hh_import_opts *o, FILE *out,
		     FILE *errs);

struct import_result {
	int rows, imported, converted, errors;
	int adds, changed, unchanged, deactivated; /* planned */
};
/* prepare, print, and (unless dry_run or a problem) apply as "cli".
 * EXIT_OK, EXIT_USAGE (problems: nothing written), EXIT_RUNTIME. */
int hh_import_run(struct store *st, const char *path, const char *data, size_t len, const struct hh_import_opts *o,
		  int dry_run, FILE *out, FILE *errs, struct import_result *res);
#endif
