/* i18n — see i18n.h. */
#include "base/i18n.h"

#include <string.h>

int i18n_is_vi(void)
{
	/* TRANSLATORS: the code of your language ("vi"); Loa uses it to pick
	 * the language of causes in the report, the same one as gettext's. */
	return strcmp(_("en"), "vi") == 0;
}
