/* sim_ussd — the simulated network's USSD side: AT+CUSD (a row of
 * sim_generic_cmds[]) and the balance answer, coded as the modems of the
 * README hardware notes show it.
 *
 * DESIGN: AT+CUSD=1,"*101#",15 answers OK at once and the network's
 * answer comes later as its own URC (+CUSD: 0,"<text>",<dcs>), after
 * ussd_delay_ms on the SIM_T_CUSD timer: held behind a command that is
 * running, like any URC.  The answer is coded per modem (`ussd M enc`):
 *  - gsm7: the text itself in quotes, dcs 15 (characters outside the GSM
 *    7-bit alphabet become '?'); with AT+CSCS="UCS2" the same text comes
 *    as UTF-16BE hex, still dcs 15, as real modems convert it;
 *  - gsm7-packed: the septets packed 8 in 7 octets, as hex, dcs 15 (a
 *    CR pads the last octet when 7 bits are spare, 23.038 6.1.2.3.1);
 *  - ucs2: UTF-16BE hex, dcs 72, whatever AT+CSCS says.
 * The balance follows the credit controls: 0 while the SIM is empty.  An
 * unknown code answers +CUSD: 4 (operation not supported); without
 * registration the request fails at once with +CME ERROR: 30.  The GSM
 * alphabet is written out here, not shared with base/text.c or the
 * engine, so the simulator stays an independent oracle. */
#include "sim/sim_int.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_TEXT "TK goc: {balance}d, HSD: 31/12/2026"

/* GSM 03.38 default alphabet, septet -> Unicode (0x1B: the escape). */
static const uint16_t gsm7[128] = {
	'@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
	0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0x1B, 0xC6, 0xE6, 0xDF, 0xC9,
	' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	0xA1, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
	0xBF, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
};

/* The extension table: ESC followed by the septet. */
static const struct {
	uint16_t cp;
	unsigned char sep;
} gsm7_ext[] = {
	{ 0x0C, 0x0A }, { '^', 0x14 }, { '{', 0x28 }, { '}', 0x29 }, { '\\', 0x2F },
	{ '[', 0x3C }, { '~', 0x3D }, { ']', 0x3E }, { '|', 0x40 }, { 0x20AC, 0x65 },
};

/* Next code point of UTF-8 text (a bad byte: U+FFFD); 0 at the end. */
static uint32_t next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	if (!*p)
		return 0;
	uint32_t c = *p;
	int len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!len) {
		*pp = p + 1;
		return 0xFFFD;
	}
	c = len == 1 ? c : c & (0x7F >> len);
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp = p + i;
			return 0xFFFD;
		}
		c = (c << 6) | (p[i] & 0x3F);
	}
	*pp = p + len;
	return c;
}

/* Septets of one code point: 1 or 2 (escape + extension); '?' if none. */
static int to_septets(uint32_t c, unsigned char sep[2])
{
	for (int i = 0; i < 128; i++)
		if (gsm7[i] == c && i != 0x1B) {
			sep[0] = (unsigned char)i;
			return 1;
		}
	for (size_t i = 0; i < ARRAY_LEN(gsm7_ext); i++)
		if (gsm7_ext[i].cp == c) {
			sep[0] = 0x1B;
			sep[1] = gsm7_ext[i].sep;
			return 2;
		}
	sep[0] = '?';
	return 1;
}

static void put_utf8(struct sbuf *b, uint32_t c)
{
	if (c < 0x80) {
		sbuf_addc(b, (char)c);
	} else if (c < 0x800) {
		sbuf_addc(b, (char)(0xC0 | (c >> 6)));
		sbuf_addc(b, (char)(0x80 | (c & 0x3F)));
	} else {
		sbuf_addc(b, (char)(0xE0 | (c >> 12)));
		sbuf_addc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
		sbuf_addc(b, (char)(0x80 | (c & 0x3F)));
	}
}

/* The text as the GSM alphabet lets it through (others: '?'), UTF-8. */
static void gsm7_only(const char *utf8, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)utf8;
	uint32_t c;
	while ((c = next_cp(&p)) != 0) {
		unsigned char sep[2];
		put_utf8(out, to_septets(c, sep) == 1 && sep[0] == '?' ? '?' : c);
	}
}

void sim_gsm7_packed_hex(const char *utf8, struct sbuf *out)
{
	struct sbuf sep;
	sbuf_init(&sep);
	const unsigned char *p = (const unsigned char *)utf8;
	uint32_t c;
	while ((c = next_cp(&p)) != 0) {
		unsigned char s[2];
		sbuf_addn(&sep, (const char *)s, (size_t)to_septets(c, s));
	}
	if (sep.len % 8 == 7)
		sbuf_addc(&sep, '\r'); /* else the receiver reads a last '@' */
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < sep.len; i++) {
		acc |= (unsigned)(sep.s[i] & 0x7F) << bits;
		bits += 7;
		while (bits >= 8) {
			sbuf_printf(out, "%02X", acc & 0xFF);
			acc >>= 8;
			bits -= 8;
		}
	}
	if (bits > 0)
		sbuf_printf(out, "%02X", acc & 0xFF);
	sbuf_free(&sep);
}

void sim_ucs2_hex(const char *utf8, struct sbuf *out)
{
	const unsigned char *p = (const unsigned char *)utf8;
	uint32_t c;
	while ((c = next_cp(&p)) != 0) {
		if (c >= 0x10000 && c <= 0x10FFFF) {
			c -= 0x10000;
			sbuf_printf(out, "%04X%04X", 0xD800 | (c >> 10), 0xDC00 | (c & 0x3FF));
		} else {
			sbuf_printf(out, "%04X", c > 0xFFFF ? 0xFFFD : c);
		}
	}
}

/* 125000 -> "125.000", as Vietnamese carriers write amounts. */
static void dotted(long v, struct sbuf *b)
{
	char d[24];
	int n = snprintf(d, sizeof d, "%ld", v < 0 ? 0 : v);
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			sbuf_addc(b, '.');
		sbuf_addc(b, d[i]);
	}
}

void sim_ussd_text(const struct sim_modem *m, struct sbuf *b)
{
	long bal = m->credit_cms ? 0 : m->balance;
	const char *t = m->ussd_text[0] ? m->ussd_text : DEFAULT_TEXT;
	while (*t) {
		if (!strncmp(t, "{balance}", 9)) {
			dotted(bal, b);
			t += 9;
		} else if (!strncmp(t, "{amount}", 8)) {
			sbuf_printf(b, "%ld", bal);
			t += 8;
		} else {
			sbuf_addc(b, *t++);
		}
	}
}

void sim_ussd_answer(struct sim_modem *m, unsigned gen, int known)
{
	if (gen != m->ussd_gen || !m->ussd_busy)
		return;
	m->ussd_busy = 0;
	if (!m->cusd_n)
		return; /* AT+CUSD=0: no result code presentation */
	m->n_cusd++;
	if (!known) {
		sim_urc(m, "+CUSD: 4");
		return;
	}
	struct sbuf t, body, line;
	sbuf_init(&t);
	sbuf_init(&body);
	sbuf_init(&line);
	sim_ussd_text(m, &t);
	int dcs = 15;
	if (m->ussd_enc == SIM_USSD_UCS2) {
		sim_ucs2_hex(t.s ? t.s : "", &body);
		dcs = 72;
	} else if (m->ussd_enc == SIM_USSD_GSM7_PACKED) {
		sim_gsm7_packed_hex(t.s ? t.s : "", &body);
	} else {
		struct sbuf g;
		sbuf_init(&g);
		gsm7_only(t.s ? t.s : "", &g);
		if (!strcmp(m->cscs, "UCS2"))
			sim_ucs2_hex(g.s ? g.s : "", &body);
		else
			sbuf_add(&body, g.s ? g.s : "");
		sbuf_free(&g);
	}
	sbuf_printf(&line, "+CUSD: 0,\"%s\",%d", body.s ? body.s : "", dcs);
	sim_urc(m, line.s);
	sbuf_free(&line);
	sbuf_free(&body);
	sbuf_free(&t);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
		: c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A request string under AT+CSCS="UCS2" comes as hex: "002A0031..." ->
 * "*1...", for the ASCII a USSD code is made of.  Left as is otherwise. */
static void code_of(const struct sim_modem *m, const char *s, char *out, size_t cap)
{
	size_t n = strlen(s), k = 0;
	if (strcmp(m->cscs, "UCS2") || !n || n % 4 || strspn(s, "0123456789ABCDEFabcdef") != n) {
		snprintf(out, cap, "%s", s);
		return;
	}
	for (size_t i = 0; i < n && k + 1 < cap; i += 4) {
		int v = 0;
		for (int j = 0; j < 4; j++)
			v = v << 4 | hexval(s[i + j]);
		out[k++] = v > 0 && v < 0x80 ? (char)v : '?';
	}
	out[k] = '\0';
}

int sim_ussd_cusd(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	char v[3][64];
	long n, dcs;
	switch (f) {
	case SIM_TEST:
		sim_at_info(m, "+CUSD: (0-2)");
		return SIM_OK;
	case SIM_READ:
		sim_at_info(m, "+CUSD: %d", m->cusd_n);
		return SIM_OK;
	case SIM_ACTION:
		return SIM_OK;
	default:
		break;
	}
	int na = sim_args(a, v, 3);
	if (na < 1 || sim_arg_int(v[0], 0, 2, &n) || (na > 2 && v[2][0] && sim_arg_int(v[2], 0, 255, &dcs)))
		return SIM_CME(4);
	if (n == 2) { /* cancel the session: a pending answer never comes */
		m->ussd_gen++;
		m->ussd_busy = 0;
		return SIM_OK;
	}
	m->cusd_n = (int)n;
	if (na < 2 || !v[1][0])
		return SIM_OK;
	if (!sim_registered(m))
		return SIM_CME(30);
	if (m->ussd_busy)
		return SIM_CME(3); /* one session at a time */
	char code[64];
	code_of(m, v[1], code, sizeof code);
	m->ussd_busy = 1;
	sim_timer_add(m->sim, m->ussd_delay_ms, SIM_T_CUSD, m, m->gen, (int)m->ussd_gen,
		      !strcmp(code, m->ussd_code), NULL);
	return SIM_OK;
}
