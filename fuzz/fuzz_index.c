/*
 * fuzz_index.c - the search index's stored parts (sat_ixdocs_parse, sat_ixblock_parse,
 * sat_ixblock_lower, formats/sat_index.h) on fuzzer bytes.
 *
 * Input: a header, then the part's decompressed bytes:
 *   byte 0      bit 0: 1 = a document table, 0 = a term block; bit 1: the block is parsed
 *               deep first (both ways are always run; the bit picks the order)
 *   bytes 1-2   u16 LE: the document count of a table; the term count - 1 of a block
 *   bytes 3-4   u16 LE: the bundle's entry count (table) or document count (block)
 *   byte 5      L: length of the block's first term from its T line, then L bytes
 *   byte 5+1+L  N: length of the next block's first term (0: the last block), then N bytes
 *   the rest    the table or block
 * Counts above what the bytes can hold are refused before parsing, as the root manifest
 * does (a table: 2 bytes per document; a block: 4 bytes per term).
 *
 * Oracles: a table that parses has entries below the entry count and distinct, lengths
 * adding up to *total, and re-encodes (shortest varints) to exactly its bytes; a failure
 * is SAT_E_FORMAT naming the table. A block that parses deep also parses shallow, with
 * the same terms; its terms are 1..SAT_TOKEN_MAX bytes of valid UTF-8 without control
 * characters, strictly increasing, the first equal to the T line's, the last below the
 * next block's; its lists lie inside the block; a link term (SAT_IXLINK_SEP inside) has
 * the list 00 and every other list at least one document; deep, every list walks to its end with
 * exactly its count of strictly increasing documents below the document count;
 * sat_ixblock_lower gives the first term at or above every term and probes around them.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_index.h"
#include "sat_postings.h"

#define HEAD 5

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);

    if (d == NULL)
        fuzz_fail("out of memory");
    if (n)
        memcpy(d, p, n);
    return d;
}

static size_t put_varint(uint8_t *out, uint32_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* ------------------------------------------------------------------------ */
/* Document table                                                           */
/* ------------------------------------------------------------------------ */

static void docs_case(const uint8_t *buf, size_t len, uint64_t ndocs, uint64_t n_entries)
{
    uint32_t *entry, *dlen;
    uint8_t *again, *seen;
    uint64_t total = 7, sum = 0, i;
    size_t at = 0;
    sat_err err;
    int rc;

    if (ndocs > len / 2) /* the root refuses more documents than the table can hold */
        return;
    entry = calloc((size_t)ndocs + 1, sizeof *entry);
    dlen = calloc((size_t)ndocs + 1, sizeof *dlen);
    again = malloc(ndocs * 10 + 1);
    seen = calloc((size_t)n_entries + 1, 1);
    if (entry == NULL || dlen == NULL || again == NULL || seen == NULL)
        fuzz_fail("out of memory");
    sat_err_clear(&err);
    rc = sat_ixdocs_parse(buf, len, ndocs, n_entries, entry, dlen, &total, &err);
    if (rc != 0) {
        if (rc != SAT_E_FORMAT || strstr(err.msg, "search document table") == NULL)
            fuzz_fail("document table refused with %d '%s'", rc, err.msg);
        goto out;
    }
    for (i = 0; i < ndocs; i++) {
        if (entry[i] >= n_entries || seen[entry[i]])
            fuzz_fail("document %llu: entry %u out of range or repeated", (unsigned long long)i,
                      (unsigned)entry[i]);
        seen[entry[i]] = 1;
        sum += dlen[i];
        at += put_varint(again + at, entry[i]);
        at += put_varint(again + at, dlen[i]);
    }
    if (sum != total)
        fuzz_fail("total %llu, lengths add up to %llu", (unsigned long long)total,
                  (unsigned long long)sum);
    if (at != len || memcmp(again, buf, len) != 0)
        fuzz_fail("a parsed table of %zu bytes re-encodes to %zu other bytes", len, at);
out:
    free(entry);
    free(dlen);
    free(again);
    free(seen);
}

/* ------------------------------------------------------------------------ */
/* Term block                                                               */
/* ------------------------------------------------------------------------ */

static int term_ok(const char *t, size_t n)
{
    size_t i, bad;

    if (n < 1 || n > SAT_TOKEN_MAX || strlen(t) != n)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
            return 0;
    return sat_utf8_valid(t, n, &bad);
}

/* sat_ixblock_lower's answer k for t must have every term before k below t and term k (if
 * any) at or above it; the terms being strictly increasing (checked before), that is
 * the linear scan's answer, in constant time. */
static void lower_check(const sat_ixblock *b, const char *t, size_t n)
{
    size_t k = sat_ixblock_lower(b, t, n);

    if (k > b->n || (k < b->n && sat_ixterm_cmp(b->terms[k].term, b->terms[k].len, t, n) < 0) ||
        (k > 0 && sat_ixterm_cmp(b->terms[k - 1].term, b->terms[k - 1].len, t, n) >= 0))
        fuzz_fail("sat_ixblock_lower of a %zu-byte term: %zu of %zu is not the first at or "
                  "above it",
                  n, k, b->n);
}

/* Walks one posting list; deep: it must decode whole, as the deep parse said. */
static void walk_list(const sat_ixterm *t, uint64_t ndocs, int deep)
{
    sat_postings_dec d;
    sat_err err;
    uint32_t n = 0, prev = 0, count;
    int rc;

    if (sat_postings_open(&d, t->list, t->list_len, &err) != 0) {
        if (deep)
            fuzz_fail("a list the deep parse accepted does not open: %s", err.msg);
        return;
    }
    count = sat_postings_count(&d);
    if (count == 0)
        fuzz_fail("a parsed block holds an ordinary term without documents");
    while ((rc = sat_postings_next(&d, &err)) == 1) {
        if (n >= count)
            fuzz_fail("a list returns more documents than its count %u", (unsigned)count);
        if (deep && ((n > 0 && d.doc <= prev) || d.doc >= ndocs))
            fuzz_fail("deep-checked list: document %u after %u, %llu in the table", (unsigned)d.doc,
                      (unsigned)prev, (unsigned long long)ndocs);
        prev = d.doc;
        n++;
    }
    if (deep && (rc != 0 || n != count))
        fuzz_fail("deep-checked list: %u of %u documents, then %d", (unsigned)n, (unsigned)count,
                  rc);
}

static void block_check(const sat_ixblock *b, const uint8_t *buf, size_t len, uint32_t count,
                        const char *first, const char *next, uint64_t ndocs, int deep)
{
    char probe[SAT_TOKEN_MAX + 2];
    size_t i;

    if (b->n != count)
        fuzz_fail("block of %u terms parsed into %zu", (unsigned)count, b->n);
    if (strcmp(b->terms[0].term, first) != 0)
        fuzz_fail("first term differs from the T line's");
    for (i = 0; i < b->n; i++) {
        const sat_ixterm *t = &b->terms[i];
        if (!term_ok(t->term, t->len))
            fuzz_fail("term %zu: not 1..%d bytes of UTF-8 without controls", i, SAT_TOKEN_MAX);
        if (i > 0 &&
            sat_ixterm_cmp(b->terms[i - 1].term, b->terms[i - 1].len, t->term, t->len) >= 0)
            fuzz_fail("term %zu does not sort above term %zu", i, i - 1);
        if (t->list_len == 0 || t->list < buf || t->list + t->list_len > buf + len)
            fuzz_fail("term %zu: its list is empty or outside the block", i);
        if (sat_ixterm_link(t->term, t->len) != t->link || t->link == SAT_IXLINK_BAD)
            fuzz_fail("term %zu: link offset %zu, its separator says otherwise", i, t->link);
        if (t->link != SAT_IXLINK_NONE) {
            if (t->list_len != 1 || t->list[0] != 0)
                fuzz_fail("term %zu: a link term with a list", i);
            continue;
        }
        walk_list(t, ndocs, deep);
    }
    if (next != NULL &&
        sat_ixterm_cmp(b->terms[b->n - 1].term, b->terms[b->n - 1].len, next, strlen(next)) >= 0)
        fuzz_fail("last term does not sort below the next block's first");
    /* lower bound: every term, the term plus a byte, the term less its last byte */
    for (i = 0; i < b->n; i++) {
        const sat_ixterm *t = &b->terms[i];
        lower_check(b, t->term, t->len);
        memcpy(probe, t->term, t->len);
        probe[t->len] = '\x01';
        lower_check(b, probe, t->len + 1);
        lower_check(b, t->term, t->len - 1);
    }
    lower_check(b, "", 0);
    lower_check(b, "\xf4\x8f\xbf\xbf", 4);
}

/* The most link terms any one character has in b, counted pair by pair. */
static size_t most_links(const sat_ixblock *b)
{
    size_t i, j, most = 0;

    for (i = 0; i < b->n; i++) {
        size_t n = 0;
        if (b->terms[i].link == SAT_IXLINK_NONE)
            continue;
        for (j = 0; j < b->n; j++)
            n += b->terms[j].link == b->terms[i].link &&
                 memcmp(b->terms[j].term, b->terms[i].term, b->terms[i].link) == 0;
        most = n > most ? n : most;
    }
    return most;
}

static void block_case(const uint8_t *buf, size_t len, uint32_t count, const char *first,
                       const char *next, uint64_t ndocs, int deep_first)
{
    sat_ixblock *b[2] = {NULL, NULL};
    sat_err err;
    int rc[2], k;

    if (count > len / 4) /* the root refuses more terms than the block can hold */
        return;
    for (k = 0; k < 2; k++) {
        int deep = deep_first ? k == 0 : k == 1;
        sat_err_clear(&err);
        rc[deep] = sat_ixblock_parse(dup_bytes(buf, len), len, count, first, next, ndocs, deep,
                                     &b[deep], &err);
        if (rc[deep] != 0) {
            if (b[deep] != NULL)
                fuzz_fail("a refused block is returned");
            if (rc[deep] != SAT_E_FORMAT || strstr(err.msg, "search term block") == NULL)
                fuzz_fail("block refused with %d '%s'", rc[deep], err.msg);
            continue;
        }
        block_check(b[deep], b[deep]->buf, len, count, first, next, ndocs, deep);
    }
    if (rc[1] == 0 && rc[0] != 0)
        fuzz_fail("a block parses deep but not shallow");
    if (rc[1] == 0) {
        size_t i;
        for (i = 0; i < count; i++)
            if (b[0]->terms[i].len != b[1]->terms[i].len ||
                strcmp(b[0]->terms[i].term, b[1]->terms[i].term) != 0 ||
                b[0]->terms[i].list - b[0]->buf != b[1]->terms[i].list - b[1]->buf)
                fuzz_fail("term %zu differs between the deep and shallow parse", i);
    }
    if (rc[1] == 0) {
        /* the link count per character (verify --deep): refused exactly above the bound */
        sat_ixlink_run run;
        int lr;
        memset(&run, 0, sizeof run);
        lr = sat_ixlink_run_feed(&run, b[1], &err);
        if (lr != 0 && (lr != SAT_E_FORMAT || strstr(err.msg, "link terms") == NULL))
            fuzz_fail("link count refused with %d '%s'", lr, err.msg);
        if ((lr != 0) != (most_links(b[1]) > SAT_IXLINKS_MAX))
            fuzz_fail("link count: %d for a most of %zu", lr, most_links(b[1]));
    }
    sat_ixblock_free(b[0]);
    sat_ixblock_free(b[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char first[256], next[256];
    size_t p = HEAD, fl, nl;
    unsigned a, c;

    if (size < HEAD + 2)
        return 0;
    a = data[1] | (unsigned)data[2] << 8;
    c = data[3] | (unsigned)data[4] << 8;
    fl = data[p++];
    if (p + fl + 1 > size)
        return 0;
    memcpy(first, data + p, fl);
    first[fl] = '\0';
    p += fl;
    nl = data[p++];
    if (p + nl > size)
        return 0;
    memcpy(next, data + p, nl);
    next[nl] = '\0';
    p += nl;
    if (data[0] & 1)
        docs_case(data + p, size - p, a, c);
    else if (term_ok(first, fl) && (nl == 0 || term_ok(next, nl))) /* as the root checks */
        block_case(data + p, size - p, a + 1, first, nl ? next : NULL, c, (data[0] & 2) != 0);
    return 0;
}
