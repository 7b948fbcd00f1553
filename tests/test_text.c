/* test_text.c - tests for formats/sat_text.c */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sat_text.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static int has_bytes(const sat_buf *b, const char *needle, size_t n)
{
    size_t i;

    if (b->len < n)
        return 0;
    for (i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Fails the test if the buffer holds any byte a terminal could act on. */
static void assert_terminal_safe(const sat_buf *b)
{
    size_t i;

    assert_non_null(b->data);
    assert_true(sat_utf8_valid(b->data, b->len, NULL));
    for (i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c == '\n')
            continue;
        assert_false(c < 0x20 || c == 0x7F);
    }
    assert_false(has_bytes(b, "\xC2\x9B", 2));      /* U+009B CSI */
    assert_false(has_bytes(b, "\xC2\x9D", 2));      /* U+009D OSC */
    assert_false(has_bytes(b, "\xE2\x80\xAE", 3));  /* U+202E RLO */
    assert_false(has_bytes(b, "\xE2\x81\xA6", 3));  /* U+2066 LRI */
}

/* Removes ASCII spaces (and LF) from s[0..len) into a new malloc'd string. */
static char *strip_spaces(const char *s, size_t len, const char *prefix)
{
    char *o = malloc(len + 1);
    size_t i = 0;
    size_t k = 0;
    size_t pl = prefix ? strlen(prefix) : 0;
    int at_line_start = 1;

    assert_non_null(o);
    while (i < len) {
        if (at_line_start && pl > 0) {
            assert_true(len - i >= pl);
            assert_memory_equal(s + i, prefix, pl);
            i += pl;
            at_line_start = 0;
            continue;
        }
        if (s[i] == '\n')
            at_line_start = 1;
        else if (s[i] != ' ')
            o[k++] = s[i];
        i++;
    }
    o[k] = '\0';
    return o;
}

/* Wraps `in` and checks every invariant: each line valid UTF-8, starts with the
 * prefix, measures <= width, has no space at a break, and the text (spaces aside)
 * is unchanged. Returns the number of lines. */
static size_t check_wrap(const char *in, size_t width, const char *prefix)
{
    sat_buf out = {0};
    size_t i = 0;
    size_t lines = 0;
    char *a;
    char *b;
    size_t pl = prefix ? strlen(prefix) : 0;

    assert_int_equal(sat_text_wrap(&out, in, strlen(in), width, prefix), 0);
    assert_non_null(out.data);
    assert_true(out.len > 0);
    assert_int_equal(out.data[out.len - 1], '\n');
    while (i < out.len) {
        const char *nl = memchr(out.data + i, '\n', out.len - i);
        size_t e;
        assert_non_null(nl);
        e = (size_t)(nl - out.data);
        assert_true(sat_utf8_valid(out.data + i, e - i, NULL));
        assert_true(sat_text_width(out.data + i, e - i) <= width);
        if (e - i > pl) {
            assert_true(out.data[e - 1] != ' ');
            if (lines > 0)
                assert_true(out.data[i + pl] != ' ');
        }
        lines++;
        i = e + 1;
    }
    a = strip_spaces(in, strlen(in), NULL);
    b = strip_spaces(out.data, out.len, prefix);
    assert_string_equal(a, b);
    free(a);
    free(b);
    sat_buf_free(&out);
    return lines;
}

/* ------------------------------------------------------------------------ */
/* sat_buf                                                                  */
/* ------------------------------------------------------------------------ */

static void test_buf(void **state)
{
    sat_buf b = {0};
    int i;

    (void)state;
    assert_int_equal(sat_buf_append(&b, "", 0), 0);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(sat_buf_puts(&b, "abc"), 0);
    assert_int_equal(sat_buf_printf(&b, "-%d-%s", 42, "x"), 0);
    assert_string_equal(b.data, "abc-42-x");
    assert_int_equal(b.len, 8);
    for (i = 0; i < 1000; i++)
        assert_int_equal(sat_buf_printf(&b, "%04d", i), 0);
    assert_int_equal(b.len, 8 + 4000);
    assert_int_equal(b.data[b.len], '\0');
    assert_memory_equal(b.data + b.len - 4, "0999", 4);
    assert_int_equal(sat_buf_append(&b, NULL, 1), SAT_E_ARG);
    sat_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    sat_buf_free(NULL);
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

static void expect_bad(const char *s, size_t len, size_t off)
{
    size_t got = 12345;

    assert_int_equal(sat_utf8_valid(s, len, &got), 0);
    assert_int_equal(got, off);
}

static void test_utf8_valid(void **state)
{
    const char *good = "plain ASCII, 평양에서 온 소식, Ω, € and 😀";
    size_t off = 99;

    (void)state;
    assert_int_equal(sat_utf8_valid(good, strlen(good), &off), 1);
    assert_int_equal(off, 99); /* untouched on success */
    assert_int_equal(sat_utf8_valid("", 0, NULL), 1);
    assert_int_equal(sat_utf8_valid("\xF4\x8F\xBF\xBF", 4, NULL), 1); /* U+10FFFF */
    assert_int_equal(sat_utf8_valid("\xEF\xBF\xBD", 3, NULL), 1);     /* U+FFFD */
    assert_int_equal(sat_utf8_valid("a\0b", 3, NULL), 1);             /* NUL is UTF-8 */

    expect_bad("ab\xC0\xAF", 4, 2);            /* overlong '/' */
    expect_bad("\xC1\xBF", 2, 0);              /* overlong */
    expect_bad("\xE0\x80\xAF", 3, 0);          /* overlong 3-byte */
    expect_bad("\xF0\x80\x80\xAF", 4, 0);      /* overlong 4-byte */
    expect_bad("xy\xED\xA0\x80", 5, 2);        /* surrogate U+D800 */
    expect_bad("\xED\xBF\xBF", 3, 0);          /* surrogate U+DFFF */
    expect_bad("\xF4\x90\x80\x80", 4, 0);      /* U+110000 */
    expect_bad("x\xF5\x80\x80\x80", 5, 1);     /* F5 lead */
    expect_bad("ok\xFF", 3, 2);
    expect_bad("ok\xFE", 3, 2);
    expect_bad("abc\xEA\xB0", 5, 3);           /* truncated 3-byte at end */
    expect_bad("\xEA\xB0" "A", 3, 0);          /* truncated in the middle */
    expect_bad("\xF0\x9F\x98", 3, 0);          /* truncated 4-byte */
    expect_bad("\xC3", 1, 0);                  /* truncated 2-byte */
    expect_bad("평\x80", 4, 3);                /* stray continuation */
    expect_bad("\x9B[31m", 5, 0);              /* raw C1 byte */
    /* the length bounds the read: a valid sequence cut by len is invalid */
    expect_bad("가", 2, 0);
}

static void test_utf8_decode_encode(void **state)
{
    uint32_t cp = 0;
    uint32_t c;
    char enc[4];
    size_t n;

    (void)state;
    assert_int_equal(sat_utf8_decode("가", 3, &cp), 3);
    assert_int_equal(cp, 0xAC00);
    assert_int_equal(sat_utf8_decode("😀", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(sat_utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(sat_utf8_decode("\xC0\xAF", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(sat_utf8_decode("\xED\xA0\x80", 3, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(sat_utf8_decode("가", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);

    /* every scalar value round-trips */
    for (c = 0; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        n = sat_utf8_encode(c, enc);
        assert_true(n >= 1 && n <= 4);
        assert_true(sat_utf8_valid(enc, n, NULL));
        assert_int_equal(sat_utf8_decode(enc, n, &cp), n);
        if (cp != c)
            fail_msg("round trip of U+%04X gave U+%04X", (unsigned)c, (unsigned)cp);
    }
    n = sat_utf8_encode(0xD800, enc);
    assert_int_equal(n, 3);
    assert_memory_equal(enc, "\xEF\xBF\xBD", 3);
    n = sat_utf8_encode(0x110000, enc);
    assert_int_equal(n, 3);
    assert_memory_equal(enc, "\xEF\xBF\xBD", 3);
}

static void test_dangerous(void **state)
{
    (void)state;
    assert_true(sat_cp_is_dangerous(0x00));
    assert_true(sat_cp_is_dangerous(0x09));
    assert_true(sat_cp_is_dangerous(0x0A));
    assert_true(sat_cp_is_dangerous(0x1B));
    assert_true(sat_cp_is_dangerous(0x7F));
    assert_true(sat_cp_is_dangerous(0x80));
    assert_true(sat_cp_is_dangerous(0x9B));
    assert_true(sat_cp_is_dangerous(0x9F));
    assert_true(sat_cp_is_dangerous(0x061C));
    assert_true(sat_cp_is_dangerous(0x200E));
    assert_true(sat_cp_is_dangerous(0x200F));
    assert_true(sat_cp_is_dangerous(0x202A));
    assert_true(sat_cp_is_dangerous(0x202E));
    assert_true(sat_cp_is_dangerous(0x2066));
    assert_true(sat_cp_is_dangerous(0x2069));
    assert_true(sat_cp_is_dangerous(0xFFF9));
    assert_true(sat_cp_is_dangerous(0xFFFB));
    assert_false(sat_cp_is_dangerous(' '));
    assert_false(sat_cp_is_dangerous('~'));
    assert_false(sat_cp_is_dangerous(0xA0));
    assert_false(sat_cp_is_dangerous(0xAC00));
    assert_false(sat_cp_is_dangerous(0x202F));
    assert_false(sat_cp_is_dangerous(0xFFFD));
}

/* ------------------------------------------------------------------------ */
/* sanitising                                                               */
/* ------------------------------------------------------------------------ */

static void sanitize_str(sat_buf *b, const char *s, size_t len, int keep_tabs)
{
    b->len = 0;
    assert_int_equal(sat_text_sanitize(b, s, len, keep_tabs), 0);
    assert_terminal_safe(b);
}

static void test_sanitize(void **state)
{
    sat_buf b = {0};
    static const char csi[] = "red \x1b[31mRED\x1b[0m end";
    static const char osc[] = "\x1b]0;pwned title\x07 and \x1b]8;;http://x\x1b\\link";
    static const char c1[] = "a\xC2\x9B" "31mb";         /* U+009B as UTF-8 */
    static const char raw[] = "a\x9B" "31mb";             /* raw 0x9B byte */
    static const char bidi[] = "abc\xE2\x80\xAE" "fdp.exe"; /* U+202E */

    (void)state;
    sanitize_str(&b, "", 0, 0);
    assert_string_equal(b.data, "");

    sanitize_str(&b, "평양에서 온 소식", strlen("평양에서 온 소식"), 0);
    assert_string_equal(b.data, "평양에서 온 소식");

    sanitize_str(&b, csi, sizeof csi - 1, 0);
    assert_string_equal(b.data, "red \\x1b[31mRED\\x1b[0m end");

    sanitize_str(&b, osc, sizeof osc - 1, 0);
    assert_string_equal(b.data,
                        "\\x1b]0;pwned title\\x07 and \\x1b]8;;http://x\\x1b\\link");

    sanitize_str(&b, c1, sizeof c1 - 1, 0);
    assert_string_equal(b.data, "a\\x9b31mb");

    sanitize_str(&b, raw, sizeof raw - 1, 0);
    assert_string_equal(b.data, "a\xEF\xBF\xBD" "31mb");

    sanitize_str(&b, bidi, sizeof bidi - 1, 0);
    assert_string_equal(b.data, "abc<U+202E>fdp.exe");

    sanitize_str(&b, "\xE2\x81\xA6x\xE2\x81\xA9\xD8\x9C", 9, 0);
    assert_string_equal(b.data, "<U+2066>x<U+2069><U+061C>");

    /* invalid sequences: each bad byte becomes U+FFFD, valid text is kept */
    sanitize_str(&b, "A\xC0\xAF" "B\xED\xA0\x80" "C\xF5", 9, 0);
    assert_string_equal(b.data, "A\xEF\xBF\xBD\xEF\xBF\xBD" "B\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                "C\xEF\xBF\xBD");

    /* controls, NUL, DEL, LF, CR */
    sanitize_str(&b, "a\0b\x7f" "c\nd\re", 9, 0);
    assert_string_equal(b.data, "a\\x00b\\x7fc\\x0ad\\x0de");

    /* tabs */
    sanitize_str(&b, "a\tb", 3, 0);
    assert_string_equal(b.data, "a\\x09b");
    sanitize_str(&b, "a\tb", 3, 1);
    assert_string_equal(b.data, "a       b");
    sanitize_str(&b, "\tx", 2, 1);
    assert_string_equal(b.data, "        x");
    sanitize_str(&b, "평양\tx", strlen("평양\tx"), 1); /* 4 columns, then 4 spaces */
    assert_string_equal(b.data, "평양    x");
    sanitize_str(&b, "\x1b\tx", 3, 1); /* "\x1b" is 4 columns, then 4 spaces */
    assert_string_equal(b.data, "\\x1b    x");

    /* appends, does not replace */
    b.len = 0;
    assert_int_equal(sat_buf_puts(&b, "> "), 0);
    assert_int_equal(sat_text_sanitize(&b, "\x1b", 1, 0), 0);
    assert_string_equal(b.data, "> \\x1b");
    sat_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* width                                                                    */
/* ------------------------------------------------------------------------ */

static void check_widths(void)
{
    assert_int_equal(sat_text_width("평양에서", strlen("평양에서")), 8);
    assert_int_equal(sat_text_width("abc", 3), 3);
    assert_int_equal(sat_text_width("", 0), 0);
    assert_int_equal(sat_text_width("Seoul 서울", strlen("Seoul 서울")), 10);
    assert_int_equal(sat_text_width("e\xCC\x81", 3), 1);         /* e + U+0301 */
    assert_int_equal(sat_text_width("中文", strlen("中文")), 4);
    assert_int_equal(sat_text_width("ＡＢ", strlen("ＡＢ")), 4);  /* fullwidth */
    assert_int_equal(sat_text_width("a\xE2\x80\x8B" "b", 5), 2);  /* ZWSP */
    assert_int_equal(sat_cp_width(0xAC00), 2);
    assert_int_equal(sat_cp_width(0xD7A3), 2);
    assert_int_equal(sat_cp_width(0x1100), 2);
    assert_int_equal(sat_cp_width(0x1160), 0);
    assert_int_equal(sat_cp_width(0x11A8), 0);
    assert_int_equal(sat_cp_width(0x3042), 2);
    assert_int_equal(sat_cp_width(0x1F600), 2);
    assert_int_equal(sat_cp_width(0x20000), 2);
    assert_int_equal(sat_cp_width('A'), 1);
    assert_int_equal(sat_cp_width(0xE9), 1);
    assert_int_equal(sat_cp_width(0xFEFF), 0);
    /* never negative, even for code points wcwidth cannot print */
    assert_true(sat_cp_width(0x1B) >= 0);
    assert_true(sat_cp_width(0x9B) >= 0);
    assert_true(sat_cp_width(0x7F) >= 0);
    assert_true(sat_cp_width(0xE0001) >= 0);
    assert_true(sat_cp_width(0x10FFFF) >= 0);
    assert_true(sat_cp_width(0xD800) >= 0);
}

static void test_width_table(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_CTYPE, "C"));
    check_widths();
    /* table-only facts */
    assert_int_equal(sat_cp_width(0x303F), 1);
    assert_int_equal(sat_cp_width(0x1B), 0);
    assert_int_equal(sat_cp_width(0xD7B0), 0);
    assert_int_equal(sat_cp_width(0x20D0), 0);
    assert_int_equal(sat_cp_width(0xFFE6), 2);
    assert_int_equal(sat_cp_width(0xFFE7), 1);
}

static void test_width_wcwidth(void **state)
{
    (void)state;
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL && setlocale(LC_CTYPE, "C.utf8") == NULL) {
        skip();
        return;
    }
    check_widths();
    setlocale(LC_CTYPE, "C");
}

/* ------------------------------------------------------------------------ */
/* wrapping                                                                 */
/* ------------------------------------------------------------------------ */

static const char korean_para[] =
    "조선중앙통신은 15일 평양에서 열린 회의에서 농업 생산을 늘리기 위한 새로운 "
    "계획이 발표되었다고 보도했다. 참석자들은 올해 가을 수확을 앞두고 비료와 "
    "농기계 공급을 늘려야 한다고 강조했으며, 각 지역의 협동농장 대표들도 "
    "토론에 참가하였다. 전문가들은 이번 조치가 식량 사정에 미칠 영향을 "
    "주의 깊게 지켜보고 있다고 말했다.";

static void test_wrap_korean(void **state)
{
    size_t n20;
    size_t n80;

    (void)state;
    n20 = check_wrap(korean_para, 20, NULL);
    n80 = check_wrap(korean_para, 80, NULL);
    assert_true(n20 > n80);
    assert_true(n80 >= 3);
    check_wrap(korean_para, 20, "> ");
    check_wrap(korean_para, 41, "    ");
    check_wrap(korean_para, 11, NULL); /* odd avail: wide chars must not overflow */
}

static void test_wrap_exact(void **state)
{
    sat_buf b = {0};
    const char *s;

    (void)state;
    /* greedy, collapse the break space */
    s = "aaa bbb ccc ddd";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 10, NULL), 0);
    assert_string_equal(b.data, "aaa bbb\nccc ddd\n");
    b.len = 0;
    /* a run of spaces at a break disappears completely */
    s = "aaaa bbbb     cccc";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 10, "> "), 0);
    assert_string_equal(b.data, "> aaaa\n> bbbb\n> cccc\n");
    b.len = 0;
    /* exactly full line */
    s = "0123456789 x";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 10, NULL), 0);
    assert_string_equal(b.data, "0123456789\nx\n");
    b.len = 0;
    /* Korean words (eojeol) break at spaces: 평양에서(8) + 1 + 회의가(6) > 12 */
    s = "평양에서 회의가 열렸다";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 12, NULL), 0);
    assert_string_equal(b.data, "평양에서\n회의가\n열렸다\n");
    b.len = 0;
    /* a word longer than the line is cut at character boundaries */
    s = "abcdefghijklmnopqrstuvwxyz";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 10, NULL), 0);
    assert_string_equal(b.data, "abcdefghij\nklmnopqrst\nuvwxyz\n");
    b.len = 0;
    /* no spaces in Hangul: break between wide characters, 5 per 11 columns */
    s = "가나다라마바사아자차카";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 11, NULL), 0);
    assert_string_equal(b.data, "가나다라마\n바사아자차\n카\n");
    b.len = 0;
    /* a long word starts on a fresh line */
    s = "hi abcdefghijklmnop";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 10, NULL), 0);
    assert_string_equal(b.data, "hi\nabcdefghij\nklmnop\n");
    b.len = 0;
    /* combining marks stay with their base at a hard break */
    s = "abcdefghie\xCC\x81z";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 10, NULL), 0);
    assert_string_equal(b.data, "abcdefghie\xCC\x81\nz\n");
    b.len = 0;
    /* transcript cues are ordinary text */
    s = "[00:01:02] 김철수: 오늘 회의를 시작하겠습니다";
    assert_int_equal(sat_text_wrap(&b, s, strlen(s), 20, NULL), 0);
    assert_string_equal(b.data, "[00:01:02] 김철수:\n오늘 회의를\n시작하겠습니다\n");
    b.len = 0;
    /* LF starts a new line; empty input is one prefix-only line */
    assert_int_equal(sat_text_wrap(&b, "a\nb\n", 4, 10, "* "), 0);
    assert_string_equal(b.data, "* a\n* b\n");
    b.len = 0;
    assert_int_equal(sat_text_wrap(&b, "", 0, 10, "> "), 0);
    assert_string_equal(b.data, "> \n");
    b.len = 0;
    /* leading indentation on the first line is kept, trailing spaces dropped */
    assert_int_equal(sat_text_wrap(&b, "  ab   ", 7, 10, NULL), 0);
    assert_string_equal(b.data, "  ab\n");
    b.len = 0;
    /* bad arguments */
    assert_int_equal(sat_text_wrap(&b, "x", 1, 9, NULL), SAT_E_ARG);
    assert_int_equal(sat_text_wrap(&b, "x", 1, 10, "123456789"), SAT_E_ARG);
    assert_int_equal(sat_text_wrap(&b, "x", 1, 11, "123456789"), 0);
    sat_buf_free(&b);
}

static void test_wrap_mixed(void **state)
{
    char longword[200];
    char buf[400];

    (void)state;
    check_wrap("North Korea's KCNA 조선중앙통신 said on Tuesday that 평양 hosted a "
               "meeting about agriculture, 농업 생산, and fertiliser supply chains.",
               20, NULL);
    check_wrap("North Korea's KCNA 조선중앙통신 said on Tuesday that 평양 hosted a "
               "meeting about agriculture, 농업 생산, and fertiliser supply chains.",
               33, "  │ ");
    memset(longword, 'x', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    snprintf(buf, sizeof buf, "short %s tail", longword);
    check_wrap(buf, 20, NULL);
    check_wrap("https://example.org/a/very/long/path/that/cannot/be/broken/at/spaces "
               "한국어한국어한국어한국어한국어한국어한국어한국어 끝",
               20, "    ");
    check_wrap("    indented start", 20, NULL);
    check_wrap("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 emoji", 15, NULL);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

static void test_json(void **state)
{
    sat_buf b = {0};
    static const char ctl[] = "a\"b\\c\n\t\x01\x1f\x7f";
    static const char html[] = "</script><b>&amp;";
    static const char seps[] = "x\xE2\x80\xA8y\xE2\x80\xA9z\xE2\x80\xAE";
    static const char bad[] = "ok\xC0\xAF\xFF";

    (void)state;
    assert_int_equal(sat_json_string(&b, "", 0), 0);
    assert_string_equal(b.data, "\"\"");
    b.len = 0;
    assert_int_equal(sat_json_string(&b, ctl, sizeof ctl - 1), 0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\u000a\\u0009\\u0001\\u001f\\u007f\"");
    b.len = 0;
    assert_int_equal(sat_json_string(&b, html, sizeof html - 1), 0);
    assert_string_equal(b.data, "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\"");
    b.len = 0;
    assert_int_equal(sat_json_string(&b, seps, sizeof seps - 1), 0);
    assert_string_equal(b.data, "\"x\\u2028y\\u2029z\\u202e\"");
    b.len = 0;
    assert_int_equal(sat_json_string(&b, bad, sizeof bad - 1), 0);
    assert_string_equal(b.data, "\"ok\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    b.len = 0;
    assert_int_equal(sat_json_string(&b, "평양 \xC2\x9B", strlen("평양 \xC2\x9B")), 0);
    assert_string_equal(b.data, "\"평양 \\u009b\"");
    b.len = 0;
    assert_int_equal(sat_json_string(&b, "a\0b", 3), 0);
    assert_string_equal(b.data, "\"a\\u0000b\"");
    assert_true(sat_utf8_valid(b.data, b.len, NULL));
    sat_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_decode_encode),
        cmocka_unit_test(test_dangerous),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_width_table),
        cmocka_unit_test(test_width_wcwidth),
        cmocka_unit_test(test_wrap_korean),
        cmocka_unit_test(test_wrap_exact),
        cmocka_unit_test(test_wrap_mixed),
        cmocka_unit_test(test_json),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
