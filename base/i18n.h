/* i18n — the messages people read, through GNU gettext (glibc's libintl,
 * domain "loa", po/vi.po).  _("text") translates at the call; N_("text")
 * only marks a string for xgettext (a table entry translated where it is
 * printed).  Machine output (--csv, --json), log lines and exit codes are
 * never translated: do not mark them.  app/main.c binds the domain. */
#ifndef LOA_I18N_H
#define LOA_I18N_H
#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* 1 when gettext answers in Vietnamese (the catalog's own marker). */
int i18n_is_vi(void);
#endif
