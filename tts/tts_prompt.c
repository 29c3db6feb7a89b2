/* tts_prompt — see tts_prompt.h.
 *
 * DESIGN: recordings are looked up by directory scan (NAME.* except .txt)
 * so users can drop in whatever their phone recorded.  The converted copy
 * is cached under a hash of the recording's path, size and mtime, so
 * replacing the file takes effect without clearing the cache. */
#include "tts/tts_prompt.h"

#include "tts/tts_config.h"
#include "base/util.h"
#include "tts/tts_audio.h"
#include "tts/tts_engine.h"

#include <dirent.h>
#include <errno.h>
#include <sndfile.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int valid_name(const char *n)
{
	if (!*n || strlen(n) > 64)
		return 0;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') ||
		      *n == '_' || *n == '-'))
			return 0;
	return 1;
}

char *tts_prompt_dir(const struct tts_config *cfg)
{
	if (cfg->prompts[0])
		return xstrdup(cfg->prompts);
	return util_path_join(cfg->datadir, "prompts");
}

int tts_prompt_text(const struct tts_config *cfg, const char *name, char **out, char *err, size_t errlen)
{
	if (!valid_name(name)) {
		snprintf(err, errlen, "prompt '%s': bad name", name);
		return -1;
	}
	char *dir = tts_prompt_dir(cfg);
	char file[PATH_MAX + 80];
	snprintf(file, sizeof file, "%s/%s.txt", dir, name);
	free(dir);
	char *t = util_read_file(file, NULL);
	if (!t) {
		snprintf(err, errlen, "%s: cannot read prompt: %s", file, strerror(errno));
		return -1;
	}
	struct sbuf b;
	sbuf_init(&b);
	int line = 1;
	for (const char *p = t; *p; p++) {
		if (*p == '\n')
			line++;
		if (*p != '{') {
			sbuf_addc(&b, *p);
			continue;
		}
		const char *end = strchr(p, '}');
		if (end && (size_t)(end - p) == strlen("{village}") - 1 && strncmp(p, "{village}", 9) == 0) {
			sbuf_add(&b, cfg->village);
			p = end;
			continue;
		}
		snprintf(err, errlen, "%s:%d: unknown placeholder (only {village} is known)", file, line);
		free(t);
		sbuf_free(&b);
		return -1;
	}
	free(t);
	*out = sbuf_take(&b);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tts_prompt_recording(const struct tts_config *cfg, const char *name, char *path, size_t len)
{
	if (!valid_name(name))
		return 0;
	char *dir = tts_prompt_dir(cfg);
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return 0;
	}
	char *names[64] = { NULL };
	size_t nn = 0, nl = strlen(name);
	struct dirent *de;
	while ((de = readdir(d)) && nn < ARRAY_LEN(names)) {
		const char *f = de->d_name;
		if (strncmp(f, name, nl) != 0 || f[nl] != '.' || !f[nl + 1])
			continue;
		if (strcmp(f + nl, ".txt") == 0 || strstr(f, ".tmp.") || f[strlen(f) - 1] == '~')
			continue;
		names[nn++] = xstrdup(f);
	}
	closedir(d);
	qsort(names, nn, sizeof names[0], cmp_str);
	int found = 0;
	for (size_t i = 0; i < nn; i++) {
		char full[PATH_MAX + 80];
		snprintf(full, sizeof full, "%s/%s", dir, names[i]);
		SF_INFO info;
		memset(&info, 0, sizeof info);
		SNDFILE *sf = found ? NULL : sf_open(full, SFM_READ, &info);
		if (sf) {
			sf_close(sf);
			snprintf(path, len, "%s", full);
			found = 1;
		}
		free(names[i]);
	}
	free(dir);
	return found;
}

int tts_prompt_render(struct tts_engine *e, const char *name, char *path, size_t len, char *err,
		      size_t errlen)
{
	const struct tts_config *cfg = tts_engine_config(e);
	char rec[PATH_MAX + 80];
	if (tts_prompt_recording(cfg, name, rec, sizeof rec)) {
		struct stat st;
		if (stat(rec, &st) != 0) {
			snprintf(err, errlen, "%s: %s", rec, strerror(errno));
			return -1;
		}
		char id[PATH_MAX + 200];
		snprintf(id, sizeof id, "prompt %s %lld %lld", rec, (long long)st.st_size,
			 (long long)st.st_mtime);
		unsigned char h[16];
		crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
		char hex[40];
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		snprintf(path, len, "%s/rec-%s.wav", cfg->cache, hex);
		struct stat cs;
		if (stat(path, &cs) == 0 && cs.st_size > 44)
			return 0;
		int m = util_mkdirs(cfg->cache, 0750);
		if (m != 0) {
			snprintf(err, errlen, "tts.cache %s: %s", cfg->cache, strerror(-m));
			return -1;
		}
		return tts_audio_import(rec, path, err, errlen);
	}
	char *text;
	if (tts_prompt_text(cfg, name, &text, err, errlen) != 0)
		return -1;
	int rc = tts_engine_render(e, text, NULL, 0, path, len, err, errlen);
	free(text);
	return rc;
}
