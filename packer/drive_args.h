/*
 * drive_args.h - the command-line options `satchel-pack stage` and `satchel-pack iso`
 * share (what goes on the medium), parsed once for both, and their JSON strings.
 *
 *   default: if ((why = drive_args_take(&dopt, readers, c, optarg)) != NULL) usage(why);
 *   why = drive_args_finish(&dopt, readers, argc, argv, optind);
 */
#ifndef DRIVE_ARGS_H
#define DRIVE_ARGS_H

#include <stdio.h>

#include "drive_plan.h"

/* The most --reader options (one per machine type, and some room). */
#define DRIVE_READERS_MAX 8
/* getopt letters of the shared options, for the command's option string. */
#define DRIVE_ARGS_GETOPT "r:NEl:"

/* Takes one getopt result c: 'r' --reader FILE (into readers, which holds
 * DRIVE_READERS_MAX), 'N' --no-reader, 'E' --export-html, 'l' --lang ko|en. Returns NULL
 * when taken, else the usage message (a bad value, or "unknown option" for any other c). */
const char *drive_args_take(dp_drive_opts *o, const char **readers, int c, const char *arg);

/* After the options: the bundles are argv[first..argc-1], the readers those taken. Returns
 * NULL, or a usage message (no bundle, --lang without --export-html, --reader with
 * --no-reader). */
const char *drive_args_finish(dp_drive_opts *o, const char **readers, int argc, char **argv,
                              int first);

/* Prints "satchel-pack: CMD: MSG" and the --help hint on stderr; returns 2 (usage). */
int drive_usage(const char *cmd, const char *msg);

/* Progress on stderr for a sat_progress_fn: "satchel-pack: LABELstage NN% (x of y MB)",
 * at most once a second and always the last step; nothing when !on. */
typedef struct drive_progress {
    int on;
    const char *label; /* before the stage name, e.g. "checking bundles: ", or NULL */
    long long last;
    int ended; /* the last step was printed as ended: print it once */
} drive_progress;
void drive_progress_fn(void *ctx, const char *stage, uint64_t done, uint64_t total);

/* Writes s as a JSON string (quotes and escapes), or null for NULL, to f. */
void drive_json_str(FILE *f, const char *s);

#endif
