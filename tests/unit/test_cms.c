/* test_cms — the cause table: whose fault each documented +CMS/+CME code
 * is, cms_permanent's answers kept from before the owner column, and the
 * rows themselves (unique, both texts present, the Vietnamese valid UTF-8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/text.h"
#include "modem/cms.h"

#include <string.h>

static void test_owner(void **state)
{
	(void)state;
	static const struct {
		int cme, code;
		enum cause_owner want;
	} rows[] = {
		/* the household's: the number (operations notes) */
		{ 0, 1, CAUSE_HOUSEHOLD }, { 0, 8, CAUSE_HOUSEHOLD }, { 0, 10, CAUSE_HOUSEHOLD },
		{ 0, 27, CAUSE_HOUSEHOLD }, { 0, 28, CAUSE_HOUSEHOLD }, { 0, 29, CAUSE_HOUSEHOLD },
		{ 0, 30, CAUSE_HOUSEHOLD }, { 0, 0xC3, CAUSE_HOUSEHOLD }, { 0, 0xC4, CAUSE_HOUSEHOLD },
		/* the SIM's, the account's or the network's */
		{ 0, 21, CAUSE_SIM }, { 0, 38, CAUSE_SIM }, { 0, 42, CAUSE_SIM }, { 0, 47, CAUSE_SIM },
		{ 0, 50, CAUSE_SIM }, { 0, 69, CAUSE_SIM }, { 0, 310, CAUSE_SIM }, { 0, 311, CAUSE_SIM },
		{ 0, 312, CAUSE_SIM }, { 0, 313, CAUSE_SIM }, { 0, 314, CAUSE_SIM }, { 0, 315, CAUSE_SIM },
		{ 0, 316, CAUSE_SIM }, { 0, 317, CAUSE_SIM }, { 0, 318, CAUSE_SIM }, { 0, 330, CAUSE_SIM },
		{ 0, 331, CAUSE_SIM }, { 0, 332, CAUSE_SIM }, { 0, 0xC1, CAUSE_SIM },
		{ 1, 10, CAUSE_SIM }, { 1, 11, CAUSE_SIM }, { 1, 12, CAUSE_SIM }, { 1, 13, CAUSE_SIM },
		{ 1, 14, CAUSE_SIM }, { 1, 15, CAUSE_SIM }, { 1, 16, CAUSE_SIM }, { 1, 30, CAUSE_SIM },
		{ 1, 31, CAUSE_SIM }, { 1, 32, CAUSE_SIM }, { 1, 103, CAUSE_SIM }, { 1, 111, CAUSE_SIM },
		/* the PDU Loa built */
		{ 0, 95, CAUSE_MESSAGE }, { 0, 96, CAUSE_MESSAGE }, { 0, 303, CAUSE_MESSAGE },
		{ 0, 304, CAUSE_MESSAGE }, { 0, 0x80, CAUSE_MESSAGE }, { 0, 0x8A, CAUSE_MESSAGE },
		{ 0, 0x9E, CAUSE_MESSAGE }, { 1, 24, CAUSE_MESSAGE },
		/* transient: retry the same delivery */
		{ 0, 41, CAUSE_TRANSIENT }, { 0, 81, CAUSE_TRANSIENT }, { 0, 111, CAUSE_TRANSIENT },
		{ 0, 300, CAUSE_TRANSIENT }, { 0, 301, CAUSE_TRANSIENT }, { 0, 302, CAUSE_TRANSIENT },
		{ 0, 322, CAUSE_TRANSIENT }, { 0, 500, CAUSE_TRANSIENT }, { 0, 512, CAUSE_TRANSIENT },
		{ 0, 0xC0, CAUSE_TRANSIENT }, { 0, 0xD2, CAUSE_TRANSIENT }, { 0, 77, CAUSE_TRANSIENT },
		{ 0, -1, CAUSE_TRANSIENT }, { 0, 9999, CAUSE_TRANSIENT },
		{ 1, 0, CAUSE_TRANSIENT }, { 1, 3, CAUSE_TRANSIENT }, { 1, 100, CAUSE_TRANSIENT },
		{ 1, 515, CAUSE_TRANSIENT },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		enum cause_owner o = rows[i].cme ? cme_owner(rows[i].code) : cms_owner(rows[i].code);
		struct cause c = rows[i].cme ? cme_cause(rows[i].code) : cms_cause(rows[i].code);
		if (o != rows[i].want || c.owner != o || c.code != rows[i].code || c.cme != rows[i].cme)
			fail_msg("%s %d: %s, want %s", rows[i].cme ? "+CME" : "+CMS", rows[i].code,
				 cause_owner_name(o), cause_owner_name(rows[i].want));
		assert_non_null(c.text);
		assert_non_null(c.vi);
	}
	assert_string_equal(cause_owner_name(CAUSE_SIM), "sim");
	assert_string_equal(cms_cause(21).vi, "SIM hết tiền hoặc bị chặn gửi tin");
	assert_string_equal(cms_cause(1).vi, "Số điện thoại không có thật");
}

/* cms_permanent's answers from before the owner column; the only changes
 * are 0xC3 and 0xC4, the number's, which fail at once now. */
static void test_permanent_kept(void **state)
{
	(void)state;
	static const struct {
		int code, permanent;
		const char *text;
	} rows[] = {
		{ 1, 1, "unassigned (unallocated) number" }, { 8, 1, "operator determined barring" },
		{ 10, 1, "call barred" }, { 21, 1, "short message transfer rejected" },
		{ 27, 0, "destination out of service" }, { 28, 1, "unidentified subscriber" },
		{ 29, 1, "facility rejected" }, { 30, 1, "unknown subscriber" },
		{ 38, 0, "network out of order" }, { 41, 0, "temporary failure" }, { 42, 0, "congestion" },
		{ 47, 0, "resources unavailable" }, { 50, 1, "requested facility not subscribed" },
		{ 69, 1, "requested facility not implemented" },
		{ 81, 0, "invalid short message transfer reference" }, { 95, 1, "invalid message" },
		{ 96, 1, "invalid mandatory information" }, { 97, 1, "message type non-existent" },
		{ 98, 0, "message not compatible with protocol state" }, { 111, 0, "protocol error" },
		{ 127, 0, "interworking, unspecified" }, { 300, 0, "ME failure" },
		{ 301, 0, "SMS service of ME reserved" }, { 302, 0, "operation not allowed" },
		{ 303, 1, "operation not supported" }, { 304, 1, "invalid PDU mode parameter" },
		{ 310, 0, "SIM not inserted" }, { 311, 0, "SIM PIN required" }, { 313, 0, "SIM failure" },
		{ 314, 0, "SIM busy" }, { 320, 0, "memory failure" }, { 322, 0, "memory full" },
		{ 330, 0, "SMSC address unknown" }, { 331, 0, "no network service" },
		{ 332, 0, "network timeout" }, { 500, 0, "unknown error" },
		/* unlisted, by range as before */
		{ 0x85, 1, "TP failure cause" }, { 0x9E, 1, "TP failure cause" }, { 0xA0, 0, "TP failure cause" },
		{ 0xD0, 0, "TP failure cause" }, { 9999, 0, "unlisted error" }, { 2, 0, "unlisted error" },
		/* changed by issue 12: a bad or barred destination is the number's */
		{ 0xC3, 1, "invalid SME address" }, { 0xC4, 1, "destination SME barred" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *t = NULL;
		int p = cms_permanent(rows[i].code, &t);
		if (p != rows[i].permanent || strcmp(t, rows[i].text) != 0)
			fail_msg("+CMS %d: %d '%s', want %d '%s'", rows[i].code, p, t, rows[i].permanent,
				 rows[i].text);
	}
	assert_int_equal(cms_permanent(1, NULL), 1);
}

static void test_rows(void **state)
{
	(void)state;
	unsigned n = 0;
	for (const struct cause *c; (c = cms_row(n)) != NULL; n++) {
		assert_true(c->text[0] != '\0');
		assert_true(c->vi[0] != '\0');
		assert_true(text_valid_utf8(c->vi, strlen(c->vi), NULL));
		assert_true((unsigned)c->owner <= CAUSE_MESSAGE);
		if (c->cme)
			assert_int_equal(c->permanent, 0);
		if (c->owner == CAUSE_TRANSIENT)
			assert_int_equal(c->permanent, 0);
		for (unsigned j = 0; j < n; j++) {
			const struct cause *d = cms_row(j);
			if (d->code == c->code && d->cme == c->cme)
				fail_msg("%s %d listed twice", c->cme ? "+CME" : "+CMS", c->code);
		}
	}
	assert_true(n > 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_permanent_kept),
		cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
