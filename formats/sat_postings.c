/*
 * sat_postings.c - posting lists of search terms: Rice-coded gaps and Elias-gamma
 * frequencies (layout in sat_postings.h): encoder, bounded decoder, and the AND /
 * AND NOT / OR helpers of queries.
 */
#include "sat_postings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_cursor.h"

/* Decoder states (sat_postings_dec.state). */
enum { DEC_FRESH, DEC_ON, DEC_DONE, DEC_FAILED };

/* Longest Elias gamma prefix: freq < 2^32. */
#define GAMMA_N_MAX 31

/* ======================================================================
 * Encoder
 * ====================================================================== */

size_t sat_postings_bound(size_t n)
{
    /* count and k; per doc at most 25 gap bits besides the q one-bits and 63
     * frequency bits (11 bytes); the gaps sum to less than 2^32, so at k = 24 (and
     * so at the chosen k, which is no longer) all q together are at most 256 bits */
    if (n > (SIZE_MAX - SAT_VARINT_MAX - 1 - 32) / 11)
        return 0;
    return SAT_VARINT_MAX + 1 + 32 + 11 * n;
}

/* The gap v of posting i (p[0..i] checked). */
static inline uint32_t gap_of(const sat_posting *p, size_t i)
{
    return i == 0 ? p[0].doc : p[i].doc - p[i - 1].doc - 1;
}

/* Bits of all gaps with Rice parameter k. */
static uint64_t gap_bits(const sat_posting *p, size_t n, unsigned k)
{
    uint64_t bits = (uint64_t)n * (k + 1);
    size_t i;

    for (i = 0; i < n; i++)
        bits += gap_of(p, i) >> k;
    return bits;
}

/* The k of the layout for p[0..n) (n >= 1): fewest gap bits, the smallest on a tie.
 * The bit count is convex in k, so a walk downhill from the mean gap's log finds it.
 * Sets *bits to the gap bits at that k. */
static unsigned choose_k(const sat_posting *p, size_t n, uint64_t *bits)
{
    uint64_t mean = gap_bits(p, n, 0) / n, f, fk;
    unsigned k = 0;
    int moved = 0;

    while (k < SAT_POSTINGS_K_MAX && (mean >> (k + 1)) != 0)
        k++;
    fk = gap_bits(p, n, k);
    while (k > 0 && (f = gap_bits(p, n, k - 1)) <= fk) {
        k--;
        fk = f;
        moved = 1;
    }
    while (!moved && k < SAT_POSTINGS_K_MAX && (f = gap_bits(p, n, k + 1)) < fk) {
        k++;
        fk = f;
    }
    *bits = fk;
    return k;
}

/* floor(log2(v)) for v >= 1. */
static inline unsigned log2_u32(uint32_t v)
{
    return 31u - (unsigned)__builtin_clz(v);
}

/* A bit writer: acc holds n (< 8 between calls) bits not yet written to p. */
typedef struct bitwr {
    unsigned char *p;
    uint64_t acc;
    unsigned n;
} bitwr;

/* Appends the low n bits of v (n <= 32, v < 2^n), most significant first. */
static inline void bw_put(bitwr *w, uint64_t v, unsigned n)
{
    w->acc = w->acc << n | v;
    w->n += n;
    while (w->n >= 8) {
        w->n -= 8;
        *w->p++ = (unsigned char)(w->acc >> w->n);
    }
}

/* Writes the bit stream of p[0..n) with parameter k. */
static void write_bits(unsigned char *out, const sat_posting *p, size_t n, unsigned k)
{
    bitwr w = {out, 0, 0};
    size_t i;

    for (i = 0; i < n; i++) {
        uint32_t v = gap_of(p, i), q = v >> k, f = p[i].freq;
        unsigned e = log2_u32(f);
        for (; q >= 32; q -= 32)
            bw_put(&w, 0xffffffffu, 32);
        bw_put(&w, ((UINT64_C(1) << q) - 1) << 1, q + 1);
        if (k > 0)
            bw_put(&w, v & ((UINT32_C(1) << k) - 1), k);
        if (e > 0)
            bw_put(&w, 0, e);
        bw_put(&w, f, e + 1);
    }
    if (w.n > 0)
        *w.p = (unsigned char)(w.acc << (8 - w.n));
}

int sat_postings_encode(sat_buf *out, const sat_posting *p, size_t n, sat_err *err)
{
    unsigned char *tmp = NULL;
    uint64_t bits = 0;
    size_t len, i;
    unsigned k = 0;
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
    if (n > 0) {
        k = choose_k(p, n, &bits);
        for (i = 0; i < n; i++)
            bits += 2 * log2_u32(p[i].freq) + 1;
    }
    /* within sat_postings_bound (n fits in memory as postings of 8 bytes) */
    len = SAT_VARINT_MAX + 1 + (size_t)((bits + 7) / 8);
    if ((tmp = malloc(len)) == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "postings: out of memory for %zu documents", n);
    len = sat_varint_put(tmp, (uint32_t)n);
    if (n > 0) {
        tmp[len++] = (unsigned char)k;
        write_bits(tmp + len, p, n, k);
        len += (size_t)((bits + 7) / 8);
    }
    rc = sat_buf_append(out, tmp, len);
    free(tmp);
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
    uint64_t need;
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
    d->k_at = (size_t)(d->p - d->base);
    if (d->p == d->end)
        return dec_fail(d, d->k_at, err, "document count %u: no Rice parameter byte",
                        (unsigned)count);
    d->k = *d->p++;
    if (d->k > SAT_POSTINGS_K_MAX)
        return dec_fail(d, d->k_at, err, "Rice parameter %u above %u", (unsigned)d->k,
                        (unsigned)SAT_POSTINGS_K_MAX);
    /* every doc takes at least k + 2 bits: a zero-bit, k bits, a frequency bit */
    rest = (size_t)(d->end - d->p);
    need = (uint64_t)count * (d->k + 2u);
    if (need / 8 + (need % 8 != 0) > rest)
        return dec_fail(d, 0, err,
                        "document count %u: only %zu bits follow (%u or more per document)",
                        (unsigned)count, rest * 8, d->k + 2u);
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

/* The end of the bits after the last doc: zero padding, no trailing bytes, and k the
 * one the encoder would choose. */
static int dec_end(sat_postings_dec *d, sat_err *err)
{
    uint64_t n = d->count;
    size_t at = (size_t)(d->p - d->base), trailing = (size_t)(d->end - d->p);

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
    if (n > 0 && d->k > 0 && n + d->sum_k >= d->sum_below)
        return dec_fail(d, d->k_at, err,
                        "Rice parameter %u is not the encoder's: %u takes no more bits",
                        (unsigned)d->k, d->k - 1u);
    if (n > 0 && d->k < SAT_POSTINGS_K_MAX && d->sum_k > n + d->sum_above)
        return dec_fail(d, d->k_at, err,
                        "Rice parameter %u is not the encoder's: %u takes fewer bits",
                        (unsigned)d->k, d->k + 1u);
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
 * (p, off): the doc number is checked, the sums for k updated, d moved on. */
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
    d->freq = freq;
    d->p = p;
    d->off = (uint8_t)off;
    d->left--;
    d->state = DEC_ON;
    return 1;
}

/* The next doc wherever its bits lie, with every check (sat_postings_next decodes
 * docs whose bits all lie in one window itself). */
static int dec_next_slow(sat_postings_dec *d, sat_err *err) __attribute__((noinline));

static int dec_next_slow(sat_postings_dec *d, sat_err *err)
{
    const unsigned char *p = d->p;
    unsigned off = d->off, k = d->k, valid, ones, zeros;
    uint64_t q = 0, v, w, qmax = UINT32_MAX >> k;
    size_t start = (size_t)(p - d->base);
    uint32_t low = 0, freq;

    /* gap: q one-bits and a zero-bit, counted a window at a time */
    for (;;) {
        w = br_window(p, d->end, off, &valid);
        ones = ~w ? (unsigned)__builtin_clzll(~w) : 64; /* at most valid */
        if (ones < valid) {
            q += ones;
            BR_SKIP(p, off, ones + 1);
            break;
        }
        if (valid == 0)
            goto gap_truncated;
        q += valid;
        BR_SKIP(p, off, valid);
        if (q > qmax)
            break;
    }
    if (q > qmax)
        return dec_fail(
            d, start, err, "doc %u of %u: gap of more than %llu one-bits (above 32 bits at k = %u)",
            (unsigned)(d->count - d->left + 1), (unsigned)d->count, (unsigned long long)qmax, k);
    if (k > 0) {
        w = br_window(p, d->end, off, &valid);
        if (valid < k)
            goto gap_truncated;
        low = (uint32_t)(w >> (64 - k));
        BR_SKIP(p, off, k);
    }
    v = q << k | low;

    /* freq: Elias gamma */
    start = (size_t)(p - d->base);
    w = br_window(p, d->end, off, &valid);
    zeros = w ? (unsigned)__builtin_clzll(w) : 64;
    if (zeros >= valid && valid <= GAMMA_N_MAX) /* only zero-bits left */
        goto freq_truncated;
    if (zeros > GAMMA_N_MAX)
        return dec_fail(d, start, err, "doc %llu: frequency prefix of more than %u zero-bits",
                        (unsigned long long)(d->floor + v), GAMMA_N_MAX);
    BR_SKIP(p, off, zeros);
    w = br_window(p, d->end, off, &valid);
    if (valid < zeros + 1)
        goto freq_truncated;
    freq = (uint32_t)(w >> (63 - zeros));
    BR_SKIP(p, off, zeros + 1);
    return dec_accept(d, p, off, q, v, freq, err);

gap_truncated:
    return dec_fail(d, start, err, "doc %u of %u: gap truncated",
                    (unsigned)(d->count - d->left + 1), (unsigned)d->count);
freq_truncated:
    return dec_fail(d, start, err, "doc %llu: frequency truncated",
                    (unsigned long long)(d->floor + v));
}

int sat_postings_next(sat_postings_dec *d, sat_err *err)
{
    if (__builtin_expect(d->state >= DEC_DONE || d->left == 0, 0)) {
        if (d->state == DEC_DONE)
            return 0;
        if (d->state == DEC_FAILED)
            return dec_failed_again(d, err);
        return dec_end(d, err);
    }
    /* the common case: 8 bytes left and the doc within the window's 64 - off bits */
    if (d->end - d->p >= 8) {
        unsigned off = d->off, k = d->k;
        uint64_t w = load_be64(d->p) << off, inv = ~w;
        if (inv != 0) {
            unsigned ones = (unsigned)__builtin_clzll(inv), used = ones + 1 + k;
            if (used < 64 - off) {
                uint64_t rest = w << used;
                unsigned zeros = rest ? (unsigned)__builtin_clzll(rest) : 64;
                unsigned total = used + 2 * zeros + 1;
                if (total <= 64 - off) {
                    /* the low k bits below the run; the gamma value (zeros <= 31 here) */
                    uint64_t v = (uint64_t)ones << k | (w << (ones + 1) >> 1 >> (63 - k));
                    uint32_t freq = (uint32_t)(rest << zeros >> (63 - zeros));
                    const unsigned char *p = d->p;
                    BR_SKIP(p, off, total);
                    return dec_accept(d, p, off, ones, v, freq, err);
                }
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
