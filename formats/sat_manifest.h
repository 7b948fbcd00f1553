/*
 * sat_manifest.h - the bundle manifest: canonical text, one strict form.
 *
 * The signed root manifest lists the bundle header, the dictionary, every
 * cluster and every index page; index pages hold the entries (E lines), a few
 * hundred each, so that finding one entry reads one small page, never the
 * whole index (formats/SPEC.md, "Manifest"). Both are canonical text: the
 * parsers accept exactly one byte representation.
 *
 *   sat_manifest *m = NULL;
 *   sat_manifest_parse(text, len, SAT_BUNDLE_MAX, &m, &err);  // the root
 *   size_t pi = sat_manifest_page_for(m, "id");                // which page
 *   sat_mpage *pg = NULL;
 *   sat_mpage_parse(m, pi, page_text, page_len, &pg, &err);
 *   const sat_mentry *e = sat_mpage_find(pg, "id");
 *   sat_mpage_free(pg); sat_manifest_free(m);
 */
#ifndef SAT_MANIFEST_H
#define SAT_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "sat_collection.h"
#include "sat_err.h"
#include "sat_meta.h"
#include "sat_text.h"

#define SAT_FORMAT_VERSION 5
/* A number macro as a string literal (SAT_STR(SAT_FORMAT_VERSION) is "5"). */
#define SAT_STR_(x) #x
#define SAT_STR(x) SAT_STR_(x)
#define SAT_HASH_BYTES 32
#define SAT_BUNDLE_ID_BYTES 16
/* Largest decompressed manifest accepted. */
#define SAT_MANIFEST_MAX ((uint64_t)256 << 20)
/* Most entries / clusters in one bundle. */
#define SAT_ENTRIES_MAX 2000000u
#define SAT_CLUSTERS_MAX 1000000u
/* Largest decompressed cluster, and so the largest text entry. */
#define SAT_CLUSTER_MAX ((uint64_t)16 << 20)
/* Largest dictionary. */
#define SAT_DICT_MAX ((uint64_t)1 << 20)
/* Largest media entry. */
#define SAT_MEDIA_MAX ((uint64_t)4 << 30)
/* Largest bundle file (offsets beyond are refused). */
#define SAT_BUNDLE_MAX ((uint64_t)1 << 40)
/* Longest manifest line. */
#define SAT_LINE_MAX 8192
/* Entries per index page written by the packer, and the most a reader accepts. */
#define SAT_PAGE_ENTRIES 256
#define SAT_PAGE_ENTRIES_MAX 4096
/* Most media members. */
#define SAT_MEDIA_COUNT_MAX 2000000u
/* Largest decompressed index page. */
#define SAT_PAGE_MAX ((uint64_t)8 << 20)
#define SAT_PAGES_MAX 100000u
/* Search index (SPEC 12): largest decompressed document table and term block, most term
 * blocks, most terms in one block. */
#define SAT_DOCTABLE_MAX ((uint64_t)32 << 20)
#define SAT_TBLOCK_MAX ((uint64_t)16 << 20)
#define SAT_TBLOCKS_MAX 1000000u
#define SAT_TBLOCK_TERMS_MAX 65536u
/* Longest term (the tokeniser's SAT_TOKEN_MAX; sat_index.c checks they agree). */
#define SAT_TERM_MAX 64
/* Unit value of a media entry (stored as its own tar member). */
#define SAT_UNIT_MEDIA UINT32_MAX

typedef struct sat_cluster {
    uint64_t offset; /* offset of the stored bytes, relative to the data start D (SPEC 2) */
    uint64_t size;   /* compressed (stored) size */
    uint64_t usize;  /* decompressed size */
    uint8_t hash[SAT_HASH_BYTES]; /* BLAKE2b-256 of the stored bytes */
    const char *id; /* media lines: the entry id (member media/<id>); NULL for clusters */
} sat_cluster;

/* One entry as the manifest records it. Strings point into the manifest
 * (NUL-terminated) and live as long as it; absent fields are NULL. */
typedef struct sat_mentry {
    const char *id;
    sat_kind kind;
    const char *parent;
    const char *date;
    const char *lang;
    const char *section;
    const char *source;
    const char *author;
    const char *tags;
    const char *title;
    uint32_t unit;   /* cluster index, or SAT_UNIT_MEDIA */
    uint64_t offset; /* within the decompressed cluster; for media the member's data offset
                        relative to D (the page stores the index of the root's M line) */
    uint64_t size;   /* content size */
    uint8_t hash[SAT_HASH_BYTES]; /* BLAKE2b-256 of the content */
} sat_mentry;

typedef struct sat_manifest_head {
    uint8_t bundle_id[SAT_BUNDLE_ID_BYTES];
    const char *title;
    const char *publisher;
    char created[21]; /* YYYY-MM-DDThh:mm:ssZ */
    uint64_t seq;
    sat_collection collection; /* volume N of M of a collection, or not present (SPEC 4.3) */
    uint64_t data_size; /* bytes from D to the tail copy's first header */
    int has_dict;
    uint64_t dict_offset, dict_size;
    uint8_t dict_hash[SAT_HASH_BYTES];
    /* the search index (SPEC 12): the document table and the term blocks; has_search 0 when
     * the bundle was packed without one */
    int has_search;
    uint64_t search_offset, search_size, search_usize, search_docs;
    uint8_t search_hash[SAT_HASH_BYTES];
    struct sat_page *search_blocks; /* term blocks, first_id = first term (writer: filled by
                                       the layout; parser: points into the manifest) */
    size_t n_search_blocks;
} sat_manifest_head;

/* One index page as the root lists it. */
typedef struct sat_page {
    uint64_t offset;              /* offset of the compressed page, relative to D */
    uint64_t size;                /* compressed size */
    uint64_t usize;               /* decompressed size */
    uint64_t first;               /* index of its first entry in the whole bundle (derived) */
    uint32_t count;               /* entries in it */
    const char *first_id;         /* id of its first entry (points into the root text) */
    uint8_t hash[SAT_HASH_BYTES]; /* BLAKE2b-256 of the stored bytes */
} sat_page;

/* The root manifest. */
typedef struct sat_manifest {
    int version;
    sat_manifest_head head;
    sat_cluster *clusters;
    size_t n_clusters;
    sat_cluster *media; /* media members: offset, size (= usize), hash; by offset */
    size_t n_media;
    sat_page *pages; /* ordered by first_id, strictly increasing */
    size_t n_pages;
    uint64_t n_entries; /* sum of the pages' counts */
    char *text;         /* owned copy of the text, fields split in place */
    size_t text_len;
} sat_manifest;

/* A parsed index page. */
typedef struct sat_mpage {
    sat_mentry *entries; /* sorted by id, strictly increasing */
    size_t n;
    char *text;
} sat_mpage;

/* Appends the canonical root manifest text to out (with head's search lines when
 * head->has_search). Returns 0 or SAT_E_NOMEM. */
int sat_manifest_render(sat_buf *out, const sat_manifest_head *head, const sat_cluster *clusters,
                        size_t n_clusters, const sat_cluster *media, size_t n_media,
                        const sat_page *pages, size_t n_pages, uint64_t n_entries, sat_err *err);

/* Appends the canonical E lines of entries metas[0..n) / locs[0..n) (sorted by id,
 * strictly, each valid) to out. Returns 0 or an error naming the entry. */
int sat_manifest_render_page(sat_buf *out, const sat_meta *metas, const sat_mentry *locs, size_t n,
                             sat_err *err);

/* Parses a root manifest strictly. max_data bounds the data region it may describe
 * (SAT_BUNDLE_MAX, or less). The parser also checks the layout: the units lie exactly where
 * the canonical tar layout puts them (dictionary, pages, clusters, media, each behind one
 * 512-byte header, padded to 512) and `data` is the end of the last one. On success *out owns
 * a copy of the text. Errors are SAT_E_FORMAT or SAT_E_LIMIT with the line number. */
int sat_manifest_parse(const char *text, size_t len, uint64_t max_data, sat_manifest **out,
                       sat_err *err);

/* Where the canonical layout puts the units of a bundle with these sizes: fills the offset
 * of the dictionary (if dict_size > 0), of each page, of the search index (when search is not
 * NULL and has_search: search_offset and each search block's offset), of each cluster and
 * media member (relative to D) and returns the data size. Used by the writer and checked by the parser. */
uint64_t sat_manifest_layout(uint64_t dict_size, uint64_t *dict_off, sat_page *pages,
                             size_t n_pages, sat_manifest_head *search, sat_cluster *clusters,
                             size_t n_clusters, sat_cluster *media, size_t n_media);

/* The index of the root's media line whose member starts at `off` (relative to D), or
 * SIZE_MAX. */
size_t sat_manifest_media_at(const sat_manifest *m, uint64_t off);

/* The page that holds `id` if the bundle has it (the last page whose first id is <= id),
 * or SIZE_MAX when id sorts before every page. */
size_t sat_manifest_page_for(const sat_manifest *m, const char *id);

/* The page holding the entry with bundle-wide index i (i < n_entries). */
size_t sat_manifest_page_of_index(const sat_manifest *m, uint64_t i);

/* Parses index page `pi` of m strictly: exactly count entries, the first id equal to the
 * root's, ids increasing and below the next page's first id, every text location inside
 * its cluster, every media entry naming one of the root's M lines with the same id, size
 * and hash. Takes a copy of the text. */
int sat_mpage_parse(const sat_manifest *m, size_t pi, const char *text, size_t len, sat_mpage **out,
                    sat_err *err);

/* sat_mpage_parse for the exact bytes sat_mpage_parse accepted before (the reader knows
 * them by their signed hash, checked again): the same page, faster, without repeating the
 * checks whose outcome cannot change (UTF-8 and controls, the fields' forms, id order).
 * The parsing itself stays bounded; bytes it cannot parse still give SAT_E_FORMAT. Never
 * call it on bytes that were not accepted by sat_mpage_parse. */
int sat_mpage_parse_again(const sat_manifest *m, size_t pi, const char *text, size_t len,
                          sat_mpage **out, sat_err *err);

/* The entry's metadata as a sat_meta whose strings are borrowed from e (never free it):
 * for sat_meta_check and renderers. */
sat_meta sat_mentry_meta(const sat_mentry *e);

/* Looks an entry up by id (binary search). NULL when absent. */
const sat_mentry *sat_mpage_find(const sat_mpage *pg, const char *id);

void sat_mpage_free(sat_mpage *pg);
void sat_manifest_free(sat_manifest *m);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void sat_hex(const uint8_t *in, size_t n, char *out);

#endif
