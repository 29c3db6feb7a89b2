/* tts_units — the speech front end's units (see tts_front_int.h): the
 * table of units and what each is called ("m2" -> "mét vuông", "‰" ->
 * "phần nghìn", "h" -> "giờ"), finding one after a number (attached, or
 * after one space when the unit allows it) or after a per-unit slash
 * ("tạ/ha"), saying it in the configured style, and a unit standing as a
 * word of its own: "mỗi km", "Km12+300" (a road marker: "ki lô mét mười
 * hai cộng ba trăm").  The numbers before a unit are read by tts_rules.c. */
#include "tts/tts_front_int.h"

#include "base/util.h"

#include <string.h>

struct unit {
	const char *w;
	const char *say;
	const char *say_ngan; /* the words in the "ngàn" style, when they differ */
	int flags;
};

/* The first match wins: a unit comes before its own prefix ("km/h" before
 * "km", "ha" before "h").  U_SPACED: may follow its number after a space
 * ("500.000 đ", "150 m2"); U_WORD: read also standing alone ("mỗi km");
 * single letters are neither, bar "đ", "l" and "h", which a notice writes
 * spaced. */
static const struct unit units[] = {
	{ "km/h", "ki lô mét một giờ", NULL, U_SPACED },
	{ "m/s", "mét một giây", NULL, U_SPACED },
	{ "kWh", "ki lô oát giờ", NULL, U_SPACED | U_WORD },
	{ "km²", "ki lô mét vuông", NULL, U_SPACED | U_WORD },
	{ "km2", "ki lô mét vuông", NULL, U_SPACED | U_WORD },
	{ "VNĐ", "đồng", NULL, U_SPACED },
	{ "VND", "đồng", NULL, U_SPACED },
	{ "vnđ", "đồng", NULL, U_SPACED },
	{ "vnd", "đồng", NULL, U_SPACED },
	{ "°C", "độ xê", NULL, U_SPACED },
	{ "°F", "độ ép", NULL, U_SPACED },
	{ "oC", "độ xê", NULL, U_SPACED }, /* "25oC", as weather notices type it */
	{ "mm", "mi li mét", NULL, U_SPACED | U_WORD },
	{ "cm", "xen ti mét", NULL, U_SPACED | U_WORD },
	{ "dm", "đề xi mét", NULL, U_SPACED },
	{ "km", "ki lô mét", NULL, U_SPACED | U_WORD },
	{ "Km", "ki lô mét", NULL, U_SPACED | U_WORD },
	{ "m²", "mét vuông", NULL, U_SPACED | U_WORD },
	{ "m2", "mét vuông", NULL, U_SPACED | U_WORD },
	{ "m³", "mét khối", NULL, U_SPACED | U_WORD },
	{ "m3", "mét khối", NULL, U_SPACED | U_WORD },
	{ "ha", "héc ta", NULL, U_SPACED | U_WORD },
	{ "kg", "ki lô gam", NULL, U_SPACED | U_WORD },
	{ "mg", "mi li gam", NULL, U_SPACED | U_WORD },
	{ "ml", "mi li lít", NULL, U_SPACED | U_WORD },
	{ "kV", "ki lô vôn", NULL, U_SPACED },
	{ "kW", "ki lô oát", NULL, U_SPACED },
	{ "MW", "mê ga oát", NULL, U_SPACED },
	{ "Hz", "héc", NULL, U_SPACED },
	{ "tr", "triệu đồng", NULL, 0 },
	{ "đ", "đồng", NULL, U_SPACED },
	{ "₫", "đồng", NULL, U_SPACED },
	{ "k", "nghìn đồng", "ngàn đồng", 0 },
	{ "K", "nghìn đồng", "ngàn đồng", 0 },
	{ "%", "phần trăm", NULL, U_SPACED },
	{ "‰", "phần nghìn", "phần ngàn", U_SPACED },
	{ "°", "độ", NULL, U_SPACED },
	{ "h", "giờ", NULL, U_SPACED | U_HOURS }, /* "36h": 0..24 is a time, read first */
	{ "m", "mét", NULL, U_SPACED },
	{ "g", "gam", NULL, 0 },
	{ "l", "lít", NULL, U_SPACED },
	{ "V", "vôn", NULL, 0 },
	{ "W", "oát", NULL, 0 },
};

/* A unit starting exactly at p (no space skipping), ending at a boundary. */
const struct unit *tts_unit_at(const struct fe *f, size_t p, size_t *len)
{
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		size_t l = strlen(units[i].w);
		if (p + l > f->n || memcmp(f->s + p, units[i].w, l) != 0)
			continue;
		int last = (unsigned char)units[i].w[l - 1];
		if (fe_letter_at(f, p + l))
			continue;
		/* "m23", "5k2" are not units; "36h30" is hours and minutes */
		if ((last == 'k' || last == 'K' || fe_isdig(last)) && fe_isdig(fe_at(f, p + l)))
			continue;
		*len = l;
		return &units[i];
	}
	return NULL;
}

/* The unit after a number: attached, or after one space if it allows. */
const struct unit *tts_unit_after(const struct fe *f, size_t p, size_t *len)
{
	const struct unit *u = tts_unit_at(f, p, len);
	if (u)
		return u;
	if (fe_at(f, p) == ' ' || (fe_at(f, p) == 0xC2 && fe_at(f, p + 1) == 0xA0)) {
		size_t sp = fe_at(f, p) == ' ' ? 1 : 2;
		u = tts_unit_at(f, p + sp, len);
		if (u && (u->flags & U_SPACED)) {
			*len += sp;
			return u;
		}
	}
	return NULL;
}

int tts_unit_flags(const struct unit *u)
{
	return u->flags;
}

void tts_unit_say(struct fe *f, const struct unit *u)
{
	fe_say(f, f->o->style.ngan && u->say_ngan ? u->say_ngan : u->say);
	f->quantity = 1;
}

/* A unit standing as a word at q, at the start of a token: "mỗi km",
 * "đồng/m2" (the slash is tts_front's), "Km12+300" and "km 12" (a road
 * marker: the unit, then the number and its "+" read as they come). */
int tts_unit_word(struct fe *f, size_t q)
{
	if (fe_alnum_before(f, q))
		return 0;
	size_t len;
	const struct unit *u = tts_unit_at(f, q, &len);
	/* the road marker: "km", "Km" or "KM", then a number ("km2" alone is
	 * square kilometres, "Km2+100" a marker) */
	if ((fe_at(f, q) == 'k' || fe_at(f, q) == 'K') && (fe_at(f, q + 1) == 'm' || fe_at(f, q + 1) == 'M') &&
	    !(fe_at(f, q) == 'k' && fe_at(f, q + 1) == 'M') && !(u && len > 2 && fe_at(f, q + len) != '+')) {
		size_t p = q + 2;
		if (fe_at(f, p) == ' ')
			p++;
		if (fe_isdig(fe_at(f, p))) {
			fe_say(f, "ki lô mét");
			return (int)(p - q);
		}
	}
	if (!u || !(u->flags & U_WORD) || fe_isdig(fe_at(f, q + len)))
		return 0;
	/* "ha" is also a word ("ha ha"): the unit only after "mỗi" */
	if (strcmp(u->w, "ha") == 0 && !fe_lw_is(f, 0, "mỗi|trên"))
		return 0;
	fe_say(f, u->say);
	return (int)len;
}

int tts_unit_follows(const struct fe *f, size_t p)
{
	static const char *const amount[] = { "đồng", "nghìn", "ngàn", "triệu", "tỷ", "tỉ" };
	size_t l;
	if (tts_unit_after(f, p, &l))
		return 1;
	if (fe_at(f, p) == ' ')
		p++;
	for (size_t i = 0; i < ARRAY_LEN(amount); i++) {
		l = strlen(amount[i]);
		if (p + l <= f->n && memcmp(f->s + p, amount[i], l) == 0 && !fe_letter_at(f, p + l))
			return 1;
	}
	return 0;
}
