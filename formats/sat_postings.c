/*
 * sat_postings.c - posting lists of search terms: Rice-coded gaps with a parameter per
 * chunk of 64 documents, frequencies in the list's best of ten simple codes (layout in
 * sat_postings.h): encoder, bounded decoder, and the AND / AND NOT / OR helpers of
 * queries.
 */
#include "sat_postings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_cursor.h"

/* Decoder states (sat_postings_dec.state). */
enum { DEC_FRESH, DEC_ON, DEC_DONE, DEC_FAILED };

/* ======================================================================
 * Frequency codes (fcode 0..9, sat_postings.h)
 * ====================================================================== */

/* Longest Elias gamma prefix: freq < 2^32. */
#define GAMMA_N_MAX 31

/* floor(log2(v)) for v >= 1. */
static inline unsigned log2_u32(uint32_t v)
{
    return 31u - (unsigned)__builtin_clz(v);
}

static inline unsigned log2_u64(uint64_t v)
{
    return 63u - (unsigned)__builtin_clzll(v);
}

/* Bits of frequency f (>= 1) in code c: at most 2^32 - 1 (Rice r = 0 of 2^32 - 2). */
static inline uint64_t freq_len(unsigned c, uint32_t f)
{
    unsigned j;

    if (c == 0)
        return 2 * log2_u32(f) + 1;
    if (c <= 6)
        return (uint64_t)((f - 1) >> (c - 1)) + c; /* q, the zero-bit, r = c - 1 bits */
    j = c - 6;
    return 2 * log2_u64((uint64_t)f - 1 + (1u << j)) - j + 1;
}

/* Adds the bits of f in every code to bits[0..10). */
static void freq_lens_add(uint64_t *bits, uint32_t f)
{
    unsigned c;

    for (c = 0; c < SAT_POSTINGS_FCODES; c++)
        bits[c] += freq_len(c, f);
}

/* The decoder adds up the lengths of frequencies below FSMALL from a table: the ten
 * lengths of f packed in 12-bit fields of two words (codes 0..4, then 5..9). A chunk's
 * 64 frequencies sum to at most 64 * 31 < 2^12 per field; the sums are unpacked into
 * fbits at every chunk's end. The same closed forms as freq_len, as constants. */
#define FSMALL 32
#define FIELD_BITS 12
#define LG6(x) ((x) >= 32 ? 5 : (x) >= 16 ? 4 : (x) >= 8 ? 3 : (x) >= 4 ? 2 : (x) >= 2 ? 1 : 0)
#define LEN_GAMMA(f) (2 * LG6(f) + 1)
#define LEN_RICE(f, r) ((((f)-1) >> (r)) + 1 + (r))
#define LEN_EXPG(f, j) (2 * LG6((f)-1 + (1 << (j))) - (j) + 1)
#define PACK5(a, b, c, d, e)                                                                       \
    ((uint64_t)(a) | (uint64_t)(b) << 12 | (uint64_t)(c) << 24 | (uint64_t)(d) << 36 |             \
     (uint64_t)(e) << 48)
#define SMALL_ROW(f)                                                                               \
    {                                                                                              \
        PACK5(LEN_GAMMA(f), LEN_RICE(f, 0), LEN_RICE(f, 1), LEN_RICE(f, 2), LEN_RICE(f, 3)),       \
            PACK5(LEN_RICE(f, 4), LEN_RICE(f, 5), LEN_EXPG(f, 1), LEN_EXPG(f, 2), LEN_EXPG(f, 3))  \
    }
#define SMALL_ROW4(f) SMALL_ROW(f), SMALL_ROW(f + 1), SMALL_ROW(f + 2), SMALL_ROW(f + 3)

static const uint64_t small_lens[FSMALL][2] = {
    {0, 0},         SMALL_ROW(1),   SMALL_ROW(2),   SMALL_ROW(3),   SMALL_ROW4(4),  SMALL_ROW4(8),
    SMALL_ROW4(12), SMALL_ROW4(16), SMALL_ROW4(20), SMALL_ROW4(24), SMALL_ROW4(28),
};

/* The shortest bits of a code (f = 1): gamma 1, Rice r + 1, exp-Golomb j + 1. */
static unsigned freq_len_min(unsigned c)
{
    return c == 0 ? 1 : c <= 6 ? c : c - 6 + 1;
}

/* ======================================================================
 * Encoder
 * ====================================================================== */

size_t sat_postings_bound(size_t n)
{
    /* count and fcode; per doc at most 25 gap bits besides the q one-bits (a chunk's
     * gaps are no longer than at k = 24) and 63 frequency bits (the chosen code is
     * no longer than gamma): 11 bytes; the gaps sum to less than 2^32, so all q at
     * k = 24 together are at most 255 bits, which with the padding and the 5 bits per
     * chunk fit in 32 + ceil(n / 64) bytes */
    size_t chunks = n / SAT_POSTINGS_CHUNK + (n % SAT_POSTINGS_CHUNK != 0);

    if (n > (SIZE_MAX - SAT_VARINT_MAX - 1 - 32) / 12)
        return 0;
    return SAT_VARINT_MAX + 1 + 32 + 11 * n + chunks;
}

/* The gap v of posting i (p[0..i] checked). */
static inline uint32_t gap_of(const sat_posting *p, size_t i)
{
    return i == 0 ? p[0].doc : p[i].doc - p[i - 1].doc - 1;
}

/* Bits of the gaps of postings lo..hi-1 with Rice parameter k. */
static uint64_t gap_bits(const sat_posting *p, size_t lo, size_t hi, unsigned k)
{
    uint64_t bits = (uint64_t)(hi - lo) * (k + 1);
    size_t i;

    for (i = lo; i < hi; i++)
        bits += gap_of(p, i) >> k;
    return bits;
}

/* The k of the layout for the chunk of postings lo..hi-1 (hi > lo): fewest gap bits,
 * the smallest on a tie. The bit count is convex in k, so a walk downhill from the
 * mean gap's log finds it. Sets *bits to the gap bits at that k. */
static unsigned choose_k(const sat_posting *p, size_t lo, size_t hi, uint64_t *bits)
{
    uint64_t mean = gap_bits(p, lo, hi, 0) / (hi - lo), f, fk;
    unsigned k = 0;
    int moved = 0;

    while (k < SAT_POSTINGS_K_MAX && (mean >> (k + 1)) != 0)
        k++;
    fk = gap_bits(p, lo, hi, k);
    while (k > 0 && (f = gap_bits(p, lo, hi, k - 1)) <= fk) {
        k--;
        fk = f;
        moved = 1;
    }
    while (!moved && k < SAT_POSTINGS_K_MAX && (f = gap_bits(p, lo, hi, k + 1)) < fk) {
        k++;
        fk = f;
    }
    *bits = fk;
    return k;
}

/* The frequency code of p[0..n) (n >= 1): fewest bits, the lowest code on a tie. Sets
 * *bits to its bits. */
static unsigned choose_fcode(const sat_posting *p, size_t n, uint64_t *bits)
{
    uint64_t len[SAT_POSTINGS_FCODES] = {0};
    unsigned c, best = 0;
    size_t i;

    for (i = 0; i < n; i++)
        freq_lens_add(len, p[i].freq);
    for (c = 1; c < SAT_POSTINGS_FCODES; c++)
        if (len[c] < len[best])
            best = c;
    *bits = len[best];
    return best;
}

/* A bit writer: acc holds n (< 8 between calls) bits not yet written to p. */
typedef struct bitwr {
    unsigned char *p;
    uint64_t acc;
    unsigned n;
} bitwr;

/* Appends the low n bits of v (n <= 56, v < 2^n), most significant first. */
static inline void bw_put(bitwr *w, uint64_t v, unsigned n)
{
    w->acc = w->acc << n | v;
    w->n += n;
    while (w->n >= 8) {
        w->n -= 8;
        *w->p++ = (unsigned char)(w->acc >> w->n);
    }
}

/* Appends the Rice code of v with parameter k. */
static void bw_rice(bitwr *w, uint32_t v, unsigned k)
{
    uint32_t q = v >> k;

    for (; q >= 32; q -= 32)
        bw_put(w, 0xffffffffu, 32);
    bw_put(w, ((UINT64_C(1) << q) - 1) << 1, q + 1);
    if (k > 0)
        bw_put(w, v & ((UINT32_C(1) << k) - 1), k);
}

/* Appends frequency f in code c. */
static void bw_freq(bitwr *w, unsigned c, uint32_t f)
{
    uint64_t y = f;
    unsigned j = 0, n;

    if (c >= 1 && c <= 6) {
        bw_rice(w, f - 1, c - 1);
        return;
    }
    if (c > 6) {
        j = c - 6;
        y = (uint64_t)f - 1 + (1u << j);
    }
    n = log2_u64(y);
    if (n > j)
        bw_put(w, 0, n - j);
    bw_put(w, y, n + 1);
}

/* Writes the bit stream of p[0..n) with the frequency code fcode: chunks of
 * SAT_POSTINGS_CHUNK docs, each with the Rice parameter k[chunk]. */
static void write_bits(unsigned char *out, const sat_posting *p, size_t n, const uint8_t *k,
                       unsigned fcode)
{
    bitwr w = {out, 0, 0};
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned kc = k[i / SAT_POSTINGS_CHUNK];
        if (i % SAT_POSTINGS_CHUNK == 0)
            bw_put(&w, kc, 5);
        bw_rice(&w, gap_of(p, i), kc);
        bw_freq(&w, fcode, p[i].freq);
    }
    if (w.n > 0)
        *w.p = (unsigned char)(w.acc << (8 - w.n));
}

int sat_postings_encode(sat_buf *out, const sat_posting *p, size_t n, sat_err *err)
{
    unsigned char *tmp = NULL;
    uint8_t *k = NULL;
    uint64_t bits = 0, b;
    size_t len, i, chunks = (n + SAT_POSTINGS_CHUNK - 1) / SAT_POSTINGS_CHUNK;
    unsigned fcode = 0;
    int rc;

    if (out == NULL || (p == NULL && n > 0))
        return sat_err_set(err, SAT_E_ARG, "postings: no output or no postings");
    if (n > UINT32_MAX)
        return sat_err_set(err, SAT_E_ARG, "postings: %zu documents (at most %u)", n,
                           (unsigned)UINT32_MAX);
    for (i = 0; i < n; i++) {
        if (i > 0 && p[i].doc <= p[i - 1].doc)
            return sat_err_set(err, SAT_E_ARG,
                               "postings: posting %zu: doc %u does not follow doc %u", i,
                               (unsigned)p[i].doc, (unsigned)p[i - 1].doc);
        if (p[i].freq == 0)
            return sat_err_set(err, SAT_E_ARG, "postings: posting %zu (doc %u): frequency 0", i,
                               (unsigned)p[i].doc);
    }
    if ((k = malloc(chunks ? chunks : 1)) == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "postings: out of memory for %zu documents", n);
    if (n > 0)
        fcode = choose_fcode(p, n, &bits);
    for (i = 0; i < chunks; i++) {
        size_t lo = i * SAT_POSTINGS_CHUNK,
               hi = n - lo > SAT_POSTINGS_CHUNK ? lo + SAT_POSTINGS_CHUNK : n;
        k[i] = (uint8_t)choose_k(p, lo, hi, &b);
        bits += 5 + b;
    }
    /* within sat_postings_bound (n fits in memory as postings of 8 bytes) */
    len = SAT_VARINT_MAX + 1 + (size_t)((bits + 7) / 8);
    if ((tmp = malloc(len)) == NULL) {
        free(k);
        return sat_err_set(err, SAT_E_NOMEM, "postings: out of memory for %zu documents", n);
    }
    len = sat_varint_put(tmp, (uint32_t)n);
    if (n > 0) {
        tmp[len++] = (unsigned char)fcode;
        write_bits(tmp + len, p, n, k, fcode);
        len += (size_t)((bits + 7) / 8);
    }
    rc = sat_buf_append(out, tmp, len);
    free(tmp);
    free(k);
    if (rc != 0)
        return sat_err_set(err, rc, "postings: out of memory appending %zu bytes", len);
    return 0;
}

/* ======================================================================
 * Decoder
 * ====================================================================== */

/* Marks d failed and sets a message naming the byte offset `at` in the list. */
static int dec_fail(sat_postings_dec *d, size_t at, sat_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), cold));

static int dec_fail(sat_postings_dec *d, size_t at, sat_err *err, const char *fmt, ...)
{
    char what[SAT_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    d->state = DEC_FAILED;
    d->chunk_left = 0; /* sat_postings_next looks at the state only then */
    d->fail = SAT_E_FORMAT;
    d->fail_at = at;
    return sat_err_set(err, SAT_E_FORMAT, "postings byte %zu: %.400s", at, what);
}

/* The message of a decoder that failed before (its first message may be gone). */
static int dec_failed_again(const sat_postings_dec *d, sat_err *err)
{
    return sat_err_set(err, d->fail, "postings byte %zu: list refused before", d->fail_at);
}

int sat_postings_open(sat_postings_dec *d, const void *buf, size_t len, sat_err *err)
{
    sat_cursor c = sat_cursor_make(buf, len);
    uint64_t need, chunks;
    uint32_t count;
    size_t rest;
    int rc;

    if (d == NULL || (buf == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "postings: no decoder or no bytes");
    *d = (sat_postings_dec){0};
    d->base = buf;
    d->state = DEC_FRESH;
    if (len == 0)
        return dec_fail(d, 0, err, "empty list: no document count");
    d->end = d->base + len;
    if ((rc = sat_cursor_varint(&c, &count)) != 0)
        return dec_fail(d, 0, err, "document count: varint %s", sat_varint_problem(rc));
    d->p = (const unsigned char *)c.p;
    d->off = 0;
    d->count = count;
    d->left = count;
    d->floor = 0;
    if (count == 0)
        return 0; /* nothing may follow: checked by sat_postings_next */
    d->fcode_at = (uint8_t)(d->p - d->base);
    if (d->p == d->end)
        return dec_fail(d, d->fcode_at, err, "document count %u: no frequency code byte",
                        (unsigned)count);
    d->fcode = *d->p++;
    if (d->fcode >= SAT_POSTINGS_FCODES)
        return dec_fail(d, d->fcode_at, err, "frequency code %u above %u", (unsigned)d->fcode,
                        SAT_POSTINGS_FCODES - 1u);
    d->frice = d->fcode >= 1 && d->fcode <= 6;
    d->fpar = (uint8_t)(d->frice ? d->fcode - 1 : d->fcode > 6 ? d->fcode - 6 : 0);
    /* every doc takes at least a gap bit and the code's shortest frequency, every
     * chunk 5 bits more */
    rest = (size_t)(d->end - d->p);
    chunks = (count + (uint64_t)SAT_POSTINGS_CHUNK - 1) / SAT_POSTINGS_CHUNK;
    need = (uint64_t)count * (1 + freq_len_min(d->fcode)) + 5 * chunks;
    if (need / 8 + (need % 8 != 0) > rest)
        return dec_fail(d, 0, err, "document count %u: only %zu bits follow (%llu or more needed)",
                        (unsigned)count, rest * 8, (unsigned long long)need);
    return 0;
}

uint32_t sat_postings_count(const sat_postings_dec *d)
{
    return d->count;
}

/* ---- bit reading ----
 * The next bit is bit `off` (0 = most significant) of the byte at p. A window is the
 * 64 bits from there, read as one big-endian word (shifted by off), with zeros past
 * the end of the list; `valid` says how many are the list's. */

static inline uint64_t load_be64(const unsigned char *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* The window at (p, off) and its number of valid bits (64 - off when 8 or more bytes
 * are left: at least 57). */
static inline uint64_t br_window(const unsigned char *p, const unsigned char *end, unsigned off,
                                 unsigned *valid)
{
    unsigned char tail[8] = {0};
    size_t left = (size_t)(end - p);

    if (left >= 8) {
        *valid = 64 - off;
        return load_be64(p) << off;
    }
    if (left > 0)
        memcpy(tail, p, left);
    *valid = (unsigned)(left * 8) - off;
    return load_be64(tail) << off;
}

/* Moves (p, off) on by n bits. */
#define BR_SKIP(p, off, n)                                                                         \
    do {                                                                                           \
        (off) += (n);                                                                              \
        (p) += (off) >> 3;                                                                         \
        (off) &= 7;                                                                                \
    } while (0)

/* A read position for the slow path, and what its readers return. */
typedef struct bitrd {
    const unsigned char *p, *end;
    unsigned off;
} bitrd;

enum { RD_OK, RD_SHORT, RD_LONG };

/* A run of one-bits and the zero-bit ending it: *q receives the run's length. RD_LONG
 * when it is longer than max (read no further than that), RD_SHORT when the bits end
 * first. Linear in the run's bytes. */
static int rd_ones(bitrd *r, uint64_t max, uint64_t *q)
{
    unsigned valid, ones;
    uint64_t w;

    *q = 0;
    for (;;) {
        w = br_window(r->p, r->end, r->off, &valid);
        ones = ~w ? (unsigned)__builtin_clzll(~w) : 64; /* at most valid */
        if (ones < valid) {
            *q += ones;
            BR_SKIP(r->p, r->off, ones + 1);
            return *q > max ? RD_LONG : RD_OK;
        }
        if (valid == 0)
            return RD_SHORT;
        *q += valid;
        BR_SKIP(r->p, r->off, valid);
        if (*q > max)
            return RD_LONG;
    }
}

/* A run of zero-bits ending at a one-bit (not read): *z receives its length. RD_LONG
 * when it is longer than max (<= 56), RD_SHORT when only zero-bits are left. */
static int rd_zeros(bitrd *r, unsigned max, unsigned *z)
{
    unsigned valid;
    uint64_t w = br_window(r->p, r->end, r->off, &valid);

    *z = w ? (unsigned)__builtin_clzll(w) : 64;
    if (*z >= valid && valid <= max)
        return RD_SHORT;
    if (*z > max)
        return RD_LONG;
    BR_SKIP(r->p, r->off, *z);
    return RD_OK;
}

/* The next n bits (1 <= n <= 56) as a number. */
static int rd_bits(bitrd *r, unsigned n, uint64_t *v)
{
    unsigned valid;
    uint64_t w = br_window(r->p, r->end, r->off, &valid);

    if (valid < n)
        return RD_SHORT;
    *v = w >> (64 - n);
    BR_SKIP(r->p, r->off, n);
    return RD_OK;
}

/* The number of the doc being read (1-based) and of the chunk that ended. */
#define DOC_NO(d) ((unsigned)((d)->count - (d)->left + 1))
#define CHUNK_NO(d) ((unsigned)(((d)->count - (d)->left - 1) / SAT_POSTINGS_CHUNK + 1))

/* The end of a chunk: k is the one the encoder would choose, and the packed lengths of
 * its small frequencies go to fbits. */
static int dec_chunk_end(sat_postings_dec *d, sat_err *err)
{
    uint64_t n = d->chunk_n, mask = (UINT64_C(1) << FIELD_BITS) - 1;
    unsigned c;

    for (c = 0; c < 5; c++) {
        d->fbits[c] += d->fsmall[0] >> (FIELD_BITS * c) & mask;
        d->fbits[c + 5] += d->fsmall[1] >> (FIELD_BITS * c) & mask;
    }
    d->fsmall[0] = d->fsmall[1] = 0;
    if (d->k > 0 && n + d->sum_k >= d->sum_below)
        return dec_fail(d, d->k_at, err,
                        "chunk %u: Rice parameter %u is not the encoder's: %u takes no more bits",
                        CHUNK_NO(d), (unsigned)d->k, d->k - 1u);
    if (d->k < SAT_POSTINGS_K_MAX && d->sum_k > n + d->sum_above)
        return dec_fail(d, d->k_at, err,
                        "chunk %u: Rice parameter %u is not the encoder's: %u takes fewer bits",
                        CHUNK_NO(d), (unsigned)d->k, d->k + 1u);
    return 0;
}

/* Ends the chunk before (if any) and reads the next one's k. */
static int dec_chunk(sat_postings_dec *d, sat_err *err) __attribute__((noinline));

static int dec_chunk(sat_postings_dec *d, sat_err *err)
{
    bitrd r = {d->p, d->end, d->off};
    uint64_t k;
    int rc;

    if (d->chunk_n > 0 && (rc = dec_chunk_end(d, err)) != 0)
        return rc;
    d->k_at = (size_t)(d->p - d->base);
    if (rd_bits(&r, 5, &k) != RD_OK)
        return dec_fail(d, d->k_at, err, "doc %u of %u: chunk header truncated", DOC_NO(d),
                        (unsigned)d->count);
    if (k > SAT_POSTINGS_K_MAX)
        return dec_fail(d, d->k_at, err, "doc %u of %u: chunk Rice parameter %u above %u",
                        DOC_NO(d), (unsigned)d->count, (unsigned)k, SAT_POSTINGS_K_MAX);
    d->k = (uint8_t)k;
    d->p = r.p;
    d->off = (uint8_t)r.off;
    d->chunk_n = (uint8_t)(d->left < SAT_POSTINGS_CHUNK ? d->left : SAT_POSTINGS_CHUNK);
    d->chunk_left = d->chunk_n;
    d->sum_k = d->sum_below = d->sum_above = 0;
    return 0;
}

/* The end of the bits after the last doc: the last chunk's k, zero padding, no
 * trailing bytes, and fcode the one the encoder would choose. */
static int dec_end(sat_postings_dec *d, sat_err *err)
{
    size_t at = (size_t)(d->p - d->base), trailing = (size_t)(d->end - d->p);
    uint64_t mine;
    unsigned c;
    int rc;

    if (d->chunk_n > 0 && (rc = dec_chunk_end(d, err)) != 0)
        return rc;
    if (d->off > 0 && (*d->p & (0xffu >> d->off)) != 0)
        return dec_fail(d, at, err, "padding bits after the last of %u documents are not 0",
                        (unsigned)d->count);
    if (d->off > 0) {
        at++;
        trailing--;
    }
    if (trailing > 0)
        return dec_fail(d, at, err, "%zu trailing byte(s) after the last of %u documents", trailing,
                        (unsigned)d->count);
    mine = d->fbits[d->fcode];
    for (c = 0; d->count > 0 && c < SAT_POSTINGS_FCODES; c++)
        if (c < d->fcode ? d->fbits[c] <= mine : d->fbits[c] < mine)
            return dec_fail(d, d->fcode_at, err,
                            "frequency code %u is not the encoder's: code %u takes %llu bits, "
                            "not %llu",
                            (unsigned)d->fcode, c, (unsigned long long)d->fbits[c],
                            (unsigned long long)mine);
    d->state = DEC_DONE;
    return 0;
}

/* The failure of a doc number past UINT32_MAX (kept out of the decoding path). */
static int dec_fail_top(sat_postings_dec *d, uint64_t v, sat_err *err)
    __attribute__((noinline, cold));

static int dec_fail_top(sat_postings_dec *d, uint64_t v, sat_err *err)
{
    return dec_fail(d, (size_t)(d->p - d->base), err, "doc number %u + 1 + %llu exceeds 32 bits",
                    (unsigned)(d->floor - 1), (unsigned long long)v);
}

/* Accepts the doc at gap v with q = v >> k and frequency freq, its bits ending at
 * (p, off): the doc number is checked, the sums for k and fcode updated, d moved on. */
static inline int dec_accept(sat_postings_dec *d, const unsigned char *p, unsigned off, uint64_t q,
                             uint64_t v, uint32_t freq, sat_err *err)
{
    uint64_t doc = d->floor + v;

    if (__builtin_expect(doc > UINT32_MAX, 0))
        return dec_fail_top(d, v, err);
    d->doc = (uint32_t)doc;
    d->floor = doc + 1;
    d->sum_k += q;
    d->sum_below += v << 1 >> d->k; /* v >> (k - 1) when k > 0 */
    d->sum_above += v >> (d->k + 1);
    if (__builtin_expect(freq < FSMALL, 1)) {
        d->fsmall[0] += small_lens[freq][0];
        d->fsmall[1] += small_lens[freq][1];
    } else {
        freq_lens_add(d->fbits, freq);
    }
    d->freq = freq;
    d->p = p;
    d->off = (uint8_t)off;
    d->left--;
    d->chunk_left--;
    d->state = DEC_ON;
    return 1;
}

/* The next doc wherever its bits lie, with every check (sat_postings_next decodes
 * docs whose bits all lie in one window itself: the 64 bits from the next one, or what
 * is left of the list). */
static int dec_next_slow(sat_postings_dec *d, sat_err *err) __attribute__((noinline));

static int dec_next_slow(sat_postings_dec *d, sat_err *err)
{
    bitrd r = {d->p, d->end, d->off};
    unsigned k = d->k, j = d->fpar, zeros;
    uint64_t q = 0, v, low = 0, fq, y, qmax = UINT32_MAX >> k;
    size_t start = (size_t)(r.p - d->base);
    int rc;

    /* gap: Rice code with k */
    rc = rd_ones(&r, qmax, &q);
    if (rc == RD_LONG)
        return dec_fail(d, start, err,
                        "doc %u of %u: gap of more than %llu one-bits (above 32 bits at k = %u)",
                        DOC_NO(d), (unsigned)d->count, (unsigned long long)qmax, k);
    if (rc == RD_SHORT || (k > 0 && rd_bits(&r, k, &low) != RD_OK))
        return dec_fail(d, start, err, "doc %u of %u: gap truncated", DOC_NO(d),
                        (unsigned)d->count);
    v = q << k | low;

    /* freq: Rice code of f - 1 with r = fpar, or y = f - 1 + 2^j after n - j zero-bits
     * (gamma: j = 0, f = y) */
    start = (size_t)(r.p - d->base);
    if (d->frice) {
        uint64_t fmax = (UINT32_MAX - 1u) >> j;
        rc = rd_ones(&r, fmax, &fq);
        if (rc == RD_LONG)
            return dec_fail(d, start, err,
                            "doc %llu: frequency of more than %llu one-bits (above 32 bits)",
                            (unsigned long long)(d->floor + v), (unsigned long long)fmax);
        low = 0;
        if (rc == RD_SHORT || (j > 0 && rd_bits(&r, j, &low) != RD_OK))
            goto freq_truncated;
        y = (fq << j | low) + 1;
    } else {
        unsigned zmax = j == 0 ? GAMMA_N_MAX : 32 - j;
        rc = rd_zeros(&r, zmax, &zeros);
        if (rc == RD_LONG)
            return dec_fail(d, start, err, "doc %llu: frequency prefix of more than %u zero-bits",
                            (unsigned long long)(d->floor + v), zmax);
        if (rc == RD_SHORT || rd_bits(&r, zeros + j + 1, &y) != RD_OK)
            goto freq_truncated;
        y = y - (UINT64_C(1) << j) + 1;
    }
    if (y > UINT32_MAX)
        return dec_fail(d, start, err, "doc %llu: frequency %llu above 32 bits",
                        (unsigned long long)(d->floor + v), (unsigned long long)y);
    return dec_accept(d, r.p, r.off, q, v, (uint32_t)y, err);

freq_truncated:
    return dec_fail(d, start, err, "doc %llu: frequency truncated",
                    (unsigned long long)(d->floor + v));
}

int sat_postings_next(sat_postings_dec *d, sat_err *err)
{
    unsigned avail, off = d->off, k;
    uint64_t w, inv;

    /* between chunks, at the end, or failed (a failed decoder has no chunk left) */
    if (__builtin_expect(d->chunk_left == 0, 0)) {
        int rc;
        if (d->state == DEC_DONE)
            return 0;
        if (d->state == DEC_FAILED)
            return dec_failed_again(d, err);
        if (d->left == 0)
            return dec_end(d, err);
        if ((rc = dec_chunk(d, err)) != 0)
            return rc;
        off = d->off;
    }
    /* the common case: the doc within the window's valid bits */
    k = d->k;
    w = br_window(d->p, d->end, off, &avail);
    inv = ~w;
    if (inv != 0) {
        unsigned ones = (unsigned)__builtin_clzll(inv), used = ones + 1 + k, total = 64;
        if (used < avail) {
            /* the low k bits below the run */
            uint64_t v = (uint64_t)ones << k | (w << (ones + 1) >> 1 >> (63 - k));
            uint64_t rest = w << used, f = 0;
            unsigned j = d->fpar;
            if (d->frice) {
                unsigned q = (unsigned)__builtin_clzll(~rest); /* rest ends in zeros */
                total = used + q + 1 + j;
                if (total <= avail)
                    f = ((uint64_t)q << j | (rest << (q + 1) >> 1 >> (63 - j))) + 1;
            } else if (rest != 0) {
                unsigned zeros = (unsigned)__builtin_clzll(rest), n = zeros + j;
                total = used + zeros + n + 1;
                if (n <= 31 && total <= avail) /* y < 2^32: f fits */
                    f = (rest << zeros >> (63 - n)) - (UINT64_C(1) << j) + 1;
            }
            if (f != 0) {
                const unsigned char *p = d->p;
                BR_SKIP(p, off, total);
                return dec_accept(d, p, off, ones, v, (uint32_t)f, err);
            }
        }
    }
    return dec_next_slow(d, err);
}

int sat_postings_seek(sat_postings_dec *d, uint32_t target, sat_err *err)
{
    int rc;

    if (d->state == DEC_ON && d->doc >= target)
        return 1;
    do {
        rc = sat_postings_next(d, err);
    } while (rc == 1 && d->doc < target);
    return rc;
}

int sat_postings_check(const void *buf, size_t len, uint32_t *count, sat_err *err)
{
    sat_postings_dec d;
    int rc = sat_postings_open(&d, buf, len, err);

    while (rc == 0 && (rc = sat_postings_next(&d, err)) == 1)
        rc = 0;
    if (rc == 0 && count != NULL)
        *count = d.count;
    return rc;
}

/* ======================================================================
 * Combining lists: AND, AND NOT, OR
 * ====================================================================== */

int sat_postings_on(const sat_postings_dec *d, uint32_t doc)
{
    return d->state == DEC_ON && d->doc == doc;
}

int sat_postings_and_next(sat_postings_dec **d, size_t n, sat_err *err)
{
    int fresh = 0, all, rc;
    uint32_t target;
    size_t i;

    if (d == NULL || n == 0)
        return sat_err_set(err, SAT_E_ARG, "postings: AND of no lists");
    for (i = 0; i < n; i++) {
        if (d[i]->state == DEC_FRESH) {
            fresh = 1;
            if ((rc = sat_postings_next(d[i], err)) != 1)
                return rc;
        } else if (d[i]->state != DEC_ON) {
            return sat_postings_next(d[i], err); /* 0 when done, the error when failed */
        }
    }
    /* not the first call: all sit on the doc returned last time; leave it */
    if (!fresh && (rc = sat_postings_next(d[0], err)) != 1)
        return rc;
    do {
        target = d[0]->doc;
        for (i = 1; i < n; i++)
            if (d[i]->doc > target)
                target = d[i]->doc;
        all = 1;
        for (i = 0; i < n; i++) {
            if ((rc = sat_postings_seek(d[i], target, err)) != 1)
                return rc;
            if (d[i]->doc != target)
                all = 0;
        }
    } while (!all);
    return 1;
}

int sat_postings_andnot_next(sat_postings_dec **inc, size_t n_inc, sat_postings_dec **exc,
                             size_t n_exc, sat_err *err)
{
    int rc, out;
    size_t j;

    for (;;) {
        if ((rc = sat_postings_and_next(inc, n_inc, err)) != 1)
            return rc;
        out = 0;
        for (j = 0; j < n_exc && !out; j++) {
            if ((rc = sat_postings_seek(exc[j], inc[0]->doc, err)) < 0)
                return rc;
            out = rc == 1 && exc[j]->doc == inc[0]->doc;
        }
        if (!out)
            return 1;
    }
}

/* The least doc any of d[0..n) is on; returns 0 when all ended. */
static int or_min(sat_postings_dec **d, size_t n, uint32_t *min)
{
    int found = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (d[i]->state == DEC_ON && (!found || d[i]->doc < *min)) {
            *min = d[i]->doc;
            found = 1;
        }
    }
    return found;
}

int sat_postings_or_next(sat_postings_dec **d, size_t n, uint32_t *doc, sat_err *err)
{
    int fresh = 0, rc;
    uint32_t min = 0;
    size_t i;

    if (d == NULL || doc == NULL)
        return sat_err_set(err, SAT_E_ARG, "postings: OR without lists or result");
    for (i = 0; i < n; i++) {
        if (d[i]->state == DEC_FAILED)
            return dec_failed_again(d[i], err);
        if (d[i]->state == DEC_FRESH) {
            fresh = 1;
            if ((rc = sat_postings_next(d[i], err)) < 0)
                return rc;
        }
    }
    /* not the first call: the least doc is the one returned last time; leave it */
    if (!fresh && or_min(d, n, &min)) {
        for (i = 0; i < n; i++)
            if (sat_postings_on(d[i], min) && (rc = sat_postings_next(d[i], err)) < 0)
                return rc;
    }
    if (!or_min(d, n, &min))
        return 0;
    *doc = min;
    return 1;
}
