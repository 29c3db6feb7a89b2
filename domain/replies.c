/* replies — see replies.h. */
#include "domain/replies.h"

#include "base/text.h"
#include "base/util.h"
#include "db/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void reply_group_key(const char *code, char *key, size_t n)
{
	char *plain = text_strip(code, NULL);
	size_t k = 0;
	for (const char *p = plain; *p && k + 1 < n; p++)
		if (isalnum((unsigned char)*p))
			key[k++] = (char)tolower((unsigned char)*p);
	if (n)
		key[k] = '\0';
	free(plain);
}

static int septets(const char *s)
{
	char *plain = text_strip(s, NULL);
	int n = text_gsm7_septets(plain);
	free(plain);
	return n;
}

void reply_fit(char *out)
{
	size_t len = strlen(out);
	while (len > 0 && septets(out) > REPLY_MAX) {
		do /* whole UTF-8 characters */
			len--;
		while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80);
		out[len] = '\0';
	}
}

void reply_group_list(const char *const *codes, int n, int room, char *out, size_t outlen)
{
	if (!outlen)
		return;
	out[0] = '\0';
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		/* room for this code, and for ", ..." if more follow */
		int need = (int)(len ? len + 2 : 0) + septets(codes[i]) + (i + 1 < n ? 5 : 0);
		if (need > room || len + strlen(codes[i]) + 8 > outlen) {
			if (len + 5 < outlen && (int)len + 5 <= room)
				snprintf(out + len, outlen - len, "%s...", len ? ", " : "");
			return;
		}
		len += (size_t)snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", codes[i]);
	}
}

/* The first `k` characters of `s` (UTF-8 aware): their byte length. */
static size_t chars_bytes(const char *s, size_t k)
{
	size_t b = 0;
	while (s[b] && k) {
		b++;
		while (((unsigned char)s[b] & 0xC0) == 0x80)
			b++;
		k--;
	}
	return b;
}

void reply_with_excerpt(char *out, size_t n, const char *before, const char *text, const char *after)
{
	char *plain = text_strip(text, NULL);
	/* one line: a basic phone shows a newline as the end of the text */
	for (char *p = plain; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	int room = REPLY_MAX - septets(before) - septets(after) - 2;
	size_t chars = text_chars(plain);
	if (room < 12)
		room = 12;
	if ((int)chars <= room && chars <= 75 && text_gsm7_septets(plain) <= room) {
		snprintf(out, n, "%s\"%s\"%s", before, plain, after);
	} else {
		int head = 40, tail = 30;
		if (head + tail + 5 > room) { /* share what is left: 4 to 3 */
			head = (room - 5) * 4 / 7;
			tail = room - 5 - head;
		}
		for (;; head > tail ? head-- : tail--) {
			size_t hb = chars_bytes(plain, (size_t)head);
			size_t from = chars > (size_t)tail ? chars - (size_t)tail : 0;
			const char *end = plain + chars_bytes(plain, from);
			snprintf(out, n, "%s\"%.*s ... %s\"%s", before, (int)hb, plain, end, after);
			if (septets(out) <= REPLY_MAX || head + tail <= 2)
				break;
		}
	}
	free(plain);
	reply_fit(out);
}

void reply_plan_refused(const struct notice_plan *p, int channels, const char *groups, char *out, size_t n)
{
	switch (p->why) {
	case NOTICE_WHY_TEXT_UTF8:
	case NOTICE_WHY_TEXT_CONTROL:
	case NOTICE_WHY_TEXT_UNICODE:
		snprintf(out, n, "Khong gui duoc: noi dung co ky tu khong gui duoc qua SMS. Viet lai noi dung.");
		break;
	case NOTICE_WHY_TEXT_EMPTY:
		snprintf(out, n, "Thieu noi dung. Dung: TB <nhom|TATCA> <noi dung>");
		break;
	case NOTICE_WHY_TEXT_LONG:
		snprintf(out, n, "Noi dung qua dai: %ld ky tu, toi da %d. Viet ngan lai.", p->why_n, p->why_max);
		break;
	case NOTICE_WHY_NO_GROUP: {
		char bad[40];
		snprintf(bad, sizeof bad, "%.24s", p->why_group);
		snprintf(out, n, "Khong co nhom %s. Nhom: %s", bad, groups && *groups ? groups : "TATCA");
		break;
	}
	case NOTICE_WHY_NO_TARGETS:
		snprintf(out, n, "Thieu nhom. Dung: TB <nhom|TATCA> <noi dung>");
		break;
	case NOTICE_WHY_PARTS_UCS2:
	case NOTICE_WHY_PARTS_GSM7:
		snprintf(out, n, "Noi dung qua dai: can %ld tin SMS, toi da %d. Viet ngan lai.", p->why_n, p->why_max);
		break;
	case NOTICE_WHY_NO_HOUSEHOLD:
		if (p->stats.no_channel && channels && channels != CH_BOTH)
			snprintf(out, n, "Khong ho nao nhan: %d ho khong nhan duoc %s. Dung TB de gui moi kenh.",
				 p->stats.no_channel, channels == CH_SMS ? "SMS" : "cuoc goi");
		else
			snprintf(out, n, "Khong ho nao nhan: %d ho tu choi tin thuong, %d ho khong co kenh phu hop.",
				 p->stats.opted_out, p->stats.no_channel);
		break;
	default:
		snprintf(out, n, "Loi: khong tao duoc thong bao. Bao ky thuat vien.");
		break;
	}
	reply_fit(out);
}

/* The village's groups with households, for matching typed codes. */
struct groups {
	int n;
	char code[64][48];
};

static int add_group(const char *code, int households, void *arg)
{
	(void)households;
	struct groups *g = arg;
	if (g->n < (int)ARRAY_LEN(g->code))
		snprintf(g->code[g->n++], sizeof g->code[0], "%s", code);
	return 0;
}

void reply_valid_groups(struct store *st, const char *mine_groups, int room, char *out, size_t n)
{
	struct groups g = { 0 };
	if (mine_groups[0]) {
		char *mine = xstrdup(mine_groups), *save = NULL;
		for (char *t = strtok_r(mine, ", ", &save); t && g.n < (int)ARRAY_LEN(g.code); t = strtok_r(NULL, ", ", &save))
			snprintf(g.code[g.n++], sizeof g.code[0], "%s", t);
		free(mine);
	} else if (store_group_each(st, add_group, &g) != STORE_OK) {
		g.n = 0;
	}
	const char *codes[ARRAY_LEN(g.code)];
	for (int i = 0; i < g.n; i++)
		codes[i] = g.code[i];
	reply_group_list(codes, g.n, room, out, n);
	if (!g.n)
		snprintf(out, n, "TATCA");
}

/* The village's groups whose key is `key`: their count, the first in *one. */
static int key_matches(const struct groups *g, const char *key, int *one, char *both, size_t n)
{
	int found = 0;
	both[0] = '\0';
	for (int i = 0; i < g->n; i++) {
		char k[64];
		reply_group_key(g->code[i], k, sizeof k);
		if (*key && !strcmp(k, key)) {
			if (!found++)
				*one = i;
			size_t len = strlen(both);
			snprintf(both + len, n - len, "%s%s", len ? ", " : "", g->code[i]);
		}
	}
	return found;
}

int reply_resolve_groups(struct store *st, const char *mine, const char *typed, char *out, size_t outlen,
			 const char **body, char *why, size_t whylen, char *text, size_t textlen)
{
	struct groups g = { 0 };
	if (store_group_each(st, add_group, &g) != STORE_OK)
		g.n = 0;
	char *copy = xstrdup(typed), *save = NULL;
	size_t len = 0;
	int ntok = 0, rc = 0;
	out[0] = '\0';
	for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save), ntok++) {
		char key[64], both[128];
		const char *use = t;
		int one = 0, m = 0;
		reply_group_key(t, key, sizeof key);
		for (int i = 0; i < g.n; i++)
			if (util_streq_ci(g.code[i], t))
				m = 1, one = i;
		if (!strcmp(t, "all"))
			m = -1;
		else if (!m)
			m = key_matches(&g, key, &one, both, sizeof both);
		/* a code in words: the next words of the text, while they match;
		 * "Dong Tien" where both "dong" and "dong-tien" exist is asked */
		const char *b = body && *body && !strchr(typed, ',') && m >= 0 && m <= 1 ? *body : NULL;
		for (int w = 0; b && w < 3; w++) {
			const char *e = b;
			while (*e && *e != ' ')
				e++;
			char *word = xstrndup(b, (size_t)(e - b)), wk[64], other[128];
			reply_group_key(word, wk, sizeof wk);
			free(word);
			if (!*wk || strlen(key) + strlen(wk) >= sizeof key)
				break;
			strcat(key, wk);
			while (*e == ' ')
				e++;
			int j = 0;
			if (!*e || !key_matches(&g, key, &j, other, sizeof other)) {
				b = *e ? e : NULL; /* the text cannot be all group */
				continue;
			}
			if (m == 1) { /* both readings name a group */
				char more[64];
				snprintf(more, sizeof more, "%s", g.code[one]);
				snprintf(both, sizeof both, "%.40s, %.80s", more, other);
				m = 2;
			} else {
				m = key_matches(&g, key, &one, both, sizeof both);
				if (m == 1)
					*body = e;
			}
			break;
		}
		if (m > 1) {
			snprintf(why, whylen, "group '%s' matches several: %s", t, both);
			snprintf(text, textlen, "Nhom %.24s giong nhieu nhom: %.80s. Gui lai voi ten nhom dung.", t, both);
			rc = -1;
		} else if (!m) {
			char list[160];
			reply_valid_groups(st, mine, REPLY_MAX - 22 - (int)(strlen(t) > 24 ? 24 : strlen(t)), list, sizeof list);
			snprintf(why, whylen, "no group '%s'", t);
			snprintf(text, textlen, "Khong co nhom %.24s. Nhom: %s", t, list);
			rc = -1;
		} else {
			if (m == 1)
				use = g.code[one];
			len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, "%s%s", len ? "," : "", use);
		}
	}
	free(copy);
	if (!rc && len >= outlen) {
		snprintf(why, whylen, "too many groups");
		snprintf(text, textlen, "Qua nhieu nhom.");
		rc = -1;
	}
	return rc;
}

