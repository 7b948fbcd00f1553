/*
 * pack_volumes.h - build --max-size / --media: a collection split into volumes, each a
 * complete signed bundle that fits its medium (SPEC 4.3 for the collection line).
 *
 *   pv_opts po = {0}; pv_medium_named("dvd", &po.medium);
 *   pv_result res; pv_build(src, &wo, sk, "news.satchel", &po, &res, &err);
 *   ... res.single: one plain bundle at "news.satchel"; else res.v[0..n) news-1.satchel ...
 *   pv_result_free(&res);
 *
 * Order: entries are kept with their attachments (an article with its images, a
 * transcript with its audio: every entry joined to its parent chain) and these groups go
 * into volumes newest first (by the latest date in the group; undated last; then by id),
 * so that a recipient holding only volume 1 has the latest news.
 */
#ifndef PACK_VOLUMES_H
#define PACK_VOLUMES_H

#include <stddef.h>
#include <stdint.h>

#include "pack_input.h"
#include "pack_medium.h"
#include "sat_bundle.h"

typedef struct pv_opts {
    pv_medium medium;
    unsigned parity; /* percent of parity data counted per volume, 0: none */
    int quiet;       /* no progress lines on stderr */
} pv_opts;

typedef struct pv_volume {
    char *path;         /* final file name */
    uint64_t bytes;     /* bundle file size */
    uint64_t footprint; /* what it takes on the medium (pv_footprint) */
    size_t entries;
    sat_writer_stats st;
} pv_volume;

typedef struct pv_result {
    pv_volume *v;
    size_t n;
    int single;      /* everything fitted in one plain bundle (no collection line) */
    uint64_t budget; /* largest volume file size (pv_budget) */
    uint8_t collection[SAT_COLLECTION_ID_BYTES];
} pv_result;

/* Adds the source's docs and media to w: all of them (take NULL), or item i where take[i]
 * is nonzero (items: docs 0..n_docs, then media). On error err names the source file. */
int pack_add_source(sat_writer *w, const pack_source *src, const unsigned char *take,
                    sat_err *err);

/* Writes the collection: one plain bundle at out when it fits within the budget, else
 * volumes named from out (news.satchel: news-1.satchel ... news-M.satchel, zero-padded to
 * the width of M). Each volume is measured after writing; one over the budget is written
 * again with fewer groups. Everything is written under temporary names first and renamed
 * at the end: on failure nothing is left. Errors: SAT_E_LIMIT when one group alone is
 * larger than the budget (named), or more than 999 volumes would be needed; the writer's. */
int pv_build(const pack_source *src, const sat_writer_opts *wo, const sat_seckey *sk,
             const char *out, const pv_opts *po, pv_result *res, sat_err *err);

/* Prints the volumes as JSON on stdout (build --json). */
void pv_print_json(const pv_result *res, const pv_opts *po, const char *fingerprint);

void pv_result_free(pv_result *res);

#endif
