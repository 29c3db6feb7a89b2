/* cms — +CMS ERROR causes (see cms.c). */
#ifndef LOA_CMS_H
#define LOA_CMS_H

/* 1 when the code means the message itself can never go (bad number,
 * barred, invalid PDU), 0 when retrying later may work.  *text: a short
 * English reason for reports and logs. */
int cms_permanent(int code, const char **text);
#endif
