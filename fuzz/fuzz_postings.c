/*
 * fuzz_postings.c - the posting-list decoder (sat_postings_*) on fuzzer bytes.
 *
 * The whole input is decoded as one list; then, taking byte 0 as a length L, bytes
 * 1..L and the rest as two lists, which are combined with AND, AND NOT and OR.
 * Oracles: a list that decodes re-encodes to exactly its bytes, and sat_postings_check
 * agrees with the iterator; AND / AND NOT / OR return exactly the docs a merge of the
 * two decoded lists gives; the phrase helper agrees with a direct search on each
 * doc's positions taken twice ("w w") and with a shifted copy.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_postings.h"

/* A list decoded whole: postings and the pool their positions point into. Sizes are
 * bounded by the input (2 bytes or more per doc, 1 or more per position). */
typedef struct decoded {
    sat_posting *p;
    uint32_t *pool;
    size_t n;
    int pos;
} decoded;

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (p == NULL)
        fuzz_fail("out of memory");
    return p;
}

/* 1 if some p has p in a[] and p + 1 in b[] (direct search); *first the least. */
static int phrase2_direct(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          uint32_t *first)
{
    size_t i, j;

    for (i = 0; i < na; i++)
        for (j = 0; j < nb; j++)
            if ((uint64_t)a[i] + 1 == b[j]) {
                *first = a[i];
                return 1;
            }
    return 0;
}

/* Checks the phrase helper on one doc's positions against the direct search. */
static void phrase_check(const uint32_t *pos, size_t n)
{
    const uint32_t *q[3] = {pos, pos, pos};
    size_t len[3] = {n, n, n};
    uint32_t want = 0, got = 0;
    int hit;

    if (n > 64) /* the direct search is quadratic */
        return;
    hit = phrase2_direct(pos, n, pos, n, &want);
    if (sat_postings_phrase(q, len, 2, &got) != hit || (hit && got != want))
        fuzz_fail("phrase 'w w' over %zu positions: helper and direct search differ", n);
    if (sat_postings_phrase(q, len, 1, &got) != (n > 0) || (n > 0 && got != pos[0]))
        fuzz_fail("phrase of one term does not give its first position");
}

/* Decodes buf whole into *out (free with decoded_free, also after an error). Returns 0
 * or the error. */
static int decode_all(const uint8_t *buf, size_t len, decoded *out)
{
    sat_postings_dec d;
    sat_err err;
    size_t used = 0;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = sat_postings_open(&d, buf, len, &err)) != 0)
        return rc;
    out->pos = sat_postings_has_positions(&d);
    out->p = xcalloc(sat_postings_count(&d), sizeof *out->p);
    out->pool = xcalloc(len, sizeof *out->pool);
    while ((rc = sat_postings_next(&d, &err)) == 1) {
        sat_posting *p = &out->p[out->n++];
        p->doc = d.doc;
        p->mask = d.mask;
        p->freq = d.freq;
        if (!out->pos)
            continue;
        if (d.freq > len - used)
            fuzz_fail("doc %u claims %u positions beyond the input's size", (unsigned)d.doc,
                      (unsigned)d.freq);
        if (sat_postings_positions(&d, out->pool + used, len - used, &err) != 0)
            return err.code;
        p->pos = out->pool + used;
        phrase_check(p->pos, d.freq);
        used += d.freq;
    }
    if (rc == 0 && out->n != sat_postings_count(&d))
        fuzz_fail("decoded %zu docs of %u", out->n, (unsigned)sat_postings_count(&d));
    return rc;
}

static void decoded_free(decoded *d)
{
    free(d->p);
    free(d->pool);
}

/* Decodes buf into *out (free with decoded_free in any case); when it decodes,
 * re-encodes it and compares. Returns 1 if it decoded. */
static int one_list(const uint8_t *buf, size_t len, decoded *out)
{
    sat_buf again = {0};
    sat_err err;
    uint32_t count = 0;
    int rc = decode_all(buf, len, out);
    int check = sat_postings_check(buf, len, &count, &err);

    if ((rc == 0) != (check == 0))
        fuzz_fail("iterator says %d, sat_postings_check says %d", rc, check);
    if (rc != 0) {
        if (check != SAT_E_FORMAT || strncmp(err.msg, "postings byte ", 14) != 0)
            fuzz_fail("refused with %d '%s'", check, err.msg);
        return 0;
    }
    if (sat_postings_encode(&again, out->p, out->n, out->pos, &err) != 0)
        fuzz_fail("decoded list does not encode: %s", err.msg);
    if (again.len != len || memcmp(again.data, buf, len) != 0)
        fuzz_fail("re-encoding gives %zu bytes, not the %zu decoded", again.len, len);
    sat_buf_free(&again);
    return 1;
}

/* 1 if doc is in the decoded list. */
static int has(const decoded *l, uint32_t doc)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->p[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->p[lo].doc == doc;
}

/* Runs op (0 AND, 1 AND NOT, 2 OR) over the two encoded lists and compares every doc
 * returned with the decoded lists; counts must match the merge. */
static void combine_check(int op, const uint8_t *a, size_t na, const uint8_t *b, size_t nb,
                          const decoded *la, const decoded *lb)
{
    sat_postings_dec da, db, *both[] = {&da, &db};
    size_t want = 0, got = 0, i;
    uint32_t doc = 0, last = 0;
    sat_err err;
    int rc;

    if (sat_postings_open(&da, a, na, &err) != 0 || sat_postings_open(&db, b, nb, &err) != 0)
        fuzz_fail("a list that decoded does not open: %s", err.msg);
    for (i = 0; i < la->n; i++)
        want += op == 0 ? has(lb, la->p[i].doc) : op == 1 ? !has(lb, la->p[i].doc) : 1;
    for (i = 0; op == 2 && i < lb->n; i++)
        want += !has(la, lb->p[i].doc);
    for (;;) {
        if (op == 0)
            rc = sat_postings_and_next(both, 2, &err);
        else if (op == 1)
            rc = sat_postings_andnot_next(both, 1, both + 1, 1, &err);
        else
            rc = sat_postings_or_next(both, 2, &doc, &err);
        if (rc != 1)
            break;
        if (op != 2)
            doc = da.doc;
        if (got > 0 && doc <= last)
            fuzz_fail("op %d returned doc %u after %u", op, (unsigned)doc, (unsigned)last);
        if ((op == 0 && !(has(la, doc) && has(lb, doc))) ||
            (op == 1 && !(has(la, doc) && !has(lb, doc))) ||
            (op == 2 && (sat_postings_on(&da, doc) != has(la, doc) ||
                         sat_postings_on(&db, doc) != has(lb, doc))))
            fuzz_fail("op %d returned doc %u wrongly", op, (unsigned)doc);
        last = doc;
        got++;
    }
    if (rc != 0 || got != want)
        fuzz_fail("op %d: rc %d, %zu docs, merge gives %zu", op, rc, got, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decoded whole, la = {0}, lb = {0};
    size_t split;
    int op;

    one_list(data, size, &whole);
    decoded_free(&whole);
    if (size == 0)
        return 0;
    split = data[0] < size - 1 ? data[0] : size - 1;
    if (one_list(data + 1, split, &la) && one_list(data + 1 + split, size - 1 - split, &lb)) {
        for (op = 0; op < 3; op++)
            combine_check(op, data + 1, split, data + 1 + split, size - 1 - split, &la, &lb);
    }
    decoded_free(&la);
    decoded_free(&lb);
    return 0;
}
