/* cms — the +CMS ERROR cause table (3GPP TS 27.005 3.2.5, with the RP and
 * TP causes of TS 24.011 / 23.040 that modems pass through): a short
 * English reason for each code and whether the message itself can never go
 * (permanent) or a later try may work.  Data, so a cause is one row. */
#include "modem/cms.h"

#include "base/util.h"

#include <stddef.h>

static const struct cms {
	int code;
	int permanent;
	const char *text;
} cms_table[] = {
	{ 1, 1, "unassigned (unallocated) number" },
	{ 8, 1, "operator determined barring" },
	{ 10, 1, "call barred" },
	{ 21, 1, "short message transfer rejected" },
	{ 27, 0, "destination out of service" },
	{ 28, 1, "unidentified subscriber" },
	{ 29, 1, "facility rejected" },
	{ 30, 1, "unknown subscriber" },
	{ 38, 0, "network out of order" },
	{ 41, 0, "temporary failure" },
	{ 42, 0, "congestion" },
	{ 47, 0, "resources unavailable" },
	{ 50, 1, "requested facility not subscribed" },
	{ 69, 1, "requested facility not implemented" },
	{ 81, 0, "invalid short message transfer reference" },
	{ 95, 1, "invalid message" },
	{ 96, 1, "invalid mandatory information" },
	{ 97, 1, "message type non-existent" },
	{ 98, 0, "message not compatible with protocol state" },
	{ 111, 0, "protocol error" },
	{ 127, 0, "interworking, unspecified" },
	{ 300, 0, "ME failure" },
	{ 301, 0, "SMS service of ME reserved" },
	{ 302, 0, "operation not allowed" },
	{ 303, 1, "operation not supported" },
	{ 304, 1, "invalid PDU mode parameter" },
	{ 310, 0, "SIM not inserted" },
	{ 311, 0, "SIM PIN required" },
	{ 313, 0, "SIM failure" },
	{ 314, 0, "SIM busy" },
	{ 320, 0, "memory failure" },
	{ 322, 0, "memory full" },
	{ 330, 0, "SMSC address unknown" },
	{ 331, 0, "no network service" },
	{ 332, 0, "network timeout" },
	{ 500, 0, "unknown error" },
};

int cms_permanent(int code, const char **text)
{
	for (size_t i = 0; i < ARRAY_LEN(cms_table); i++) {
		if (cms_table[i].code == code) {
			if (text)
				*text = cms_table[i].text;
			return cms_table[i].permanent;
		}
	}
	if (text)
		*text = code >= 128 && code <= 255 ? "TP failure cause" : "unlisted error";
	/* 23.040 TP-FCS 0x80-0x8F (telematic) and 0xC0-0xCF? bad PDU are ours
	 * to fix, not the network's: permanent; everything unknown: retry. */
	return (code >= 0x80 && code <= 0x8F) || (code >= 0x90 && code <= 0x9F);
}
