/*
 * sat_postings.h - the posting list of one search term: which documents hold it and
 * how often.
 *
 * The packer encodes one list per term; the reader decodes lists lazily, one
 * document at a time, and combines them for queries. Encoded bytes are untrusted:
 * the decoder refuses anything that is not exactly what the encoder writes (so a
 * list that decodes re-encodes to the same bytes) and never reads past the end.
 * No token positions are stored (phrases are verified on the text), and no field
 * mask: the packer folds the title and section weight into the frequency.
 *
 *   sat_posting p[] = {{.doc = 3, .freq = 1}, ...};
 *   sat_postings_encode(&buf, p, n, &err);                         packer
 *
 *   sat_postings_dec a, b;                                         reader
 *   sat_postings_open(&a, bytes_a, len_a, &err);  (same for b)
 *   sat_postings_dec *all[] = {&a, &b};
 *   while ((rc = sat_postings_and_next(all, 2, &err)) == 1)
 *       ... a.doc is in both lists; a.freq, b.freq its frequencies
 *   if (rc < 0) ... err.msg names what is wrong and the byte offset in its list
 *
 * Byte layout (formats/SPEC.md carries it too):
 *
 *   list  = count [fcode bits]
 *   count = varint (unsigned LEB128: 7 bits per byte, least significant group first,
 *           bit 7 set on every byte but the last; shortest form, at most 5 bytes,
 *           value <= UINT32_MAX): the number of documents; 0 allowed, and then
 *           nothing follows
 *   fcode = 1 byte, present only when count > 0: the code of every frequency of the
 *           list, 0..9 (SAT_POSTINGS_FCODES - 1), see below
 *   bits  = a bit stream, most significant bit of each byte first: the documents in
 *           chunks of SAT_POSTINGS_CHUNK (64), the last chunk holding the rest (1..64).
 *     chunk: k, 5 bits: the Rice parameter of the chunk's gaps, 0..SAT_POSTINGS_K_MAX
 *            (24); then per document of the chunk its gap and its frequency
 *     gap  : v = the doc number itself for the first doc of the list, else doc -
 *            previous doc - 1 (also across chunks; doc numbers strictly increase and
 *            never exceed UINT32_MAX). Rice code: q = v >> k written as q one-bits and
 *            one zero-bit, then the low k bits of v, most significant first
 *     freq : the number of occurrences f (>= 1, <= UINT32_MAX) in the list's code:
 *            fcode 0     Elias gamma of f: n zero-bits, n = floor(log2(f)) (<= 31),
 *                        then f in n + 1 bits, its leading 1 first: 2n + 1 bits
 *            fcode 1..6  Rice code of f - 1 with parameter r = fcode - 1 (0..5), as
 *                        the gaps: ((f - 1) >> r) + 1 + r bits
 *            fcode 7..9  exp-Golomb code of f - 1 of order j = fcode - 6 (1..3): with
 *                        y = f - 1 + 2^j and n = floor(log2(y)) (<= 32), n - j
 *                        zero-bits, then y in n + 1 bits: 2n - j + 1 bits
 *   The unused low bits of the last byte are 0; nothing follows that byte.
 *
 * The encoding is canonical, and the decoder enforces it:
 * - fcode is the code whose lengths over all of the list's frequencies add up to the
 *   fewest bits, the lowest fcode on a tie (the decoder adds up every code's length of
 *   every frequency as it reads, and compares at the end of the list);
 * - each chunk's k is the value in 0..24 that makes the chunk's gap bits fewest, the
 *   smallest on a tie. For m gaps the bits are m * (k + 1) + sum(v >> k); that is
 *   convex in k, so the decoder checks k against k - 1 and k + 1 at the chunk's end.
 *
 * Example: docs 3, 4, 9, 20 with frequencies 1, 2, 1, 5 (one chunk). Gaps v = 3, 0, 4,
 * 10; the gap bits for k = 0, 1, 2, 3 are 21, 16, 15, 17, so k = 2. Frequency bits per
 * fcode 0..9: 10, 9, 10, 13, 16, 20, 24, 10, 14, 16, so fcode 1 (unary f - 1). Bits:
 *   chunk k 2: 00010
 *   doc 3 : gap 0 11, freq 0          doc 4 : gap 0 00, freq 10
 *   doc 9 : gap 10 00, freq 0         doc 20: gap 110 10, freq 11110
 *   = 00010 0110 00010 10000 1101011110 (29 bits) + 3 padding zero bits
 *   list: 04 01 13 0a 1a f0
 *
 * Reading cost: a decoder walks the list front to back (no random access) and holds
 * no memory of its own; every bit it passes is checked.
 */
#ifndef SAT_POSTINGS_H
#define SAT_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"
#include "sat_text.h"

/* Largest Rice parameter of the gaps. */
#define SAT_POSTINGS_K_MAX 24

/* Documents per chunk: each chunk has its own Rice parameter. */
#define SAT_POSTINGS_CHUNK 64

/* Number of frequency codes (fcode 0..SAT_POSTINGS_FCODES - 1). */
#define SAT_POSTINGS_FCODES 10

/* One document of a term's list, as the packer hands it to the encoder. */
typedef struct sat_posting {
    uint32_t doc;  /* document number (entry order in the manifest) */
    uint32_t freq; /* weighted occurrences in the doc, >= 1 */
} sat_posting;

/* Largest encoding of n postings: the number of bytes sat_postings_encode can append
 * (38 + 11 n + ceil(n / 64)). Returns 0 when the size overflows size_t. */
size_t sat_postings_bound(size_t n);

/* Appends the encoding of p[0..n) to out. Returns 0, SAT_E_ARG (docs not strictly
 * increasing, freq 0, n above UINT32_MAX; the message names the posting), or
 * SAT_E_NOMEM. On error out is as it was. */
int sat_postings_encode(sat_buf *out, const sat_posting *p, size_t n, sat_err *err);

/* A decoder over one encoded list. The bytes stay the caller's and must outlive it.
 * Read doc and freq after sat_postings_next / _seek returned 1; the rest is private. */
typedef struct sat_postings_dec {
    uint32_t doc;  /* current document number */
    uint32_t freq; /* its term frequency */

    const unsigned char *base;           /* start of the list, for byte offsets in messages */
    const unsigned char *p;              /* the byte holding the next bit */
    const unsigned char *end;            /* end of the list */
    uint64_t floor;                      /* the least number the next doc can have */
    uint32_t count;                      /* documents in the list */
    uint32_t left;                       /* documents not returned yet */
    uint8_t k;                           /* the current chunk's Rice parameter */
    uint8_t off;                         /* bits of *p read (0..7) */
    uint8_t state;                       /* fresh, on a doc, done, or failed */
    uint8_t fcode;                       /* the frequency code, */
    uint8_t frice;                       /* 1 if it is a Rice code, */
    uint8_t fpar;                        /* and its parameter (Rice r or exp-Golomb order j) */
    uint8_t fcode_at;                    /* byte offset of fcode */
    uint8_t chunk_n;                     /* documents in the current chunk (0 before the first) */
    uint8_t chunk_left;                  /* of them not read yet */
    int fail;                            /* the error code once failed (sticky) */
    size_t fail_at;                      /* and the byte offset it names */
    size_t k_at;                         /* byte offset where the chunk's k starts */
    uint64_t sum_k;                      /* sum of v >> k over the chunk's gaps, and */
    uint64_t sum_below;                  /* of v >> (k - 1), and */
    uint64_t sum_above;                  /* of v >> (k + 1): to check that k is the encoder's */
    uint64_t fsmall[2];                  /* the chunk's small frequencies' code lengths, packed */
    uint64_t fbits[SAT_POSTINGS_FCODES]; /* bits of the frequencies in each code, up to
                                            the last chunk ended */
} sat_postings_dec;

/* Reads the header of the list in buf[0..len) into d. Returns 0 or SAT_E_FORMAT
 * (truncated header, fcode above 9, a count the bits cannot hold). */
int sat_postings_open(sat_postings_dec *d, const void *buf, size_t len, sat_err *err);

/* Number of documents the header claims (bounded by the bytes: every doc takes at
 * least 2 bits). */
uint32_t sat_postings_count(const sat_postings_dec *d);

/* Moves to the next document (the first on the first call). Returns 1 with d->doc and
 * d->freq set; 0 at the end of a well-formed list (padding, trailing bytes and fcode
 * are checked there, each chunk's k at the chunk's end); SAT_E_FORMAT with a message
 * naming what is wrong and its byte offset. After 0 or an error every later call
 * returns the same. */
int sat_postings_next(sat_postings_dec *d, sat_err *err);

/* Moves to the first document numbered target or higher, never backwards (when the
 * current doc is already >= target it stays). Linear: decodes every doc on the way.
 * Returns as sat_postings_next. */
int sat_postings_seek(sat_postings_dec *d, uint32_t target, sat_err *err);

/* Reads the whole list from the start and checks every bit (for verify). Returns 0 or
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

#endif
