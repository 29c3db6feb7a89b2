/* libFuzzer: the household CSV importer (sheet reader + row rules) on any
 * bytes, as a dry run against an in-memory store. */
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
	}
	struct import_result r;
	int rc = hh_import_run(st, "fuzz.csv", (const char *)data, size, &(struct hh_import_opts){ 0 }, 1, devnull, devnull, &r);
	if (rc != 0 && rc != 2)
		abort();
	if (rc == 0 && r.errors)
		abort();
	return 0;
}
