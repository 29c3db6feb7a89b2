/* clock — the one source of "now" for the whole program.
 *
 * Owns wall time (stored in the database, shown to people, used for quiet
 * hours and scheduled notices) and monotonic time (timeouts, pacing).  Tests
 * and the simulator switch it to a fake clock and move it forward instead of
 * sleeping; the LOA_FAKE_TIME environment variable (seconds since the epoch)
 * starts the real binary on a fixed wall time, which integration tests use so
 * that nothing depends on the hour at which they run. */
#ifndef LOA_CLOCK_H
#define LOA_CLOCK_H
#include <stdint.h>

/* Milliseconds since the Unix epoch. */
int64_t clock_wall_ms(void);
/* Milliseconds on a clock that never goes backwards. */
int64_t clock_mono_ms(void);
/* Seconds since the epoch, for storage. */
int64_t clock_wall_s(void);

/* Freeze both clocks at wall time `wall_ms`; they then move only by
 * clock_advance().  Used by unit tests. */
void clock_fake(int64_t wall_ms);
void clock_advance(int64_t ms);
/* Offset the real clock so that wall time starts at `wall_ms` and then runs
 * at the real rate (integration tests: LOA_FAKE_TIME). */
void clock_shift_to(int64_t wall_ms);
/* Back to the real clock. */
void clock_real(void);
/* Reads LOA_FAKE_TIME once at start-up. */
void clock_init_from_env(void);

/* ---- which wall time to trust (see README "Time") ----
 *
 * The wall time above is the system clock (or the fake one) plus a network
 * offset, 0 until clock_set_network() or clock_set_offset_s(): the daemon
 * sets it from the modems' NITZ time, and the CLI takes the daemon's last
 * offset from the database, so quiet hours, --at, expiry, logs and reports
 * all read the same time.  The system clock itself is never set (the
 * service needs no CAP_SYS_TIME). */

/* The build date (seconds): LOA_BUILD_TIME when the build passes one
 * (-DLOA_BUILD_TIME=$SOURCE_DATE_EPOCH), else a date in clock.c that this
 * source is newer than.  No real clock can be earlier. */
int64_t clock_build_s(void);
/* The system (or fake) clock without the network offset, seconds. */
int64_t clock_system_s(void);
/* The system clock is not before the build date. */
int clock_system_plausible(void);
/* The kernel says NTP keeps the system clock synchronised (adjtimex:
 * STA_UNSYNC clear).  A fake or shifted clock (tests) is never synchronised. */
int clock_system_synced(void);
/* From now on clock_wall_*() return the network time `network_wall_s`
 * (running at the system clock's rate). */
void clock_set_network(int64_t network_wall_s);
/* An offset (network - system, seconds) known from elsewhere (the CLI: the
 * daemon's, from the database); 0 = none. */
void clock_set_offset_s(int64_t offset_s);
int64_t clock_offset_s(void);
/* Whether a network time is applied (clock_set_network or a non-zero
 * clock_set_offset_s), and clearing it. */
int clock_network_on(void);
void clock_clear_network(void);
/* The wall time can be trusted: the system clock is plausible or the
 * network's time is applied. */
int clock_trusted(void);

/* Local-time helpers that respect the clock above. */
int clock_local_minutes_of_day(int64_t wall_s); /* 0..1439 */
void clock_format_local(int64_t wall_s, char *buf, unsigned n); /* "YYYY-MM-DD HH:MM" */
#endif
