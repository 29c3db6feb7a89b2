/* libFuzzer: the network time parser (modem/nettime.c) on any line: every
 * format's reader, with a build date that lets defaults and real times
 * through, and the calendar arithmetic on whatever fields it reads. */
#include <stdint.h>
#include <string.h>

#include "modem/nettime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[512];
	size_t n = size < sizeof line - 1 ? size : sizeof line - 1;
	memcpy(line, data, n);
	line[n] = '\0';
	struct nettime t;
	int rc = nettime_parse(line, 0, &t);
	if (rc == NETTIME_TIME && !t.has_time)
		__builtin_trap();
	rc = nettime_parse(line, 1767225600LL, &t);
	if (rc == NETTIME_TIME && t.utc_s < 1767225600LL)
		__builtin_trap();
	return 0;
}
