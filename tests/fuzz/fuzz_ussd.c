/* libFuzzer: +CUSD lines through ussd_parse, and the decoded text (and the
 * raw bytes) through balance_parse.  Invariants: no crash; the text is
 * NUL-terminated valid UTF-8 inside its buffer; m is 0..5; a found balance
 * is not negative and its expiry date is either absent or a real date. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/balance.h"
#include "modem/ussd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_balance(const char *text)
{
	struct balance b;
	enum balance_status st = balance_parse(text, &b);
	if (st == BALANCE_NOT_FOUND && (b.dong || b.year || b.mon || b.day))
		abort();
	if (b.dong < 0 || (b.year && (b.year < 2000 || b.mon < 1 || b.mon > 12 || b.day < 1 || b.day > 31)))
		abort();
	if (!b.year && (b.mon || b.day))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	struct ussd_reply r;
	if (ussd_parse(line, &r) == 0) {
		size_t n = strnlen(r.text, sizeof r.text);
		if (n == sizeof r.text || (unsigned)r.m > 5 || r.dcs < -1 || r.dcs > 255)
			abort();
		if (!text_valid_utf8(r.text, n, NULL))
			abort();
		check_balance(r.text);
	}
	/* the same bytes as a string under a few dcs values */
	char out[64];
	static const int dcs[] = { -1, 15, 72, 68 };
	enum ussd_enc e = ussd_decode(line, strlen(line), dcs[size % 4], out, sizeof out);
	if (e == USSD_ENC_NONE || !text_valid_utf8(out, strlen(out), NULL))
		abort();
	check_balance(line);
	free(line);
	return 0;
}
