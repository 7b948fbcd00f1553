/*
 * passphrase.h - getting a passphrase without it ever touching the command line:
 * from the terminal with echo off, or from the first line of a file (for scripts).
 */
#ifndef PACK_PASSPHRASE_H
#define PACK_PASSPHRASE_H

#include <stddef.h>

typedef struct pack_pass_src {
    const char *file; /* --passphrase-file, or NULL for the terminal */
} pack_pass_src;

/* sat_passphrase_fn-compatible: ctx is a pack_pass_src. Returns 0 or -1 (message
 * printed to stderr by the caller's error path). */
int pack_passphrase_get(void *ctx, char *buf, size_t cap, int confirm);

#endif
