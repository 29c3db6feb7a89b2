/* timesync — the daemon's clock for the other processes (`loa` commands,
 * `loa web`): when the daemon runs on the network's time and said so
 * recently (db/store_health.c: it saves every 30 s), its offset is applied
 * to this process's clock (base/clock.h), so a time typed or shown here
 * agrees with the daemon's.  An older record is not used: a reboot resets
 * a clock without a battery, and the offset with it. */
#ifndef LOA_TIMESYNC_H
#define LOA_TIMESYNC_H
struct store;

/* Applies the daemon's recent network offset, if any. */
void timesync_from_daemon(struct store *st);
#endif
