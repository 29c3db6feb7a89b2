/* tts_prompt — the fixed call prompts (greeting, press 1/2, "I repeat",
 * thanks) as 8 kHz WAV files.
 *
 * A prompt is either a recording NAME.<ext> (any format libsndfile reads)
 * or a template NAME.txt in the prompts folder (tts.prompts, else
 * DATADIR/prompts).  A recording wins; it is converted to 8 kHz mono and
 * level-normalised once into the cache.  A template is rendered like a
 * notice, with {village} replaced by [gateway] village. */
#ifndef LOA_TTS_PROMPT_H
#define LOA_TTS_PROMPT_H
#include <stddef.h>

struct tts_config;
struct tts_engine;

#define TTS_PROMPT_GREETING "greeting"
#define TTS_PROMPT_PRESS "press"
#define TTS_PROMPT_REPEAT "repeat"
#define TTS_PROMPT_THANKS "thanks"

/* The prompts folder for cfg (caller frees). */
char *tts_prompt_dir(const struct tts_config *cfg);
/* The template text with placeholders filled (caller frees *out).  0 ok,
 * -1 with err naming file:line (missing file, unknown placeholder). */
int tts_prompt_text(const struct tts_config *cfg, const char *name, char **out, char *err, size_t errlen);
/* The recording that replaces the prompt, if any: 1 and its path, else 0. */
int tts_prompt_recording(const struct tts_config *cfg, const char *name, char *path, size_t len);
/* The prompt as a WAV path (rendered or converted into the cache if needed;
 * waits for the synthesis thread).  0 ok, -1 with err. */
int tts_prompt_render(struct tts_engine *e, const char *name, char *path, size_t len, char *err,
		      size_t errlen);
#endif
