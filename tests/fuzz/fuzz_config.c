/* libFuzzer: the INI config parser on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	static struct loa_config c;
	char err[512];
	config_defaults(&c, "/etc/loa");
	if (config_parse(&c, "fuzz.conf", text, "/etc/loa", err, sizeof err) != 0 && err[0] == '\0')
		abort(); /* every refusal says why */
	if (c.n_modems < 0 || c.n_modems > LOA_MAX_MODEMS)
		abort();
	free(text);
	return 0;
}
