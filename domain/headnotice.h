/* headnotice — the notice a head records by phone (issue 17 item 3), the
 * store side of domain/headrec's menu: the groups the head is offered
 * (from senders.groups, as the SMS short codes read them), the spoken list
 * of them, and notice_from_recording, which creates the notice exactly as
 * `loa notice send --audio` does: the recording is the notice's audio for
 * voice households, and SMS households get "Thôn … có thông báo mới bằng
 * giọng nói: gọi … để nghe".  Its source is "phone:+84…", shown as "ghi âm
 * qua điện thoại". */
#ifndef LOA_HEADNOTICE_H
#define LOA_HEADNOTICE_H
#include <stddef.h>
#include <stdint.h>

#include "domain/group.h"
#include "domain/headrec.h"

struct store;
struct sender;
struct notice_cfg;

/* The source a recorded notice carries: "phone:" + the head's E.164. */
#define HEADNOTICE_SOURCE "phone:"
/* How every page and listing names that source. */
#define HEADNOTICE_SOURCE_VI "ghi âm qua điện thoại"

/* The groups offered, digit i+1 = code[i]; 0 = all of them. */
struct headnotice_groups {
	int n;
	int all_village;     /* the head may send to every household ("" groups) */
	char code[HEADREC_MAX_GROUPS][GROUP_CODE_MAX + 1];
	char name[HEADREC_MAX_GROUPS][96]; /* display name, else the code */
	char mine[256];      /* a limited head's own codes (what 0 means then) */
};
/* A head with no groups listed (may send everywhere) is offered the
 * village's groups that have households, by code, the first
 * HEADREC_MAX_GROUPS; a limited head its own groups in its order.  0, or
 * -1 on a store error. */
int headnotice_groups(struct store *st, const struct sender *s, struct headnotice_groups *g);
/* The list headrec's PLAY_GROUPS speaks (headrec_groups_text). */
size_t headnotice_groups_text(const struct headnotice_groups *g, char *buf, size_t len);
/* The targets the choice means: 0 -> "all" (or a limited head's own
 * codes), 1..n -> that group's code.  0, or -1 for a digit out of range. */
int headnotice_targets(const struct headnotice_groups *g, int group, char *out, size_t len);
/* The SMS for SMS households: "Thôn Tân Lợi có thông báo mới bằng giọng
 * nói: gọi 0912 345 678 để nghe."  `village` ([gateway] village) gets
 * "Thôn " in front unless it already starts with a word for a village
 * (Thôn, Xóm, Bản, Làng, Ấp, Buôn, Tổ, Khu, Khối, Sóc, Plei, TDP); `numbers` is
 * [callin] number (the first is named; "" -> "gọi lại số này"). */
void headnotice_sms_text(const char *village, const char *numbers, char *out, size_t len);

struct headnotice_req {
	const struct sender *head;          /* who recorded it (store_sender_by_phone) */
	const char *caller;                 /* the number the modem reported (logged) */
	const struct headnotice_groups *groups;
	int group;                          /* the digit chosen: 0 all, 1..n */
	int urgent;
	const char *wav;                    /* tts_rec_save's file in SPOOL/audio */
	int speech_ms;                      /* for the log */
	const char *village, *numbers;      /* [gateway] village, [callin] number */
};
/* Creates the notice (every channel each household has, due now) with
 * `wav` as its audio, and logs a `notice_recorded` event.  On failure the
 * WAV is removed (nothing refers to it) and err says why.  0 and *id, or
 * EXIT_USAGE/EXIT_RUNTIME like notice_create. */
int notice_from_recording(struct store *st, const struct notice_cfg *cfg, const struct headnotice_req *r, int64_t *id,
			  char *err, size_t errlen);
#endif
