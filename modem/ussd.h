/* ussd — USSD answers (+CUSD, 3GPP TS 27.007 7.15) and the command that
 * asks for one.  Pure: a line in, UTF-8 text out (see ussd.c for how the
 * encoding is guessed). */
#ifndef LOA_USSD_H
#define LOA_USSD_H
#include <stddef.h>

/* <m> of +CUSD */
enum ussd_status {
	USSD_DONE = 0,       /* no further action needed */
	USSD_MORE = 1,       /* the network wants an answer (a menu) */
	USSD_TERMINATED = 2, /* terminated by the network */
	USSD_OTHER = 3,      /* another local client answered */
	USSD_UNSUPPORTED = 4,
	USSD_TIMEOUT = 5,
};

/* How the string came. */
enum ussd_enc {
	USSD_ENC_NONE,  /* no string */
	USSD_ENC_PLAIN, /* text as is (the modem decoded it) */
	USSD_ENC_GSM7,  /* GSM 7-bit packed, as hex */
	USSD_ENC_UCS2,  /* UTF-16BE, as hex */
	USSD_ENC_8BIT,  /* 8-bit data, as hex (read as Latin-1 unless valid UTF-8) */
};

#define USSD_TEXT_MAX 1024

struct ussd_reply {
	enum ussd_status m;
	int dcs;                   /* -1 when absent */
	enum ussd_enc enc;
	char text[USSD_TEXT_MAX];  /* UTF-8, "" without a string; cut at a character */
};

/* Parses `+CUSD: <m>[,"<str>"[,<dcs>]]` (leading blanks and a trailing
 * CR/LF allowed).  0 and *out filled, or -1 when the line is not a +CUSD
 * answer with m 0..5. */
int ussd_parse(const char *line, struct ussd_reply *out);

/* Decodes the n bytes of a +CUSD string under `dcs` (-1: unknown) into
 * UTF-8 (NUL-terminated, cut at a character to fit outlen > 0); returns how
 * it was encoded. */
enum ussd_enc ussd_decode(const char *s, size_t n, int dcs, char *out, size_t outlen);

/* Writes `AT+CUSD=1,"<code>",<dcs>` (no line end).  code: 1..160 of
 * 0-9 * # +.  0, or -1 for a bad code or a short buffer. */
int ussd_command(char *buf, size_t len, const char *code, int dcs);

const char *ussd_enc_name(enum ussd_enc e);
#endif
