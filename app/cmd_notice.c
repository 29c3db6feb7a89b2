/* cmd_notice — the `loa notice` subcommand (send, list, show, cancel, resend):
 * the command line around notice.h, which plans and creates notices the
 * same way for the CLI, the web page and short codes. */
#include "domain/notice.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "app/cli.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/util.h"
#include "base/i18n.h"
#include "tts/tts_audio.h"
#include <unistd.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int n_send(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa notice send --to GROUP[,GROUP]|all [--only-sms|--only-voice] [--urgent] "
			      "[--at TIME] [--audio FILE] [--over-budget] [--dry-run] TEXT (or - to read stdin)");
	static const struct option o[] = {
		{ "to", required_argument, NULL, 't' }, { "sms", no_argument, NULL, 's' },
		{ "voice", no_argument, NULL, 'v' }, { "only-sms", no_argument, NULL, 'S' },
		{ "only-voice", no_argument, NULL, 'V' }, { "urgent", no_argument, NULL, 'u' },
		{ "at", required_argument, NULL, 'a' }, { "dry-run", no_argument, NULL, 'n' },
		{ "audio", required_argument, NULL, 'A' }, { "over-budget", no_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL, *audio = NULL, *at_arg = NULL;
	int channels = 0, urgent = 0, dry = 0, over = 0, c;
	int64_t at = 0;
	while ((c = getopt_long(argc, argv, "t:", o, NULL)) != -1) {
		switch (c) {
		case 't': to = optarg; break;
		/* every channel each household has, unless restricted; the old
		 * --sms/--voice read as "also" but meant "only" */
		case 's':
			fputs(_("loa: warning: --sms means only SMS; use --only-sms\n"), stderr);
			channels |= CH_SMS;
			break;
		case 'v':
			fputs(_("loa: warning: --voice means only calls; use --only-voice\n"), stderr);
			channels |= CH_VOICE;
			break;
		case 'S': channels |= CH_SMS; break;
		case 'V': channels |= CH_VOICE; break;
		case 'u': urgent = 1; break;
		case 'n': dry = 1; break;
		case 'A': audio = optarg; break;
		case 'B': over = 1; break;
		case 'a': at_arg = optarg; break;
		default: return cli_err(EXIT_USAGE, "%s", usage);
		}
	}
	if (!to || optind >= argc)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct sbuf text;
	if (cli_text_args(argc, argv, optind, &text) != EXIT_OK)
		return EXIT_USAGE;
	struct store *st;
	int rc = cli_store(ctx, &st);
	/* after cli_store: the daemon's network time applies; a notice dated
	 * by a wrong clock would be sent at the wrong hour or expire at once */
	if (!rc && !dry)
		rc = cli_clock_refuse(at_arg ? "--at" : "notice send");
	if (!rc && at_arg) {
		int arc = notice_parse_at(at_arg, clock_wall_s(), &at);
		if (arc == NOTICE_AT_PAST)
			rc = cli_err(EXIT_USAGE, _("--at: '%s' is in the past"), at_arg);
		else if (arc != 0)
			rc = cli_err(EXIT_USAGE, _("--at: '%s' is not \"YYYY-MM-DD HH:MM\" or \"HH:MM\""), at_arg);
	}
	if (rc) {
		sbuf_free(&text);
		return rc;
	}
	struct notice_plan plan;
	char err[512];
	if (strlen(text.s) != text.len) {
		sbuf_free(&text);
		return cli_err(EXIT_USAGE, "%s", _("text contains a NUL byte"));
	}
	struct notice_cfg nc;
	config_notice(&ctx->cfg, &nc);
	rc = notice_plan(st, &nc, text.s, to, channels, urgent, at, "cli", &plan, err, sizeof err);
	sbuf_free(&text);
	if (rc && plan.why == NOTICE_WHY_NO_HOUSEHOLD && plan.stats.no_channel && channels && channels != CH_BOTH) {
		int n = plan.stats.no_channel;
		notice_plan_free(&plan);
		if (channels == CH_SMS)
			return cli_err(EXIT_USAGE,
				       ngettext("reaches nobody: the %d household chosen has no SMS (drop --only-sms to "
						"use every channel)",
						"reaches nobody: the %d households chosen have no SMS (drop --only-sms to "
						"use every channel)",
						(unsigned long)n),
				       n);
		return cli_err(EXIT_USAGE,
			       ngettext("reaches nobody: the %d household chosen has no voice calls (drop --only-voice "
					"to use every channel)",
					"reaches nobody: the %d households chosen have no voice calls (drop --only-voice "
					"to use every channel)",
					(unsigned long)n),
			       n);
	}
	if (rc) {
		notice_plan_free(&plan);
		return cli_err(rc, "%s", err);
	}
	plan.req.budget_override = over;
	/* A recording replaces the speech: converted to 8 kHz mono and
	 * level-normalised into the spool before the notice exists, so a bad
	 * file creates nothing. */
	char *wav = NULL;
	if (audio) {
		char name[64];
		snprintf(name, sizeof name, "audio/notice-%lld-%d.wav", (long long)clock_wall_s(), (int)getpid());
		wav = util_path_join(ctx->cfg.spool, name);
		char *dir = util_path_join(ctx->cfg.spool, "audio");
		util_mkdirs(dir, 0750);
		free(dir);
		if (tts_audio_import(audio, wav, err, sizeof err) != 0) {
			free(wav);
			notice_plan_free(&plan);
			return cli_err(EXIT_USAGE, "--audio: %s", err);
		}
		plan.req.audio_path = wav;
		if (dry)
			unlink(wav);
	}
	int64_t id = 0;
	if (!dry && (rc = notice_create(st, &plan, &id, err, sizeof err)) != EXIT_OK) {
		if (wav)
			unlink(wav);
		free(wav);
		notice_plan_free(&plan);
		return cli_err(rc, "%s", err);
	}
	if (wav && !dry)
		printf(_("recorded speech: %s\n"), wav);
	free(wav);
	if (dry)
		fputs(_("dry run: nothing created\n"), stdout);
	else
		printf(_("notice %lld created%s\n"), (long long)id, urgent ? _(" (urgent)") : "");
	notice_plan_print(&plan, &nc, stdout);
	if (at > 0) {
		char when[32];
		clock_format_local(at, when, sizeof when);
		printf(_("scheduled: %s\n"), when);
	}
	notice_plan_free(&plan);
	return EXIT_OK;
}

/* Households, not deliveries: a household with an SMS and a call, or
 * told in person after a failed SMS, is one household reached. */
static int list_one(const struct notice *n, void *arg)
{
	struct store *st = arg;
	struct report_reach rr;
	if (store_report_reach(st, n->id, &rr, clock_wall_s()) != STORE_OK)
		return -1;
	char when[32];
	clock_format_local(n->created_at, when, sizeof when);
	char head[48];
	size_t i = 0, chars = 0;
	/* the first ~36 characters, cut on a UTF-8 boundary */
	while (n->text[i] && chars < 36 && i < sizeof head - 5) {
		size_t k = 1;
		while (((unsigned char)n->text[i + k] & 0xC0) == 0x80)
			k++;
		if (i + k >= sizeof head - 4)
			break;
		i += k;
		chars++;
	}
	memcpy(head, n->text, i);
	head[i] = '\0';
	for (char *p = head; *p; p++)
		if (*p == '\n')
			*p = ' ';
	cli_line(_("%4lld  %s  %-9s %-12s reached %d/%d%s  %s%s"), (long long)n->id, when, n->state, n->targets,
		 rr.reached, rr.households, rr.pending ? _(" (pending)") : "", head, n->text[i] ? "…" : "");
	return 0;
}

static int parse_id(const char *s, int64_t *id)
{
	long v;
	if (util_parse_long(s, 1, INT32_MAX, &v) != 0)
		return -1;
	*id = v;
	return 0;
}

/* `loa notice resend ID`: the preview first, as `notice send` prints one,
 * then the resend in one transaction (store_resend). */
static int n_resend(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa notice resend ID [--channel sms|voice] [--uncertain] [--dry-run]");
	static const struct option o[] = {
		{ "channel", required_argument, NULL, 'c' }, { "dry-run", no_argument, NULL, 'n' },
		{ "uncertain", no_argument, NULL, 'U' }, { NULL, 0, NULL, 0 },
	};
	const char *channel = NULL;
	int dry = 0, flags = 0, c;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (strcmp(optarg, "sms") && strcmp(optarg, "voice"))
				return cli_err(EXIT_USAGE, _("--channel: '%s' is not sms or voice"), optarg);
			channel = optarg;
			break;
		case 'n': dry = 1; break;
		case 'U': flags |= RESEND_UNCERTAIN; break;
		default: return cli_err(EXIT_USAGE, "%s", usage);
		}
	}
	int64_t id;
	if (optind != argc - 1 || parse_id(argv[optind], &id) != 0)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	struct notice_cfg nc;
	config_notice(&ctx->cfg, &nc);
	struct resend_stats r;
	int64_t now = clock_wall_s();
	rc = dry ? store_resend_preview(st, id, channel, flags, &r, now)
		 : store_resend(st, id, channel, flags, "cli", &r, now);
	if (rc == STORE_NOTFOUND)
		return cli_err(EXIT_USAGE, _("no notice %lld"), (long long)id);
	if (rc == STORE_CONFLICT)
		return cli_err(EXIT_USAGE, "%s", store_errmsg(st));
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf(ngettext("notice %lld: %d household not reached", "notice %lld: %d households not reached",
			(unsigned long)r.unreached),
	       (long long)id, r.unreached);
	if (r.pending)
		printf(_("; %d still in progress, left alone"), r.pending);
	if (r.gone)
		printf(_("; %d removed or opted out since, left alone"), r.gone);
	char parts[48], calls[48];
	snprintf(parts, sizeof parts, ngettext("%d part", "%d parts", (unsigned long)r.sms_parts), r.sms_parts);
	snprintf(calls, sizeof calls, ngettext("%d call", "%d calls", (unsigned long)r.voice), r.voice);
	printf(ngettext("\nresend to %d household: %d SMS (%s), %s%s%s\n",
			"\nresend to %d households: %d SMS (%s), %s%s%s\n", (unsigned long)r.households),
	       r.households, r.sms, parts, calls, channel ? _(", channel ") : "", channel ? channel : "");
	if (r.sms)
		printf(_("sms cost: about %ld d (%d d per part)\n"), (long)r.sms_parts * nc.sms_part_cost,
		       nc.sms_part_cost);
	if (r.voice && !nc.voice_modems)
		fputs(_("warning: no [modem] section has an audio port: the calls wait until one does\n"), stdout);
	if (r.uncertain)
		printf(_("held back: %d uncertain SMS (the phone may already have it; --uncertain resends them too)\n"),
		       r.uncertain);
	if (dry)
		fputs(_("dry run: nothing queued\n"), stdout);
	else if (r.households)
		printf(ngettext("%d delivery back in the queue as new attempts of notice %lld\n",
				"%d deliveries back in the queue as new attempts of notice %lld\n",
				(unsigned long)(r.sms + r.voice)),
		       r.sms + r.voice, (long long)id);
	else
		fputs(_("nothing to resend\n"), stdout);
	return EXIT_OK;
}

int cmd_notice(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa notice send|list|show ID|cancel ID|resend ID");
	if (argc < 2)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *sub = argv[1];
	argc--, argv++;
	if (!strcmp(sub, "send"))
		return n_send(ctx, argc, argv);
	if (!strcmp(sub, "resend"))
		return n_resend(ctx, argc, argv);
	struct store *st;
	int64_t id = 0;
	if (!strcmp(sub, "list")) {
		if (argc != 1)
			return cli_err(EXIT_USAGE, "%s", _("usage: loa notice list"));
		int rc = cli_store(ctx, &st);
		if (rc)
			return rc;
		return store_notice_each(st, 100, list_one, st) == STORE_OK ? EXIT_OK
			: cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	}
	if (strcmp(sub, "show") && strcmp(sub, "cancel"))
		return cli_err(EXIT_USAGE, _("unknown notice command '%s'; %s"), sub, usage);
	if (argc != 2 || parse_id(argv[1], &id) != 0)
		return cli_err(EXIT_USAGE, _("usage: loa notice %s ID"), sub);
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	if (!strcmp(sub, "cancel")) {
		int n = 0;
		rc = store_notice_cancel(st, id, "cli", &n, clock_wall_s());
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, _("no notice %lld"), (long long)id);
		if (rc)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		printf(_("notice %lld cancelled: %d pending deliveries cancelled; any in flight finish and are logged\n"),
		       (long long)id, n);
		return EXIT_OK;
	}
	struct notice n;
	rc = store_notice_get(st, id, &n);
	if (rc == STORE_NOTFOUND)
		return cli_err(EXIT_USAGE, _("no notice %lld"), (long long)id);
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	char when[32], due[32];
	clock_format_local(n.created_at, when, sizeof when);
	clock_format_local(n.due_at, due, sizeof due);
	printf(_("notice %lld (%s)%s\ncreated: %s by %s\ndue: %s\nto: %s\nchannels: %s%s\nparts: %d Unicode, %d GSM 7-bit\n"),
	       (long long)n.id, n.state, n.urgent ? _(" URGENT") : "", when, n.source, due, n.targets,
	       n.channels & CH_SMS ? "sms " : "", n.channels & CH_VOICE ? "voice" : "", n.parts_ucs2, n.parts_gsm7);
	if (n.audio_path)
		printf(_("audio: %s\n"), n.audio_path);
	printf(_("text:\n%s\n"), n.text);
	store_notice_clear(&n);
	return EXIT_OK;
}
