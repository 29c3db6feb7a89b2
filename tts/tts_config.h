/* tts_config — what speech reads from the configuration: the [tts] section
 * and the village's name (said in the greeting).  The application fills it
 * (config_tts); nothing in tts/ sees the rest of the configuration. */
#ifndef LOA_TTS_CONFIG_H
#define LOA_TTS_CONFIG_H
#include <limits.h>

struct tts_config {
	char voice[64];          /* espeak-ng voice, "vi" */
	int rate, pitch, word_gap, volume;
	int ngan;                /* 1: "ngàn" instead of "nghìn" */
	int le;                  /* 1: "lẻ" instead of "linh" */
	int khong_tram;          /* 1: say "không trăm" for inner zero hundreds */
	char cache[PATH_MAX];    /* rendered WAVs */
	char abbrev[PATH_MAX];   /* abbreviations file, "" = the shipped one */
	char loanwords[PATH_MAX];/* loanwords file, "" = the shipped one */
	char prompts[PATH_MAX];  /* prompt texts and recordings, "" = the shipped ones */
	char village[128];       /* gateway.village */
	char datadir[PATH_MAX];  /* shipped dictionaries and prompts (config_datadir) */
};
#endif
