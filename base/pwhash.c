/* pwhash — see pwhash.h.  libsodium is started once here for the whole
 * program (sodium_init is idempotent and thread-safe behind the once). */
#include "base/pwhash.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(crypto_pwhash_STRBYTES <= PWHASH_MAX, "hash buffer");

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void start(void)
{
	if (sodium_init() < 0)
		abort(); /* no usable randomness: no salt can be safe */
}

int pwhash_str(const char *secret, char out[PWHASH_MAX])
{
	pthread_once(&once, start);
	return crypto_pwhash_str(out, secret, strlen(secret), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int pwhash_verify(const char *hash, const char *secret)
{
	pthread_once(&once, start);
	if (!hash[0])
		return 0;
	return crypto_pwhash_str_verify(hash, secret, strlen(secret)) == 0;
}
