/* web_xlsx — writing one-sheet .xlsx workbooks for officers' downloads,
 * through libxlsxwriter (the only file that includes it, scripts/floors.sh
 * checks).  Text stays text (a phone keeps its leading 0 in Excel, a cell
 * that starts with '=' is not a formula), times are real dates shown as
 * dd/mm/yyyy hh:mm, numbers are numbers; the header row is bold, frozen
 * and has Excel's filter buttons; columns have set widths.
 *
 * DESIGN: libxlsxwriter writes a workbook to a named file, and only when
 * it is closed.  The file is made with mkstemp (mode 0600) in $TMPDIR (or
 * /tmp), libxlsxwriter's constant-memory mode keeps one row in memory (its
 * row data goes to its own unlinked temporary files), and when finished
 * the file is opened and unlinked at once: the caller streams it from the
 * descriptor, and it disappears when that is closed, whatever happens to
 * the download. */
#ifndef LOA_WEB_XLSX_H
#define LOA_WEB_XLSX_H
#include <stddef.h>
#include <stdint.h>

enum web_col_type {
	WEB_COL_TEXT,    /* cell.s; the column is formatted as text ("@") */
	WEB_COL_NUMBER,  /* cell.n */
	WEB_COL_TIME,    /* cell.n: wall seconds shown in local time; 0 is an empty cell */
};

/* One column of a download (the CSV writer uses the same table). */
struct web_col {
	const char *title;
	enum web_col_type type;
	double width;        /* in Excel's character widths */
};

struct web_cell {
	const char *s;
	int64_t n;
};

struct web_xlsx;

/* A new workbook with one sheet named `sheet` and the header row; NULL
 * with a one-line reason in err. */
struct web_xlsx *web_xlsx_new(const char *sheet, const struct web_col *cols, int ncols, char *err, size_t errlen);
/* Appends one row (ncols cells, in the columns' order): 0 or -1. */
int web_xlsx_row(struct web_xlsx *x, const struct web_cell *cells);
/* Closes the workbook and frees x: 0 with *fd open on the finished file
 * (already unlinked; the caller closes it) and *size its length, or -1
 * with a reason in err (nothing left behind). */
int web_xlsx_finish(struct web_xlsx *x, int *fd, int64_t *size, char *err, size_t errlen);
/* Drops an unfinished workbook and its file. */
void web_xlsx_abort(struct web_xlsx *x);
#endif
