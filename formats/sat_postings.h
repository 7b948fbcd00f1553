/*
 * sat_postings.h - the posting list of one search term: which documents hold it, in
 * which fields, how often, and (optionally) at which token positions.
 *
 * The packer encodes one list per term; the reader decodes lists lazily, one
 * document at a time, and combines them for queries. Encoded bytes are untrusted:
 * the decoder refuses anything that is not exactly what the encoder writes (so a
 * list that decodes re-encodes to the same bytes) and never reads past the end.
 *
 *   sat_posting p[] = {{.doc = 3, .mask = SAT_FIELD_BODY, .freq = 1}, ...};
 *   sat_postings_encode(&buf, p, n, 0, &err);                      packer
 *
 *   sat_postings_dec a, b;                                         reader
 *   sat_postings_open(&a, bytes_a, len_a, &err);  (same for b)
 *   sat_postings_dec *all[] = {&a, &b};
 *   while ((rc = sat_postings_and_next(all, 2, &err)) == 1)
 *       ... a.doc is in both lists; a.freq, b.mask, sat_postings_positions(&a, ...)
 *   if (rc < 0) ... err.msg names what is wrong and the byte offset in its list
 *
 * Byte layout (formats/SPEC.md will carry it). A varint is unsigned LEB128 holding a
 * uint32: 7 bits per byte, least significant group first, bit 7 set on every byte but
 * the last, at most 5 bytes, in its shortest form (no last byte 0x00 after another
 * byte; a 5th byte at most 0x0f).
 *
 *   list     = flags count doc*count
 *   flags    = 1 byte: bit 0 set when the list has positions; bits 1-7 are 0
 *   count    = varint: number of documents (0 allowed: an empty list)
 *   doc      = delta fm [positions]
 *   delta    = varint: the first doc's number itself; then the difference to the
 *              previous doc's number, at least 1 (numbers strictly increase, and
 *              never exceed UINT32_MAX)
 *   fm       = varint: freq * 8 + mask, where mask (bits 0-2: SAT_FIELD_TITLE,
 *              _SECTION, _BODY) is not 0 and freq (occurrences of the term in the
 *              doc) is 1 .. SAT_POSTINGS_FREQ_MAX
 *   positions= present only when flags bit 0 is set: exactly freq varints, the
 *              first token position itself, then differences of at least 1
 *              (positions strictly increase, never past UINT32_MAX)
 *
 * Nothing follows the last doc. Example: docs 5 (body, freq 1) and 300 (title and
 * body, freq 2) without positions: 00 02 05 0c a7 02 15.
 *
 * Reading cost: a decoder walks the list front to back (varints allow no random
 * access); it holds no memory of its own. Every byte it passes is checked, including
 * the positions of documents whose positions were not asked for.
 */
#ifndef SAT_POSTINGS_H
#define SAT_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "sat_cursor.h"
#include "sat_err.h"
#include "sat_text.h"

/* Field bits of a posting's mask. */
#define SAT_FIELD_TITLE 0x1u
#define SAT_FIELD_SECTION 0x2u
#define SAT_FIELD_BODY 0x4u
#define SAT_FIELD_ALL 0x7u

/* Flags byte: the list carries token positions. */
#define SAT_POSTINGS_HAS_POSITIONS 0x1u

/* Largest term frequency in one document (freq * 8 + mask must fit a uint32). */
#define SAT_POSTINGS_FREQ_MAX (UINT32_MAX >> 3)

/* One document of a term's list, as the packer hands it to the encoder. */
typedef struct sat_posting {
    uint32_t doc;        /* document number (entry order in the manifest) */
    uint8_t mask;        /* SAT_FIELD_* bits, not 0 */
    uint32_t freq;       /* occurrences in the doc, 1 .. SAT_POSTINGS_FREQ_MAX */
    const uint32_t *pos; /* freq strictly increasing positions; NULL without positions */
} sat_posting;

/* Largest encoding of n postings holding npos positions in all: the number of bytes
 * sat_postings_encode can append. Returns 0 when the size overflows size_t. */
size_t sat_postings_bound(size_t n, size_t npos);

/* Appends the encoding of p[0..n) to out; with_positions says whether each p[i].pos
 * (freq positions) is stored. Returns 0, SAT_E_ARG (docs not strictly increasing, mask 0
 * or above SAT_FIELD_ALL, freq 0 or above the maximum, positions missing or not strictly
 * increasing, n above UINT32_MAX; the message names the posting), or SAT_E_NOMEM. On
 * error out is as it was. */
int sat_postings_encode(sat_buf *out, const sat_posting *p, size_t n, int with_positions,
                        sat_err *err);

/* A decoder over one encoded list. The bytes stay the caller's and must outlive it.
 * Read doc, mask and freq after sat_postings_next / _seek returned 1; the rest is
 * private. */
typedef struct sat_postings_dec {
    uint32_t doc;  /* current document number */
    uint8_t mask;  /* its SAT_FIELD_* bits */
    uint32_t freq; /* its term frequency (and number of positions, if any) */

    const char *base;      /* start of the list, for byte offsets in messages */
    sat_cursor c;          /* the bytes not read yet */
    const char *pos_start; /* the current doc's positions */
    const char *pos_end;   /* their end, NULL until they were read */
    uint32_t count;        /* documents in the list */
    uint32_t left;         /* documents not returned yet */
    uint8_t flags;         /* the flags byte */
    uint8_t state;         /* fresh, on a doc, done, or failed */
    int fail;              /* the error code once failed (sticky) */
    size_t fail_at;        /* and the byte offset it names */
} sat_postings_dec;

/* Reads the header of the list in buf[0..len) into d. Returns 0 or SAT_E_FORMAT
 * (truncated header, unknown flags, a count the bytes cannot hold). */
int sat_postings_open(sat_postings_dec *d, const void *buf, size_t len, sat_err *err);

/* Number of documents the header claims (bounded by the bytes: every doc takes at
 * least 2 bytes, 3 in a list with positions). */
uint32_t sat_postings_count(const sat_postings_dec *d);

/* 1 if the list carries positions, else 0. */
int sat_postings_has_positions(const sat_postings_dec *d);

/* Moves to the next document (the first on the first call). Returns 1 with d->doc,
 * d->mask and d->freq set; 0 at the end of a well-formed list (trailing bytes are an
 * error); SAT_E_FORMAT with a message naming what is wrong and its byte offset. After
 * 0 or an error every later call returns the same. */
int sat_postings_next(sat_postings_dec *d, sat_err *err);

/* Moves to the first document numbered target or higher, never backwards (when the
 * current doc is already >= target it stays). Returns as sat_postings_next. */
int sat_postings_seek(sat_postings_dec *d, uint32_t target, sat_err *err);

/* Decodes the current document's positions into out[0..d->freq). cap is out's size in
 * elements and must be at least d->freq (which the decoder has bounded by the bytes
 * left, so a buffer sized by it is at most 4 bytes per input byte). Can be called again
 * for the same doc. Returns 0, SAT_E_ARG (no current doc, no positions in the list, cap
 * too small) or SAT_E_FORMAT. */
int sat_postings_positions(sat_postings_dec *d, uint32_t *out, size_t cap, sat_err *err);

/* Reads the whole list from the start and checks every byte (for verify). Returns 0 or
 * SAT_E_FORMAT; *count, if not NULL, receives the number of documents. */
int sat_postings_check(const void *buf, size_t len, uint32_t *count, sat_err *err);

/* ---- combining lists for a query ----
 * These take decoders that are either all fresh (just opened) or were moved only by
 * the same helper; they keep no state besides the decoders. Time is linear in the bytes
 * of the lists read (up to the last document returned); no memory is allocated. */

/* AND: moves all n decoders (n >= 1) to the next document every list holds (leapfrog:
 * the decoders behind the largest current doc seek to it, until all agree; pass the
 * shortest list first for fewer steps). Returns 1 with every d[i]->doc equal, 0 when a
 * list ended (no further common doc), or the first decoder's error. */
int sat_postings_and_next(sat_postings_dec **d, size_t n, sat_err *err);

/* AND NOT: the next document in all of inc[0..n_inc) (n_inc >= 1) and in none of
 * exc[0..n_exc). Returns as sat_postings_and_next. The excluded decoders only seek
 * forward to each candidate; one that ended excludes nothing more. */
int sat_postings_andnot_next(sat_postings_dec **inc, size_t n_inc, sat_postings_dec **exc,
                             size_t n_exc, sat_err *err);

/* OR: the next document in any of d[0..n) (e.g. all terms matching a prefix). Returns 1
 * with *doc set: the decoders holding it are those not ended whose ->doc equals *doc
 * (test with sat_postings_on); 0 when all ended; or an error. O(n) per document. */
int sat_postings_or_next(sat_postings_dec **d, size_t n, uint32_t *doc, sat_err *err);

/* 1 if d is on a document (not fresh, not ended, not failed) numbered doc, else 0. */
int sat_postings_on(const sat_postings_dec *d, uint32_t doc);

/* Phrase test in one document: pos[i][0..len[i]) are the strictly increasing positions
 * of the phrase's i-th term (n >= 1; the same list may appear twice for a repeated
 * word). Returns 1 and sets *first (if not NULL) to the smallest p such that every
 * pos[i] holds p + i; else 0. Time O(sum of len), no allocation. */
int sat_postings_phrase(const uint32_t *const *pos, const size_t *len, size_t n, uint32_t *first);

#endif
