/* audio — the PCM port of one modem during a call: 8 kHz s16le mono,
 * 320-byte frames every 20 ms each way, plus software DTMF detection on
 * what the far end sends.
 *
 * DESIGN
 *  - Non-blocking, driven by the daemon's poll loop like the AT engine
 *    (audio_fd/audio_events/audio_deadline, audio_io/audio_tick).
 *  - Clocking: exactly one uplink frame is written per downlink frame
 *    received, which keeps host and modem clocks in step; when the downlink
 *    stalls for more than a frame and a half, an absolute-time 20 ms timer
 *    takes over (deadline += 20, never "now + 20", so no drift) until
 *    downlink frames flow again.  Idle time is sent as silence, and frames
 *    are counted in bytes, so a short read never shifts the byte alignment.
 *  - Playback is one buffer at a time (audio_play); the owner (the call
 *    engine) chains segments on the `done` hook.
 *  - DTMF: spandsp dtmf_rx on every received frame, through its realtime
 *    callback so that we measure each tone's length ourselves and accept a
 *    digit only after AUDIO_DTMF_MIN_MS of tone: shorter blips (speech,
 *    line noise, a 20 ms click) are ignored (ITU-T Q.24 asks for >= 40 ms
 *    to be accepted).
 *  - Recording (the head's notice by phone, issue 17): a capture of the
 *    downlink, the caller's voice as received, frame by frame into one
 *    growing buffer up to max_samples.  DTMF detection sees the same
 *    frames, so '#' still ends it; the capture keeps the start of that
 *    tone (tts_rec_clean cuts it).  The owner polls audio_record_state
 *    (FULL at the maximum) and audio_record_quiet_ms (a caller gone silent)
 *    after audio_io, so the hooks stay as they are. */
#ifndef LOA_AUDIO_H
#define LOA_AUDIO_H
#include <stddef.h>
#include <stdint.h>

#define AUDIO_RATE 8000
#define AUDIO_FRAME_SAMPLES 160
#define AUDIO_FRAME_BYTES 320
#define AUDIO_FRAME_MS 20
#define AUDIO_STALL_MS 30
#define AUDIO_DTMF_MIN_MS 30

/* ---- software DTMF detector (also used on its own by tests) ---- */
struct audio_dtmf;
typedef void (*audio_digit_fn)(void *arg, char digit);
struct audio_dtmf *audio_dtmf_new(audio_digit_fn fn, void *arg);
void audio_dtmf_free(struct audio_dtmf *d);
void audio_dtmf_feed(struct audio_dtmf *d, const int16_t *pcm, size_t n);

/* ---- the port ---- */
struct audio_port;
struct audio_hooks {
	void (*done)(void *arg);              /* the buffer given to audio_play finished */
	void (*digit)(void *arg, char digit); /* a DTMF digit detected in the downlink */
};
/* Opens the tty raw and non-blocking.  NULL with err on failure. */
struct audio_port *audio_open(const char *path, const struct audio_hooks *h, void *arg, char *err, size_t errlen);
/* Takes over an already open non-blocking fd (tests: a socketpair end). */
struct audio_port *audio_new_fd(int fd, const struct audio_hooks *h, void *arg);
void audio_close(struct audio_port *a);

/* Plays `n` samples (not copied: the buffer must outlive the playback);
 * NULL/0 plays silence.  Replaces what was playing without calling done. */
void audio_play(struct audio_port *a, const int16_t *pcm, size_t n);
int audio_playing(const struct audio_port *a);

int audio_fd(const struct audio_port *a);
short audio_events(const struct audio_port *a);
int64_t audio_deadline(const struct audio_port *a);
void audio_io(struct audio_port *a, short revents);
void audio_tick(struct audio_port *a);

/* ---- recording the downlink ---- */
enum audio_rec { AUDIO_REC_OFF, AUDIO_REC_ON, AUDIO_REC_FULL };
/* Peak below this (about -42 dBFS) makes a frame quiet for
 * audio_record_quiet_ms. */
#define AUDIO_QUIET_PEAK 256
/* Starts capturing the downlink, at most max_samples (8 kHz); drops an
 * earlier capture not taken.  0, or -1 when max_samples is 0 or out of
 * memory. */
int audio_record_start(struct audio_port *a, size_t max_samples);
/* Stops capturing (what was captured stays until taken or a new start). */
void audio_record_stop(struct audio_port *a);
/* OFF (none or stopped), ON, FULL (max_samples reached: capture stopped). */
enum audio_rec audio_record_state(const struct audio_port *a);
/* Samples captured so far. */
size_t audio_record_len(const struct audio_port *a);
/* How long the capture has been quiet (every frame's peak below
 * AUDIO_QUIET_PEAK) up to now, in ms; 0 while the caller speaks. */
int audio_record_quiet_ms(const struct audio_port *a);
/* Hands over the capture (stopping it): *pcm malloc'd (the caller frees;
 * NULL when nothing was captured), *n samples. */
void audio_record_take(struct audio_port *a, int16_t **pcm, size_t *n);

/* Counters for logs and tests. */
struct audio_stats {
	long frames_in, frames_out, timer_frames, short_writes;
};
void audio_stats(const struct audio_port *a, struct audio_stats *s);
#endif
