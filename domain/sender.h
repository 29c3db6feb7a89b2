/* sender — the rules for who may command the gateway by SMS and for the
 * templates they send: a sender's fields (a mobile number, role head or
 * officer, a name, the groups a head may broadcast to) and a template's
 * code.  Shared by `loa sender` / `loa template` and the web page's
 * senders and templates pages, so both accept exactly the same input. */
#ifndef LOA_SENDER_H
#define LOA_SENDER_H
#include "db/store_shortcode.h"

/* What is wrong with a sender's fields; each caller words it in its
 * reader's language. */
enum sender_why { SENDER_OK = 0, SENDER_BAD_PHONE, SENDER_BAD_ROLE, SENDER_BAD_NAME, SENDER_BAD_GROUPS };

/* Fills `s` (zeroed first) from typed fields: `phone` in any form of a
 * Vietnamese mobile number, `role` "head" or "officer", `name` (trimmed,
 * NFC, 1..95 bytes), `groups` comma-separated
 * group codes ("" = every group), `confirm`.  Returns SENDER_OK or the
 * first field at fault. */
enum sender_why sender_from_fields(const char *phone, const char *role, const char *name, const char *groups,
				   int confirm, struct sender *s);

/* The longest template code. */
#define SENDER_TEMPLATE_CODE_MAX 16
/* 1 if `code` can be a template code: 1-16 letters, digits, '-' or '_'. */
int sender_template_code_ok(const char *code);
#endif
