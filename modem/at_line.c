/* at_line — the AT engine's pure text side (declared in at.h): the names
 * of states, events and final results, and line parsing: final result
 * codes, URC classification through the family profile (modem/profile.c),
 * and the fields of +CREG, +CSQ, +CMTI, +CMGS and PDU headers.  No state,
 * no I/O: the engine (at.c), the daemon and the fuzz target call these. */
#include "modem/at.h"

#include "base/util.h"
#include "modem/profile.h"

#include <stdio.h>
#include <string.h>

const char *at_state_name(enum at_state s)
{
	static const char *const n[AT_N_STATES] = { "CLOSED", "OPENING", "INIT", "READY", "BACKOFF", "FAILED" };
	return (unsigned)s < AT_N_STATES ? n[s] : "?";
}

const char *at_event_name(enum at_event e)
{
	static const char *const n[ATE_N_EVENTS] = { "start", "opened", "open_fail", "init_ok", "init_fail",
						     "sim_fail", "port_lost", "no_answer", "timer", "stop" };
	return (unsigned)e < ATE_N_EVENTS ? n[e] : "?";
}

const char *at_final_name(enum at_final f)
{
	static const char *const n[] = { "OK", "ERROR", "+CME ERROR", "+CMS ERROR", "NO CARRIER", "BUSY",
					 "NO ANSWER", "NO DIALTONE", "CONNECT", "timeout", "port lost" };
	return (unsigned)f < ARRAY_LEN(n) ? n[f] : "?";
}

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int parse_code(const char *s)
{
	while (*s == ' ')
		s++;
	long v;
	char tmp[16];
	size_t n = strcspn(s, " \r\n");
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return util_parse_long(tmp, 0, 100000, &v) == 0 ? (int)v : -1;
}

int at_line_final(const char *line, int *code)
{
	static const struct {
		const char *text;
		enum at_final f;
		int prefix;
	} finals[] = {
		{ "OK", AT_R_OK, 0 },
		{ "ERROR", AT_R_ERROR, 0 },
		{ "+CME ERROR:", AT_R_CME, 1 },
		{ "+CMS ERROR:", AT_R_CMS, 1 },
		{ "NO CARRIER", AT_R_NO_CARRIER, 0 },
		{ "BUSY", AT_R_BUSY, 0 },
		{ "NO ANSWER", AT_R_NO_ANSWER, 0 },
		{ "NO DIALTONE", AT_R_NO_DIALTONE, 0 },
		{ "NO DIAL TONE", AT_R_NO_DIALTONE, 0 },
		{ "CONNECT", AT_R_CONNECT, 1 },
		{ "COMMAND NOT SUPPORT", AT_R_ERROR, 0 }, /* Huawei */
		{ "TOO MANY PARAMETERS", AT_R_ERROR, 0 }, /* Huawei */
	};
	int dummy;
	if (!code)
		code = &dummy;
	*code = 0;
	for (size_t i = 0; i < ARRAY_LEN(finals); i++) {
		if (finals[i].prefix ? starts(line, finals[i].text) : strcmp(line, finals[i].text) == 0) {
			if (finals[i].f == AT_R_CME || finals[i].f == AT_R_CMS)
				*code = parse_code(line + strlen(finals[i].text));
			return (int)finals[i].f;
		}
	}
	return -1;
}

enum at_urc_kind at_line_urc(const struct profile *p, const char *line, enum at_call_ev *ev)
{
	return profile_urc(p, line, ev);
}

/* Splits the part after "+XXX:" into integer fields; quoted fields count as
 * fields but parse as -1.  Returns the number of fields. */
static int fields(const char *line, int *out, int max)
{
	const char *p = strchr(line, ':');
	if (!p)
		return 0;
	p++;
	int n = 0;
	while (n < max) {
		while (*p == ' ')
			p++;
		char tmp[16];
		size_t len = strcspn(p, ",");
		if (len < sizeof tmp && len > 0) {
			memcpy(tmp, p, len);
			tmp[len] = '\0';
			long v;
			out[n] = util_parse_long(util_trim(tmp), -1000, 100000, &v) == 0 ? (int)v : -1;
		} else {
			out[n] = -1;
		}
		n++;
		p += len;
		if (*p != ',')
			break;
		p++;
	}
	return n;
}

int at_parse_creg(const char *line, int *stat)
{
	int f[6];
	if (!starts(line, "+CREG:"))
		return -1;
	int n = fields(line, f, 6);
	/* "+CREG: stat" (URC) or "+CREG: n,stat[,lac,ci]"; the URC form with
	 * location is "+CREG: stat,lac,ci" whose 2nd field is quoted (-1). */
	if (n == 1 || (n >= 2 && f[1] < 0))
		*stat = f[0];
	else if (n >= 2)
		*stat = f[1];
	else
		return -1;
	return *stat >= 0 ? 0 : -1;
}

int at_parse_csq(const char *line, int *rssi)
{
	int f[2];
	if (!starts(line, "+CSQ:") || fields(line, f, 2) < 1 || f[0] < 0)
		return -1;
	*rssi = f[0];
	return 0;
}

int at_parse_mem_index(const char *line, char *mem, size_t memsz, int *index)
{
	const char *q = strchr(line, '"');
	const char *e = q ? strchr(q + 1, '"') : NULL;
	if (!e || (size_t)(e - q - 1) >= memsz || e == q + 1)
		return -1;
	for (const char *p = q + 1; p < e; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
			return -1;
	snprintf(mem, memsz, "%.*s", (int)(e - q - 1), q + 1);
	return at_parse_index(e, index);
}

int at_parse_index(const char *line, int *index)
{
	const char *c = strrchr(line, ',');
	if (!c)
		return -1;
	int v = parse_code(c + 1);
	if (v < 0)
		return -1;
	*index = v;
	return 0;
}

int at_parse_cmgs(const char *line, int *mr)
{
	int f[2];
	if (!starts(line, "+CMGS:") || fields(line, f, 2) < 1 || f[0] < 0 || f[0] > 255)
		return -1;
	*mr = f[0];
	return 0;
}

int at_parse_pdu_len(const char *line, int *len)
{
	const char *c = strrchr(line, ',');
	if (!c)
		c = strchr(line, ':');
	if (!c)
		return -1;
	int v = parse_code(c + 1);
	if (v < 1 || v > 200)
		return -1;
	*len = v;
	return 0;
}
