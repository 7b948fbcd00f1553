/*
 * entry_save.h - writing one verified entry into a folder the user chose (extract,
 * salvage, and saving an attachment from the terminal interface).
 *
 *   int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
 *   rc = es_write_entry(b, dirfd, e, force, &err);    0, SAT_E_HASH, SAT_E_FORMAT,
 *                                                     SAT_E_IO or SAT_E_EXISTS
 *
 * Every write goes beneath dirfd with openat: a temporary name created O_EXCL |
 * O_NOFOLLOW, the content hash-checked while copied, fsync, then a rename to the
 * final name. Nothing half-written is left behind.
 */
#ifndef ENTRY_SAVE_H
#define ENTRY_SAVE_H

#include <stddef.h>

#include "sat_bundle.h"
#include "sat_err.h"

/* The file name an entry is written under: its id, with ".gmi" for text entries.
 * out must hold SAT_ID_MAX + 8 bytes. */
void es_file_name(const sat_mentry *e, char *out, size_t cap);

/* Writes one entry into dirfd as es_file_name(e). A name that is taken is refused
 * (SAT_E_EXISTS) unless force, and even then only a regular file or a symlink (the
 * link itself) is replaced. Returns 0, SAT_E_HASH (the entry is damaged), SAT_E_FORMAT
 * (signed content that breaks the format), SAT_E_IO (cannot write: full disk, ...) or
 * SAT_E_EXISTS; err says why. On any failure the temporary file is removed. */
int es_write_entry(sat_bundle *b, int dirfd, const sat_mentry *e, int force, sat_err *err);

#endif
