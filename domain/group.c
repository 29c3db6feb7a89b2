/* group — see group.h. */
#include "domain/group.h"

#include "base/text.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

size_t group_code_from_name(const char *name, char *code, size_t n)
{
	if (!n)
		return 0;
	char folded[512];
	text_fold(name ? name : "", folded, sizeof folded);
	size_t o = 0;
	int dash = 0;
	for (const char *p = folded; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && o) {
				if (o + 1 >= n)
					break;
				code[o++] = '-';
			}
			dash = 0;
			if (o + 1 >= n)
				break;
			code[o++] = (char)c;
		} else {
			dash = 1;
		}
	}
	code[o] = '\0';
	return o;
}

int group_resolve(const char *item, const struct group_ref *known, int n, char *code, size_t codelen)
{
	char made[GROUP_CODE_MAX * 4], fitem[512], fname[512];
	group_code_from_name(item, made, sizeof made);
	text_fold(item, fitem, sizeof fitem);
	for (int i = 0; i < n; i++) {
		int hit = util_streq_ci(known[i].code, item) || (made[0] && util_streq_ci(known[i].code, made));
		if (!hit && known[i].name && known[i].name[0]) {
			text_fold(known[i].name, fname, sizeof fname);
			hit = strcmp(fname, fitem) == 0;
		}
		if (hit) {
			snprintf(code, codelen, "%s", known[i].code);
			return i;
		}
	}
	snprintf(code, codelen, "%s", made);
	return -1;
}
