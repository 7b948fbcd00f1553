/* test_cursor.c - the bounded cursor refuses to read past its end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sat_cursor.h"

static void test_lines(void **state)
{
    const char *t = "a\tb\n\nlast";
    sat_cursor c = sat_cursor_make(t, strlen(t));
    sat_span s;
    (void)state;

    assert_int_equal(sat_cursor_line(&c, &s), 0);
    assert_true(sat_span_eq(s, "a\tb"));
    assert_int_equal(sat_cursor_line(&c, &s), 0);
    assert_int_equal(s.len, 0);
    /* a final line without LF is refused, and nothing is consumed */
    assert_int_equal(sat_cursor_line(&c, &s), -1);
    assert_int_equal(sat_cursor_left(&c), 4);
}

static void test_fields(void **state)
{
    const char *t = "x\t\ty";
    sat_cursor c = sat_cursor_make(t, strlen(t));
    sat_span s;
    (void)state;

    assert_int_equal(sat_cursor_field(&c, '\t', &s), 0);
    assert_true(sat_span_eq(s, "x"));
    assert_int_equal(sat_cursor_field(&c, '\t', &s), 0);
    assert_int_equal(s.len, 0);
    assert_int_equal(sat_cursor_field(&c, '\t', &s), 0);
    assert_true(sat_span_eq(s, "y"));
    assert_int_equal(sat_cursor_field(&c, '\t', &s), -1);
    assert_int_equal(sat_cursor_take(&c, 1, &s), -1);
}

static void test_numbers(void **state)
{
    uint64_t v;
    sat_span s;
    (void)state;

#define SP(x) (s.p = (x), s.len = strlen(x), s)
    assert_int_equal(sat_span_u64(SP("0"), 10, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(sat_span_u64(SP("18446744073709551615"), UINT64_MAX, &v), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(sat_span_u64(SP("18446744073709551616"), UINT64_MAX, &v), -1);
    assert_int_equal(sat_span_u64(SP("007"), 100, &v), -1);
    assert_int_equal(sat_span_u64(SP("+7"), 100, &v), -1);
    assert_int_equal(sat_span_u64(SP("101"), 100, &v), -1);
    assert_int_equal(sat_span_u64(SP(""), 100, &v), -1);
}

static void test_hex(void **state)
{
    uint8_t out[2];
    sat_span s;
    (void)state;

    assert_int_equal(sat_span_hex(SP("0aff"), out, 2), 0);
    assert_int_equal(out[0], 0x0a);
    assert_int_equal(out[1], 0xff);
    assert_int_equal(sat_span_hex(SP("0AFF"), out, 2), -1);
    assert_int_equal(sat_span_hex(SP("0af"), out, 2), -1);
    assert_int_equal(sat_span_hex(SP("0ag0"), out, 2), -1);
}

static void test_varint(void **state)
{
    static const struct {
        const char *bytes;
        size_t len;
        int rc;
        uint32_t v;
    } cases[] = {
        {"\x00", 1, 0, 0},
        {"\x7f", 1, 0, 127},
        {"\x80\x01", 2, 0, 128},
        {"\xff\xff\xff\xff\x0f", 5, 0, UINT32_MAX},
        {"\x80", 1, SAT_VARINT_TRUNCATED, 0},
        {"", 0, SAT_VARINT_TRUNCATED, 0},
        {"\xff\xff\xff\xff\x8f", 5, SAT_VARINT_TOO_LONG, 0},
        {"\xff\xff\xff\xff\x10", 5, SAT_VARINT_OVERFLOW, 0},
        {"\x81\x00", 2, SAT_VARINT_NOT_SHORTEST, 0},
        {"\x80\x80\x80\x80\x00", 5, SAT_VARINT_NOT_SHORTEST, 0},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sat_cursor c = sat_cursor_make(cases[i].bytes, cases[i].len);
        uint32_t v = 12345;
        assert_int_equal(sat_cursor_varint(&c, &v), cases[i].rc);
        /* success consumes exactly the varint; failure consumes nothing */
        assert_int_equal(sat_cursor_left(&c), cases[i].rc == 0 ? 0 : cases[i].len);
        assert_int_equal(v, cases[i].rc == 0 ? cases[i].v : 12345);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_varint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
