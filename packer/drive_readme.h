/*
 * drive_readme.h - the texts a recipient reads on a drive: README.txt (Korean first, then
 * English) and key/fingerprint.txt. Both are written with CRLF line ends and start with a
 * UTF-8 byte order mark, so that Windows Notepad shows them right as well. The texts live in
 * drive_readme.c only.
 */
#ifndef DRIVE_README_H
#define DRIVE_README_H

#include <stddef.h>

#include "sat_text.h"

/* What README.txt talks about. */
typedef struct dp_readme_facts {
    const char *const *bundles; /* bundle paths; their file names are used */
    size_t nbundles;
    int web;      /* web/STEM/index.html exists for each bundle */
    int reader64; /* reader/linux-x86_64/satchel-read is on the drive */
    int reader32; /* reader/linux-x86/satchel-read is on the drive */
    const char *keyid;       /* key id, 16 hex digits */
    const char *fingerprint; /* 8 groups of 5 digits */
} dp_readme_facts;

/* Appends README.txt to b. Returns 0 or SAT_E_NOMEM. */
int dp_readme_text(sat_buf *b, const dp_readme_facts *f);

/* Appends key/fingerprint.txt to b. Returns 0 or SAT_E_NOMEM. */
int dp_readme_fingerprint(sat_buf *b, const char *keyid, const char *fingerprint);

/* The last component of a path. */
const char *dp_base_name(const char *path);

/* "web/STEM" for the bundle file name `name` (STEM: name without ".satchel") into out.
 * Returns 0, or -1 when cap is too small. */
int dp_web_dir(const char *name, char *out, size_t cap);

#endif
