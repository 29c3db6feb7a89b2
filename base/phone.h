/* phone — Vietnamese phone-number normalisation, by the rules the README
 * lists (from the 2018 renumbering): strip separators, fold +84/0084/84 to
 * a national 0…, convert old 11-digit mobile prefixes, classify.  Numbers
 * are stored in E.164 (+84…) and shown in national form (0…). */
#ifndef LOA_PHONE_H
#define LOA_PHONE_H

enum phone_kind {
	PHONE_MOBILE = 0,
	PHONE_LANDLINE,   /* 02x…, 11 digits: voice only */
	PHONE_EMERGENCY,  /* 111–115 */
	PHONE_TOLLFREE,   /* 1800… */
	PHONE_PREMIUM,    /* 1900… */
	PHONE_SHORTCODE,  /* other 3–5 digit numbers */
	PHONE_INVALID,
};

struct phone {
	enum phone_kind kind;
	int converted;        /* an old 11-digit mobile prefix was converted */
	char national[16];    /* 0912345678 */
	char e164[20];        /* +84912345678 */
	char why[96];         /* for PHONE_INVALID: what is wrong */
};

/* Classifies `in`; always fills `out`.  Returns out->kind. */
enum phone_kind phone_normalise(const char *in, struct phone *out);
/* "+84912345678" -> "0912345678" (other strings are copied). */
void phone_national(const char *e164, char *buf, unsigned n);
const char *phone_kind_name(enum phone_kind k);
#endif
