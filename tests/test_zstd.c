/* test_zstd.c - the caps on untrusted zstd frames. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "sat_zstd.h"

static char text[20000];

static void fill(void)
{
    size_t i;
    for (i = 0; i < sizeof text; i++)
        text[i] = "평양 market 문서를 rice "[i % 29];
}

static void test_round_trip_and_size_checks(void **state)
{
    sat_zstd *z = NULL;
    sat_err err = {0};
    uint8_t *f = NULL;
    size_t flen;
    char *out = malloc(sizeof text + 10);
    (void)state;

    fill();
    assert_int_equal(sat_zstd_create(NULL, 0, 3, &z, &err), 0);
    assert_int_equal(sat_zstd_compress(z, text, sizeof text, &f, &flen, &err), 0);
    assert_int_equal(sat_zstd_decompress(z, f, flen, out, sizeof text, &err), 0);
    assert_memory_equal(out, text, sizeof text);
    /* the signed size differs from the frame's claim: refused before decompressing */
    assert_int_not_equal(sat_zstd_decompress(z, f, flen, out, sizeof text - 1, &err), 0);
    assert_non_null(strstr(err.msg, "claims"));
    assert_int_not_equal(sat_zstd_decompress(z, f, flen, out, sizeof text + 1, &err), 0);
    /* trailing bytes after the frame */
    {
        uint8_t *g = malloc(flen + 4);
        memcpy(g, f, flen);
        memcpy(g + flen, "abcd", 4);
        assert_int_not_equal(sat_zstd_decompress(z, g, flen + 4, out, sizeof text, &err), 0);
        /* two frames */
        free(g);
        g = malloc(2 * flen);
        memcpy(g, f, flen);
        memcpy(g + flen, f, flen);
        assert_int_not_equal(sat_zstd_decompress(z, g, 2 * flen, out, sizeof text, &err), 0);
        free(g);
    }
    /* a prefix: the first bytes decoded exactly, the frame checks still applied */
    memset(out, 0, sizeof text);
    assert_int_equal(sat_zstd_decompress_prefix(z, f, flen, out, sizeof text, 100, &err), 0);
    assert_memory_equal(out, text, 100);
    assert_int_equal(sat_zstd_decompress_prefix(z, f, flen, out, sizeof text, 15000, &err), 0);
    assert_memory_equal(out, text, 15000);
    assert_int_not_equal(sat_zstd_decompress_prefix(z, f, flen, out, sizeof text - 1, 10, &err), 0);
    assert_int_not_equal(sat_zstd_decompress_prefix(z, f, flen / 2, out, sizeof text, 19000, &err),
                         0);
    /* truncated frame */
    assert_int_not_equal(sat_zstd_decompress(z, f, flen - 1, out, sizeof text, &err), 0);
    /* garbage */
    assert_int_not_equal(sat_zstd_decompress(z, text, 100, out, sizeof text, &err), 0);
    free(f);
    free(out);
    sat_zstd_free(z);
}

/* A frame with no content size, or one lying about a huge size (a bomb), is refused
 * without allocating from the claim. */
static void test_frame_lies(void **state)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    sat_zstd *z = NULL;
    sat_err err = {0};
    size_t cap = ZSTD_compressBound(1 << 20), n;
    uint8_t *f = malloc(cap);
    char *zeros = calloc(1, 1 << 20);
    char out[64];
    (void)state;

    assert_int_equal(sat_zstd_create(NULL, 0, 0, &z, &err), 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
    n = ZSTD_compress2(c, f, cap, zeros, 1 << 20);
    assert_false(ZSTD_isError(n));
    assert_int_not_equal(sat_zstd_decompress(z, f, n, out, sizeof out, &err), 0);
    assert_non_null(strstr(err.msg, "content size"));
    /* 1 MiB of zeros, claimed honestly, but the manifest says 64 bytes */
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
    n = ZSTD_compress2(c, f, cap, zeros, 1 << 20);
    assert_true(n < 200); /* a real bomb: tiny frame, big output */
    assert_int_not_equal(sat_zstd_decompress(z, f, n, out, sizeof out, &err), 0);
    ZSTD_freeCCtx(c);
    sat_zstd_free(z);
    free(f);
    free(zeros);
}

/* A frame that declares a window far beyond any cluster: refused before decoding. The
 * frame is real (1 MiB in 1 KiB windows), only its window descriptor byte is raised. */
static void test_window_cap(void **state)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    sat_zstd *z = NULL;
    sat_err err = {0};
    size_t len = 1 << 20, cap = ZSTD_compressBound(len), n;
    uint8_t *f = malloc(cap);
    char *src = malloc(len), *out = malloc(len);
    size_t i;
    (void)state;

    for (i = 0; i < len; i++)
        src[i] = (char)("평양 market 문서를 rice "[(i * 7) % 29] ^ (i >> 12));
    assert_int_equal(sat_zstd_create(NULL, 0, 0, &z, &err), 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 10);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
    n = ZSTD_compress2(c, f, cap, src, len);
    assert_false(ZSTD_isError(n));
    /* magic (4), frame header descriptor (single-segment flag off), window descriptor */
    assert_int_equal(f[4] & 0x20, 0);
    assert_int_equal(sat_zstd_decompress(z, f, n, out, len, &err), 0);
    f[5] = (uint8_t)(21 << 3); /* windowLog 10 + 21 = 31: a 2 GiB window */
    assert_int_not_equal(sat_zstd_decompress(z, f, n, out, len, &err), 0);
    assert_non_null(strstr(err.msg, "window"));
    assert_int_not_equal(sat_zstd_decompress_prefix(z, f, n, out, len, 10, &err), 0);
    f[5] = (uint8_t)(15 << 3); /* windowLog 25: the cap itself is accepted */
    assert_int_equal(sat_zstd_decompress(z, f, n, out, len, &err), 0);
    assert_memory_equal(out, src, len);
    ZSTD_freeCCtx(c);
    sat_zstd_free(z);
    free(f);
    free(src);
    free(out);
}

static void test_dictionary_id(void **state)
{
    static char samples[200 * 1000];
    size_t sizes[200], i, dlen = 0, flen;
    char dict[8192];
    sat_zstd *zd = NULL, *zn = NULL;
    sat_err err = {0};
    uint8_t *f = NULL;
    char out[1000];
    (void)state;

    for (i = 0; i < 200; i++) {
        size_t k;
        for (k = 0; k < 1000; k++)
            samples[i * 1000 + k] =
                (char)("the market price of rice in the north rose "[(k * 7 + i) % 43]);
        sizes[i] = 1000;
    }
    assert_int_equal(sat_zstd_train(dict, sizeof dict, samples, sizes, 200, &dlen, &err), 0);
    assert_true(dlen > 0);
    assert_int_equal(sat_zstd_create(dict, dlen, 3, &zd, &err), 0);
    assert_int_equal(sat_zstd_create(NULL, 0, 0, &zn, &err), 0);
    assert_int_equal(sat_zstd_compress(zd, samples, 1000, &f, &flen, &err), 0);
    assert_int_equal(sat_zstd_decompress(zd, f, flen, out, 1000, &err), 0);
    assert_memory_equal(out, samples, 1000);
    /* the same frame without the dictionary: refused for its dictionary id */
    assert_int_not_equal(sat_zstd_decompress(zn, f, flen, out, 1000, &err), 0);
    assert_non_null(strstr(err.msg, "dictionary id"));
    free(f);
    sat_zstd_free(zd);
    sat_zstd_free(zn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_size_checks),
        cmocka_unit_test(test_frame_lies),
        cmocka_unit_test(test_window_cap),
        cmocka_unit_test(test_dictionary_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
