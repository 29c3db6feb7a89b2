/* libFuzzer: the short-code parser on any bytes.  Invariants: no crash; a
 * command's pieces lie inside the message; codes are digits; a broadcast
 * has a target and a text. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/shortcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct sc_cmd cmd;
	enum sc_verb v = sc_parse(text, &cmd);
	size_t len = strlen(text);
	if (cmd.body && (cmd.body < text || cmd.body + cmd.body_len > text + len))
		abort();
	if (v == SC_BROADCAST && (!cmd.targets[0] || !cmd.body || cmd.body_len == 0))
		abort();
	if (v == SC_CONFIRM || v == SC_OVERRIDE) {
		if (strlen(cmd.code) < 4)
			abort();
		for (const char *p = cmd.code; *p; p++)
			if (!isdigit((unsigned char)*p))
				abort();
	}
	if (v == SC_NONE && (cmd.body || cmd.targets[0]))
		abort();
	free(text);
	return 0;
}
