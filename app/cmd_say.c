/* say — `loa say TEXT [-o FILE.wav] [--print]`: what a notice will sound
 * like, without sending it.
 *
 * --print shows the spoken words (the front end only: no espeak-ng, so it
 * works anywhere); -o renders the audio exactly as a call would play it
 * (8 kHz mono WAV), bypassing the cache.  With neither, the spoken words
 * are printed.  TEXT "-" reads the text from standard input.
 *
 * A notice may start with a dash (a bulleted line: "- Họp thôn lúc 19h").
 * An argument starting with '-' is taken as the start of the text, and
 * ends the options, when it cannot be an option: it holds a space or a
 * non-ASCII character, or its second character is not a letter or '-'
 * ("- Họp", "-Họp", "-5 độ").  Anything else that looks like an option is
 * one (a mistyped "--prnt" is a usage error, not spoken); after the text
 * has begun, only the exact options (-p, --print, -o FILE, --output FILE)
 * are options; `--` still ends the options for any text ("loa say -- -x"). */
#include "app/cli.h"

#include "base/util.h"
#include "tts/tts_engine.h"
#include "tts/tts_front.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_stdin(void)
{
	struct sbuf b;
	sbuf_init(&b);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		sbuf_addn(&b, buf, n);
	return sbuf_take(&b);
}

/* Can this argument starting with '-' not be an option? */
static int dash_text(const char *a)
{
	if (a[0] != '-' || !a[1] || strcmp(a, "--") == 0)
		return 0;
	for (const char *p = a; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || (unsigned char)*p >= 0x80)
			return 1;
	int c = (unsigned char)a[1];
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-');
}

int cmd_say(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "print", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	int print = 0, c;
	/* options are parsed up to the first argument that is text for sure */
	int cut = argc;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
			i++; /* its value, whatever it looks like */
			continue;
		}
		if (dash_text(argv[i])) {
			cut = i;
			break;
		}
	}
	while ((c = getopt_long(cut, argv, "o:ph", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'p':
			print = 1;
			break;
		case 'h':
			printf("usage: loa say TEXT [-o FILE.wav] [--print]   (TEXT - reads stdin)\n");
			return EXIT_OK;
		default:
			return cli_err(EXIT_USAGE, "usage: loa say TEXT [-o FILE.wav] [--print]");
		}
	}
	if (optind >= argc)
		return cli_err(EXIT_USAGE, "say: missing TEXT (usage: loa say TEXT [-o FILE.wav] [--print])");
	/* The text: the words getopt moved to the end of argv[0..cut), then
	 * everything from the cut on; several words without quotes are one. */
	struct sbuf tb;
	sbuf_init(&tb);
	if (argc - optind == 1 && strcmp(argv[optind], "-") == 0) {
		char *in = read_stdin();
		sbuf_add(&tb, in);
		free(in);
	} else {
		/* after the cut, an argument that is exactly one of the options
		 * is still one ("loa say '- Họp thôn' --print"), until "--" */
		int words = 0, opts_end = 0;
		for (int i = optind; i < argc; i++) {
			const char *a = argv[i];
			if (i >= cut && !opts_end) {
				if (strcmp(a, "--") == 0) {
					opts_end = 1;
					continue;
				}
				if (strcmp(a, "-p") == 0 || strcmp(a, "--print") == 0) {
					print = 1;
					continue;
				}
				if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < argc) {
					out = argv[++i];
					continue;
				}
				if (strncmp(a, "--output=", 9) == 0) {
					out = a + 9;
					continue;
				}
			}
			sbuf_printf(&tb, "%s%s", words++ ? " " : "", a);
		}
	}
	char *text = sbuf_take(&tb);
	int rc = cli_config(ctx);
	if (rc) {
		free(text);
		return rc;
	}
	if (!out)
		print = 1;
	char err[4200];
	struct tts_config tc;
	config_tts(&ctx->cfg, &tc);
	if (print) {
		struct tts_opts o;
		if (tts_front_load(&o, &tc, err, sizeof err) != 0) {
			free(text);
			return cli_err(EXIT_USAGE, "%s", err);
		}
		char *spoken = tts_frontend(&o, text);
		printf("%s\n", spoken);
		free(spoken);
		tts_front_unload(&o);
	}
	if (out) {
		struct tts_engine *e;
		if (tts_engine_open(&e, &tc, err, sizeof err) != 0) {
			free(text);
			/* a bad dictionary or voice is the user's input to fix */
			return cli_err(strstr(err, "espeak-ng: cannot") ? EXIT_RUNTIME : EXIT_USAGE, "%s", err);
		}
		char path[4200];
		rc = tts_engine_render(e, text, out, TTS_NO_CACHE, path, sizeof path, err, sizeof err);
		tts_engine_close(e);
		if (rc != 0) {
			free(text);
			return cli_err(EXIT_RUNTIME, "say: %s", err);
		}
	}
	free(text);
	return EXIT_OK;
}
