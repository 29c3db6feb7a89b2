/* pwhash — the one place secrets are hashed for storage: officers' web
 * passwords (web/web_auth.c, `loa user`) and senders' phone PINs
 * (domain/sender.c, `loa sender … --pin`).  libsodium's argon2id
 * crypto_pwhash_str at the interactive limits: a salted, self-describing
 * string ("$argon2id$v=19$m=...") that verifies in constant time, so a
 * copy of loa.db gives neither passwords nor PINs. */
#ifndef LOA_PWHASH_H
#define LOA_PWHASH_H

/* The longest hash string with its NUL (libsodium's crypto_pwhash_STRBYTES
 * is 128; checked in pwhash.c). */
#define PWHASH_MAX 128

/* Hashes `secret` into out.  0 ok, -1 when libsodium cannot (out of
 * memory).  Takes some 0.1 s and 64 MiB on purpose. */
int pwhash_str(const char *secret, char out[PWHASH_MAX]);
/* 1 if `secret` matches `hash`, else 0 (also for a hash that is not one,
 * such as ""). */
int pwhash_verify(const char *hash, const char *secret);
#endif
