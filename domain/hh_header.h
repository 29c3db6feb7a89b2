/* hh_header — the header row of a household sheet: found below any
 * title rows ("DANH SÁCH HỘ DÂN THÔN …": the first of the first
 * HH_HEADER_ROWS rows that names a name and a phone column), what each of
 * its columns means (aliases as people write them — "Họ và tên chủ hộ",
 * "Số ĐT", "Xóm", "Cách nhận" — compared without accents or case), what to
 * call each column in messages ("column Số ĐT (C)"), and a row's group
 * columns read as one cell.  Unknown columns are a remark, a column
 * meaning what another already does a problem (a second phone column is
 * the second phone; group columns merge). */
#ifndef LOA_HH_HEADER_H
#define LOA_HH_HEADER_H
#include "domain/household.h"
#include "domain/sheet.h"

#define HH_HEADER_ROWS 10
#define HH_COL_ID HH_NCOLS           /* the id column (list --csv) */
#define HH_NFIELDS (HH_NCOLS + 1)
#define HH_HEADER_GROUP_COLS 4

struct hh_header {
	int row;                         /* index in sh->rows */
	int line;                        /* its line in the file */
	int idx[HH_NFIELDS];             /* cell index per field, -1 absent */
	int gidx[HH_HEADER_GROUP_COLS];  /* group columns */
	int gplace[HH_HEADER_GROUP_COLS];/* its header is a place ("Tổ"): a bare number is "Tổ 5" */
	int ng;
	char *text[HH_NFIELDS], *vi[HH_NFIELDS]; /* "column Số ĐT (C)" / "cột Số ĐT (C)" */
};

/* Finds and reads the header: 0, or -1 with a problem (an empty sheet, no
 * header in the first rows).  Remarks: title rows skipped, columns not
 * used; problems: two columns meaning the same. */
int hh_header_find(const struct sheet *sh, struct hh_header *hd, struct hh_msgs *problems, struct hh_msgs *remarks);
void hh_header_free(struct hh_header *hd);
/* Row r's cell for field c (HH_* or HH_COL_ID): NULL when the sheet has
 * no such column, "" past the row's end. */
const char *hh_header_cell(const struct hh_header *hd, const struct sheet_row *r, int c);
/* Row r's group cells as one ("Xóm Đông Tiến, Tổ 5"); NULL without a
 * group column.  Caller frees. */
char *hh_header_groups(const struct hh_header *hd, const struct sheet *sh, const struct sheet_row *r);
/* The labels household_row takes. */
void hh_header_labels(const struct hh_header *hd, struct hh_labels *lb);
#endif
