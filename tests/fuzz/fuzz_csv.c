/* libFuzzer: the household CSV importer (sheet reader, header search, row
 * rules, matching) on any bytes, as dry runs against an in-memory store
 * holding a few households: a plain import and --update
 * --deactivate-missing.  A run that says it succeeded has no problem. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/store.h"
#include "domain/hh_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store *st;
	static FILE *devnull;
	if (!st) {
		char err[256];
		if (store_open(":memory:", &st, err, sizeof err) != STORE_OK)
			abort();
		devnull = fopen("/dev/null", "w");
		static const char seed[] = "Họ tên,Số ĐT,SĐT 2,Nhóm\nNguyễn Văn An,0912345678,,Xóm Đông Tiến\n"
					   "Trần Thị Bình,0912345678,0987654321,Tổ 5\nLê Văn C,02333852456,,a\n";
		struct import_result r;
		if (hh_import_run(st, "seed.csv", seed, sizeof seed - 1, &(struct hh_import_opts){ 0 }, 0, devnull,
				  devnull, &r) != 0)
			abort();
	}
	for (int mode = 0; mode < 2; mode++) {
		struct hh_import_opts o = { .update = mode, .deactivate_missing = mode };
		struct import_result r;
		int rc = hh_import_run(st, "fuzz.csv", (const char *)data, size, &o, 1, devnull, devnull, &r);
		if (rc != 0 && rc != 2)
			abort();
		if (rc == 0 && r.errors)
			abort();
	}
	return 0;
}
