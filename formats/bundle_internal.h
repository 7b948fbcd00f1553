/*
 * bundle_internal.h - what the parts of the bundle reader share (private: not installed,
 * never included by packer/ or reader/, which use sat_bundle.h alone).
 *
 * The reader is split in three files around one handle, struct sat_bundle:
 *   bundle_read.c    open through the signature, index pages, entries, single reads,
 *                    copy and check; it owns the handle and everything declared here;
 *   bundle_batch.c   batch reads on threads (sat_bundle_read_batch,
 *                    sat_bundle_load_entries), one creader per helper thread;
 *   bundle_verify.c  the tar layer check and sat_bundle_verify.
 */
#ifndef SAT_BUNDLE_INTERNAL_H
#define SAT_BUNDLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sat_bundle.h"
#include "sat_zstd.h"

/* The tar block size, and n rounded up to whole blocks. */
#define BUNDLE_BLOCK 512u
#define BUNDLE_PAD(n) (((uint64_t)(n) + BUNDLE_BLOCK - 1) / BUNDLE_BLOCK * BUNDLE_BLOCK)

/* What reads clusters: a decoder and buffers, and the one decompressed cluster it keeps
 * (the first len bytes of unit; unit SIZE_MAX: none). The bundle has one; batch reads
 * add one per thread. */
typedef struct creader {
    sat_zstd *z; /* with the bundle's dictionary; NULL: the bundle's own (b->z) */
    size_t unit;
    size_t len;
    char *cbuf;
    size_t cbuf_cap;
    uint8_t *zbuf;
    size_t zbuf_cap;
} creader;

struct sat_bundle {
    int fd;
    char *path;
    uint64_t file_size;
    sat_pubkey signer;
    char tc[SAT_TRUSTED_COMMENT_MAX + 1];
    /* the verified copy: signature file and compressed root manifest */
    char *sigtext;
    size_t siglen;
    uint8_t *mz;
    size_t mzlen;
    uint64_t data; /* D: where the data region starts; the root's offsets count from here */
    char head_problem[SAT_ERR_MSG_MAX]; /* set when the tail copy had to be used */
    sat_manifest *m;
    /* index pages, loaded on first use and kept until close */
    sat_mpage **pages;
    signed char *page_state; /* 0 not loaded, 1 loaded, 2 not loaded but parsed before (its
                                bytes passed every check), -1 damaged, -2 signed but
                                malformed */
    char **page_msg;         /* why, for -1 and -2 pages (allocated on first need) */
    uint64_t *page_used;     /* when each page was last asked for (page_clock then) */
    uint64_t page_clock;
    sat_zstd *pz; /* dictionary-less codec (root manifest; pages without a dict) */
    /* dictionary and codec, loaded on first use (the bytes are kept for batch threads) */
    int dict_state; /* 0 not loaded, 1 ok, -1 damaged */
    sat_zstd *z;
    uint8_t *dict;
    creader rd; /* what sat_bundle_read uses */
    /* batch reads (sat_bundle_read_batch, sat_bundle_load_entries) */
    int threads;                      /* 0: not decided yet */
    creader wk[SAT_READ_THREADS_MAX]; /* one per thread, created on first use */
    size_t n_wk;
};

/* Reads exactly n bytes of the file at off into buf. 0, or SAT_E_HASH with a message naming
 * the file and the bytes: bytes missing (a truncated copy) or unreadable (a bad sector) are
 * damage, like bytes that do not match. err may be NULL. Safe from several threads. */
int bundle_read_at(sat_bundle *b, uint64_t off, void *buf, size_t n, sat_err *err);

/* 1 when the hash (SAT_HASH_BYTES of BLAKE2b) of p[0..n) is want, else 0. */
int bundle_hash_ok(const void *p, size_t n, const uint8_t want[SAT_HASH_BYTES]);

/* Reads and hashes the stored range off..off+size in chunks through buf (cap bytes). 1 if
 * it matches want; 0 if not or it cannot be read, with err set (SAT_E_HASH). */
int bundle_range_ok(sat_bundle *b, uint64_t off, uint64_t size, const uint8_t want[SAT_HASH_BYTES],
                    char *buf, size_t cap, sat_err *err);

/* Bytes whose signed hash matched but that break the format were made so by the signer
 * (broken or hostile), never by damage: rewrites err's message to say so and returns
 * SAT_E_FORMAT, "not genuine". err may be NULL. */
int bundle_signed_but_malformed(sat_err *err);

/* Reads, checks and parses index page pi with decoder z (a batch thread's; NULL: the
 * bundle's, loading the dictionary first if needed). 0 and *out, or an error with *state
 * -1 when the page is damaged, -2 when it is signed but malformed, 0 when the error is not
 * the page's (memory, the dictionary). A page parsed before (state 2) is hashed and
 * decompressed again, then parsed without the checks its bytes passed then. Reads b only:
 * batch threads call it. */
int bundle_fetch_page(sat_bundle *b, sat_zstd *z, size_t pi, sat_mpage **out, signed char *state,
                      sat_err *err);

/* Keeps the outcome of bundle_fetch_page for page pi in b (the page, or why it failed).
 * This thread only. */
void bundle_page_done(sat_bundle *b, size_t pi, int rc, sat_mpage *pg, signed char state,
                      const sat_err *err);

/* Makes index page pi loaded (b->pages[pi]) and marks it used now: fetched and parsed on
 * first need. 0, or the error; a damaged (-1) or malformed (-2) page gives the same answer
 * again, its reason kept even when err is NULL. */
int bundle_load_page(sat_bundle *b, size_t pi, sat_err *err);

/* Frees index page i when it is loaded; it becomes state 2 (parsed before), so loading it
 * again parses it without the checks its bytes passed. Entries of the page become invalid. */
void bundle_forget_page(sat_bundle *b, size_t i);

/* Makes r->cbuf hold at least the first `need` bytes of cluster `unit`, after its stored
 * bytes matched their hash. 0, or SAT_E_HASH (damaged), SAT_E_FORMAT (signed but
 * malformed), SAT_E_NOMEM. Touches only r and reads b: batch threads call it, each with its
 * own r, once the dictionary is loaded. */
int bundle_load_cluster(sat_bundle *b, creader *r, size_t unit, size_t need, sat_err *err);

/* 1 when sat_bundle_read of e goes through a cluster (and so through a creader's cache). */
int bundle_reads_cluster(const sat_mentry *e);

/* sat_bundle_read with the cluster reader r (batch threads: theirs): same results, same
 * ownership of *out. */
int bundle_read_entry(sat_bundle *b, creader *r, const sat_mentry *e, char **out, size_t *len,
                      sat_err *err);

#endif
