/*
 * pack_archive.h - reads an archive given to `satchel-pack build --from FILE` (zip, tar,
 * tar.gz/bz2/xz/zst, 7z; whatever libarchive recognises) into memory, without writing
 * anything to disk. Only regular files are taken; every name is sanitised and checked.
 *
 * Call sequence:
 *   pack_archive *a = NULL;
 *   pack_archive_read(path, NULL, skip_bad, &a, &err);  // NULL: default limits
 *   a->files[i]: relpath (sanitised, unique, sorted bytewise), data, len
 *   a->skipped[i]: entries refused with skip_bad ("archive.zip: entry 'x': why")
 *   pack_archive_free(a);
 *
 * Names: "./" prefixes, repeated "/" and a trailing "/" are removed; a backslash (zip
 * files made on Windows) is a folder separator; names must be valid UTF-8 without
 * control characters (or bidi controls), at most PACK_ARCHIVE_NAME_MAX bytes and
 * PACK_ARCHIVE_DEPTH_MAX levels. An absolute name (also "C:\...") or a ".." component
 * is path traversal: the entry is refused. Hidden files (a component starting with '.')
 * and "__MACOSX/" are ignored, like hidden files in a folder. Symbolic and hard links,
 * devices and FIFOs are refused. Two entries with the same sanitised name: the second is
 * refused; so is a file whose name is a folder of another file ("a" and "a/b").
 * Formats: tar (all variants), zip, 7z; filters gzip, bzip2, xz, lzma, zstd. Not
 * mtree (it names files on disk), not "raw", not an empty file.
 */
#ifndef PACK_ARCHIVE_H
#define PACK_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "pack_input.h"
#include "sat_err.h"

/* Default limits: a zip bomb stops at one of them with a clear error. */
#define PACK_ARCHIVE_ENTRY_MAX PACK_INPUT_MAX          /* bytes of one member */
#define PACK_ARCHIVE_TOTAL_MAX ((uint64_t)4 << 30)     /* bytes of all members (those passed
                                                          over: their claimed size) */
#define PACK_ARCHIVE_FILES_MAX 100000                  /* members (any type) */
#define PACK_ARCHIVE_NAME_MAX 1024                     /* bytes of a member name */
#define PACK_ARCHIVE_DEPTH_MAX 64                      /* folder levels of a name */

typedef struct pack_archive_limits {
    size_t entry_max;
    uint64_t total_max;
    size_t files_max;
} pack_archive_limits;

typedef struct pack_archive_file {
    char *relpath; /* sanitised */
    char *data;    /* malloc'd, NUL-terminated after len bytes */
    size_t len;
} pack_archive_file;

typedef struct pack_archive {
    pack_archive_file *files;
    size_t n_files;
    pack_skip *skipped; /* relpath = sanitised or raw entry name, reason = message */
    size_t n_skipped;
    char **notes;       /* libarchive warnings on entries read anyway ("path: entry 'x':
                           libarchive warning: ..."), at most PACK_ARCHIVE_NOTES_MAX + 1 */
    size_t n_notes;
} pack_archive;

/* Most warnings kept in notes[]; one more note counts the rest. */
#define PACK_ARCHIVE_NOTES_MAX 20

/* Reads the archive at path. Limits NULL: the defaults above. Without skip_bad the first
 * bad entry fails the read ("path: entry 'NAME': reason"); with it the entry is recorded
 * in skipped[] and reading goes on. Exceeding a limit, a damaged or unreadable archive
 * and out of memory always fail. Returns 0 or a negative SAT_E_* with err set. */
int pack_archive_read(const char *path, const pack_archive_limits *lim, int skip_bad,
                      pack_archive **out, sat_err *err);

/* The same for an archive held in memory, data[0..len) (the fuzz target and tests);
 * name stands for the path in messages. */
int pack_archive_read_memory(const char *name, const void *data, size_t len,
                             const pack_archive_limits *lim, int skip_bad, pack_archive **out,
                             sat_err *err);

/* Sanitises a relative path by the rules under "Names" above (also used for the paths in
 * satchel.conf) into out (capacity PACK_ARCHIVE_NAME_MAX + 1). Returns 0 for a usable
 * name, 1 for a name to ignore (hidden, __MACOSX; out holds it cleaned), or -1 with *why
 * set to a static reason ("'..' in the path (path traversal): refused"). */
int pack_archive_name_clean(const char *name, char *out, const char **why);

/* Frees everything. Accepts NULL. */
void pack_archive_free(pack_archive *a);

#endif
