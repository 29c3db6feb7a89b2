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

/* Local-time helpers that respect the clock above. */
int clock_local_minutes_of_day(int64_t wall_s); /* 0..1439 */
void clock_format_local(int64_t wall_s, char *buf, unsigned n); /* "YYYY-MM-DD HH:MM" */
#endif
