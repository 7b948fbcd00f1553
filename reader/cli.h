/*
 * cli.h - the command-line layer of satchel-read: the options every command shares and
 * the helpers the command files (main.c, cmd_save.c) use to open bundles and print.
 *
 * Exit codes: 0 success; 1 the bundle is damaged or an entry failed; 2 usage; 3 not
 * genuine; 4 I/O error outside the bundle (man satchel-read, EXIT STATUS).
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>
#include <stdio.h>

#include "reader_keys.h"
#include "sat_bundle.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE 2
#define EXIT_FORGED 3
#define EXIT_IO 4

/* Options shared by every command. */
typedef struct cli_opts {
    rk_set keys;
    int json, deep, force, width, width_given;
    long limit; /* search: hits to show, 0 = all */
    const char *kind, *lang, *since, *section, *to;
    const char *parity, *out; /* repair: --parity FILE, -o OUT */
} cli_opts;

/* The program's name in messages ("satchel-read"). */
extern const char *const cli_prog;

/* Set when signed content turned out to break the format (the command then exits 3). */
extern int cli_forged_seen;

/* Prints "PROG: msg" and the --help hint to stderr. Returns EXIT_USAGE. */
int cli_die_usage(const char *msg);

/* Prints untrusted text s (NULL: nothing) to f, sanitised (sat_text_sanitize). */
void cli_put_safe(FILE *f, const char *s);

/* Prints s as a JSON string to f ("null" for NULL). */
void cli_put_json(FILE *f, const char *s);

/* The exit status for a library error code: EXIT_FORGED for a bad signature, an untrusted
 * key, a format or limit violation; EXIT_DAMAGED otherwise. */
int cli_exit_for(int code);

/* Opens and verifies the bundle at path with o's keys. Returns 0, or prints why not
 * ("NOT VERIFIED: ...") and returns the exit status. */
int cli_open_bundle(const char *path, cli_opts *o, sat_bundle **b);

/* A sat_progress_fn: "PROG: stage NN%" on stderr, at most once a second, only when stderr
 * is a terminal; the line is cleared at the end. */
void cli_progress(void *ctx, const char *stage, uint64_t done, uint64_t total);

/* extract BUNDLE --to DIR [ID...]: writes the named entries (all without ids) that verify
 * into o->to, refusing to overwrite unless o->force. Returns the exit status. */
int cli_extract(const char *path, char **ids, int nids, cli_opts *o);

/* salvage BUNDLE --to DIR: writes every entry that still verifies out of a damaged bundle
 * (media found through the root's M lines too) and reports the rest. Returns the exit
 * status. */
int cli_salvage(const char *path, cli_opts *o);

#endif
