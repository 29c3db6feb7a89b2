/* incall — see incall.h.  Pure parsers of the incoming-call indications:
 * the family's URC rules (modem/profile.c) say what a line is, the call
 * table's field parsers (call_parse_state/ids) read +CLCC and +QIND, and
 * caller-ID numbers go through base/phone. */
#include "modem/incall.h"

#include "base/phone.h"
#include "base/util.h"
#include "modem/call.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *incall_kind_name(enum incall_kind k)
{
	static const char *const n[INCALL_N] = { "none", "ring", "clip", "missed", "alerting", "answered", "ended" };
	return (unsigned)k < INCALL_N ? n[k] : "?";
}

int incall_number(const char *raw, int type, char *out, unsigned n)
{
	char d[24];
	size_t k = 0;
	int plus = 0;
	if (n)
		out[0] = '\0';
	for (const char *p = raw; *p; p++) {
		if (*p == '+' && k == 0 && !plus) {
			plus = 1;
		} else if (*p >= '0' && *p <= '9') {
			if (k + 1 >= sizeof d)
				return -1;
			d[k++] = *p;
		} else if (*p != ' ' && *p != '-') {
			return -1;
		}
	}
	d[k] = '\0';
	if (k == 0)
		return -1;
	/* type 145 (international) without the plus: "84912345678" */
	char in[28];
	snprintf(in, sizeof in, "%s%s", plus || type == 145 ? "+" : "", d);
	struct phone ph;
	enum phone_kind kind = phone_normalise(in, &ph);
	if ((kind == PHONE_MOBILE || kind == PHONE_LANDLINE) && ph.e164[0]) {
		snprintf(out, n, "%s", ph.e164);
		return 0;
	}
	if (plus || type == 145 || !strncmp(d, "00", 2)) {
		snprintf(out, n, "+%s", !strncmp(d, "00", 2) && !plus ? d + 2 : d);
		return 1;
	}
	snprintf(out, n, "%s", d); /* a short code or a malformed national number: as sent */
	return 0;
}

int incall_parse_time(const char *s)
{
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	char *end;
	long h = strtol(s, &end, 10);
	if (*end != ':' || !isdigit((unsigned char)end[1]) || !isdigit((unsigned char)end[2]))
		return -1;
	long m = (end[1] - '0') * 10 + (end[2] - '0');
	const char *p = end + 3;
	if (*p == ':' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]))
		p += 3; /* seconds */
	while (*p == ' ')
		p++;
	int ampm = 0;
	if ((p[0] == 'A' || p[0] == 'a' || p[0] == 'P' || p[0] == 'p') && (p[1] == 'M' || p[1] == 'm')) {
		ampm = p[0] == 'P' || p[0] == 'p' ? 2 : 1;
		p += 2;
	}
	if (*p && *p != ' ')
		return -1;
	if (m > 59 || h < 0 || (ampm && (h < 1 || h > 12)) || (!ampm && h > 23))
		return -1;
	if (ampm)
		h = h % 12 + (ampm == 2 ? 12 : 0);
	return (int)(h * 60 + m);
}

/* +CLIP: "number",type[,subaddr,satype,alpha,validity] */
static void parse_clip(const char *line, struct incall_ev *ev)
{
	const char *p = strchr(line, ':');
	ev->id = INCALL_ID_UNAVAILABLE;
	if (!p)
		return;
	p++;
	while (*p == ' ')
		p++;
	char raw[40] = "";
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');
		if (!q)
			return;
		size_t len = (size_t)(q - p - 1);
		snprintf(raw, sizeof raw, "%.*s", (int)(len < sizeof raw ? len : sizeof raw - 1), p + 1);
		p = q + 1;
	}
	/* the remaining fields, by commas; quoted ones may hold commas */
	int field = 1, validity = -1;
	while (*p) {
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (!q)
				break;
			p = q + 1;
			continue;
		}
		if (*p == ',') {
			field++;
			p++;
			while (*p == ' ')
				p++;
			if (field == 2 && isdigit((unsigned char)*p))
				ev->type = atoi(p);
			else if (field == 6 && isdigit((unsigned char)*p))
				validity = atoi(p);
			continue;
		}
		p++;
	}
	if (validity == 1) {
		ev->id = INCALL_ID_WITHHELD;
		return;
	}
	if (validity == 2)
		return;
	int r = incall_number(raw, ev->type, ev->number, sizeof ev->number);
	if (r < 0)
		return;
	ev->id = INCALL_ID_SHOWN;
	ev->foreign = r == 1;
}

/* MISSED_CALL: 10:36AM 0912345678 (the time may be missing: the number
 * alone) */
static void parse_missed(const char *line, size_t plen, struct incall_ev *ev)
{
	const char *p = line + plen;
	while (*p == ' ')
		p++;
	ev->minute = incall_parse_time(p);
	ev->id = INCALL_ID_UNAVAILABLE;
	const char *num = p;
	if (ev->minute >= 0) {
		num = strrchr(p, ' ');
		if (!num)
			return;
		num++;
	}
	int r = incall_number(num, -1, ev->number, sizeof ev->number);
	if (r < 0)
		return;
	ev->id = INCALL_ID_SHOWN;
	ev->foreign = r == 1;
}

enum incall_kind incall_parse(const struct profile *p, const char *line, struct incall_ev *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->type = ev->idx = ev->minute = -1;
	ev->kind = INCALL_NONE;
	if (!p)
		p = profile_for(FAMILY_GENERIC);
	if (p->in_missed && !strncmp(line, p->in_missed, strlen(p->in_missed))) {
		parse_missed(line, strlen(p->in_missed), ev);
		return ev->kind = INCALL_MISSED;
	}
	if (!strcmp(line, "NO CARRIER"))
		return ev->kind = INCALL_ENDED;
	enum at_call_ev cev;
	enum at_urc_kind k = profile_urc(p, line, &cev);
	int dir;
	switch (k) {
	case URC_RING:
		/* +CRING: VOICE only: data or fax calls are not ours */
		if (!strncmp(line, "+CRING:", 7) && !strstr(line, "VOICE"))
			return INCALL_NONE;
		if (strncmp(line, "+CRING:", 7) && strcmp(line, "RING"))
			return INCALL_NONE; /* "RINGING" and friends */
		return ev->kind = INCALL_RING;
	case URC_CLIP:
		parse_clip(line, ev);
		return ev->kind = INCALL_CLIP;
	case URC_CALL:
		call_parse_ids(line, &ev->idx, &dir);
		if (cev == CALL_EV_STATE) {
			if (dir != 1)
				return INCALL_NONE;
			int st = call_parse_state(line);
			if (st == 4 || st == 5)
				return ev->kind = INCALL_ALERTING;
			if (st == 0)
				return ev->kind = INCALL_ANSWERED;
			if (st == 6 || st == -1)
				return ev->kind = INCALL_ENDED;
			return INCALL_NONE;
		}
		if (cev == CALL_EV_ANSWERED)
			return ev->kind = INCALL_ANSWERED;
		if (cev == CALL_EV_ENDED)
			return ev->kind = INCALL_ENDED;
		return INCALL_NONE;
	default:
		return INCALL_NONE;
	}
}
