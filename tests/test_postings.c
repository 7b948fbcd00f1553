/* test_postings.c - posting lists: the exact bits of the layout, round trips, the
 * encoder's k against every k, canonical encodings, every malformed list refused with
 * its byte offset, AND / AND NOT / OR against brute force. */
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

/* n docs (calloc'd) with gaps below max_gap (the first doc below max_gap too, all
 * within uint32) and frequencies mostly small, now and then up to UINT32_MAX. */
static sat_posting *list_random(size_t n, uint32_t max_gap)
{
    sat_posting *p = calloc(n ? n : 1, sizeof *p);
    uint64_t doc = 0;
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++) {
        doc += (i == 0 ? 0 : 1) + rng() % max_gap;
        assert_true(doc <= UINT32_MAX);
        p[i].doc = (uint32_t)doc;
        switch (rng() % 8) {
        case 0:
            p[i].freq = 1 + rng() % 1000;
            break;
        case 1:
            p[i].freq = rng() >> (rng() % 32);
            p[i].freq += p[i].freq == 0;
            break;
        default:
            p[i].freq = 1 + rng() % 4;
        }
    }
    return p;
}

/* Writes enc to $SAT_TEST_POSTINGS_DUMP/name when that is set and enc is small (the
 * fuzz corpus tests/fuzz/postings/ was seeded this way). */
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

static void encode_ok(sat_buf *b, const sat_posting *p, size_t n)
{
    sat_err err;
    int rc = sat_postings_encode(b, p, n, &err);
    if (rc != 0)
        fail_msg("encode: %s", err.msg);
}

/* Encodes p[0..n), decodes it back and compares everything, re-encodes the decoded
 * postings to the same bytes; returns the encoded size. */
static size_t roundtrip(const char *name, const sat_posting *p, size_t n)
{
    sat_buf enc = {0}, again = {0};
    sat_posting *got = calloc(n ? n : 1, sizeof *got);
    sat_postings_dec d;
    sat_err err;
    uint32_t count = 0;
    size_t i = 0;
    int rc;

    assert_non_null(got);
    encode_ok(&enc, p, n);
    assert_true(enc.len <= sat_postings_bound(n));
    dump(name, &enc);
    assert_int_equal(sat_postings_open(&d, enc.data, enc.len, &err), 0);
    assert_int_equal(sat_postings_count(&d), n);
    while ((rc = sat_postings_next(&d, &err)) == 1) {
        assert_true(i < n);
        assert_int_equal(d.doc, p[i].doc);
        assert_int_equal(d.freq, p[i].freq);
        got[i++] = (sat_posting){d.doc, d.freq};
    }
    if (rc != 0)
        fail_msg("%s: %s", name, err.msg);
    assert_int_equal(i, n);
    assert_int_equal(sat_postings_next(&d, &err), 0); /* stays at the end */
    assert_int_equal(sat_postings_check(enc.data, enc.len, &count, &err), 0);
    assert_int_equal(count, n);
    encode_ok(&again, got, n);
    assert_int_equal(again.len, enc.len);
    assert_memory_equal(again.data, enc.data, enc.len);
    free(got);
    i = enc.len;
    sat_buf_free(&enc);
    sat_buf_free(&again);
    return i;
}

/* Test-side bit writer, independent of the encoder: a list is hdr[0..nhdr) then the
 * bits, most significant first, zero-padded. */
typedef struct tbits {
    unsigned char b[1024];
    size_t nhdr, nbit;
} tbits;

static void tb_byte(tbits *t, unsigned char c)
{
    assert_int_equal(t->nbit, 0);
    t->b[t->nhdr++] = c;
}

static void tb_put(tbits *t, uint64_t v, unsigned n)
{
    while (n-- > 0) {
        size_t at = t->nhdr * 8 + t->nbit++;
        assert_true(at / 8 < sizeof t->b);
        if (v >> n & 1)
            t->b[at / 8] |= (unsigned char)(0x80 >> at % 8);
    }
}

static void tb_ones(tbits *t, uint64_t q)
{
    for (; q > 0; q--)
        tb_put(t, 1, 1);
}

/* Rice code of v with parameter k, Elias gamma of f. */
static void tb_doc(tbits *t, uint32_t v, unsigned k, uint32_t f)
{
    unsigned e = 0;

    tb_ones(t, v >> k);
    tb_put(t, 0, 1);
    tb_put(t, v, k);
    while (e < 31 && f >> (e + 1) != 0)
        e++;
    tb_put(t, 0, e);
    tb_put(t, f, e + 1);
}

static size_t tb_len(const tbits *t)
{
    return t->nhdr + (t->nbit + 7) / 8;
}

/* ---- layout ---- */

static void test_exact_bytes(void **state)
{
    /* the example of sat_postings.h */
    const sat_posting ex[] = {{3, 1}, {4, 2}, {9, 1}, {20, 5}};
    const sat_posting one[] = {{0, 1}};
    const sat_posting two[] = {{1000, 3}, {1003, 1}};
    sat_buf b = {0};
    tbits t = {{0}, 0, 0};
    (void)state;

    encode_ok(&b, ex, 4);
    dump("example", &b);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "\x04\x02\x70\xa3\xa2\x80", 6);
    /* the same bits written by the test's own writer */
    tb_byte(&t, 4);
    tb_byte(&t, 2);
    tb_doc(&t, 3, 2, 1);
    tb_doc(&t, 0, 2, 2);
    tb_doc(&t, 4, 2, 1);
    tb_doc(&t, 10, 2, 5);
    assert_int_equal(t.nbit, 25);
    assert_memory_equal(t.b, b.data, 6);
    b.len = 0;
    /* empty list: the count alone */
    encode_ok(&b, NULL, 0);
    assert_int_equal(b.len, 1);
    assert_memory_equal(b.data, "\x00", 1);
    b.len = 0;
    /* doc 0 freq 1: k 0 (each k adds a bit), gap 0, freq 1: 01 */
    encode_ok(&b, one, 1);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "\x01\x00\x40", 3);
    b.len = 0;
    /* gaps 1000, 2: k 0..10 cost 2*(k+1) + (1000>>k) + (2>>k); k 8 gives 18 + 3 = 21,
     * k 9 gives 20 + 1 = 21 (tie: 8), k 7 gives 16 + 7 = 23. Bits: 1110 11101000
     * 011 (freq 3), 0 00000010 1 = ee 86 02 80 */
    encode_ok(&b, two, 2);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "\x02\x08\xee\x86\x02\x80", 6);
    sat_buf_free(&b);
}

/* ---- round trips ---- */

static void test_roundtrip_random(void **state)
{
    int seed;
    (void)state;

    for (seed = 1; seed <= 60; seed++) {
        size_t n;
        uint32_t gap;
        sat_posting *p;
        rng_state = (uint64_t)seed;
        n = 1 + rng() % 500;
        /* gaps from dense (every doc) to sparse (millions apart) */
        gap = 1 + (rng() % 2 ? rng() % 8 : rng() % (UINT32_MAX / 600));
        p = list_random(n, gap);
        roundtrip("random", p, n);
        free(p);
    }
}

static void test_roundtrip_sizes(void **state)
{
    sat_posting *p;
    size_t i;
    (void)state;

    rng_state = 42;
    roundtrip("empty", NULL, 0);
    p = list_random(1, 1000);
    roundtrip("one", p, 1);
    free(p);
    p = list_random(100000, 30);
    roundtrip("100k", p, 100000);
    free(p);
    /* every doc: all gaps 0, k 0 */
    p = calloc(5000, sizeof *p);
    assert_non_null(p);
    for (i = 0; i < 5000; i++)
        p[i] = (sat_posting){(uint32_t)i, 1};
    assert_int_equal(roundtrip("dense", p, 5000), 2 + 1 + 5000 * 2 / 8);
    free(p);
}

static void test_roundtrip_extremes(void **state)
{
    const sat_posting ends[] = {{0, UINT32_MAX}, {UINT32_MAX, 1}};
    const sat_posting top[] = {{UINT32_MAX, UINT32_MAX}};
    const sat_posting near[] = {{0, 1}, {1, 1}, {UINT32_MAX - 1, 2}, {UINT32_MAX, 3}};
    const sat_posting freqs[] = {{5, 1u << 31}, {6, (1u << 31) - 1}, {7, 2}, {8, 3}};
    sat_buf b = {0};
    (void)state;

    roundtrip("ends", ends, 2);
    roundtrip("top", top, 1);
    roundtrip("near", near, 4);
    roundtrip("freqs", freqs, 4);
    /* doc UINT32_MAX alone: k 24, q 255; freq UINT32_MAX: 31 zero-bits and 32 bits */
    encode_ok(&b, top, 1);
    assert_int_equal(b.data[1], 24);
    assert_int_equal(b.len, 2 + (255 + 1 + 24 + 63 + 7) / 8);
    assert_true(b.len <= sat_postings_bound(1));
    sat_buf_free(&b);
    assert_int_equal(sat_postings_bound(0), 38);
    assert_int_equal(sat_postings_bound(SIZE_MAX / 2), 0);
}

/* The bound holds where it is tightest: gaps summing to nearly 2^32 (all at the
 * front, or spread evenly) with frequencies of 2^32 - 1. */
static void test_bound_tight(void **state)
{
    sat_posting p[300];
    size_t n, i;
    int spread;
    (void)state;

    for (n = 1; n <= 300; n += 7) {
        for (spread = 0; spread <= 1; spread++) {
            sat_buf b = {0};
            for (i = 0; i < n; i++)
                p[i] = (sat_posting){spread ? (uint32_t)((i + 1) * (UINT32_MAX / n))
                                            : (uint32_t)(UINT32_MAX - (n - 1 - i)),
                                     UINT32_MAX};
            encode_ok(&b, p, n);
            assert_true(b.len <= sat_postings_bound(n));
            sat_buf_free(&b);
        }
    }
}

/* ---- the encoder's k ---- */

/* k is the smallest of 0..24 with the fewest gap bits, compared with every k; the
 * length follows from it. */
static void test_k_optimal(void **state)
{
    int seed;
    (void)state;

    for (seed = 1; seed <= 300; seed++) {
        size_t n, i, head;
        uint64_t best = UINT64_MAX, fbits = 0;
        unsigned k, best_k = 0;
        sat_buf b = {0};
        sat_posting *p;
        rng_state = (uint64_t)seed * 31;
        n = 1 + rng() % 60;
        p = list_random(n, 1 + (rng() >> (rng() % 32)) % (UINT32_MAX / 64));
        for (k = 0; k <= SAT_POSTINGS_K_MAX; k++) {
            uint64_t bits = 0;
            for (i = 0; i < n; i++)
                bits += ((i == 0 ? p[0].doc : p[i].doc - p[i - 1].doc - 1) >> k) + 1 + k;
            if (bits < best) {
                best = bits;
                best_k = k;
            }
        }
        for (i = 0; i < n; i++) {
            unsigned e = 0;
            while (e < 31 && p[i].freq >> (e + 1) != 0)
                e++;
            fbits += 2 * e + 1;
        }
        encode_ok(&b, p, n);
        head = n < 128 ? 1 : 2;
        if ((unsigned char)b.data[head] != best_k)
            fail_msg("seed %d: k %u, best %u", seed, (unsigned char)b.data[head], best_k);
        assert_int_equal(b.len, head + 1 + (best + fbits + 7) / 8);
        sat_buf_free(&b);
        free(p);
    }
}

/* Every list that decodes re-encodes to its bytes: single-bit flips and byte changes
 * of valid lists either are refused or decode to a list encoding to exactly them. */
static void test_canonical(void **state)
{
    int seed, decoded = 0;
    (void)state;

    for (seed = 1; seed <= 40; seed++) {
        sat_buf enc = {0};
        sat_posting *p, *got;
        size_t n, bit, i;
        rng_state = (uint64_t)seed * 977;
        n = 1 + rng() % 40; /* past 8 bytes: docs decoded in one window and bit by bit */
        p = list_random(n, 1 + rng() % 200);
        encode_ok(&enc, p, n);
        got = calloc(enc.len * 8, sizeof *got);
        assert_non_null(got);
        for (bit = 0; bit < enc.len * 8 + 256; bit++) {
            sat_buf again = {0};
            sat_postings_dec d;
            char *m = malloc(enc.len);
            int rc;
            assert_non_null(m);
            memcpy(m, enc.data, enc.len);
            if (bit < enc.len * 8)
                m[bit / 8] ^= (char)(0x80 >> bit % 8);
            else
                m[rng() % enc.len] = (char)rng();
            i = 0;
            rc = sat_postings_open(&d, m, enc.len, NULL);
            while (rc == 0 && (rc = sat_postings_next(&d, NULL)) == 1) {
                assert_true(i < enc.len * 8);
                got[i++] = (sat_posting){d.doc, d.freq};
                rc = 0;
            }
            if (rc == 0) {
                decoded++;
                encode_ok(&again, got, i);
                if (again.len != enc.len || memcmp(again.data, m, enc.len) != 0)
                    fail_msg("seed %d change %zu: decodes but re-encodes differently", seed, bit);
            } else {
                assert_int_equal(rc, SAT_E_FORMAT);
            }
            sat_buf_free(&again);
            free(m);
        }
        free(got);
        free(p);
        sat_buf_free(&enc);
    }
    assert_true(decoded > 0); /* some changes give other valid lists */
}

/* ---- the encoder refuses what the layout cannot hold ---- */

static void test_encode_refuses(void **state)
{
    static const struct {
        sat_posting p[2];
        const char *msg;
    } cases[] = {
        {{{3, 1}, {3, 1}}, "posting 1: doc 3 does not follow doc 3"},
        {{{3, 1}, {2, 1}}, "posting 1: doc 2 does not follow doc 3"},
        {{{3, 0}, {4, 1}}, "posting 0 (doc 3): frequency 0"},
        {{{3, 1}, {4, 0}}, "posting 1 (doc 4): frequency 0"},
    };
    sat_buf b = {0};
    sat_err err;
    size_t i;
    (void)state;

    assert_int_equal(sat_buf_append(&b, "keep", 4), 0);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(sat_postings_encode(&b, cases[i].p, 2, &err), SAT_E_ARG);
        if (strstr(err.msg, cases[i].msg) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
        assert_int_equal(b.len, 4);
    }
    assert_int_equal(sat_postings_encode(NULL, cases[0].p, 1, &err), SAT_E_ARG);
    assert_int_equal(sat_postings_encode(&b, NULL, 1, &err), SAT_E_ARG);
    sat_buf_free(&b);
}

/* ---- the decoder refuses every malformed list ---- */

/* Decodes bytes[0..len) (a private copy, so that ASan sees any read past the end) with
 * sat_postings_check and with the iterator: both must refuse with msg, and the
 * refusal sticks. */
static void refused(const char *what, const void *bytes, size_t len, const char *msg)
{
    char *copy = malloc(len ? len : 1);
    sat_postings_dec d;
    sat_err err;
    int rc;

    assert_non_null(copy);
    if (len > 0)
        memcpy(copy, bytes, len);
    sat_err_clear(&err);
    rc = sat_postings_check(copy, len, NULL, &err);
    if (rc != SAT_E_FORMAT || strstr(err.msg, msg) == NULL)
        fail_msg("%s: rc %d '%s', expected '%s'", what, rc, err.msg, msg);
    rc = sat_postings_open(&d, copy, len, &err);
    while (rc == 0 && (rc = sat_postings_next(&d, &err)) == 1)
        rc = 0;
    assert_int_equal(rc, SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, msg));
    if (sat_postings_open(&d, copy, len, &err) == 0) {
        while (sat_postings_next(&d, &err) == 1)
            ;
        assert_int_equal(sat_postings_next(&d, &err), SAT_E_FORMAT);
        assert_non_null(strstr(err.msg, "refused before"));
    }
    free(copy);
}

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
        C("", "byte 0: empty list: no document count"),
        C("\x80", "byte 0: document count: varint truncated"),
        C("\xff\xff\xff\xff\xff\x00", "byte 0: document count: varint longer than 5 bytes"),
        C("\xff\xff\xff\xff\x1f", "byte 0: document count: varint overflows 32 bits"),
        C("\x81\x00", "byte 0: document count: varint not in its shortest form"),
        C("\x01", "byte 1: document count 1: no Rice parameter byte"),
        C("\x01\x19\x40", "byte 1: Rice parameter 25 above 24"),
        C("\x01\xff\x40", "byte 1: Rice parameter 255 above 24"),
        /* the count is checked before any doc: 5 docs of 2 or more bits in 8 */
        C("\x05\x00\xff", "byte 0: document count 5: only 8 bits follow (2 or more per document)"),
        C("\x02\x18\x00\x00\x00\x00\x00\x00",
          "byte 0: document count 2: only 48 bits follow (26 or more per document)"),
        C("\xff\xff\xff\xff\x0f\x00\x00", "byte 0: document count 4294967295: only 8 bits"),
        /* a unary run past the end, low bits past the end */
        C("\x01\x00\xff", "byte 2: doc 1 of 1: gap truncated"),
        C("\x02\x00\x3f\xff", "byte 2: doc 2 of 2: gap truncated"),
        C("\x02\x00\xfe\xff", "byte 3: doc 2 of 2: gap truncated"),
        C("\x01\x06\xfe", "byte 2: doc 1 of 1: gap truncated"),
        /* gamma: a prefix of 39 zero-bits; only zero-bits left; value bits missing */
        C("\x01\x00\x00\x00\x00\x00\x00", "byte 2: doc 0: frequency prefix of more than 31"),
        C("\x01\x00\x00", "byte 2: doc 0: frequency truncated"),
        C("\x01\x00\x01", "byte 2: doc 0: frequency truncated"),
        C("\x02\x00\x40\x01", "byte 2: doc 1: frequency truncated"),
        /* after the last doc */
        C("\x01\x00\x41", "byte 2: padding bits after the last of 1 documents are not 0"),
        C("\x01\x00\x40\x00", "byte 3: 1 trailing byte(s) after the last of 1 documents"),
        C("\x00\x00", "byte 1: 1 trailing byte(s) after the last of 0 documents"),
        C("\x00\x40\x40", "byte 1: 2 trailing byte(s) after the last of 0 documents"),
        /* k not the encoder's: doc 0 at k 1 (k 0 as short), doc 4 at k 0 (k 1 shorter) */
        C("\x01\x01\x20", "byte 1: Rice parameter 1 is not the encoder's: 0 takes no more bits"),
        C("\x01\x00\xf4", "byte 1: Rice parameter 0 is not the encoder's: 1 takes fewer bits"),
    };
#undef C
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        refused(what, cases[i].bytes, cases[i].len, cases[i].msg);
    }
}

/* Refusals that need long bit runs, written with the test's bit writer. */
static void test_decode_refuses_built(void **state)
{
    tbits t;
    sat_buf b = {0};
    sat_postings_dec d;
    sat_err err;
    size_t n;
    (void)state;

    /* doc UINT32_MAX (k 24: 255 one-bits), then a gap of 0: doc 2^32 */
    memset(&t, 0, sizeof t);
    tb_byte(&t, 2);
    tb_byte(&t, 24);
    tb_doc(&t, UINT32_MAX, 24, 1);
    tb_doc(&t, 0, 24, 1);
    refused("past the top", t.b, tb_len(&t),
            "byte 37: doc number 4294967295 + 1 + 0 exceeds 32 bits");

    /* doc 10, then a gap of 2^32 - 1 - 10: one past the top; one less reaches it */
    memset(&t, 0, sizeof t);
    tb_byte(&t, 2);
    tb_byte(&t, 24);
    tb_doc(&t, 10, 24, 1);
    tb_doc(&t, UINT32_MAX - 10, 24, 1);
    refused("one past the top", t.b, tb_len(&t), "doc number 10 + 1 + 4294967285 exceeds");
    memset(&t, 0, sizeof t);
    tb_byte(&t, 2);
    tb_byte(&t, 24);
    tb_doc(&t, 10, 24, 1);
    tb_doc(&t, UINT32_MAX - 11, 24, 7);
    assert_int_equal(sat_postings_open(&d, t.b, tb_len(&t), &err), 0);
    assert_int_equal(sat_postings_next(&d, &err), 1);
    assert_int_equal(sat_postings_next(&d, &err), 1);
    assert_int_equal(d.doc, UINT32_MAX);
    assert_int_equal(d.freq, 7);
    assert_int_equal(sat_postings_next(&d, &err), 0);

    /* a unary run longer than a uint32 allows: 256 one-bits at k 24, 4096 at k 20 */
    memset(&t, 0, sizeof t);
    tb_byte(&t, 1);
    tb_byte(&t, 24);
    tb_ones(&t, 256);
    tb_put(&t, 0, 1 + 24 + 1);
    refused("q 256 at k 24", t.b, tb_len(&t),
            "byte 2: doc 1 of 1: gap of more than 255 one-bits (above 32 bits at k = 24)");
    memset(&t, 0, sizeof t);
    tb_byte(&t, 1);
    tb_byte(&t, 20);
    tb_ones(&t, 4096 + 200);
    tb_put(&t, 0, 1 + 20 + 1);
    refused("q 4096 at k 20", t.b, tb_len(&t), "gap of more than 4095 one-bits");

    /* freq with 31 zero-bits is the largest prefix; 32 is refused */
    memset(&t, 0, sizeof t);
    tb_byte(&t, 1);
    tb_byte(&t, 0);
    tb_put(&t, 0, 1);
    tb_put(&t, 0, 32);
    tb_put(&t, 1, 1);
    tb_put(&t, 0, 32);
    refused("gamma 32", t.b, tb_len(&t), "byte 2: doc 0: frequency prefix of more than 31");

    /* every strict prefix of a valid list is refused */
    encode_ok(&b, (const sat_posting[]){{7, 3}, {900, 1}, {901, 70000}, {5000000, 2}}, 4);
    for (n = 0; n < b.len; n++) {
        char *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, b.data, n);
        assert_int_equal(sat_postings_check(copy, n, NULL, &err), SAT_E_FORMAT);
        free(copy);
    }
    assert_int_equal(sat_postings_check(b.data, b.len, NULL, &err), 0);
    sat_buf_free(&b);
    assert_int_equal(sat_postings_open(NULL, "", 0, &err), SAT_E_ARG);
    assert_int_equal(sat_postings_open(&d, NULL, 1, &err), SAT_E_ARG);
}

/* ---- combining lists ---- */

/* Encodes the docs of ids[0..n) (freq 1) into b. */
static void encode_docs(sat_buf *b, const uint32_t *ids, size_t n)
{
    sat_posting *p = calloc(n ? n : 1, sizeof *p);
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++)
        p[i] = (sat_posting){ids[i], 1};
    encode_ok(b, p, n);
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
    /* docs 1, 2 (k 0: 10 1, 0 1), then a third whose frequency runs out: 0 000 */
    static const char bad[] = "\x03\x00\xa8";
    sat_buf ea = {0};
    sat_postings_dec da, db, *both[] = {&da, &db};
    sat_err err;
    int rc;
    (void)state;

    encode_docs(&ea, a, 3);
    assert_memory_equal(ea.data, "\x03\x00\xaa", 3);
    assert_int_equal(sat_postings_open(&da, ea.data, ea.len, &err), 0);
    assert_int_equal(sat_postings_open(&db, bad, sizeof bad - 1, &err), 0);
    while ((rc = sat_postings_and_next(both, 2, &err)) == 1)
        ;
    assert_int_equal(rc, SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "byte 2: doc 3: frequency truncated"));
    assert_int_equal(sat_postings_and_next(NULL, 0, &err), SAT_E_ARG);
    sat_buf_free(&ea);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_bytes),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_roundtrip_sizes),
        cmocka_unit_test(test_roundtrip_extremes),
        cmocka_unit_test(test_bound_tight),
        cmocka_unit_test(test_k_optimal),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test(test_decode_refuses_built),
        cmocka_unit_test(test_seek),
        cmocka_unit_test(test_and_andnot_or_known),
        cmocka_unit_test(test_and_random),
        cmocka_unit_test(test_and_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
