/*
 * reader_keys.h - the set of public keys satchel-read trusts for one run:
 * keys compiled in (make READER_KEYS=...), -p FILE (repeatable) and
 * --keyring FILE.
 */
#ifndef READER_KEYS_H
#define READER_KEYS_H

#include <stddef.h>

#include "sat_err.h"
#include "sat_sig.h"

typedef struct rk_set {
    sat_pubkey keys[SAT_KEYRING_MAX];
    size_t n;
} rk_set;

/* Adds the compiled-in keys. Returns 0 or an error naming the bad key. */
int rk_add_builtin(rk_set *s, sat_err *err);
/* Adds one public key file. */
int rk_add_file(rk_set *s, const char *path, sat_err *err);
/* Adds every key of a keyring file. */
int rk_add_keyring(rk_set *s, const char *path, sat_err *err);

#endif
