/*
 * fuzz_postings.c - the posting-list decoder (sat_postings_*) on fuzzer bytes.
 *
 * The whole input is decoded as one list; then, taking byte 0 as a length L, bytes
 * 1..L and the rest as two lists, which are combined with AND, AND NOT and OR.
 * Oracles: a list that decodes re-encodes to exactly its bytes (so its frequency code
 * and every chunk's k are the encoder's choice), and sat_postings_check agrees with the
 * iterator; refusals are SAT_E_FORMAT naming a byte offset; AND / AND NOT / OR return
 * exactly the docs a merge of the two decoded lists gives.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_postings.h"

/* A list decoded whole. Its size is bounded by the input (2 bits or more per doc). */
typedef struct decoded {
    sat_posting *p;
    size_t n;
} decoded;

/* Decodes buf whole into *out (free out->p, also after an error). Returns 0 or the
 * error. */
static int decode_all(const uint8_t *buf, size_t len, decoded *out)
{
    sat_postings_dec d;
    sat_err err;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = sat_postings_open(&d, buf, len, &err)) != 0)
        return rc;
    if (sat_postings_count(&d) > len * 4)
        fuzz_fail("count %u not bounded by the %zu bytes", (unsigned)sat_postings_count(&d), len);
    out->p = calloc(sat_postings_count(&d) ? sat_postings_count(&d) : 1, sizeof *out->p);
    if (out->p == NULL)
        fuzz_fail("out of memory");
    while ((rc = sat_postings_next(&d, &err)) == 1) {
        if (out->n == sat_postings_count(&d))
            fuzz_fail("more docs than the count %u", (unsigned)sat_postings_count(&d));
        if (out->n > 0 && d.doc <= out->p[out->n - 1].doc)
            fuzz_fail("doc %u after %u", (unsigned)d.doc, (unsigned)out->p[out->n - 1].doc);
        if (d.freq == 0)
            fuzz_fail("doc %u: frequency 0", (unsigned)d.doc);
        out->p[out->n++] = (sat_posting){d.doc, d.freq};
    }
    if (rc == 0 && out->n != sat_postings_count(&d))
        fuzz_fail("decoded %zu docs of %u", out->n, (unsigned)sat_postings_count(&d));
    return rc;
}

/* Decodes buf into *out (free out->p in any case); when it decodes, re-encodes it and
 * compares. Returns 1 if it decoded. */
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
    if (count != out->n)
        fuzz_fail("sat_postings_check counts %u docs, the iterator %zu", (unsigned)count, out->n);
    if (sat_postings_encode(&again, out->p, out->n, &err) != 0)
        fuzz_fail("decoded list does not encode: %s", err.msg);
    if (again.len != len || memcmp(again.data, buf, len) != 0)
        fuzz_fail("re-encoding gives %zu bytes, not the %zu decoded", again.len, len);
    if (again.len > sat_postings_bound(out->n))
        fuzz_fail("%zu bytes for %zu docs exceed the bound", again.len, out->n);
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
    free(whole.p);
    if (size == 0)
        return 0;
    split = data[0] < size - 1 ? data[0] : size - 1;
    if (one_list(data + 1, split, &la) && one_list(data + 1 + split, size - 1 - split, &lb)) {
        for (op = 0; op < 3; op++)
            combine_check(op, data + 1, split, data + 1 + split, size - 1 - split, &la, &lb);
    }
    free(la.p);
    free(lb.p);
    return 0;
}
