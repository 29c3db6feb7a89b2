/* libFuzzer: the .xlsx reader (domain/sheet_xlsx.c) on any workbook.
 *
 * Mutating a zip mostly breaks its checksums, so the input is usually the
 * parts themselves, separated by NUL bytes, and this target zips them
 * (stored) before reading:
 *   worksheet XML \0 sharedStrings XML \0 workbook.xml \0 workbook rels \0
 *   a sheet name to select
 * Missing parts get the ones Excel writes.  An input that already is a zip
 * ("PK...") is read as it is, so damaged containers are covered too.
 * Seeds: tests/fuzz/corpus/xlsx/ (book.xlsx: a whole small workbook). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "domain/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char root_rels[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	"officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char book[] =
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
	"<sheet name=\"Danh sách\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Thôn 3\" sheetId=\"2\" r:id=\"rId2\"/>"
	"</sheets></workbook>";
static const char book_rels[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	"worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	"worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	"sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>";
static const char sst[] = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
			  "<si><t>Họ và tên</t></si><si><r><t>Số </t></r><r><t>ĐT</t></r></si></sst>";

static void add(zip_t *za, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(za, p, n, 0);
	if (!s)
		abort();
	zip_int64_t i = zip_file_add(za, name, s, 0);
	if (i < 0)
		abort();
	zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

static void check(const char *bytes, size_t n, const char *sheet_name)
{
	struct sheet sh;
	char err[512];
	if (sheet_load("fuzz.xlsx", bytes, n, sheet_name, &sh, err, sizeof err) == 0) {
		for (int r = 0; r < sh.nrows; r++)
			for (int f = 0; f < sh.rows[r].nfields; f++)
				if (!sh.rows[r].fields[f])
					abort();
		sheet_free(&sh);
	} else if (!err[0]) {
		abort(); /* a failure always says why */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		check((const char *)data, size, NULL);
		return 0;
	}
	const char *part[5] = { NULL, sst, book, book_rels, NULL };
	size_t len[5] = { 0, sizeof sst - 1, sizeof book - 1, sizeof book_rels - 1, 0 };
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	char *p = copy, *end = copy + size;
	for (int i = 0; i < 5 && p <= end; i++) {
		char *z = memchr(p, '\0', (size_t)(end - p));
		part[i] = p;
		len[i] = z ? (size_t)(z - p) : (size_t)(end - p);
		if (!z)
			break;
		p = z + 1;
	}
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!za)
		abort();
	zip_source_keep(src);
	add(za, "_rels/.rels", root_rels, sizeof root_rels - 1);
	add(za, "xl/workbook.xml", part[2], len[2]);
	add(za, "xl/_rels/workbook.xml.rels", part[3], len[3]);
	add(za, "xl/sharedStrings.xml", part[1], len[1]);
	add(za, "xl/worksheets/sheet1.xml", part[0], len[0]);
	if (zip_close(za) != 0 || zip_source_open(src) != 0 || zip_source_seek(src, 0, SEEK_END) != 0)
		abort();
	zip_int64_t n = zip_source_tell(src);
	char *zipped = malloc((size_t)n);
	if (zip_source_seek(src, 0, SEEK_SET) != 0 || zip_source_read(src, zipped, (zip_uint64_t)n) != n)
		abort();
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	check(zipped, (size_t)n, part[4] && len[4] ? part[4] : NULL);
	free(zipped);
	free(copy);
	return 0;
}
