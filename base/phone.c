/* phone — see phone.h.  The rules run in the fixed order of the
 * README's "Phone numbers" section; each step is one small block so the
 * order can be checked against it line by line. */
#include "base/phone.h"

#include <stdio.h>
#include <string.h>

/* Old 11-digit mobile prefix (after 0) -> new 3-digit prefix. */
static const struct {
	const char *old, *new_;
} old_prefixes[] = {
	{ "0162", "032" }, { "0163", "033" }, { "0164", "034" }, { "0165", "035" }, { "0166", "036" },
	{ "0167", "037" }, { "0168", "038" }, { "0169", "039" }, { "0120", "070" }, { "0121", "079" },
	{ "0122", "077" }, { "0126", "076" }, { "0128", "078" }, { "0123", "083" }, { "0124", "084" },
	{ "0125", "085" }, { "0127", "081" }, { "0129", "082" }, { "0186", "056" }, { "0188", "058" },
	{ "0199", "059" },
};

static enum phone_kind invalid(struct phone *out, const char *why)
{
	out->kind = PHONE_INVALID;
	snprintf(out->why, sizeof out->why, "%s", why);
	out->national[0] = out->e164[0] = '\0';
	return PHONE_INVALID;
}

static enum phone_kind service(struct phone *out, enum phone_kind k, const char *d)
{
	out->kind = k;
	size_t n = strlen(d);
	if (n >= sizeof out->national)
		n = sizeof out->national - 1;
	memcpy(out->national, d, n);
	out->national[n] = '\0';
	out->e164[0] = '\0';
	snprintf(out->why, sizeof out->why, "%s number, never a recipient", phone_kind_name(k));
	return k;
}

enum phone_kind phone_normalise(const char *in, struct phone *out)
{
	char d[40];
	size_t n = 0;
	memset(out, 0, sizeof *out);
	/* 1. strip separators; only a leading '+' may stay. */
	int plus = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (*p == ' ' || *p == '.' || *p == '-' || *p == '(' || *p == ')' || *p == '/' || *p == '\t')
			continue;
		if (p[0] == 0xC2 && p[1] == 0xA0) { /* NBSP */
			p++;
			continue;
		}
		if (*p == '+') {
			if (plus || n > 0)
				return invalid(out, "'+' only at the start");
			plus = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			return invalid(out, "contains a character that is not a digit");
		if (n >= sizeof d - 1)
			return invalid(out, "too many digits");
		d[n++] = (char)*p;
	}
	d[n] = '\0';
	if (n == 0)
		return invalid(out, "empty");
	/* 2. +84…, 0084…, 84 + 9–10 digits -> 0… */
	char nat[40];
	if (plus) {
		if (strncmp(d, "84", 2) != 0)
			return invalid(out, "foreign number (only +84 is accepted)");
		snprintf(nat, sizeof nat, "0%s", d + 2);
	} else if (strncmp(d, "0084", 4) == 0) {
		snprintf(nat, sizeof nat, "0%s", d + 4);
	} else if (strncmp(d, "00", 2) == 0) {
		return invalid(out, "foreign number (only +84 is accepted)");
	} else if (strncmp(d, "84", 2) == 0 && (n == 11 || n == 12)) {
		snprintf(nat, sizeof nat, "0%s", d + 2);
	} else {
		snprintf(nat, sizeof nat, "%s", d);
	}
	/* 3. a doubled trunk "00…" (the "+84 0912…" typo) drops one 0. */
	if (strncmp(nat, "00", 2) == 0)
		memmove(nat, nat + 1, strlen(nat));
	size_t len = strlen(nat);
	/* 4. emergency, toll-free, premium, short codes. */
	if (len == 3 && nat[0] == '1' && nat[1] == '1' && nat[2] >= '1' && nat[2] <= '5')
		return service(out, PHONE_EMERGENCY, nat);
	if (strncmp(nat, "1800", 4) == 0 && len >= 6 && len <= 10)
		return service(out, PHONE_TOLLFREE, nat);
	if (strncmp(nat, "1900", 4) == 0 && len >= 6 && len <= 10)
		return service(out, PHONE_PREMIUM, nat);
	if (len >= 3 && len <= 5 && nat[0] != '0')
		return service(out, PHONE_SHORTCODE, nat);
	/* 5. nine digits without the 0 get one. */
	if (len == 9 && nat[0] != '0') {
		memmove(nat + 1, nat, len + 1);
		nat[0] = '0';
		len++;
	}
	/* 6. old 11-digit mobile prefixes. */
	if (len == 11 && strncmp(nat, "01", 2) == 0) {
		for (size_t i = 0; i < sizeof old_prefixes / sizeof old_prefixes[0]; i++) {
			if (strncmp(nat, old_prefixes[i].old, 4) == 0) {
				char conv[16];
				memcpy(conv, old_prefixes[i].new_, 3);
				memcpy(conv + 3, nat + 4, 8); /* 7 digits and the NUL */
				memcpy(nat, conv, 11);
				len = strlen(nat);
				out->converted = 1;
				break;
			}
		}
		if (!out->converted)
			return invalid(out, "unknown old mobile prefix");
	}
	/* 7. classify. */
	if (len == 10 && nat[0] == '0' && strchr("35789", nat[1])) {
		out->kind = PHONE_MOBILE;
	} else if (len == 11 && strncmp(nat, "02", 2) == 0) {
		out->kind = PHONE_LANDLINE;
	} else {
		char why[96];
		snprintf(why, sizeof why, "not a Vietnamese mobile (10 digits, 03/05/07/08/09) or landline (11 digits, 02)");
		return invalid(out, why);
	}
	memcpy(out->national, nat, len + 1); /* len is 10 or 11 here */
	out->e164[0] = '+';
	out->e164[1] = '8';
	out->e164[2] = '4';
	memcpy(out->e164 + 3, nat + 1, len);
	return out->kind;
}

void phone_national(const char *e164, char *buf, unsigned n)
{
	if (strncmp(e164, "+84", 3) == 0)
		snprintf(buf, n, "0%s", e164 + 3);
	else
		snprintf(buf, n, "%s", e164);
}

const char *phone_kind_name(enum phone_kind k)
{
	static const char *const names[] = { "mobile", "landline", "emergency", "toll-free", "premium",
					     "short code", "invalid" };
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}
