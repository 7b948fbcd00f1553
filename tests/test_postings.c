/* test_postings.c - posting lists: the exact bits of the layout, round trips, the
 * encoder's frequency code and chunk k's against brute force (and the decoder refusing
 * every other choice), canonical encodings, every malformed list refused with its
 * byte offset, AND / AND NOT / OR against brute force. */
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

/* ---- a test-side writer, independent of the encoder ----
 * A list is hdr[0..nhdr) then the bits, most significant first, zero-padded. */
typedef struct tbits {
    unsigned char *b;
    size_t cap, nhdr, nbit;
} tbits;

static void tb_init(tbits *t)
{
    memset(t, 0, sizeof *t);
}

static void tb_grow(tbits *t, size_t bytes)
{
    if (bytes <= t->cap)
        return;
    t->b = realloc(t->b, bytes * 2);
    assert_non_null(t->b);
    memset(t->b + t->cap, 0, bytes * 2 - t->cap);
    t->cap = bytes * 2;
}

static void tb_byte(tbits *t, unsigned char c)
{
    assert_int_equal(t->nbit, 0);
    tb_grow(t, t->nhdr + 1);
    t->b[t->nhdr++] = c;
}

static void tb_varint(tbits *t, uint32_t v)
{
    for (; v >= 0x80; v >>= 7)
        tb_byte(t, (unsigned char)(v | 0x80));
    tb_byte(t, (unsigned char)v);
}

static void tb_put(tbits *t, uint64_t v, unsigned n)
{
    while (n-- > 0) {
        size_t at = t->nhdr * 8 + t->nbit++;
        tb_grow(t, at / 8 + 1);
        if (v >> n & 1)
            t->b[at / 8] |= (unsigned char)(0x80 >> at % 8);
    }
}

static void tb_ones(tbits *t, uint64_t q)
{
    for (; q > 0; q--)
        tb_put(t, 1, 1);
}

/* Takes back the last n bits written. */
static void tb_unput(tbits *t, unsigned n)
{
    for (; n > 0; n--) {
        size_t at = t->nhdr * 8 + --t->nbit;
        t->b[at / 8] &= (unsigned char)~(0x80 >> at % 8);
    }
}

static size_t tb_len(const tbits *t)
{
    return t->nhdr + (t->nbit + 7) / 8;
}

static unsigned tb_log2(uint64_t v)
{
    unsigned e = 0;

    while (v >> (e + 1) != 0)
        e++;
    return e;
}

/* Rice code of v with parameter k. */
static void tb_rice(tbits *t, uint64_t v, unsigned k)
{
    tb_ones(t, v >> k);
    tb_put(t, 0, 1);
    tb_put(t, v, k);
}

/* Frequency f in code c: gamma; Rice of f - 1 (r = c - 1); exp-Golomb of f - 1
 * (order j = c - 6). */
static void tb_freq(tbits *t, unsigned c, uint64_t f)
{
    uint64_t y;
    unsigned j, n;

    if (c == 0) {
        n = tb_log2(f);
        tb_put(t, 0, n);
        tb_put(t, f, n + 1);
    } else if (c <= 6) {
        tb_rice(t, f - 1, c - 1);
    } else {
        j = c - 6;
        y = f - 1 + (1u << j);
        n = tb_log2(y);
        tb_put(t, 0, n - j);
        tb_put(t, y, n + 1);
    }
}

/* The length of f in code c, by the formulas of the layout. */
static uint64_t t_flen(unsigned c, uint64_t f)
{
    if (c == 0)
        return 2 * tb_log2(f) + 1;
    if (c <= 6)
        return ((f - 1) >> (c - 1)) + 1 + (c - 1);
    return 2 * tb_log2(f - 1 + (1u << (c - 6))) - (c - 6) + 1;
}

/* Brute force: the code with the fewest bits for p[0..n), the lowest on a tie. */
static unsigned best_fcode(const sat_posting *p, size_t n)
{
    uint64_t best = UINT64_MAX;
    unsigned c, bc = 0;
    size_t i;

    for (c = 0; c < 10; c++) {
        uint64_t bits = 0;
        for (i = 0; i < n; i++)
            bits += t_flen(c, p[i].freq);
        if (bits < best) {
            best = bits;
            bc = c;
        }
    }
    return bc;
}

static uint32_t gap(const sat_posting *p, size_t i)
{
    return i == 0 ? p[0].doc : p[i].doc - p[i - 1].doc - 1;
}

/* Brute force: the k of 0..24 with the fewest gap bits for postings lo..hi-1, the
 * smallest on a tie. */
static unsigned best_k(const sat_posting *p, size_t lo, size_t hi)
{
    uint64_t best = UINT64_MAX;
    unsigned k, bk = 0;
    size_t i;

    for (k = 0; k <= 24; k++) {
        uint64_t bits = 0;
        for (i = lo; i < hi; i++)
            bits += (gap(p, i) >> k) + 1 + k;
        if (bits < best) {
            best = bits;
            bk = k;
        }
    }
    return bk;
}

/* Writes the list p[0..n) with frequency code fcode and chunk k's from k[] (NULL: the
 * best ones); chunk_bit[c], if given, receives the bit position of chunk c's k in the
 * bit stream (its byte: t->nhdr + chunk_bit[c] / 8). */
static void tb_list(tbits *t, const sat_posting *p, size_t n, unsigned fcode, const unsigned *k,
                    size_t *chunk_bit)
{
    size_t i;
    unsigned kc = 0;

    tb_varint(t, (uint32_t)n);
    if (n == 0)
        return;
    tb_byte(t, (unsigned char)fcode);
    for (i = 0; i < n; i++) {
        if (i % 64 == 0) {
            kc = k != NULL ? k[i / 64] : best_k(p, i, i + 64 < n ? i + 64 : n);
            if (chunk_bit != NULL)
                chunk_bit[i / 64] = t->nbit;
            tb_put(t, kc, 5);
        }
        tb_rice(t, gap(p, i), kc);
        tb_freq(t, fcode, p[i].freq);
    }
}

/* ---- layout ---- */

static void test_exact_bytes(void **state)
{
    /* the example of sat_postings.h */
    const sat_posting ex[] = {{3, 1}, {4, 2}, {9, 1}, {20, 5}};
    const sat_posting one[] = {{0, 1}};
    const sat_posting two[] = {{1000, 3}, {1003, 1}};
    sat_buf b = {0};
    tbits t;
    (void)state;

    encode_ok(&b, ex, 4);
    dump("example", &b);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "\x04\x01\x13\x0a\x1a\xf0", 6);
    /* the same bits written by the test's own writer, piece by piece */
    tb_init(&t);
    tb_byte(&t, 4);
    tb_byte(&t, 1);
    tb_put(&t, 2, 5);
    tb_rice(&t, 3, 2);
    tb_freq(&t, 1, 1);
    tb_rice(&t, 0, 2);
    tb_freq(&t, 1, 2);
    tb_rice(&t, 4, 2);
    tb_freq(&t, 1, 1);
    tb_rice(&t, 10, 2);
    tb_freq(&t, 1, 5);
    assert_int_equal(t.nbit, 29);
    assert_memory_equal(t.b, b.data, 6);
    free(t.b);
    b.len = 0;
    /* empty list: the count alone */
    encode_ok(&b, NULL, 0);
    assert_int_equal(b.len, 1);
    assert_memory_equal(b.data, "\x00", 1);
    b.len = 0;
    /* doc 0 freq 1: fcode 0 (gamma and unary both 1 bit: the lower code), k 0 (each k
     * adds a bit); 00000, gap 0, freq 1: 0000 0010 */
    encode_ok(&b, one, 1);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "\x01\x00\x02", 3);
    b.len = 0;
    /* gaps 1000, 2: k 0..10 cost 2*(k+1) + (1000>>k) + (2>>k); k 8 gives 18 + 3 = 21,
     * k 9 gives 20 + 1 = 21 (tie: 8), k 7 gives 16 + 7 = 23. Freqs 3, 1: gamma 3 + 1,
     * unary 3 + 1 (tie: 0), others more. Bits: 01000, 1110 11101000, 011 (freq 3),
     * 0 00000010, 1 (freq 1) = 0100 0111 0111 0100 0011 0000 0001 01(00) */
    encode_ok(&b, two, 2);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "\x02\x00\x47\x74\x30\x14", 6);
    sat_buf_free(&b);
}

/* The encoder writes exactly what the test's writer writes with the brute-force best
 * fcode and k per chunk, for lists of one to several chunks. */
static void test_layout_brute_force(void **state)
{
    int seed;
    (void)state;

    for (seed = 1; seed <= 200; seed++) {
        size_t n;
        sat_buf b = {0};
        sat_posting *p;
        tbits t;
        rng_state = (uint64_t)seed * 31;
        n = 1 + rng() % (seed % 4 == 0 ? 300 : 70);
        p = list_random(n, 1 + (rng() >> (rng() % 32)) % (UINT32_MAX / 512));
        encode_ok(&b, p, n);
        tb_init(&t);
        tb_list(&t, p, n, best_fcode(p, n), NULL, NULL);
        if (b.len != tb_len(&t) || memcmp(b.data, t.b, b.len) != 0)
            fail_msg("seed %d (%zu docs): the encoder's bytes differ from the layout's", seed, n);
        free(t.b);
        sat_buf_free(&b);
        free(p);
    }
}

/* Each chunk's k is the brute-force best, read back from the encoder's bytes, for a
 * list whose chunks differ in density (each chunk a k of its own). */
static void test_k_per_chunk(void **state)
{
    enum { N = 64 * 5 + 7 };
    sat_posting p[N];
    size_t i, bit[6];
    uint64_t doc = 0;
    unsigned c, k[6], got, b5;
    sat_buf b = {0};
    tbits t;
    (void)state;

    rng_state = 5;
    for (i = 0; i < N; i++) {
        /* chunk c: gaps below 3 * 4^c */
        doc += (i > 0) + rng() % (3u << (2 * (i / 64)));
        p[i] = (sat_posting){(uint32_t)doc, 1};
    }
    for (c = 0; c * 64 < N; c++) {
        k[c] = best_k(p, c * 64, c * 64 + 64 < N ? c * 64 + 64 : N);
        if (c > 0)
            assert_true(k[c] > k[c - 1]);
    }
    encode_ok(&b, p, N);
    tb_init(&t);
    tb_list(&t, p, N, 0, k, bit);
    for (c = 0; c * 64 < N; c++) {
        for (got = 0, b5 = 0; b5 < 5; b5++) {
            size_t at = (b.len - (t.nbit + 7) / 8) * 8 + bit[c] + b5; /* after the header */
            got = got << 1 | (b.data[at / 8] >> (7 - at % 8) & 1);
        }
        if (got != k[c])
            fail_msg("chunk %u: k %u, best %u", c + 1, got, k[c]);
    }
    assert_int_equal(b.len, tb_len(&t));
    assert_memory_equal(b.data, t.b, b.len);
    free(t.b);
    sat_buf_free(&b);
}

/* ---- round trips ---- */

static void test_roundtrip_random(void **state)
{
    int seed;
    (void)state;

    for (seed = 1; seed <= 60; seed++) {
        size_t n;
        uint32_t g;
        sat_posting *p;
        rng_state = (uint64_t)seed;
        n = 1 + rng() % 500;
        /* gaps from dense (every doc) to sparse (millions apart) */
        g = 1 + (rng() % 2 ? rng() % 8 : rng() % (UINT32_MAX / 600));
        p = list_random(n, g);
        roundtrip("random", p, n);
        free(p);
    }
}

static void test_roundtrip_sizes(void **state)
{
    static const size_t sizes[] = {1, 2, 63, 64, 65, 127, 128, 129, 100000};
    sat_posting *p;
    char name[32];
    size_t i;
    (void)state;

    rng_state = 42;
    roundtrip("empty", NULL, 0);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        p = list_random(sizes[i], i % 2 ? 30 : 3000);
        snprintf(name, sizeof name, "size-%zu", sizes[i]);
        roundtrip(name, p, sizes[i]);
        free(p);
    }
    /* every doc, freq 1: per doc a gap bit and a freq bit, 5 bits per chunk */
    p = calloc(5000, sizeof *p);
    assert_non_null(p);
    for (i = 0; i < 5000; i++)
        p[i] = (sat_posting){(uint32_t)i, 1};
    assert_int_equal(roundtrip("dense", p, 5000), 2 + 1 + (5000 * 2 + 79 * 5 + 7) / 8);
    free(p);
}

static void test_roundtrip_extremes(void **state)
{
    const sat_posting ends[] = {{0, UINT32_MAX}, {UINT32_MAX, 1}};
    const sat_posting top[] = {{UINT32_MAX, UINT32_MAX}};
    const sat_posting near[] = {{0, 1}, {1, 1}, {UINT32_MAX - 1, 2}, {UINT32_MAX, 3}};
    const sat_posting freqs[] = {{5, 1u << 31}, {6, (1u << 31) - 1}, {7, 2}, {8, 3}};
    sat_posting many[130];
    sat_buf b = {0};
    size_t i;
    (void)state;

    roundtrip("ends", ends, 2);
    roundtrip("top", top, 1);
    roundtrip("near", near, 4);
    roundtrip("freqs", freqs, 4);
    /* doc UINT32_MAX alone: k 24, q 255; freq UINT32_MAX in exp-Golomb order 3 (62 bits,
     * gamma 63): y = 2^32 + 6, 29 zero-bits and 33 bits */
    encode_ok(&b, top, 1);
    assert_int_equal(b.data[1], 9);
    assert_int_equal(b.len, 2 + (5 + 255 + 1 + 24 + 62 + 7) / 8);
    assert_true(b.len <= sat_postings_bound(1));
    sat_buf_free(&b);
    /* the top doc and frequency across chunks: three chunks ending at UINT32_MAX */
    for (i = 0; i < 130; i++)
        many[i] = (sat_posting){UINT32_MAX - 129 + (uint32_t)i, i % 3 ? UINT32_MAX : 1};
    roundtrip("top-chunks", many, 130);
    assert_int_equal(sat_postings_bound(0), 38);
    assert_int_equal(sat_postings_bound(1), 38 + 11 + 1);
    assert_int_equal(sat_postings_bound(64), 38 + 11 * 64 + 1);
    assert_int_equal(sat_postings_bound(65), 38 + 11 * 65 + 2);
    assert_int_equal(sat_postings_bound(SIZE_MAX / 2), 0);
}

/* Every frequency code wins on some list: the fcode byte is the expected one and the
 * brute force's, and the list round-trips. */
static void test_every_fcode(void **state)
{
    static const struct {
        unsigned fcode;
        uint32_t f[9];
    } cases[] = {
        {0, {1, 1000000, 1, 1}},
        {1, {2, 2, 2, 2}},
        {2, {4, 4, 4, 4}},
        {3, {7, 7, 7, 7}},
        {4, {15, 15, 15, 15}},
        {5, {31, 31, 31, 31}},
        {6, {63, 63, 63, 63}},
        {7, {2, 6, 14, 30, 62, 126, 1022, 2, 2}},
        {8, {4, 12, 28, 60, 124, 1020, 4}},
        {9, {8, 24, 56, 120, 1016, 8}},
        {9, {UINT32_MAX}},
    };
    size_t i, n;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sat_posting p[9];
        sat_buf b = {0};
        char name[32];
        for (n = 0; n < 9 && cases[i].f[n] != 0; n++)
            p[n] = (sat_posting){(uint32_t)(n * 3), cases[i].f[n]};
        assert_int_equal(best_fcode(p, n), cases[i].fcode);
        encode_ok(&b, p, n);
        if ((unsigned char)b.data[1] != cases[i].fcode)
            fail_msg("case %zu: fcode %u, expected %u", i, (unsigned)b.data[1], cases[i].fcode);
        snprintf(name, sizeof name, "fcode-%u", cases[i].fcode);
        roundtrip(name, p, n);
        sat_buf_free(&b);
    }
}

/* The decoder's side of the choice: a list written in each of the ten codes decodes
 * only in the best one (small and large frequencies, ties between codes included). */
static void test_fcode_enforced(void **state)
{
    int seed, won[10] = {0};
    unsigned c;
    (void)state;

    for (seed = 1; seed <= 150; seed++) {
        size_t n, i;
        sat_posting *p;
        unsigned best, spread;
        uint32_t fmax;
        rng_state = (uint64_t)seed * 1009;
        n = 1 + rng() % 140;
        p = list_random(n, 50); /* or mostly 1..4, some to 1000, a few to 2^32 - 1 */
        spread = rng() % 8;     /* or frequencies around 2^spread */
        for (i = 0; seed % 4 == 0 && i < n; i++) /* mostly 1 */
            p[i].freq = rng() % 4 ? 1 : 1 + (rng() >> (rng() % 32));
        for (i = 0; seed % 4 == 1 && i < n; i++) /* up to 2, 4 or 8 */
            p[i].freq = 1 + rng() % (2u << (seed % 3));
        for (i = 0; seed % 4 >= 2 && i < n; i++)
            p[i].freq = (rng() % 4 == 0 ? rng() % 40 : (1u << spread) + rng() % (2u << spread)) + 1;
        if (seed % 10 == 0)
            p[0].freq = UINT32_MAX - rng() % 9;
        for (fmax = 0, i = 0; i < n; i++)
            fmax = p[i].freq > fmax ? p[i].freq : fmax;
        best = best_fcode(p, n);
        won[best]++;
        for (c = 0; c < 10; c++) {
            tbits t;
            sat_err err;
            int rc;
            if (c >= 1 && c <= 6 && (fmax - 1) >> (c - 1) > 1000000)
                continue; /* unary runs of millions of bits: see test_decode_refuses_built */
            tb_init(&t);
            tb_list(&t, p, n, c, NULL, NULL);
            rc = sat_postings_check(t.b, tb_len(&t), NULL, &err);
            if (c == best && rc != 0)
                fail_msg("seed %d: best code %u refused: %s", seed, c, err.msg);
            if (c != best &&
                (rc != SAT_E_FORMAT || strstr(err.msg, "is not the encoder's") == NULL))
                fail_msg("seed %d: code %u (best %u) not refused: %d", seed, c, best, rc);
            free(t.b);
        }
        free(p);
    }
    for (c = 0; c < 10; c++)
        if (won[c] == 0)
            fail_msg("code %u never won (%d %d %d %d %d %d %d %d %d %d)", c, won[0], won[1], won[2],
                     won[3], won[4], won[5], won[6], won[7], won[8], won[9]);
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

/* Every list that decodes re-encodes to its bytes: every single-bit flip and random
 * byte changes of valid lists (one to three chunks) either are refused or decode to
 * a list encoding to exactly them. */
static void test_canonical(void **state)
{
    int seed, decoded = 0;
    (void)state;

    for (seed = 1; seed <= 40; seed++) {
        sat_buf enc = {0};
        sat_posting *p, *got;
        size_t n, bit, i;
        rng_state = (uint64_t)seed * 977;
        n = 1 + rng() % (seed % 3 == 0 ? 150 : 40);
        p = list_random(n, 1 + rng() % 200);
        if (seed % 2 == 0)
            for (i = 0; i < n; i++)
                p[i].freq = 1 + rng() % (1u << (seed % 7)); /* other codes win */
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
        /* the header */
        C("", "byte 0: empty list: no document count"),
        C("\x80", "byte 0: document count: varint truncated"),
        C("\xff\xff\xff\xff\xff\x00", "byte 0: document count: varint longer than 5 bytes"),
        C("\xff\xff\xff\xff\x1f", "byte 0: document count: varint overflows 32 bits"),
        C("\x81\x00", "byte 0: document count: varint not in its shortest form"),
        C("\x01", "byte 1: document count 1: no frequency code byte"),
        C("\x81\x01", "byte 2: document count 129: no frequency code byte"),
        C("\x01\x0a\x02", "byte 1: frequency code 10 above 9"),
        C("\x01\xff\x02", "byte 1: frequency code 255 above 9"),
        /* the count is checked before any doc: per doc a gap bit and the code's
         * shortest frequency (gamma 1, Rice r + 1, exp-Golomb j + 1), 5 bits a chunk */
        C("\x05\x00\xff", "byte 0: document count 5: only 8 bits follow (15 or more needed)"),
        C("\x02\x09\x00", "byte 0: document count 2: only 8 bits follow (15 or more needed)"),
        C("\x02\x06\x00\x00", "byte 0: document count 2: only 16 bits follow (19 or more needed)"),
        C("\xff\xff\xff\xff\x0f\x00\x00", "byte 0: document count 4294967295: only 8 bits"),
        /* a chunk's k: 11001 (25), 11111 (31) */
        C("\x01\x00\xca", "byte 2: doc 1 of 1: chunk Rice parameter 25 above 24"),
        C("\x01\x00\xfa", "byte 2: doc 1 of 1: chunk Rice parameter 31 above 24"),
        /* a unary run past the end; low bits past the end */
        C("\x01\x00\x07\xff", "byte 2: doc 1 of 1: gap truncated"),
        C("\x02\x00\x03\xff", "byte 2: doc 2 of 2: gap truncated"),
        C("\x02\x00\x01\x7f\xff", "byte 3: doc 2 of 2: gap truncated"),
        C("\x01\x00\x33", "byte 2: doc 1 of 1: gap truncated"),
        /* gamma: a prefix of 42 zero-bits; only zero-bits left; value bits missing */
        C("\x01\x00\x00\x00\x00\x00\x00\x00", "byte 2: doc 0: frequency prefix of more than 31"),
        C("\x01\x00\x00", "byte 2: doc 0: frequency truncated"),
        C("\x01\x00\x01", "byte 2: doc 0: frequency truncated"),
        C("\x02\x00\x05\x01", "byte 3: doc 2: frequency truncated"),
        /* Rice r 2 (fcode 3): the low bits cut off; exp-Golomb 3: zero-bits only */
        C("\x01\x03\x03\xfd", "byte 2: doc 0: frequency truncated"),
        C("\x01\x09\x00\x00", "byte 2: doc 0: frequency truncated"),
        /* after the last doc */
        C("\x01\x00\x03", "byte 2: padding bits after the last of 1 documents are not 0"),
        C("\x01\x00\x02\x00", "byte 3: 1 trailing byte(s) after the last of 1 documents"),
        C("\x00\x00", "byte 1: 1 trailing byte(s) after the last of 0 documents"),
        C("\x00\x40\x40", "byte 1: 2 trailing byte(s) after the last of 0 documents"),
        /* k not the encoder's: doc 0 at k 1 (k 0 shorter), doc 2 at k 1 (k 0 as
         * short: 3 bits each), doc 4 at k 0 (k 1 shorter) */
        C("\x01\x00\x09",
          "byte 2: chunk 1: Rice parameter 1 is not the encoder's: 0 takes no more bits"),
        C("\x01\x00\x0c\x80",
          "byte 2: chunk 1: Rice parameter 1 is not the encoder's: 0 takes no more bits"),
        C("\x01\x00\x07\xa0",
          "byte 2: chunk 1: Rice parameter 0 is not the encoder's: 1 takes fewer bits"),
        /* fcode not the encoder's: freq 1 in unary (a tie with gamma: the lower code),
         * freq 2 in gamma (unary shorter) */
        C("\x01\x01\x00",
          "byte 1: frequency code 1 is not the encoder's: code 0 takes 1 bits, not 1"),
        C("\x01\x00\x01\x00",
          "byte 1: frequency code 0 is not the encoder's: code 1 takes 2 bits, not 3"),
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

/* A list of one doc (gap v at k, freq f in code c) written by the test's writer. */
static void tb_one(tbits *t, uint32_t v, unsigned k, unsigned c, uint64_t f)
{
    tb_init(t);
    tb_byte(t, 1);
    tb_byte(t, (unsigned char)c);
    tb_put(t, k, 5);
    tb_rice(t, v, k);
    tb_freq(t, c, f);
}

/* Refusals that need long bit runs or several chunks, written with the test's writer. */
static void test_decode_refuses_built(void **state)
{
    sat_posting p[150];
    unsigned k[3];
    size_t bit[3], i, n;
    uint64_t doc = 0;
    unsigned char *big;
    sat_buf b = {0};
    sat_postings_dec d;
    sat_err err;
    char msg[128];
    tbits t;
    (void)state;

    /* doc UINT32_MAX (k 24: 255 one-bits), then a gap of 0: doc 2^32 */
    tb_init(&t);
    tb_byte(&t, 2);
    tb_byte(&t, 0);
    tb_put(&t, 24, 5);
    tb_rice(&t, UINT32_MAX, 24);
    tb_freq(&t, 0, 1);
    tb_rice(&t, 0, 24);
    tb_freq(&t, 0, 1);
    refused("past the top", t.b, tb_len(&t),
            "byte 37: doc number 4294967295 + 1 + 0 exceeds 32 bits");
    free(t.b);

    /* doc 10, then a gap of 2^32 - 1 - 10: one past the top; one less reaches it */
    tb_init(&t);
    tb_byte(&t, 2);
    tb_byte(&t, 0);
    tb_put(&t, 24, 5);
    tb_rice(&t, 10, 24);
    tb_freq(&t, 0, 1);
    tb_rice(&t, UINT32_MAX - 10, 24);
    tb_freq(&t, 0, 1);
    refused("one past the top", t.b, tb_len(&t), "doc number 10 + 1 + 4294967285 exceeds");
    free(t.b);
    p[0] = (sat_posting){10, 1};
    p[1] = (sat_posting){UINT32_MAX, 7};
    tb_init(&t);
    tb_list(&t, p, 2, best_fcode(p, 2), NULL, NULL);
    assert_int_equal(sat_postings_open(&d, t.b, tb_len(&t), &err), 0);
    assert_int_equal(sat_postings_next(&d, &err), 1);
    assert_int_equal(sat_postings_next(&d, &err), 1);
    assert_int_equal(d.doc, UINT32_MAX);
    assert_int_equal(d.freq, 7);
    assert_int_equal(sat_postings_next(&d, &err), 0);
    free(t.b);

    /* a unary gap run longer than a uint32 allows: 256 one-bits at k 24, 4096 at k 20 */
    tb_init(&t);
    tb_byte(&t, 1);
    tb_byte(&t, 0);
    tb_put(&t, 24, 5);
    tb_ones(&t, 256);
    tb_put(&t, 0, 1 + 24 + 1);
    refused("q 256 at k 24", t.b, tb_len(&t),
            "byte 2: doc 1 of 1: gap of more than 255 one-bits (above 32 bits at k = 24)");
    free(t.b);
    tb_init(&t);
    tb_byte(&t, 1);
    tb_byte(&t, 0);
    tb_put(&t, 20, 5);
    tb_ones(&t, 4096 + 200);
    tb_put(&t, 0, 1 + 20 + 1);
    refused("q 4096 at k 20", t.b, tb_len(&t), "gap of more than 4095 one-bits");
    free(t.b);

    /* gamma with 31 zero-bits is the largest prefix; 32 is refused */
    tb_one(&t, 0, 0, 0, 1);
    tb_unput(&t, 1); /* the freq bit */
    tb_put(&t, 0, 32);
    tb_put(&t, 1, 1);
    tb_put(&t, 0, 32);
    refused("gamma 32", t.b, tb_len(&t), "byte 2: doc 0: frequency prefix of more than 31");
    free(t.b);
    /* exp-Golomb order 1: 31 zero-bits and 33 bits hold y up to 2^33 - 1, f up to
     * 2^33 - 2: above 32 bits; 32 zero-bits are refused before */
    tb_one(&t, 0, 0, 7, 1);
    tb_unput(&t, 2);
    tb_put(&t, 0, 31);
    tb_put(&t, (UINT64_C(1) << 33) - 1, 33);
    refused("exp-Golomb 1 overflow", t.b, tb_len(&t),
            "byte 2: doc 0: frequency 8589934590 above 32 bits");
    free(t.b);
    tb_one(&t, 0, 0, 9, 1);
    tb_unput(&t, 4);
    tb_put(&t, 0, 30);
    tb_put(&t, 1, 34);
    refused("exp-Golomb 3 prefix", t.b, tb_len(&t),
            "byte 2: doc 0: frequency prefix of more than 29 zero-bits");
    free(t.b);
    /* f = 2^32: one past the top in exp-Golomb order 3 (y = 2^32 + 7); 2^32 - 1 ok */
    tb_one(&t, 0, 0, 9, UINT64_C(1) << 32);
    refused("exp-Golomb 3 overflow", t.b, tb_len(&t),
            "byte 2: doc 0: frequency 4294967296 above 32 bits");
    free(t.b);
    tb_one(&t, 0, 0, 9, UINT32_MAX);
    assert_int_equal(sat_postings_check(t.b, tb_len(&t), NULL, &err), 0);
    free(t.b);

    /* Rice r 5 (fcode 6): f - 1 takes at most (2^32 - 2) >> 5 = 134217727 one-bits;
     * with that many and low bits 11111, f = 2^32; one more one-bit is refused at
     * once. Written bytewise: 00000 0 (k 0, gap 0), then the run. */
    n = 2 + 16777216 + 2;
    big = calloc(n, 1);
    assert_non_null(big);
    big[0] = 1;
    big[1] = 6;
    big[2] = 0x03;                   /* 2 one-bits */
    memset(big + 3, 0xff, 16777215); /* 134217720 more */
    big[3 + 16777215] = 0xfb;        /* 5 more (134217727), 0, low bits 1 1 */
    big[4 + 16777215] = 0xe0;        /* low bits 1 1 1 */
    refused("Rice 5 overflow", big, n, "byte 2: doc 0: frequency 4294967296 above 32 bits");
    big[3 + 16777215] = 0xfd; /* 6 more: 134217728 */
    refused("Rice 5 run", big, n, "byte 2: doc 0: frequency of more than 134217727 one-bits");
    free(big);

    /* three chunks, the middle one's k off by one either way: refused at its k; the
     * right k's decode */
    rng_state = 77;
    for (i = 0; i < 150; i++) {
        doc += (i > 0) + rng() % 40;
        p[i] = (sat_posting){(uint32_t)doc, 1 + rng() % 3};
    }
    for (i = 0; i < 3; i++)
        k[i] = best_k(p, i * 64, i * 64 + 64 < 150 ? i * 64 + 64 : 150);
    assert_true(k[1] > 0 && k[1] < 24);
    tb_init(&t);
    tb_list(&t, p, 150, best_fcode(p, 150), k, bit);
    encode_ok(&b, p, 150);
    assert_int_equal(b.len, tb_len(&t));
    assert_memory_equal(b.data, t.b, b.len);
    free(t.b);
    for (i = 0; i < 2; i++) {
        k[1] += i == 0 ? -1 : 2;
        tb_init(&t);
        tb_list(&t, p, 150, best_fcode(p, 150), k, bit);
        snprintf(msg, sizeof msg,
                 "byte %zu: chunk 2: Rice parameter %u is not the encoder's: %u %s",
                 t.nhdr + bit[1] / 8, k[1], i == 0 ? k[1] + 1 : k[1] - 1,
                 i == 0 ? "takes fewer bits" : "takes no more bits");
        refused("middle k", t.b, tb_len(&t), msg);
        free(t.b);
    }
    k[1]--;

    /* the second chunk's header cut off after fewer than 5 bits: 65 docs whose first
     * 64 take more than the minimum, the bits ending in the header's first byte (all
     * docs moved up by 16 at a time, so doc 0's gap grows, until the header starts at
     * bit 4..7 of a byte) */
    for (i = 0;; i++) {
        assert_true(i < 32);
        for (n = 0; n < 65; n++)
            p[n].doc += i > 0 ? 16 : 0;
        tb_init(&t);
        tb_list(&t, p, 65, best_fcode(p, 65), NULL, bit);
        if (bit[1] % 8 >= 4)
            break;
        free(t.b);
    }
    t.nbit = bit[1] / 8 * 8 + 8;
    t.b[t.nhdr + bit[1] / 8] &= (unsigned char)(0xff00 >> (bit[1] % 8)); /* header bits 0 */
    snprintf(msg, sizeof msg, "byte %zu: doc 65 of 65: chunk header truncated",
             t.nhdr + bit[1] / 8);
    refused("chunk header cut", t.b, tb_len(&t), msg);
    free(t.b);
    /* the count bound with two chunks: 65 * 2 + 2 * 5 = 140 bits, in 18 bytes */
    big = calloc(20, 1);
    assert_non_null(big);
    big[0] = 65;
    refused("count bound", big, 19, "byte 0: document count 65: only 136 bits follow (140 or more");
    assert_int_equal(sat_postings_open(&d, big, 20, &err), 0);
    free(big);

    /* every strict prefix of a valid list is refused */
    b.len = 0;
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
    /* k 0, docs 1, 2 (10 1, 0 1), then a third whose frequency runs out: 0 0000 */
    static const char bad[] = "\x03\x00\x05\x40";
    sat_buf ea = {0};
    sat_postings_dec da, db, *both[] = {&da, &db};
    sat_err err;
    int rc;
    (void)state;

    encode_docs(&ea, a, 3);
    assert_int_equal(ea.len, 4);
    assert_memory_equal(ea.data, "\x03\x00\x05\x50", 4);
    assert_int_equal(sat_postings_open(&da, ea.data, ea.len, &err), 0);
    assert_int_equal(sat_postings_open(&db, bad, sizeof bad - 1, &err), 0);
    while ((rc = sat_postings_and_next(both, 2, &err)) == 1)
        ;
    assert_int_equal(rc, SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "byte 3: doc 3: frequency truncated"));
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
        cmocka_unit_test(test_layout_brute_force),
        cmocka_unit_test(test_k_per_chunk),
        cmocka_unit_test(test_every_fcode),
        cmocka_unit_test(test_fcode_enforced),
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
