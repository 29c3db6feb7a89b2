/* group — groups (hamlets, teams) as officers name them: the code Loa
 * keeps for a group is made from the name people write ("Xóm Đông Tiến"
 * -> "xom-dong-tien"), and a name typed into a form is matched to a group
 * that exists before a new one is made.  Shared by the web page's
 * household form and the importer, so both give one name one code. */
#ifndef LOA_GROUP_H
#define LOA_GROUP_H
#include <stddef.h>

/* The longest group code (household_from_fields refuses longer ones). */
#define GROUP_CODE_MAX 32

/* "Xóm Đông Tiến" -> "xom-dong-tien": accents stripped (đ -> d), lower
 * case, every run of other characters one '-', none at either end; cut to
 * n - 1 bytes (without a trailing '-').  Returns the length: 0 when the
 * name has no letter or digit to make a code from. */
size_t group_code_from_name(const char *name, char *code, size_t n);

/* A group that exists: its code and its display name ("" if none). */
struct group_ref {
	const char *code, *name;
};
/* The group an officer means by `item` ("Xóm Đông Tiến", "xom dong tien",
 * "XOM-DONG-TIEN"): the first of `known` whose code equals the item or
 * the code made from it, or whose name equals the item (case and accents
 * ignored).  Returns its index, with its code in `code`; -1 when none
 * matches, with the code made from the item in `code` ("" if it has
 * none). */
int group_resolve(const char *item, const struct group_ref *known, int n, char *code, size_t codelen);
#endif
