/* reasm — see reasm.h.  A short linked list: a village gateway holds a
 * handful of partial messages at a time, so a list beats a hash here. */
#include "modem/reasm.h"

#include "gateway/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct partial {
	struct partial *next;
	char modem[32], sender[32];
	int ref, parts, have;
	char *text[REASM_MAX_PARTS];
	int idx[REASM_MAX_IDX];
	int n_idx;
	int64_t first_seen, sent_s;
};

struct reasm {
	struct partial *head;
	int n;
};

struct reasm *reasm_new(void)
{
	return xcalloc(1, sizeof(struct reasm));
}

static void partial_free(struct partial *p)
{
	for (int i = 0; i < REASM_MAX_PARTS; i++)
		free(p->text[i]);
	free(p);
}

void reasm_free(struct reasm *r)
{
	if (!r)
		return;
	while (r->head) {
		struct partial *p = r->head;
		r->head = p->next;
		partial_free(p);
	}
	free(r);
}

int reasm_pending(const struct reasm *r)
{
	return r->n;
}

int reasm_add(struct reasm *r, const char *modem, const char *sender, int ref, int part, int parts,
	      const char *text, int sim_index, int64_t sent_s, int64_t now_s, struct reasm_msg *done)
{
	memset(done, 0, sizeof *done);
	if (parts < 1 || parts > REASM_MAX_PARTS || part < 1 || part > parts)
		return -1;
	if (parts == 1) {
		snprintf(done->modem, sizeof done->modem, "%s", modem);
		snprintf(done->sender, sizeof done->sender, "%s", sender);
		done->text = xstrdup(text);
		done->parts = 1;
		done->sent_s = sent_s;
		if (sim_index >= 0)
			done->idx[done->n_idx++] = sim_index;
		return 1;
	}
	struct partial **pp = &r->head, *p = NULL;
	for (; *pp; pp = &(*pp)->next) {
		struct partial *c = *pp;
		if (c->ref == ref && c->parts == parts && strcmp(c->sender, sender) == 0 && strcmp(c->modem, modem) == 0) {
			p = c;
			break;
		}
	}
	if (!p) {
		p = xcalloc(1, sizeof *p);
		snprintf(p->modem, sizeof p->modem, "%s", modem);
		snprintf(p->sender, sizeof p->sender, "%s", sender);
		p->ref = ref;
		p->parts = parts;
		p->first_seen = now_s;
		p->next = r->head;
		r->head = p;
		r->n++;
		pp = &r->head;
	}
	if (sim_index >= 0 && p->n_idx < REASM_MAX_IDX)
		p->idx[p->n_idx++] = sim_index;
	if (!p->text[part - 1]) {
		p->text[part - 1] = xstrdup(text);
		p->have++;
	}
	if (part == 1 || !p->sent_s)
		p->sent_s = sent_s ? sent_s : p->sent_s;
	if (p->have < p->parts)
		return 0;
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < p->parts; i++)
		sbuf_add(&b, p->text[i]);
	snprintf(done->modem, sizeof done->modem, "%s", p->modem);
	snprintf(done->sender, sizeof done->sender, "%s", p->sender);
	done->text = sbuf_take(&b);
	done->parts = p->parts;
	done->sent_s = p->sent_s;
	memcpy(done->idx, p->idx, sizeof p->idx);
	done->n_idx = p->n_idx;
	/* unlink */
	for (pp = &r->head; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	r->n--;
	partial_free(p);
	return 1;
}

int reasm_expire(struct reasm *r, int64_t now_s, int64_t max_age_s)
{
	int n = 0;
	for (struct partial **pp = &r->head; *pp;) {
		struct partial *p = *pp;
		if (p->first_seen < now_s - max_age_s) {
			*pp = p->next;
			partial_free(p);
			r->n--;
			n++;
		} else {
			pp = &p->next;
		}
	}
	return n;
}
