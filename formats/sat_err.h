/*
 * sat_err.h - error reporting for libsatchel.
 *
 * Every fallible library function takes a `sat_err *` as its last argument,
 * returns 0 on success or a negative SAT_E* code on failure, and on failure
 * leaves a message in err->msg that a user can act on (which file, which
 * entry, which byte offset, what was expected). The library never prints and
 * never exits; main() decides what to do with the message.
 *
 * A NULL `sat_err *` is allowed: the message is then dropped.
 */
#ifndef SAT_ERR_H
#define SAT_ERR_H

#include <stddef.h>

#define SAT_ERR_MSG_MAX 512

/* Error codes. 0 is success; every error is negative. */
enum {
    SAT_OK = 0,
    SAT_E_IO = -1,       /* read, write, open, fsync, rename failed */
    SAT_E_NOMEM = -2,    /* allocation failed */
    SAT_E_FORMAT = -3,   /* input does not follow its format (bad syntax) */
    SAT_E_LIMIT = -4,    /* a size or count exceeds its named maximum */
    SAT_E_SIG = -5,      /* signature missing, malformed, or does not verify */
    SAT_E_UNTRUSTED = -6,/* signed by a key that is not trusted */
    SAT_E_HASH = -7,     /* content does not match its signed hash */
    SAT_E_ARG = -8,      /* bad argument from the caller */
    SAT_E_EXISTS = -9,   /* refusing to overwrite an existing file */
    SAT_E_CRYPTO = -10,  /* libsodium failure, wrong passphrase */
    SAT_E_NOTFOUND = -11 /* no such entry */
};

typedef struct sat_err {
    int code;
    char msg[SAT_ERR_MSG_MAX];
} sat_err;

/* Sets err->code and a printf-style message. Returns `code` so callers can
 * write `return sat_err_set(err, SAT_E_FORMAT, "...")`. err may be NULL. */
int sat_err_set(sat_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with "prefix: " (e.g. a file name).
 * Returns err->code (or SAT_E_ARG when err is NULL). */
int sat_err_prefix(sat_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears err to "no error". */
void sat_err_clear(sat_err *err);

#endif
