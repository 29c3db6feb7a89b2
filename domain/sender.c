/* sender — see sender.h (the commands are app/cmd_sender.c, the pages
 * web/web_admin.c). */
#include "domain/sender.h"

#include "base/phone.h"
#include "base/pwhash.h"
#include "base/text.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_ok(const char *name, char *out, size_t outlen)
{
	char *nfc = text_nfc(name);
	if (!nfc)
		return 0;
	/* control characters are kept: every page and terminal escapes them */
	const char *t = util_trim(nfc);
	int ok = *t && strlen(t) < outlen;
	if (ok)
		snprintf(out, outlen, "%s", t);
	free(nfc);
	return ok;
}

enum sender_why sender_from_fields(const char *phone, const char *role, const char *name, const char *groups,
				   int confirm, struct sender *s)
{
	memset(s, 0, sizeof *s);
	struct phone p;
	if (!phone || phone_normalise(phone, &p) != PHONE_MOBILE)
		return SENDER_BAD_PHONE;
	snprintf(s->phone, sizeof s->phone, "%s", p.e164);
	if (!role || (strcmp(role, "head") != 0 && strcmp(role, "officer") != 0))
		return SENDER_BAD_ROLE;
	snprintf(s->role, sizeof s->role, "%s", role);
	if (!name || !name_ok(name, s->name, sizeof s->name))
		return SENDER_BAD_NAME;
	if (!groups)
		groups = "";
	if (strlen(groups) >= sizeof s->groups)
		return SENDER_BAD_GROUPS;
	for (const char *g = groups; *g; g++)
		if (!isalnum((unsigned char)*g) && !strchr("-_,", *g))
			return SENDER_BAD_GROUPS;
	snprintf(s->groups, sizeof s->groups, "%s", groups);
	s->confirm = confirm ? 1 : 0;
	return SENDER_OK;
}

int sender_template_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > SENDER_TEMPLATE_CODE_MAX)
		return 0;
	for (; *code; code++)
		if (!isalnum((unsigned char)*code) && *code != '-' && *code != '_')
			return 0;
	return 1;
}

int sender_pin_ok(const char *digits)
{
	size_t n = strlen(digits);
	if (n < SENDER_PIN_MIN || n > SENDER_PIN_MAX)
		return 0;
	for (const char *d = digits; *d; d++)
		if (*d < '0' || *d > '9')
			return 0;
	return 1;
}

int sender_pin_set(struct store *st, const char *phone, const char *digits)
{
	char hash[PWHASH_MAX] = "";
	if (digits && (!sender_pin_ok(digits) || pwhash_str(digits, hash) != 0))
		return STORE_ERR;
	return store_sender_set_pin(st, phone, hash);
}

const char *sender_pin_name(enum sender_pin r)
{
	static const char *const n[] = { "right", "wrong", "locked", "none", "error" };
	return (unsigned)r < sizeof n / sizeof n[0] ? n[r] : "?";
}

enum sender_pin sender_pin_check(struct store *st, const char *phone, const char *caller, const char *digits,
				 int lock_wrong, int lock_window_s, int64_t now, int *in_window)
{
	char who[80], detail[240];
	util_escape_ctl(caller ? caller : "", who, sizeof who);
	if (in_window)
		*in_window = 0;
	struct sender s;
	int rc = store_sender_by_phone(st, phone, &s);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK && !s.pin_hash[0])) {
		snprintf(detail, sizeof detail, "caller %s: %s", who,
			 rc == STORE_NOTFOUND ? "not a sender" : "sender has no PIN");
		return store_event(st, "pin_refused", 0, 0, 0, NULL, detail, now) == STORE_OK ? SENDER_PIN_NONE
											      : SENDER_PIN_ERR;
	}
	if (rc != STORE_OK)
		return SENDER_PIN_ERR;
	if (s.locked_at) {
		snprintf(detail, sizeof detail, "caller %s: sender %s locked after wrong codes", who, s.phone);
		return store_event(st, "pin_refused", 0, 0, 0, NULL, detail, now) == STORE_OK ? SENDER_PIN_LOCKED
											      : SENDER_PIN_ERR;
	}
	/* the typed digits are never logged, right or wrong */
	if (sender_pin_ok(digits) && pwhash_verify(s.pin_hash, digits)) {
		snprintf(detail, sizeof detail, "caller %s: sender %s PIN right", who, s.phone);
		return store_event(st, "pin_ok", 0, 0, 0, NULL, detail, now) == STORE_OK ? SENDER_PIN_RIGHT
											 : SENDER_PIN_ERR;
	}
	int n = 0, locked = 0;
	if (store_code_failure(st, s.id, now, lock_window_s, lock_wrong, &n, &locked) != STORE_OK)
		return SENDER_PIN_ERR;
	if (in_window)
		*in_window = n;
	snprintf(detail, sizeof detail, "caller %s: sender %s wrong PIN (%d wrong codes/PINs within %d s, lock at %d)%s",
		 who, s.phone, n, lock_window_s, lock_wrong, locked ? "; sender locked" : "");
	if (store_event(st, locked ? "pin_locked" : "pin_wrong", 0, 0, 0, NULL, detail, now) != STORE_OK)
		return SENDER_PIN_ERR;
	return locked ? SENDER_PIN_LOCKED : SENDER_PIN_WRONG;
}
