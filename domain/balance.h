/* balance — the main balance (and its expiry date) in a carrier's text:
 * a USSD answer to *101# or a balance SMS from Viettel, VinaPhone or
 * MobiFone, with or without diacritics.  Pure: no I/O, no clock. */
#ifndef LOA_BALANCE_H
#define LOA_BALANCE_H
#include <stdint.h>

enum balance_status {
	BALANCE_NOT_FOUND = 0, /* no amount after a main-balance keyword */
	BALANCE_FOUND = 1,
};

struct balance {
	int64_t dong;       /* the main balance, in đồng (decimals dropped) */
	int year, mon, day; /* its expiry date; all 0 when the text has none */
};

/* Reads the first amount after a main-balance keyword ("TK goc", "TKC",
 * "So du TK chinh", "Tai khoan goc", "Số dư tài khoản chính"...), skipping
 * promotional balances (KM1, TK khuyen mai...), and the first expiry date
 * (HSD, het han, han su dung) after it, else anywhere.  *b is zeroed when
 * nothing is found. */
enum balance_status balance_parse(const char *text, struct balance *b);
#endif
