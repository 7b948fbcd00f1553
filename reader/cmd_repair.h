/*
 * cmd_repair.h - satchel-read repair: rebuilds a damaged bundle from its parity file
 * (formats/sat_parity.h) and verifies the result before it appears under its name.
 */
#ifndef CMD_REPAIR_H
#define CMD_REPAIR_H

#include "cli.h"

/* repair BUNDLE [--parity FILE] -o OUT [--force] [--json]: reads BUNDLE and its parity file
 * (default BUNDLE.parity), rebuilds the damaged sectors into a temporary file beside OUT,
 * checks it deeply (signature and every hash) and only then renames it to OUT (never over
 * BUNDLE; over an existing OUT only with --force). Returns the exit status: 0 repaired and
 * genuine; 1 cannot be repaired (nothing written); 3 the result is not genuine (nothing
 * written); 4 cannot read the parity file or write OUT; 2 usage. */
int cli_repair(const char *path, cli_opts *o);

#endif
