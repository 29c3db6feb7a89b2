/* web_xlsx — see web_xlsx.h. */
#include "web/web_xlsx.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct web_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *time, *head;
	const struct web_col *cols;
	int ncols;
	lxw_row_t row;           /* the next row to write */
	char path[512];
	char tmpdir[480];
};

static void tmp_dir(char *out, size_t len)
{
	const char *t = getenv("TMPDIR");
	snprintf(out, len, "%s", t && *t ? t : "/tmp");
}

struct web_xlsx *web_xlsx_new(const char *sheet, const struct web_col *cols, int ncols, char *err, size_t errlen)
{
	struct web_xlsx *x = xcalloc(1, sizeof *x);
	x->cols = cols;
	x->ncols = ncols;
	tmp_dir(x->tmpdir, sizeof x->tmpdir);
	snprintf(x->path, sizeof x->path, "%s/loa-xlsx-XXXXXX", x->tmpdir);
	int fd = mkstemp(x->path); /* mode 0600: the data of every household */
	if (fd < 0) {
		snprintf(err, errlen, "xlsx: cannot create a temporary file in %s: %s", x->tmpdir, strerror(errno));
		free(x);
		return NULL;
	}
	close(fd);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = x->tmpdir, .use_zip64 = LXW_FALSE };
	x->wb = workbook_new_opt(x->path, &opt);
	x->ws = x->wb ? workbook_add_worksheet(x->wb, sheet) : NULL;
	if (!x->ws) {
		snprintf(err, errlen, "xlsx: cannot start a workbook in %s", x->path);
		web_xlsx_abort(x);
		return NULL;
	}
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xE5E7EB);
	format_set_bottom(x->head, LXW_BORDER_THIN);
	format_set_text_wrap(x->head);
	format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
	x->text = workbook_add_format(x->wb);
	format_set_num_format(x->text, "@"); /* typed-over cells stay text too: 0912... keeps its 0 */
	x->time = workbook_add_format(x->wb);
	format_set_num_format(x->time, "dd/mm/yyyy hh:mm");
	for (int i = 0; i < ncols; i++)
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].width,
				     cols[i].type == WEB_COL_TEXT ? x->text : cols[i].type == WEB_COL_TIME ? x->time : NULL);
	worksheet_freeze_panes(x->ws, 1, 0);
	for (int i = 0; i < ncols; i++)
		worksheet_write_string(x->ws, 0, (lxw_col_t)i, cols[i].title, x->head);
	x->row = 1;
	return x;
}

/* Wall seconds as the local date and time the CSV and the page show. */
static int local_datetime(int64_t wall_s, lxw_datetime *dt)
{
	char s[32];
	clock_format_local(wall_s, s, sizeof s);
	memset(dt, 0, sizeof *dt);
	return sscanf(s, "%d-%d-%d %d:%d", &dt->year, &dt->month, &dt->day, &dt->hour, &dt->min) == 5 ? 0 : -1;
}

int web_xlsx_row(struct web_xlsx *x, const struct web_cell *cells)
{
	if (x->row >= LXW_ROW_MAX)
		return -1;
	for (int i = 0; i < x->ncols; i++) {
		lxw_col_t c = (lxw_col_t)i;
		lxw_error e = LXW_NO_ERROR;
		lxw_datetime dt;
		switch (x->cols[i].type) {
		case WEB_COL_TEXT:
			if (cells[i].s && *cells[i].s)
				e = worksheet_write_string(x->ws, x->row, c, cells[i].s, x->text);
			break;
		case WEB_COL_NUMBER:
			e = worksheet_write_number(x->ws, x->row, c, (double)cells[i].n, NULL);
			break;
		case WEB_COL_TIME:
			if (cells[i].n > 0 && local_datetime(cells[i].n, &dt) == 0)
				e = worksheet_write_datetime(x->ws, x->row, c, &dt, x->time);
			break;
		}
		if (e != LXW_NO_ERROR) {
			LOG_E("web", "xlsx row %u column %d: %s", (unsigned)x->row, i, lxw_strerror(e));
			return -1;
		}
	}
	x->row++;
	return 0;
}

int web_xlsx_finish(struct web_xlsx *x, int *fd, int64_t *size, char *err, size_t errlen)
{
	worksheet_autofilter(x->ws, 0, 0, x->row - 1, (lxw_col_t)(x->ncols - 1));
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "xlsx: cannot write %s: %s", x->path, lxw_strerror(e));
		web_xlsx_abort(x);
		return -1;
	}
	*fd = open(x->path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (*fd < 0 || fstat(*fd, &sb) != 0) {
		snprintf(err, errlen, "xlsx: cannot read back %s: %s", x->path, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		web_xlsx_abort(x);
		return -1;
	}
	*size = (int64_t)sb.st_size;
	unlink(x->path); /* gone once the descriptor is closed */
	free(x);
	return 0;
}

void web_xlsx_abort(struct web_xlsx *x)
{
	if (!x)
		return;
	if (x->wb) {
		/* libxlsxwriter has no "discard": closing writes the file, which
		 * is then removed with the rest */
		if (workbook_close(x->wb) != LXW_NO_ERROR)
			LOG_D("web", "xlsx: an abandoned workbook did not close cleanly");
	}
	unlink(x->path);
	free(x);
}
