/*
 * sat_index.h - the stored parts of the search index (formats/SPEC.md, section 12): the
 * writer builds them with sat_ixbuild, the reader parses them with sat_ixdocs_parse and
 * sat_ixblock_parse. sat_search.h is the reader's query API on top.
 *
 * Building (inside sat_writer_finish):
 *   sat_ixbuild *ix; sat_ixbuild_create(&ix, &err);
 *   for each text entry:
 *       sat_ixbuild_add(ix, entry_index, group, title, section, body, len, &err);
 *   sat_ixbuild_finish(ix, 64 * 1024, &docs, &blocks, &n_blocks, &err);
 *   ... compress and store docs and each block, list them in the root ...
 *   sat_ixbuild_free(ix);
 *
 * Document table (decompressed), for each document in number order:
 *   entry  varint: the entry's index in the bundle (its place in id order, counting every
 *          entry of every index page from 0); a text entry; each entry at most once
 *   length varint: the document's weighted length in tokens (body tokens, plus
 *          SAT_SEARCH_HEAD_WEIGHT for each title and section token), for BM25
 * and nothing after the last document.
 *
 * Term block (decompressed): COUNT records, terms in strictly increasing byte order:
 *   shared varint: bytes the term shares with the previous term of the block (0 for the
 *          first), at most that term's length
 *   suffix varint length, then that many bytes: the rest of the term; the whole term is
 *          1..SAT_TOKEN_MAX bytes of valid UTF-8 without control characters
 *   list   varint length (at least 1), then the term's posting list (sat_postings.h):
 *          the documents holding the term, with its weighted frequency in each (at least
 *          one document); for a link term (SAT_IXLINK_SEP once, inside) exactly the byte
 *          00 (no documents)
 * and nothing after the last record. The first term equals the root's FIRST-TERM; the
 * last sorts below the next block's FIRST-TERM.
 *
 * All varints are sat_cursor_varint's (unsigned LEB128, shortest form, uint32).
 */
#ifndef SAT_INDEX_H
#define SAT_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"
#include "sat_text.h"
#include "sat_token.h"

/* Title and section occurrences weigh this much against one in the body. */
#define SAT_SEARCH_HEAD_WEIGHT 3u
/* Tokeniser flags of the index: bigrams (split, for their link terms). */
#define SAT_INDEX_TOKEN_FLAGS (SAT_TOKEN_SPLITS | SAT_TOKEN_FINALS)
/* Tokeniser flags of the reader's checks on verified text: with the run-final unigrams, so
 * that a one-character query term has a token wherever its character ends a run. */
#define SAT_TEXT_TOKEN_FLAGS SAT_TOKEN_FINALS
/* A link term is a CJK bigram's second character, this separator (U+E000, a private-use
 * character the tokeniser never puts in a term), and its first character; it has no
 * documents (its list is the one byte 00) and says that the bigram is in the index, so a
 * one-character query finds the bigrams it ends. */
#define SAT_IXLINK_SEP "\xee\x80\x80"
#define SAT_IXLINK_SEP_LEN 3
/* Most link terms one character has: a character ending more bigrams (or one with a bigram
 * too long for its link) is indexed where it ends a run instead, as its one-character term
 * (which also holds its one-character runs). A one-character query then reads the lists of
 * at most this many other bigrams. */
#define SAT_IXLINKS_MAX 64
/* Uncompressed size the writer aims at for a term block. */
#define SAT_TBLOCK_TARGET ((size_t)64 << 10)

/* ---- building ---- */

typedef struct sat_ixbuild sat_ixbuild;

typedef struct sat_ixblock_out {
    sat_buf data;                     /* the block's decompressed bytes */
    uint32_t count;                   /* terms in it */
    char first[SAT_TOKEN_MAX + 1];    /* its first term */
} sat_ixblock_out;

typedef struct sat_ixstats {
    uint64_t docs, terms, postings, tokens, links; /* terms counts the links too */
} sat_ixstats;

int sat_ixbuild_create(sat_ixbuild **out, sat_err *err);

/* Adds the next document. entry is its index among all entries in id order. The index
 * numbers documents by group (the caller's: e.g. one per language), then by weighted length
 * (documents of similar length hold similar terms: shorter gaps), then in call order.
 * title, section (may be NULL) and body[0..len) are valid UTF-8.
 * Returns 0, SAT_E_FORMAT (invalid UTF-8), SAT_E_LIMIT (more than UINT32_MAX documents
 * or tokens in one document) or SAT_E_NOMEM. */
int sat_ixbuild_add(sat_ixbuild *ix, uint32_t entry, uint32_t group, const char *title,
                    const char *section, const char *body, size_t len, sat_err *err);

/* Encodes the document table into docs and the term blocks into a malloc'd array *blocks
 * of *n_blocks (at least one; free each data and the array with sat_ixblock_out_free).
 * A block is closed before a record that would take it past target bytes; a record larger
 * than target gets a block of its own. Fails with SAT_E_ARG when no document was added. */
int sat_ixbuild_finish(sat_ixbuild *ix, size_t target, sat_buf *docs, sat_ixblock_out **blocks,
                       size_t *n_blocks, sat_err *err);
void sat_ixblock_out_free(sat_ixblock_out *blocks, size_t n);
void sat_ixbuild_stats(const sat_ixbuild *ix, sat_ixstats *st);
void sat_ixbuild_free(sat_ixbuild *ix);

/* ---- reading ---- */

/* Parses the document table buf[0..len) of ndocs documents, in a bundle of n_entries
 * entries, into entry[0..ndocs) and dlen[0..ndocs) (caller's arrays) and *total (sum of
 * lengths). Checks every byte: exactly ndocs records, entries below n_entries and
 * distinct, nothing after. Returns 0, SAT_E_FORMAT naming the document, or SAT_E_NOMEM. */
int sat_ixdocs_parse(const void *buf, size_t len, uint64_t ndocs, uint64_t n_entries,
                     uint32_t *entry, uint32_t *dlen, uint64_t *total, sat_err *err);

typedef struct sat_ixterm {
    const char *term; /* NUL-terminated, len bytes */
    size_t len;
    size_t link; /* a link term: the separator's offset in term (its second character before,
                  * its first after); 0 for an ordinary term */
    const uint8_t *list; /* its posting list, list_len bytes (inside the block's buffer) */
    size_t list_len;
} sat_ixterm;

typedef struct sat_ixblock {
    sat_ixterm *terms; /* in increasing order */
    size_t n;
    uint8_t *buf; /* the decompressed block (owned) */
    char *arena;  /* the terms' bytes */
} sat_ixblock;

/* Parses term block buf[0..len), which becomes the block's (freed with it, also on error).
 * count and first come from the block's T line, next_first from the next one (NULL for the
 * last block). With deep, every posting list is decoded in full and its document numbers
 * checked against ndocs; without, only each list's header. Returns 0, SAT_E_FORMAT naming
 * the record and what is wrong, or SAT_E_NOMEM. */
int sat_ixblock_parse(uint8_t *buf, size_t len, uint32_t count, const char *first,
                      const char *next_first, uint64_t ndocs, int deep, sat_ixblock **out,
                      sat_err *err);

/* The first term of b that is >= term[0..len) in byte order (b->n when none). */
size_t sat_ixblock_lower(const sat_ixblock *b, const char *term, size_t len);

void sat_ixblock_free(sat_ixblock *b);

/* Where term[0..len) holds SAT_IXLINK_SEP: SAT_IXLINK_NONE (0) when nowhere (an ordinary
 * term), its byte offset when it occurs once with bytes on both sides (a link term), or
 * SAT_IXLINK_BAD. */
#define SAT_IXLINK_NONE ((size_t)0)
#define SAT_IXLINK_BAD ((size_t)-1)
size_t sat_ixterm_link(const char *term, size_t len);

/* Counts the link terms of each character over the blocks of an index, fed in order (a
 * character's link terms are consecutive, possibly across a block boundary). Zero it
 * before the first block. */
typedef struct sat_ixlink_run {
    char ch[SAT_TOKEN_MAX + 1]; /* the character of the current run of link terms */
    size_t len;                 /* its bytes (0: no run yet) */
    size_t n;                   /* its link terms so far */
} sat_ixlink_run;

/* Feeds block b's terms. Returns 0, or SAT_E_FORMAT naming the character and the term when
 * a character has more than SAT_IXLINKS_MAX link terms (SPEC 12.1). */
int sat_ixlink_run_feed(sat_ixlink_run *r, const sat_ixblock *b, sat_err *err);

/* Compares two terms bytewise (a shorter prefix first). */
int sat_ixterm_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
