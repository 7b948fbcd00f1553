/*
 * sat_postings.c - posting lists of search terms: encoder, bounded decoder, and the
 * AND / AND NOT / OR / phrase helpers of queries. Layout in sat_postings.h.
 */
#include "sat_postings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Decoder states (sat_postings_dec.state). */
enum { DEC_FRESH, DEC_ON, DEC_DONE, DEC_FAILED };

/* Longest varint of a uint32. */
#define VARINT_MAX 5

/* ======================================================================
 * Encoder
 * ====================================================================== */

/* Writes v as a varint at p; returns its length (1 to VARINT_MAX). */
static size_t put_varint(unsigned char *p, uint32_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

size_t sat_postings_bound(size_t n, size_t npos)
{
    size_t units;

    /* flags + count, then delta + fm per doc, then one varint per position */
    if (n > (SIZE_MAX - 2) / 2 || npos > SIZE_MAX - 2 - 2 * n)
        return 0;
    units = 2 + 2 * n + npos;
    if (units > SIZE_MAX / VARINT_MAX)
        return 0;
    return units * VARINT_MAX;
}

/* Checks posting i against the rules of the layout; adds its positions to *npos. */
static int posting_check(const sat_posting *p, size_t i, int with_positions, size_t *npos,
                         sat_err *err)
{
    uint32_t k;

    if (i > 0 && p[i].doc <= p[i - 1].doc)
        return sat_err_set(err, SAT_E_ARG, "postings: posting %zu: doc %u does not follow doc %u",
                           i, (unsigned)p[i].doc, (unsigned)p[i - 1].doc);
    if (p[i].mask == 0 || p[i].mask > SAT_FIELD_ALL)
        return sat_err_set(err, SAT_E_ARG, "postings: posting %zu (doc %u): field mask 0x%x", i,
                           (unsigned)p[i].doc, (unsigned)p[i].mask);
    if (p[i].freq == 0 || p[i].freq > SAT_POSTINGS_FREQ_MAX)
        return sat_err_set(
            err, SAT_E_ARG, "postings: posting %zu (doc %u): frequency %u not in 1..%u", i,
            (unsigned)p[i].doc, (unsigned)p[i].freq, (unsigned)SAT_POSTINGS_FREQ_MAX);
    if (!with_positions)
        return 0;
    if (p[i].pos == NULL)
        return sat_err_set(err, SAT_E_ARG, "postings: posting %zu (doc %u): no positions", i,
                           (unsigned)p[i].doc);
    for (k = 1; k < p[i].freq; k++)
        if (p[i].pos[k] <= p[i].pos[k - 1])
            return sat_err_set(err, SAT_E_ARG,
                               "postings: posting %zu (doc %u): position %u does not follow "
                               "position %u",
                               i, (unsigned)p[i].doc, (unsigned)p[i].pos[k],
                               (unsigned)p[i].pos[k - 1]);
    if (*npos > SIZE_MAX - p[i].freq)
        return sat_err_set(err, SAT_E_ARG, "postings: too many positions");
    *npos += p[i].freq;
    return 0;
}

int sat_postings_encode(sat_buf *out, const sat_posting *p, size_t n, int with_positions,
                        sat_err *err)
{
    unsigned char *tmp = NULL;
    size_t npos = 0, bound, len = 0, i;
    uint32_t k;
    int rc;

    if (out == NULL || (p == NULL && n > 0))
        return sat_err_set(err, SAT_E_ARG, "postings: no output or no postings");
    if (n > UINT32_MAX)
        return sat_err_set(err, SAT_E_ARG, "postings: %zu documents (at most %u)", n,
                           (unsigned)UINT32_MAX);
    for (i = 0; i < n; i++) {
        rc = posting_check(p, i, with_positions, &npos, err);
        if (rc != 0)
            return rc;
    }
    bound = sat_postings_bound(n, npos);
    if (bound == 0 || (tmp = malloc(bound)) == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "postings: out of memory for %zu documents", n);

    tmp[len++] = with_positions ? SAT_POSTINGS_HAS_POSITIONS : 0;
    len += put_varint(tmp + len, (uint32_t)n);
    for (i = 0; i < n; i++) {
        len += put_varint(tmp + len, i == 0 ? p[i].doc : p[i].doc - p[i - 1].doc);
        len += put_varint(tmp + len, p[i].freq << 3 | p[i].mask);
        if (!with_positions)
            continue;
        for (k = 0; k < p[i].freq; k++)
            len += put_varint(tmp + len, k == 0 ? p[i].pos[0] : p[i].pos[k] - p[i].pos[k - 1]);
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
static int dec_fail(sat_postings_dec *d, const char *at, sat_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int dec_fail(sat_postings_dec *d, const char *at, sat_err *err, const char *fmt, ...)
{
    char what[SAT_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    d->state = DEC_FAILED;
    d->fail = SAT_E_FORMAT;
    d->fail_at = (size_t)(at - d->base);
    return sat_err_set(err, SAT_E_FORMAT, "postings byte %zu: %.400s", d->fail_at, what);
}

/* dec_varint past its one-byte fast path: the cursor's full read, or the message. */
static int dec_varint_slow(sat_postings_dec *d, sat_cursor *c, uint32_t *v, const char *what,
                           sat_err *err)
{
    static const char *const problem[] = {"", "truncated", "longer than 5 bytes",
                                          "overflows 32 bits", "not in its shortest form"};
    int rc = sat_cursor_varint(c, v);

    if (rc == 0)
        return 0;
    return dec_fail(d, c->p, err, "%s: varint %s", what, problem[-rc]);
}

/* Reads one varint (named `what` in messages) from *c, a cursor within d's list. */
static inline int dec_varint(sat_postings_dec *d, sat_cursor *c, uint32_t *v, const char *what,
                             sat_err *err)
{
    /* most deltas, fm values and position gaps take one byte */
    if (c->p < c->end && !(*c->p & 0x80)) {
        *v = (unsigned char)*c->p++;
        return 0;
    }
    return dec_varint_slow(d, c, v, what, err);
}

/* The message of a decoder that failed before (its first message may be gone). */
static int dec_failed_again(const sat_postings_dec *d, sat_err *err)
{
    return sat_err_set(err, d->fail, "postings byte %zu: list refused before", d->fail_at);
}

/* The fewest bytes a document takes: delta and fm, and a position when the list has
 * positions (freq is at least 1). */
static unsigned dec_min_doc(const sat_postings_dec *d)
{
    return d->flags & SAT_POSTINGS_HAS_POSITIONS ? 3 : 2;
}

int sat_postings_open(sat_postings_dec *d, const void *buf, size_t len, sat_err *err)
{
    uint32_t count;
    int rc;

    if (d == NULL || (buf == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "postings: no decoder or no bytes");
    *d = (sat_postings_dec){0};
    d->base = buf;
    d->c = sat_cursor_make(buf, len);
    d->state = DEC_FRESH;
    if (len == 0)
        return dec_fail(d, d->c.p, err, "empty list: no flags byte");
    d->flags = (uint8_t)*d->c.p++;
    if (d->flags & ~SAT_POSTINGS_HAS_POSITIONS)
        return dec_fail(d, d->base, err, "unknown flags 0x%02x", (unsigned)d->flags);
    rc = dec_varint(d, &d->c, &count, "document count", err);
    if (rc != 0)
        return rc;
    if (count > sat_cursor_left(&d->c) / dec_min_doc(d))
        return dec_fail(d, d->base + 1, err,
                        "document count %u: only %zu bytes follow (%u or more per document)",
                        (unsigned)count, sat_cursor_left(&d->c), (unsigned)dec_min_doc(d));
    d->count = count;
    d->left = count;
    return 0;
}

uint32_t sat_postings_count(const sat_postings_dec *d)
{
    return d->count;
}

int sat_postings_has_positions(const sat_postings_dec *d)
{
    return (d->flags & SAT_POSTINGS_HAS_POSITIONS) != 0;
}

/* Reads the current document's positions (into out when not NULL) and records their
 * end. The count was bounded by the bytes left in sat_postings_next. */
static int dec_positions(sat_postings_dec *d, uint32_t *out, sat_err *err)
{
    sat_cursor c = sat_cursor_make(d->pos_start, (size_t)(d->c.end - d->pos_start));
    uint32_t k, v, at = 0;
    int rc;

    for (k = 0; k < d->freq; k++) {
        const char *here = c.p;
        rc = dec_varint(d, &c, &v, "position", err);
        if (rc != 0)
            return rc;
        if (k > 0 && v == 0)
            return dec_fail(d, here, err, "doc %u: position does not increase (delta 0 after %u)",
                            (unsigned)d->doc, (unsigned)at);
        if (k > 0 && v > UINT32_MAX - at)
            return dec_fail(d, here, err, "doc %u: position %u + %u exceeds 32 bits",
                            (unsigned)d->doc, (unsigned)at, (unsigned)v);
        at = k == 0 ? v : at + v;
        if (out != NULL)
            out[k] = at;
    }
    d->pos_end = c.p;
    return 0;
}

int sat_postings_next(sat_postings_dec *d, sat_err *err)
{
    const char *here;
    uint32_t delta, fm, freq;
    int rc;

    if (d->state == DEC_DONE)
        return 0;
    if (d->state == DEC_FAILED)
        return dec_failed_again(d, err);
    if (d->state == DEC_ON && sat_postings_has_positions(d)) {
        if (d->pos_end == NULL && (rc = dec_positions(d, NULL, err)) != 0)
            return rc;
        d->c.p = d->pos_end;
    }
    if (d->left == 0) {
        if (sat_cursor_left(&d->c) != 0)
            return dec_fail(d, d->c.p, err, "%zu trailing byte(s) after the last of %u documents",
                            sat_cursor_left(&d->c), (unsigned)d->count);
        d->state = DEC_DONE;
        return 0;
    }
    here = d->c.p;
    if ((rc = dec_varint(d, &d->c, &delta, "doc delta", err)) != 0)
        return rc;
    if (d->left == d->count) {
        d->doc = delta;
    } else if (delta == 0) {
        return dec_fail(d, here, err, "doc number does not increase (delta 0 after doc %u)",
                        (unsigned)d->doc);
    } else if (delta > UINT32_MAX - d->doc) {
        return dec_fail(d, here, err, "doc number %u + %u exceeds 32 bits", (unsigned)d->doc,
                        (unsigned)delta);
    } else {
        d->doc += delta;
    }
    here = d->c.p;
    if ((rc = dec_varint(d, &d->c, &fm, "frequency and mask", err)) != 0)
        return rc;
    freq = fm >> 3;
    if ((fm & SAT_FIELD_ALL) == 0)
        return dec_fail(d, here, err, "doc %u: field mask 0", (unsigned)d->doc);
    if (freq == 0)
        return dec_fail(d, here, err, "doc %u: term frequency 0", (unsigned)d->doc);
    d->left--;
    if (sat_postings_has_positions(d)) {
        /* freq positions of a byte or more, then the later documents */
        size_t avail = sat_cursor_left(&d->c), later = (size_t)d->left * dec_min_doc(d);
        if (avail < later || freq > avail - later)
            return dec_fail(d, here, err,
                            "doc %u: %u positions and %u more documents do not fit in the %zu "
                            "bytes left",
                            (unsigned)d->doc, (unsigned)freq, (unsigned)d->left, avail);
        d->pos_start = d->c.p;
        d->pos_end = NULL;
    }
    d->mask = (uint8_t)(fm & SAT_FIELD_ALL);
    d->freq = freq;
    d->state = DEC_ON;
    return 1;
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

int sat_postings_positions(sat_postings_dec *d, uint32_t *out, size_t cap, sat_err *err)
{
    if (d->state == DEC_FAILED)
        return dec_failed_again(d, err);
    if (d->state != DEC_ON || !sat_postings_has_positions(d) || out == NULL || cap < d->freq)
        return sat_err_set(err, SAT_E_ARG,
                           "postings: positions asked without a current document, of a list "
                           "without positions, or into %zu places for %u",
                           cap, (unsigned)d->freq);
    return dec_positions(d, out, err);
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

/* ======================================================================
 * Phrases
 * ====================================================================== */

/* Index of the first element of a[0..n) that is >= v (n when none). */
static size_t lower_bound(const uint32_t *a, size_t n, uint64_t v)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int sat_postings_phrase(const uint32_t *const *pos, const size_t *len, size_t n, uint32_t *first)
{
    uint64_t want = 0; /* the least start not ruled out yet */
    size_t i, k, j = 0;

    if (pos == NULL || len == NULL || n == 0)
        return 0;
    for (;;) {
        uint64_t p;
        k = lower_bound(pos[0], len[0], want);
        if (k == len[0])
            return 0;
        p = pos[0][k];
        for (i = 1; i < n; i++) {
            if (p + i > UINT32_MAX)
                return 0;
            j = lower_bound(pos[i], len[i], p + i);
            if (j == len[i])
                return 0;
            if (pos[i][j] != p + i)
                break;
        }
        if (i == n) {
            if (first != NULL)
                *first = (uint32_t)p;
            return 1;
        }
        /* term i is next found at pos[i][j] > p + i: no start before pos[i][j] - i */
        want = pos[i][j] - (uint64_t)i;
    }
}
