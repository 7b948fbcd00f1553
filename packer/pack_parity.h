/*
 * pack_parity.h - recovery data from satchel-pack: `build --parity PERCENT` and the
 * `parity` command (adds a parity file to an existing bundle). The format and the code
 * are in formats/sat_parity.h.
 */
#ifndef PACK_PARITY_H
#define PACK_PARITY_H

/* Parses a percent "1".."50" (an optional trailing '%'). Returns 0 or -1. */
int pack_parity_percent(const char *s, unsigned *out);

/* Writes the parity file of bundle (out NULL: bundle + ".parity") and prints a line on
 * stdout (unless quiet), progress on stderr when it is a terminal (unless quiet). Returns 0,
 * or 1 after printing why on stderr. */
int pack_parity_make(const char *bundle, unsigned percent, const char *out, int quiet);

/* satchel-pack parity BUNDLE --percent P [-o FILE] [--quiet]. Returns the exit status. */
int pack_cmd_parity(int argc, char **argv);

#endif
