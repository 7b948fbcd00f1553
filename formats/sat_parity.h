/*
 * sat_parity.h - recovery data for a bundle: the parity file NAME.satchel.parity beside
 * it (formats/SPEC.md, "Recovery data (parity files)"), made with the Reed-Solomon code of
 * sat_rs.h, and the repair that uses it.
 *
 * Writing (packer), after the bundle is finished:
 *   sat_parity_write("x.satchel", 5, "x.satchel.parity", progress, ctx, &err);
 *
 * Repairing (reader): the parity file is on the same damaged medium and untrusted; every
 * block of it is self-checked and its tables are stored three times. What repair writes
 * must still be verified as a bundle (signature and hashes) before anyone trusts it.
 *   sat_parity *p; sat_parity_open("x.satchel.parity", &p, &err);
 *   sat_parity_repair(p, "x.satchel", out_fd, &report, progress, ctx, &err);
 *   sat_parity_close(p);
 */
#ifndef SAT_PARITY_H
#define SAT_PARITY_H

#include <stdint.h>

#include "sat_bundle.h"
#include "sat_err.h"

/* File name suffix of a parity file ("x.satchel" -> "x.satchel.parity"). */
#define SAT_PARITY_SUFFIX ".parity"
/* Percent range: the share of a stripe's data sectors that can be lost and rebuilt. */
#define SAT_PARITY_PERCENT_MIN 1u
#define SAT_PARITY_PERCENT_MAX 50u
/* Largest protected file (1 TiB) and so the largest parity file we read. */
#define SAT_PARITY_PROTECT_MAX ((uint64_t)1 << 40)
/* Most data sectors in one stripe (sector s of the file belongs to stripe s mod S). */
#define SAT_PARITY_STRIPE_MAX 1024u
/* Memory for the parity or syndrome sectors held at once (more: several passes). */
#define SAT_PARITY_MEM_DEFAULT ((uint64_t)64 << 20)

/* The exact size in bytes of the parity file for a file of bundle_size bytes at percent;
 * 0 when bundle_size is 0 or above SAT_PARITY_PROTECT_MAX, or percent is out of range. */
uint64_t sat_parity_size(uint64_t bundle_size, unsigned percent);

/* Writes the parity file for bundle_path to out_path (temporary name in the same folder,
 * fsync, rename; an existing out_path is replaced). fn (may be NULL) gets the stage
 * "parity" with bytes done and total. Returns 0; SAT_E_ARG for a percent out of range;
 * SAT_E_LIMIT for an empty or too large bundle; SAT_E_IO; SAT_E_NOMEM. On failure nothing
 * is left under out_path or the temporary name. */
int sat_parity_write(const char *bundle_path, unsigned percent, const char *out_path,
                     sat_progress_fn fn, void *ctx, sat_err *err);

/* The same with a memory budget (bytes of sectors held at once; smaller means more passes
 * over the bundle). For tests. */
int sat_parity_write_mem(const char *bundle_path, unsigned percent, const char *out_path,
                         uint64_t mem, sat_progress_fn fn, void *ctx, sat_err *err);

typedef struct sat_parity sat_parity;

/* What a parity file says about the file it protects, and what its own damage is. */
typedef struct sat_parity_info {
    uint64_t size;           /* size of the protected file */
    uint8_t hash[32];        /* its BLAKE2b-256 */
    unsigned percent;
    uint64_t data_sectors;   /* N */
    uint64_t parity_sectors; /* M = stripes x stripe_parity */
    uint32_t stripes, stripe_data, stripe_parity; /* S, most data sectors per stripe, m */
    uint32_t table_blocks;      /* check-value blocks (each stored three times) */
    uint32_t table_blocks_lost; /* of them, with no good copy: their sectors count as lost */
    uint32_t header_copies_bad; /* header copies that were damaged (0..2; all 3: no file) */
    uint64_t parity_bad;        /* parity sectors damaged or missing */
    uint64_t file_size;         /* size of the parity file as found */
} sat_parity_info;

/* Opens a parity file: finds a good header copy, loads the check-value tables (a good copy
 * of each block) and checks every parity sector against them. Everything is bounded by
 * the named maxima and the file's real size. Returns 0; SAT_E_FORMAT when no header copy
 * is usable (not a parity file, or all copies damaged); SAT_E_IO; SAT_E_NOMEM. */
int sat_parity_open(const char *path, sat_parity **out, sat_err *err);
void sat_parity_close(sat_parity *p);
void sat_parity_get_info(const sat_parity *p, sat_parity_info *info);

/* What a repair found and did. */
typedef struct sat_parity_report {
    uint64_t damaged_size;  /* size of the damaged copy read */
    uint64_t data_bad;      /* its sectors that failed their check or were missing */
    uint64_t parity_bad;    /* parity sectors unusable */
    uint64_t rebuilt;       /* data sectors rebuilt (data_bad when the repair succeeded) */
    uint32_t worst_lost;    /* most sectors (data + parity) lost in one stripe */
    uint32_t stripes_lost;  /* stripes with more lost than their parity covers */
} sat_parity_report;

/* Repairs the copy at bundle_path with p: checks every sector, rebuilds the bad ones and
 * writes the whole repaired file (exactly info.size bytes) to out_fd, an empty file the
 * caller created, then fsyncs it and reads it back to check its BLAKE2b-256 against the
 * parity file's. rep (may be NULL) is filled in either case. Returns 0; SAT_E_LIMIT when
 * the damage exceeds what the parity covers (checked before anything is written; the
 * message says how much was damaged and how much the parity covers); SAT_E_HASH when the
 * rebuilt bytes do not match (a forged or mismatched parity file); SAT_E_IO; SAT_E_NOMEM.
 * On failure the caller removes what out_fd names. */
int sat_parity_repair(sat_parity *p, const char *bundle_path, int out_fd,
                      sat_parity_report *rep, sat_progress_fn fn, void *ctx, sat_err *err);

/* The same with a memory budget for the syndrome sectors (see sat_parity_write_mem). */
int sat_parity_repair_mem(sat_parity *p, const char *bundle_path, int out_fd, uint64_t mem,
                          sat_parity_report *rep, sat_progress_fn fn, void *ctx, sat_err *err);

#endif
