/*
 * pack_parity.h - recovery data from satchel-pack: `build --parity PERCENT` and the
 * `parity` command (adds a parity file to an existing bundle). The format and the code
 * are in formats/sat_parity.h.
 */
#ifndef PACK_PARITY_H
#define PACK_PARITY_H

/* Parses a percent "1".."50" (an optional trailing '%'). Returns 0 or -1. */
int pack_parity_percent(const char *s, unsigned *out);

/* What pack_parity_make prints besides errors. */
#define PACK_PARITY_PROGRESS 1 /* progress on stderr when it is a terminal */
#define PACK_PARITY_SUMMARY 2  /* the pack_parity_print line on stdout */

/* Writes the parity file of bundle (out NULL: bundle + ".parity"), printing what flags ask
 * for. Returns 0, or 1 after printing why on stderr. */
int pack_parity_make(const char *bundle, unsigned percent, const char *out, int flags);

/* Prints the line pack_parity_make prints: the parity file, its size and share. */
void pack_parity_print(const char *bundle, unsigned percent, const char *parity_path);

/* satchel-pack parity BUNDLE --percent P [-o FILE] [--quiet]. Returns the exit status. */
int pack_cmd_parity(int argc, char **argv);

#endif
