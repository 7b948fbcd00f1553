/*
 * drive_plan.h - what goes onto a USB drive or a DVD image: one list of files, each with its
 * place on the medium, where its bytes come from, and their BLAKE2b-256 hash; every path
 * checked against what FAT32, exFAT and ISO 9660 (with Joliet and Rock Ridge) all accept.
 *
 * `satchel-pack stage` writes a plan to a mounted drive (drive_stage.c) and `satchel-pack iso`
 * writes the same plan into an ISO image (drive_iso.c), so both media carry the same layout:
 *
 *   dp_plan *p; dp_create(&p, &err);
 *   dp_build_drive(p, &opts, &err);     // bundles, readers, key, README, web export
 *   for (i = 0; i < dp_count(p); i++) { const dp_item *it = dp_item_at(p, i); ... }
 *   dp_free(p);
 *
 * Layout of a drive (section "Drive layout" of README.md):
 *   README.txt                          Korean first, then English: what to open first
 *   CHECKSUMS.b2                        `b2sum -l 256` lines for every other file
 *   satchel/NAME.satchel                the bundles (volumes), names as given
 *   satchel/NAME.satchel.parity         recovery data, when it lies beside the bundle
 *   reader/linux-x86_64/satchel-read    static reader executables, placed by ELF machine
 *   reader/linux-x86/satchel-read
 *   key/publisher.pub                   the signer's public key (minisign format)
 *   key/fingerprint.txt                 key id and fingerprint, as the reader shows them
 *   web/NAME/index.html                 the web export of each bundle (when asked)
 */
#ifndef DRIVE_PLAN_H
#define DRIVE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "sat_bundle.h"
#include "sat_err.h"
#include "sat_sig.h"

/* Path rules (dp_check_path): '/'-separated relative path of at most 8 components and 239
 * bytes (libarchive's Joliet writer refuses a full path of 240 or more); each component 1..64 bytes of [A-Za-z0-9._-], not starting with '.' or '-', not
 * ending with '.', not a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with or
 * without an extension); no two paths equal ignoring ASCII case (FAT, exFAT and Joliet fold
 * case), and no folder spelled in two cases ("A/x" and "a/y"). */
#define DP_MAX_DEPTH 8
#define DP_MAX_PATH 239
#define DP_MAX_NAME 64
/* The largest file FAT32 can hold. */
#define DP_FAT32_MAX_FILE 4294967295ULL

enum dp_kind {
    DP_FILE = 0,   /* any file */
    DP_BUNDLE = 1, /* a bundle: after read-back it is also opened and fully verified */
    DP_PARITY = 2  /* recovery data of a bundle */
};

typedef struct dp_item {
    char *path;                 /* place on the medium, e.g. "satchel/news.satchel" */
    char *src;                  /* file the bytes come from, or NULL when data is set */
    unsigned char *data;        /* bytes held in memory (README, key), or NULL */
    uint64_t size;              /* bytes */
    unsigned mode;              /* 0644, or 0755 for executables */
    int kind;                   /* enum dp_kind */
    int hashed;                 /* hash below is set */
    unsigned char hash[32];     /* BLAKE2b-256 of the content */
} dp_item;

typedef struct dp_plan dp_plan;

/* A new empty plan. Returns 0, or SAT_E_NOMEM. */
int dp_create(dp_plan **out, sat_err *err);
/* Frees the plan and every item; NULL is fine. */
void dp_free(dp_plan *p);

/* Returns 0 when `path` obeys the path rules above, else SAT_E_ARG with a message naming the
 * path and the rule it breaks. */
int dp_check_path(const char *path, sat_err *err);

/* Adds the regular file `src` (not a symlink: refused) as `path`; size taken from the file.
 * Refuses a path that breaks the rules or clashes (ignoring case) with one already in the
 * plan, or with a folder the plan implies. */
int dp_add_file(dp_plan *p, const char *path, const char *src, unsigned mode, int kind,
                sat_err *err);
/* Adds `len` bytes (copied) as `path`, hashed at once. Same checks. */
int dp_add_mem(dp_plan *p, const char *path, const void *data, size_t len, unsigned mode,
               sat_err *err);
/* Adds every regular file under the folder `dir` as `prefix`/relative path. A symlink, a
 * device or a name that breaks the rules is refused. */
int dp_add_tree(dp_plan *p, const char *prefix, const char *dir, sat_err *err);

/* Items in path order (bytewise); folders are implied by the paths. */
size_t dp_count(const dp_plan *p);
const dp_item *dp_item_at(const dp_plan *p, size_t i);
dp_item *dp_item_mut(dp_plan *p, size_t i);
/* Sum of the item sizes. */
uint64_t dp_total_size(const dp_plan *p);

/* What dp_build_drive puts on the drive. */
typedef struct dp_drive_opts {
    const char *const *bundles; /* bundle files; NAME.parity beside one is taken too */
    size_t nbundles;
    const char *pubkey_path;    /* the publisher's key: every bundle must verify against it */
    const char *const *readers; /* reader executables; each must be a static ELF */
    size_t nreaders;
    int export_html;            /* also write web/NAME/ for each bundle */
    const char *lang;           /* interface language of the export: "ko" (default) or "en" */
    const char *tmpdir;         /* where the export is built before it is planned */
    /* added by stage (after the first version of this header): */
    int no_reader;              /* no readers given and none beside this program: fine */
    sat_progress_fn progress;   /* verification progress of each bundle, or NULL */
    void *progress_ctx;
    uint64_t max_file;          /* largest file the medium holds (DP_FAT32_MAX_FILE), 0: any */
} dp_drive_opts;

/* Returns 0 when a file of `size` bytes fits a medium whose largest file is `max` (0: no
 * limit), else SAT_E_LIMIT with a message naming `path` (FAT32 when max is
 * DP_FAT32_MAX_FILE) and what to do. */
int dp_check_size(const char *path, uint64_t size, uint64_t max, sat_err *err);

/* Opens the bundle at path against key alone and verifies every byte of it (deep).
 * Returns 0, or a negative SAT_E_* code with a message naming the file (SAT_E_UNTRUSTED:
 * signed by another key; SAT_E_HASH: damaged). */
int dp_verify_bundle(const char *path, const sat_pubkey *key, sat_progress_fn fn, void *ctx,
                     sat_err *err);

/* Hands the folder dir (a temporary folder whose files the plan refers to, e.g. a web
 * export) to the plan: dp_free removes it and everything in it. Returns 0 or SAT_E_NOMEM
 * (the folder is then not owned). */
int dp_own_tmpdir(dp_plan *p, const char *dir, sat_err *err);

/* 1 when the plan holds a file with exactly this path, else 0. */
int dp_has_path(const dp_plan *p, const char *path);

/* Fills the plan with the drive layout above. When no reader is given, the static reader
 * beside this program (satchel-read-static in the folder of /proc/self/exe) is taken;
 * when there is none either, SAT_E_ARG unless no_reader. The last items planned are
 * README.txt and CHECKSUMS.b2: every item is hashed first (its size must not change). Returns 0, or a negative SAT_E_* code with a
 * message (a bundle that does not verify against the key, a dynamic reader, a bad name). */
int dp_build_drive(dp_plan *p, const dp_drive_opts *o, sat_err *err);

#endif
