/*
 * sat_bundle.h - writing and reading Satchel bundles (formats/SPEC.md).
 *
 * Writing (packer):
 *   sat_writer *w; sat_writer_create(&opts, &w, &err);
 *   sat_writer_add_text(w, &meta, body, len, &err);    // articles, transcripts (gemtext)
 *   sat_writer_add_media(w, &meta, path, &err);        // images, audio (stored as is)
 *   sat_writer_finish(w, "out.satchel", seckey, &err); // temp file, fsync, rename
 *   sat_writer_free(w);
 *
 * Reading (reader): every path goes through sat_bundle_open, which checks the
 * manifest's signature against the trusted keys before parsing anything else.
 *   sat_bundle *b; sat_bundle_open(path, keys, nkeys, &b, &err);
 *   sat_bundle_find(b, "id", &entry, &err);            // or sat_bundle_entry(b, i, ...)
 *   sat_bundle_read(b, entry, &buf, &len, &err);       // hash-checked content
 *   sat_bundle_read_batch(b, reqs, n);                 // the same for many, on threads
 *   sat_bundle_verify(b, on_problem, ctx, &nbad, &err); // every hash in the bundle
 *   sat_bundle_close(b);
 */
#ifndef SAT_BUNDLE_H
#define SAT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"
#include "sat_manifest.h"
#include "sat_meta.h"
#include "sat_sig.h"

/* Tar member names (SPEC.md, "Layout"). */
#define SAT_MEMBER_SIG "satchel-manifest.zst.minisig"
#define SAT_MEMBER_MANIFEST "satchel-manifest.zst"
#define SAT_MEMBER_DICT "satchel-dict"
#define SAT_MEMBER_CLUSTER_FMT "clusters/%06zu.zst"
#define SAT_MEMBER_MEDIA_PREFIX "media/"
#define SAT_MEMBER_PAGE_FMT "index/%06zu.zst"
/* The search index: the document table and the term blocks (SPEC 12). */
#define SAT_MEMBER_SEARCH_DOCS "search/docs.zst"
#define SAT_MEMBER_SEARCH_FMT "search/%06zu.zst"
/* The tail copy: the same bytes as the signature and root manifest, at the end. */
#define SAT_MEMBER_MANIFEST_COPY "satchel-manifest-copy.zst"
#define SAT_MEMBER_SIG_COPY "satchel-manifest-copy.zst.minisig"
/* Data offset of the head root manifest: signature header + one signature block + header. */
#define SAT_MANIFEST_OFFSET 1536u
/* Trusted comment prefix (domain separation for the signed bytes). */
#define SAT_TC_PREFIX "satchel-bundle v5 "
/* Largest compressed manifest. */
#define SAT_MANIFEST_ZMAX ((uint64_t)128 << 20)
/* Largest entry sat_bundle_read returns in memory; larger media use sat_bundle_copy. */
#define SAT_READ_MAX ((uint64_t)64 << 20)
/* Default uncompressed cluster size target (SPEC.md, "Clusters"). */
#define SAT_CLUSTER_TARGET_DEFAULT ((size_t)1 << 20)
#define SAT_DICT_SIZE_DEFAULT ((size_t)112640)

typedef void (*sat_progress_fn)(void *ctx, const char *stage, uint64_t done, uint64_t total);

typedef struct sat_writer_opts {
    const char *title;     /* bundle title (required) */
    const char *publisher; /* may be NULL */
    const char *created;   /* "YYYY-MM-DDThh:mm:ssZ"; NULL = now */
    uint64_t seq;          /* sequence number, increases with each bundle of a channel */
    int level;             /* zstd level, 0 = 19 */
    size_t cluster_size;   /* 0 = SAT_CLUSTER_TARGET_DEFAULT */
    size_t dict_size; /* 0 = SAT_DICT_SIZE_DEFAULT; the dictionary is skipped for small input */
    int threads;      /* compression threads, 0 = 2 */
    int no_index;     /* 1: no search index (SPEC 12) */
    uint32_t volume;  /* 0: a single bundle; else volume 1..volumes of a collection whose id */
    uint32_t volumes; /* is derived from the key, created, seq, title, publisher (SPEC 4.3) */
    sat_progress_fn progress;
    void *progress_ctx;
} sat_writer_opts;

typedef struct sat_writer sat_writer;

int sat_writer_create(const sat_writer_opts *opts, sat_writer **out, sat_err *err);
/* Adds a text entry (kind article or transcript); copies meta and body. The body must be
 * valid UTF-8 gemtext. Duplicate ids are detected at finish. */
int sat_writer_add_text(sat_writer *w, const sat_meta *meta, const char *body, size_t len,
                        sat_err *err);
/* Adds a media entry (kind image or audio) from a file: size and hash are taken now and
 * checked again while the file is copied into the bundle. */
int sat_writer_add_media(sat_writer *w, const sat_meta *meta, const char *path, sat_err *err);
/* Adds a media entry from bytes in memory (a file read from an archive). The writer keeps
 * the pointer, not a copy: data must stay valid and unchanged until sat_writer_finish
 * returns. */
int sat_writer_add_media_buf(sat_writer *w, const sat_meta *meta, const void *data, size_t len,
                             sat_err *err);
/* Writes the bundle to out_path (temporary name in the same folder, fsync, rename).
 * On failure nothing is left under out_path or the temporary name. */
int sat_writer_finish(sat_writer *w, const char *out_path, const sat_seckey *sk, sat_err *err);
/* Summary numbers after finish. */
typedef struct sat_writer_stats {
    uint64_t n_text, n_media, n_clusters, n_pages;
    uint64_t text_bytes, compressed_bytes, dict_bytes, manifest_bytes, manifest_zbytes,
        index_zbytes, bundle_bytes;
    uint64_t search_zbytes;   /* stored bytes of the search index (document table + blocks) */
    uint64_t n_search_blocks, search_terms, search_postings;
} sat_writer_stats;
void sat_writer_get_stats(const sat_writer *w, sat_writer_stats *st);
void sat_writer_free(sat_writer *w);

typedef struct sat_bundle sat_bundle;

/* Opens a bundle: reads the signature member, locates the manifest through the
 * (then verified) trusted comment, verifies the signature against keys[0..nkeys),
 * decompresses the manifest within its signed size and parses it strictly.
 * Errors: SAT_E_IO, SAT_E_FORMAT (not a bundle / truncated), SAT_E_SIG,
 * SAT_E_UNTRUSTED, SAT_E_LIMIT. */
int sat_bundle_open(const char *path, const sat_pubkey *keys, size_t nkeys, sat_bundle **out,
                    sat_err *err);
void sat_bundle_close(sat_bundle *b);

const sat_manifest *sat_bundle_manifest(const sat_bundle *b);
/* The key that signed the bundle. */
const sat_pubkey *sat_bundle_signer(const sat_bundle *b);
/* The verified trusted comment. */
const char *sat_bundle_trusted_comment(const sat_bundle *b);
/* NULL, or why the head copy of the signature and manifest could not be used (the tail
 * copy at the end of the file was). */
const char *sat_bundle_head_problem(const sat_bundle *b);
/* D, the file offset the root's unit offsets count from (SPEC 2). */
uint64_t sat_bundle_data_start(const sat_bundle *b);
/* Size of the bundle file. */
uint64_t sat_bundle_file_size(const sat_bundle *b);

/* Number of entries. */
uint64_t sat_bundle_count(const sat_bundle *b);

/* The i-th entry in id order (loads and checks its index page on first use). *e stays
 * valid until sat_bundle_close. SAT_E_HASH when the index page is damaged. */
int sat_bundle_entry(sat_bundle *b, uint64_t i, const sat_mentry **e, sat_err *err);

/* Frees every index page loaded so far (they are loaded again on demand). Every
 * sat_mentry pointer obtained before becomes invalid. Lets a caller walk 100,000
 * entries in bounded memory. */
void sat_bundle_forget_pages(sat_bundle *b);

/* Frees the index pages asked for least recently (by sat_bundle_entry, sat_bundle_find,
 * sat_bundle_load_entries) until at most keep stay loaded. Every sat_mentry pointer into
 * a freed page becomes invalid: call it where none is held. */
void sat_bundle_trim_pages(sat_bundle *b, size_t keep);

/* Number of index pages loaded now (to decide when to forget them). */
size_t sat_bundle_pages_loaded(const sat_bundle *b);

/* The entry with this id: SAT_E_NOTFOUND when the bundle has none, SAT_E_HASH when its
 * index page is damaged. *e stays valid until sat_bundle_close. */
int sat_bundle_find(sat_bundle *b, const char *id, const sat_mentry **e, sat_err *err);

/* Reads one entry's content into a malloc'd buffer (NUL-terminated, not counted in
 * *len) after checking the cluster's stored hash (or the media hash) and the entry's
 * content hash. SAT_E_HASH when damaged, SAT_E_LIMIT for media above SAT_READ_MAX. */
int sat_bundle_read(sat_bundle *b, const sat_mentry *e, char **out, size_t *len, sat_err *err);

/* Most threads a batch read (sat_bundle_read_batch, sat_bundle_load_entries) uses. */
#define SAT_READ_THREADS_MAX 4

/* One entry of a batch read: e goes in, the rest comes out. */
typedef struct sat_bundle_req {
    const sat_mentry *e;
    char *text;  /* what sat_bundle_read gives: malloc'd, NUL-terminated, the caller frees it;
                    NULL on error */
    size_t len;
    int rc;      /* what sat_bundle_read returns for e */
    sat_err err; /* its message when rc != 0 */
} sat_bundle_req;

/* Reads req[0..n) with the outcome n calls of sat_bundle_read in this order would have
 * (the same texts, codes and messages, the same cluster kept afterwards), but reads,
 * hashes and decompresses distinct clusters on up to sat_bundle_threads(b) threads, each
 * with its own decoder and buffers. Entries grouped by cluster (and, within one, the
 * farthest first) are read with the fewest decodes. Worker buffers stay under 8 MiB per
 * batch (fewer threads for larger clusters). */
void sat_bundle_read_batch(sat_bundle *b, sat_bundle_req *req, size_t n);

/* Loads the index pages holding the entries idx[0..n) (indexes in id order, as for
 * sat_bundle_entry) that are not loaded yet, distinct pages on up to sat_bundle_threads(b)
 * threads. Afterwards sat_bundle_entry finds each page loaded, or returns the error
 * loading it gave, as if it had loaded it itself; a page that could not be tried (out of
 * memory) is left for sat_bundle_entry. Indexes out of range are ignored. */
void sat_bundle_load_entries(sat_bundle *b, const uint64_t *idx, size_t n);

/* Sets the threads batch reads use: 1 reads in the calling thread only (the sequential
 * path); 0, the default, as many as there are online CPUs, at most SAT_READ_THREADS_MAX. */
void sat_bundle_set_threads(sat_bundle *b, int n);

/* The threads batch reads use now (1..SAT_READ_THREADS_MAX). */
int sat_bundle_threads(sat_bundle *b);

/* Copies one entry's content to fd. The hash is checked at the end: on SAT_E_HASH the
 * caller must discard what was written. */
int sat_bundle_copy(sat_bundle *b, const sat_mentry *e, int fd, sat_err *err);

/* Checks one entry's stored bytes and content against their signed hashes without
 * keeping them (media are hashed in pieces). 0, SAT_E_HASH (damaged) or SAT_E_FORMAT. */
int sat_bundle_check(sat_bundle *b, const sat_mentry *e, sat_err *err);

/* Reads a unit of the data region (offset relative to D, stored size bytes), checks it
 * against its signed hash and decompresses it (one frame, no dictionary, exactly usize
 * bytes, section 6 rules) into a malloc'd buffer of usize + 1 bytes. For the search index.
 * SAT_E_HASH when damaged (what names it), SAT_E_FORMAT when its hash matches but it does
 * not decompress. */
int sat_bundle_load_unit(sat_bundle *b, uint64_t offset, uint64_t size, uint64_t usize,
                         const uint8_t hash[SAT_HASH_BYTES], const char *what, uint8_t **out,
                         sat_err *err);

/* Called once per problem; e is NULL for problems not tied to one entry (dictionary). */
typedef void (*sat_problem_fn)(void *ctx, const sat_mentry *e, const char *msg);

/* Checks every stored byte against its signed hash: the dictionary, every cluster,
 * every index page, every media member; and the tar layer around them byte for byte (the
 * headers the signed layout implies, zero padding, the tail copy, the end blocks, nothing
 * appended). With deep, also decompresses every cluster and checks each text entry's
 * content hash. Damaged entries are reported through fn (once each) and counted in *n_bad;
 * problems not tied to one entry (tar layer, dictionary, index pages, a damaged head copy)
 * are reported through fn with e == NULL. Every index page is parsed. Returns 0 when the
 * checks ran; SAT_E_FORMAT, after all checks ran, when signed content breaks the format
 * (an index page, or with deep a cluster, whose hash matches but that does not parse: a
 * broken or hostile signer); another error when the checks could not run. */
int sat_bundle_verify(sat_bundle *b, int deep, sat_problem_fn fn, void *ctx, size_t *n_bad,
                      sat_progress_fn progress, void *progress_ctx, sat_err *err);

/* The canonical ustar header of a bundle member (SPEC 2): what the packer's libarchive
 * writes, rebuilt by the reader to check the tar layer byte for byte. */
void sat_bundle_tar_header(unsigned char h[512], const char *name, uint64_t size, long long mtime);

/* Converts "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ" to seconds since the epoch. */
int sat_time_parse(const char *s, long long *out);
/* Formats t as "YYYY-MM-DDThh:mm:ssZ" (out holds 21 bytes). */
void sat_time_format(long long t, char out[21]);

#endif
