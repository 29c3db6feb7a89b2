/* libFuzzer target for the speech front end: any bytes (invalid UTF-8,
 * NULs, huge numbers) must not crash, must give bounded output, and the
 * plain spoken text must never contain a digit.  The first byte picks the
 * number style and SSML mode so every switch is exercised. */
#include "app/config.h"
#include "tests/testcfg.h"
#include "tts/tts_front.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct tts_opts base;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!loaded) {
		struct tts_config c;
		tts_defaults(&c);
		char err[512];
		if (tts_front_load(&base, &c, err, sizeof err) != 0)
			tts_front_opts_init(&base); /* no LOA_DATADIR: rules only */
		loaded = 1;
	}
	if (size == 0)
		return 0;
	struct tts_opts o = base;
	o.style.ngan = data[0] & 1;
	o.style.le = (data[0] >> 1) & 1;
	o.style.khong_tram = (data[0] >> 2) & 1;
	o.ssml = (data[0] >> 3) & 1;
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char *out = tts_frontend(&o, text);
	size_t n = strlen(out);
	if (n > 64 * size + 64)
		__builtin_trap();
	if (!o.ssml)
		for (size_t i = 0; i < n; i++)
			if (out[i] >= '0' && out[i] <= '9')
				__builtin_trap();
	free(out);
	free(text);
	return 0;
}
