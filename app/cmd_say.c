/* say — `loa say TEXT [-o FILE.wav] [--print]`: what a notice will sound
 * like, without sending it.
 *
 * --print shows the spoken words (the front end only: no espeak-ng, so it
 * works anywhere); -o renders the audio exactly as a call would play it
 * (8 kHz mono WAV), bypassing the cache.  With neither, the spoken words
 * are printed.  TEXT "-" reads the text from standard input. */
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
	while ((c = getopt_long(argc, argv, "o:ph", opts, NULL)) != -1) {
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
	/* Several words without quotes are one text. */
	struct sbuf tb;
	sbuf_init(&tb);
	if (argc - optind == 1 && strcmp(argv[optind], "-") == 0) {
		char *in = read_stdin();
		sbuf_add(&tb, in);
		free(in);
	} else {
		for (int i = optind; i < argc; i++)
			sbuf_printf(&tb, "%s%s", i > optind ? " " : "", argv[i]);
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
