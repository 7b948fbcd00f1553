/*
 * cmd_volumes.h - the reader's view of volumes (SPEC 4.3): what info prints about a
 * bundle's collection line, and `satchel-read volumes PATH...`, which verifies every
 * bundle it is given (files, or the .satchel files of folders), groups them by collection
 * and says which volumes are present, missing, damaged or not genuine.
 */
#ifndef CMD_VOLUMES_H
#define CMD_VOLUMES_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "sat_collection.h"

/* "Volume:      N of M, collection <hex>\n" for info (a single bundle: ""). Returns buf. */
const char *vol_line(const sat_collection *c, char *buf, size_t size);

/* Writes the JSON members "collection": "<hex>", "volume": N, "volumes": M (nulls for a
 * single bundle), without braces or a leading comma. */
void vol_put_json(FILE *f, const sat_collection *c);

/* volumes PATH...: verifies each bundle (every byte, as verify does) and reports each
 * collection's present, missing and damaged volumes (o->json: one JSON object). Returns
 * 0 when every volume of every collection seen is present and intact, EXIT_DAMAGED when
 * one is missing or damaged (or a path cannot be read), EXIT_FORGED when a bundle is not
 * genuine. */
int cli_volumes(char **paths, int n, cli_opts *o);

#endif
