/* timesync — see timesync.h. */
#include "domain/timesync.h"

#include "base/clock.h"
#include "db/store_health.h"

#include <string.h>

/* The daemon saves every 30 s: a record older than this is not believed. */
enum { CLOCK_FRESH_S = 120 };

void timesync_from_daemon(struct store *st)
{
	struct daemon_health h;
	if (store_health_daemon(st, &h) != STORE_OK || !h.known || strcmp(h.clock_source, "network") != 0)
		return;
	int64_t age = clock_system_s() - h.clock_system_at;
	if (age >= -5 && age <= CLOCK_FRESH_S)
		clock_set_offset_s(h.clock_offset_s);
}
