/* sender — see sender.h (the commands are app/cmd_sender.c, the pages
 * web/web_admin.c). */
#include "domain/sender.h"

#include "base/phone.h"
#include "base/text.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int name_ok(const char *name, char *out, size_t outlen)
{
	char *nfc = text_nfc(name);
	if (!nfc)
		return 0;
	/* control characters are kept: every page and terminal escapes them */
	const char *t = util_trim(nfc);
	int ok = *t && strlen(t) < outlen;
	if (ok)
		snprintf(out, outlen, "%s", t);
	free(nfc);
	return ok;
}

enum sender_why sender_from_fields(const char *phone, const char *role, const char *name, const char *groups,
				   int confirm, struct sender *s)
{
	memset(s, 0, sizeof *s);
	struct phone p;
	if (!phone || phone_normalise(phone, &p) != PHONE_MOBILE)
		return SENDER_BAD_PHONE;
	snprintf(s->phone, sizeof s->phone, "%s", p.e164);
	if (!role || (strcmp(role, "head") != 0 && strcmp(role, "officer") != 0))
		return SENDER_BAD_ROLE;
	snprintf(s->role, sizeof s->role, "%s", role);
	if (!name || !name_ok(name, s->name, sizeof s->name))
		return SENDER_BAD_NAME;
	if (!groups)
		groups = "";
	if (strlen(groups) >= sizeof s->groups)
		return SENDER_BAD_GROUPS;
	for (const char *g = groups; *g; g++)
		if (!isalnum((unsigned char)*g) && !strchr("-_,", *g))
			return SENDER_BAD_GROUPS;
	snprintf(s->groups, sizeof s->groups, "%s", groups);
	s->confirm = confirm ? 1 : 0;
	return SENDER_OK;
}

int sender_template_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > SENDER_TEMPLATE_CODE_MAX)
		return 0;
	for (; *code; code++)
		if (!isalnum((unsigned char)*code) && *code != '-' && *code != '_')
			return 0;
	return 1;
}
