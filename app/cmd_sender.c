/* sender — the `loa sender`, `loa template` and `loa inbox` subcommands:
 * who may command the gateway by SMS, the stored notice templates, and
 * the audit view of every inbound message with its decision and replies. */
#include "app/cli.h"

#include "db/store.h"
#include "db/store_shortcode.h"
#include "base/clock.h"
#include "domain/inbox.h"
#include "domain/sender.h"
#include "base/phone.h"
#include "domain/shortcode.h"
#include "base/text.h"
#include "base/i18n.h"
#include "base/pwhash.h"
#include "base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_sender(const struct sender *s, void *arg)
{
	(void)arg;
	char nat[20];
	phone_national(s->phone, nat, sizeof nat);
	printf("%-12s %-8s ", nat, s->role);
	text_fpad(stdout, s->name, 24);
	printf("%-24s %s", s->groups[0] ? s->groups : "(all groups)", s->confirm ? "code" : "no-confirm");
	if (s->pin_hash[0])
		printf("  %s", _("PIN (records by phone)"));
	if (s->locked_at) {
		char when[32];
		clock_format_local(s->locked_at, when, sizeof when);
		printf("  LOCKED since %s (wrong codes): loa sender unlock %s", when, nat);
	}
	putchar('\n');
	return 0;
}

/* `loa sender unlock PHONE`: the office lifts a lock-out after wrong
 * codes; by design nothing sent by SMS can. */
static int sender_unlock(struct cli_ctx *ctx, const char *phone)
{
	struct phone p;
	if (phone_normalise(phone, &p) != PHONE_MOBILE)
		return cli_err(EXIT_USAGE, "'%s' is not a mobile number", phone);
	struct store *st;
	int rc = cli_store(ctx, &st), was_locked = 0;
	if (rc)
		return rc;
	rc = store_sender_unlock(st, p.e164, &was_locked);
	if (rc == STORE_NOTFOUND)
		return cli_err(EXIT_USAGE, "%s is not a registered sender", p.national);
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	rc = store_event(st, "sender_unlocked", 0, 0, 0, NULL, p.e164, clock_wall_s());
	printf(was_locked ? "sender %s unlocked; its wrong codes are forgotten\n"
			  : "sender %s was not locked; its wrong codes are forgotten\n", p.national);
	return cli_event_result(st, rc);
}

/* `loa sender pin PHONE DIGITS|--clear`: the PIN a sender types before
 * recording a notice by phone; kept only hashed. */
static int sender_pin(struct cli_ctx *ctx, const char *phone, const char *digits)
{
	struct phone p;
	if (phone_normalise(phone, &p) != PHONE_MOBILE)
		return cli_err(EXIT_USAGE, _("'%s' is not a mobile number"), phone);
	int clear = !strcmp(digits, "--clear");
	if (!clear && !sender_pin_ok(digits))
		return cli_err(EXIT_USAGE, _("PIN: must be %d-%d digits"), SENDER_PIN_MIN, SENDER_PIN_MAX);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	rc = sender_pin_set(st, p.e164, clear ? NULL : digits);
	if (rc == STORE_NOTFOUND)
		return cli_err(EXIT_USAGE, _("%s is not a registered sender"), p.national);
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	rc = store_event(st, clear ? "sender_pin_cleared" : "sender_pin_set", 0, 0, 0, NULL, p.e164, clock_wall_s());
	cli_line(clear ? _("sender %s: PIN cleared; recording by phone is off") : _("sender %s: PIN set"),
		 p.national);
	return cli_event_result(st, rc);
}

int cmd_sender(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa sender add PHONE --role head|officer --name NAME [--groups G,...] "
			      "[--no-confirm] [--pin DIGITS] | list | remove PHONE | unlock PHONE | "
			      "pin PHONE DIGITS|--clear");
	if (argc < 2)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *sub = argv[1];
	argc--, argv++;
	struct store *st;
	int rc;
	if (!strcmp(sub, "list")) {
		if ((rc = cli_store(ctx, &st)))
			return rc;
		return store_sender_each(st, print_sender, NULL) == STORE_OK ? EXIT_OK
			: cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	}
	if (!strcmp(sub, "unlock")) {
		if (argc != 2)
			return cli_err(EXIT_USAGE, "%s", usage);
		return sender_unlock(ctx, argv[1]);
	}
	if (!strcmp(sub, "pin")) {
		if (argc != 3)
			return cli_err(EXIT_USAGE, "%s", usage);
		return sender_pin(ctx, argv[1], argv[2]);
	}
	if (!strcmp(sub, "remove")) {
		struct phone p;
		if (argc != 2)
			return cli_err(EXIT_USAGE, "%s", usage);
		if (phone_normalise(argv[1], &p) != PHONE_MOBILE)
			return cli_err(EXIT_USAGE, "'%s' is not a mobile number", argv[1]);
		if ((rc = cli_store(ctx, &st)))
			return rc;
		rc = store_sender_remove(st, p.e164);
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, "%s is not a registered sender", p.national);
		if (rc)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		rc = store_event(st, "sender_removed", 0, 0, 0, NULL, p.e164, clock_wall_s());
		printf("sender %s removed\n", p.national);
		return cli_event_result(st, rc);
	}
	if (strcmp(sub, "add") != 0)
		return cli_err(EXIT_USAGE, "%s", usage);
	static const struct option o[] = {
		{ "role", required_argument, NULL, 'r' }, { "name", required_argument, NULL, 'n' },
		{ "groups", required_argument, NULL, 'g' }, { "no-confirm", no_argument, NULL, 'N' },
		{ "pin", required_argument, NULL, 'p' },    { NULL, 0, NULL, 0 },
	};
	const char *role = NULL, *name = NULL, *groups = "", *pin = NULL;
	int confirm = 1, c;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'n': name = optarg; break;
		case 'g': groups = optarg; break;
		case 'N': confirm = 0; break;
		case 'p': pin = optarg; break;
		default: return cli_err(EXIT_USAGE, "%s", usage);
		}
	}
	if (optind != argc - 1 || !role || !name)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct sender s;
	switch (sender_from_fields(argv[optind], role, name, groups, confirm, &s)) {
	case SENDER_OK: break;
	case SENDER_BAD_PHONE:
		return cli_err(EXIT_USAGE, "PHONE: '%s' is not a Vietnamese mobile number", argv[optind]);
	case SENDER_BAD_ROLE: return cli_err(EXIT_USAGE, "--role: '%s' is not head or officer", role);
	case SENDER_BAD_NAME:
		return cli_err(EXIT_USAGE, "--name: must be 1-%zu bytes", sizeof s.name - 1);
	case SENDER_BAD_GROUPS:
		if (strlen(groups) >= sizeof s.groups)
			return cli_err(EXIT_USAGE, "--groups: too long");
		return cli_err(EXIT_USAGE, "--groups: '%s' is not a comma-separated list of group codes", groups);
	}
	if (pin && !sender_pin_ok(pin))
		return cli_err(EXIT_USAGE, _("--pin: must be %d-%d digits"), SENDER_PIN_MIN, SENDER_PIN_MAX);
	if (pin && pwhash_str(pin, s.pin_hash) != 0)
		return cli_err(EXIT_RUNTIME, "%s", _("--pin: cannot hash the PIN (out of memory)"));
	char nat[20];
	phone_national(s.phone, nat, sizeof nat);
	if ((rc = cli_store(ctx, &st)))
		return rc;
	rc = store_sender_add(st, &s, NULL, clock_wall_s());
	if (rc == STORE_CONFLICT)
		return cli_err(EXIT_USAGE, "%s is already a sender (remove it first)", nat);
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	rc = store_event(st, "sender_added", 0, 0, 0, NULL, s.phone, clock_wall_s());
	cli_line("sender %s (%s, %s) added%s%s", nat, s.name, s.role,
		 s.confirm ? "" : "; broadcasts go out without a confirmation code",
		 s.pin_hash[0] ? _("; PIN set: may record notices by phone") : "");
	return cli_event_result(st, rc);
}

static int print_template(const char *code, const char *text, void *arg)
{
	(void)arg;
	cli_line("%-16s %s", code, text);
	return 0;
}

int cmd_template(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char usage[] = "usage: loa template add CODE TEXT | list | remove CODE";
	struct store *st;
	int rc;
	if (argc == 2 && !strcmp(argv[1], "list")) {
		if ((rc = cli_store(ctx, &st)))
			return rc;
		return store_template_each(st, print_template, NULL) == STORE_OK ? EXIT_OK
			: cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	}
	if (argc < 3)
		return cli_err(EXIT_USAGE, "%s", usage);
	const char *code = argv[2];
	if (!sender_template_code_ok(code))
		return cli_err(EXIT_USAGE, "CODE: 1-16 letters, digits, '-' or '_'");
	if (!strcmp(argv[1], "remove") && argc == 3) {
		if ((rc = cli_store(ctx, &st)))
			return rc;
		rc = store_template_remove(st, code);
		if (rc == STORE_NOTFOUND)
			return cli_err(EXIT_USAGE, "no template %s", code);
		return rc ? cli_err(EXIT_RUNTIME, "%s", store_errmsg(st)) : EXIT_OK;
	}
	if (strcmp(argv[1], "add") != 0 || argc != 4)
		return cli_err(EXIT_USAGE, "%s", usage);
	if ((rc = cli_store(ctx, &st)))
		return rc;
	char err[256];
	char *text = text_notice_check(argv[3], ctx->cfg.notice_max_chars, err, sizeof err);
	if (!text)
		return cli_err(EXIT_USAGE, "TEXT: %s", err);
	rc = store_template_add(st, code, text, clock_wall_s());
	free(text);
	if (rc == STORE_CONFLICT)
		return cli_err(EXIT_USAGE, "template %s exists (remove it first)", code);
	if (rc)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf("template %s added; a head sends it with: MAU %s <nhom|TATCA>\n", code, code);
	return EXIT_OK;
}

static int print_inbound(const struct inbound_row *r, void *arg)
{
	(void)arg;
	char when[32], nat[24];
	char *text = sc_mask_codes(r->text);
	clock_format_local(r->received_at, when, sizeof when);
	phone_national(r->sender, nat, sizeof nat);
	cli_line("%5lld %s %-12s %-14.14s %-8s %-60s | %s", (long long)r->id, when, nat,
		 r->sender_name[0] ? r->sender_name : "-", r->decision[0] ? r->decision : "new", r->reason, text);
	free(text);
	return 0;
}

static int print_outbox(const struct outbox_row *r, void *arg)
{
	(void)arg;
	char when[32], nat[24];
	char *text = sc_mask_codes(r->text);
	clock_format_local(r->created_at, when, sizeof when);
	phone_national(r->to, nat, sizeof nat);
	cli_line("%5lld %s to %-12s %-8s %-7s %s%s%s", (long long)r->id, when, nat, r->kind, r->state, text,
		 r->error[0] ? "  — " : "", r->error);
	free(text);
	return 0;
}

int cmd_inbox(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char usage[] = "usage: loa inbox [--limit N] | loa inbox --simulate FROM TEXT";
	static const struct option o[] = { { "limit", required_argument, NULL, 'l' },
					    { "simulate", no_argument, NULL, 's' },
					    { NULL, 0, NULL, 0 } };
	long limit = 50;
	int simulate = 0, c;
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if (c == 'l' && util_parse_long(optarg, 1, 100000, &limit) == 0)
			continue;
		if (c == 's') {
			simulate = 1;
			continue;
		}
		return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (simulate ? optind != argc - 2 : optind != argc)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	if (simulate) {
		/* As if the SMS had just arrived on a modem: stored, then handled. */
		const char *from = argv[optind], *text = argv[optind + 1];
		struct phone ph;
		if (phone_normalise(from, &ph) == PHONE_MOBILE)
			from = ph.e164; /* stored as the daemon stores numbers */
		size_t bad;
		if (!text_valid_utf8(text, strlen(text), &bad))
			return cli_err(EXIT_USAGE, "TEXT is not valid UTF-8");
		int64_t id = 0, now = clock_wall_s();
		if (store_sms_inbound_cli(st, from, text, now, &id) != STORE_OK)
			return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
		struct inbox_result res;
		struct inbox_cfg ic;
		config_inbox(&ctx->cfg, &ic);
		if (inbox_handle(st, &ic, id, from, text, now, &res) != 0)
			return cli_err(EXIT_RUNTIME, "inbound %lld: short-code handling failed: %s", (long long)id,
				       store_errmsg(st));
		char sup[32] = "";
		if (res.suppressed)
			snprintf(sup, sizeof sup, ", %d suppressed", res.suppressed);
		cli_line("inbound %lld: %s: %s (%d repl%s queued%s)", (long long)id, res.decision, res.reason,
			 res.replies, res.replies == 1 ? "y" : "ies", sup);
		return EXIT_OK;
	}
	printf("Inbound messages (newest first):\n");
	if (store_inbound_each(st, (int)limit, print_inbound, NULL) != STORE_OK)
		return cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
	printf("\nReplies and forwards (newest first):\n");
	return store_outbox_each(st, (int)limit, print_outbox, NULL) == STORE_OK ? EXIT_OK
		: cli_err(EXIT_RUNTIME, "%s", store_errmsg(st));
}
