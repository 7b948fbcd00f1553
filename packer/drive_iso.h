/*
 * drive_iso.h - `satchel-pack iso`: the drive layout (drive_plan.h) as an ISO 9660 image
 * with Joliet and Rock Ridge, written through libarchive's ISO writer and proven by
 * reading the finished image back with libarchive's ISO reader.
 *
 *   dp_build_drive(p, &drive_opts, &err);        the same plan `stage` writes
 *   di_label(title, label);                      a volume id ISO 9660 accepts
 *   di_write(p, "disc.iso", &opts, &err);        temp name, fsync, read-back, rename
 *
 * The image uses ISO level 3 (a file over 4 GiB is stored in several extents, so a large
 * bundle still goes on a DVD), Rock Ridge (names as planned, modes: 0755 for the readers)
 * and Joliet (the same names for Windows); no zisofs (a reader must not need it). Every
 * file and folder carries one fixed time. libarchive stamps the volume descriptors with
 * the time of writing, so two images of one plan differ in those dates only.
 */
#ifndef DRIVE_ISO_H
#define DRIVE_ISO_H

#include "drive_plan.h"
#include "sat_bundle.h"
#include "sat_err.h"

/* An ISO 9660 volume id: at most 32 d-characters (A-Z, 0-9, _). */
#define DI_LABEL_MAX 32
#define DI_LABEL_DEFAULT "SATCHEL"

/* Makes a volume id of `in` (a title, UTF-8): ASCII letters upper-cased, every other
 * character (a Korean syllable, a space, punctuation) becomes '_', runs of '_' fold into
 * one and none is left at either end, cut at DI_LABEL_MAX; a result with no letter or digit
 * (a Korean-only title) gives DI_LABEL_DEFAULT, as does NULL or "". Returns 1 when the
 * label differs from `in` (the caller says so), else 0. */
int di_label(const char *in, char out[DI_LABEL_MAX + 1]);

typedef struct di_opts {
    const char *label;        /* the volume id, as di_label makes it */
    long long mtime;          /* every file's and folder's time, seconds since 1970 */
    int force;                /* replace an existing image */
    sat_progress_fn progress; /* "writing" / "reading back": bytes done of the total */
    void *progress_ctx;
} di_opts;

/* Writes every item of the plan into an image at out_path: first under a temporary name
 * in the same folder (libarchive itself keeps a temporary copy of the data in $TMPDIR,
 * /tmp by default), fsync, then di_readback, then rename. An item's bytes are hashed as
 * they are written; an item not hashed yet gets its hash set, one whose source changed
 * since it was planned fails. Returns 0; SAT_E_EXISTS when out_path exists and !force;
 * SAT_E_HASH when the image read back differs from the plan (no image is left);
 * SAT_E_IO, SAT_E_NOMEM, SAT_E_ARG otherwise, with a message naming the file. */
int di_write(dp_plan *p, const char *out_path, const di_opts *o, sat_err *err);

/* Reads the image at path with libarchive's ISO 9660 reader (names and modes from Rock
 * Ridge) and compares it with the plan, whose items must all be hashed: every planned file
 * present once with its size, mode and BLAKE2b-256; no file or folder the plan does not
 * imply; nothing but files and folders. Returns 0; SAT_E_HASH with a message counting
 * what differs and naming the first files; SAT_E_FORMAT or SAT_E_IO when the image cannot
 * be read; SAT_E_ARG for an unhashed item. `fn` sees "reading back" bytes of the total. */
int di_readback(const char *path, const dp_plan *p, sat_progress_fn fn, void *ctx,
                sat_err *err);

#endif
