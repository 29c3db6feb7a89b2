/* visit — see visit.h. */
#include "domain/visit.h"

#include "base/clock.h"
#include "base/i18n.h"
#include "base/phone.h"
#include "base/text.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

char *visit_note_clean(const char *in, enum visit_note_check *why)
{
	enum visit_note_check dummy;
	if (!why)
		why = &dummy;
	*why = VISIT_NOTE_OK;
	if (!in)
		in = "";
	size_t bad;
	char *nfc = text_valid_utf8(in, strlen(in), &bad) ? text_nfc(in) : NULL;
	if (!nfc) {
		*why = VISIT_NOTE_UTF8;
		return NULL;
	}
	for (unsigned char *p = (unsigned char *)nfc; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
		else if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			*why = VISIT_NOTE_CONTROL; /* C0, DEL and C1 controls */
	}
	if (*why == VISIT_NOTE_OK) {
		char *s = nfc;
		while (*s == ' ')
			s++;
		size_t n = strlen(s);
		while (n > 0 && s[n - 1] == ' ')
			n--;
		memmove(nfc, s, n);
		nfc[n] = '\0';
		if (text_chars(nfc) > VISIT_NOTE_MAX)
			*why = VISIT_NOTE_LONG;
	}
	if (*why != VISIT_NOTE_OK) {
		free(nfc);
		return NULL;
	}
	return nfc;
}

const char *visit_group_label(const struct visit_row *r)
{
	return r->group_name[0] ? r->group_name : r->group_code;
}

struct text_list {
	FILE *out;
	enum cause_lang lang;
	char group[160];        /* the heading printed last */
	int started;
	int todo, informed, pending;
};

/* "sms failed, voice unreached" from the row's parallel lists. */
static void tried(const struct visit_row *r, struct sbuf *b)
{
	char *ch = xstrdup(r->channels), *stt = xstrdup(r->states);
	char *s1 = NULL, *s2 = NULL;
	const char *c = strtok_r(ch, ",", &s1), *s = strtok_r(stt, ",", &s2);
	for (; c && s; c = strtok_r(NULL, ",", &s1), s = strtok_r(NULL, ",", &s2))
		sbuf_printf(b, "%s%s %s", b->len ? ", " : "", c, s);
	free(ch);
	free(stt);
}

static int text_row(const struct visit_row *r, void *arg)
{
	struct text_list *l = arg;
	if (r->pending && !r->informed) {
		l->pending++;
		return 0;
	}
	const char *g = visit_group_label(r);
	if (!l->started || strcmp(g, l->group) != 0) {
		snprintf(l->group, sizeof l->group, "%s", g);
		fputc('\n', l->out);
		util_fline(l->out, "%s", g[0] ? g : _("No group"));
		l->started = 1;
	}
	char p1[24], p2[24];
	phone_national(r->phone, p1, sizeof p1);
	p2[0] = '\0';
	if (r->phone2[0])
		phone_national(r->phone2, p2, sizeof p2);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)r->household_id);
	fprintf(l->out, "  %s ", r->informed ? "[x]" : "[ ]");
	text_fpad(l->out, id, 5);
	text_fpad(l->out, r->name, 26);
	util_fline(l->out, "%s%s%s", p1, p2[0] ? ", " : "", p2);
	if (r->address[0])
		util_fline(l->out, _("        address: %s"), r->address);
	if (r->hh_note[0])
		util_fline(l->out, _("        note: %s"), r->hh_note);
	struct sbuf t;
	sbuf_init(&t);
	tried(r, &t);
	char words[512];
	cause_words(r->states, r->causes, l->lang, words, sizeof words);
	util_fline(l->out, _("        tried: %s%s%s%s"), t.s ? t.s : "", words[0] ? " — " : "", words,
		   r->acked ? _("; acknowledged by SMS") : "");
	sbuf_free(&t);
	if (r->informed) {
		char when[32];
		clock_format_local(r->informed_at, when, sizeof when);
		util_fline(l->out, _("        told in person %s%s%s"), when, r->note[0] ? ": " : "", r->note);
		l->informed++;
	} else {
		l->todo++;
	}
	return 0;
}

int visit_list_text(struct store *st, int64_t notice_id, enum cause_lang lang, FILE *out)
{
	struct notice n;
	int rc = store_notice_get(st, notice_id, &n);
	if (rc)
		return rc;
	char when[32], now[32];
	clock_format_local(n.created_at, when, sizeof when);
	clock_format_local(clock_wall_s(), now, sizeof now);
	util_fline(out, _("Visit list of notice %lld (%s, to %s%s), printed %s"), (long long)n.id, when, n.targets,
		   strcmp(n.state, "cancelled") == 0 ? _(", cancelled") : "", now);
	util_fline(out, "%s", n.text);
	store_notice_clear(&n);
	struct text_list l = { .out = out, .lang = lang };
	rc = store_visit_list(st, notice_id, text_row, &l, clock_wall_s());
	if (rc)
		return rc;
	fputc('\n', out);
	if (!l.todo && !l.informed)
		fputs(_("No household to visit.\n"), out);
	else
		fprintf(out, ngettext("%d household to visit, %d told in person\n",
				      "%d households to visit, %d told in person\n", (unsigned long)l.todo),
			l.todo, l.informed);
	if (l.pending)
		fprintf(out, ngettext("%d household still in progress\n", "%d households still in progress\n",
				      (unsigned long)l.pending),
			l.pending);
	return STORE_OK;
}
