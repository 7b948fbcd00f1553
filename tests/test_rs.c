/* test_rs.c - the GF(2^16) field and the Reed-Solomon erasure code (formats/sat_rs.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sat_rs.h"

/* A small deterministic generator (xorshift64). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Carry-less product reduced by the field polynomial: the definition, bit by bit. */
static uint16_t slow_mul(uint16_t a, uint16_t b)
{
    uint32_t r = 0, x = a;
    int i;

    for (i = 0; i < 16; i++) {
        if (b & (1u << i))
            r ^= x;
        x <<= 1;
        if (x & 0x10000u)
            x ^= SAT_RS_POLY;
    }
    return (uint16_t)r;
}

static void test_field_axioms(void **state)
{
    int n;
    (void)state;

    assert_int_equal(sat_rs_mul(0, 1234), 0);
    assert_int_equal(sat_rs_mul(1, 1234), 1234);
    assert_int_equal(sat_rs_mul(2, 0x8000), 0x8000u * 2u ^ SAT_RS_POLY);
    for (n = 0; n < 20000; n++) {
        uint16_t a = (uint16_t)rng(), b = (uint16_t)rng(), c = (uint16_t)rng();

        assert_int_equal(sat_rs_mul(a, b), slow_mul(a, b));
        assert_int_equal(sat_rs_mul(a, b), sat_rs_mul(b, a));
        assert_int_equal(sat_rs_mul(sat_rs_mul(a, b), c), sat_rs_mul(a, sat_rs_mul(b, c)));
        assert_int_equal(sat_rs_mul(a, b ^ c), sat_rs_mul(a, b) ^ sat_rs_mul(a, c));
        if (a != 0)
            assert_int_equal(sat_rs_mul(a, sat_rs_inv(a)), 1);
    }
    /* 2 generates the whole multiplicative group: the polynomial is primitive */
    {
        uint16_t x = 1;
        for (n = 1; n < 65535; n++) {
            x = sat_rs_mul(x, 2);
            assert_int_not_equal(x, 1);
        }
        assert_int_equal(sat_rs_mul(x, 2), 1);
    }
}

static void test_mac(void **state)
{
    uint8_t src[SAT_RS_SECTOR], acc[SAT_RS_SECTOR], want[SAT_RS_SECTOR];
    unsigned t;
    uint16_t c = 0x1d2f;
    (void)state;

    for (t = 0; t < SAT_RS_SECTOR; t++) {
        src[t] = (uint8_t)rng();
        acc[t] = want[t] = (uint8_t)rng();
    }
    src[0] = src[1] = 0; /* a zero symbol */
    for (t = 0; t < SAT_RS_SYMBOLS; t++) {
        uint16_t x = (uint16_t)(src[2 * t] | src[2 * t + 1] << 8);
        uint16_t v = slow_mul(c, x);
        want[2 * t] ^= (uint8_t)v;
        want[2 * t + 1] ^= (uint8_t)(v >> 8);
    }
    sat_rs_mac(acc, c, src);
    assert_memory_equal(acc, want, sizeof acc);
}

/* Encodes a random stripe, erases `lose` random sectors (data and parity), decodes, and
 * checks every data sector byte for byte. Returns what decode returned. */
static int round_trip(unsigned k, unsigned m, unsigned lose)
{
    uint8_t **s = calloc(k + m, sizeof *s), **orig = calloc(k, sizeof *orig);
    uint8_t *erased = calloc(k + m, 1);
    unsigned i, n;
    sat_err err = {0};
    int rc;

    assert_non_null(s);
    for (i = 0; i < k + m; i++) {
        s[i] = malloc(SAT_RS_SECTOR);
        assert_non_null(s[i]);
        for (n = 0; n < SAT_RS_SECTOR; n++)
            s[i][n] = (uint8_t)rng();
    }
    for (i = 0; i < k; i++) {
        orig[i] = malloc(SAT_RS_SECTOR);
        memcpy(orig[i], s[i], SAT_RS_SECTOR);
    }
    sat_rs_encode(k, m, (const uint8_t *const *)s, s + k);
    for (n = 0; n < lose;) {
        i = (unsigned)(rng() % (k + m));
        if (!erased[i]) {
            erased[i] = 1;
            memset(s[i], 0xA5, SAT_RS_SECTOR);
            n++;
        }
    }
    rc = sat_rs_decode(k, m, s, erased, &err);
    if (rc == 0)
        for (i = 0; i < k; i++)
            assert_memory_equal(s[i], orig[i], SAT_RS_SECTOR);
    else
        assert_non_null(strstr(err.msg, "parity sectors left"));
    for (i = 0; i < k + m; i++)
        free(s[i]);
    for (i = 0; i < k; i++)
        free(orig[i]);
    free(s);
    free(orig);
    free(erased);
    return rc;
}

static void test_erasures_up_to_m(void **state)
{
    static const unsigned km[][2] = {{1, 1}, {5, 3}, {30, 4}, {200, 10}, {1024, 52}};
    size_t c;
    unsigned lose;
    (void)state;

    for (c = 0; c < sizeof km / sizeof km[0]; c++) {
        unsigned k = km[c][0], m = km[c][1];

        for (lose = 0; lose <= m; lose += (m > 8 ? m / 4 : 1))
            assert_int_equal(round_trip(k, m, lose), 0);
        assert_int_equal(round_trip(k, m, m), 0);
    }
}

/* Only data sectors lost, exactly m of them: the hardest case the code must meet. */
static void test_all_parity_used(void **state)
{
    unsigned k = 40, m = 6, i;
    uint8_t **s = calloc(k + m, sizeof *s), *erased = calloc(k + m, 1);
    uint8_t keep[6][SAT_RS_SECTOR];
    sat_err err = {0};
    (void)state;

    for (i = 0; i < k + m; i++) {
        s[i] = malloc(SAT_RS_SECTOR);
        memset(s[i], (int)(i * 7 + 1), SAT_RS_SECTOR);
    }
    sat_rs_encode(k, m, (const uint8_t *const *)s, s + k);
    for (i = 0; i < m; i++) {
        memcpy(keep[i], s[i * 6], SAT_RS_SECTOR);
        memset(s[i * 6], 0, SAT_RS_SECTOR);
        erased[i * 6] = 1;
    }
    assert_int_equal(sat_rs_decode(k, m, s, erased, &err), 0);
    for (i = 0; i < m; i++)
        assert_memory_equal(s[i * 6], keep[i], SAT_RS_SECTOR);
    for (i = 0; i < k + m; i++)
        free(s[i]);
    free(s);
    free(erased);
}

static void test_too_many_erasures(void **state)
{
    (void)state;
    /* m + 1 lost: always refused (some data is lost whenever more than m go) */
    assert_int_equal(round_trip(30, 4, 5), SAT_E_LIMIT);
    assert_int_equal(round_trip(200, 10, 11), SAT_E_LIMIT);
    assert_int_equal(round_trip(1, 1, 2), SAT_E_LIMIT);
}

static void test_bad_geometry(void **state)
{
    sat_rs_plan p;
    uint8_t erased[4] = {1, 0, 0, 0};
    sat_err err = {0};
    (void)state;

    assert_int_equal(sat_rs_plan_make(0, 4, erased, &p, &err), SAT_E_ARG);
    assert_int_equal(sat_rs_plan_make(65000, 1000, erased, &p, &err), SAT_E_ARG);
    sat_rs_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_axioms),      cmocka_unit_test(test_mac),
        cmocka_unit_test(test_erasures_up_to_m),  cmocka_unit_test(test_all_parity_used),
        cmocka_unit_test(test_too_many_erasures), cmocka_unit_test(test_bad_geometry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
