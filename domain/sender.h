/* sender — the rules for who may command the gateway by SMS and for the
 * templates they send: a sender's fields (a mobile number, role head or
 * officer, a name, the groups a head may broadcast to) and a template's
 * code.  Shared by `loa sender` / `loa template` and the web page's
 * senders and templates pages, so both accept exactly the same input. */
#ifndef LOA_SENDER_H
#define LOA_SENDER_H
#include "db/store_shortcode.h"

/* What is wrong with a sender's fields; each caller words it in its
 * reader's language. */
enum sender_why { SENDER_OK = 0, SENDER_BAD_PHONE, SENDER_BAD_ROLE, SENDER_BAD_NAME, SENDER_BAD_GROUPS };

/* Fills `s` (zeroed first) from typed fields: `phone` in any form of a
 * Vietnamese mobile number, `role` "head" or "officer", `name` (trimmed,
 * NFC, 1..95 bytes), `groups` comma-separated
 * group codes ("" = every group), `confirm`.  Returns SENDER_OK or the
 * first field at fault. */
enum sender_why sender_from_fields(const char *phone, const char *role, const char *name, const char *groups,
				   int confirm, struct sender *s);

/* ---- the phone PIN (issue 17: the head records a notice by phone) ----
 * Caller ID can be forged, so recording by phone needs a PIN typed by
 * DTMF.  It is kept only as an argon2id hash (base/pwhash.h).  Wrong PINs
 * count with wrong SMS codes per sender (store_code_failure): lock_wrong
 * of them within lock_window_s lock the sender out of both until
 * `loa sender unlock`. */
#define SENDER_PIN_MIN 4
#define SENDER_PIN_MAX 8
/* 1 if `digits` can be a PIN: 4-8 ASCII digits. */
int sender_pin_ok(const char *digits);
/* Sets the PIN of the sender with E.164 `phone` (`digits` NULL clears it).
 * STORE_OK, STORE_NOTFOUND (not a sender), STORE_ERR (hashing or SQL; for
 * a bad PIN too: check sender_pin_ok first). */
int sender_pin_set(struct store *st, const char *phone, const char *digits);

enum sender_pin {
	SENDER_PIN_RIGHT,  /* the PIN matches: go on */
	SENDER_PIN_WRONG,  /* counted; not locked (yet) */
	SENDER_PIN_LOCKED, /* locked, before or by this wrong PIN: refuse */
	SENDER_PIN_NONE,   /* not a sender, or no PIN set: refuse (not counted) */
	SENDER_PIN_ERR     /* the store failed: refuse */
};
/* Checks `digits` typed by `caller` (the number the modem reported; only
 * logged, escaped) for the sender with E.164 `phone`, at `now`.  Every
 * outcome is an event: pin_ok, pin_wrong, pin_locked (this PIN locked it),
 * pin_refused (locked before, or no PIN).  A locked sender is refused
 * without looking at the PIN.  *in_window (may be NULL) gets the wrong
 * codes and PINs counted in the window. */
enum sender_pin sender_pin_check(struct store *st, const char *phone, const char *caller, const char *digits,
				 int lock_wrong, int lock_window_s, int64_t now, int *in_window);
const char *sender_pin_name(enum sender_pin r);

/* The longest template code. */
#define SENDER_TEMPLATE_CODE_MAX 16
/* 1 if `code` can be a template code: 1-16 letters, digits, '-' or '_'. */
int sender_template_code_ok(const char *code);
#endif
