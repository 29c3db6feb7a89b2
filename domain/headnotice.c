/* headnotice — see headnotice.h. */
#include "domain/headnotice.h"

#include "base/clock.h"
#include "base/phone.h"
#include "base/text.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "domain/notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_group(struct store *st, struct headnotice_groups *g, const char *code)
{
	if (g->n >= HEADREC_MAX_GROUPS || !code[0] || strlen(code) > GROUP_CODE_MAX)
		return;
	for (int i = 0; i < g->n; i++)
		if (util_streq_ci(g->code[i], code))
			return;
	snprintf(g->code[g->n], sizeof g->code[0], "%s", code);
	char name[96] = "";
	if (store_group_name(st, code, name, sizeof name) != STORE_OK || !name[0])
		snprintf(name, sizeof name, "%s", code);
	snprintf(g->name[g->n], sizeof g->name[0], "%s", name);
	g->n++;
}

struct each {
	char codes[HEADREC_MAX_GROUPS][GROUP_CODE_MAX + 1];
	int n;
};

static int one_group(const char *code, int households, void *arg)
{
	struct each *e = arg;
	if (households > 0 && e->n < HEADREC_MAX_GROUPS && strlen(code) <= GROUP_CODE_MAX)
		snprintf(e->codes[e->n++], sizeof e->codes[0], "%s", code);
	return 0;
}

int headnotice_groups(struct store *st, const struct sender *s, struct headnotice_groups *g)
{
	memset(g, 0, sizeof *g);
	if (!s->groups[0]) {
		g->all_village = 1;
		/* collected first: names are read after the walk ends */
		struct each e = { .n = 0 };
		if (store_group_each(st, one_group, &e) != STORE_OK)
			return -1;
		for (int i = 0; i < e.n; i++)
			add_group(st, g, e.codes[i]);
		return 0;
	}
	snprintf(g->mine, sizeof g->mine, "%s", s->groups);
	char *copy = xstrdup(s->groups), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		add_group(st, g, t);
	free(copy);
	return 0;
}

size_t headnotice_groups_text(const struct headnotice_groups *g, char *buf, size_t len)
{
	const char *names[HEADREC_MAX_GROUPS];
	for (int i = 0; i < g->n; i++)
		names[i] = g->name[i];
	return headrec_groups_text(names, g->n, g->all_village, buf, len);
}

int headnotice_targets(const struct headnotice_groups *g, int group, char *out, size_t len)
{
	if (group < 0 || group > g->n)
		return -1;
	if (group > 0)
		snprintf(out, len, "%s", g->code[group - 1]);
	else if (g->all_village)
		snprintf(out, len, "all");
	else {
		/* a limited head's "all": its own groups, as a targets list */
		size_t w = 0;
		out[0] = '\0';
		for (const char *p = g->mine; *p && w + 1 < len; p++)
			if (*p != ' ')
				out[w++] = *p;
		out[w] = '\0';
	}
	return 0;
}

void headnotice_sms_text(const char *village, const char *numbers, char *out, size_t len)
{
	static const char *const words[] = { "thôn", "xóm", "bản", "làng", "ấp", "buôn", "tổ", "khu", "khối",
					     "sóc", "plei", "tdp" };
	char folded[160];
	text_fold(village, folded, sizeof folded);
	const char *v = village;
	int has_word = 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		char w[16];
		text_fold(words[i], w, sizeof w);
		size_t k = strlen(w);
		if (!strncmp(folded, w, k) && (folded[k] == ' ' || folded[k] == '\0'))
			has_word = 1;
	}
	char num[32] = "";
	if (numbers && numbers[0]) {
		char first[24];
		size_t k = strcspn(numbers, ",");
		snprintf(first, sizeof first, "%.*s", (int)(k < sizeof first ? k : sizeof first - 1), numbers);
		phone_national(first, num, sizeof num);
	}
	snprintf(out, len, "%s%s có thông báo mới bằng giọng nói: gọi %s để nghe.", has_word ? "" : "Thôn ", v,
		 num[0] ? num : "lại số này");
}

int notice_from_recording(struct store *st, const struct notice_cfg *cfg, const struct headnotice_req *r, int64_t *id,
			  char *err, size_t errlen)
{
	char targets[256], who[80];
	*id = 0;
	util_escape_ctl(r->caller ? r->caller : "", who, sizeof who);
	int rc = 0;
	if (headnotice_targets(r->groups, r->group, targets, sizeof targets) != 0) {
		snprintf(err, errlen, "group %d: not offered (1-%d or 0)", r->group, r->groups->n);
		rc = EXIT_USAGE;
	}
	struct notice_plan plan;
	memset(&plan, 0, sizeof plan);
	if (!rc) {
		char text[400], source[48];
		headnotice_sms_text(r->village, r->numbers, text, sizeof text);
		snprintf(source, sizeof source, HEADNOTICE_SOURCE "%s", r->head->phone);
		rc = notice_plan(st, cfg, text, targets, 0, r->urgent, 0, source, &plan, err, errlen);
	}
	if (!rc) {
		plan.req.audio_path = r->wav;
		rc = notice_create(st, &plan, id, err, errlen);
	}
	notice_plan_free(&plan);
	char detail[600];
	if (rc) {
		unlink(r->wav);
		snprintf(detail, sizeof detail, "caller %s: sender %s: recorded notice not created: %s", who,
			 r->head->phone, err);
		if (store_event(st, "notice_recording_failed", 0, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK)
			return EXIT_RUNTIME;
		return rc;
	}
	snprintf(detail, sizeof detail, "caller %s: sender %s recorded by phone: to %s%s, %.1f s of speech, %s", who,
		 r->head->phone, targets, r->urgent ? ", urgent" : "", r->speech_ms / 1000.0, r->wav);
	if (store_event(st, "notice_recorded", *id, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK) {
		snprintf(err, errlen, "notice %lld created, but its event could not be logged: %s", (long long)*id,
			 store_errmsg(st));
		return EXIT_RUNTIME;
	}
	return 0;
}
