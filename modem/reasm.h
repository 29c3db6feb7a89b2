/* reasm — reassembly of inbound multipart SMS (3GPP TS 23.040 concatenation:
 * sender + reference + part count identify one message).  Parts may arrive
 * in any order, twice, or never; a partial message older than max_age is
 * dropped by reasm_expire().  Pure data structure: no I/O. */
#ifndef LOA_REASM_H
#define LOA_REASM_H
#include <stdint.h>

#define REASM_MAX_PARTS 16
#define REASM_MAX_IDX 32

struct reasm;

struct reasm_msg {
	char modem[32];
	char sender[32];
	char *text;               /* joined in part order; caller frees */
	int parts;
	int64_t sent_s;           /* service-centre time of part 1 (or first seen) */
	int idx[REASM_MAX_IDX];   /* SIM storage indexes to delete (-1: none) */
	int n_idx;
};

struct reasm *reasm_new(void);
void reasm_free(struct reasm *r);
/* Adds one part.  Returns 1 and fills *done when the message is complete,
 * 0 when more parts are awaited, -1 on a bad part number. */
int reasm_add(struct reasm *r, const char *modem, const char *sender, int ref, int part, int parts,
	      const char *text, int sim_index, int64_t sent_s, int64_t now_s, struct reasm_msg *done);
/* Drops partial messages first seen before now_s - max_age_s; returns how many. */
int reasm_expire(struct reasm *r, int64_t now_s, int64_t max_age_s);
int reasm_pending(const struct reasm *r);
#endif
