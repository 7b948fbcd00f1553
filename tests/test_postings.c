/* test_postings.c - posting lists: exact layout, round trips, every malformed list
 * refused with its byte offset, AND / AND NOT / OR against brute force, phrases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_postings.h"

/* ---- helpers ---- */

/* splitmix64: a fixed-seed generator, the same on every machine */
static uint64_t rng_state;
static uint32_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

/* A generated list: postings plus the pool their positions point into. */
typedef struct list {
    sat_posting *p;
    uint32_t *pool;
    size_t n;
} list;

static void list_free(list *l)
{
    free(l->p);
    free(l->pool);
}

/* n docs with gaps below max_gap (first doc below max_gap too), freq below max_freq,
 * positions (when pos) with gaps below 20. */
static list list_random(size_t n, uint32_t max_gap, uint32_t max_freq, int pos)
{
    list l = {calloc(n ? n : 1, sizeof(sat_posting)), NULL, n};
    size_t npos = 0, used = 0, i;
    uint32_t doc = 0, k;

    assert_non_null(l.p);
    for (i = 0; i < n; i++) {
        doc += (i == 0 ? 0 : 1) + rng() % max_gap;
        l.p[i].doc = doc;
        l.p[i].mask = (uint8_t)(1 + rng() % 7);
        l.p[i].freq = 1 + rng() % max_freq;
        npos += l.p[i].freq;
    }
    if (!pos)
        return l;
    l.pool = malloc((npos ? npos : 1) * sizeof(uint32_t));
    assert_non_null(l.pool);
    for (i = 0; i < n; i++) {
        uint32_t at = rng() % 50;
        l.p[i].pos = l.pool + used;
        for (k = 0; k < l.p[i].freq; k++) {
            l.pool[used++] = at;
            at += 1 + rng() % 20;
        }
    }
    return l;
}

/* Writes enc to $SAT_TEST_POSTINGS_DUMP/name when that is set and enc is small (the
 * fuzz corpus tests/fuzz/postings/ was made this way). */
static void dump(const char *name, const sat_buf *enc)
{
    const char *dir = getenv("SAT_TEST_POSTINGS_DUMP");
    char path[512];
    FILE *f;

    if (dir == NULL || enc->len > 4096)
        return;
    assert_true(snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(enc->data, 1, enc->len, f), enc->len);
    assert_int_equal(fclose(f), 0);
}

/* Encodes l, decodes it back and compares everything; returns the encoded size. */
static size_t roundtrip(const char *name, const list *l, int pos)
{
    sat_buf enc = {0};
    sat_err err;
    sat_postings_dec d;
    uint32_t *got = NULL, count = 0;
    size_t i = 0, cap = 0, npos = 0;
    int rc;

    for (i = 0; pos && i < l->n; i++)
        npos += l->p[i].freq;
    i = 0;
    assert_int_equal(sat_postings_encode(&enc, l->p, l->n, pos, &err), 0);
    assert_true(enc.len <= sat_postings_bound(l->n, npos));
    dump(name, &enc);
    assert_int_equal(sat_postings_open(&d, enc.data, enc.len, &err), 0);
    assert_int_equal(sat_postings_count(&d), l->n);
    assert_int_equal(sat_postings_has_positions(&d), pos);
    while ((rc = sat_postings_next(&d, &err)) == 1) {
        assert_true(i < l->n);
        assert_int_equal(d.doc, l->p[i].doc);
        assert_int_equal(d.mask, l->p[i].mask);
        assert_int_equal(d.freq, l->p[i].freq);
        /* ask for the positions of every other doc: the rest are skipped */
        if (pos && i % 2 == 0) {
            if (cap < d.freq) {
                cap = d.freq;
                got = realloc(got, cap * sizeof *got);
                assert_non_null(got);
            }
            assert_int_equal(sat_postings_positions(&d, got, cap, &err), 0);
            assert_memory_equal(got, l->p[i].pos, d.freq * sizeof *got);
        }
        i++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(i, l->n);
    assert_int_equal(sat_postings_next(&d, &err), 0); /* stays at the end */
    assert_int_equal(sat_postings_check(enc.data, enc.len, &count, &err), 0);
    assert_int_equal(count, l->n);
    free(got);
    i = enc.len;
    sat_buf_free(&enc);
    return i;
}

static void encode_ok(sat_buf *b, const sat_posting *p, size_t n, int pos)
{
    sat_err err;
    int rc = sat_postings_encode(b, p, n, pos, &err);
    if (rc != 0)
        fail_msg("encode: %s", err.msg);
}

/* ---- layout ---- */

static void test_exact_bytes(void **state)
{
    static const uint32_t pa[] = {0, 7}, pb[] = {130};
    const sat_posting docs[] = {{5, SAT_FIELD_BODY, 1, NULL},
                                {300, SAT_FIELD_TITLE | SAT_FIELD_BODY, 2, NULL}};
    const sat_posting with[] = {{0, SAT_FIELD_TITLE, 2, pa}, {1, SAT_FIELD_SECTION, 1, pb}};
    sat_buf b = {0};
    (void)state;

    encode_ok(&b, docs, 2, 0);
    dump("example-docs", &b);
    assert_int_equal(b.len, 7);
    assert_memory_equal(b.data, "\x00\x02\x05\x0c\xa7\x02\x15", 7);
    b.len = 0;
    /* flags 01, count 2; doc 0: fm 2*8+1, positions 0, +7; doc 1: fm 1*8+2, 130 */
    encode_ok(&b, with, 2, 1);
    dump("example-positions", &b);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "\x01\x02\x00\x11\x00\x07\x01\x0a\x82\x01", 10);
    b.len = 0;
    encode_ok(&b, NULL, 0, 0);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "\x00\x00", 2);
    sat_buf_free(&b);
}

/* ---- round trips ---- */

static void test_roundtrip_random(void **state)
{
    int seed, pos;
    (void)state;

    for (seed = 1; seed <= 20; seed++) {
        for (pos = 0; pos <= 1; pos++) {
            list l;
            rng_state = (uint64_t)seed;
            l = list_random(1 + rng() % 500, 1 + rng() % 5000, 1 + rng() % 40, pos);
            roundtrip(pos ? "random-pos" : "random", &l, pos);
            list_free(&l);
        }
    }
}

static void test_roundtrip_one_and_100k(void **state)
{
    list l;
    (void)state;

    rng_state = 42;
    l = list_random(1, 1000, 3, 1);
    roundtrip("one-pos", &l, 1);
    roundtrip("one", &l, 0);
    list_free(&l);
    l = list_random(100000, 30, 4, 1);
    roundtrip("100k-pos", &l, 1);
    roundtrip("100k", &l, 0);
    list_free(&l);
}

static void test_roundtrip_extremes(void **state)
{
    static const uint32_t far[] = {0, UINT32_MAX - 1, UINT32_MAX};
    static const uint32_t top[] = {UINT32_MAX};
    const sat_posting p[] = {{0, SAT_FIELD_ALL, 3, far},
                             {1, SAT_FIELD_BODY, 1, top},
                             {UINT32_MAX - 1, SAT_FIELD_TITLE, 1, far},
                             {UINT32_MAX, SAT_FIELD_SECTION, 1, top}};
    const sat_posting big[] = {{UINT32_MAX, SAT_FIELD_ALL, SAT_POSTINGS_FREQ_MAX, NULL}};
    list l = {(sat_posting *)p, NULL, 4};
    sat_buf b = {0};
    (void)state;

    roundtrip("extremes-pos", &l, 1);
    roundtrip("extremes", &l, 0);
    l.p = (sat_posting *)big;
    l.n = 1;
    roundtrip("max-freq", &l, 0);
    encode_ok(&b, big, 1, 0);
    /* 00 01, doc ff ff ff ff 0f, fm (2^29-1)*8+7 = UINT32_MAX */
    assert_int_equal(b.len, 12);
    assert_memory_equal(b.data, "\x00\x01\xff\xff\xff\xff\x0f\xff\xff\xff\xff\x0f", 12);
    sat_buf_free(&b);
}

/* ---- the encoder refuses what the layout cannot hold ---- */

static void test_encode_refuses(void **state)
{
    static const uint32_t down[] = {5, 5}, ok2[] = {1, 2};
    static const struct {
        sat_posting p[2];
        int pos;
        const char *msg;
    } cases[] = {
        {{{3, 1, 1, NULL}, {3, 1, 1, NULL}}, 0, "posting 1: doc 3 does not follow doc 3"},
        {{{3, 1, 1, NULL}, {2, 1, 1, NULL}}, 0, "posting 1: doc 2 does not follow doc 3"},
        {{{3, 0, 1, NULL}, {4, 1, 1, NULL}}, 0, "posting 0 (doc 3): field mask 0x0"},
        {{{3, 8, 1, NULL}, {4, 1, 1, NULL}}, 0, "posting 0 (doc 3): field mask 0x8"},
        {{{3, 1, 1, NULL}, {4, 1, 0, NULL}}, 0, "posting 1 (doc 4): frequency 0 not in"},
        {{{3, 1, SAT_POSTINGS_FREQ_MAX + 1, NULL}, {4, 1, 1, NULL}}, 0, "frequency 536870912"},
        {{{3, 1, 2, ok2}, {4, 1, 1, NULL}}, 1, "posting 1 (doc 4): no positions"},
        {{{3, 1, 2, down}, {4, 1, 1, ok2}}, 1, "position 5 does not follow position 5"},
    };
    sat_buf b = {0};
    sat_err err;
    size_t i;
    (void)state;

    assert_int_equal(sat_buf_append(&b, "keep", 4), 0);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(sat_postings_encode(&b, cases[i].p, 2, cases[i].pos, &err), SAT_E_ARG);
        if (strstr(err.msg, cases[i].msg) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
        assert_int_equal(b.len, 4);
    }
    sat_buf_free(&b);
}

/* ---- the decoder refuses every malformed list ---- */

static void test_decode_refuses(void **state)
{
#define C(bytes, msg)                                                                              \
    {                                                                                              \
        bytes, sizeof bytes - 1, msg                                                               \
    }
    static const struct {
        const char *bytes;
        size_t len;
        const char *msg;
    } cases[] = {
        C("", "byte 0: empty list"),
        C("\x02\x00", "byte 0: unknown flags 0x02"),
        C("\x80\x00", "byte 0: unknown flags 0x80"),
        C("\x00", "byte 1: document count: varint truncated"),
        C("\x00\xff\xff\xff\xff\xff\x00", "byte 1: document count: varint longer than 5 bytes"),
        C("\x00\xff\xff\xff\xff\x1f", "byte 1: document count: varint overflows 32 bits"),
        C("\x00\x81\x00", "byte 1: document count: varint not in its shortest form"),
        C("\x00\xff\xff\xff\xff\x0f", "byte 1: document count 4294967295: only 0 bytes follow"),
        C("\x00\x02\x05\x0c\x05", "byte 1: document count 2: only 3 bytes follow"),
        C("\x00\x01\x05\x8c", "byte 3: frequency and mask: varint truncated"),
        C("\x00\x01\x85\x80\x00", "byte 2: doc delta: varint not in its shortest form"),
        C("\x00\x02\x05\x0c\x00\x0c", "byte 4: doc number does not increase (delta 0 after doc 5)"),
        C("\x00\x02\xff\xff\xff\xff\x0f\x0c\x01\x0c",
          "byte 8: doc number 4294967295 + 1 exceeds 32 bits"),
        C("\x00\x01\x05\x00", "byte 3: doc 5: field mask 0"),
        C("\x00\x01\x05\x04", "byte 3: doc 5: term frequency 0"),
        C("\x00\x01\x05\x0c\x00", "byte 4: 1 trailing byte(s) after the last of 1 documents"),
        C("\x00\x00\x00", "byte 2: 1 trailing byte(s) after the last of 0 documents"),
        C("\x01\x01\x05\x14\x03\x00",
          "byte 5: doc 5: position does not increase (delta 0 after 3)"),
        C("\x01\x01\x05\x14\xff\xff\xff\xff\x0f\x01",
          "byte 9: doc 5: position 4294967295 + 1 exceeds 32 bits"),
        C("\x01\x01\x05\x1c\x01\x01",
          "byte 3: doc 5: 3 positions and 0 more documents do not fit in the 2 bytes left"),
        C("\x01\x02\x05\x14\x01\x01\x01\x01",
          "byte 3: doc 5: 2 positions and 1 more documents do not fit in the 4 bytes left"),
        C("\x01\x02\x05\x14\x01\x01\x01",
          "byte 1: document count 2: only 5 bytes follow (3 or more per document)"),
        C("\x01\x01\x05\x14\x01\x81", "byte 5: position: varint truncated"),
        C("\x01\x01\x05\x0c\x07\x00", "byte 5: 1 trailing byte(s) after the last of 1 documents"),
        C("\x01\x01\x05\xfc\xff\xff\xff\x0f\x00",
          "byte 3: doc 5: 536870911 positions and 0 more documents do not fit in the 1 bytes"),
    };
#undef C
    sat_err err;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sat_postings_dec d;
        int rc;
        /* a private copy so that ASan sees any read past the end */
        char *copy = malloc(cases[i].len ? cases[i].len : 1);
        assert_non_null(copy);
        memcpy(copy, cases[i].bytes, cases[i].len);
        sat_err_clear(&err);
        rc = sat_postings_check(copy, cases[i].len, NULL, &err);
        if (rc != SAT_E_FORMAT || strstr(err.msg, cases[i].msg) == NULL)
            fail_msg("case %zu: rc %d '%s', expected '%s'", i, rc, err.msg, cases[i].msg);
        /* the same through the iterator, and the failure sticks */
        rc = sat_postings_open(&d, copy, cases[i].len, &err);
        while (rc == 0 && (rc = sat_postings_next(&d, &err)) == 1)
            rc = 0;
        assert_int_equal(rc, SAT_E_FORMAT);
        if (sat_postings_open(&d, copy, cases[i].len, &err) == 0) {
            while ((rc = sat_postings_next(&d, &err)) == 1)
                ;
            assert_int_equal(sat_postings_next(&d, &err), SAT_E_FORMAT);
            assert_non_null(strstr(err.msg, "refused before"));
        }
        free(copy);
    }
}

static void test_positions_api(void **state)
{
    static const uint32_t pa[] = {4, 9, 11};
    const sat_posting p[] = {{2, SAT_FIELD_BODY, 3, pa}};
    sat_buf b = {0};
    sat_postings_dec d;
    sat_err err;
    uint32_t out[3];
    (void)state;

    encode_ok(&b, p, 1, 1);
    assert_int_equal(sat_postings_open(&d, b.data, b.len, &err), 0);
    /* before the first doc */
    assert_int_equal(sat_postings_positions(&d, out, 3, &err), SAT_E_ARG);
    assert_int_equal(sat_postings_next(&d, &err), 1);
    assert_int_equal(sat_postings_positions(&d, out, 2, &err), SAT_E_ARG);
    assert_int_equal(sat_postings_positions(&d, out, 3, &err), 0);
    assert_int_equal(sat_postings_positions(&d, out, 3, &err), 0); /* again */
    assert_memory_equal(out, pa, sizeof pa);
    assert_int_equal(sat_postings_next(&d, &err), 0);
    assert_int_equal(sat_postings_positions(&d, out, 3, &err), SAT_E_ARG);
    b.len = 0;
    encode_ok(&b, p, 1, 0);
    assert_int_equal(sat_postings_open(&d, b.data, b.len, &err), 0);
    assert_int_equal(sat_postings_next(&d, &err), 1);
    assert_int_equal(sat_postings_positions(&d, out, 3, &err), SAT_E_ARG);
    sat_buf_free(&b);
}

/* ---- combining lists ---- */

/* Encodes the docs of ids[0..n) (mask body, freq 1) into b. */
static void encode_docs(sat_buf *b, const uint32_t *ids, size_t n)
{
    sat_posting *p = calloc(n ? n : 1, sizeof *p);
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++)
        p[i] = (sat_posting){ids[i], SAT_FIELD_BODY, 1, NULL};
    encode_ok(b, p, n, 0);
    free(p);
}

static void test_seek(void **state)
{
    static const uint32_t a[] = {1, 3, 5, 7, 9, 100};
    sat_buf b = {0};
    sat_postings_dec d;
    sat_err err;
    (void)state;

    encode_docs(&b, a, 6);
    assert_int_equal(sat_postings_open(&d, b.data, b.len, &err), 0);
    assert_int_equal(sat_postings_seek(&d, 4, &err), 1);
    assert_int_equal(d.doc, 5);
    assert_int_equal(sat_postings_seek(&d, 5, &err), 1); /* stays */
    assert_int_equal(d.doc, 5);
    assert_int_equal(sat_postings_seek(&d, 2, &err), 1); /* never backwards */
    assert_int_equal(d.doc, 5);
    assert_int_equal(sat_postings_seek(&d, 100, &err), 1);
    assert_int_equal(d.doc, 100);
    assert_int_equal(sat_postings_seek(&d, 101, &err), 0);
    assert_int_equal(sat_postings_seek(&d, 0, &err), 0);
    sat_buf_free(&b);
}

static void test_and_andnot_or_known(void **state)
{
    static const uint32_t a[] = {1, 3, 5, 7, 9, 100}, bb[] = {3, 4, 5, 100, 200}, c[] = {0, 5, 100},
                          x[] = {5, 6};
    sat_buf ea = {0}, eb = {0}, ec = {0}, ex = {0};
    sat_postings_dec da, db, dc, dx;
    sat_postings_dec *all[] = {&dc, &da, &db}, *inc[] = {&da, &db}, *exc[] = {&dx};
    sat_err err;
    uint32_t doc, got[16];
    size_t n = 0;
    int rc;
    (void)state;

    encode_docs(&ea, a, 6);
    encode_docs(&eb, bb, 5);
    encode_docs(&ec, c, 3);
    encode_docs(&ex, x, 2);
#define OPEN(dd, e) assert_int_equal(sat_postings_open(&dd, e.data, e.len, &err), 0)
    OPEN(da, ea);
    OPEN(db, eb);
    OPEN(dc, ec);
    while ((rc = sat_postings_and_next(all, 3, &err)) == 1) {
        assert_int_equal(da.doc, db.doc);
        assert_int_equal(da.doc, dc.doc);
        got[n++] = da.doc;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, 2);
    assert_int_equal(got[0], 5);
    assert_int_equal(got[1], 100);
    assert_int_equal(sat_postings_and_next(all, 3, &err), 0);

    /* a AND b AND NOT x = {3, 100} */
    OPEN(da, ea);
    OPEN(db, eb);
    OPEN(dx, ex);
    n = 0;
    while ((rc = sat_postings_andnot_next(inc, 2, exc, 1, &err)) == 1)
        got[n++] = da.doc;
    assert_int_equal(rc, 0);
    assert_int_equal(n, 2);
    assert_int_equal(got[0], 3);
    assert_int_equal(got[1], 100);

    /* a OR b OR c */
    OPEN(da, ea);
    OPEN(db, eb);
    OPEN(dc, ec);
    n = 0;
    while ((rc = sat_postings_or_next(all, 3, &doc, &err)) == 1) {
        assert_int_equal(sat_postings_on(&da, doc),
                         doc == 1 || doc == 3 || doc == 5 || doc == 7 || doc == 9 || doc == 100);
        assert_int_equal(sat_postings_on(&dc, doc), doc == 0 || doc == 5 || doc == 100);
        got[n++] = doc;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, 9);
    assert_memory_equal(got, ((uint32_t[]){0, 1, 3, 4, 5, 7, 9, 100, 200}), 9 * 4);
    assert_int_equal(sat_postings_or_next(all, 3, &doc, &err), 0);
#undef OPEN
    sat_buf_free(&ea);
    sat_buf_free(&eb);
    sat_buf_free(&ec);
    sat_buf_free(&ex);
}

/* (Re)opens dec[i] over enc[i] and points dp[i] at it, for i < n. */
static void open_all(sat_postings_dec *dec, sat_postings_dec **dp, const sat_buf *enc, size_t n)
{
    sat_err err;
    size_t i;

    for (i = 0; i < n; i++) {
        if (sat_postings_open(&dec[i], enc[i].data, enc[i].len, &err) != 0)
            fail_msg("open: %s", err.msg);
        dp[i] = &dec[i];
    }
}

/* Random lists over a small doc range against a bitmap. */
static void test_and_random(void **state)
{
    enum { RANGE = 3000, LISTS = 4 };
    int seed;
    (void)state;

    for (seed = 1; seed <= 30; seed++) {
        uint8_t in[LISTS][RANGE] = {{0}};
        sat_buf enc[LISTS] = {{0}};
        sat_postings_dec dec[LISTS], *dp[LISTS];
        uint32_t ids[RANGE], doc;
        size_t nl = 1 + (size_t)seed % LISTS, i, n, expect_and = 0, expect_or = 0;
        size_t got_and = 0, got_or = 0, expect_not = 0, got_not = 0;
        sat_err err;
        int rc;

        rng_state = (uint64_t)seed * 7919;
        for (i = 0; i < nl; i++) {
            uint32_t dens = 2 + rng() % 30, k;
            for (n = 0, k = 0; k < RANGE; k++)
                if (rng() % dens == 0) {
                    in[i][k] = 1;
                    ids[n++] = k;
                }
            encode_docs(&enc[i], ids, n);
        }
        for (doc = 0; doc < RANGE; doc++) {
            int all = 1, any = 0, others = 0;
            for (i = 0; i < nl; i++) {
                all &= in[i][doc];
                any |= in[i][doc];
                others |= i > 0 && in[i][doc];
            }
            expect_and += all;
            expect_or += any;
            expect_not += in[0][doc] && !others; /* the first list AND NOT the others */
        }
        open_all(dec, dp, enc, nl);
        while ((rc = sat_postings_and_next(dp, nl, &err)) == 1) {
            for (i = 0; i < nl; i++)
                assert_true(in[i][dec[0].doc]);
            got_and++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(got_and, expect_and);
        open_all(dec, dp, enc, nl);
        while ((rc = sat_postings_or_next(dp, nl, &doc, &err)) == 1) {
            for (i = 0; i < nl; i++)
                assert_int_equal(sat_postings_on(&dec[i], doc), in[i][doc]);
            got_or++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(got_or, expect_or);
        if (nl > 1) {
            open_all(dec, dp, enc, nl);
            while ((rc = sat_postings_andnot_next(dp, 1, dp + 1, nl - 1, &err)) == 1) {
                for (i = 1; i < nl; i++)
                    assert_false(in[i][dec[0].doc]);
                got_not++;
            }
            assert_int_equal(rc, 0);
            assert_int_equal(got_not, expect_not);
        }
        for (i = 0; i < nl; i++)
            sat_buf_free(&enc[i]);
    }
}

/* An error in one list stops the AND with that list's message. */
static void test_and_error(void **state)
{
    static const uint32_t a[] = {1, 2, 3};
    static const char bad[] = "\x00\x03\x01\x0c\x01\x0c\x00\x0c"; /* 1, 2, then delta 0 */
    sat_buf ea = {0};
    sat_postings_dec da, db, *both[] = {&da, &db};
    sat_err err;
    int rc;
    (void)state;

    encode_docs(&ea, a, 3);
    assert_int_equal(sat_postings_open(&da, ea.data, ea.len, &err), 0);
    assert_int_equal(sat_postings_open(&db, bad, sizeof bad - 1, &err), 0);
    while ((rc = sat_postings_and_next(both, 2, &err)) == 1)
        ;
    assert_int_equal(rc, SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "byte 6: doc number does not increase"));
    assert_int_equal(sat_postings_and_next(NULL, 0, &err), SAT_E_ARG);
    sat_buf_free(&ea);
}

/* ---- phrases ---- */

static void test_phrase(void **state)
{
    static const uint32_t the[] = {0, 4, 9, 10}, cat[] = {1, 5, 11}, sat[] = {6, 12, 40};
    static const uint32_t top[] = {UINT32_MAX - 1, UINT32_MAX};
    const uint32_t *q[4];
    size_t len[4];
    uint32_t first = 0;
    (void)state;

#define Q(i, a) (q[i] = a, len[i] = sizeof a / sizeof a[0])
    Q(0, the);
    Q(1, cat);
    Q(2, sat);
    assert_int_equal(sat_postings_phrase(q, len, 3, &first), 1); /* "the cat sat" at 4 */
    assert_int_equal(first, 4);
    assert_int_equal(sat_postings_phrase(q, len, 2, &first), 1); /* "the cat" at 0 */
    assert_int_equal(first, 0);
    Q(0, cat);
    Q(1, sat);
    assert_int_equal(sat_postings_phrase(q, len, 2, &first), 1); /* "cat sat": 1 fails, 5 */
    assert_int_equal(first, 5);
    Q(1, the);
    assert_int_equal(sat_postings_phrase(q, len, 2, NULL), 0); /* "cat the" nowhere */
    /* repeated word: "the the" at 9, 10; "the the the" nowhere */
    Q(0, the);
    Q(1, the);
    Q(2, the);
    assert_int_equal(sat_postings_phrase(q, len, 2, &first), 1);
    assert_int_equal(first, 9);
    assert_int_equal(sat_postings_phrase(q, len, 3, NULL), 0);
    /* "sat cat" never */
    Q(0, sat);
    Q(1, cat);
    assert_int_equal(sat_postings_phrase(q, len, 2, NULL), 0);
    /* one term: its first position */
    assert_int_equal(sat_postings_phrase(q, len, 1, &first), 1);
    assert_int_equal(first, 6);
    /* at the top of the range, and past it */
    Q(0, top);
    Q(1, top);
    assert_int_equal(sat_postings_phrase(q, len, 2, &first), 1);
    assert_int_equal(first, UINT32_MAX - 1);
    assert_int_equal(sat_postings_phrase(q, len, 3, NULL), 0);
    len[1] = 0;
    assert_int_equal(sat_postings_phrase(q, len, 2, NULL), 0);
    assert_int_equal(sat_postings_phrase(q, len, 0, NULL), 0);
#undef Q
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_bytes),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_roundtrip_one_and_100k),
        cmocka_unit_test(test_roundtrip_extremes),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test(test_positions_api),
        cmocka_unit_test(test_seek),
        cmocka_unit_test(test_and_andnot_or_known),
        cmocka_unit_test(test_and_random),
        cmocka_unit_test(test_and_error),
        cmocka_unit_test(test_phrase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
