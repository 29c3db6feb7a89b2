/* libFuzzer: the PDU decode path (codec_decode -> libgammu's
 * GSM_DecodePDUFrame) on any bytes, as the hex a modem would print for
 * +CMT / +CMGR / +CDS, with and without a <length>; plus the raw input as
 * hex text.  Whatever decodes must give a bounded, NUL-terminated result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modem/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct codec_sms *s)
{
	if (strnlen(s->text, sizeof s->text) == sizeof s->text || strnlen(s->number, sizeof s->number) == sizeof s->number)
		abort();
	if (s->parts < 1 || s->part < 1 || s->part > s->parts)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char d[] = "0123456789ABCDEF";
	if (size > 400)
		return 0;
	char hex[810];
	for (size_t i = 0; i < size; i++) {
		hex[2 * i] = d[data[i] >> 4];
		hex[2 * i + 1] = d[data[i] & 15];
	}
	hex[2 * size] = '\0';
	struct codec_sms s;
	if (codec_decode(hex, -1, &s) == CODEC_OK)
		check(&s);
	if (size > 1 && codec_decode(hex, (int)size - 1 - data[0], &s) == CODEC_OK)
		check(&s);
	if (codec_decode(hex, (int)size, &s) == CODEC_OK)
		check(&s);
	/* the input as text */
	char txt[410];
	memcpy(txt, data, size);
	txt[size] = '\0';
	if (codec_decode(txt, -1, &s) == CODEC_OK)
		check(&s);
	codec_report_class(size ? data[0] : 0);
	return 0;
}
